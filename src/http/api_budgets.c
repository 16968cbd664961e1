/* api_budgets.c — Kubecost's budget API: GET /budgets, POST /budget
 * (create, or update when the body has an id), DELETE /budget?id= and
 * Kubecost's own DELETE /deleteBudget?id=; and GET /alerts (alert state and
 * the outbox's delivery status, never a body, URL or secret).  Answers are Kubecost's
 * {"code": 200, "data": …}; budgets and their spend come from
 * src/alerts (which asks the engine). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/alert.h"
#include "alerts/budget_store.h"
#include "alerts/rule_eval.h"
#include "alerts/rule_store.h"
#include "alerts/webhook_secret.h"
#include "http/app.h"

static void answer(kt_http_resp *r, json_t *j)
{
    char *text = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(17));
    resp_set(r, 200, "application/json");
    buf_puts(&r->body, text);
    free(text);
    json_decref(j);
}

void api_budgets(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    assert(app && s && r);
    json_t *j;
    kt_err err = {0};
    if (budget_answers(s, now, &app->limits, &j, &err))
        resp_json_error(r, err.code == KT_EINPUT ? 400 : 500, err.msg);
    else
        answer(r, j);
}

/* POST: validate, refuse an id that names no budget (an update of
 * nothing is a typo, not a create), save, answer with the current spend. */
static void post(kt_http_app *app, kt_store *s, const char *body, int64_t now, kt_http_resp *r)
{
    json_error_t je;
    json_t *j = json_loads(body, JSON_REJECT_DUPLICATES, &je);
    kt_budget b;
    kt_err err = {0};
    char msg[600];
    if (!j) {
        snprintf(msg, sizeof msg, "body: not JSON (line %d: %s)", je.line, je.text);
        resp_json_error(r, 400, msg);
        return;
    }
    int rc = budget_from_json(j, &b, NULL, &err);
    json_decref(j);
    if (rc) {
        resp_json_error(r, 400, err.msg);
        budget_free(&b);
        return;
    }
    char *old = NULL;
    if (b.id[0] && (rc = store_get_record(s, KT_BUDGET_KIND, b.id, &old, &err)) == 0) {
        snprintf(msg, sizeof msg, "id: no budget '%s'; leave id out to create one", b.id);
        resp_json_error(r, 404, msg);
    } else if (rc < 0 || budget_save(s, &b, &err)) {
        resp_json_error(r, 500, err.msg);
    } else {
        kt_budget_status st;
        if (app->budgets_changed)
            app->budgets_changed(app->budgets_changed_ud);
        if (budgets_status(s, &b, 1, now, &app->limits, &st, &err))
            resp_json_error(r, 500, err.msg);
        else
            answer(r, json_pack("{s:i, s:o}", "code", 200, "data", budget_answer_json(&b, &st)));
    }
    free(old);
    budget_free(&b);
}

/* A write's id parameter checked (DELETE needs ?id=, POST takes it in the
 * body) and a writable store opened; -1 when the answer is already set. */
static int open_for_write(kt_http_app *app, const char *method, const kt_http_params *p, const char *what,
                          const char **id, kt_store **s, kt_http_resp *r)
{
    kt_err err = {0};
    char msg[128];
    *id = http_params_get((void *)p, "id");
    if (!strcmp(method, "DELETE") && (!*id || !**id)) {
        snprintf(msg, sizeof msg, "id: required (DELETE /%s?id=ID)", what);
        resp_json_error(r, 400, msg);
        return -1;
    }
    if (!strcmp(method, "POST") && *id) {
        snprintf(msg, sizeof msg, "id: goes in the body of POST /%s, not the URL", what);
        resp_json_error(r, 400, msg);
        return -1;
    }
    if (store_open(app->db_url && *app->db_url ? app->db_url : NULL, 0, s, &err)) {
        resp_json_error(r, 503, err.msg);
        return -1;
    }
    return 0;
}

void api_budget_write(kt_http_app *app, const char *method, const kt_http_params *p, const char *body, size_t len,
                      int64_t now, kt_http_resp *r)
{
    assert(app && method && p && body && r);
    kt_store *s;
    kt_err err = {0};
    const char *id;
    if (open_for_write(app, method, p, "budget", &id, &s, r))
        return;
    if (!strcmp(method, "POST")) {
        post(app, s, body, now, r);
    } else {
        int rc = budget_delete(s, id, &err);
        if (rc < 0) {
            resp_json_error(r, 500, err.msg);
        } else if (rc == 0) {
            resp_json_error(r, 404, "id: no such budget");
        } else {
            if (app->budgets_changed)
                app->budgets_changed(app->budgets_changed_ud);
            answer(r, json_pack("{s:i, s:s}", "code", 200, "data", "deleted"));
        }
    }
    store_close(s);
}

void api_alerts(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    assert(app && s && r);
    json_t *j;
    kt_err err = {0};
    if (alerts_status(s, &j, &err))
        resp_json_error(r, 500, err.msg);
    else
        answer(r, j);
}

/* GET /alerts/status (Kubecost's /model/alerts/status): every rule's
 * schedule, {code, data: [{id, type, window, scheduledOn, lastRun, nextRun,
 * lastError}]}. */
void api_alert_status(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    assert(app && s && r);
    (void)p, (void)now;
    answer(r, json_pack("{s:i, s:o}", "code", 200, "data", rules_status(s)));
}

/* POST /alert (create, or replace when the body's id exists or is new),
 * DELETE /alert?id=: alert rules made over the API (rule_store.h). */
void api_alert_write(kt_http_app *app, const char *method, const kt_http_params *p, const char *body, size_t len,
                     int64_t now, kt_http_resp *r)
{
    assert(app && method && p && body && r);
    kt_store *s;
    kt_err err = {0};
    const char *id;
    if (open_for_write(app, method, p, "alert", &id, &s, r))
        return;
    if (!strcmp(method, "POST")) {
        json_error_t je;
        json_t *j = json_loads(body, JSON_REJECT_DUPLICATES, &je);
        char nid[64], msg[300];
        if (!j) {
            snprintf(msg, sizeof msg, "body: not JSON (line %d: %.200s)", je.line, je.text);
            resp_json_error(r, 400, msg);
        } else if (rule_save_json(s, j, nid, &err)) {
            resp_json_error(r, err.code == KT_EINPUT ? 400 : 500, err.msg);
        } else {
            json_t *saved = json_deep_copy(j);
            json_object_set_new(saved, "id", json_string(nid));
            webhooks_hide(saved);
            if (app->budgets_changed)
                app->budgets_changed(app->budgets_changed_ud);
            answer(r, json_pack("{s:i, s:o}", "code", 200, "data", saved));
        }
        json_decref(j);
    } else {
        int rc = rule_delete(s, id, &err);
        if (rc < 0)
            resp_json_error(r, 500, err.msg);
        else if (rc == 0)
            resp_json_error(r, 404, "id: no such alert (alerts from the config file are changed there)");
        else
            answer(r, json_pack("{s:i, s:s}", "code", 200, "data", "deleted"));
        if (rc > 0 && app->budgets_changed)
            app->budgets_changed(app->budgets_changed_ud);
    }
    store_close(s);
    (void)len, (void)now;
}

void api_alert_configs(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    assert(app && s && r);
    json_t *j;
    kt_err err = {0};
    if (rule_configs(s, &j, &err))
        resp_json_error(r, 500, err.msg);
    else
        answer(r, j);
}

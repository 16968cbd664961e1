/* budget_store.c — budgets as store records; see budget_store.h. */
#include "alerts/budget_store.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "alerts/alert.h"
#include "alerts/webhook_secret.h"
#include "util/log.h"

/* An update that sends back the hidden webhook URLs an answer showed keeps
 * the stored ones (webhook_secret.h). */
static void keep_stored_webhooks(kt_store *s, const char *id, json_t *j)
{
    char *old = NULL;
    if (store_get_record(s, KT_BUDGET_KIND, id, &old, NULL) == 1) {
        json_t *o = json_loads(old, 0, NULL);
        webhooks_keep(j, o);
        json_decref(o);
    }
    free(old);
}

int budget_save(kt_store *s, kt_budget *b, kt_err *err)
{
    assert(s && b && b->values);
    if (!b->id[0]) {
        unsigned char r[8];
        if (RAND_bytes(r, sizeof r) != 1)
            return kt_fail(err, KT_ERUNTIME, "budget %s: no random bytes for a new id", b->name);
        for (size_t i = 0; i < sizeof r; i++)
            snprintf(b->id + 2 * i, 3, "%02x", r[i]);
    }
    json_t *j = budget_to_json(b);
    keep_stored_webhooks(s, b->id, j);
    char *body = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    int rc = store_put_record(s, KT_BUDGET_KIND, b->id, body, err);
    free(body);
    return rc;
}

int budget_delete(kt_store *s, const char *id, kt_err *err)
{
    assert(s && id);
    return store_del_record(s, KT_BUDGET_KIND, id, err);
}

typedef struct list_ctx {
    kt_budget *items;
    size_t n, cap;
} list_ctx;

static int collect(void *ctx, const char *id, const char *body)
{
    list_ctx *l = ctx;
    json_error_t je;
    json_t *j = json_loads(body, 0, &je);
    kt_budget b;
    kt_err err = {0};
    if (!j || budget_from_json(j, &b, NULL, &err)) {
        /* a record this kubetally cannot read is left alone, not rewritten */
        log_warn("budget %s in the store is not readable here (%s); skipped", id, j ? err.msg : je.text);
        json_decref(j);
        budget_free(&b);
        return 0;
    }
    json_decref(j);
    snprintf(b.id, sizeof b.id, "%s", id);
    grow_array((void **)&l->items, &l->cap, l->n, sizeof *l->items);
    l->items[l->n++] = b;
    return 0;
}

int budget_list(kt_store *s, kt_budget **out, size_t *n, kt_err *err)
{
    assert(s && out && n);
    list_ctx l = {0};
    if (store_list_records(s, KT_BUDGET_KIND, collect, &l, err)) {
        budget_list_free(l.items, l.n);
        return -1;
    }
    *out = l.items;
    *n = l.n;
    return 0;
}

void budget_list_free(kt_budget *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        budget_free(&b[i]);
    free(b);
}

json_t *budget_answer_json(const kt_budget *b, const kt_budget_status *st)
{
    char start[32], end[32];
    time_format(st->period.start, start);
    time_format(st->period.end, end);
    json_t *j = budget_to_json(b);
    webhooks_hide(j);
    json_object_set_new(j, "window", json_pack("{s:s, s:s}", "start", start, "end", end));
    json_object_set_new(j, "currentSpend", json_real(st->spend));
    if (st->has_forecast)
        json_object_set_new(j, "forecast", json_pack("{s:f, s:f, s:f, s:f}", "predictedSpend", st->forecast,
                                                     "confidenceLevel", KT_FORECAST_CONFIDENCE,
                                                     "lowerConfidenceLimit", st->forecast_lower,
                                                     "upperConfidenceLimit", st->forecast_upper));
    return j;
}

/* Kubecost's actions carry lastFired: when the action's alert last fired
 * (alert.h keeps it as the state's "since"). */
static void last_fired(kt_store *s, const char *id, json_t *answer)
{
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(answer, "actions"), i, a) {
        char key[160], *body = NULL;
        budget_alert_key(id, a, key, sizeof key);
        if (store_get_record(s, KT_ALERT_KIND, key, &body, NULL) == 1) {
            json_t *st = json_loads(body, 0, NULL);
            char t[32];
            time_format(json_integer_value(json_object_get(st, "since")), t);
            json_object_set_new(a, "lastFired", json_string(t));
            json_decref(st);
        }
        free(body);
    }
}

int budget_answers(kt_store *s, int64_t now, const kt_engine_limits *lim, json_t **out, kt_err *err)
{
    assert(s && lim && out);
    kt_budget *b;
    size_t n;
    *out = NULL;
    if (budget_list(s, &b, &n, err))
        return -1;
    kt_budget_status *st = xcalloc(n ? n : 1, sizeof *st);
    if (budgets_status(s, b, n, now, lim, st, err)) {
        free(st);
        budget_list_free(b, n);
        return -1;
    }
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *a = budget_answer_json(&b[i], &st[i]);
        last_fired(s, b[i].id, a);
        json_array_append_new(data, a);
    }
    free(st);
    budget_list_free(b, n);
    *out = json_pack("{s:i, s:o}", "code", 200, "data", data);
    return 0;
}

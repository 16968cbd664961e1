/* evaluate.c — budgets against their limits, transitions into the outbox;
 * see alert.h. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts/alert.h"
#include "alerts/budget_store.h"
#include "alerts/rule_eval.h"
#include "alerts/rule_store.h"
#include "util/log.h"
#include "util/time.h"

/* One alert as evaluation sees it: what it is now, what was kept. */
typedef struct eval {
    char key[300];
    const kt_budget *b; /* NULL ⇒ its budget or action is gone */
    const json_t *action; /* in b->actions: its chat webhooks get told too */
    double pct, spend;
    kt_window w;
    json_t *state;      /* kept state (owned), NULL ⇒ never fired */
    int unknown;        /* the spend could not be asked: leave the alert as it is */
    int forecast;       /* the action compares the projection at the period's end, not the spend so far */
    double projected;
    int rule;           /* an alert rule's (rule.h): over and fresh say what its run found */
    int over;
    const json_t *fresh;
} eval;

typedef struct evals {
    eval *e;
    size_t n, cap;
    const kt_rule_run *runs; /* this round's rule runs, to place kept rule alerts */
    size_t n_runs;
} evals;

/* The run of the rule a kept "rule:ID/…" alert belongs to; NULL when the
 * key is not a rule's or the rule is no longer configured. */
static const kt_rule_run *run_of(const evals *v, const char *key)
{
    if (strncmp(key, "rule:", 5))
        return NULL;
    size_t n = strcspn(key + 5, "/");
    for (size_t i = 0; i < v->n_runs; i++)
        if (strlen(v->runs[i].rule->id) == n && !strncmp(v->runs[i].rule->id, key + 5, n))
            return &v->runs[i];
    return NULL;
}

static eval *find(evals *v, const char *key)
{
    for (size_t i = 0; i < v->n; i++)
        if (!strcmp(v->e[i].key, key))
            return &v->e[i];
    return NULL;
}

static eval *add(evals *v, const char *key)
{
    grow_array((void **)&v->e, &v->cap, v->n, sizeof *v->e);
    eval *e = &v->e[v->n++];
    memset(e, 0, sizeof *e);
    snprintf(e->key, sizeof e->key, "%s", key);
    return e;
}

static int keep_state(void *ctx, const char *id, const char *body)
{
    evals *v = ctx;
    json_t *j = json_loads(body, 0, NULL);
    if (!j)
        return 0; /* unreadable state is treated as never fired */
    eval *e = find(v, id);
    const kt_rule_run *run = e ? NULL : run_of(v, id);
    if (run) { /* a rule's alert its run did not find again: recovered, or not looked at this round */
        e = add(v, id);
        e->rule = 1, e->over = 0, e->unknown = !run->ran, e->action = run->rule->action;
    } else if (!e) { /* the budget, action or rule is gone: resolve it if it fired */
        e = add(v, id);
        e->pct = json_number_value(json_object_get(j, "percentage"));
    }
    e->state = j;
    return 0;
}

/* cluster, namespace, team from the budget's values, comma-joined. */
static void value_label(json_t *labels, const kt_budget *b, const char *label, const char *category,
                        const char *key_prefix)
{
    const json_t *names = json_object_get(b->values, category), *n;
    kt_buf v = {0};
    size_t i, kl = key_prefix ? strlen(key_prefix) : 0;
    json_array_foreach(names, i, n) {
        const char *s = json_string_value(n);
        if (key_prefix && strncmp(s, key_prefix, kl))
            continue;
        if (v.len)
            buf_putc(&v, ',');
        buf_puts(&v, s + kl);
    }
    if (v.len)
        json_object_set_new(labels, label, json_string(v.data));
    buf_free(&v);
}

static json_t *labels_of(const kt_budget *b, const char *budget_name, const char *budget_id, double pct)
{
    char p[32];
    snprintf(p, sizeof p, "%g", pct);
    json_t *l = json_pack("{s:s, s:s, s:s, s:s, s:s}", "alertname", "KubetallyBudget", "budget", budget_name,
                          "budget_id", budget_id, "percentage", p, "severity", pct >= 100 ? "critical" : "warning");
    if (b) {
        value_label(l, b, "cluster", "cluster", NULL);
        value_label(l, b, "namespace", "namespace", NULL);
        value_label(l, b, "team", "label", "team:");
    }
    return l;
}

/* The new state of an alert that fires now. */
static json_t *fired_state(const eval *e, int64_t now)
{
    if (e->rule) { /* what the run found; Alertmanager keeps it 30 days unless resolved before */
        json_t *st = json_deep_copy(e->fresh);
        char ends[32];
        time_format(now + 30 * 86400, ends);
        json_object_set_new(st, "firing", json_true());
        json_object_set_new(st, "since", json_integer(now));
        json_object_set_new(st, "endsAt", json_string(ends));
        return st;
    }
    char start[32], end[32];
    time_format(e->w.start, start);
    time_format(e->w.end, end);
    json_t *st = json_pack("{s:s, s:s, s:f, s:b, s:I, s:s, s:s, s:f, s:f, s:o}", "budgetId", e->b->id, "budget",
                           e->b->name, "percentage", e->pct, "firing", 1, "since", (json_int_t)now, "periodStart",
                           start, "periodEnd", end, "currentSpend", e->spend, "spendLimit", e->b->spend_limit,
                           "labels", labels_of(e->b, e->b->name, e->b->id, e->pct));
    if (e->forecast) { /* its own Alertmanager identity beside the same percentage on actual spend */
        json_object_set_new(st, "forecast", json_true());
        json_object_set_new(st, "forecastSpend", json_real(e->projected));
        json_object_set_new(json_object_get(st, "labels"), "basis", json_string("forecast"));
    }
    return st;
}

/* The body each receiver kind gets for a transition of `state`. */
static char *body_for(enum kt_receiver_kind kind, const json_t *state, const char *event, int64_t now)
{
    char starts[32], ends[32];
    time_format(json_integer_value(json_object_get(state, "since")), starts);
    if (!strcmp(event, "resolved"))
        time_format(now, ends);
    else
        snprintf(ends, sizeof ends, "%s", json_string_value(json_object_get(state, "endsAt"))
                                              ?: json_string_value(json_object_get(state, "periodEnd")));
    const char *summary = json_string_value(json_object_get(state, "summary")); /* rule alerts say it whole */
    json_t *j;
    if (kind == KT_RECV_CHAT) {
        char text[600];
        if (summary)
            snprintf(text, sizeof text, "[%s] %s", !strcmp(event, "report") ? "REPORT"
                                                   : strcmp(event, "resolved") ? "FIRING" : "RESOLVED", summary);
        else if (strcmp(event, "resolved") && json_is_true(json_object_get(state, "forecast")))
            snprintf(text, sizeof text, "[FIRING] Budget %s: %.2f projected at the period's end against %.2f, over "
                     "its %g %% forecast threshold (%.2f spent so far), period %.10s..%.10s",
                     json_string_value(json_object_get(state, "budget")),
                     json_number_value(json_object_get(state, "forecastSpend")),
                     json_number_value(json_object_get(state, "spendLimit")),
                     json_number_value(json_object_get(state, "percentage")),
                     json_number_value(json_object_get(state, "currentSpend")),
                     json_string_value(json_object_get(state, "periodStart")) ?: "",
                     json_string_value(json_object_get(state, "periodEnd")) ?: "");
        else if (strcmp(event, "resolved"))
            snprintf(text, sizeof text, "[FIRING] Budget %s: %.2f spent of %.2f, over its %g %% threshold, "
                     "period %.10s..%.10s", json_string_value(json_object_get(state, "budget")),
                     json_number_value(json_object_get(state, "currentSpend")),
                     json_number_value(json_object_get(state, "spendLimit")),
                     json_number_value(json_object_get(state, "percentage")),
                     json_string_value(json_object_get(state, "periodStart")) ?: "",
                     json_string_value(json_object_get(state, "periodEnd")) ?: "");
        else
            snprintf(text, sizeof text, "[RESOLVED] Budget %s: back under its %g %% threshold (%.2f of %.2f)",
                     json_string_value(json_object_get(state, "budget")),
                     json_number_value(json_object_get(state, "percentage")),
                     json_number_value(json_object_get(state, "currentSpend")),
                     json_number_value(json_object_get(state, "spendLimit")));
        j = json_pack("{s:s}", "text", text);
    } else if (kind == KT_RECV_ALERTMANAGER && summary) {
        j = json_pack("[{s:O, s:{s:s}, s:s, s:s}]", "labels", json_object_get(state, "labels"), "annotations",
                      "summary", summary, "startsAt", starts, "endsAt", ends);
    } else if (kind == KT_RECV_ALERTMANAGER) {
        char summary[400];
        snprintf(summary, sizeof summary, "Budget %s: %.2f spent of %.2f (%g %% threshold) this period",
                 json_string_value(json_object_get(state, "budget")),
                 json_number_value(json_object_get(state, "currentSpend")),
                 json_number_value(json_object_get(state, "spendLimit")),
                 json_number_value(json_object_get(state, "percentage")));
        j = json_pack("[{s:O, s:{s:s, s:f, s:f}, s:s, s:s}]", "labels", json_object_get(state, "labels"),
                      "annotations", "summary", summary, "currentSpend",
                      json_number_value(json_object_get(state, "currentSpend")), "spendLimit",
                      json_number_value(json_object_get(state, "spendLimit")), "startsAt", starts, "endsAt", ends);
        /* Alertmanager wants annotation values as strings */
        json_t *ann = json_object_get(json_array_get(j, 0), "annotations");
        char num[64];
        snprintf(num, sizeof num, "%.2f", json_number_value(json_object_get(state, "currentSpend")));
        json_object_set_new(ann, "currentSpend", json_string(num));
        snprintf(num, sizeof num, "%.2f", json_number_value(json_object_get(state, "spendLimit")));
        json_object_set_new(ann, "spendLimit", json_string(num));
    } else {
        j = json_pack("{s:s, s:O, s:s, s:s}", "event", event, "alert", state, "startsAt", starts, "endsAt", ends);
    }
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    return s;
}

/* One outbox entry, its id from the meta counter (same transaction).
 * extra (owned, may be NULL) adds what delivery needs beside the receiver's
 * name: a chat webhook's url, a mail's to and via (never listed: url). */
static int put_note(kt_store *s, const char *key, const char *event, const char *receiver, json_t *extra,
                    const char *body, int64_t now, kt_alert_stats *st, kt_err *err)
{
    char v[32], id[32];
    if (store_get_meta(s, "outbox_seq", v, sizeof v, err) < 0) {
        json_decref(extra);
        return -1;
    }
    long long seq = atoll(v) + 1;
    snprintf(v, sizeof v, "%lld", seq);
    snprintf(id, sizeof id, "%012lld", seq); /* zero-padded: id order is creation order */
    if (store_set_meta(s, "outbox_seq", v, err)) {
        json_decref(extra);
        return -1;
    }
    json_t *n = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:i, s:I, s:s, s:s}", "id", id, "alert", key, "event",
                          event, "receiver", receiver, "createdAt", (json_int_t)now, "status", "pending", "attempts",
                          0, "nextAttempt", (json_int_t)now, "lastError", "", "body", body);
    if (extra)
        json_object_update(n, extra);
    json_decref(extra);
    char *text = json_dumps(n, JSON_COMPACT);
    json_decref(n);
    int rc = store_put_record(s, KT_OUTBOX_KIND, id, text, err);
    free(text);
    if (!rc)
        st->queued++;
    return rc;
}

/* One mail per address of the action's emails, through the first email
 * receiver (none configured ⇒ the addresses are kept, not written to).
 * The message is whole here, so a retry sends the same bytes. */
static int enqueue_mail(kt_store *s, const kt_alert_opts *o, const eval *e, const json_t *state,
                        const char *event, int64_t now, kt_alert_stats *st, kt_err *err)
{
    const kt_receiver *r = NULL;
    for (size_t i = 0; i < o->n_receivers && !r; i++)
        if (o->receivers[i].kind == KT_RECV_EMAIL)
            r = &o->receivers[i];
    const json_t *to = e->action ? json_object_get(e->action, "emails") : NULL, *u;
    if (!r || !json_array_size(to))
        return 0;
    char *text = body_for(KT_RECV_CHAT, state, event, now), date[64];
    json_t *tj = json_loads(text, 0, NULL);
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    size_t k;
    int rc = 0;
    json_array_foreach(to, k, u) {
        kt_buf m = {0};
        const char *line = json_string_value(json_object_get(tj, "text"));
        /* the subject is the message's first words, up to the colon */
        buf_printf(&m, "From: kubetally <%s>\r\nTo: <%s>\r\nSubject: %.*s\r\nDate: %s\r\n"
                   "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", r->from,
                   json_string_value(u), (int)(strchr(line, ':') ? strchr(line, ':') - line : (long)strlen(line)),
                   line, date, line);
        char name[64];
        snprintf(name, sizeof name, "email:%zu", k + 1);
        rc = put_note(s, e->key, event, name, json_pack("{s:s, s:s}", "to", json_string_value(u), "via", r->name),
                      m.data, now, st, err);
        buf_free(&m);
        if (rc)
            break;
    }
    json_decref(tj);
    free(text);
    return rc;
}

/* One notification per configured receiver, and one per chat webhook of
 * the action (an alert whose budget is gone has no action: receivers only). */
static int enqueue(kt_store *s, const kt_alert_opts *o, const eval *e, const json_t *state, const char *event,
                   int64_t now, kt_alert_stats *st, kt_err *err)
{
    for (size_t i = 0; i < o->n_receivers; i++) {
        if (o->receivers[i].kind == KT_RECV_EMAIL || (o->receivers[i].kind == KT_RECV_ALERTMANAGER &&
                                                      !strcmp(event, "report")))
            continue; /* mail goes to the action's addresses (enqueue_mail); a summary is no alert */
        char *body = body_for(o->receivers[i].kind, state, event, now);
        int rc = put_note(s, e->key, event, o->receivers[i].name, NULL, body, now, st, err);
        free(body);
        if (rc)
            return -1;
    }
    static const char *const lists[][2] = {{"slackWebhooks", "slack"}, {"msTeamsWebhooks", "msteams"}};
    char *body = e->action ? body_for(KT_RECV_CHAT, state, event, now) : NULL;
    for (size_t l = 0; l < 2 && e->action; l++) {
        size_t k;
        const json_t *u;
        json_array_foreach(json_object_get(e->action, lists[l][0]), k, u) {
            char name[64];
            snprintf(name, sizeof name, "%s:%zu", lists[l][1], k + 1); /* the URL is a secret: named by place */
            if (put_note(s, e->key, event, name, json_pack("{s:s}", "url", json_string_value(u)), body, now, st,
                         err)) {
                free(body);
                return -1;
            }
        }
    }
    free(body);
    return enqueue_mail(s, o, e, state, event, now, st, err);
}

static int transitions(kt_store *s, const kt_alert_opts *o, evals *v, int64_t now, kt_alert_stats *st, kt_err *err)
{
    for (size_t i = 0; i < v->n; i++) {
        eval *e = &v->e[i];
        if (e->unknown)
            continue;
        int firing = e->state && json_is_true(json_object_get(e->state, "firing"));
        int over = e->rule ? e->over
                           : e->b && (e->forecast ? e->projected : e->spend) >= e->pct / 100 * e->b->spend_limit;
        if (over && !firing) {
            json_t *ns = fired_state(e, now);
            char *text = json_dumps(ns, JSON_COMPACT);
            int rc = store_put_record(s, KT_ALERT_KIND, e->key, text, err) ||
                     enqueue(s, o, e, ns, "firing", now, st, err);
            free(text);
            json_decref(ns);
            if (rc)
                return -1;
            st->fired++;
        } else if (firing && !over) {
            json_t *ns = json_deep_copy(e->state);
            json_object_set_new(ns, "firing", json_false());
            json_object_set_new(ns, "resolvedAt", json_integer(now));
            if (e->b)
                json_object_set_new(ns, "currentSpend", json_real(e->spend));
            char *text = json_dumps(ns, JSON_COMPACT);
            int rc = (e->b || e->rule ? store_put_record(s, KT_ALERT_KIND, e->key, text, err)
                                      : store_del_record(s, KT_ALERT_KIND, e->key, err) < 0) ||
                     enqueue(s, o, e, ns, "resolved", now, st, err);
            free(text);
            json_decref(ns);
            if (rc)
                return -1;
            st->resolved++;
        } else if (!e->b && !e->rule && e->state && store_del_record(s, KT_ALERT_KIND, e->key, err) < 0) {
            return -1; /* a resolved alert of a budget that is gone */
        }
    }
    return 0;
}

/* A recurringUpdate's summary to every receiver but Alertmanager and to
 * its owners: one "report" notification each, in the round's transaction. */
static int reports(kt_store *s, const kt_alert_opts *o, const kt_rule_run *runs, size_t nr, int64_t now,
                   kt_alert_stats *st, kt_err *err)
{
    for (size_t i = 0; i < nr; i++) {
        const json_t *rep = runs[i].report;
        if (!rep)
            continue;
        kt_buf t = {0};
        buf_printf(&t, "%s: %s by %s, %.10s..%.10s: %.2f in all", runs[i].rule->id, "spend",
                   runs[i].rule->aggregation,
                   json_string_value(json_object_get(json_object_get(rep, "window"), "start")),
                   json_string_value(json_object_get(json_object_get(rep, "window"), "end")),
                   json_number_value(json_object_get(rep, "totalCost")));
        size_t k;
        const json_t *row;
        json_array_foreach(json_object_get(rep, "rows"), k, row) {
            if (k == 10) {
                buf_printf(&t, "; and %zu more", json_array_size(json_object_get(rep, "rows")) - 10);
                break;
            }
            buf_printf(&t, "; %s %.2f", json_string_value(json_object_get(row, "name")),
                       json_number_value(json_object_get(row, "totalCost")));
            if (json_object_get(row, "totalEfficiency")) /* allocations; a cloudReport's assets have none */
                buf_printf(&t, " (%.0f %% efficient)", 100 * json_number_value(json_object_get(row, "totalEfficiency")));
        }
        json_t *state = json_pack("{s:s, s:O, s:I, s:s, s:{s:s, s:s}}", "summary", t.data, "report", rep, "since",
                                  (json_int_t)now, "endsAt", "", "labels", "alertname",
                                  runs[i].rule->type == KT_RULE_CLOUD_REPORT ? "KubetallyCloudReport"
                                                                              : "KubetallyRecurringUpdate",
                                  "rule", runs[i].rule->id);
        buf_free(&t);
        eval e = {.rule = 1, .action = runs[i].rule->action};
        snprintf(e.key, sizeof e.key, "rule:%s", runs[i].rule->id);
        int rc = enqueue(s, o, &e, state, "report", now, st, err);
        json_decref(state);
        if (rc)
            return -1;
    }
    return 0;
}

/* The posture service's latest audit, asked once per round and only when a
 * posture or health rule reads it (it may read clusters); the caller drops
 * the feed.  error (cap bytes) holds why there is none. */
static kt_feed_view ask_feed(kt_store *s, const kt_alert_opts *o, const kt_rule *rules, size_t nr, int64_t now,
                             char *error, size_t cap)
{
    kt_feed_view fv = {NULL, NULL};
    for (size_t i = 0; i < nr && o->feed && !fv.error; i++)
        if (rule_every_round(&rules[i])) {
            kt_posture_feed *feed = NULL;
            kt_err fe = {0};
            if (o->feed(o->feed_ud, s, now, &feed, &fe))
                snprintf(error, cap, "%.200s", fe.msg[0] ? fe.msg : "no posture audit yet");
            fv = (kt_feed_view){feed, error};
        }
    return fv;
}

int alerts_evaluate(kt_store *s, const kt_alert_opts *o, int64_t now, kt_alert_stats *st, kt_err *err)
{
    assert(s && o && o->lim && st);
    kt_budget *b;
    size_t n;
    evals v = {0};
    if (budget_list(s, &b, &n, err))
        return -1;
    st->budgets = (int)n;
    int rc = 0;
    /* spend first, every budget in one shared pass (budgets_status): the
     * engine reads outside the write transaction below.  When it cannot be
     * asked the alerts stay as they are (not "gone", which would resolve
     * them). */
    kt_budget_status *bs = xcalloc(n ? n : 1, sizeof *bs);
    kt_err e1 = {0};
    kt_engine_cache *cache = engine_cache_new(); /* budgets and rules read each window once */
    int unknown = budgets_status_cached(s, b, n, now, o->lim, cache, bs, &e1) != 0;
    if (unknown)
        log_warn("alerts: budgets: %s", e1.msg);
    for (size_t i = 0; i < n; i++) {
        size_t k;
        const json_t *a;
        json_array_foreach(b[i].actions, k, a) {
            char key[160];
            double pct = json_number_value(json_object_get(a, "percentage"));
            int fc = json_is_true(json_object_get(a, "forecast"));
            budget_alert_key(b[i].id, a, key, sizeof key);
            if (find(&v, key))
                continue; /* the same percentage twice is one alert */
            eval *e = add(&v, key);
            e->b = &b[i], e->action = a, e->pct = pct, e->spend = bs[i].spend, e->w = bs[i].period;
            e->forecast = fc, e->projected = bs[i].forecast, e->unknown = unknown;
        }
    }
    /* the rules that are due, then what they found */
    /* the config file's rules, then those made over the API (the file wins an id) */
    kt_rule *stored = NULL, *rules;
    size_t ns = 0, nr = 0;
    kt_err e2 = {0};
    if (rule_list(s, &stored, &ns, &e2))
        log_warn("alerts: stored rules: %s", e2.msg);
    rules = xcalloc(o->n_rules + ns + 1, sizeof *rules);
    for (size_t i = 0; i < o->n_rules; i++)
        rules[nr++] = o->rules[i]; /* shallow: owned by the config */
    for (size_t i = 0; i < ns; i++) {
        int clash = 0;
        for (size_t k = 0; k < o->n_rules; k++)
            clash |= !strcmp(o->rules[k].id, stored[i].id);
        if (!clash)
            rules[nr++] = stored[i]; /* shallow: owned by stored */
    }
    kt_rule_run *runs = xcalloc(nr ? nr : 1, sizeof *runs);
    char feed_error[256] = "";
    kt_feed_view fv = ask_feed(s, o, rules, nr, now, feed_error, sizeof feed_error);
    rules_run(s, rules, nr, now, o->lim, cache, &fv, runs);
    engine_cache_free(cache);
    v.runs = runs, v.n_runs = nr;
    for (size_t i = 0; i < nr; i++)
        for (size_t k = 0; k < runs[i].n; k++) {
            eval *e = find(&v, runs[i].f[k].key) ?: add(&v, runs[i].f[k].key);
            e->rule = 1, e->over = 1, e->fresh = runs[i].f[k].state, e->action = rules[i].action;
        }
    if (!rc)
        rc = store_list_records(s, KT_ALERT_KIND, keep_state, &v, err);
    if (!rc && !(rc = store_begin(s, err))) {
        rc = transitions(s, o, &v, now, st, err) || reports(s, o, runs, nr, now, st, err) ||
             rules_save_schedule(s, runs, nr, err);
        if (rc)
            store_rollback(s);
        else
            rc = store_commit(s, err);
    }
    for (size_t i = 0; i < v.n; i++)
        json_decref(v.e[i].state);
    free(v.e);
    free(bs);
    rule_runs_free(runs, nr);
    posture_feed_unref((kt_posture_feed *)fv.feed);
    free(rules);
    rule_list_free(stored, ns);
    free(runs);
    budget_list_free(b, n);
    return rc;
}

int alerts_outbox_put(kt_store *s, const char *key, const char *event, const char *receiver, json_t *extra,
                      const char *body, int64_t now, kt_alert_stats *st, kt_err *err)
{
    assert(s && key && event && receiver && body && st);
    return put_note(s, key, event, receiver, extra, body, now, st, err);
}

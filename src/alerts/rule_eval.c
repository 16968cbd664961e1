/* rule_eval.c — running due alert rules; see rule_eval.h. */
#include "alerts/rule_eval.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/log.h"
#include "util/time.h"

#define ANOMALY_HISTORY_DAYS 56 /* with the day itself: budget_status.c's history when run at midnight */
#define ANOMALY_HISTORY_HOURS 48 /* an hourly rule: two days (a daily season twice), inside hourly retention */

static json_t *labels_for(const kt_rule *r, const char *alertname, const char *value, const char *severity)
{
    json_t *l = json_pack("{s:s, s:s, s:s, s:s}", "alertname", alertname, "rule", r->id, "type",
                          rule_type_name(r->type), "severity", severity);
    if (value && !rule_every_round(r)) { /* namespace=…, cluster=…, team=… as the aggregation names it */
        const char *name = !strncmp(r->aggregation, "label:", 6) ? r->aggregation + 6 : r->aggregation;
        if (!strcmp(name, "type")) /* an asset's type: "type" is the rule's */
            name = "assetType";
        json_object_set_new(l, name, json_string(value));
    }
    return l;
}

json_t *rule_finding_add(kt_rule_run *run, const char *value, const char *alertname, const char *severity,
                         const char *summary)
{
    assert(run && run->rule && value && alertname && severity && summary);
    grow_array((void **)&run->f, &run->cap, run->n, sizeof *run->f);
    kt_finding *f = &run->f[run->n++];
    snprintf(f->key, sizeof f->key, "rule:%s/%s", run->rule->id, value);
    char start[32], end[32];
    int64_t ws, we;
    rule_window(run->rule, run->run_at, &ws, &we);
    time_format(ws, start);
    time_format(we, end);
    f->state = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:s}", "rule", run->rule->id, "type",
                         rule_type_name(run->rule->type), "value", value, "summary", summary, "labels",
                         labels_for(run->rule, alertname, value, severity), "periodStart", start, "periodEnd", end);
    return f->state;
}

/* An allocation question of the rule's aggregation and filter over [s, e). */
static void alloc_ask(const kt_rule *r, kt_ask *a, int64_t s, int64_t e, int64_t now, kt_filter *f)
{
    memset(a, 0, sizeof *a);
    a->kind = KT_ASK_ALLOCATION;
    alloc_query_init(&a->alloc);
    a->alloc.window = (kt_window){s, e};
    a->alloc.now = now;
    a->alloc.include_idle = 0;
    a->alloc.filter = f;
    a->alloc.accumulate = 1;
    aggregate_parse(r->aggregation, &a->alloc.agg, NULL);
}

static const kt_alloc_set *first_set(const kt_reply *r) { return r->alloc.n ? &r->alloc.sets[0] : NULL; }

static double row_cost(const kt_alloc_set *set, const char *name)
{
    for (size_t i = 0; set && i < set->n; i++)
        if (set->items[i].kind == AK_NORMAL && !strcmp(set->items[i].name, name))
            return alloc_total(&set->items[i]);
    return 0;
}

static void efficiency(kt_rule_run *run, const kt_reply *rep)
{
    const kt_rule *r = run->rule;
    const kt_alloc_set *set = first_set(rep);
    for (size_t i = 0; set && i < set->n; i++) {
        const kt_alloc *a = &set->items[i];
        double eff = alloc_total_efficiency(a), cost = alloc_total(a);
        if (a->kind != AK_NORMAL || !(eff < r->efficiency_threshold) || !(cost > r->spend_threshold))
            continue;
        char s[400];
        snprintf(s, sizeof s, "%s %s: efficiency %.1f %% below %.1f %% on %.2f spent (%s)", r->aggregation,
                 a->name, 100 * eff, 100 * r->efficiency_threshold, cost, r->window);
        json_t *st = rule_finding_add(run, a->name, "KubetallyEfficiency", "warning", s);
        json_object_set_new(st, "efficiency", json_real(eff));
        json_object_set_new(st, "totalCost", json_real(cost));
    }
}

static void spend_change(kt_rule_run *run, const kt_reply *cur, const kt_reply *base)
{
    const kt_rule *r = run->rule;
    const kt_alloc_set *set = first_set(cur), *bset = first_set(base);
    double wd = (double)r->window_s / 86400, bd = (double)r->baseline_s / 86400;
    for (size_t i = 0; set && i < set->n; i++) {
        const kt_alloc *a = &set->items[i];
        double now_avg = alloc_total(a) / wd, base_avg = row_cost(bset, a->name) / bd;
        if (a->kind != AK_NORMAL || !(base_avg > 0)) /* no baseline: nothing to change from */
            continue;
        double change = now_avg / base_avg - 1;
        if (r->relative_threshold >= 0 ? !(change >= r->relative_threshold) : !(change <= r->relative_threshold))
            continue;
        char s[400];
        snprintf(s, sizeof s, "%s %s: %.2f a day over %s, %+.1f %% against %.2f a day over the %gd before", r->aggregation,
                 a->name, now_avg, r->window, 100 * change, base_avg, bd);
        json_t *st = rule_finding_add(run, a->name, "KubetallySpendChange", "warning", s);
        json_object_set_new(st, "dailyAverage", json_real(now_avg));
        json_object_set_new(st, "baselineDailyAverage", json_real(base_avg));
        json_object_set_new(st, "relativeChange", json_real(change));
    }
}

static void recurring(kt_rule_run *run, const kt_reply *rep)
{
    const kt_rule *r = run->rule;
    const kt_alloc_set *set = first_set(rep);
    json_t *rows = json_array();
    double total = 0;
    for (size_t i = 0; set && i < set->n; i++) {
        const kt_alloc *a = &set->items[i];
        total += alloc_total(a);
        json_array_append_new(rows, json_pack("{s:s, s:f, s:f}", "name", a->name, "totalCost", alloc_total(a),
                                              "totalEfficiency", alloc_total_efficiency(a)));
    }
    char start[32], end[32];
    int64_t ws, we;
    rule_window(r, run->run_at, &ws, &we);
    time_format(ws, start);
    time_format(we, end);
    run->report = json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:f, s:o}", "rule", r->id, "type", "recurringUpdate",
                            "aggregation", r->aggregation, "window", "start", start, "end", end, "totalCost", total,
                            "rows", rows);
}

static void anomaly(kt_rule_run *run, const kt_reply *fc)
{
    const kt_rule *r = run->rule;
    const kt_forecast_result *f = &fc->forecast;
    for (size_t k = 0; k < f->n; k++) {
        const kt_forecast_series *s = &f->series[k];
        int hourly = r->window_s == 3600;
        if (s->n_actual < (hourly ? 24u : 14u) || !s->n_points || !s->has_held) /* two weeks (a day) to know what is usual */
            continue;
        const kt_forecast_point *p = &s->points[0];
        double actual = s->held_actual, slack = 0.01 * p->predicted;
        /* within 1 % of the forecast is never an anomaly (a flat history has a zero-width interval) */
        if (actual >= p->lower - slack && actual <= p->upper + slack)
            continue;
        char t[400], d[32];
        time_format(p->window.start, d);
        snprintf(t, sizeof t, "%s %s: %.2f spent %s %.*s, outside the forecast %.2f (%.2f..%.2f at 95 %%)",
                 r->aggregation, s->key, actual, hourly ? "in the hour from" : "on", hourly ? 16 : 10, d, p->predicted,
                 p->lower, p->upper);
        json_t *st = rule_finding_add(run, s->key, "KubetallyAnomaly", "warning", t);
        json_object_set_new(st, "actual", json_real(actual));
        json_object_set_new(st, "predictedCost", json_real(p->predicted));
        json_object_set_new(st, "lowerConfidenceLimit", json_real(p->lower));
        json_object_set_new(st, "upperConfidenceLimit", json_real(p->upper));
    }
}

/* A finding for a row spending more than the rule's threshold over its window. */
static void over_threshold(kt_rule_run *run, const char *name, double cost, const char *alertname)
{
    const kt_rule *r = run->rule;
    char s[400];
    snprintf(s, sizeof s, "%s %s: %.2f spent over %s, above the threshold %.2f", r->aggregation, name, cost,
             r->window, r->threshold);
    json_t *st = rule_finding_add(run, name, alertname, "warning", s);
    json_object_set_new(st, "totalCost", json_real(cost));
    json_object_set_new(st, "threshold", json_real(r->threshold));
}

/* Allocation Budget: rows of the allocation (its filter applied) above the threshold. */
static void alloc_budget(kt_rule_run *run, const kt_reply *rep)
{
    const kt_alloc_set *set = first_set(rep);
    for (size_t i = 0; set && i < set->n; i++)
        if (set->items[i].kind == AK_NORMAL && alloc_total(&set->items[i]) > run->rule->threshold)
            over_threshold(run, set->items[i].name, alloc_total(&set->items[i]), "KubetallyAllocationBudget");
}

static void asset_budget(kt_rule_run *run, const kt_reply *rep)
{
    const kt_asset_result *a = &rep->assets;
    for (size_t i = 0; i < a->n; i++)
        if (rule_watches(run->rule, a->items[i].name) && a->items[i].cost > run->rule->threshold)
            over_threshold(run, a->items[i].name, a->items[i].cost, "KubetallyAssetBudget");
}

/* The cloud-cost figure a rule watches: NetCost and InvoicedCost are what
 * was billed, AmortizedNetCost and AmortizedCost the effective cost
 * (docs/decisions.md: FOCUS has no other split). */
static double cloud_metric(const kt_cloud_item *c, enum kt_rule_metric m)
{
    switch (m) {
    case KT_RM_LIST: return c->list;
    case KT_RM_NET:
    case KT_RM_INVOICED: return c->billed;
    default: return c->effective;
    }
}

static void cloud_budget(kt_rule_run *run, const kt_reply *rep)
{
    const kt_cloud_result *c = &rep->cloud;
    for (size_t i = 0; i < c->n; i++) {
        double v = cloud_metric(&c->items[i], run->rule->metric);
        if (rule_watches(run->rule, c->items[i].name) && v > run->rule->threshold) {
            over_threshold(run, c->items[i].name, v, "KubetallyCloudCostBudget");
            json_object_set_new(run->f[run->n - 1].state, "costMetric",
                                json_string(rule_metric_name(run->rule->metric)));
        }
    }
}

/* Asset Recurring Update: every watched asset group's cost over the window. */
static void cloud_report(kt_rule_run *run, const kt_reply *rep)
{
    const kt_rule *r = run->rule;
    const kt_asset_result *a = &rep->assets;
    json_t *rows = json_array();
    double total = 0;
    for (size_t i = 0; i < a->n; i++) {
        if (!rule_watches(r, a->items[i].name))
            continue;
        total += a->items[i].cost;
        json_array_append_new(rows, json_pack("{s:s, s:f}", "name", a->items[i].name, "totalCost", a->items[i].cost));
    }
    char start[32], end[32];
    int64_t ws, we;
    rule_window(r, run->run_at, &ws, &we);
    time_format(ws, start);
    time_format(we, end);
    run->report = json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:f, s:o}", "rule", r->id, "type", "cloudReport",
                            "aggregation", r->aggregation, "window", "start", start, "end", end, "totalCost", total,
                            "rows", rows);
}

/* Silent clusters, collectors in error, nodes without a price in the last
 * hour (each when the rule keeps the check and watches the cluster). */
static int health(kt_rule_run *run, kt_store *s, int64_t now, const kt_engine_limits *lim, kt_err *err)
{
    const kt_rule *r = run->rule;
    kt_cluster_status *c;
    size_t n;
    if (store_cluster_status(s, &c, &n, err))
        return -1;
    char v[300], t[500];
    for (size_t i = 0; i < n; i++) {
        /* only clusters collected live have a contact time (demo and imports do not) */
        if (!rule_watches(r, c[i].name))
            continue;
        if (c[i].last_contact > 0 && now - c[i].last_contact > run->rule->window_s && rule_keeps_check(r, "silent", 0)) {
            snprintf(v, sizeof v, "silent/%s", c[i].name);
            snprintf(t, sizeof t, "cluster %s: no contact for %lld min (more than %s)", c[i].name,
                     (long long)((now - c[i].last_contact) / 60), run->rule->window);
            json_object_set_new(json_object_get(rule_finding_add(run, v, "KubetallyHealth", "critical", t), "labels"),
                                "cluster", json_string(c[i].name));
        }
        if (c[i].last_error[0] && rule_keeps_check(r, "error", 0)) {
            snprintf(v, sizeof v, "error/%s", c[i].name);
            snprintf(t, sizeof t, "cluster %s: the collector reports an error", c[i].name); /* the error may hold URLs */
            json_object_set_new(json_object_get(rule_finding_add(run, v, "KubetallyHealth", "critical", t), "labels"),
                                "cluster", json_string(c[i].name));
        }
    }
    free(c);
    if (!rule_keeps_check(r, "prices", 0))
        return 0;
    kt_ask a = {.kind = KT_ASK_FACTS, .hourly = 1, .window = {hour_floor(now) - 3600, hour_floor(now)}};
    kt_answer ans;
    if (engine_ask(s, &a, 1, lim, &ans, err))
        return -1;
    const kt_dataset *ds = ans.replies[0].facts;
    uint32_t *unpriced = xcalloc(ds->n_clusters + 1, sizeof *unpriced);
    for (size_t i = 0; i < ds->n_nfacts; i++)
        if (!(ds->nfacts[i].hourly > 0))
            unpriced[ds->nodes[ds->nfacts[i].node].cluster]++;
    for (uint32_t k = 0; k < ds->n_clusters; k++)
        if (unpriced[k] && rule_watches(r, strtab_get(&ds->strs, ds->clusters[k].name))) {
            const char *cl = strtab_get(&ds->strs, ds->clusters[k].name);
            snprintf(v, sizeof v, "prices/%s", cl);
            snprintf(t, sizeof t, "cluster %s: %u node-hours without a price in the last hour", cl, unpriced[k]);
            json_object_set_new(json_object_get(rule_finding_add(run, v, "KubetallyHealth", "critical", t), "labels"),
                                "cluster", json_string(cl));
        }
    free(unpriced);
    engine_answer_free(&ans);
    return 0;
}

/* The questions a (non-health) rule asks: into a[0..2), *na of them. */
static void plan_rule(const kt_rule_run *run, int64_t now, kt_filter *f, kt_ask *a, size_t *na)
{
    const kt_rule *r = run->rule;
    int64_t ws, we;
    rule_window(r, run->run_at, &ws, &we);
    alloc_ask(r, &a[0], ws, we, now, f);
    *na = 1;
    if (r->type == KT_RULE_SPEND_CHANGE) {
        alloc_ask(r, &a[1], ws - r->baseline_s, ws, now, f);
        *na = 2;
    } else if (r->type == KT_RULE_ASSET_BUDGET || r->type == KT_RULE_CLOUD_REPORT ||
               r->type == KT_RULE_CLOUD_BUDGET) {
        kt_ask *q = &a[0];
        memset(q, 0, sizeof *q);
        q->kind = r->type == KT_RULE_CLOUD_BUDGET ? KT_ASK_CLOUDCOST : KT_ASK_ASSETS;
        q->window = (kt_window){ws, we};
        q->aggregate = r->aggregation;
    } else if (r->type == KT_RULE_ANOMALY) {
        /* the day against a forecast from the weeks before it, read with
         * the day (holdout): the same window as the budgets' history */
        a[0].kind = KT_ASK_FORECAST, a[0].days = 1, a[0].holdout = 1, a[0].alloc.accumulate = 0;
        a[0].alloc.window = (kt_window){we - ANOMALY_HISTORY_DAYS * 86400, we};
        if (r->window_s == 3600) /* an hour against the two days before it, from hourly rows */
            a[0].hourly = 1, a[0].alloc.step = 3600,
            a[0].alloc.window = (kt_window){we - (ANOMALY_HISTORY_HOURS + 1) * 3600, we};
    }
}

/* Find what is over from the rule's replies. */
static void judge(kt_rule_run *run, const kt_reply *rep)
{
    switch (run->rule->type) {
    case KT_RULE_EFFICIENCY: efficiency(run, &rep[0]); break;
    case KT_RULE_SPEND_CHANGE: spend_change(run, &rep[0], &rep[1]); break;
    case KT_RULE_RECURRING: recurring(run, &rep[0]); break;
    case KT_RULE_ANOMALY: anomaly(run, &rep[0]); break;
    case KT_RULE_BUDGET: alloc_budget(run, &rep[0]); break;
    case KT_RULE_ASSET_BUDGET: asset_budget(run, &rep[0]); break;
    case KT_RULE_CLOUD_BUDGET: cloud_budget(run, &rep[0]); break;
    case KT_RULE_CLOUD_REPORT: cloud_report(run, &rep[0]); break;
    default: break;
    }
}

/* One rule alone: its own questions (health, or when the shared ones failed). */
static int run_rule(kt_rule_run *run, kt_store *s, int64_t now, const kt_engine_limits *lim, kt_engine_cache *cache,
                    const kt_feed_view *fv, kt_err *err)
{
    /* a posture service that has no audit to give: the rule's alerts stay as they are */
    if (rule_every_round(run->rule) && fv->error && fv->error[0])
        return kt_fail(err, KT_ERUNTIME, "posture service: %s", fv->error);
    if (run->rule->type == KT_RULE_POSTURE && !fv->feed)
        return kt_fail(err, KT_EINPUT, "posture rules need serve's posture service (--posture-file, or a cluster "
                       "flag)");
    if (run->rule->type == KT_RULE_POSTURE) {
        rule_judge_feed(run, fv->feed);
        return 0;
    }
    if (run->rule->type == KT_RULE_HEALTH) {
        if (health(run, s, now, lim, err))
            return -1;
        if (fv->feed)
            rule_judge_feed(run, fv->feed);
        return 0;
    }
    kt_filter *f = NULL;
    if (filter_parse(run->rule->filter, &f, err))
        return -1;
    kt_ask a[2];
    size_t na;
    plan_rule(run, now, f, a, &na);
    kt_answer ans;
    int rc = engine_ask_cached(s, a, na, lim, cache, &ans, err);
    if (!rc) {
        judge(run, ans.replies);
        engine_answer_free(&ans);
    }
    filter_free(f);
    return rc;
}

/* Every due rule's questions in one engine call, so rules over the same
 * window share one read of it; 0 when it answered (each run judged). */
static int run_shared(kt_rule_run *runs, const size_t *due, size_t nd, kt_store *s, int64_t now,
                      const kt_engine_limits *lim, kt_engine_cache *cache)
{
    kt_ask *a = xcalloc(2 * nd + 1, sizeof *a);
    kt_filter **f = xcalloc(nd + 1, sizeof *f);
    size_t *first = xcalloc(nd + 1, sizeof *first), na = 0;
    kt_err err = {0};
    int rc = 0;
    for (size_t k = 0; k < nd && !rc; k++) {
        size_t n;
        first[k] = na;
        if (!(rc = filter_parse(runs[due[k]].rule->filter, &f[k], &err))) {
            plan_rule(&runs[due[k]], now, f[k], a + na, &n);
            na += n;
        }
    }
    kt_answer ans;
    if (!rc && nd && !(rc = engine_ask_cached(s, a, na, lim, cache, &ans, &err))) {
        for (size_t k = 0; k < nd; k++) {
            judge(&runs[due[k]], ans.replies + first[k]);
            runs[due[k]].ran = 1;
        }
        engine_answer_free(&ans);
    }
    for (size_t k = 0; k < nd; k++)
        filter_free(f[k]);
    free(f);
    free(a);
    free(first);
    return rc;
}

static int64_t kept_int(kt_store *s, const char *id, const char *key)
{
    char *body = NULL;
    int64_t v = 0;
    if (store_get_record(s, KT_ALERTRUN_KIND, id, &body, NULL) == 1) {
        json_t *j = json_loads(body, 0, NULL);
        v = json_integer_value(json_object_get(j, key));
        json_decref(j);
    }
    free(body);
    return v;
}

void rules_run(kt_store *s, const kt_rule *rules, size_t n, int64_t now, const kt_engine_limits *lim,
               kt_engine_cache *cache, const kt_feed_view *fv, kt_rule_run *runs)
{
    assert(s && (rules || !n) && lim && fv && runs);
    memset(runs, 0, n * sizeof *runs);
    size_t *due = xcalloc(n + 1, sizeof *due), nd = 0;
    for (size_t i = 0; i < n; i++) {
        kt_rule_run *run = &runs[i];
        run->rule = &rules[i];
        run->last_run = kept_int(s, rules[i].id, "lastRun");
        run->next_run = kept_int(s, rules[i].id, "nextRun");
        run->scheduled_on = kept_int(s, rules[i].id, "scheduledOn");
        if (!run->scheduled_on) /* first seen now (or kept before scheduledOn was) */
            run->scheduled_on = now;
        if (!run->next_run && !rule_every_round(&rules[i])) { /* first seen: scheduled, not run */
            run->next_run = rule_next_run(&rules[i], now);
            continue;
        }
        if (!rule_every_round(&rules[i]) && now < run->next_run)
            continue;
        run->run_at = rule_every_round(&rules[i]) ? now : run->next_run;
        if (!rule_every_round(&rules[i]))
            due[nd++] = i;
    }
    /* shared questions first; when they fail, each rule alone names its own error */
    int shared = run_shared(runs, due, nd, s, now, lim, cache) == 0;
    for (size_t i = 0; i < n; i++) {
        kt_rule_run *run = &runs[i];
        if (!run->run_at || run->ran)
            goto scheduled;
        kt_err err = {0};
        if ((shared && !rule_every_round(&rules[i])) || !run_rule(run, s, now, lim, cache, fv, &err)) {
            run->ran = 1;
            goto scheduled;
        }
        snprintf(run->error, sizeof run->error, "%.255s", err.msg);
        log_warn("alerts: rule %s: %s", rules[i].id, err.msg);
        for (size_t k = 0; k < run->n; k++)
            json_decref(run->f[k].state);
        run->n = 0;
        json_decref(run->report);
        run->report = NULL;
    scheduled:
        if (run->run_at) {
            run->last_run = run->run_at;
            run->next_run = rule_next_run(&rules[i], now);
        }
    }
    free(due);
}

int rules_save_schedule(kt_store *s, const kt_rule_run *runs, size_t n, kt_err *err)
{
    for (size_t i = 0; i < n; i++) {
        json_t *j = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:s}", "id", runs[i].rule->id, "type",
                              rule_type_name(runs[i].rule->type), "window", runs[i].rule->window, "scheduledOn",
                              (json_int_t)runs[i].scheduled_on, "lastRun", (json_int_t)runs[i].last_run, "nextRun",
                              (json_int_t)runs[i].next_run, "lastError", runs[i].error);
        char *text = json_dumps(j, JSON_COMPACT);
        json_decref(j);
        int rc = store_put_record(s, KT_ALERTRUN_KIND, runs[i].rule->id, text, err);
        free(text);
        if (rc)
            return -1;
    }
    return 0;
}

void rule_runs_free(kt_rule_run *runs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < runs[i].n; k++)
            json_decref(runs[i].f[k].state);
        free(runs[i].f);
        json_decref(runs[i].report);
    }
}

static int add_status(void *ctx, const char *id, const char *body)
{
    json_t *j = json_loads(body, 0, NULL), *out = ctx;
    if (!j)
        return 0;
    char t[32];
    static const char *const times[] = {"scheduledOn", "lastRun", "nextRun"};
    for (int k = 0; k < 3; k++) { /* Kubecost's /alerts/status writes a never-run time as year 1 */
        json_int_t v = json_integer_value(json_object_get(j, times[k]));
        if (v)
            time_format(v, t);
        json_object_set_new(j, times[k], json_string(v ? t : "0001-01-01T00:00:00Z"));
    }
    (void)id;
    json_array_append_new(out, j);
    return 0;
}

json_t *rules_status(kt_store *s)
{
    json_t *a = json_array();
    store_list_records(s, KT_ALERTRUN_KIND, add_status, a, NULL);
    return a;
}

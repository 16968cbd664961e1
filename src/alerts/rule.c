/* rule.c — validating alert rules and their schedule; see rule.h. */
#include "alerts/rule.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts/budget.h"
#include "engine/window.h"
#include "util/buf.h"

static const char *const type_names[KT_RULE_NTYPES] = {"efficiency", "spendChange", "recurringUpdate", "anomaly",
                                                       "health", "budget", "assetBudget", "cloudCostBudget",
                                                       "cloudReport", "posture"};
static const char *const metric_names[] = {"AmortizedNetCost", "ListCost", "NetCost", "InvoicedCost",
                                           "AmortizedCost"};

const char *rule_type_name(enum kt_rule_type t) { return type_names[t]; }
const char *rule_metric_name(enum kt_rule_metric m) { return metric_names[m]; }

int rule_watches(const kt_rule *r, const char *v)
{
    assert(r && v);
    size_t n = strlen(v);
    if (!r->values[0])
        return 1;
    for (const char *p = r->values; *p;) {
        size_t k = strcspn(p, ",");
        if (k == n && !memcmp(p, v, n))
            return 1;
        p += k + (p[k] == ',');
    }
    return 0;
}

static int bad(const char **field, const char *key, kt_err *err, const char *msg)
{
    *field = key;
    return kt_fail(err, KT_EINPUT, "%s: %s", key, msg);
}

/* "<N>d", "<M>h", "<N>m" (health), daily, weekly, monthly. */
static int parse_window(const char *w, kt_rule *r, const char **field, kt_err *err)
{
    char *end;
    long n = strtol(w, &end, 10);
    snprintf(r->window, sizeof r->window, "%s", w);
    if (r->type == KT_RULE_HEALTH) {
        int64_t s;
        kt_err e = {0};
        if (duration_parse(w, &s, &e) || s < 60 || s > 86400)
            return bad(field, "window", err, "a cluster's silence allowed, 1m to 1d (e.g. 10m)");
        r->window_s = s;
        return 0;
    }
    if (!strcmp(w, "daily"))
        n = 1, end = "d";
    int report = r->type == KT_RULE_RECURRING || r->type == KT_RULE_CLOUD_REPORT;
    if (report && (!strcmp(w, "weekly") || !strcmp(w, "7d")))
        return r->cal = KT_CAL_WEEKLY, r->window_s = 7 * 86400, 0;
    if (report && (!strcmp(w, "monthly") || !strcmp(w, "30d")))
        return r->cal = KT_CAL_MONTHLY, r->window_s = 30 * 86400, 0;
    if (r->type == KT_RULE_CLOUD_BUDGET && strcmp(end, "d"))
        return bad(field, "window", err, "<N>d (1–7) or daily: cloud costs are daily");
    if (!strcmp(end, "d") && n >= 1 && n <= 7)
        return r->cal = KT_CAL_DAYS, r->window_s = n * 86400, 0;
    if (!strcmp(end, "h") && n >= 1 && n <= 24)
        return r->cal = KT_CAL_HOURS, r->window_s = n * 3600, 0;
    return bad(field, "window", err, "<N>d (1–7), <M>h (1–24) or daily (recurringUpdate also weekly, monthly)");
}

/* The aggregation's values, comma-separated, as a v2 filter. */
static int values_filter(const char *agg, const char *values, kt_rule *r, const char **field, kt_err *err)
{
    static const char *const simple[][2] = {{"cluster", "cluster"}, {"namespace", "namespace"},
                                           {"controller", "controllerName"}, {"controllerKind", "controllerKind"},
                                           {"node", "node"}, {"pod", "pod"}, {"provider", "provider"},
                                           {"region", "region"}};
    kt_buf f = {0};
    if (!strncmp(agg, "label:", 6) && agg[6] && !strpbrk(agg + 6, "[]\" ,"))
        buf_printf(&f, "label[%s]:", agg + 6);
    for (size_t i = 0; i < sizeof simple / sizeof *simple && !f.len; i++)
        if (!strcmp(agg, simple[i][0]))
            buf_printf(&f, "%s:", simple[i][1]);
    if (!f.len) {
        buf_free(&f);
        return bad(field, "aggregation", err, "cluster, namespace, controller, controllerKind, node, pod, "
                   "provider, region or label:KEY");
    }
    snprintf(r->aggregation, sizeof r->aggregation, "%s", agg);
    if (!values || !*values || !strcmp(values, "*")) {
        buf_free(&f);
        r->filter[0] = 0;
        return 0;
    }
    for (const char *p = values; *p;) {
        size_t n = strcspn(p, ",");
        while (n && p[n - 1] == ' ')
            n--;
        if (!n || memchr(p, '"', n) || memchr(p, '\\', n)) {
            buf_free(&f);
            return bad(field, "filter", err, "the aggregation's values, comma-separated, without quotes");
        }
        buf_printf(&f, "%s\"%.*s\"", f.data[f.len - 1] == ':' ? "" : ",", (int)n, p);
        p += strcspn(p, ",");
        p += *p == ',';
        while (*p == ' ')
            p++;
    }
    int too_long = f.len >= sizeof r->filter;
    if (!too_long)
        snprintf(r->filter, sizeof r->filter, "%s", f.data);
    buf_free(&f);
    return too_long ? bad(field, "filter", err, "too long") : 0;
}

/* values (comma-separated; "*" or NULL = all) into out as a comma list
 * without the spaces around names ("" = all); -1 when it does not fit. */
static int comma_list(const char *values, char *out, size_t cap)
{
    out[0] = 0;
    if (!values || !strcmp(values, "*"))
        return 0;
    kt_buf v = {0};
    for (const char *p = values; *p;) { /* spaces around names dropped */
        size_t n = strcspn(p, ",");
        const char *a = p, *b = p + n;
        while (a < b && *a == ' ')
            a++;
        while (b > a && b[-1] == ' ')
            b--;
        if (b > a)
            buf_printf(&v, "%s%.*s", v.len ? "," : "", (int)(b - a), a);
        p += n + (p[n] == ',');
    }
    int too_long = v.len >= cap;
    if (!too_long && v.len)
        snprintf(out, cap, "%s", v.data);
    buf_free(&v);
    return too_long ? -1 : 0;
}

/* assetBudget, cloudCostBudget, cloudReport: the aggregation (Assets or
 * cloud-cost API) and its values as a comma list. */
static int other_aggregation(const char *agg, const char *values, kt_rule *r, const char **field, kt_err *err)
{
    static const char *const assets[] = {"type", "cluster", "provider", "region", "node", NULL};
    static const char *const cloud[][2] = {{"service", "service"}, {"account", "account"}, {"provider", "provider"},
                                           {"invoiceEntity", "invoiceEntityID"}, {"invoiceEntityID", "invoiceEntityID"},
                                           {"category", "category"}, {"region", "region"}};
    const char *engine_agg = NULL;
    if (r->type == KT_RULE_CLOUD_BUDGET) {
        if (!agg)
            agg = "service";
        for (size_t i = 0; i < sizeof cloud / sizeof *cloud && !engine_agg; i++)
            if (!strcmp(agg, cloud[i][0]))
                engine_agg = cloud[i][1];
        if (!strncmp(agg, "label:", 6) && agg[6] && !strpbrk(agg + 6, ",\"") && strlen(agg) < 100)
            engine_agg = agg;
        if (!engine_agg)
            return bad(field, "aggregation", err, "service, account, provider, invoiceEntity, category, region or "
                       "label:KEY");
    } else {
        if (!agg)
            agg = "type";
        for (size_t i = 0; assets[i] && !engine_agg; i++)
            if (!strcmp(agg, assets[i]))
                engine_agg = assets[i];
        if (!engine_agg)
            return bad(field, "aggregation", err, "type, cluster, provider, region or node");
    }
    snprintf(r->aggregation, sizeof r->aggregation, "%s", engine_agg);
    return comma_list(values, r->values, sizeof r->values) ? bad(field, "filter", err, "too long") : 0;
}

static int number(const json_t *j, const char *key, double lo, double hi, double dflt, double *out,
                  const char **field, kt_err *err)
{
    const json_t *v = json_object_get(j, key);
    *out = dflt;
    if (!v)
        return 0;
    if (!json_is_number(v) || !(json_number_value(v) >= lo) || !(json_number_value(v) <= hi))
        return bad(field, key, err, "a number in range (see docs/alerts.md)");
    *out = json_number_value(v);
    return 0;
}

/* ownerContact, slackWebhookUrl, msTeamsWebhookUrl → an action's lists. */
static int contacts(const json_t *j, kt_rule *r, const char **field, kt_err *err)
{
    const json_t *oc = json_object_get(j, "ownerContact"), *v;
    size_t i;
    json_t *emails = json_array(), *slack = json_array(), *teams = json_array();
    r->action = json_pack("{s:o, s:o, s:o}", "emails", emails, "slackWebhooks", slack, "msTeamsWebhooks", teams);
    if (oc && !json_is_array(oc))
        return bad(field, "ownerContact", err, "a list of email addresses");
    json_array_foreach(oc, i, v) {
        if (!json_is_string(v) || !strchr(json_string_value(v), '@') || strpbrk(json_string_value(v), "<>\r\n"))
            return bad(field, "ownerContact", err, "a list of email addresses");
        json_array_append(emails, (json_t *)v);
    }
    const char *keys[2] = {"slackWebhookUrl", "msTeamsWebhookUrl"};
    for (int k = 0; k < 2; k++) {
        v = json_object_get(j, keys[k]);
        if (!v)
            continue;
        if (!json_is_string(v) || json_string_length(v) > 1000 ||
            (strncmp(json_string_value(v), "https://", 8) && strncmp(json_string_value(v), "http://", 7)))
            return bad(field, keys[k], err, "an http:// or https:// URL"); /* the URL holds a token: not echoed */
        json_array_append(k ? teams : slack, (json_t *)v);
    }
    return 0;
}

/* posture and health: aggregation (posture: cluster or fleet), filter (the
 * clusters), checks (a list or a comma string), severity (posture),
 * threshold (a score, 0–100). */
static int posture_fields(const json_t *j, kt_rule *r, const char **field, kt_err *err)
{
    const char *agg = json_string_value(json_object_get(j, "aggregation"));
    if (agg && strcmp(agg, "cluster") && (r->type != KT_RULE_POSTURE || strcmp(agg, "fleet")))
        return bad(field, "aggregation", err, r->type == KT_RULE_POSTURE ? "cluster (each cluster's score) or fleet"
                                                                         : "cluster (the only one)");
    snprintf(r->aggregation, sizeof r->aggregation, "%s", agg ? agg : "cluster");
    if (comma_list(json_string_value(json_object_get(j, "filter")), r->values, sizeof r->values))
        return bad(field, "filter", err, "too long");
    const json_t *c = json_object_get(j, "checks"), *v;
    kt_buf b = {0};
    size_t i;
    json_array_foreach(c, i, v) {
        if (!json_is_string(v) || !json_string_length(v) || strchr(json_string_value(v), ',')) {
            buf_free(&b);
            return bad(field, "checks", err, "a list of check IDs or families (docs/alerts.md)");
        }
        buf_printf(&b, "%s%s", b.len ? "," : "", json_string_value(v));
    }
    int fail = c && !json_is_array(c) && !json_is_string(c);
    if (!fail)
        fail = comma_list(json_is_string(c) ? json_string_value(c) : b.data, r->checks, sizeof r->checks);
    buf_free(&b);
    if (fail)
        return bad(field, "checks", err, "a list of check IDs or families, under 512 characters in all");
    const json_t *sev = json_object_get(j, "severity");
    static const char *const sevs[] = {"", "warning", "danger", "none"};
    r->min_severity = 2;
    if (sev && r->type != KT_RULE_POSTURE)
        return bad(field, "severity", err, "only for posture rules");
    for (int k = 1; sev && k < 4; k++)
        if (json_is_string(sev) && !strcmp(json_string_value(sev), sevs[k]))
            r->min_severity = k, sev = NULL;
    if (sev)
        return bad(field, "severity", err, "danger, warning or none");
    const json_t *t = json_object_get(j, "threshold");
    if (t && (!json_is_number(t) || json_number_value(t) < 0 || json_number_value(t) > 100))
        return bad(field, "threshold", err, "a score from 0 to 100 (fires below it)");
    return 0;
}

/* window, and what goes with it: posture rules have none, health and
 * posture rules take posture_fields instead of a schedule. */
static int rule_window_fields(const json_t *j, kt_rule *r, const char **field, kt_err *err)
{
    enum kt_rule_type t = r->type;
    const char *w = json_string_value(json_object_get(j, "window"));
    if (t == KT_RULE_POSTURE && json_object_get(j, "window"))
        return bad(field, "window", err, "not for posture rules: they judge the latest audit at every round");
    if (!w)
        w = t == KT_RULE_HEALTH ? "10m" : "1d";
    if (t != KT_RULE_POSTURE && parse_window(w, r, field, err))
        return -1;
    if (rule_every_round(r))
        return posture_fields(j, r, field, err);
    if (json_object_get(j, "checks"))
        return bad(field, "checks", err, "only for posture and health rules");
    if (t == KT_RULE_ANOMALY && r->window_s != 86400 && r->window_s != 3600)
        return bad(field, "window", err, "an anomaly rule looks at each day (1d or daily) or each hour (1h)");
    return 0;
}

int rule_from_json(const json_t *j, size_t index, kt_rule *r, const char **field, kt_err *err)
{
    static const char *const known[] = {"id", "type", "window", "aggregation", "filter", "efficiencyThreshold",
                                        "spendThreshold", "baselineWindow", "relativeThreshold", "ownerContact",
                                        "slackWebhookUrl", "msTeamsWebhookUrl", "threshold", "costMetric", "checks",
                                        "severity", NULL};
    assert(r && field);
    memset(r, 0, sizeof *r);
    *field = "";
    if (!json_is_object(j))
        return kt_fail(err, KT_EINPUT, "an alert is a mapping with type and window");
    const char *k = json_unknown_key(j, known);
    if (k)
        return bad(field, k, err, "unknown field");
    const char *type = json_string_value(json_object_get(j, "type"));
    int t = -1;
    for (int i = 0; type && i < KT_RULE_NTYPES; i++)
        if (!strcmp(type, type_names[i]))
            t = i;
    if (t < 0)
        return bad(field, "type", err, "budget, efficiency, spendChange, recurringUpdate, anomaly, health, "
                   "posture, assetBudget, cloudCostBudget or cloudReport (budgets with limits and periods are under "
                   "budgets:)");
    r->type = (enum kt_rule_type)t;
    const char *id = json_string_value(json_object_get(j, "id"));
    if (id && (!*id || strlen(id) >= sizeof r->id || strpbrk(id, "/\"\\")))
        return bad(field, "id", err, "up to 63 characters, no / or quotes");
    if (id)
        snprintf(r->id, sizeof r->id, "%s", id);
    else
        snprintf(r->id, sizeof r->id, "%s-%zu", type, index);
    if (rule_window_fields(j, r, field, err))
        return -1;
    const json_t *agg = json_object_get(j, "aggregation"), *flt = json_object_get(j, "filter");
    if ((agg && !json_is_string(agg)) || (flt && !json_is_string(flt)))
        return bad(field, agg && !json_is_string(agg) ? "aggregation" : "filter", err, "a string");
    int other = t == KT_RULE_ASSET_BUDGET || t == KT_RULE_CLOUD_BUDGET || t == KT_RULE_CLOUD_REPORT;
    if (other && other_aggregation(agg ? json_string_value(agg) : NULL, flt ? json_string_value(flt) : NULL, r,
                                   field, err))
        return -1;
    if (t != KT_RULE_HEALTH && t != KT_RULE_POSTURE && !other &&
        values_filter(agg ? json_string_value(agg) : "namespace", flt ? json_string_value(flt) : "", r, field, err))
        return -1;
    if ((t == KT_RULE_BUDGET || t == KT_RULE_ASSET_BUDGET || t == KT_RULE_CLOUD_BUDGET) &&
        !json_object_get(j, "threshold"))
        return bad(field, "threshold", err, "required, the spend over the window that fires (currency)");
    const json_t *cm = json_object_get(j, "costMetric");
    if (cm && t != KT_RULE_CLOUD_BUDGET)
        return bad(field, "costMetric", err, "only for cloudCostBudget");
    if (cm) {
        int m = -1;
        for (int i = 0; json_is_string(cm) && i < (int)(sizeof metric_names / sizeof *metric_names); i++)
            if (!strcmp(json_string_value(cm), metric_names[i]))
                m = i;
        if (m < 0)
            return bad(field, "costMetric", err, "ListCost, NetCost, AmortizedNetCost, InvoicedCost or AmortizedCost");
        r->metric = (enum kt_rule_metric)m;
    }
    const json_t *bw = json_object_get(j, "baselineWindow");
    if (t == KT_RULE_SPEND_CHANGE) {
        char *end;
        long n = json_is_string(bw) ? strtol(json_string_value(bw), &end, 10) : 0;
        if (!json_is_string(bw) || strcmp(end, "d") || n < 1 || n > 90)
            return bad(field, "baselineWindow", err, "required, <N>d with N from 1 to 90");
        r->baseline_s = n * 86400;
        if (!json_object_get(j, "relativeThreshold"))
            return bad(field, "relativeThreshold", err, "required, a fraction above -1 (0.2 = +20 %)");
    }
    if (number(j, "efficiencyThreshold", 0, 1, 0.5, &r->efficiency_threshold, field, err) ||
        number(j, "spendThreshold", 0, 1e12, 0, &r->spend_threshold, field, err) ||
        number(j, "relativeThreshold", -0.999999, 1e6, 0, &r->relative_threshold, field, err) ||
        number(j, "threshold", 0, rule_every_round(r) ? 100 : 1e12, 0, &r->threshold, field, err))
        return -1;
    return contacts(j, r, field, err);
}

void rule_free(kt_rule *r)
{
    if (!r)
        return;
    json_decref(r->action);
    r->action = NULL;
}

int rule_every_round(const kt_rule *r)
{
    assert(r);
    return r->type == KT_RULE_HEALTH || r->type == KT_RULE_POSTURE;
}

/* An entry keeps a check when it names it, or its family: the part before
 * "/" (pss-baseline, residency, resilience), pss (both levels), polaris (a
 * Polaris check: polaris set). */
int rule_keeps_check(const kt_rule *r, const char *check, int polaris)
{
    assert(r && check);
    if (!r->checks[0])
        return 1;
    size_t fam = strcspn(check, "/");
    for (const char *p = r->checks; *p;) {
        size_t k = strcspn(p, ",");
        if ((k == strlen(check) && !memcmp(p, check, k)) || (check[fam] && k == fam && !memcmp(p, check, k)) ||
            (k == 3 && !memcmp(p, "pss", 3) && !strncmp(check, "pss-", 4)) ||
            (polaris && k == 7 && !memcmp(p, "polaris", 7)))
            return 1;
        p += k + (p[k] == ',');
    }
    return 0;
}

int64_t rule_next_run(const kt_rule *r, int64_t t)
{
    assert(r);
    int64_t day = day_floor(t);
    switch (r->cal) {
    case KT_CAL_HOURS: return day + ((t - day) / r->window_s + 1) * r->window_s;
    case KT_CAL_WEEKLY: { /* the next Monday 00:00 (1970-01-01 was a Thursday) */
        int64_t wd = ((day / 86400 + 3) % 7 + 7) % 7; /* 0 = Monday */
        return day + (7 - wd) * 86400;
    }
    case KT_CAL_MONTHLY: {
        struct tm tm;
        time_t tt = (time_t)t;
        gmtime_r(&tt, &tm);
        struct tm n = {.tm_year = tm.tm_year, .tm_mon = tm.tm_mon + 1, .tm_mday = 1};
        return (int64_t)timegm(&n);
    }
    default: return rule_every_round(r) ? t : day + r->window_s;
    }
}

void rule_window(const kt_rule *r, int64_t run, int64_t *start, int64_t *end)
{
    assert(r && start && end);
    *end = run;
    if (r->cal == KT_CAL_MONTHLY) {
        struct tm tm;
        time_t tt = (time_t)(run - 1);
        gmtime_r(&tt, &tm);
        struct tm s = {.tm_year = tm.tm_year, .tm_mon = tm.tm_mon, .tm_mday = 1};
        *start = (int64_t)timegm(&s);
        return;
    }
    *start = run - r->window_s;
}

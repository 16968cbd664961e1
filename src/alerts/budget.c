/* budget.c — validating a budget, its period and its spend; see budget.h. */
#include "alerts/budget.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "engine/filter.h"

/* values' categories and the filter field each stands for; keyed ones
 * ("label", "annotation") take "key:value" names.  Allocation budgets'
 * first; asset and cloud budgets have their own lists (budget.h). */
static const struct {
    const char *category, *field;
    int keyed;
} categories[] = {
    {"namespace", "namespace", 0},   {"cluster", "cluster", 0},     {"provider", "provider", 0},
    {"region", "region", 0},         {"zone", "zone", 0},           {"node", "node", 0},
    {"controller", "controllerName", 0}, {"controllerName", "controllerName", 0},
    {"controllerKind", "controllerKind", 0}, {"pod", "pod", 0},     {"container", "container", 0},
    {"label", "label", 1},           {"annotation", "annotation", 1},
};

static int category_index(const char *c)
{
    for (size_t i = 0; i < sizeof categories / sizeof *categories; i++)
        if (!strcmp(categories[i].category, c))
            return (int)i;
    return -1;
}

/* A name goes into a double-quoted filter value; quotes, backslashes and
 * control characters are refused rather than escaped, since no Kubernetes
 * name or label holds them. */
static int name_ok(const char *s)
{
    if (!*s || strlen(s) > 253)
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == '"' || *s == '\\' || *s == 0x7f)
            return 0;
    return 1;
}

static int bad(const char **field, const char *name, kt_err *err, const char *fmt, const char *detail)
{
    if (field)
        *field = name;
    return kt_fail(err, KT_EINPUT, fmt, name, detail);
}

static int copy_str(const json_t *j, const char *key, char *dst, size_t n, int required, const char **field,
                    kt_err *err)
{
    const json_t *v = json_object_get(j, key);
    if (!v) {
        if (required)
            return bad(field, key, err, "%s: required%s", "");
        dst[0] = 0;
        return 0;
    }
    if (!json_is_string(v) || !json_string_length(v))
        return bad(field, key, err, "%s: expected a non-empty string%s", "");
    if (json_string_length(v) >= n || !name_ok(json_string_value(v)))
        return bad(field, key, err, "%s: too long or holds quotes, backslashes or control characters%s", "");
    strcpy(dst, json_string_value(v));
    return 0;
}

static const char *const asset_categories[] = {"cluster", "provider", "region", "node", "type", NULL};
static const char *const cloud_categories[] = {"provider", "account", "invoiceEntity", "service", "category",
                                               "region", "label", NULL};

static int in_list(const char *const *l, const char *c)
{
    for (; *l; l++)
        if (!strcmp(*l, c))
            return 1;
    return 0;
}

static int check_values(const json_t *v, const char *type, const char **field, kt_err *err)
{
    if (!json_is_object(v))
        return bad(field, "values", err, "%s: expected a map from category to a list of names%s", "");
    const char *cat;
    const json_t *names;
    int labels = 0;
    json_object_foreach((json_t *)v, cat, names) {
        int ci = category_index(cat);
        if (!strcmp(type, "asset") && !in_list(asset_categories, cat))
            return bad(field, "values", err, "%s: unknown category '%s' for an asset budget; use cluster, provider, "
                       "region, node or type", cat);
        if (!strcmp(type, "cloud") && !in_list(cloud_categories, cat))
            return bad(field, "values", err, "%s: unknown category '%s' for a cloud budget; use provider, account, "
                       "invoiceEntity, service, category, region or label", cat);
        if (!strcmp(type, "cloud") && !strcmp(cat, "label"))
            labels = 1;
        if (ci < 0 && !strcmp(type, "allocations"))
            return bad(field, "values", err,
                       "%s: unknown category '%s'; use namespace, cluster, provider, region, zone, node, "
                       "controller, controllerKind, pod, container, label or annotation", cat);
        if (ci < 0)
            ci = 0; /* an asset or cloud category: plain names */
        if (!json_is_array(names) || !json_array_size(names))
            return bad(field, "values", err, "%s.%s: expected a non-empty list of names", cat);
        size_t i;
        const json_t *n;
        json_array_foreach(names, i, n) {
            if (!json_is_string(n) || !name_ok(json_string_value(n)))
                return bad(field, "values", err, "%s.%s: names are non-empty strings without quotes or "
                           "backslashes", cat);
            if (categories[ci].keyed) {
                const char *c = strchr(json_string_value(n), ':');
                if (!c || c == json_string_value(n))
                    return bad(field, "values", err, "%s.%s: names are key:value (team:payments)", cat);
            }
        }
    }
    if (labels) { /* one tag key: a cloud budget's costs are grouped by it */
        const json_t *l = json_object_get(v, "label");
        const char *k0 = json_string_value(json_array_get(l, 0));
        size_t i, klen = strcspn(k0, ":");
        const json_t *n;
        json_array_foreach(l, i, n) if (strncmp(json_string_value(n), k0, klen + 1))
            return bad(field, "values", err, "%s.label: a cloud budget watches one tag key (%s)", "team:a, team:b");
    }
    return 0;
}

static int check_list(const json_t *a, const char *key, size_t i, const char **field, kt_err *err)
{
    const json_t *l = json_object_get(a, key), *v;
    size_t k;
    if (!l)
        return 0;
    if (!json_is_array(l))
        return bad(field, "actions", err, "%s: %s must be a list of strings", key);
    json_array_foreach(l, k, v) if (!json_is_string(v) || !json_string_length(v))
        return bad(field, "actions", err, "%s: %s must be a list of non-empty strings", key);
    (void)i;
    return 0;
}

static int check_actions(const json_t *v, const char **field, kt_err *err)
{
    static const char *const known[] = {"percentage", "emails", "slackWebhooks", "msTeamsWebhooks", "lastFired",
                                        "forecast", NULL};
    if (!json_is_array(v) || json_array_size(v) > 16)
        return bad(field, "actions", err, "%s: expected a list of at most 16 actions%s", "");
    size_t i;
    const json_t *a;
    json_array_foreach(v, i, a) {
        if (!json_is_object(a))
            return bad(field, "actions", err, "%s: each action is a map with percentage%s", "");
        const char *k = json_unknown_key(a, known);
        if (k)
            return bad(field, "actions", err, "%s: unknown field '%s'; use percentage, forecast, emails, "
                       "slackWebhooks, msTeamsWebhooks", k);
        const json_t *fc = json_object_get(a, "forecast");
        if (fc && !json_is_boolean(fc))
            return bad(field, "actions", err, "%s: forecast must be true or false%s", "");
        const json_t *p = json_object_get(a, "percentage");
        if (!json_is_number(p) || !(json_number_value(p) > 0) || json_number_value(p) > 1000)
            return bad(field, "actions", err, "%s: percentage must be a number above 0 and at most 1000%s", "");
        if (check_list(a, "emails", i, field, err) || check_list(a, "slackWebhooks", i, field, err) ||
            check_list(a, "msTeamsWebhooks", i, field, err))
            return -1;
    }
    return 0;
}

int budget_from_json(const json_t *j, kt_budget *b, const char **field, kt_err *err)
{
    assert(b);
    static const char *const known[] = {"id", "name", "type", "values", "interval", "intervalDay", "spendLimit",
                                        "kind", "actions", "window", "currentSpend", NULL};
    memset(b, 0, sizeof *b);
    if (field)
        *field = "";
    if (!json_is_object(j))
        return kt_fail(err, KT_EINPUT, "a budget is a JSON object");
    const char *k = json_unknown_key(j, known);
    if (k)
        return bad(field, k, err, "%s: unknown field%s; a budget has id, name, type, values, interval, "
                   "intervalDay, spendLimit, kind, actions", "");
    if (copy_str(j, "id", b->id, sizeof b->id, 0, field, err) ||
        copy_str(j, "name", b->name, sizeof b->name, 1, field, err) ||
        copy_str(j, "type", b->type, sizeof b->type, 0, field, err) ||
        copy_str(j, "kind", b->kind, sizeof b->kind, 0, field, err))
        return -1;
    if (!b->type[0])
        strcpy(b->type, "allocations");
    if (strcmp(b->type, "allocations") && strcmp(b->type, "asset") && strcmp(b->type, "cloud"))
        return bad(field, "type", err, "%s: allocations, asset or cloud (collections budgets are not kept)%s", "");
    if (!b->kind[0])
        strcpy(b->kind, "soft");
    char interval[16];
    if (copy_str(j, "interval", interval, sizeof interval, 1, field, err))
        return -1;
    if (strcmp(interval, "weekly") && strcmp(interval, "monthly"))
        return bad(field, "interval", err, "%s: expected weekly or monthly, got '%s'", interval);
    b->weekly = !strcmp(interval, "weekly");
    const json_t *day = json_object_get(j, "intervalDay");
    if (day && !json_is_integer(day))
        return bad(field, "intervalDay", err, "%s: expected a whole number%s", "");
    b->interval_day = day ? (int)json_integer_value(day) : b->weekly ? 0 : 1;
    if (day && (b->weekly ? json_integer_value(day) < 0 || json_integer_value(day) > 6
                          : json_integer_value(day) < 1 || json_integer_value(day) > 31))
        return bad(field, "intervalDay", err, "%s: %s", b->weekly ? "weekly budgets start on 0 (Sunday) to 6"
                                                                  : "monthly budgets start on day 1 to 31");
    const json_t *lim = json_object_get(j, "spendLimit");
    if (!json_is_number(lim) || !(json_number_value(lim) > 0) || !isfinite(json_number_value(lim)))
        return bad(field, "spendLimit", err, "%s: required, a number above 0%s", "");
    b->spend_limit = json_number_value(lim);
    const json_t *values = json_object_get(j, "values");
    if (!values)
        return bad(field, "values", err, "%s: required (a map such as {\"namespace\": [\"payments\"]}; {} is "
                   "the whole fleet)%s", "");
    if (check_values(values, b->type, field, err))
        return -1;
    const json_t *actions = json_object_get(j, "actions");
    if (actions && check_actions(actions, field, err))
        return -1;
    b->values = json_deep_copy(values);
    b->actions = actions ? json_deep_copy(actions) : json_array();
    return 0;
}

json_t *budget_to_json(const kt_budget *b)
{
    assert(b && b->values && b->actions);
    return json_pack("{s:s, s:s, s:s, s:O, s:s, s:s, s:i, s:f, s:O}", "name", b->name, "type", b->type, "id",
                     b->id, "values", b->values, "kind", b->kind, "interval", b->weekly ? "weekly" : "monthly",
                     "intervalDay", b->interval_day, "spendLimit", b->spend_limit, "actions", b->actions);
}

void budget_free(kt_budget *b)
{
    if (!b)
        return;
    json_decref(b->values);
    json_decref(b->actions);
    b->values = b->actions = NULL;
}

/* Midnight UTC of day `d` (1-based, clamped to the month's last day) of
 * month `mon` (0-based, may run past 11) of `year`. */
static int64_t month_day(int year, int mon, int d)
{
    struct tm t = {.tm_year = year - 1900, .tm_mon = mon + 1, .tm_mday = 0}; /* day 0: last of mon */
    int64_t last = (int64_t)timegm(&t);
    struct tm lt;
    time_t tt = (time_t)last;
    gmtime_r(&tt, &lt);
    return last - (int64_t)(lt.tm_mday > d ? lt.tm_mday - d : 0) * 86400;
}

kt_window budget_period(const kt_budget *b, int64_t now)
{
    assert(b);
    int64_t today = day_floor(now);
    if (b->weekly) {
        /* 1970-01-01 was a Thursday (weekday 4, Sunday = 0) */
        int64_t days = today / 86400;
        int wd = (int)(((days + 4) % 7 + 7) % 7);
        int64_t start = today - (int64_t)((wd - b->interval_day + 7) % 7) * 86400;
        return (kt_window){start, start + 7 * 86400};
    }
    struct tm t;
    time_t tt = (time_t)now;
    gmtime_r(&tt, &t);
    int year = t.tm_year + 1900, mon = t.tm_mon;
    int64_t start = month_day(year, mon, b->interval_day);
    if (start > today)
        start = month_day(year, mon - 1, b->interval_day);
    /* the next period starts on the same day of the following month */
    gmtime_r(&(time_t){(time_t)start}, &t);
    return (kt_window){start, month_day(t.tm_year + 1900, t.tm_mon + 1, b->interval_day)};
}

void budget_filter_text(const kt_budget *b, kt_buf *out)
{
    assert(b && b->values && out);
    const char *cat;
    const json_t *names;
    int first = 1;
    json_object_foreach(b->values, cat, names) {
        int ci = category_index(cat);
        assert(ci >= 0); /* validated */
        buf_puts(out, first ? "(" : " + (");
        first = 0;
        size_t i;
        const json_t *n;
        json_array_foreach(names, i, n) {
            const char *v = json_string_value(n);
            if (i)
                buf_puts(out, " | ");
            if (categories[ci].keyed) {
                const char *c = strchr(v, ':');
                buf_printf(out, "%s[%.*s]:\"%s\"", categories[ci].field, (int)(c - v), v, c + 1);
            } else {
                buf_printf(out, "%s:\"%s\"", categories[ci].field, v);
            }
        }
        buf_putc(out, ')');
    }
    if (!out->data)
        buf_puts(out, "");
}

int budget_spend(kt_store *s, const kt_budget *b, int64_t now, const kt_engine_limits *lim, double *spend,
                 kt_window *period, kt_err *err)
{
    assert(s && b && lim && spend);
    kt_budget_status st;
    int rc = budgets_status(s, b, 1, now, lim, &st, err);
    *spend = rc ? 0 : st.spend;
    if (period)
        *period = budget_period(b, now);
    return rc;
}

void budget_alert_key(const char *id, const json_t *action, char *out, size_t n)
{
    assert(id && action && out);
    snprintf(out, n, "%s/%g%s", id, json_number_value(json_object_get(action, "percentage")),
             json_is_true(json_object_get(action, "forecast")) ? "/forecast" : "");
}

const char *json_unknown_key(const json_t *obj, const char *const *known)
{
    const char *k;
    const json_t *x;
    json_object_foreach((json_t *)obj, k, x) {
        int ok = 0;
        for (int i = 0; known[i]; i++)
            ok |= !strcmp(known[i], k);
        if (!ok)
            return k;
    }
    return NULL;
}

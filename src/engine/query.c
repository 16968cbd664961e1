/* query.c — parsing allocation query parameters; see query.h. */
#include "engine/query.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/buf.h"

static int parse_flag(kt_param_get get, void *ctx, const char *name, int *out, kt_err *err)
{
    const char *v = get(ctx, name);
    if (!v)
        return 0;
    if (!strcmp(v, "true") || !strcmp(v, "1") || !*v) *out = 1;
    else if (!strcmp(v, "false") || !strcmp(v, "0")) *out = 0;
    else return kt_fail(err, KT_EINPUT, "%s: expected true or false, got '%.64s'", name, v);
    return 0;
}

static int copy_list(const char *name, const char *v, char *dst, size_t n, kt_err *err)
{
    if (!v)
        return 0;
    if (strlen(v) >= n)
        return kt_fail(err, KT_EINPUT, "%s: longer than %zu characters", name, n - 1);
    strcpy(dst, v);
    return 0;
}

int accumulate_parse(const char *name, const char *v, enum kt_accumulate *out, kt_err *err)
{
    static const struct { const char *name; enum kt_accumulate acc; } opts[] = {
        {"", KT_ACC_ALL}, {"true", KT_ACC_ALL}, {"1", KT_ACC_ALL}, {"all", KT_ACC_ALL},
        {"false", KT_ACC_NONE}, {"0", KT_ACC_NONE}, {"none", KT_ACC_NONE},
        {"hour", KT_ACC_HOUR}, {"day", KT_ACC_DAY}, {"week", KT_ACC_WEEK}, {"weeknow", KT_ACC_WEEKNOW},
        {"month", KT_ACC_MONTH}, {"quarter", KT_ACC_QUARTER},
    };
    for (size_t i = 0; i < sizeof opts / sizeof *opts; i++)
        if (!strcasecmp(v, opts[i].name)) {
            *out = opts[i].acc;
            return 0;
        }
    return kt_fail(err, KT_EINPUT, "%s: expected true, false, all, hour, day, week, weeknow, month or quarter, "
                   "got '%.64s'", name, v);
}

/* Append one v2 leaf: field (with [key] for labels), ':' or, for a value
 * ending in '*' (OpenCost v1's wildcard), the prefix operator '<~:'. */
static void v2_leaf(kt_buf *b, const char *field, const char *key, size_t keylen, const char *v, size_t n)
{
    int prefix = n && v[n - 1] == '*';
    buf_puts(b, field);
    if (key) {
        buf_putc(b, '[');
        buf_add(b, key, keylen);
        buf_putc(b, ']');
    }
    buf_puts(b, prefix ? "<~:\"" : ":\"");
    for (size_t i = 0; i < n - (size_t)prefix; i++) {
        if (v[i] == '"' || v[i] == '\\')
            buf_putc(b, '\\');
        buf_putc(b, v[i]);
    }
    buf_putc(b, '"');
}

/* One v1 value ("kube-system", "deployment:api", "app:web") as a v2 clause. */
static int v1_value(kt_buf *b, const char *param, const char *field, const char *v, size_t n, kt_err *err)
{
    const char *colon = memchr(v, ':', n);
    if (!strcmp(field, "label") || !strcmp(field, "annotation")) {
        if (!colon || colon == v)
            return kt_fail(err, KT_EINPUT, "%s: expected key:value pairs, got '%.*s'", param, (int)(n > 64 ? 64 : n), v);
        v2_leaf(b, field, v, (size_t)(colon - v), colon + 1, n - (size_t)(colon - v) - 1);
    } else if (!strcmp(field, "controllerName") && colon) {
        /* "kind:name", as OpenCost's controller keys read */
        buf_putc(b, '(');
        v2_leaf(b, "controllerKind", NULL, 0, v, (size_t)(colon - v));
        buf_puts(b, " + ");
        v2_leaf(b, "controllerName", NULL, 0, colon + 1, n - (size_t)(colon - v) - 1);
        buf_putc(b, ')');
    } else {
        v2_leaf(b, field, NULL, 0, v, n);
    }
    return 0;
}

/* OpenCost's v1 filter parameters: a comma list each, any value of a list
 * matching, every list holding (empty lists are ignored, as kubectl-cost
 * sends filterNamespaces= for "all"). */
static int v1_filters(kt_param_get get, void *ctx, kt_buf *out, kt_err *err)
{
    static const struct { const char *param, *field; } v1[] = {
        {"filterClusters", "cluster"}, {"filterNodes", "node"}, {"filterNamespaces", "namespace"},
        {"filterControllerKinds", "controllerKind"}, {"filterControllers", "controllerName"},
        {"filterPods", "pod"}, {"filterContainers", "container"}, {"filterServices", "services"},
        {"filterLabels", "label"}, {"filterAnnotations", "annotation"},
    };
    for (size_t i = 0; i < sizeof v1 / sizeof *v1; i++) {
        const char *v = get(ctx, v1[i].param);
        int terms = 0;
        size_t mark = out->len;
        for (const char *p = v; p && *p;) {
            const char *comma = strchr(p, ',');
            const char *e = comma ? comma : p + strlen(p);
            while (p < e && *p == ' ') p++;
            size_t n = (size_t)(e - p);
            while (n && p[n - 1] == ' ') n--;
            if (n) {
                buf_puts(out, terms ? " | " : (out->len ? " + (" : "("));
                if (v1_value(out, v1[i].param, v1[i].field, p, n, err))
                    return -1;
                terms++;
            }
            p = comma ? comma + 1 : e;
        }
        if (terms)
            buf_putc(out, ')');
        else
            out->len = mark;
    }
    return 0;
}

int alloc_query_parse(kt_param_get get, void *ctx, int64_t now, kt_alloc_query *q, kt_query_holder *h,
                      kt_err *err)
{
    memset(h, 0, sizeof *h);
    alloc_query_init(q);
    q->now = now;
    const char *v = get(ctx, "window");
    if (!v)
        return kt_fail(err, KT_EINPUT, "window: required, e.g. window=7d");
    if (window_parse(v, now, &q->window, err))
        return -1;
    if (aggregate_parse(get(ctx, "aggregate"), &q->agg, err))
        return -1;
    if ((v = get(ctx, "step")) && *v && duration_parse(v, &q->step, err))
        return kt_wrap(err, "step: ");
    if ((v = get(ctx, "resolution")) && *v) {
        int64_t r;
        if (duration_parse(v, &r, err))
            return kt_wrap(err, "resolution: ");
    }
    /* accumulateBy wins over accumulate, as in OpenCost's handler */
    if ((v = get(ctx, "accumulate")) && accumulate_parse("accumulate", v, &h->accumulate, err))
        return -1;
    if ((v = get(ctx, "accumulateBy")) && *v && accumulate_parse("accumulateBy", v, &h->accumulate, err))
        return -1;
    q->accumulate = h->accumulate == KT_ACC_ALL;
    if ((v = get(ctx, "metrics")) && strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ,") != strlen(v))
        return kt_fail(err, KT_EINPUT, "metrics: expected a comma list of field names like totalCost,cpuCost");
    if (parse_flag(get, ctx, "includeIdle", &q->include_idle, err) ||
        parse_flag(get, ctx, "idle", &q->include_idle, err) ||
        parse_flag(get, ctx, "shareIdle", &q->share_idle, err) ||
        parse_flag(get, ctx, "idleByNode", &q->idle_by_node, err) ||
        parse_flag(get, ctx, "shareTenancyCosts", &q->share_tenancy, err))
        return -1;
    kt_buf f = {0}, v1 = {0};
    int rc = v1_filters(get, ctx, &v1, err);
    v = get(ctx, "filter");
    if (v1.len && v && *v) /* parenthesised: '+' binds tighter than '|' */
        buf_printf(&f, "(%s) + %s", v, v1.data);
    else
        buf_puts(&f, v1.len ? v1.data : v ? v : "");
    rc = rc || filter_parse(f.data, &h->filter, err);
    buf_free(&f);
    buf_free(&v1);
    if (rc)
        return -1;
    q->filter = h->filter;
    if (copy_list("shareNamespaces", get(ctx, "shareNamespaces"), h->share_namespaces, sizeof h->share_namespaces, err) ||
        copy_list("shareLabels", get(ctx, "shareLabels"), h->share_labels, sizeof h->share_labels, err))
        return -1;
    q->share_namespaces = h->share_namespaces;
    q->share_labels = h->share_labels;
    if ((v = get(ctx, "shareCost")) && *v) {
        char *end;
        double c = strtod(v, &end);
        if (*end || !isfinite(c) || c < 0 || c > 1e12)
            return kt_fail(err, KT_EINPUT, "shareCost: must be a number >= 0 (a monthly amount), got '%.64s'", v);
        q->share_cost_monthly = c;
    }
    if ((v = get(ctx, "shareSplit")) && *v) {
        if (!strcmp(v, "even")) q->share_even = 1;
        else if (!strcmp(v, "weighted")) q->share_even = 0;
        else return kt_fail(err, KT_EINPUT, "shareSplit: expected weighted or even, got '%.64s'", v);
    }
    return 0;
}

void query_holder_free(kt_query_holder *h)
{
    filter_free(h->filter);
    h->filter = NULL;
}

/* The first boundary of acc's calendar strictly after t. */
static int64_t next_boundary(int64_t t, enum kt_accumulate acc)
{
    int64_t day = day_floor(t);
    switch (acc) {
    case KT_ACC_HOUR: return hour_floor(t) + 3600;
    case KT_ACC_DAY: return day + 86400;
    case KT_ACC_WEEK: {
        int64_t wd = ((day / 86400 + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday; 0 = Sunday */
        return day + (7 - wd) * 86400;
    }
    default: { /* MONTH, QUARTER */
        time_t tt = (time_t)t;
        struct tm tm;
        gmtime_r(&tt, &tm);
        struct tm first = {.tm_year = tm.tm_year, .tm_mday = 1,
                           .tm_mon = tm.tm_mon + (acc == KT_ACC_QUARTER ? 3 - tm.tm_mon % 3 : 1)};
        return (int64_t)timegm(&first); /* normalises month 12 to January of the next year */
    }
    }
}

int accumulate_windows(kt_window w, enum kt_accumulate acc, size_t max, kt_window **out, size_t *n, kt_err *err)
{
    size_t cap = 16, k = 0;
    if (!max)
        max = 10000;
    *out = NULL;
    *n = 0;
    if (w.end <= w.start)
        return kt_fail(err, KT_EINPUT, "window: end must be after start");
    kt_window *v = xmalloc(cap * sizeof *v);
    if (acc == KT_ACC_NONE || acc == KT_ACC_ALL) {
        v[k++] = w;
    } else if (acc == KT_ACC_WEEKNOW) {
        size_t sets = (size_t)((w.end - w.start + 7 * 86400 - 1) / (7 * 86400));
        if (sets > max) {
            free(v);
            return kt_fail(err, KT_EINPUT, "accumulate: %zu sets over the window; at most %zu", sets, max);
        }
        v = xrealloc(v, sets * sizeof *v);
        for (size_t i = 0; i < sets; i++) {
            v[sets - 1 - i].end = w.end - (int64_t)i * 7 * 86400;
            v[sets - 1 - i].start = v[sets - 1 - i].end - 7 * 86400;
        }
        v[0].start = w.start;
        k = sets;
    } else {
        for (int64_t t = w.start; t < w.end;) {
            int64_t e = next_boundary(t, acc);
            if (e > w.end)
                e = w.end;
            if (k == max) {
                free(v);
                return kt_fail(err, KT_EINPUT, "accumulate: more than %zu sets over the window; use a coarser "
                               "accumulate or a shorter window", max);
            }
            if (k == cap)
                v = xrealloc(v, (cap *= 2) * sizeof *v);
            v[k].start = t;
            v[k++].end = e;
            t = e;
        }
    }
    *out = v;
    *n = k;
    return 0;
}

int alloc_query_plan(const kt_alloc_query *q, const kt_query_holder *h, size_t max_sets, kt_ask **asks,
                     size_t *n, kt_err *err)
{
    enum kt_accumulate acc = h->accumulate;
    kt_ask one = {.kind = KT_ASK_ALLOCATION, .alloc = *q};
    int64_t unit = acc == KT_ACC_HOUR ? 3600 : acc == KT_ACC_DAY ? 86400 : 0;
    *asks = NULL;
    *n = 0;
    if (acc == KT_ACC_NONE || acc == KT_ACC_ALL || (unit && q->window.start % unit == 0)) {
        if (unit) {
            one.alloc.step = unit;
            one.alloc.accumulate = 0;
        }
        *asks = xmalloc(sizeof **asks);
        **asks = one;
        *n = 1;
        return 0;
    }
    kt_window *w;
    size_t k;
    if (accumulate_windows(q->window, acc, max_sets, &w, &k, err))
        return -1;
    *asks = xcalloc(k, sizeof **asks);
    for (size_t i = 0; i < k; i++) {
        (*asks)[i] = one;
        (*asks)[i].alloc.window = w[i];
        (*asks)[i].alloc.step = 0;
        (*asks)[i].alloc.accumulate = 0;
    }
    free(w);
    *n = k;
    return 0;
}

int alloc_query_run(kt_store *s, const kt_alloc_query *q, const kt_query_holder *h, const kt_engine_limits *lim,
                    kt_answer *out, kt_err *err)
{
    kt_ask *asks;
    size_t n;
    memset(out, 0, sizeof *out);
    if (alloc_query_plan(q, h, lim->max_steps > 0 ? (size_t)lim->max_steps : 0, &asks, &n, err))
        return -1;
    int rc = engine_ask(s, asks, n, lim, out, err);
    free(asks);
    return rc;
}

int alloc_query_needs_hours(const kt_alloc_query *q)
{
    /* a step boundary off midnight UTC cuts days: exact only from hours */
    return !q->accumulate && q->step > 0 && (q->step % 86400 != 0 || day_floor(q->window.start) != q->window.start);
}

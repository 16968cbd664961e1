/* query.c — parsing allocation query parameters; see query.h. */
#include "engine/query.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    if (parse_flag(get, ctx, "accumulate", &q->accumulate, err) ||
        parse_flag(get, ctx, "includeIdle", &q->include_idle, err) ||
        parse_flag(get, ctx, "idle", &q->include_idle, err) ||
        parse_flag(get, ctx, "shareIdle", &q->share_idle, err) ||
        parse_flag(get, ctx, "idleByNode", &q->idle_by_node, err) ||
        parse_flag(get, ctx, "shareTenancyCosts", &q->share_tenancy, err))
        return -1;
    if (filter_parse(get(ctx, "filter"), &h->filter, err))
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

int alloc_query_needs_hours(const kt_alloc_query *q)
{
    /* a step boundary off midnight UTC cuts days: exact only from hours */
    return !q->accumulate && q->step > 0 && (q->step % 86400 != 0 || day_floor(q->window.start) != q->window.start);
}

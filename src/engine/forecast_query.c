/* forecast_query.c — the forecast question's parameters, shared by
 * `kubetally forecast` and GET /forecast; see forecast_query.h. */
#include "engine/forecast_query.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "util/time.h"

/* Defaults the allocation parser does not know: a 100-day history. */
typedef struct with_defaults {
    kt_param_get get;
    void *ctx;
} with_defaults;

static const char *get_default(void *ctx, const char *name)
{
    with_defaults *d = ctx;
    const char *v = d->get(d->ctx, name);
    if (!v && !strcmp(name, "window"))
        return KT_FORECAST_HISTORY;
    if ((!v || !*v) && !strcmp(name, "aggregate"))
        return KT_FORECAST_AGGREGATE; /* not one series per container */
    if (!v && !strcmp(name, "idle") && !d->get(d->ctx, "includeIdle"))
        return "false"; /* what workloads spend: idle is the nodes' cost, flat by construction */
    return v;
}

/* "30d" (Kubecost's predictionWindow) or a bare day count. */
static int parse_days(const char *name, const char *v, int *days, kt_err *err)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (end == v || (*end && strcmp(end, "d")) || n < 1 || n > KT_FORECAST_MAX_DAYS)
        return kt_fail(err, KT_EINPUT, "%s: expected days from 1 to %d such as 30d, got '%.40s'", name,
                       KT_FORECAST_MAX_DAYS, v);
    *days = (int)n;
    return 0;
}

int forecast_query_parse(kt_param_get get, void *ctx, int64_t now, kt_ask *ask, kt_query_holder *h, kt_err *err)
{
    assert(get && ask && h);
    memset(ask, 0, sizeof *ask);
    ask->kind = KT_ASK_FORECAST;
    ask->days = KT_FORECAST_DAYS;
    with_defaults d = {get, ctx};
    if (get(ctx, "step") || get(ctx, "accumulate") || get(ctx, "accumulateBy"))
        return kt_fail(err, KT_EINPUT, "step: a forecast is always daily; leave step and accumulate out");
    if (alloc_query_parse(get_default, &d, now, &ask->alloc, h, err))
        return -1;
    const char *v;
    if ((v = get(ctx, "predictionWindow")) && parse_days("predictionWindow", v, &ask->days, err))
        return -1;
    if ((v = get(ctx, "days")) && parse_days("days", v, &ask->days, err))
        return -1;
    if ((v = get(ctx, "backtest"))) {
        if (!strcmp(v, "true") || !strcmp(v, "1") || !*v)
            ask->backtest = 1;
        else if (strcmp(v, "false") && strcmp(v, "0"))
            return kt_fail(err, KT_EINPUT, "backtest: expected true or false");
    }
    /* whole days, none after today's midnight: the forecast starts today */
    kt_window *w = &ask->alloc.window;
    int64_t today = day_floor(now);
    w->start = day_floor(w->start);
    w->end = day_floor(w->end < today ? w->end : today);
    if (w->end <= w->start)
        return kt_fail(err, KT_EINPUT, "window: no whole day before today to learn from");
    return 0;
}

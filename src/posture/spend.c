/* spend.c — critical workloads' spend from the store; see spend.h. */
#include "posture/spend.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "engine/allocation.h"
#include "engine/window.h"

/* The rows' spend for one workload: every cluster's row of its namespace
 * and controller. */
static double workload_spend(const kt_alloc_result *r, const kt_resilience_app *app)
{
    const kt_strtab *strs = &r->ds->strs;
    double total = 0;
    for (size_t i = 0; i < r->n; i++)
        for (size_t k = 0; k < r->sets[i].n; k++) {
            const kt_alloc *a = &r->sets[i].items[k];
            if (a->kind != AK_NORMAL)
                continue;
            if (!strcmp(strtab_get(strs, a->namespace_), app->ns) &&
                !strcasecmp(strtab_get(strs, a->controller_kind), app->kind) &&
                !strcmp(strtab_get(strs, a->controller), app->name))
                total += alloc_total(a);
        }
    return total;
}

int spend_attach(kt_resilience_summary *sum, kt_store *s, const char *window, int64_t now,
                 const kt_engine_limits *lim, kt_err *err)
{
    assert(sum && s && window && lim);
    kt_ask ask = {.kind = KT_ASK_ALLOCATION};
    alloc_query_init(&ask.alloc);
    ask.alloc.now = now;
    ask.alloc.include_idle = 0;
    if (window_parse(window, now, &ask.alloc.window, err) ||
        aggregate_parse("namespace,controllerKind,controller", &ask.alloc.agg, err))
        return -1;
    kt_answer a;
    if (engine_ask(s, &ask, 1, lim, &a, err))
        return -1;
    const kt_alloc_result *r = &a.replies[0].alloc;
    sum->spend_critical = sum->spend_one_provider = sum->spend_one_region = sum->spend_one_zone = 0;
    for (size_t i = 0; i < sum->critical; i++) {
        kt_resilience_app *app = &sum->apps[i];
        app->spend = workload_spend(r, app);
        sum->spend_critical += app->spend;
        sum->spend_one_provider += app->one_provider ? app->spend : 0;
        sum->spend_one_region += app->one_region ? app->spend : 0;
        sum->spend_one_zone += app->one_zone ? app->spend : 0;
    }
    snprintf(sum->spend_window, sizeof sum->spend_window, "%s", window);
    engine_answer_free(&a);
    return 0;
}

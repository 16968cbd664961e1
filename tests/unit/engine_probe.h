/* engine_probe.h — single numbers asked of the engine, for tests that
 * check a store's money through the same entry point every output uses. */
#ifndef KT_TEST_ENGINE_PROBE_H
#define KT_TEST_ENGINE_PROBE_H

#include <stdio.h>
#include <string.h>

#include "engine/engine.h"

/* Total cost of the row named `name` in the answer to allocation question
 * q (its first set), or of all rows when name is NULL; -1 when absent. */
static inline double probe_alloc_total(kt_store *s, const kt_ask *q, const char *name)
{
    kt_engine_limits lim = {0};
    kt_answer a;
    kt_err err = {0};
    double v = name ? -1 : 0;
    if (engine_ask(s, q, 1, &lim, &a, &err) == 0) {
        const kt_alloc_set *set = &a.replies[0].alloc.sets[0];
        for (size_t i = 0; i < set->n; i++)
            if (!name)
                v += alloc_total(&set->items[i]);
            else if (!strcmp(set->items[i].name, name))
                v = alloc_total(&set->items[i]);
        engine_answer_free(&a);
    } else {
        fprintf(stderr, "engine: %s\n", err.msg);
    }
    return v;
}

/* Cost of the asset whose name contains `name` over [day, day + 1d); -1 when absent. */
static inline double probe_asset_cost(kt_store *s, const char *name, int64_t day)
{
    kt_ask q = {.kind = KT_ASK_ASSETS, .window = {day, day + 86400}};
    kt_engine_limits lim = {0};
    kt_answer a;
    kt_err err = {0};
    double v = -1;
    if (engine_ask(s, &q, 1, &lim, &a, &err) == 0) {
        for (size_t i = 0; i < a.replies[0].assets.n; i++)
            if (strstr(a.replies[0].assets.items[i].name, name))
                v = a.replies[0].assets.items[i].cost;
        engine_answer_free(&a);
    }
    return v;
}

#endif

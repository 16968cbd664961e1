/* estimate.c — how big an allocation answer will be, before computing it.
 *
 * Why: a fine-grained stepped question (aggregate=pod,container, step=1h
 * over a week) makes a row per container per step; computing and printing
 * it took seconds and ~1.6 KB of JSON per row before any limit could look
 * at the result.  The estimate is an upper bound of the rows the
 * containers make — distinct (container, step) pairs with a fact — which
 * is exact for per-container and per-pod answers (plus a few idle and
 * shared rows) and is what those answers cost.  Coarser aggregates make
 * far fewer rows than facts, so they are not estimated (0): the row limit
 * after computing still guards them. */
#include "engine/engine.h"

#include <assert.h>
#include <stdlib.h>

static int fine(const kt_aggregate *a)
{
    if (a->n == 0)
        return 1;
    for (int i = 0; i < a->n; i++)
        if (a->props[i] == A_POD || a->props[i] == A_CONTAINER)
            return 1;
    return 0;
}

size_t engine_estimate_rows(const kt_dataset *ds, const kt_alloc_query *q)
{
    assert(ds && q);
    if (!fine(&q->agg))
        return 0;
    int64_t span = q->window.end - q->window.start;
    int64_t step = q->step > 0 && !q->accumulate && q->step < span ? q->step : span;
    if (span <= 0 || step <= 0)
        return 0;
    size_t steps = (size_t)((span + step - 1) / step);
    size_t cells = ds->n_containers * steps;
    if (!ds->n_containers || cells / steps != ds->n_containers || cells > ((size_t)1 << 31))
        return ds->n_cfacts; /* too many to mark: every fact a row at most */
    unsigned char *seen = calloc((cells + 7) / 8, 1);
    if (!seen)
        return ds->n_cfacts;
    size_t rows = 0;
    for (size_t i = 0; i < ds->n_cfacts; i++) {
        const ds_container_fact *f = &ds->cfacts[i];
        if (f->t + f->dur <= q->window.start || f->t >= q->window.end || f->container >= ds->n_containers)
            continue;
        int64_t t = f->t > q->window.start ? f->t : q->window.start;
        size_t cell = (size_t)f->container * steps + (size_t)((t - q->window.start) / step);
        if (!(seen[cell / 8] & (1u << (cell % 8)))) {
            seen[cell / 8] |= (unsigned char)(1u << (cell % 8));
            rows++;
        }
    }
    free(seen);
    return rows;
}

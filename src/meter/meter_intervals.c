/* meter_intervals.c — interval lists keyed by their start (see
 * meter_internal.h): how Kubernetes' startedAt/finishedAt, node creation and
 * deletions become [a, b) intervals, and how much of an hour they cover. */
#include <stdlib.h>
#include <string.h>

#include "meter/meter_internal.h"
#include "util/buf.h"

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

static void push_old(mt_ivs *v, mt_iv iv)
{
    v->old = xrealloc(v->old, (v->n_old + 1) * sizeof *v->old);
    v->old[v->n_old++] = iv;
}

void ivs_set(mt_ivs *v, int64_t a, int64_t b)
{
    if (a <= 0 || b <= a)
        return;
    if (!v->last.a) {
        v->last = (mt_iv){a, b};
        return;
    }
    if (a == v->last.a) {
        v->last.b = b; /* same run seen again: its end as Kubernetes says now */
        return;
    }
    if (a > v->last.a) {
        /* A later start: the previous run ended by then at the latest. */
        mt_iv prev = v->last;
        prev.b = min64(prev.b, a);
        push_old(v, prev);
        v->last = (mt_iv){a, b};
        return;
    }
    for (uint32_t i = 0; i < v->n_old; i++)
        if (v->old[i].a == a && b != MT_OPEN) {
            /* an earlier run's end, bounded by the run after it */
            int64_t next = i + 1 < v->n_old ? v->old[i + 1].a : v->last.a;
            v->old[i].b = min64(b, next);
        }
}

void ivs_close(mt_ivs *v, int64_t t)
{
    if (ivs_open(v))
        v->last.b = max64(v->last.a, t);
}

static int64_t overlap(mt_iv iv, int64_t wa, int64_t wb)
{
    int64_t a = max64(iv.a, wa), b = min64(iv.b, wb);
    return b > a ? b - a : 0;
}

int64_t ivs_overlap(const mt_ivs *v, int64_t wa, int64_t wb)
{
    if (!v->last.a)
        return 0;
    int64_t s = overlap(v->last, wa, wb);
    for (uint32_t i = 0; i < v->n_old; i++)
        s += overlap(v->old[i], wa, wb);
    return s;
}

int64_t ivs_end(const mt_ivs *v) { return v->last.a ? v->last.b : 0; }

void ivs_prune(mt_ivs *v, int64_t t)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < v->n_old; i++)
        if (v->old[i].b > t)
            v->old[k++] = v->old[i];
    v->n_old = k;
    if (!k) {
        free(v->old);
        v->old = NULL;
    }
}

void ivs_free(mt_ivs *v)
{
    free(v->old);
    memset(v, 0, sizeof *v);
}

static void clip_one(mt_iv iv, int64_t wa, int64_t wb, mt_iv **out, size_t *n, size_t *cap)
{
    int64_t a = max64(iv.a, wa), b = min64(iv.b, wb);
    if (b <= a)
        return;
    grow_array((void **)out, cap, *n, sizeof **out);
    (*out)[(*n)++] = (mt_iv){a, b};
}

void ivs_clip(const mt_ivs *v, int64_t wa, int64_t wb, mt_iv **out, size_t *n, size_t *cap)
{
    if (!v->last.a)
        return;
    for (uint32_t i = 0; i < v->n_old; i++)
        clip_one(v->old[i], wa, wb, out, n, cap);
    clip_one(v->last, wa, wb, out, n, cap);
}

/* meter_share.c — splitting a volume's or a load balancer's time among the
 * pods using it: each moment the resource exists is divided evenly among
 * the member pods running at that moment; moments with none stay with the
 * resource (the engine shows them as __unmounted__ for volumes).
 *
 * A sweep over the window's elementary segments (between consecutive
 * interval endpoints): count members and presence per segment, then give
 * each member len/count for the segments it covers.  O(E log E) for E
 * endpoints plus the segments each member spans. */
#include <stdlib.h>
#include <string.h>

#include "meter/meter_internal.h"
#include "util/buf.h"

static int by_start(const void *x, const void *y)
{
    const mt_iv *a = x, *b = y;
    return (a->a > b->a) - (a->a < b->a);
}

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

void share_add_pod(mt_scratch *sc, const mt_pod *p, int64_t wa, int64_t wb, uint32_t who)
{
    sc->n_iv = 0;
    for (size_t c = 0; c < p->n_ctrs; c++)
        ivs_clip(&p->ctrs[c].run, wa, wb, &sc->iv, &sc->n_iv, &sc->cap_iv);
    if (!sc->n_iv)
        return;
    qsort(sc->iv, sc->n_iv, sizeof *sc->iv, by_start);
    mt_iv cur = sc->iv[0];
    for (size_t i = 1; i <= sc->n_iv; i++) {
        if (i < sc->n_iv && sc->iv[i].a <= cur.b) {
            if (sc->iv[i].b > cur.b) cur.b = sc->iv[i].b;
            continue;
        }
        grow_array((void **)&sc->spans, &sc->cap_spans, sc->n_spans, sizeof *sc->spans);
        sc->spans[sc->n_spans++] = (mt_span){cur.a, cur.b, who};
        if (i < sc->n_iv)
            cur = sc->iv[i];
    }
}

/* Index of t among the sorted unique points. */
static size_t point_index(const int64_t *pts, size_t n, int64_t t)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (pts[mid] < t) lo = mid + 1; else hi = mid;
    }
    return lo;
}

static void ensure(void **p, size_t *cap, size_t need, size_t size)
{
    if (need > *cap) {
        *cap = need * 2;
        *p = xrealloc(*p, *cap * size);
    }
}

double share_split(mt_scratch *sc, int64_t wa, int64_t wb, const mt_ivs *present, double *share)
{
    sc->n_iv = 0;
    ivs_clip(present, wa, wb, &sc->iv, &sc->n_iv, &sc->cap_iv);
    size_t n_pres = sc->n_iv;
    if (!n_pres)
        return 0;
    /* points: window ends and every endpoint inside */
    ensure((void **)&sc->pts, &sc->cap_pts, 2 + 2 * (n_pres + sc->n_spans), sizeof *sc->pts);
    size_t np = 0;
    sc->pts[np++] = wa, sc->pts[np++] = wb;
    for (size_t i = 0; i < n_pres; i++)
        sc->pts[np++] = sc->iv[i].a, sc->pts[np++] = sc->iv[i].b;
    for (size_t i = 0; i < sc->n_spans; i++)
        sc->pts[np++] = sc->spans[i].a, sc->pts[np++] = sc->spans[i].b;
    qsort(sc->pts, np, sizeof *sc->pts, cmp_i64);
    size_t u = 0;
    for (size_t i = 0; i < np; i++)
        if (!u || sc->pts[i] != sc->pts[u - 1])
            sc->pts[u++] = sc->pts[i];
    np = u;
    /* difference arrays → members running and presence per segment */
    ensure((void **)&sc->cnt, &sc->cap_cnt, np, sizeof *sc->cnt);
    ensure((void **)&sc->on, &sc->cap_on, np, sizeof *sc->on);
    memset(sc->cnt, 0, np * sizeof *sc->cnt);
    memset(sc->on, 0, np * sizeof *sc->on);
    int32_t *pres = xcalloc(np, sizeof *pres);
    for (size_t i = 0; i < sc->n_spans; i++) {
        sc->cnt[point_index(sc->pts, np, sc->spans[i].a)]++;
        sc->cnt[point_index(sc->pts, np, sc->spans[i].b)]--;
    }
    for (size_t i = 0; i < n_pres; i++) {
        pres[point_index(sc->pts, np, sc->iv[i].a)]++;
        pres[point_index(sc->pts, np, sc->iv[i].b)]--;
    }
    double alone = 0;
    int32_t c = 0, on = 0;
    for (size_t s = 0; s + 1 < np; s++) {
        c += sc->cnt[s], on += pres[s];
        sc->cnt[s] = c;
        sc->on[s] = on > 0;
        if (on > 0 && !c)
            alone += (double)(sc->pts[s + 1] - sc->pts[s]) / 3600.0;
    }
    free(pres);
    for (size_t i = 0; i < sc->n_spans; i++) {
        const mt_span *sp = &sc->spans[i];
        for (size_t s = point_index(sc->pts, np, sp->a); s + 1 < np && sc->pts[s] < sp->b; s++)
            if (sc->on[s] && sc->cnt[s] > 0)
                share[sp->who] += (double)(sc->pts[s + 1] - sc->pts[s]) / 3600.0 / sc->cnt[s];
    }
    return alone;
}

void share_free(mt_scratch *sc)
{
    free(sc->spans), free(sc->iv), free(sc->pts), free(sc->cnt), free(sc->on);
    memset(sc, 0, sizeof *sc);
}

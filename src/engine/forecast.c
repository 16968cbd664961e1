/* forecast.c — daily series from an allocation query, fitted and
 * extended; see forecast.h. */
#include "engine/forecast.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/strtab.h"
#include "util/time.h"

/* First day with spend; when the data begins inside the window, the day
 * after (a part day). */
static size_t first_full_day(const double *v, size_t nd)
{
    size_t d = 0;
    while (d < nd && !(v[d] > 0))
        d++;
    return d > 0 && d < nd ? d + 1 : d;
}

/* Fit series s from values v[0..nd) of `step` seconds each (daily; hourly
 * with a daily season), step 0 at `start`, skipping steps before `from`
 * and the series' own part first step, and predict `days` steps after
 * `end`. */
static void fit_series(kt_forecast_series *s, const double *v, size_t nd, size_t from, int64_t start, int64_t end,
                       int64_t step, int days, int backtest, int holdout)
{
    if (holdout && nd) { /* the last step is predicted, not learnt: kept to compare */
        s->held_actual = v[--nd];
        s->has_held = 1;
        end -= step;
        if (from > nd)
            from = nd;
    }
    size_t own = first_full_day(v, nd);
    if (own > from)
        from = own;
    assert(from <= nd);
    s->n_actual = nd - from;
    s->actual = xcalloc(s->n_actual ? s->n_actual : 1, sizeof *s->actual);
    memcpy(s->actual, v + from, s->n_actual * sizeof *v);
    s->actual_start = start + (int64_t)from * step;
    hw_fit_season(s->actual, s->n_actual, step == 3600 ? 24 : KT_SEASON, &s->fit);
    double *m = xcalloc((size_t)days * 3, sizeof *m), *lo = m + days, *hi = lo + days;
    hw_predict(&s->fit, (size_t)days, m, lo, hi);
    s->points = xcalloc((size_t)days, sizeof *s->points);
    s->n_points = (size_t)days;
    for (int k = 0; k < days; k++) {
        s->points[k] = (kt_forecast_point){{end + (int64_t)k * step, end + (int64_t)(k + 1) * step}, m[k], lo[k],
                                           hi[k]};
        s->total += m[k], s->best += lo[k], s->worst += hi[k];
    }
    free(m);
    if (backtest && step == 86400)
        forecast_backtest(s->actual, s->n_actual, &s->backtest);
}

void forecast_series_fit(kt_forecast_series *s, const char *key, const double *v, size_t nd, kt_window history,
                         int days, int backtest)
{
    assert(s && key && (v || !nd) && days >= 1);
    memset(s, 0, sizeof *s);
    s->key = xstrdup(key);
    fit_series(s, v, nd, 0, history.start, history.end, 86400, days, backtest, 0);
}

static int by_total(const void *a, const void *b)
{
    const kt_forecast_series *x = a, *y = b;
    if (x->total != y->total)
        return x->total < y->total ? 1 : -1;
    return strcmp(x->key, y->key);
}

int forecast_compute(const kt_dataset *ds, const kt_alloc_query *q, int days, int backtest, int holdout,
                     size_t max_series, kt_forecast_result *out, kt_err *err)
{
    assert(ds && q && out);
    memset(out, 0, sizeof *out);
    if (days < 1 || days > KT_FORECAST_MAX_DAYS)
        return kt_fail(err, KT_EINPUT, "predictionWindow: 1 to %d days", KT_FORECAST_MAX_DAYS);
    int64_t step = q->step == 3600 ? 3600 : 86400; /* hourly (an anomaly rule's) or daily */
    if (q->window.start % step || q->window.end % step || q->window.end <= q->window.start)
        return kt_fail(err, KT_EINPUT, "window: a forecast learns from whole UTC %s", step == 3600 ? "hours"
                       : "days (midnight to midnight)");
    kt_alloc_query dq = *q;
    dq.step = step, dq.accumulate = 0;
    kt_alloc_result r;
    if (alloc_compute(ds, &dq, &r, err))
        return -1;
    size_t nd = r.n;
    kt_strtab keys;
    strtab_init(&keys);
    double *tot = xcalloc(nd ? nd : 1, sizeof *tot), *vals = NULL; /* vals: [key id − 1][day] */
    size_t cap = 0;
    int rc = 0;
    for (size_t d = 0; d < nd && !rc; d++)
        for (size_t i = 0; i < r.sets[d].n; i++) {
            const kt_alloc *a = &r.sets[d].items[i];
            uint32_t id = strtab_intern(&keys, a->name ? a->name : "");
            if (id == 0) /* the empty string is id 0: give it a name */
                id = strtab_intern(&keys, "__unnamed__");
            if (max_series && keys.n - 1 > max_series) {
                rc = kt_fail(err, KT_EINPUT, "aggregate: more than %zu series to forecast; aggregate more "
                             "coarsely or filter", max_series);
                break;
            }
            grow_array((void **)&vals, &cap, (size_t)id * nd, sizeof *vals); /* zero-filled */
            double c = alloc_total(a);
            vals[(size_t)(id - 1) * nd + d] += c;
            tot[d] += c;
        }
    if (!rc) {
        size_t from = first_full_day(tot, nd), nk = keys.n - 1;
        out->history = q->window;
        out->confidence = KT_FORECAST_CONFIDENCE;
        out->total.key = xstrdup("total");
        fit_series(&out->total, tot, nd, from, q->window.start, q->window.end, step, days, backtest, holdout);
        out->series = xcalloc(nk ? nk : 1, sizeof *out->series);
        for (size_t k = 0; k < nk; k++) {
            kt_forecast_series *s = &out->series[out->n++];
            s->key = xstrdup(strtab_get(&keys, (uint32_t)(k + 1)));
            fit_series(s, vals + k * nd, nd, from, q->window.start, q->window.end, step, days, backtest, holdout);
        }
        qsort(out->series, out->n, sizeof *out->series, by_total);
    }
    free(vals);
    free(tot);
    strtab_free(&keys);
    alloc_result_free(&r);
    if (rc)
        forecast_result_free(out);
    return rc;
}

void forecast_series_free(kt_forecast_series *s)
{
    free(s->key);
    free(s->actual);
    free(s->points);
}

void forecast_result_free(kt_forecast_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        forecast_series_free(&r->series[i]);
    free(r->series);
    forecast_series_free(&r->total);
    memset(r, 0, sizeof *r);
}

const kt_forecast_point *forecast_at(const kt_forecast_series *s, int64_t t)
{
    assert(s);
    for (size_t i = 0; i < s->n_points; i++)
        if (t >= s->points[i].window.start && t < s->points[i].window.end)
            return &s->points[i];
    return NULL;
}

double forecast_between(const kt_forecast_series *s, int64_t from, int64_t to, double *lower, double *upper)
{
    assert(s);
    double m = 0, lo = 0, hi = 0;
    for (size_t k = 0; k < s->n_points; k++) {
        const kt_forecast_point *p = &s->points[k];
        int64_t a = p->window.start > from ? p->window.start : from, b = p->window.end < to ? p->window.end : to;
        if (b <= a)
            continue;
        double part = (double)(b - a) / (double)(p->window.end - p->window.start);
        m += p->predicted * part, lo += p->lower * part, hi += p->upper * part;
    }
    if (lower)
        *lower = lo;
    if (upper)
        *upper = hi;
    return m;
}

/* budget_status.c — every budget's spend so far and its forecast at the
 * period's end, for any number of budgets in two engine questions; see
 * budget.h (budgets_status). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/budget.h"
#include "util/buf.h"
#include "util/strtab.h"
#include "util/time.h"

#define HISTORY_DAYS 56 /* eight weeks: the weekly season seen eight times */

/* The daily values falling in [from, to) (whole days). */
static double days_sum(const double *daily, size_t nd, kt_window hist, int64_t from, int64_t to)
{
    double s = 0;
    for (size_t d = 0; d < nd; d++) {
        int64_t t = hist.start + (int64_t)d * 86400;
        if (t >= from && t < to)
            s += daily[d];
    }
    return s;
}

/* Projection at the period's end: spend so far, then the rest of today
 * and every later day of the period at the forecast. */
static void project(kt_budget_status *st, const kt_forecast_series *f, int64_t now)
{
    double lo, hi, m = forecast_between(f, now, st->period.end, &lo, &hi);
    st->forecast = st->spend + m;
    st->forecast_lower = st->spend + lo;
    st->forecast_upper = st->spend + hi;
    st->has_forecast = 1;
}

int budgets_status(kt_store *s, const kt_budget *b, size_t n, int64_t now, const kt_engine_limits *lim,
                   kt_budget_status *out, kt_err *err)
{
    return budgets_status_cached(s, b, n, now, lim, NULL, out, err);
}

/* Each budget's filter, parsed once per distinct text (budgets often share
 * one: a team's weekly and monthly budget): f[0..*nf) and, per budget, the
 * index of its filter in `which`. */
static int distinct_filters(const kt_budget *b, size_t n, kt_filter **f, size_t *nf, size_t *which, kt_err *err)
{
    kt_strtab texts;
    strtab_init(&texts);
    int rc = 0;
    *nf = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        kt_buf text = {0};
        buf_putc(&text, '='); /* never empty: the table's id 0 is "" */
        budget_filter_text(&b[i], &text);
        uint32_t id = strtab_intern(&texts, text.data);
        which[i] = id - 1;
        if (id - 1 == *nf) { /* first seen */
            rc = filter_parse(text.data + 1, &f[(*nf)++], err);
            if (rc)
                kt_wrap(err, "budget %s: values: ", b[i].name);
        }
        buf_free(&text);
    }
    strtab_free(&texts);
    return rc;
}

static int alloc_status(kt_store *s, const kt_budget *b, size_t n, int64_t now, const kt_engine_limits *lim,
                        kt_engine_cache *cache, kt_budget_status *out, kt_err *err)
{
    if (!n)
        return 0;
    int64_t today = day_floor(now), start = today - HISTORY_DAYS * 86400, end = today + 86400;
    for (size_t i = 0; i < n; i++) {
        out[i].period = budget_period(&b[i], now);
        if (out[i].period.start < start)
            start = out[i].period.start;
        if (out[i].period.end > end)
            end = out[i].period.end;
    }
    kt_filter **f = xcalloc(n, sizeof *f);
    size_t nf = 0, *which = xcalloc(n, sizeof *which);
    int rc = distinct_filters(b, n, f, &nf, which, err);
    /* the history (whole days to today, with a forecast to the last
     * period's end) and today so far: every distinct filter in each */
    kt_ask ask[2] = {{.kind = KT_ASK_SPEND}, {.kind = KT_ASK_SPEND}};
    for (int k = 0; k < 2; k++) {
        alloc_query_init(&ask[k].alloc);
        ask[k].alloc.now = now, ask[k].alloc.include_idle = 0; /* what the owners run, not the fleet's idle */
        ask[k].filters = (const kt_filter *const *)f, ask[k].n_filters = nf;
    }
    ask[0].alloc.window = (kt_window){start, today};
    ask[0].days = (int)((end - today + 86399) / 86400);
    if (ask[0].days > KT_FORECAST_MAX_DAYS)
        ask[0].days = KT_FORECAST_MAX_DAYS;
    ask[1].alloc.window = (kt_window){today, now};
    kt_answer a;
    if (!rc && !(rc = engine_ask_cached(s, ask, now > today ? 2 : 1, lim, cache, &a, err))) {
        const kt_spend_result *h = &a.replies[0].spend, *t = now > today ? &a.replies[1].spend : NULL;
        size_t nd = (size_t)((today - start) / 86400);
        for (size_t i = 0; i < n; i++) {
            kt_budget_status *st = &out[i];
            size_t k = which[i];
            /* the period holds now: its whole days before today, and today so far */
            assert(st->period.start <= today && now < st->period.end && h->n_days == nd && k < nf);
            st->spend = days_sum(h->daily + k * nd, nd, ask[0].alloc.window, st->period.start, today);
            if (t)
                st->spend += t->total[k];
            project(st, &h->forecast[k], now);
        }
        engine_answer_free(&a);
    }
    for (size_t i = 0; i < nf; i++)
        filter_free(f[i]);
    free(f);
    free(which);
    return rc ? -1 : 0;
}

int budgets_status_cached(kt_store *s, const kt_budget *b, size_t n, int64_t now, const kt_engine_limits *lim,
                          kt_engine_cache *cache, kt_budget_status *out, kt_err *err)
{
    assert(s && (b || !n) && lim && out);
    memset(out, 0, n * sizeof *out);
    /* allocation budgets (copied in a row: they share one pass), then asset and cloud budgets */
    kt_budget *alloc = xcalloc(n + 1, sizeof *alloc);
    kt_budget_status *ast = xcalloc(n + 1, sizeof *ast);
    size_t *ai = xcalloc(n + 1, sizeof *ai), *oi = xcalloc(n + 1, sizeof *oi), na = 0, no = 0;
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(b[i].type, "asset") || !strcmp(b[i].type, "cloud"))
            oi[no++] = i;
        else
            ai[na] = i, alloc[na++] = b[i]; /* shallow: the budget still owns its JSON */
    }
    int rc = alloc_status(s, alloc, na, now, lim, cache, ast, err) ||
             budgets_other_status(s, b, oi, no, now, lim, cache, out, err);
    for (size_t k = 0; !rc && k < na; k++)
        out[ai[k]] = ast[k];
    free(alloc), free(ast), free(ai), free(oi);
    return rc ? -1 : 0;
}

/* forecast_format.c — forecast answers; see forecast_format.h. */
#include "format/forecast_format.h"

#include <assert.h>
#include <stdio.h>

#include "util/time.h"

static json_t *points_json(const kt_forecast_series *s, double confidence)
{
    json_t *a = json_array();
    for (size_t i = 0; i < s->n_points; i++) {
        const kt_forecast_point *p = &s->points[i];
        char st[32], en[32];
        time_format(p->window.start, st);
        time_format(p->window.end, en);
        json_array_append_new(a, json_pack("{s:f, s:{s:s, s:s}, s:{s:f, s:f, s:f}}", "predictedCost", p->predicted,
                                           "window", "start", st, "end", en, "confidenceInterval",
                                           "confidenceLevel", confidence, "lowerConfidenceLimit", p->lower,
                                           "upperConfidenceLimit", p->upper));
    }
    return a;
}

static json_t *backtest_json(const kt_forecast_series *s)
{
    return json_pack("{s:f, s:f, s:f, s:I, s:s}", "mape", s->backtest.model, "seasonalNaiveMape", s->backtest.naive,
                     "linearMape", s->backtest.linear, "points", (json_int_t)s->backtest.points, "model",
                     hw_model_name(s->fit.kind));
}

json_t *format_forecast_json(const kt_forecast_result *r, const char *aggregate)
{
    assert(r && r->total.key);
    const char *agg = aggregate && *aggregate ? aggregate : "total";
    const char *model = hw_model_name(r->total.fit.kind);
    json_t *pred = json_object(), *bt = json_object();
    for (size_t i = 0; i < r->n; i++) {
        json_object_set_new(pred, r->series[i].key, points_json(&r->series[i], r->confidence));
        json_object_set_new(bt, r->series[i].key, backtest_json(&r->series[i]));
    }
    if (!json_object_get(pred, "total")) { /* a key named "total" keeps its name; the sum is then only the totals */
        json_object_set_new(pred, "total", points_json(&r->total, r->confidence));
        json_object_set_new(bt, "total", backtest_json(&r->total));
    }
    char st[32], en[32];
    time_format(r->history.start, st);
    time_format(r->history.end, en);
    json_t *e = json_pack("{s:f, s:s, s:s, s:s, s:f, s:f, s:o, s:{s:s, s:s}, s:I}", "TotalPredictedCost",
                          r->total.total, "aggregate", agg, "model", model, "status",
                          r->total.n_actual >= 3 ? "trained" : "insufficient data", "bestCasePredicted",
                          r->total.best, "worstCasePredicted", r->total.worst, "predictions", pred, "history",
                          "start", st, "end", en, "historyDays", (json_int_t)r->total.n_actual);
    if (r->total.backtest.points || r->total.n_actual >= 15)
        json_object_set_new(e, "backtest", bt);
    else
        json_decref(bt);
    char key[200];
    snprintf(key, sizeof key, "%s/%s", model, agg);
    return json_pack("{s:i, s:{s:o}}", "code", 200, "data", key, e);
}

static void row(const kt_forecast_series *s, int backtest, kt_buf *out)
{
    if (backtest) {
        if (s->backtest.points)
            buf_printf(out, "%-40.40s %10.2f %% %12.2f %% %10.2f %% %7zu\n", s->key, 100 * s->backtest.model,
                       100 * s->backtest.naive, 100 * s->backtest.linear, s->backtest.points);
        else
            buf_printf(out, "%-40.40s %12s %14s %12s %7d\n", s->key, "-", "-", "-", 0);
        return;
    }
    const kt_forecast_point *p = s->n_points ? &s->points[0] : NULL;
    buf_printf(out, "%-40.40s %12.2f %12.2f %12.2f %10.2f %10.2f..%.2f\n", s->key, s->total, s->best, s->worst,
               p ? p->predicted : 0, p ? p->lower : 0, p ? p->upper : 0);
}

void format_forecast_table(const kt_forecast_result *r, const char *aggregate, int backtest, kt_buf *out)
{
    assert(r && out);
    const char *agg = aggregate && *aggregate ? aggregate : "KEY";
    char st[32], en[32];
    time_format(r->total.n_actual ? r->total.actual_start : r->history.start, st); /* the days it learnt from */
    time_format(r->history.end, en);
    if (backtest)
        buf_printf(out, "Backtest over %.10s..%.10s (%zu days): a week ahead from every day after the first two "
                   "weeks; MAPE\n%-40s %12s %14s %12s %7s\n", st, en, r->total.n_actual, agg, "HOLT-WINTERS",
                   "SEASONAL-NAIVE", "LINEAR", "DAYS");
    else
        buf_printf(out, "Forecast of %zu days from %.10s, learnt from %.10s..%.10s (%zu days, %s), %g %% bounds\n"
                   "%-40s %12s %12s %12s %10s %s\n", r->total.n_points, en, st, en, r->total.n_actual,
                   hw_model_name(r->total.fit.kind), 100 * r->confidence, agg, "PREDICTED", "BEST", "WORST",
                   "FIRST DAY", "BOUNDS");
    for (size_t i = 0; i < r->n; i++)
        row(&r->series[i], backtest, out);
    row(&r->total, backtest, out);
}

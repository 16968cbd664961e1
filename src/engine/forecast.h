/* forecast.h — daily spend per aggregate for the next N days, with 95 %
 * bounds (the engine's KT_ASK_FORECAST; the model is forecast_model.h).
 *
 * History: the allocation query's window cut into UTC days (the window
 * must be whole days), aggregated and filtered like any allocation query.
 * A series begins at its first day with spend; when that is not the
 * window's first day the fleet's data began inside the window, and its
 * first day is dropped too, since the store's history rarely starts at
 * midnight (a part day would read as a dip).
 *
 * Besides one series per aggregate key, `total` is the sum of every key
 * (what budgets and the dashboard project), forecast as its own series:
 * the sum of per-key forecasts would add their bounds too loosely.
 *
 * Predictions start at the window's end, one per day; each has
 * predictedCost and a confidenceInterval (Kubecost's field names are the
 * formatters' business).  TotalPredictedCost = Σ predicted, and the best
 * and worst cases Σ lower and Σ upper bounds. */
#ifndef KT_ENGINE_FORECAST_H
#define KT_ENGINE_FORECAST_H

#include <stddef.h>
#include <stdint.h>

#include "engine/allocation.h"
#include "engine/forecast_model.h"

#define KT_FORECAST_MAX_DAYS 365

typedef struct kt_forecast_point {
    kt_window window; /* one UTC day */
    double predicted, lower, upper;
} kt_forecast_point;

typedef struct kt_forecast_series {
    char *key;                   /* aggregate value ("total" for the sum) */
    double *actual;              /* daily spend used to fit, from actual_start */
    size_t n_actual;
    int64_t actual_start;
    kt_forecast_point *points;   /* the next `days` days */
    size_t n_points;
    double total, best, worst;   /* Σ predicted, Σ lower, Σ upper */
    kt_hw_fit fit;
    kt_backtest backtest;        /* when asked */
    double held_actual;          /* holdout: the last day's spend, predicted by points[0] */
    int has_held;
} kt_forecast_series;

typedef struct kt_forecast_result {
    kt_forecast_series *series;  /* by total predicted cost, descending (names break ties) */
    size_t n;
    kt_forecast_series total;
    kt_window history;
    double confidence;           /* KT_FORECAST_CONFIDENCE */
} kt_forecast_result;

/* Forecast `days` (1–365) days after q->window (whole UTC days) from ds
 * (q->step = 3600: hours instead, the window whole UTC hours, the season
 * a day; for anomaly rules that look at an hour);
 * backtest each series when asked.  holdout: the window's last day is not
 * learnt but predicted (points start at it) and its spend kept in
 * held_actual — how an anomaly check compares a day with its forecast
 * from the same read as the budgets' history.  At most max_series keys
 * (0 ⇒ no cap; more is an input error naming aggregate). */
int forecast_compute(const kt_dataset *ds, const kt_alloc_query *q, int days, int backtest, int holdout,
                     size_t max_series, kt_forecast_result *out, kt_err *err);
void forecast_result_free(kt_forecast_result *r);

/* One series from daily values v[0..nd) over history (whole days): the
 * part first day rule above applied to v alone, fitted, `days` predicted. */
void forecast_series_fit(kt_forecast_series *s, const char *key, const double *v, size_t nd, kt_window history,
                         int days, int backtest);
void forecast_series_free(kt_forecast_series *s);

/* The predicted spend over [from, to), days cut in proportion to their
 * time inside; bounds likewise (either may be NULL). */
double forecast_between(const kt_forecast_series *s, int64_t from, int64_t to, double *lower, double *upper);

/* The prediction covering time t (NULL when t is outside the forecast). */
const kt_forecast_point *forecast_at(const kt_forecast_series *s, int64_t t);

#endif

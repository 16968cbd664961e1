/* forecast_model.h — daily spend forecasting, pure arithmetic on arrays.
 *
 * The model is additive Holt-Winters with a damped trend and a weekly
 * season (m = 7 days; hourly series: m = 24 hours): level l, trend b, season s[m];
 *   ŷ(t+h) = l + (φ + … + φ^h)·b + s[(t+h) mod 7]
 * Parameters α, β, γ, φ are chosen on a fixed grid by the smallest sum of
 * squared one-step-ahead errors over the history after the first week (the
 * grid makes the fit deterministic and bounded: no optimizer iterations).
 * The series is initialised from its first two weeks; with less than two
 * weeks there is no season (Holt's linear trend), with less than three
 * days only the mean.
 *
 * Bounds: σ² is the one-step error variance (SSE / (n − parameters)); the
 * h-step variance is σ²·(1 + Σ_{j<h} (α(1 + βj) + γ·[j ≡ 0 mod 7])²), the
 * ETS(A,A,A) formula; bounds are ŷ ± z·σ_h, z = 1.96 for a 95 % interval,
 * clamped at 0 (spend is never negative).
 *
 * Backtest: rolling origins from day 14 (two weeks to learn from) to the
 * end; from each, forecast the next 7 days (or fewer at the end) with the
 * model, with seasonal-naive (the same weekday of the last week) and with
 * an ordinary least-squares line over the days so far; MAPE over every
 * forecast day whose actual is above 0. */
#ifndef KT_FORECAST_MODEL_H
#define KT_FORECAST_MODEL_H

#include <stddef.h>

#define KT_SEASON 7      /* daily series: a weekly season */
#define KT_SEASON_MAX 24 /* hourly series (hw_fit_season): a daily season */
#define KT_FORECAST_Z 1.959963984540054 /* two-sided 95 % of the normal */
#define KT_FORECAST_CONFIDENCE 0.95

enum kt_fc_kind { KT_FC_NONE, KT_FC_MEAN, KT_FC_HOLT, KT_FC_HOLT_WINTERS };

typedef struct kt_hw_fit {
    enum kt_fc_kind kind;
    double alpha, beta, gamma, phi;
    double level, trend, season[KT_SEASON_MAX]; /* state after the last observation */
    double sigma;                           /* one-step error standard deviation */
    size_t n;                               /* observations; the next one has season slot n mod m */
    size_t m;                               /* season length: 7 (days) or 24 (hours) */
} kt_hw_fit;

/* Fit y[0..n) (n may be 0: a forecast of 0) with a weekly season. */
void hw_fit(const double *y, size_t n, kt_hw_fit *fit);
/* The same with a season of m steps (2 ≤ m ≤ KT_SEASON_MAX; 24 for hourly
 * spend), seasonal from 2·m observations on. */
void hw_fit_season(const double *y, size_t n, size_t m, kt_hw_fit *fit);
/* The next h days: mean, lower and upper bounds (any may be NULL). */
void hw_predict(const kt_hw_fit *fit, size_t h, double *mean, double *lower, double *upper);
/* The model's name as the forecast answer gives it. */
const char *hw_model_name(enum kt_fc_kind k);

/* The two baselines over y[0..n), for the next h days. */
void forecast_seasonal_naive(const double *y, size_t n, size_t h, double *out);
void forecast_linear(const double *y, size_t n, size_t h, double *out);

typedef struct kt_backtest {
    double model, naive, linear; /* MAPE, as fractions (0.05 = 5 %) */
    size_t points;               /* forecast days compared */
} kt_backtest;

/* Rolling-origin backtest of y[0..n) (see above); points = 0 when n < 15. */
void forecast_backtest(const double *y, size_t n, kt_backtest *out);

#endif

/* forecast_model.c — Holt-Winters (additive, damped, weekly), the two
 * baselines and the backtest; see forecast_model.h. */
#include "engine/forecast_model.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MIN_TRAIN (2 * KT_SEASON) /* the backtest's first origin */
#define HORIZON KT_SEASON         /* the backtest forecasts a week ahead */

const char *hw_model_name(enum kt_fc_kind k)
{
    switch (k) {
    case KT_FC_HOLT_WINTERS: return "holt-winters";
    case KT_FC_HOLT: return "holt";
    case KT_FC_MEAN: return "mean";
    default: return "none";
    }
}

/* Initial state: level = the first period's mean, trend from the first two
 * periods' means, season = the average deviation of each slot from its
 * period's mean (seasonal fits: periods of 7 days; others: no season). */
static void init_state(const double *y, size_t n, size_t sm, int seasonal, double *l, double *b, double *s)
{
    memset(s, 0, KT_SEASON_MAX * sizeof *s);
    size_t m = seasonal ? sm : 1;
    if (!seasonal) {
        *l = y[0];
        *b = n > 1 ? y[1] - y[0] : 0;
        return;
    }
    double mean[2] = {0, 0};
    for (size_t p = 0; p < 2; p++) {
        for (size_t i = 0; i < m; i++)
            mean[p] += y[p * m + i];
        mean[p] /= (double)m;
    }
    *l = mean[0];
    *b = (mean[1] - mean[0]) / (double)m;
    for (size_t i = 0; i < m; i++)
        s[i] = ((y[i] - mean[0]) + (y[m + i] - mean[1])) / 2;
    /* the level is the first period's middle: move it to its last day */
    *l += *b * (double)(m - 1) / 2;
}

/* Run the recursions over y with given parameters; returns the SSE of the
 * one-step errors from index `from`, and leaves the final state in f. */
static double run(const double *y, size_t n, size_t m, int seasonal, double a, double be, double g, double phi,
                  size_t from, kt_hw_fit *f)
{
    double l, b, s[KT_SEASON_MAX];
    init_state(y, n, m, seasonal, &l, &b, s);
    size_t start = seasonal ? m : 1; /* the state above describes y[0..start) */
    double sse = 0;
    for (size_t t = start; t < n; t++) {
        size_t k = t % m;
        double season = seasonal ? s[k] : 0;
        double pred = l + phi * b + season, e = y[t] - pred;
        if (t >= from)
            sse += e * e;
        double nl = a * (y[t] - season) + (1 - a) * (l + phi * b);
        b = be * (nl - l) + (1 - be) * phi * b;
        if (seasonal)
            s[k] = g * (y[t] - nl) + (1 - g) * season;
        l = nl;
    }
    f->level = l, f->trend = b;
    memcpy(f->season, s, sizeof s);
    f->alpha = a, f->beta = be, f->gamma = seasonal ? g : 0, f->phi = phi;
    return sse;
}

void hw_fit(const double *y, size_t n, kt_hw_fit *fit) { hw_fit_season(y, n, KT_SEASON, fit); }

void hw_fit_season(const double *y, size_t n, size_t m, kt_hw_fit *fit)
{
    assert(fit && (y || !n) && m >= 2 && m <= KT_SEASON_MAX);
    memset(fit, 0, sizeof *fit);
    fit->n = n;
    fit->m = m;
    fit->phi = 1;
    if (!n)
        return;
    if (n < 3) {
        double m = 0, v = 0;
        for (size_t i = 0; i < n; i++)
            m += y[i] / (double)n;
        for (size_t i = 0; i < n; i++)
            v += (y[i] - m) * (y[i] - m);
        fit->kind = KT_FC_MEAN, fit->level = m;
        fit->sigma = n > 1 ? sqrt(v / (double)(n - 1)) : 0.1 * m; /* one day: ±10 % is a claim, not a fit */
        return;
    }
    static const double as[] = {0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
    static const double bs[] = {0.01, 0.05, 0.1, 0.2, 0.3};
    static const double gs[] = {0.01, 0.05, 0.1, 0.2, 0.3, 0.5};
    static const double ps[] = {0.9, 0.98, 1.0};
    int seasonal = n >= 2 * m;
    size_t from = seasonal ? m : 1, ng = seasonal ? sizeof gs / sizeof *gs : 1;
    double best = INFINITY;
    kt_hw_fit f;
    for (size_t i = 0; i < sizeof as / sizeof *as; i++)
        for (size_t j = 0; j < sizeof bs / sizeof *bs; j++)
            for (size_t k = 0; k < ng; k++)
                for (size_t p = 0; p < sizeof ps / sizeof *ps; p++) {
                    double sse = run(y, n, m, seasonal, as[i], bs[j], gs[k], ps[p], from, &f);
                    if (sse < best) /* strict: the first (smoothest) of equals wins */
                        best = sse, *fit = f;
                }
    fit->n = n;
    fit->m = m;
    fit->kind = seasonal ? KT_FC_HOLT_WINTERS : KT_FC_HOLT;
    size_t params = seasonal ? 4 + m : 3, errs = n - from;
    fit->sigma = sqrt(best / (double)(errs > params ? errs - params : 1));
}

void hw_predict(const kt_hw_fit *fit, size_t h, double *mean, double *lower, double *upper)
{
    assert(fit);
    double damp = 0, pw = 1, var = 0;
    size_t sm = fit->m ? fit->m : KT_SEASON;
    for (size_t j = 1; j <= h; j++) {
        double m;
        if (fit->kind == KT_FC_MEAN || fit->kind == KT_FC_NONE) {
            m = fit->level;
        } else {
            pw *= fit->phi;
            damp += pw;
            m = fit->level + damp * fit->trend + fit->season[(fit->n + j - 1) % sm];
        }
        /* variance of the j-step error: 1 + Σ_{i<j} c_i², c_i = α(1 + βi) + γ[i ≡ 0 mod m] */
        if (j > 1) {
            size_t i = j - 1;
            double c = fit->alpha * (1 + fit->beta * (double)i) + (i % sm == 0 ? fit->gamma : 0);
            if (fit->kind == KT_FC_MEAN)
                c = 0;
            var += c * c;
        }
        double sd = fit->sigma * sqrt(1 + var);
        if (m < 0)
            m = 0;
        if (mean) mean[j - 1] = m;
        if (lower) lower[j - 1] = m - KT_FORECAST_Z * sd > 0 ? m - KT_FORECAST_Z * sd : 0;
        if (upper) upper[j - 1] = m + KT_FORECAST_Z * sd;
    }
}

void forecast_seasonal_naive(const double *y, size_t n, size_t h, double *out)
{
    assert(n >= KT_SEASON && out);
    for (size_t k = 0; k < h; k++)
        out[k] = y[n - KT_SEASON + k % KT_SEASON];
}

void forecast_linear(const double *y, size_t n, size_t h, double *out)
{
    assert(n >= 1 && out);
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t i = 0; i < n; i++) {
        double x = (double)i;
        sx += x, sy += y[i], sxx += x * x, sxy += x * y[i];
    }
    double d = (double)n * sxx - sx * sx;
    double slope = d > 0 ? ((double)n * sxy - sx * sy) / d : 0, icpt = (sy - slope * sx) / (double)n;
    for (size_t k = 0; k < h; k++) {
        double v = icpt + slope * (double)(n + k);
        out[k] = v > 0 ? v : 0;
    }
}

void forecast_backtest(const double *y, size_t n, kt_backtest *out)
{
    assert(out && (y || !n));
    memset(out, 0, sizeof *out);
    double pm[HORIZON], pn[HORIZON], pl[HORIZON];
    for (size_t o = MIN_TRAIN; o < n; o++) {
        size_t h = n - o < HORIZON ? n - o : HORIZON;
        kt_hw_fit f;
        hw_fit(y, o, &f);
        hw_predict(&f, h, pm, NULL, NULL);
        forecast_seasonal_naive(y, o, h, pn);
        forecast_linear(y, o, h, pl);
        for (size_t k = 0; k < h; k++) {
            double a = y[o + k];
            if (!(a > 0))
                continue;
            out->model += fabs(pm[k] - a) / a;
            out->naive += fabs(pn[k] - a) / a;
            out->linear += fabs(pl[k] - a) / a;
            out->points++;
        }
    }
    if (out->points) {
        out->model /= (double)out->points;
        out->naive /= (double)out->points;
        out->linear /= (double)out->points;
    }
}

/* test_engine_forecast.c — the forecast model on synthetic series whose
 * trend and season are known, and its backtest against the baselines. */
#include "check.h"

#include <stdint.h>

#include "engine/forecast_model.h"

/* Known series: 200 + 1.5·t + a weekly season (weekdays +12, weekend −30:
 * Σ = 5·12 − 2·30 = 0) + a deterministic noise in [−4, 4]. */
static const double season[7] = {12, 12, 12, 12, 12, -30, -30};

static double truth(size_t t) { return 200 + 1.5 * (double)t + season[t % 7]; }

static double noise(size_t t)
{
    uint64_t x = (uint64_t)t * 0x9E3779B97F4A7C15ull + 12345;
    x ^= x >> 31, x *= 0xBF58476D1CE4E5B9ull, x ^= x >> 29;
    return ((double)(x >> 11) / 9007199254740992.0 - 0.5) * 8;
}

TEST(known_trend_and_season)
{
    double y[70], m[14], lo[14], hi[14];
    for (size_t t = 0; t < 70; t++)
        y[t] = truth(t) + noise(t);
    kt_hw_fit f;
    hw_fit(y, 70, &f);
    CHECK(f.kind == KT_FC_HOLT_WINTERS);
    /* noise is uniform on [−4, 4]: σ = 8/√12 ≈ 2.31; the fit's one-step σ
     * should be near it (within 2×, the grid is coarse) */
    CHECK(f.sigma > 1 && f.sigma < 4.62);
    hw_predict(&f, 14, m, lo, hi);
    for (size_t k = 0; k < 14; k++) {
        double want = truth(70 + k); /* 305 + 1.5k + season: 300–330 */
        /* claim: within 3 % of the noise-free value, and it lies in the 95 % bounds */
        CHECK_NEAR(m[k], want, 0.03);
        CHECK(lo[k] <= want && want <= hi[k]);
        CHECK(lo[k] < m[k] && m[k] < hi[k]);
        if (k) /* the interval widens with the horizon */
            CHECK(hi[k] - lo[k] >= hi[k - 1] - lo[k - 1] - 1e-9);
    }
    /* the season is learnt: a Saturday (t = 75, 75 mod 7 = 5) is ~42 below a Friday (t = 74) */
    CHECK_NEAR(m[4] - m[5], 42 - 1.5, 0.25);
}

TEST(backtest_beats_baselines)
{
    double y[60];
    for (size_t t = 0; t < 60; t++)
        y[t] = truth(t) + noise(t);
    kt_backtest b;
    forecast_backtest(y, 60, &b);
    /* origins 14..59, each up to 7 days: Σ min(7, 60 − o) = 40·7 (o ≤ 53) + (6+5+…+1) = 301 */
    CHECK(b.points == 301);
    /* seasonal-naive misses the trend (7 × 1.5 = 10.5 a day on ~280: ≈ 3.7 %)
     * plus two days' noise; a line misses the season (±20 on ~280: > 5 %) */
    CHECK(b.model < b.naive && b.model < b.linear);
    CHECK(b.model < 0.02);
    CHECK(b.naive > 0.03 && b.linear > 0.05);
    printf("    backtest MAPE: model %.2f %%, seasonal-naive %.2f %%, linear %.2f %%\n", 100 * b.model,
           100 * b.naive, 100 * b.linear);
}

TEST(short_and_empty_series)
{
    kt_hw_fit f;
    double m[3], lo[3], hi[3];
    hw_fit(NULL, 0, &f);
    hw_predict(&f, 3, m, lo, hi);
    CHECK(f.kind == KT_FC_NONE && m[0] == 0 && hi[2] == 0);
    double two[2] = {10, 12};
    hw_fit(two, 2, &f);
    hw_predict(&f, 3, m, lo, hi);
    CHECK(f.kind == KT_FC_MEAN);
    CHECK_NEAR(m[2], 11, 1e-12); /* the mean of 10 and 12 */
    double line[10]; /* 10, 12, …, 28: Holt's trend finds +2 a day */
    for (int i = 0; i < 10; i++)
        line[i] = 10 + 2 * i;
    hw_fit(line, 10, &f);
    hw_predict(&f, 3, m, lo, hi);
    CHECK(f.kind == KT_FC_HOLT);
    CHECK_NEAR(m[0], 30, 0.01);
    CHECK(m[2] > m[0]);
    double zero[20] = {0}; /* a series of zeros forecasts zeros, never below */
    hw_fit(zero, 20, &f);
    hw_predict(&f, 3, m, lo, hi);
    CHECK(m[0] == 0 && lo[0] == 0);
}

int main(void)
{
    RUN(known_trend_and_season);
    RUN(backtest_beats_baselines);
    RUN(short_and_empty_series);
    return check_done();
}

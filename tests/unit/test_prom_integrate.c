/* test_prom_integrate.c — exact step sums: max(request, usage) at each step, hand-computed. */
#include <math.h>

#include "check.h"
#include "prom/integrate.h"

#define G 1073741824.0

/* One hour at 15-minute steps: 4 steps of 0.25 h. */
TEST(burst_above_request)
{
    /* request 1 core throughout; usage 0.5, 2, 0.5, 3 cores:
     * req   = 4 x 1 x 0.25 = 1 core-h
     * use   = (0.5 + 2 + 0.5 + 3) x 0.25 = 1.5 core-h
     * alloc = (1 + 2 + 1 + 3) x 0.25 = 1.75 core-h
     *         (OpenCost's max(avg req, avg use) = max(1, 1.5) = 1.5 would miss 0.25)
     * RAM: request 2 GiB, usage 1 GiB then 3 GiB for the last 2 steps:
     * alloc = (2 + 2 + 3 + 3) x 0.25 = 2.5 GiB-h, use = (1 + 1 + 3 + 3) x 0.25 = 2 GiB-h */
    double cr[] = {1, 1, 1, 1}, cu[] = {0.5, 2, 0.5, 3};
    double rr[] = {2 * G, 2 * G, 2 * G, 2 * G}, ru[] = {G, G, 3 * G, 3 * G}, gpu[] = {1, 1, 1, 1};
    unsigned char run[] = {1, 1, 1, 1};
    kt_prom_steps s = {cr, cu, rr, ru, gpu, run, 4, 900};
    kt_container_hour f = {0};
    CHECK(prom_integrate_hour(&s, &f) == 1);
    CHECK_NEAR(f.seconds, 3600, 0);
    CHECK_NEAR(f.cpu_req, 1, 1e-12);
    CHECK_NEAR(f.cpu_use, 1.5, 1e-12);
    CHECK_NEAR(f.cpu_alloc, 1.75, 1e-12);
    CHECK_NEAR(f.ram_alloc / G, 2.5, 1e-12);
    CHECK_NEAR(f.ram_use / G, 2, 1e-12);
    CHECK_NEAR(f.ram_req / G, 2, 1e-12);
    CHECK_NEAR(f.gpu, 1, 1e-12);
    CHECK_NEAR(f.cpu_peak, 3, 0);
    CHECK_NEAR(f.ram_peak / G, 3, 0);
    CHECK(f.usage_measured == 1);
}

TEST(usage_unknown_is_request)
{
    /* no cAdvisor: use = request, alloc = request; 2 running steps of 5 minutes of 12:
     * req = 0.5 x 2 x 300/3600 = 1/12 core-h */
    double nan_ = NAN;
    double cr[12], cu[12], rr[12], ru[12], g[12];
    unsigned char run[12] = {0};
    for (int i = 0; i < 12; i++)
        cr[i] = 0.5, cu[i] = nan_, rr[i] = G, ru[i] = nan_, g[i] = nan_;
    run[3] = run[4] = 1;
    kt_prom_steps s = {cr, cu, rr, ru, g, run, 12, 300};
    kt_container_hour f = {0};
    CHECK(prom_integrate_hour(&s, &f) == 1);
    CHECK_NEAR(f.seconds, 600, 0);
    CHECK_NEAR(f.cpu_req, 1.0 / 12, 1e-12);
    CHECK_NEAR(f.cpu_use, 1.0 / 12, 1e-12);
    CHECK_NEAR(f.cpu_alloc, 1.0 / 12, 1e-12);
    CHECK_NEAR(f.ram_alloc / G, 1.0 / 6, 1e-12);
    CHECK_NEAR(f.gpu, 0, 0);
    CHECK(f.usage_measured == 0);
}

TEST(no_request_and_not_running)
{
    /* a container without requests (no KSM request series): alloc = usage;
     * steps not running count nothing even with samples */
    double nan_ = NAN;
    double cr[] = {nan_, nan_, nan_}, cu[] = {0.2, 0.4, 9}, rr[] = {nan_, nan_, nan_}, ru[] = {G, G, G};
    double g[] = {nan_, nan_, nan_};
    unsigned char run[] = {1, 1, 0};
    kt_prom_steps s = {cr, cu, rr, ru, g, run, 3, 1200};
    kt_container_hour f = {0};
    CHECK(prom_integrate_hour(&s, &f) == 1);
    CHECK_NEAR(f.cpu_req, 0, 0);
    CHECK_NEAR(f.cpu_alloc, (0.2 + 0.4) / 3, 1e-12); /* 20-minute steps are 1/3 h */
    CHECK_NEAR(f.cpu_peak, 0.4, 0);
    CHECK_NEAR(f.ram_alloc / G, 2.0 / 3, 1e-12);
    unsigned char idle[] = {0, 0, 0};
    s.running = idle;
    CHECK(prom_integrate_hour(&s, &f) == 0);
    CHECK_NEAR(f.seconds, 0, 0);
    CHECK_NEAR(f.cpu_alloc, 0, 0);
}

int main(void)
{
    RUN(burst_above_request);
    RUN(usage_unknown_is_request);
    RUN(no_request_and_not_running);
    return check_done();
}

/* test_meter_memory.c — 10,000 synthetic pods (2 containers, 5 labels each)
 * on 50 nodes: the meter's memory per pod (its strings in the cluster
 * strtab included) stays under 1 KiB, and a flush of them is timed. */
#include <time.h>

#include "test_meter_fixture.h"

#define PODS 10000

static double seconds_since(const struct timespec *a)
{
    struct timespec b;
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (double)(b.tv_sec - a->tv_sec) + (double)(b.tv_nsec - a->tv_nsec) / 1e9;
}

TEST(ten_thousand_pods)
{
    fx f;
    fx_open(&f, "memory", HM(10, 0), 0);
    char a[64], b[64], c[64];
    for (int i = 0; i < 50; i++) {
        snprintf(a, sizeof a, "ip-10-0-%d-%d.ec2.internal", i / 250, i % 250);
        fx_node(&f, a, "aws", "us-east-1", 16, 64, T0, HM(10, 0));
    }
    for (int i = 0; i < PODS; i++) {
        snprintf(a, sizeof a, "app-%d-7d9f8c6b5-x%05d", i / 10, i); /* 1,000 deployments × 10 pods */
        snprintf(b, sizeof b, "ip-10-0-%d-%d.ec2.internal", (i % 50) / 250, (i % 50) % 250);
        snprintf(c, sizeof c, "app-%d", i / 10);
        pod_spec p = {"ns-1", a, b, "ReplicaSet", "app-7d9f8c6b5",
                      {{"main", 0.1, 0.25, HM(9, 0), 0, 1}, {"sidecar", 0.05, 0.0625, HM(9, 0), 0, 1}}, 2,
                      {"app", c, "pod-template-hash", "7d9f8c6b5", "team", "shop", "env", "prod", "tier", "web", NULL},
                      {NULL}};
        fx_pod(&f, &p, HM(10, 0));
    }
    f.k.on_resync(f.k.ctx, K_POD, HM(10, 0));
    kt_meter_counts k;
    meter_counts(f.m, &k);
    CHECK(k.pods == PODS && k.running_containers == 2 * PODS && k.nodes == 50);
    double per_pod = (double)k.bytes / PODS;
    printf("meter: %zu bytes for %d pods = %.0f bytes/pod (strings included)\n", k.bytes, PODS, per_pod);
    CHECK(per_pod < 1024);

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(fx_flush(&f, HM(10, 30)) == 0);
    double first = seconds_since(&t0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(fx_flush(&f, HM(10, 31)) == 0);
    double again = seconds_since(&t0);
    printf("meter: flush of %d pods: first %.3f s (records + facts), next %.3f s (facts only)\n", PODS, first, again);

    kt_dataset ds;
    fx_load(&f, HM(10, 0), HM(11, 0), &ds);
    CHECK(ds.n_pods == PODS && ds.n_cfacts == 2 * PODS);
    /* every container ran 10:00–10:31: Σ cpu_req = 10,000 × (0.1 + 0.05) × 31/60 */
    double cpu = 0;
    for (size_t i = 0; i < ds.n_cfacts; i++)
        cpu += ds.cfacts[i].cpu_req;
    CHECK_NEAR(cpu, PODS * 0.15 * 31 / 60, 1e-9);
    ds_free(&ds);
    fx_close(&f);
}

int main(void)
{
    RUN(ten_thousand_pods);
    return check_done();
}

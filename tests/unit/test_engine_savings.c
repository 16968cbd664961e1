/* test_engine_savings.c — container request right-sizing against numbers
 * worked out by hand (comments), for max and quantile, with the risk on a
 * series built here. */
#include <stdlib.h>

#include "check.h"
#include "engine/savings.h"
#include "format/format.h"
#include "pricing/node_split.h"
#include "store/settle.h"

#define T0 1767225600 /* 2026-01-01T00:00:00Z */
#define H 3600
#define MIB 1048576.0

static kt_dataset ds;

/* Deployment web, two replicas, container app, each requesting 4 cores and
 * 2 GiB for the same 10 hours on one node priced 0.04 $/core-h and
 * 0.005 $/GiB-h.  Hourly CPU peaks spread evenly over [0.9, 1.1]:
 * 0.9 + k·0.2/19 for k = 0..19 (replica 1 the even k, replica 2 the odd);
 * memory peaks 512 MiB; usage averages 0.5 core and 256 MiB.  A bare pod
 * "tiny" peaks at 1 m and 1 MiB (floors apply). */
static void build(void)
{
    ds_init(&ds);
    uint32_t cl = ds_add_cluster(&ds, "c1", "aws", "us-east-1", "USD");
    uint32_t n = ds_add_node(&ds, cl, "n1", "aws", "us-east-1", "us-east-1a", "m5.4xlarge", 0, 16, 64 * KT_GIB, 0);
    uint32_t p1 = ds_add_pod(&ds, cl, n, "shop", "web-1", "deployment", "web", NULL, NULL, NULL);
    uint32_t p2 = ds_add_pod(&ds, cl, n, "shop", "web-2", "deployment", "web", NULL, NULL, NULL);
    uint32_t p3 = ds_add_pod(&ds, cl, n, "shop", "tiny", "", "", NULL, NULL, NULL);
    uint32_t c[2] = {ds_add_container(&ds, p1, "app"), ds_add_container(&ds, p2, "app")};
    uint32_t ct = ds_add_container(&ds, p3, "main");
    for (int h = 0; h < 10; h++) {
        int64_t t = T0 + h * H;
        ds_node_fact nf = {.node = n, .dur = H, .t = t, .hours = 1, .cpu_price = 0.04, .ram_price = 0.005};
        ds_push_nfact(&ds, &nf);
        for (int r = 0; r < 2; r++) {
            int k = 2 * h + r;
            ds_container_fact f = {.container = c[r], .dur = H, .t = t, .seconds = H, .cpu_req = 4, .cpu_use = 0.5,
                                   .cpu_alloc = 4, .ram_req = 2 * KT_GIB, .ram_use = 256 * MIB,
                                   .ram_alloc = 2 * KT_GIB, .cpu_peak = 0.9 + k * 0.2 / 19, .ram_peak = 512 * MIB};
            ds_push_cfact(&ds, &f);
        }
        ds_container_fact f = {.container = ct, .dur = H, .t = t, .seconds = H, .cpu_req = 0.1, .cpu_use = 0.001,
                               .cpu_alloc = 0.1, .ram_req = 64 * MIB, .ram_use = MIB, .ram_alloc = 64 * MIB,
                               .cpu_peak = 0.001, .ram_peak = MIB};
        ds_push_cfact(&ds, &f);
    }
    ds_link_namespaces(&ds);
    settle(&ds, H);
}

static const kt_rs_rec *find(const kt_rs_result *r, const char *controller)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->items[i].controller, controller))
            return &r->items[i];
    return NULL;
}

static kt_rs_result run(const kt_rs_params *p)
{
    kt_rs_result r;
    kt_err err = {0};
    CHECK(savings_requests(&ds, (kt_window){T0, T0 + 10 * H}, p, &r, &err) == 0);
    return r;
}

TEST(max_algorithm)
{
    kt_rs_params p;
    rs_params_init(&p);
    kt_rs_result r = run(&p);
    CHECK(r.n == 2);
    const kt_rs_rec *w = find(&r, "web");
    CHECK(w != NULL);
    if (!w) return;
    /* CPU: max peak 1.1 / 0.7 = 1.5714 → 1572m; (4 − 1.572) × 2 replicas × 0.04 × 730 = 141.7952 */
    CHECK_NEAR(w->rec_cpu, 1.572, 1e-12);
    CHECK_NEAR(w->save_cpu, 141.7952, 1e-9);
    /* RAM: 512 Mi / 0.7 = 731.43 Mi → 732 Mi; (2048 − 732) Mi = 1.28515625 GiB × 0.005 × 2 × 730 = 9.381640625 */
    CHECK_NEAR(w->rec_ram, 732 * MIB, 1e-12);
    CHECK_NEAR(w->save_ram, 9.381640625, 1e-9);
    CHECK_NEAR(w->latest_cpu, 4, 1e-12);
    CHECK_NEAR(w->replicas, 2, 1e-12);
    /* efficiency 0.5/4 and 256 Mi / 2 Gi: both 0.125, so the total too */
    CHECK_NEAR(w->eff_cpu, 0.125, 1e-12);
    CHECK_NEAR(w->eff_ram, 0.125, 1e-12);
    CHECK_NEAR(w->eff_total, 0.125, 1e-12);
    CHECK(w->risk_cpu == 0 && w->risk_ram == 0); /* max / 0.7 is above every peak */
    CHECK(w->carbon_kg > 0);
    /* the bare pod: its own controller of kind "pod"; floors 10m and 20 Mi */
    const kt_rs_rec *t = find(&r, "tiny");
    CHECK(t && !strcmp(t->controller_kind, "pod"));
    if (t) {
        CHECK_NEAR(t->rec_cpu, 0.010, 1e-12);
        CHECK_NEAR(t->rec_ram, 20 * MIB, 1e-12);
    }
    /* sorted by total savings, descending: web first */
    CHECK(r.items[0].controller == w->controller);
    CHECK_NEAR(r.total, rs_total_savings(&r.items[0]) + rs_total_savings(&r.items[1]), 1e-12);
    kt_buf b = {0};
    format_rs_json(&r, &b);
    CHECK(strstr(b.data, "\"recommendedRequest\":{\"cpu\":\"1572m\",\"memory\":\"732Mi\"}") != NULL);
    CHECK(strstr(b.data, "\"latestKnownRequest\":{\"cpu\":\"4000m\",\"memory\":\"2048Mi\"}") != NULL);
    CHECK(strstr(b.data, "\"controllerKind\":\"deployment\",\"controllerName\":\"web\",\"containerName\":\"app\"") != NULL);
    buf_reset(&b);
    format_rs_patch(&r, &b);
    CHECK(strstr(b.data, "kubectl --context 'c1' -n 'shop' patch deployment 'web' --type strategic -p "
                         "'{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"resources\":"
                         "{\"requests\":{\"cpu\":\"1572m\",\"memory\":\"732Mi\"}}}]}}}}'\n") != NULL);
    CHECK(strstr(b.data, "# c1/shop pod tiny: no pod template to patch") != NULL);
    buf_free(&b);
    rs_result_free(&r);
}

TEST(quantile_algorithm_and_risk)
{
    kt_rs_params p;
    rs_params_init(&p);
    p.algo_cpu = RS_QUANTILE;
    p.q_cpu = 0.5;
    kt_rs_result r = run(&p);
    const kt_rs_rec *w = find(&r, "web");
    CHECK(w != NULL);
    if (!w) return;
    /* p50 by nearest rank of 20 equal weights: the 10th smallest, k = 9:
     * 0.9 + 9·0.2/19 = 0.99474 / 0.7 = 1.42105 → 1422m;
     * (4 − 1.422) × 2 × 0.04 × 730 = 150.5552 */
    CHECK_NEAR(w->rec_cpu, 1.422, 1e-12);
    CHECK_NEAR(w->save_cpu, 150.5552, 1e-9);
    CHECK(w->risk_cpu == 0);
    rs_result_free(&r);
    /* the same p50 at target 1.0: 995m; peaks above it are k = 10..19, half the hours */
    p.target_cpu = 1.0;
    r = run(&p);
    w = find(&r, "web");
    CHECK_NEAR(w->rec_cpu, 0.995, 1e-12);
    CHECK_NEAR(w->risk_cpu, 0.5, 1e-12);
    rs_result_free(&r);
    /* p90 at target 1.0: the 18th smallest, k = 17: 1.07895 → 1079m; above it k = 18, 19: 2 of 20 hours */
    p.q_cpu = 0.9;
    r = run(&p);
    w = find(&r, "web");
    CHECK_NEAR(w->rec_cpu, 1.079, 1e-12);
    CHECK_NEAR(w->risk_cpu, 0.1, 1e-12);
    rs_result_free(&r);
}

TEST(weighted_quantile)
{
    /* weights are running hours: a 3-hour sample outweighs two 1-hour ones */
    kt_sample s[] = {{5, 1}, {1, 3}, {9, 1}};
    CHECK_NEAR(savings_quantile(s, 3, 0.5), 1, 1e-12);  /* cum 3 of 5 ≥ 2.5 at value 1 */
    CHECK_NEAR(savings_quantile(s, 3, 0.7), 5, 1e-12);  /* 3.5 needs the next: 5 */
    CHECK_NEAR(savings_quantile(s, 3, 1.0), 9, 1e-12);
    CHECK_NEAR(savings_share_above(s, 3, 4), 0.4, 1e-12); /* 5 and 9: 2 of 5 hours */
    CHECK(savings_quantile(s, 0, 0.5) == 0);
}

TEST(filter_and_bad_params)
{
    kt_rs_params p;
    kt_filter *f;
    kt_err err = {0};
    rs_params_init(&p);
    CHECK(filter_parse("controllerName:\"web\"", &f, &err) == 0);
    p.filter = f;
    kt_rs_result r = run(&p);
    CHECK(r.n == 1 && !strcmp(r.items[0].controller, "web"));
    rs_result_free(&r);
    filter_free(f);
    rs_params_init(&p);
    p.target_cpu = 0;
    CHECK(savings_requests(&ds, (kt_window){T0, T0 + 10 * H}, &p, &r, &err) == -1);
    CHECK(strstr(err.msg, "targetCPUUtilization") != NULL);
}

int main(void)
{
    build();
    RUN(max_algorithm);
    RUN(quantile_algorithm_and_risk);
    RUN(weighted_quantile);
    RUN(filter_and_bad_params);
    ds_free(&ds);
    return check_done();
}

/* test_engine_savings_cluster.c — cluster right-sizing on a price list
 * written here (an imported list for a region the built-in catalog does
 * not have, so only these types are priced), answers worked by hand. */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "engine/savings_cluster.h"
#include "pricing/node_split.h"
#include "store/settle.h"

static kt_pricing *pricing;
static char dir[] = "/tmp/kt-cs-XXXXXX";

/* small.2 2 vCPU 8 GiB 0.08/h, medium.4 4/16 0.17, big.8 8/32 0.36, and
 * an ARM type m9g.4 4/16 at 0.01 that x86 plans must never pick. */
static void load_prices(void)
{
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/aws.prices", dir);
    FILE *f = fopen(path, "w");
    fputs("provider aws\ncurrency USD\nsource test\ndate 2026-01-01\n"
          "node test-1 small.2 2 8 0 0.08 -\nnode test-1 medium.4 4 16 0 0.17 0.05\n"
          "node test-1 big.8 8 32 0 0.36 -\nnode test-1 m9g.4 4 16 0 0.01 -\n", f);
    fclose(f);
    kt_pricing_opts o = {NULL, dir};
    kt_err err = {0};
    CHECK(pricing_load(&o, &pricing, &err) == 0);
}

TEST(offers_from_the_list)
{
    kt_node_offer *o;
    size_t n;
    pricing_node_offers(pricing, "aws", "test-1", &o, &n);
    CHECK(n == 4);
    int arm = 0;
    for (size_t i = 0; i < n; i++)
        arm += o[i].arm * (!strcmp(o[i].name, "m9g.4"));
    CHECK(arm == 1);
    free(o);
}

/* Requests of 5 vCPU / 20 GiB, DaemonSets 0.2 vCPU / 0.5 GiB per node, the
 * largest pod 2 vCPU / 4 GiB.  Production (0.65, ≥ 2 nodes):
 *   small.2  usable 2×0.65−0.2 = 1.1 vCPU < 2: cannot hold the largest pod
 *   medium.4 usable 2.4 vCPU, 16×0.65−0.5 = 9.9 GiB: max(2, ⌈5/2.4⌉, ⌈20/9.9⌉) = 3 → 0.51/h
 *   big.8    usable 5.0, 20.3: max(2, 1, 1) = 2 → 0.72/h
 *   single = 3 × medium.4 = 0.51 × 730 = 372.30
 *   multi: 1 × medium.4 leaves 2.6 vCPU, 10.1 GiB: small.2 ×max(⌈2.6/1.1⌉, ⌈10.1/4.7⌉) = 3
 *          → 0.17 + 0.24 = 0.41/h = 299.30 (2 × medium + 1 small = 0.42, 1 medium + 1 big = 0.53) */
TEST(single_and_two_type_pools)
{
    kt_node_offer *o;
    size_t n;
    pricing_node_offers(pricing, "aws", "test-1", &o, &n);
    kt_cs_cluster in = {.static_vcpus = 5, .static_ram_gib = 20, .ds_vcpus = 0.2, .ds_ram_gib = 0.5,
                        .max_pod_vcpus = 2, .max_pod_ram_gib = 4};
    kt_cs_params p = {0};
    CHECK(cs_profile("production", &p.target, &p.min_nodes) == 0);
    kt_cs_plan single, multi;
    cs_plan(&in, o, n, &p, &single, &multi);
    CHECK(single.n_pools == 1 && !strcmp(single.pools[0].type.name, "medium.4") && single.pools[0].count == 3);
    CHECK_NEAR(single.monthly, 372.30, 1e-9);
    CHECK(multi.n_pools == 2 && !strcmp(multi.pools[0].type.name, "medium.4") && multi.pools[0].count == 1 &&
          !strcmp(multi.pools[1].type.name, "small.2") && multi.pools[1].count == 3);
    CHECK_NEAR(multi.monthly, 299.30, 1e-9);
    /* development (0.8, ≥ 1): medium.4 usable 3.0 / 12.3 → max(1, 2, 2) = 2 → 0.34/h = 248.20 */
    CHECK(cs_profile("development", &p.target, &p.min_nodes) == 0);
    cs_plan(&in, o, n, &p, &single, &multi);
    CHECK(single.pools[0].count == 2 && !strcmp(single.pools[0].type.name, "medium.4"));
    CHECK_NEAR(single.monthly, 248.20, 1e-9);
    /* high availability (0.5, ≥ 3): medium.4 usable 1.8 < 2 cannot hold the pod; big.8 usable 3.8 / 15.5
     * → max(3, ⌈5/3.8⌉ = 2, ⌈20/15.5⌉ = 2) = 3 → 1.08/h = 788.40 */
    CHECK(cs_profile("high-availability", &p.target, &p.min_nodes) == 0);
    cs_plan(&in, o, n, &p, &single, &multi);
    CHECK(single.pools[0].count == 3 && !strcmp(single.pools[0].type.name, "big.8"));
    CHECK_NEAR(single.monthly, 788.40, 1e-9);
    /* ARM only: m9g.4 like medium.4 (3 nodes at production) at 0.01 → 0.03 × 730 = 21.90 */
    CHECK(cs_profile("production", &p.target, &p.min_nodes) == 0);
    p.arm = 1;
    cs_plan(&in, o, n, &p, &single, &multi);
    CHECK(single.n_pools == 1 && !strcmp(single.pools[0].type.name, "m9g.4"));
    CHECK_NEAR(single.monthly, 21.90, 1e-9);
    CHECK(multi.n_pools == 0); /* one ARM type: no second */
    double t;
    int m;
    CHECK(cs_profile("staging", &t, &m) == -1);
    free(o);
}

/* The same cluster as facts: 2 web pods of 2.5 vCPU / 10 GiB (the largest
 * pod is 2.5 / 10 here) and a DaemonSet pod of 0.2 / 0.5 on each of two
 * m5.2xlarge nodes at 0.384/h; the whole path through the dataset. */
TEST(from_the_dataset)
{
    kt_dataset ds;
    ds_init(&ds);
    uint32_t cl = ds_add_cluster(&ds, "c1", "aws", "test-1", "USD");
    uint32_t nd[2] = {ds_add_node(&ds, cl, "n1", "aws", "test-1", "a", "m5.2xlarge", 0, 8, 32 * KT_GIB, 0),
                      ds_add_node(&ds, cl, "n2", "aws", "test-1", "a", "m5.2xlarge", 0, 8, 32 * KT_GIB, 0)};
    for (int i = 0; i < 2; i++) {
        char pn[32];
        snprintf(pn, sizeof pn, "web-%d", i);
        uint32_t w = ds_add_container(&ds, ds_add_pod(&ds, cl, nd[i], "shop", pn, "deployment", "web", NULL, NULL, NULL), "app");
        snprintf(pn, sizeof pn, "agent-%d", i);
        uint32_t a = ds_add_container(&ds, ds_add_pod(&ds, cl, nd[i], "kube-system", pn, "daemonset", "agent", NULL, NULL, NULL), "a");
        for (int h = 0; h < 24; h++) {
            int64_t t = 1767225600 + h * 3600;
            ds_node_fact nf = {.node = nd[i], .dur = 3600, .t = t, .hours = 1, .cpu_price = 0.04, .ram_price = 0.002,
                               .hourly = 0.384};
            ds_push_nfact(&ds, &nf);
            ds_container_fact f = {.container = w, .dur = 3600, .t = t, .seconds = 3600, .cpu_req = 2.5,
                                   .cpu_alloc = 2.5, .ram_req = 10 * KT_GIB, .ram_alloc = 10 * KT_GIB};
            ds_container_fact g = {.container = a, .dur = 3600, .t = t, .seconds = 3600, .cpu_req = 0.2,
                                   .cpu_alloc = 0.2, .ram_req = 0.5 * KT_GIB, .ram_alloc = 0.5 * KT_GIB};
            ds_push_cfact(&ds, &f), ds_push_cfact(&ds, &g);
        }
    }
    ds_link_namespaces(&ds);
    settle(&ds, 3600);
    kt_cs_params p = {.pricing = pricing};
    cs_profile("production", &p.target, &p.min_nodes);
    kt_cs_result r;
    kt_err err = {0};
    CHECK(savings_cluster_sizing(&ds, (kt_window){1767225600, 1767225600 + 86400}, &p, &r, &err) == 0);
    CHECK(r.n == 1);
    const kt_cs_cluster *c = &r.items[0];
    CHECK_NEAR(c->static_vcpus, 5, 1e-12);
    CHECK_NEAR(c->static_ram_gib, 20, 1e-12);
    CHECK_NEAR(c->ds_vcpus, 0.2, 1e-12);
    CHECK_NEAR(c->max_pod_vcpus, 2.5, 1e-12);
    CHECK(c->pods == 2 && c->current_nodes == 2 && c->n_types == 1 && c->types[0].count == 2);
    /* today 2 × 0.384 × 730 = 560.64; medium.4 holds 2.4 < 2.5 vCPU: not the largest pod;
     * big.8: 2 nodes → 0.72 × 730 = 525.60; savings 35.04 */
    CHECK_NEAR(c->current_monthly, 560.64, 1e-9);
    CHECK(c->single.n_pools == 1 && !strcmp(c->single.pools[0].type.name, "big.8"));
    CHECK_NEAR(c->single.monthly, 525.60, 1e-9);
    cs_result_free(&r);
    /* compare: to a region nothing is priced in: no plan */
    p.to = "gcp:nowhere-1";
    CHECK(savings_cluster_sizing(&ds, (kt_window){1767225600, 1767225600 + 86400}, &p, &r, &err) == 0);
    CHECK(r.n == 1 && r.items[0].single.n_pools == 0 && !strcmp(r.items[0].provider, "gcp"));
    cs_result_free(&r);
    p.to = "gcp";
    CHECK(savings_cluster_sizing(&ds, (kt_window){1767225600, 1767225600 + 86400}, &p, &r, &err) == -1);
    CHECK(strstr(err.msg, "to:") == err.msg);
    ds_free(&ds);
}

int main(void)
{
    load_prices();
    RUN(offers_from_the_list);
    RUN(single_and_two_type_pools);
    RUN(from_the_dataset);
    pricing_free(pricing);
    char path[256];
    snprintf(path, sizeof path, "%s/aws.prices", dir);
    unlink(path);
    rmdir(dir);
    return check_done();
}

/* test_engine_savings_kinds.c — the savings kinds other than request
 * sizing, on a 24-hour cluster built here, with the answers worked out by
 * hand in the comments; and the totals per kind, cluster and team. */
#include <stdlib.h>

#include "check.h"
#include "engine/savings.h"
#include "engine/savings_params.h"
#include "pricing/node_split.h"
#include "pricing/pricing.h"
#include "store/settle.h"

#define T0 1767225600 /* 2026-01-01T00:00:00Z */
#define H 3600
#define MIB 1048576.0

static kt_dataset ds;

static void cfact(uint32_t c, int64_t t, double cores, double gib, double use)
{
    ds_container_fact f = {.container = c, .dur = H, .t = t, .seconds = H, .cpu_req = cores, .cpu_use = use,
                           .cpu_alloc = cores, .ram_req = gib * KT_GIB, .ram_use = gib * KT_GIB / 2,
                           .ram_alloc = gib * KT_GIB, .cpu_peak = use, .ram_peak = gib * KT_GIB / 2};
    ds_push_cfact(&ds, &f);
}

/* Three nodes of 4 cores / 16 GiB at 0.03 $/core-h + 0.005 $/GiB-h =
 * 0.20 $/h, 24 hours.  n1 runs web-1 (1 core, 2 GiB), n2 web-2 (the same),
 * n3 the bare pod "tiny" (0.2 core, 0.5 GiB); a DaemonSet pod of 0.1 core
 * on each.  Volumes of 100 GiB at 0.1 $/GiB-month: vol-a mounted by
 * web-1, vol-b never mounted, vol-c never mounted but gone after 12 h.
 * Load balancers at 0.025 $/h: lb-a backed by web-1 every hour, lb-b
 * backed only for the first 12 hours.  Traffic: web 10 MB/h per pod
 * (2,778 B/s), tiny 100 kB/h (27.8 B/s) with 0.001 core of CPU. */
static void build(void)
{
    ds_init(&ds);
    uint32_t cl = ds_add_cluster(&ds, "c1", "aws", "us-east-1", "USD");
    uint32_t n[3];
    const char *names[3] = {"n1", "n2", "n3"};
    for (int i = 0; i < 3; i++)
        n[i] = ds_add_node(&ds, cl, names[i], "aws", "us-east-1", "us-east-1a", "m5.xlarge", 0, 4, 16 * KT_GIB, 0);
    const char *team[] = {"team", "shop", NULL};
    uint32_t w1 = ds_add_pod(&ds, cl, n[0], "shop", "web-1", "deployment", "web", team, NULL, NULL);
    uint32_t w2 = ds_add_pod(&ds, cl, n[1], "shop", "web-2", "deployment", "web", team, NULL, NULL);
    uint32_t tp = ds_add_pod(&ds, cl, n[2], "shop", "tiny", "", "", NULL, NULL, NULL);
    uint32_t cw1 = ds_add_container(&ds, w1, "app"), cw2 = ds_add_container(&ds, w2, "app");
    uint32_t ct = ds_add_container(&ds, tp, "main");
    uint32_t cds[3];
    for (int i = 0; i < 3; i++) {
        char pn[32];
        snprintf(pn, sizeof pn, "agent-%d", i);
        cds[i] = ds_add_container(&ds, ds_add_pod(&ds, cl, n[i], "kube-system", pn, "daemonset", "agent", NULL,
                                                  NULL, NULL), "agent");
    }
    uint32_t va = ds_add_volume(&ds, cl, "vol-a", "gp3", "shop", "data-a");
    ds_add_volume(&ds, cl, "vol-b", "gp3", "shop", "data-b"); /* between va and vc */
    uint32_t vc = ds_add_volume(&ds, cl, "vol-c", "gp3", "shop", "data-c");
    uint32_t la = ds_add_lb(&ds, cl, "shop", "lb-a"), lb = ds_add_lb(&ds, cl, "shop", "lb-b");
    for (int h = 0; h < 24; h++) {
        int64_t t = T0 + h * H;
        for (int i = 0; i < 3; i++) {
            ds_node_fact nf = {.node = n[i], .dur = H, .t = t, .hours = 1, .cpu_price = 0.03, .ram_price = 0.005,
                               .hourly = 0.20};
            ds_push_nfact(&ds, &nf);
            cfact(cds[i], t, 0.1, 0.1, 0.05);
        }
        cfact(cw1, t, 1, 2, 0.5);
        cfact(cw2, t, 1, 2, 0.5);
        cfact(ct, t, 0.2, 0.5, 0.001);
        for (uint32_t v = va; v <= vc; v++) {
            if (v == vc && h >= 12)
                continue;
            ds_volume_fact vf = {.volume = v, .dur = H, .t = t, .hours = 1, .bytes = 100 * KT_GIB,
                                 .price_gib_hour = 0.1 / 730};
            ds_push_vfact(&ds, &vf);
        }
        ds_pod_volume_fact pv = {w1, va, H, t, 1, 0};
        ds_push_pvfact(&ds, &pv);
        for (uint32_t l = la; l <= lb; l++) {
            ds_lb_fact lf = {.lb = l, .dur = H, .t = t, .hours = 1, .hourly = 0.025};
            ds_push_lbfact(&ds, &lf);
        }
        ds_pod_lb_fact pl = {w1, la, H, t, 1, 0};
        ds_push_plbfact(&ds, &pl);
        if (h < 12) {
            ds_pod_lb_fact pl2 = {w2, lb, H, t, 1, 0};
            ds_push_plbfact(&ds, &pl2);
        }
        ds_network_fact nw1 = {.pod = w1, .dur = H, .t = t, .tx_zone = 5e6, .rx_bytes = 5e6};
        ds_network_fact nw2 = {.pod = w2, .dur = H, .t = t, .tx_zone = 5e6, .rx_bytes = 5e6};
        ds_network_fact nt = {.pod = tp, .dur = H, .t = t, .tx_zone = 5e4, .rx_bytes = 5e4};
        ds_push_netfact(&ds, &nw1), ds_push_netfact(&ds, &nw2), ds_push_netfact(&ds, &nt);
    }
    ds_link_namespaces(&ds);
    settle(&ds, H);
}

static const kt_saving *find(const kt_savings_result *r, enum kt_saving_kind k, const char *name)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->items[i].kind == k && !strcmp(r->items[i].name, name))
            return &r->items[i];
    return NULL;
}

TEST(every_kind)
{
    kt_savings_params p;
    kt_savings_result r;
    kt_err err = {0};
    savings_params_init(&p);
    CHECK(savings_all(&ds, (kt_window){T0, T0 + 24 * H}, &p, &r, &err) == 0);
    /* unclaimed: vol-b only (vol-a is mounted, vol-c is gone): 100 GiB × 0.1/730 × 730 = 10.00/month */
    CHECK(r.by_kind[SK_UNCLAIMED_VOLUME].count == 1);
    const kt_saving *v = find(&r, SK_UNCLAIMED_VOLUME, "vol-b");
    CHECK(v && fabs(v->monthly - 10.0) < 1e-9);
    CHECK(v && v->carbon_kg > 0);
    /* orphaned: lb-b (no backend in its newest hour): 0.025 × 730 = 18.25 */
    CHECK(r.by_kind[SK_ORPHANED_LB].count == 1);
    const kt_saving *l = find(&r, SK_ORPHANED_LB, "lb-b");
    CHECK(l && fabs(l->monthly - 18.25) < 1e-9);
    /* underused, at 80 % of capacity with the DaemonSet's 0.1 core staying:
     * n3 first (0.2 core movable): n1 and n2 have 3.2 − 1 − 0.1 = 2.1 free each → drained;
     * n1 next (1 core): n2 has 2.1 − 0.1 (half of tiny) = 2.0 free → drained;
     * n2 last: no node left.  2 × 0.20 × 730 = 292 */
    CHECK(r.by_kind[SK_UNDERUSED_NODE].count == 2);
    CHECK(find(&r, SK_UNDERUSED_NODE, "n3") && find(&r, SK_UNDERUSED_NODE, "n1"));
    CHECK_NEAR(r.by_kind[SK_UNDERUSED_NODE].monthly, 292, 1e-9);
    /* abandoned: tiny (27.8 B/s < 500, 0.001 core < 0.01); its cost 0.2 × 0.03 + 0.5 × 0.005 = 0.0085/h → 6.205 */
    CHECK(r.by_kind[SK_ABANDONED].count == 1);
    const kt_saving *a = find(&r, SK_ABANDONED, "tiny");
    CHECK(a && fabs(a->monthly - 6.205) < 1e-9);
    CHECK(a && fabs(a->detail - 1e5 / 3600) < 1e-9);
    /* totals: by kind add up to the total, and by cluster (one cluster) equal it */
    double sum = 0;
    for (int k = 0; k < SK_COUNT; k++)
        sum += r.by_kind[k].monthly;
    CHECK_NEAR(sum, r.total, 1e-12);
    CHECK(r.n_cluster == 1 && fabs(r.by_cluster[0].monthly - r.total) < 1e-9);
    /* team: web's right-sizing is team shop's; the rest has no team */
    int shop = 0;
    for (size_t i = 0; i < r.n_team; i++)
        shop |= !strcmp(r.by_team[i].key, "shop");
    CHECK(shop);
    savings_result_free(&r);
    /* a higher threshold finds web too (2,778 B/s < 5,000), but its CPU (0.5 core) is not near zero */
    p.abandoned_bytes_per_s = 5000;
    CHECK(savings_all(&ds, (kt_window){T0, T0 + 24 * H}, &p, &r, &err) == 0);
    CHECK(r.by_kind[SK_ABANDONED].count == 1);
    savings_result_free(&r);
}

/* Spot candidates: Deployment api, two replicas of 1 core / 4 GiB on two
 * on-demand m5.xlarge nodes (us-east-1: 0.192/h on demand, 0.07104 spot in
 * the built-in catalog: 63 % off), no volume; at 0.03 $/core-h + 0.005
 * $/GiB-h each replica costs 0.05/h: 0.10 × 0.63 × 730 = 45.99 per month.
 * A single-replica Deployment and a two-replica StatefulSet are not
 * candidates; without prices there are none. */
TEST(spot_candidates)
{
    kt_dataset d;
    ds_init(&d);
    uint32_t cl = ds_add_cluster(&d, "c1", "aws", "us-east-1", "USD");
    uint32_t n[2] = {ds_add_node(&d, cl, "n1", "aws", "us-east-1", "a", "m5.xlarge", 0, 4, 16 * KT_GIB, 0),
                     ds_add_node(&d, cl, "n2", "aws", "us-east-1", "a", "m5.xlarge", 0, 4, 16 * KT_GIB, 0)};
    const char *kinds[3][3] = {{"deployment", "api", "2"}, {"deployment", "solo", "1"}, {"statefulset", "db", "2"}};
    uint32_t ct[6];
    int nc = 0;
    for (int w = 0; w < 3; w++)
        for (int r = 0; r < atoi(kinds[w][2]); r++) {
            char pn[32];
            snprintf(pn, sizeof pn, "%s-%d", kinds[w][1], r);
            ct[nc++] = ds_add_container(&d, ds_add_pod(&d, cl, n[r], "shop", pn, kinds[w][0], kinds[w][1], NULL, NULL,
                                                       NULL), "app");
        }
    for (int h = 0; h < 24; h++) {
        int64_t t = T0 + h * H;
        for (int i = 0; i < 2; i++) {
            ds_node_fact nf = {.node = n[i], .dur = H, .t = t, .hours = 1, .cpu_price = 0.03, .ram_price = 0.005,
                               .hourly = 0.192};
            ds_push_nfact(&d, &nf);
        }
        for (int i = 0; i < nc; i++) {
            ds_container_fact f = {.container = ct[i], .dur = H, .t = t, .seconds = H, .cpu_req = 1, .cpu_use = 1,
                                   .cpu_alloc = 1, .ram_req = 4 * KT_GIB, .ram_use = 4 * KT_GIB,
                                   .ram_alloc = 4 * KT_GIB};
            ds_push_cfact(&d, &f);
        }
    }
    ds_link_namespaces(&d);
    settle(&d, H);
    kt_pricing *pr;
    kt_pricing_opts o = {NULL, "/nonexistent/kubetally-test"};
    kt_err err = {0};
    CHECK(pricing_load(&o, &pr, &err) == 0);
    kt_savings_params p;
    kt_savings_result r;
    savings_params_init(&p);
    CHECK(savings_all(&d, (kt_window){T0, T0 + 24 * H}, &p, &r, &err) == 0);
    CHECK(r.by_kind[SK_SPOT].count == 0); /* no prices, no candidates */
    savings_result_free(&r);
    p.pricing = pr;
    CHECK(savings_all(&d, (kt_window){T0, T0 + 24 * H}, &p, &r, &err) == 0);
    CHECK(r.by_kind[SK_SPOT].count == 1);
    const kt_saving *s = find(&r, SK_SPOT, "api");
    CHECK(s && fabs(s->monthly - 0.10 * (1 - 0.07104 / 0.192) * 730) < 1e-9);
    CHECK(s && fabs(s->detail - 2) < 1e-12);
    savings_result_free(&r);
    pricing_free(pr);
    ds_free(&d);
}

/* Abandoned workloads, listed per pod (Kubecost's abandonedWorkloads), on
 * one node of 4 cores / 16 GiB at 0.03 $/core-h + 0.005 $/GiB-h:
 *   - Deployment quiet: q-1 runs hours 0–11, then q-2 replaces it for
 *     hours 12–23; 0.1 core / 1 GiB requested, 0.002 core used; each hour
 *     24,000 B in and 12,000 B out.  Workload: 24 × 36,000 B / 86,400 s =
 *     10 B/s < 500, CPU 24 × 0.002 / 24 h = 0.002 < 0.01: abandoned.
 *     Cost 0.1 × 0.03 + 1 × 0.005 = 0.008 $/h; each pod 12 × 0.008 = 0.096,
 *     scaled by 730 / the workload's 24 h = 2.92 a month each, 5.84 both —
 *     the workload's 0.008 × 730, not twice it as per-pod rates would say.
 *     Per pod: in 24,000 / 3,600 = 6.667 B/s, out 3.333 B/s; allocation
 *     and requests 0.1 core / 1 GiB, usage 0.002 core / 0.5 GiB.
 *   - Deployment chatty: two replicas at once, each 1,080,000 B/h (300 B/s)
 *     and 0.0005 core: each pod is under 500 B/s but the workload's 600 B/s
 *     is not, so it is kept (one busy pair keeps a Deployment).
 *   - bare pod batch: no network facts at all: never judged abandoned. */
TEST(abandoned_per_pod)
{
    kt_dataset d;
    ds_init(&d);
    uint32_t cl = ds_add_cluster(&d, "c1", "aws", "us-east-1", "USD");
    uint32_t n = ds_add_node(&d, cl, "n1", "aws", "us-east-1", "a", "m5.xlarge", 0, 4, 16 * KT_GIB, 0);
    const char *team[] = {"team", "ops", NULL};
    uint32_t q1 = ds_add_pod(&d, cl, n, "ops", "q-1", "deployment", "quiet", team, NULL, NULL);
    uint32_t q2 = ds_add_pod(&d, cl, n, "ops", "q-2", "deployment", "quiet", team, NULL, NULL);
    uint32_t c1 = ds_add_pod(&d, cl, n, "ops", "c-1", "deployment", "chatty", NULL, NULL, NULL);
    uint32_t c2 = ds_add_pod(&d, cl, n, "ops", "c-2", "deployment", "chatty", NULL, NULL, NULL);
    uint32_t b = ds_add_pod(&d, cl, n, "ops", "batch", "", "", NULL, NULL, NULL);
    uint32_t cq1 = ds_add_container(&d, q1, "app"), cq2 = ds_add_container(&d, q2, "app");
    uint32_t cc1 = ds_add_container(&d, c1, "app"), cc2 = ds_add_container(&d, c2, "app");
    uint32_t cb = ds_add_container(&d, b, "job");
    for (int h = 0; h < 24; h++) {
        int64_t t = T0 + h * H;
        ds_node_fact nf = {.node = n, .dur = H, .t = t, .hours = 1, .cpu_price = 0.03, .ram_price = 0.005,
                           .hourly = 0.20};
        ds_push_nfact(&d, &nf);
        uint32_t cq = h < 12 ? cq1 : cq2, pq = h < 12 ? q1 : q2;
        uint32_t cs[4] = {cq, cc1, cc2, cb};
        double use[4] = {0.002, 0.0005, 0.0005, 0};
        for (int i = 0; i < 4; i++) {
            ds_container_fact f = {.container = cs[i], .dur = H, .t = t, .seconds = H, .cpu_req = 0.1,
                                   .cpu_use = use[i], .cpu_alloc = 0.1, .ram_req = KT_GIB, .ram_use = KT_GIB / 2,
                                   .ram_alloc = KT_GIB};
            ds_push_cfact(&d, &f);
        }
        ds_network_fact nq = {.pod = pq, .dur = H, .t = t, .tx_zone = 12000, .rx_bytes = 24000};
        ds_network_fact n1 = {.pod = c1, .dur = H, .t = t, .tx_zone = 540000, .rx_bytes = 540000};
        ds_network_fact n2 = {.pod = c2, .dur = H, .t = t, .tx_zone = 540000, .rx_bytes = 540000};
        ds_push_netfact(&d, &nq), ds_push_netfact(&d, &n1), ds_push_netfact(&d, &n2);
    }
    ds_link_namespaces(&d);
    settle(&d, H);
    kt_ab_params p = {500, 0.01, NULL};
    kt_ab_result r;
    kt_err err = {0};
    CHECK(savings_abandoned(&d, &p, &r, &err) == 0);
    CHECK(r.n == 2);
    CHECK_NEAR(r.total, 0.008 * 730, 1e-9);
    for (size_t i = 0; i < r.n && r.n == 2; i++) {
        const kt_ab_pod *x = &r.items[i];
        CHECK_STR(x->pod, i == 0 ? "q-1" : "q-2"); /* equal savings: by name */
        CHECK_STR(x->owner, "quiet");
        CHECK_STR(x->owner_kind, "deployment");
        CHECK_STR(x->node, "n1");
        CHECK_STR(x->team, "ops");
        CHECK_NEAR(x->monthly, 0.096 * 730 / 24, 1e-9); /* 2.92 */
        CHECK_NEAR(x->ingress_bps, 24000.0 / 3600, 1e-9);
        CHECK_NEAR(x->egress_bps, 12000.0 / 3600, 1e-9);
        CHECK_NEAR(x->workload_bps, 10, 1e-9);
        CHECK_NEAR(x->alloc_cpu, 0.1, 1e-9);
        CHECK_NEAR(x->req_cpu, 0.1, 1e-9);
        CHECK_NEAR(x->use_cpu, 0.002, 1e-9);
        CHECK_NEAR(x->req_ram, KT_GIB, 1e-9);
        CHECK_NEAR(x->use_ram, KT_GIB / 2, 1e-9);
    }
    ab_result_free(&r);
    /* at a 700 B/s threshold chatty (600 B/s) goes too: 2 pods × 0.008 × 730 more */
    p.bytes_per_s = 700;
    CHECK(savings_abandoned(&d, &p, &r, &err) == 0);
    CHECK(r.n == 4);
    CHECK_NEAR(r.total, 3 * 0.008 * 730, 1e-9);
    ab_result_free(&r);
    /* near-zero CPU at 0.0015 cores: quiet (0.002) is too busy; chatty (2 × 0.0005 = 0.001) is not */
    p.cpu_cores = 0.0015;
    CHECK(savings_abandoned(&d, &p, &r, &err) == 0);
    CHECK(r.n == 2 && !strcmp(r.items[0].owner, "chatty") && !strcmp(r.items[1].owner, "chatty"));
    CHECK_NEAR(r.total, 2 * 0.008 * 730, 1e-9);
    ab_result_free(&r);
    /* the summary: one item per workload, the pods' sum */
    kt_savings_params sp;
    kt_savings_result s;
    savings_params_init(&sp);
    CHECK(savings_all(&d, (kt_window){T0, T0 + 24 * H}, &sp, &s, &err) == 0);
    CHECK(s.by_kind[SK_ABANDONED].count == 1);
    CHECK_NEAR(s.by_kind[SK_ABANDONED].monthly, 5.84, 1e-9);
    savings_result_free(&s);
    ds_free(&d);
}

static const char *get_kv(void *ctx, const char *name)
{
    return kv_get(ctx, name);
}

/* days (Kubecost's) or window, never both; whole days; threshold ≥ 0 */
TEST(abandoned_params)
{
    kt_window w;
    kt_ab_params p;
    kt_err err = {0};
    int64_t now = T0 + 10 * H + 1800; /* 10:30 */
    kv ok = {{"days", "threshold", "cpuThreshold"}, {"2", "100", "0.5"}, 3};
    CHECK(ab_params_parse(get_kv, &ok, now, &w, &p, &err) == 0);
    CHECK(w.end - w.start == 2 * 86400 && p.bytes_per_s == 100 && p.cpu_cores == 0.5);
    kv frac = {{"days"}, {"2.5"}, 1}, both = {{"days", "window"}, {"2", "7d"}, 2}, neg = {{"threshold"}, {"-1"}, 1};
    CHECK(ab_params_parse(get_kv, &frac, now, &w, &p, &err) == -1 && strstr(err.msg, "days"));
    CHECK(ab_params_parse(get_kv, &both, now, &w, &p, &err) == -1 && strstr(err.msg, "not both"));
    CHECK(ab_params_parse(get_kv, &neg, now, &w, &p, &err) == -1 && strstr(err.msg, "threshold"));
    kv none = {{0}, {0}, 0};
    CHECK(ab_params_parse(get_kv, &none, now, &w, &p, &err) == 0);
    CHECK(w.end - w.start == 7 * 86400 && p.bytes_per_s == 500 && p.cpu_cores == 0.01);
}

int main(void)
{
    build();
    RUN(every_kind);
    RUN(spot_candidates);
    RUN(abandoned_per_pod);
    RUN(abandoned_params);
    ds_free(&ds);
    return check_done();
}

/* test_engine_allocation.c — the allocation engine against costs worked out
 * by hand for a small cluster: two busy nodes (one spot), an empty node,
 * three pods (one over its request, one starting half-way through an hour),
 * a volume shared by two pods, a load balancer and an EKS fee. */
#include "check.h"
#include "engine/allocation.h"
#include "engine/engine.h"
#include "engine/alloc_internal.h"
#include "pricing/node_split.h"
#include "store/settle.h"

#define T0 1767225600 /* 2026-01-01T00:00:00Z */
#define H 3600

static kt_dataset ds;
static uint32_t c_p1, c_p2, c_p3;

static void node_fact(uint32_t node, int64_t t, double cpu, double ram)
{
    ds_node_fact f = {.node = node, .dur = H, .t = t, .hours = 1, .cpu_price = cpu, .ram_price = ram};
    ds_push_nfact(&ds, &f);
}

static void cfact(uint32_t c, int64_t t, double secs, double req, double use, double ram_gib)
{
    double h = secs / H;
    ds_container_fact f = {.container = c, .dur = H, .t = t, .seconds = secs, .cpu_req = req * h,
                           .cpu_use = use * h, .cpu_alloc = (use > req ? use : req) * h,
                           .ram_req = ram_gib * KT_GIB * h, .ram_use = ram_gib * KT_GIB * h,
                           .ram_alloc = ram_gib * KT_GIB * h};
    ds_push_cfact(&ds, &f);
}

static void build(void)
{
    ds_init(&ds);
    uint32_t cl = ds_add_cluster(&ds, "c1", "aws", "us-east-1", "USD");
    /* A: 4 cores, 16 GiB at 0.03/core-h + 0.005/GiB-h = 0.20/h
     * B (spot): 2 cores, 8 GiB at 0.01 + 0.0025 = 0.04/h
     * C (empty): 2 cores, 4 GiB at 0.02 + 0.005 = 0.06/h */
    uint32_t a = ds_add_node(&ds, cl, "a", "aws", "us-east-1", "us-east-1a", "m5.xlarge", 0, 4, 16 * KT_GIB, 0);
    uint32_t b = ds_add_node(&ds, cl, "b", "aws", "us-east-1", "us-east-1b", "m5.large", 1, 2, 8 * KT_GIB, 0);
    uint32_t c = ds_add_node(&ds, cl, "c", "aws", "us-east-1", "us-east-1c", "c5.large", 0, 2, 4 * KT_GIB, 0);
    for (int64_t t = T0; t < T0 + 2 * H; t += H) {
        node_fact(a, t, 0.03, 0.005);
        node_fact(b, t, 0.01, 0.0025);
        node_fact(c, t, 0.02, 0.005);
    }
    const char *lw[] = {"app", "web", "team", "shop", NULL}, *ldb[] = {"app", "db", NULL};
    uint32_t p1 = ds_add_pod(&ds, cl, a, "web", "web-1", "deployment", "web", lw, NULL, NULL);
    uint32_t p2 = ds_add_pod(&ds, cl, a, "web", "web-2", "deployment", "web", lw, NULL, NULL);
    uint32_t p3 = ds_add_pod(&ds, cl, b, "db", "db-0", "statefulset", "db", ldb, NULL, NULL);
    c_p1 = ds_add_container(&ds, p1, "app");
    c_p2 = ds_add_container(&ds, p2, "app");
    c_p3 = ds_add_container(&ds, p3, "postgres");
    /* p1: request 1 core / 2 GiB, uses 0.5 core, both hours */
    cfact(c_p1, T0, H, 1, 0.5, 2);
    cfact(c_p1, T0 + H, H, 1, 0.5, 2);
    /* p2: request 0.5 core / 1 GiB, uses 1.5 cores; starts at 00:30 */
    cfact(c_p2, T0, 1800, 0.5, 1.5, 1);
    cfact(c_p2, T0 + H, H, 0.5, 1.5, 1);
    /* p3: request = usage = 1 core / 4 GiB, both hours */
    cfact(c_p3, T0, H, 1, 1, 4);
    cfact(c_p3, T0 + H, H, 1, 1, 4);
    /* volume: 10 GiB at 0.10/GiB-month; hour 1 shared by p1 and p3,
     * hour 2 mounted by p1 for half of it */
    uint32_t v = ds_add_volume(&ds, cl, "pv-1", "gp3", "web", "data");
    for (int64_t t = T0; t < T0 + 2 * H; t += H) {
        ds_volume_fact vf = {.volume = v, .dur = H, .t = t, .hours = 1, .bytes = 10 * KT_GIB, .price_gib_hour = 0.1 / 730};
        ds_push_vfact(&ds, &vf);
    }
    ds_pod_volume_fact pv1 = {p1, v, H, T0, 0.5, 0}, pv3 = {p3, v, H, T0, 0.5, 0}, pv1b = {p1, v, H, T0 + H, 0.5, 0};
    ds_push_pvfact(&ds, &pv1), ds_push_pvfact(&ds, &pv3), ds_push_pvfact(&ds, &pv1b);
    /* load balancer 0.025/h; hour 1 all p1, hour 2 split p1/p2 */
    uint32_t lb = ds_add_lb(&ds, cl, "web", "web-lb");
    for (int64_t t = T0; t < T0 + 2 * H; t += H) {
        ds_lb_fact lf = {.lb = lb, .dur = H, .t = t, .hours = 1, .hourly = 0.025};
        ds_push_lbfact(&ds, &lf);
    }
    ds_pod_lb_fact l1 = {p1, lb, H, T0, 1.0, 0}, l2 = {p1, lb, H, T0 + H, 0.5, 0}, l3 = {p2, lb, H, T0 + H, 0.5, 0};
    ds_push_plbfact(&ds, &l1), ds_push_plbfact(&ds, &l2), ds_push_plbfact(&ds, &l3);
    /* EKS fee 0.10/h */
    for (int64_t t = T0; t < T0 + 2 * H; t += H) {
        ds_fee_fact ff = {.cluster = cl, .dur = H, .t = t, .hours = 1, .hourly = 0.10};
        ds_push_feefact(&ds, &ff);
    }
    ds_link_namespaces(&ds);
    settle(&ds, H); /* what store_load does to hourly rows */
}

static const kt_alloc *find(const kt_alloc_set *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->items[i].name, name))
            return &s->items[i];
    return NULL;
}

static double set_total(const kt_alloc_set *s)
{
    double t = 0;
    for (size_t i = 0; i < s->n; i++)
        t += alloc_total(&s->items[i]);
    return t;
}

static kt_alloc_result run(const char *agg, void (*tweak)(kt_alloc_query *))
{
    kt_alloc_query q;
    kt_alloc_result r;
    kt_err err = {0};
    alloc_query_init(&q);
    q.window = (kt_window){T0, T0 + 2 * H};
    q.now = T0 + 2 * H;
    aggregate_parse(agg, &q.agg, &err);
    if (tweak)
        tweak(&q);
    int rc = alloc_compute(&ds, &q, &r, &err);
    CHECK(rc == 0);
    return r;
}

/* Assets: nodes 2h × (0.20 + 0.04 + 0.06) = 0.60; volume 2h × 10 GiB ×
 * 0.1/730 = 2/730; LB 2 × 0.025 = 0.05; fee 2 × 0.10 = 0.20. */
static const double ASSETS = 0.60 + 2.0 / 730 + 0.05 + 0.20;

TEST(by_container_costs)
{
    kt_alloc_result r = run("", NULL);
    const kt_alloc_set *s = &r.sets[0];
    CHECK_NEAR(s->assets_cost, ASSETS, 1e-12);
    const kt_alloc *p1 = find(s, "c1/a/web/web-1/app"), *p2 = find(s, "c1/a/web/web-2/app");
    const kt_alloc *p3 = find(s, "c1/b/db/db-0/postgres");
    CHECK(p1 && p2 && p3);
    if (!p1 || !p2 || !p3) return;
    /* p1 cpu: max(1, 0.5) × 2 h = 2 core-h × 0.03 = 0.06; ram 2 GiB × 2 h × 0.005 = 0.02 */
    CHECK_NEAR(p1->cpu_core_hours, 2, 1e-12);
    CHECK_NEAR(p1->cpu_cost, 0.06, 1e-12);
    CHECK_NEAR(p1->ram_cost, 0.02, 1e-12);
    /* p1 pv: 0.5 h + 0.5 h of 10 GiB × 0.1/730 = 1/730; lb: 1.5 h × 0.025 = 0.0375 */
    CHECK_NEAR(p1->pv_cost, 1.0 / 730, 1e-12);
    CHECK_NEAR(p1->pv_byte_hours, 10 * KT_GIB, 1e-6);
    CHECK_NEAR(p1->lb_cost, 0.0375, 1e-12);
    /* p2 cpu uses more than it asks: 0.5 h × 1.5 + 1 h × 1.5 = 2.25 core-h × 0.03 = 0.0675;
     * ram 1 GiB × 1.5 h × 0.005 = 0.0075; lb 0.5 h × 0.025 = 0.0125 */
    CHECK_NEAR(p2->cpu_core_hours, 2.25, 1e-12);
    CHECK_NEAR(p2->cpu_cost, 0.0675, 1e-12);
    CHECK_NEAR(p2->ram_cost, 0.0075, 1e-12);
    CHECK_NEAR(p2->lb_cost, 0.0125, 1e-12);
    CHECK_NEAR(alloc_minutes(p2), 90, 1e-9);          /* started at 00:30 */
    CHECK_NEAR(alloc_cpu_efficiency(p2), 3.0, 1e-12); /* 2.25 used / 0.75 requested */
    /* p3 on the spot node: 2 core-h × 0.01 + 8 GiB-h × 0.0025 = 0.04; pv 0.5/730 */
    CHECK_NEAR(p3->cpu_cost + p3->ram_cost, 0.04, 1e-12);
    CHECK_NEAR(p3->pv_cost, 0.5 / 730, 1e-12);
    /* idle by cluster: cpu (0.24 + 0.04 + 0.08) − (0.06 + 0.0675 + 0.02) = 0.2125;
     * ram (0.16 + 0.04 + 0.04) − (0.02 + 0.0075 + 0.02) = 0.1925 */
    const kt_alloc *idle = find(s, "c1/__idle__");
    CHECK(idle != NULL);
    if (idle) {
        CHECK_NEAR(idle->cpu_cost, 0.2125, 1e-12);
        CHECK_NEAR(idle->ram_cost, 0.1925, 1e-12);
    }
    const kt_alloc *unm = find(s, "c1/__unmounted__");
    CHECK(unm != NULL);
    if (unm) CHECK_NEAR(unm->pv_cost, 0.5 / 730, 1e-12); /* the half hour nobody mounted */
    /* fee 0.10/h shared hour by hour by compute cost (cpu+ram+gpu):
     * hour 1: p1 0.03+0.01, p2 0.75×0.03+0.5×0.005 = 0.025, p3 0.02 → 0.085;
     * hour 2: p1 0.04, p2 0.045+0.005 = 0.05, p3 0.02 → 0.11 */
    CHECK_NEAR(p1->shared_cost, 0.10 * 0.04 / 0.085 + 0.10 * 0.04 / 0.11, 1e-12);
    CHECK_NEAR(p2->shared_cost, 0.10 * 0.025 / 0.085 + 0.10 * 0.05 / 0.11, 1e-12);
    CHECK_NEAR(set_total(s), ASSETS, 1e-12 * ASSETS);
    alloc_result_free(&r);
}

TEST(by_namespace_conserves)
{
    kt_alloc_result r = run("namespace", NULL);
    const kt_alloc_set *s = &r.sets[0];
    const kt_alloc *web = find(s, "web"), *db = find(s, "db");
    CHECK(web && db && find(s, "__idle__") && find(s, "__unmounted__"));
    if (web) {
        CHECK_NEAR(web->cpu_cost, 0.06 + 0.0675, 1e-12);
        CHECK(web->pod == 0);                                    /* two pods: not shared */
        CHECK_STR(strtab_get(&ds.strs, web->namespace_), "web"); /* shared by both */
        CHECK(web->n_labels == 2);                               /* app=web, team=shop */
    }
    CHECK_NEAR(set_total(s), ASSETS, 1e-9);
    alloc_result_free(&r);
}

static void share_idle(kt_alloc_query *q) { q->share_idle = 1; }

TEST(share_idle_by_resource_cost)
{
    kt_alloc_result r = run("namespace", share_idle);
    const kt_alloc_set *s = &r.sets[0];
    const kt_alloc *db = find(s, "db");
    CHECK(find(s, "__idle__") == NULL);
    /* db's cpu share of cluster idle, hour by hour: cpu capacity 0.12 + 0.02 +
     * 0.04 = 0.18/h; hour 1 allocated 0.03 + 0.0225 + 0.01 = 0.0625, idle
     * 0.1175, db's share 0.1175 × 0.01/0.0625; hour 2 allocated 0.085, idle
     * 0.095, db's share 0.095 × 0.01/0.085 */
    if (db) CHECK_NEAR(db->cpu_cost_idle, 0.1175 * 0.01 / 0.0625 + 0.095 * 0.01 / 0.085, 1e-12);
    CHECK_NEAR(set_total(s), ASSETS, 1e-9);
    alloc_result_free(&r);
}

static void idle_by_node(kt_alloc_query *q) { q->idle_by_node = 1; }

TEST(idle_by_node_keeps_empty_node)
{
    kt_alloc_result r = run("node", idle_by_node);
    const kt_alloc_set *s = &r.sets[0];
    /* node c is empty: its whole 0.12 is idle */
    const kt_alloc *c = find(s, "c/__idle__");
    CHECK(c != NULL);
    if (c) CHECK_NEAR(c->cpu_cost + c->ram_cost, 0.12, 1e-12);
    CHECK_NEAR(set_total(s), ASSETS, 1e-9);
    alloc_result_free(&r);
}

static void share_db(kt_alloc_query *q) { q->share_namespaces = "db"; q->share_cost_monthly = 730; q->share_even = 1; }

TEST(shared_namespace_and_fixed_cost)
{
    kt_alloc_result r = run("namespace", share_db);
    const kt_alloc_set *s = &r.sets[0];
    CHECK(find(s, "db") == NULL);
    /* 730 per 730 h over 2 h = 2.0 external, all to web (the only row) */
    CHECK_NEAR(s->external_cost, 2.0, 1e-12);
    const kt_alloc *web = find(s, "web");
    if (web) CHECK(web->shared_cost > 2.0);
    CHECK_NEAR(set_total(s), ASSETS + 2.0, 1e-9);
    alloc_result_free(&r);
}

static void hourly_steps(kt_alloc_query *q) { q->step = H; }

TEST(steps_sum_to_window)
{
    kt_alloc_result whole = run("namespace", NULL), steps = run("namespace", hourly_steps);
    CHECK(steps.n == 2);
    double a = find(&whole.sets[0], "web")->cpu_cost;
    double b = find(&steps.sets[0], "web")->cpu_cost + find(&steps.sets[1], "web")->cpu_cost;
    CHECK_NEAR(a, b, 1e-12);
    for (size_t i = 0; i < steps.n; i++)
        CHECK_NEAR(set_total(&steps.sets[i]), steps.sets[i].assets_cost, 1e-9);
    alloc_result_free(&whole);
    alloc_result_free(&steps);
}

static void filter_web(kt_alloc_query *q)
{
    static kt_filter *f;
    kt_err err;
    filter_parse("namespace:\"web\" + label[app]:\"web\"", &f, &err);
    q->filter = f;
}

TEST(filter_drops_others)
{
    kt_alloc_result r = run("pod", filter_web);
    const kt_alloc_set *s = &r.sets[0];
    CHECK(find(s, "web-1") && find(s, "web-2") && !find(s, "db-0"));
    CHECK(find(s, "__idle__") == NULL); /* idle has no namespace: filtered out */
    alloc_result_free(&r);
}

/* One node-hour by itself: node `cores` at 0.04/core-h, containers {req, use}. */
static kt_alloc_result one_node(double cores, int n, const double (*ru)[2], kt_dataset *d)
{
    kt_dataset save = ds;
    ds_init(&ds);
    uint32_t cl = ds_add_cluster(&ds, "c2", "gcp", "europe-west1", "USD");
    uint32_t nd = ds_add_node(&ds, cl, "n", "gcp", "europe-west1", "b", "e2-small", 0, cores, 1 * KT_GIB, 0);
    node_fact(nd, T0, 0.04, 0.0);
    for (int i = 0; i < n; i++) {
        char name[8] = {'x', (char)('a' + i), 0};
        uint32_t p = ds_add_pod(&ds, cl, nd, "x", name, "", "", NULL, NULL, NULL);
        cfact(ds_add_container(&ds, p, name), T0, H, ru[i][0], ru[i][1], 0);
    }
    ds_link_namespaces(&ds);
    settle(&ds, H);
    kt_alloc_query qq;
    kt_alloc_result r;
    alloc_query_init(&qq);
    qq.window = (kt_window){T0, T0 + H};
    aggregate_parse("pod", &qq.agg, NULL);
    kt_err err;
    CHECK(alloc_compute(&ds, &qq, &r, &err) == 0);
    *d = ds;
    ds = save;
    return r;
}

TEST(usage_above_request_is_paid_from_unrequested_capacity)
{
    kt_dataset d;
    /* 1 core, requests .75 + .25 fill it: b's excess (.75 − .25) finds no
     * free capacity.  a pays .75 × 0.04 = 0.03, b .25 × 0.04 = 0.01, idle 0. */
    const double full[][2] = {{0.75, 0.2}, {0.25, 0.75}};
    kt_alloc_result r = one_node(1, 2, full, &d);
    CHECK_NEAR(find(&r.sets[0], "xa")->cpu_cost, 0.03, 1e-15);
    CHECK_NEAR(find(&r.sets[0], "xb")->cpu_cost, 0.01, 1e-15);
    CHECK_NEAR(find(&r.sets[0], "xb")->cpu_core_hours, 0.25, 1e-15);
    CHECK(find(&r.sets[0], "__idle__") == NULL);
    CHECK_NEAR(set_total(&r.sets[0]), 0.04, 1e-15);
    alloc_result_free(&r), ds_free(&d);
    /* 2 cores: R = .75 + .25 + .25 = 1.25, free .75; excesses b .5, c 1.0
     * (E = 1.5) are scaled by .75/1.5 = .5: b pays .25 + .25 = .5 core-h,
     * c .25 + .5 = .75; a .75.  Σ 2.0 = the node: idle 0, nothing over. */
    const double over[][2] = {{0.75, 0.2}, {0.25, 0.75}, {0.25, 1.25}};
    r = one_node(2, 3, over, &d);
    CHECK_NEAR(find(&r.sets[0], "xb")->cpu_core_hours, 0.5, 1e-15);
    CHECK_NEAR(find(&r.sets[0], "xc")->cpu_core_hours, 0.75, 1e-15);
    CHECK_NEAR(find(&r.sets[0], "xc")->cpu_cost, 0.75 * 0.04, 1e-15);
    CHECK_NEAR(find(&r.sets[0], "xa")->cpu_cost, 0.75 * 0.04, 1e-15);
    CHECK(find(&r.sets[0], "__idle__") == NULL);
    CHECK_NEAR(set_total(&r.sets[0]), 0.08, 1e-15);
    alloc_result_free(&r), ds_free(&d);
    /* requests alone above capacity (1 core, 1 + 1): each pays half */
    const double req[][2] = {{1, 0}, {1, 0}};
    r = one_node(1, 2, req, &d);
    CHECK_NEAR(find(&r.sets[0], "xa")->cpu_cost, 0.02, 1e-15);
    CHECK_NEAR(find(&r.sets[0], "xb")->cpu_cost, 0.02, 1e-15);
    alloc_result_free(&r), ds_free(&d);
    /* room for every excess: 4 cores, b's .5 excess paid in full, idle the rest:
     * a .75 + b .75 = 1.5 core-h; idle 2.5 × 0.04 = 0.10 */
    r = one_node(4, 2, full, &d);
    CHECK_NEAR(find(&r.sets[0], "xb")->cpu_core_hours, 0.75, 1e-15);
    const kt_alloc *idle = find(&r.sets[0], "__idle__");
    CHECK(idle != NULL);
    if (idle) CHECK_NEAR(idle->cpu_cost, 0.10, 1e-15);
    alloc_result_free(&r), ds_free(&d);
}

TEST(node_price_split_matches_opencost_rule)
{
    /* m5.xlarge $0.192: ramPrice = 0.192 / (4 × 0.031611/0.004237 + 16) */
    kt_rates r = kt_split_node_price(0.192, 4, 16 * KT_GIB, 0, kt_default_rates());
    double ram = 0.192 / (4 * (0.031611 / 0.004237) + 16);
    CHECK_NEAR(r.ram, ram, 1e-15);
    CHECK_NEAR(r.cpu, ram * 0.031611 / 0.004237, 1e-15);
    CHECK_NEAR(4 * r.cpu + 16 * r.ram, 0.192, 1e-15);
}

/* Running time of facts shorter than their span: an hour fact from 00:30
 * starts late; a daily roll-up of a pod that ran 3 h (or a day not over
 * yet) must keep its 180 minutes, not cross its start and end. */
TEST(span_of_partial_facts)
{
    const int64_t day = 1795478400; /* 2026-11-24T00:00:00Z */
    kt_alloc a = {.start = INT64_MAX, .end = INT64_MIN};
    alloc_span(&a, day, 3600, 1800, day, day + 86400);    /* half an hour: start and end meet at 00:30 */
    CHECK(a.start == day + 1800 && a.end == day + 1800);
    CHECK_NEAR(alloc_minutes(&a), 30, 1e-12);
    kt_alloc d = {.start = INT64_MAX, .end = INT64_MIN};
    alloc_span(&d, day, 86400, 3 * 3600, day, day + 86400); /* 3 h in a daily row */
    CHECK(d.start <= d.end);
    CHECK_NEAR(alloc_minutes(&d), 180, 1e-12);
    kt_alloc f = {.start = INT64_MAX, .end = INT64_MIN};
    alloc_span(&f, day, 86400, 20 * 3600, day, day + 86400); /* 20 h: from 04:00 (late start), to 20:00 (early end) */
    CHECK(f.start == day + 4 * 3600 && f.end == day + 86400 - 4 * 3600);
    CHECK_NEAR(alloc_minutes(&f), 20 * 60, 1e-12);        /* never under the 20 h it ran (min_seconds) */
}

/* Issue 17: the answer's rows, bounded before computing.  The fleet has 6
 * container facts: web-1, web-2 and db-0, one per hour over 2 hours. */
TEST(estimate_before_computing)
{
    kt_alloc_query q;
    kt_err err = {0};
    alloc_query_init(&q);
    q.window = (kt_window){T0, T0 + 2 * H};
    aggregate_parse("pod,container", &q.agg, &err);
    q.step = H;
    CHECK(engine_estimate_rows(&ds, &q) == 6);  /* 3 containers × 2 hourly steps */
    q.step = 0;
    CHECK(engine_estimate_rows(&ds, &q) == 3);  /* one set: 3 containers */
    q.step = H;
    q.window = (kt_window){T0 + H, T0 + 2 * H};
    CHECK(engine_estimate_rows(&ds, &q) == 3);  /* the second hour only */
    q.window = (kt_window){T0, T0 + 2 * H};
    aggregate_parse("namespace", &q.agg, &err);
    CHECK(engine_estimate_rows(&ds, &q) == 0);  /* coarse: not estimated, bounded after computing */
    aggregate_parse("", &q.agg, &err);
    CHECK(engine_estimate_rows(&ds, &q) == 6);  /* no aggregate: per container */
    /* and the true answer never has more non-idle rows than the estimate */
    aggregate_parse("pod,container", &q.agg, &err);
    kt_alloc_result r;
    q.now = T0 + 2 * H;
    CHECK(alloc_compute(&ds, &q, &r, &err) == 0);
    size_t rows = 0;
    for (size_t i = 0; i < r.n; i++)
        for (size_t j = 0; j < r.sets[i].n; j++)
            rows += r.sets[i].items[j].kind == AK_NORMAL;
    CHECK(rows == 6); /* every container ran in both hours: the bound is exact here */
    alloc_result_free(&r);
}

int main(void)
{
    build();
    RUN(estimate_before_computing);
    RUN(by_container_costs);
    RUN(span_of_partial_facts);
    RUN(by_namespace_conserves);
    RUN(share_idle_by_resource_cost);
    RUN(idle_by_node_keeps_empty_node);
    RUN(shared_namespace_and_fixed_cost);
    RUN(steps_sum_to_window);
    RUN(filter_drops_others);
    RUN(usage_above_request_is_paid_from_unrequested_capacity);
    RUN(node_price_split_matches_opencost_rule);
    ds_free(&ds);
    return check_done();
}

/* test_bills_reconcile_daily.c — a bill for a day past hourly retention is
 * applied to the day's daily rows: node and allocation costs follow the
 * bill, idle and the cluster fee are re-shared, everything is conserved to
 * 1e-9, a disk and its pod follow the same way, the day file is renewed,
 * a restated bill (or a reprice) restores from the recorded estimate
 * first, and the numbers equal those of the same day reconciled while its
 * hours were still stored.
 * With KUBETALLY_TEST_PG=postgresql://… every test runs again on a fresh
 * PostgreSQL database (the same computation, bills_daily.c, behind its
 * bill ops), with the same hand-computed numbers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bills/import.h"
#include "check.h"
#include "engine_probe.h"
#include "pg_fresh.h"
#include "engine/engine.h"
#include "store/store.h"

#define GIB 1073741824.0
static const int64_t D = 1767225600; /* 2026-01-01T00:00:00Z */
static char dir[64];
static const char *pg; /* KUBETALLY_TEST_PG on the second round, else NULL */

/* Cluster "prod" (aws, USD), two days D and D+1, every hour alike:
 *   n1 (i-0aaa), n2 (i-0bbb): 4 cores, 16 GiB, 0.03 $/core-h + 0.005 $/GiB-h
 *     = 0.12 + 0.08 = 0.20 $/h → 4.80 a day each (CPU 2.88, RAM 1.92);
 *   EKS fee 0.10 $/h → 2.40 a day;
 *   shop/web-1 on n1 requests 2 cores, 8 GiB: CPU 1.44 + RAM 0.96 = 2.40 a day;
 *   pay/api-1  on n2 requests 1 core, 4 GiB:  CPU 0.72 + RAM 0.48 = 1.20 a day.
 * pruned: hourly retention 1 day, pruned at D+3: only daily rows are left. */
static kt_store *fleet_v(const char *name, int pruned, int volume)
{
    char url[600], db[64];
    snprintf(db, sizeof db, "kt_test_billsd_%s", name);
    if (pg)
        CHECK(pg_fresh(pg, db, url, sizeof url) == 0);
    else
        snprintf(url, sizeof url, "sqlite:%s/%s.db", dir, name);
    kt_store *s;
    kt_err err = {0};
    CHECK(store_open(url, KT_STORE_CREATE, &s, &err) == 0);
    int64_t cid, n[2], pod[2], ctr[2];
    CHECK(store_begin(s, &err) == 0);
    kt_cluster_rec c = {"prod", "aws", "us-east-1", "USD", "test"};
    store_put_cluster(s, &c, &cid, &err);
    static const char *const pid[2] = {"aws:///us-east-1a/i-0aaa", "aws:///us-east-1b/i-0bbb"};
    static const char *const ns[2] = {"shop", "pay"}, *const pods[2] = {"web-1", "api-1"};
    for (int i = 0; i < 2; i++) {
        char nn[16];
        snprintf(nn, sizeof nn, "n%d", i + 1);
        kt_node_rec r = {.cluster_id = cid, .name = nn, .provider = "aws", .region = "us-east-1",
                         .instance_type = "m5.xlarge", .provider_id = pid[i], .cpu_cores = 4, .ram_bytes = 16 * GIB};
        store_put_node(s, &r, &n[i], &err);
        kt_pod_rec p = {.cluster_id = cid, .node_id = n[i], .namespace = ns[i], .name = pods[i], .uid = pods[i],
                        .controller_kind = "", .controller = ""};
        store_put_pod(s, &p, &pod[i], &err);
        store_put_container(s, pod[i], "app", &ctr[i], &err);
    }
    int64_t vid = 0;
    if (volume) {
        kt_volume_rec v = {cid, "pv1", "gp3", "shop", "data", "aws://us-east-1a/vol-0ccc", "gp3"};
        store_put_volume(s, &v, &vid, &err);
    }
    for (int h = 0; h < 48; h++) {
        int64_t t = D + h * 3600;
        kt_fee_hour fee = {cid, t, 1.0, 0.10, "eks"};
        CHECK(store_put_fee_hour(s, &fee, &err) == 0);
        kt_volume_hour vh = {vid, t, 1.0, 100 * GIB, 0.1 / 730, "catalog"};
        kt_pod_volume_hour pv = {pod[0], vid, t, 0.5};
        CHECK(!volume || (store_put_volume_hour(s, &vh, &err) == 0 && store_put_pod_volume_hour(s, &pv, &err) == 0));
        for (int i = 0; i < 2; i++) {
            double cores = i ? 1 : 2, ram = (i ? 4 : 8) * GIB;
            kt_node_hour x = {n[i], t, 1.0, 0.03, 0.005, 0, 0.20, "catalog"};
            kt_container_hour ch = {ctr[i], t, 3600, cores, cores, cores, ram, ram, ram, 0, cores, ram, 0};
            CHECK(store_put_node_hour(s, &x, &err) == 0 && store_put_container_hour(s, &ch, &err) == 0);
        }
    }
    CHECK(store_commit(s, &err) == 0);
    if (pruned) {
        kt_retention r = {1, 1095};
        CHECK(store_set_retention(s, &r, &err) == 0 && store_prune(s, D + 3 * 86400, &err) == 0);
    }
    return s;
}

static kt_store *fleet(const char *name, int pruned) { return fleet_v(name, pruned, 0); }

#define HDR "BillingAccountId,SubAccountId,ProviderName,ServiceName,ServiceCategory,RegionId,ResourceId," \
            "ChargeCategory,BillingCurrency,BillingPeriodStart,ChargePeriodStart,ChargePeriodEnd,ListCost," \
            "BilledCost,EffectiveCost\n"
#define PERIOD ",USD,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z,2026-01-02T00:00:00Z,"

static int import(kt_store *s, const char *name, const char *body, kt_bill_import_result *r)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(HDR, f);
    fputs(body, f);
    fclose(f);
    const char *paths[] = {path};
    kt_bill_import_opts o = {paths, 1, KT_METRIC_EFFECTIVE, NULL, NULL};
    kt_err err = {0};
    int rc = bill_import(s, &o, r, &err);
    if (rc)
        fprintf(stderr, "import: %s\n", err.msg);
    return rc;
}

enum { IDLE_APART, IDLE_BY_CLUSTER, IDLE_BY_NODE };

/* Total cost of namespace `name` over [day, day+1d) (sum of all rows with
 * name NULL), idle shared as asked, fees shared (the default). */
static double ns_cost(kt_store *s, int64_t day, const char *name, int idle)
{
    kt_ask q = {.kind = KT_ASK_ALLOCATION};
    alloc_query_init(&q.alloc);
    q.alloc.window = (kt_window){day, day + 86400}, q.alloc.now = D + 3 * 86400;
    q.alloc.share_idle = idle != IDLE_APART, q.alloc.idle_by_node = idle == IDLE_BY_NODE;
    kt_err err = {0};
    aggregate_parse("namespace", &q.alloc.agg, &err);
    return probe_alloc_total(s, &q, name);
}

static double node_cost(kt_store *s, const char *name, int64_t day)
{
    return probe_asset_cost(s, name, day);
}

static long day_gen(kt_store *s, int64_t day)
{
    char key[48], val[32];
    kt_err err = {0};
    snprintf(key, sizeof key, "day_gen:%lld", (long long)day);
    return store_get_meta(s, key, val, sizeof val, &err) == 1 ? atol(val) : 0;
}

/* The day's numbers, with every idle option; the conservation check: all
 * rows together = the assets (nodes + fee) of the day. */
static void expect_day(kt_store *s, int64_t day, double n1, double n2, const double shop[3], const double pay[3])
{
    CHECK_NEAR(node_cost(s, "/n1", day), n1, 1e-9);
    CHECK_NEAR(node_cost(s, "/n2", day), n2, 1e-9);
    for (int idle = 0; idle < 3; idle++) {
        CHECK_NEAR(ns_cost(s, day, "shop", idle), shop[idle], 1e-9);
        CHECK_NEAR(ns_cost(s, day, "pay", idle), pay[idle], 1e-9);
        double all = ns_cost(s, day, NULL, idle), assets = n1 + n2 + 2.40;
        CHECK_NEAR(all / assets, 1, 1e-9);
    }
}

/* Before any bill.  Apart: shop 2.40 + fee 2.40 × 2.40/3.60 = 1.60 → 4.00;
 * pay 1.20 + 0.80 = 2.00.  Idle by cluster: CPU idle (2.88 − 1.44) + (2.88
 * − 0.72) = 3.60 shared 1.44 : 0.72 → shop 2.40, pay 1.20; RAM idle 0.96 +
 * 1.44 = 2.40 shared 0.96 : 0.48 → shop 1.60, pay 0.80: shop 8.00, pay
 * 4.00.  By node: each takes its node's idle, 2.40 and 3.60: shop 6.40,
 * pay 5.60. */
static const double shop_est[3] = {4.00, 8.00, 6.40}, pay_est[3] = {2.00, 4.00, 5.60};

/* The bill for D: i-0aaa effective 3.00 (× 0.625), i-0bbb 2.40 (× 0.5).
 *   shop 2.40 × 0.625 = 1.50 (CPU 0.90, RAM 0.60); pay 1.20 × 0.5 = 0.60
 *   (CPU 0.36, RAM 0.24); fee by compute 1.50 : 0.60 → 1.714285714 and
 *   0.685714286.  Apart: shop 3.214285714, pay 1.285714286.
 *   By cluster: CPU idle (1.80 − 0.90) + (1.44 − 0.36) = 1.98, shared
 *   0.90 : 0.36 → 1.414285714, 0.565714286; RAM idle (1.20 − 0.60) +
 *   (0.96 − 0.24) = 1.32, shared 0.60 : 0.24 → 0.942857143, 0.377142857:
 *   shop 5.571428571, pay 2.228571429 (together 7.80 = 3.00 + 2.40 + 2.40).
 *   By node: shop + n1's idle 1.50 = 4.714285714; pay + 1.80 = 3.085714286. */
static const double shop_bill[3] = {1.50 + 2.40 * 1.5 / 2.1, 1.50 + 1.98 * 0.90 / 1.26 + 1.32 * 0.60 / 0.84 + 2.40 * 1.5 / 2.1,
                                    1.50 + 1.50 + 2.40 * 1.5 / 2.1};
static const double pay_bill[3] = {0.60 + 2.40 * 0.6 / 2.1, 0.60 + 1.98 * 0.36 / 1.26 + 1.32 * 0.24 / 0.84 + 2.40 * 0.6 / 2.1,
                                   0.60 + 1.80 + 2.40 * 0.6 / 2.1};

#define BILL_N1(eff) "1,11,AWS,Amazon EC2,Compute,us-east-1,i-0aaa,Usage" PERIOD "4.80,4.80," eff "\n"
#define BILL_N2(eff) "1,11,AWS,Amazon EC2,Compute,us-east-1,i-0bbb,Usage" PERIOD "4.80,4.80," eff "\n"
#define BILL_S3 "1,11,AWS,Amazon S3,Storage,us-east-1,bucket,Usage" PERIOD "1.00,1.00,1.00\n"

TEST(past_retention)
{
    kt_store *s = fleet("daily", 1);
    kt_bill_import_result r;
    long gen0 = day_gen(s, D);
    CHECK(pg || gen0 > 0); /* PostgreSQL keeps no day files */
    expect_day(s, D, 4.80, 4.80, shop_est, pay_est);

    CHECK(import(s, "b1.csv", BILL_N1("3.00") BILL_N2("2.40"), &r) == 0);
    CHECK(r.recon.reconciled == 2 && r.recon.restored == 0);
    CHECK_NEAR(r.recon.estimate, 9.60, 1e-9);
    CHECK_NEAR(r.recon.applied, 5.40, 1e-9);
    CHECK(pg || day_gen(s, D) > gen0);        /* the day file of D is stale: renewed */
    expect_day(s, D, 3.00, 2.40, shop_bill, pay_bill);
    expect_day(s, D + 86400, 4.80, 4.80, shop_est, pay_est); /* not on the bill */

    /* the same file again: nothing moves */
    CHECK(import(s, "b1.csv", BILL_N1("3.00") BILL_N2("2.40"), &r) == 0);
    expect_day(s, D, 3.00, 2.40, shop_bill, pay_bill);

    /* Restated: i-0aaa 3.60 (× 0.75 of the estimate, not of 3.00), i-0bbb
     * gone (its estimate back).  shop 1.80, pay 1.20; fee 1.80 : 1.20 →
     * 1.44, 0.96.  Apart: 3.24, 2.16. */
    CHECK(import(s, "b1.csv", BILL_N1("3.60"), &r) == 0);
    CHECK(r.recon.reconciled == 1 && r.recon.restored == 1);
    CHECK_NEAR(node_cost(s, "/n1", D), 3.60, 1e-9);
    CHECK_NEAR(node_cost(s, "/n2", D), 4.80, 1e-9);
    CHECK_NEAR(ns_cost(s, D, "shop", IDLE_APART), 3.24, 1e-9);
    CHECK_NEAR(ns_cost(s, D, "pay", IDLE_APART), 2.16, 1e-9);
    CHECK_NEAR(ns_cost(s, D, NULL, IDLE_BY_CLUSTER), 3.60 + 4.80 + 2.40, 1e-9);

    /* `kubetally reprice` over D rewrites no hours (there are none) and
     * applies the bill again: the record keeps the estimate 4.80, not 3.60
     * (the last expect_day below restores from it). */
    kt_err err = {0};
    kt_recon_stats rec;
    CHECK(store_begin(s, &err) == 0);
    CHECK(bill_reconcile_after_reprice(s, D, D + 86400, &rec, &err) == 0);
    CHECK(store_commit(s, &err) == 0);
    CHECK(rec.reconciled == 1);
    CHECK_NEAR(rec.estimate, 4.80, 1e-9);
    CHECK_NEAR(node_cost(s, "/n1", D), 3.60, 1e-9);

    /* Credits above usage: i-0aaa's day nets to -1.00 and is applied as 0;
     * a later restatement at 3.00 still finds the estimate (4.80 × 0.625). */
    CHECK(import(s, "b1.csv", BILL_N1("4.80") "1,11,AWS,Amazon EC2,Compute,us-east-1,i-0aaa,Credit" PERIOD
                 "-5.80,-5.80,-5.80\n", &r) == 0);
    CHECK(r.recon.reconciled == 1);
    CHECK_NEAR(r.recon.applied, 0, 1e-12);
    CHECK_NEAR(node_cost(s, "/n1", D), 0, 1e-9);
    CHECK_NEAR(ns_cost(s, D, "shop", IDLE_APART), 0, 1e-9); /* its cost and fee share: ~1e-12 of before */
    CHECK(import(s, "b1.csv", BILL_N1("3.00"), &r) == 0);
    CHECK_NEAR(node_cost(s, "/n1", D), 3.00, 1e-9);
    CHECK_NEAR(ns_cost(s, D, "shop", IDLE_APART), 1.50 + 2.40 * 1.5 / (1.5 + 1.2), 1e-9);

    /* A restatement naming neither node: the estimates exactly as before. */
    CHECK(import(s, "b1.csv", BILL_S3, &r) == 0);
    CHECK(r.recon.restored == 1);
    expect_day(s, D, 4.80, 4.80, shop_est, pay_est);
    store_close(s);
}

/* The same bill on the same day, once with its hours and once with its
 * daily rows only: the same money for every option. */
TEST(daily_equals_hourly)
{
    kt_store *h = fleet("hourly", 0), *d = fleet("daily2", 1);
    kt_bill_import_result r;
    CHECK(import(h, "b2.csv", BILL_N1("3.00") BILL_N2("2.40"), &r) == 0 && r.recon.reconciled == 2);
    CHECK(import(d, "b2.csv", BILL_N1("3.00") BILL_N2("2.40"), &r) == 0 && r.recon.reconciled == 2);
    expect_day(h, D, 3.00, 2.40, shop_bill, pay_bill);
    for (int idle = 0; idle < 3; idle++) {
        CHECK_NEAR(ns_cost(d, D, "shop", idle), ns_cost(h, D, "shop", idle), 1e-9);
        CHECK_NEAR(ns_cost(d, D, "pay", idle), ns_cost(h, D, "pay", idle), 1e-9);
        CHECK_NEAR(ns_cost(d, D, "__idle__", idle), ns_cost(h, D, "__idle__", idle), 1e-9);
    }
    /* a window over both days, cut at noon: the daily rows prorated */
    kt_ask q = {.kind = KT_ASK_ALLOCATION};
    alloc_query_init(&q.alloc);
    q.alloc.window = (kt_window){D + 43200, D + 86400 + 43200}, q.alloc.now = D + 3 * 86400;
    kt_err err = {0};
    aggregate_parse("cluster", &q.alloc.agg, &err);
    kt_engine_limits lim = {0};
    kt_answer a;
    double total = 0;
    CHECK(engine_ask(d, &q, 1, &lim, &a, &err) == 0);
    for (size_t i = 0; i < a.replies[0].alloc.sets[0].n; i++)
        total += alloc_total(&a.replies[0].alloc.sets[0].items[i]);
    engine_answer_free(&a);
    CHECK_NEAR(total, (3.00 + 2.40 + 2.40) / 2 + (4.80 + 4.80 + 2.40) / 2, 1e-9);
    store_close(h);
    store_close(d);
}

/* A disk past hourly retention: pv1, 100 GiB at 0.1 $/GiB-month (100 × 24 ×
 * 0.1/730 = 0.328767 a day), held half of every hour by shop/web-1, billed
 * 0.30 for D: the disk costs 0.30, shop's pvCost 0.15, __unmounted__ 0.15;
 * the nodes and fee keep their 4.80 + 4.80 + 2.40. */
TEST(volume_past_retention)
{
    kt_store *s = fleet_v("vol", 1, 1);
    kt_bill_import_result r;
    CHECK(import(s, "b3.csv", "1,11,AWS,Amazon EC2,Storage,us-east-1,arn:aws:ec2:us-east-1:11:volume/vol-0ccc,Usage"
                 PERIOD "0.33,0.30,0.30\n", &r) == 0);
    CHECK(r.recon.reconciled == 1);
    CHECK_NEAR(r.recon.estimate, 100 * 24 * 0.1 / 730, 1e-9);
    CHECK_NEAR(node_cost(s, "/pv1", D), 0.30, 1e-9);
    kt_ask q = {.kind = KT_ASK_ALLOCATION};
    alloc_query_init(&q.alloc);
    q.alloc.window = (kt_window){D, D + 86400}, q.alloc.now = D + 3 * 86400;
    kt_err err = {0};
    aggregate_parse("namespace", &q.alloc.agg, &err);
    kt_engine_limits lim = {0};
    kt_answer a;
    CHECK(engine_ask(s, &q, 1, &lim, &a, &err) == 0);
    double shop_pv = -1, unmounted = -1, all = 0;
    for (size_t i = 0; i < a.replies[0].alloc.sets[0].n; i++) {
        const kt_alloc *x = &a.replies[0].alloc.sets[0].items[i];
        all += alloc_total(x);
        if (!strcmp(x->name, "shop"))
            shop_pv = x->pv_cost;
        if (strstr(x->name, "__unmounted__"))
            unmounted = alloc_total(x);
    }
    engine_answer_free(&a);
    CHECK_NEAR(shop_pv, 0.15, 1e-9);
    CHECK_NEAR(unmounted, 0.15, 1e-9);
    CHECK_NEAR(all / (4.80 + 4.80 + 2.40 + 0.30), 1, 1e-9);
    /* the bill no longer names the disk: its estimate back, shop holds half */
    CHECK(import(s, "b3.csv", BILL_S3, &r) == 0 && r.recon.restored == 1);
    CHECK_NEAR(node_cost(s, "/pv1", D), 100 * 24 * 0.1 / 730, 1e-9);
    store_close(s);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/kt-billsd-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    RUN(past_retention);
    RUN(daily_equals_hourly);
    RUN(volume_past_retention);
    pg = getenv("KUBETALLY_TEST_PG");
    if (pg && *pg) {
        RUN(past_retention);
        RUN(daily_equals_hourly);
        RUN(volume_past_retention);
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {}
    return check_done();
}

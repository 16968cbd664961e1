/* test_bills_reconcile.c — a cluster whose node and disk appear on a FOCUS
 * bill with Savings-Plan effective costs below list: the node's day is
 * repriced to EffectiveCost, the namespace and team follow with the same
 * CPU/RAM split, a node missing from the bill stays estimated and is
 * listed, a restated bill replaces the old one (and a bill that drops the
 * node gives its estimate back), team totals add tagged cloud services
 * outside Kubernetes once, and a hostile file changes nothing.
 * With KUBETALLY_TEST_PG=postgresql://… every test runs again on a fresh
 * PostgreSQL database, with the same hand-computed numbers. */
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

/* The store NAME of this round: a file in dir, or a fresh database. */
static void store_url(const char *name, char *url, size_t n)
{
    char db[64];
    snprintf(db, sizeof db, "kt_test_bills_%s", name);
    if (pg)
        CHECK(pg_fresh(pg, db, url, n) == 0);
    else
        snprintf(url, n, "sqlite:%s/%s.db", dir, name);
}

/* One cluster "prod" (aws, USD): n1 (i-0aaa) and n2 (i-0bbb), each 4 cores,
 * 16 GiB at 0.03 $/core-h + 0.005 $/GiB-h = 0.20 $/h → 4.80 for the day;
 * pod shop/web-1 (team=web) on n1 requesting 2 cores and 8 GiB all day;
 * volume vol-0ccc, 100 GiB at 0.1 $/GiB-month (0.1/730 per GiB-h). */
static kt_store *fleet(void)
{
    char url[600];
    store_url("kt", url, sizeof url);
    kt_store *s;
    kt_err err = {0};
    CHECK(store_open(url, KT_STORE_CREATE, &s, &err) == 0);
    int64_t cid, n1, n2, pod, ctr, vid;
    CHECK(store_begin(s, &err) == 0);
    kt_cluster_rec c = {"prod", "aws", "us-east-1", "USD", "test"};
    store_put_cluster(s, &c, &cid, &err);
    kt_node_rec a = {.cluster_id = cid, .name = "n1", .provider = "aws", .region = "us-east-1",
                     .instance_type = "m5.xlarge", .provider_id = "aws:///us-east-1a/i-0aaa", .cpu_cores = 4,
                     .ram_bytes = 16 * GIB};
    kt_node_rec b = a;
    b.name = "n2", b.provider_id = "aws:///us-east-1b/i-0bbb";
    store_put_node(s, &a, &n1, &err);
    store_put_node(s, &b, &n2, &err);
    kt_kv labels[] = {{"team", "web"}};
    kt_pod_rec p = {.cluster_id = cid, .node_id = n1, .namespace = "shop", .name = "web-1", .uid = "u1",
                    .controller_kind = "", .controller = "", .labels = labels, .n_labels = 1};
    store_put_pod(s, &p, &pod, &err);
    store_put_container(s, pod, "app", &ctr, &err);
    kt_volume_rec v = {cid, "pv1", "gp3", "", "", "aws://us-east-1a/vol-0ccc", "gp3"};
    store_put_volume(s, &v, &vid, &err);
    for (int h = 0; h < 48; h++) { /* two days; the bill names the first */
        int64_t t = D + h * 3600;
        kt_node_hour x = {n1, t, 1.0, 0.03, 0.005, 0, 0.20, "catalog"}, y = {n2, t, 1.0, 0.03, 0.005, 0, 0.20, "catalog"};
        kt_container_hour ch = {ctr, t, 3600, 2, 2, 2, 8 * GIB, 8 * GIB, 8 * GIB, 0, 2, 8 * GIB, 0};
        kt_volume_hour vh = {vid, t, 1.0, 100 * GIB, 0.1 / 730, "catalog"};
        CHECK(store_put_node_hour(s, &x, &err) == 0 && store_put_node_hour(s, &y, &err) == 0 &&
              store_put_container_hour(s, &ch, &err) == 0 && store_put_volume_hour(s, &vh, &err) == 0);
    }
    CHECK(store_commit(s, &err) == 0);
    return s;
}

#define HDR "BillingAccountId,SubAccountId,ProviderName,ServiceName,ServiceCategory,RegionId,ResourceId," \
            "ChargeCategory,BillingCurrency,BillingPeriodStart,ChargePeriodStart,ChargePeriodEnd,ListCost," \
            "BilledCost,EffectiveCost,Tags\n"
#define PERIOD ",USD,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z,2026-01-02T00:00:00Z,"
#define WEB "\"{\"\"team\"\":\"\"web\"\"}\""

static const char *write_bill(const char *name, const char *body)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(HDR, f);
    fputs(body, f);
    fclose(f);
    return path;
}

static int import(kt_store *s, const char *path, kt_bill_import_result *r, kt_err *err)
{
    const char *paths[] = {path};
    kt_bill_import_opts o = {paths, 1, KT_METRIC_EFFECTIVE, NULL, NULL};
    return bill_import(s, &o, r, err);
}

/* Cost of one aggregate value (or the node's asset cost) over day D. */
static double alloc_of(kt_store *s, const char *agg, const char *name)
{
    kt_ask q = {.kind = KT_ASK_ALLOCATION};
    alloc_query_init(&q.alloc);
    q.alloc.window = (kt_window){D, D + 86400}, q.alloc.now = D + 86400;
    kt_err err = {0};
    aggregate_parse(agg, &q.alloc.agg, &err);
    return probe_alloc_total(s, &q, name);
}

static double asset_of_day(kt_store *s, const char *name, int64_t day)
{
    return probe_asset_cost(s, name, day);
}

/* The catalog's estimates, as `kubetally reprice` would write them. */
static void node_estimate(void *ctx, const char *cluster, const kt_node_rec *n, double *cpu, double *ram, double *gpu,
                          double *hourly, const char **source)
{
    *cpu = 0.03, *ram = 0.005, *gpu = 0, *hourly = 0.20, *source = "catalog";
}
static double volume_estimate(void *ctx, const char *cluster, const char *provider, const char *region,
                              const kt_volume_rec *v, const char **source)
{
    *source = "catalog";
    return 0.1 / 730;
}
static double lb_estimate(void *ctx, const char *cluster, const char *provider, const char *region, const char **source)
{
    *source = "catalog";
    return 0;
}
static double fee_estimate(void *ctx, const char *cluster, const char *provider, const char *region, const char **kind)
{
    *kind = "";
    return 0;
}

static double asset_of(kt_store *s, const char *name)
{
    return asset_of_day(s, name, D);
}

static const kt_cloud_item *item(const kt_cloud_result *r, const char *name)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->items[i].name, name))
            return &r->items[i];
    return NULL;
}

/* A bill whose tag key differs from the Kubernetes label: another billing
 * account's DynamoDB table tagged CostCenter=web (5.00 effective).  With
 * aggregate label:team=CostCenter, team web = its allocation (Kubernetes
 * label team=web: shop on n1 at its BilledCost 3.00 × 0.5 = 1.50) + 5.00 =
 * 6.50; the i-0aaa row (tagged team, not CostCenter) is __unallocated__ and
 * all Kubernetes (2.40 effective). */
static void tag_mapping(kt_store *s)
{
    kt_bill_import_result r;
    kt_err err = {0};
    const char *cc = write_bill("cost-center.csv",
        "2,33,AWS,Amazon DynamoDB,Databases,us-east-1,arn:aws:dynamodb:us-east-1:33:table/carts,Usage" PERIOD
        "6.00,5.00,5.00,\"{\"\"CostCenter\"\":\"\"web\"\"}\"\n");
    const char *paths[] = {cc};
    kt_bill_import_opts o = {paths, 1, KT_METRIC_BILLED, NULL, NULL};
    CHECK(bill_import(s, &o, &r, &err) == 0 && r.rows == 1);
    CHECK_NEAR(asset_of(s, "/n1"), 3.00, 1e-9);
    kt_ask q = {.kind = KT_ASK_CLOUDCOST, .window = {D, D + 86400}, .aggregate = "label:team=CostCenter"};
    kt_engine_limits lim = {0};
    kt_answer a;
    CHECK(engine_ask(s, &q, 1, &lim, &a, &err) == 0);
    const kt_cloud_item *web = item(&a.replies[0].cloud, "web"), *none = item(&a.replies[0].cloud, "__unallocated__");
    CHECK(web && none);
    if (web && none) {
        CHECK_STR(web->label_key, "team");
        CHECK_NEAR(web->effective, 5.00, 1e-9);
        CHECK_NEAR(web->effective_k8s, 0, 1e-12);
        CHECK(web->has_alloc);
        CHECK_NEAR(web->alloc, 1.50, 1e-9);
        CHECK_NEAR(web->alloc + web->effective - web->effective_k8s, 6.50, 1e-9);
        CHECK_NEAR(none->effective, 2.40, 1e-9);
        CHECK_NEAR(none->effective_k8s, 2.40, 1e-9);
    }
    engine_answer_free(&a);
    const char *bad[] = {"label:=CostCenter", "label:team="};
    for (int i = 0; i < 2; i++) {
        q.aggregate = bad[i];
        CHECK(engine_ask(s, &q, 1, &lim, &a, &err) == -1 && strstr(err.msg, "LABEL=TAG"));
    }
}

TEST(reconcile)
{
    kt_store *s = fleet();
    kt_err err = {0};
    kt_bill_import_result r;
    /* Before any bill: shop = 2 cores × 24 h × 0.03 + 8 GiB × 24 h × 0.005 = 1.44 + 0.96 = 2.40. */
    CHECK_NEAR(alloc_of(s, "namespace", "shop"), 2.40, 1e-9);

    /* The bill: i-0aaa list 4.80, billed 3.60, effective 3.00 (Savings Plan); the disk 0.33/0.30/0.30;
     * an RDS database tagged team=web (10.00 effective) and an S3 bucket tagged team=data (2.00). */
    const char *bill = write_bill("sep.csv",
        "1,11,AWS,Amazon EC2,Compute,us-east-1,i-0aaa,Usage" PERIOD "4.80,3.60,3.00," WEB "\n"
        "1,11,AWS,Amazon EC2,Storage,us-east-1,arn:aws:ec2:us-east-1:11:volume/vol-0ccc,Usage" PERIOD
        "0.33,0.30,0.30,\n"
        "1,11,AWS,Amazon RDS,Databases,us-east-1,arn:aws:rds:us-east-1:11:db:orders,Usage" PERIOD
        "12.00,10.00,10.00," WEB "\n"
        "1,22,AWS,Amazon S3,Storage,us-east-1,orders-archive,Usage" PERIOD "2.50,2.00,2.00,"
        "\"{\"\"team\"\":\"\"data\"\"}\"\n");
    CHECK(import(s, bill, &r, &err) == 0);
    CHECK(r.rows == 4 && r.periods == 1 && r.periods_replaced == 0);
    /* n1 and the disk reconciled: two asset-days; n2 is not on the bill. */
    CHECK(r.recon.reconciled == 2);
    CHECK_NEAR(r.recon.estimate, 4.80 + 100 * 24 * 0.1 / 730, 1e-9);
    CHECK_NEAR(r.recon.applied, 3.00 + 0.30, 1e-9);
    /* n1 now costs its EffectiveCost, 3.00: prices × 3.00/4.80 = 0.625, so
     * shop = 1.44 × 0.625 + 0.96 × 0.625 = 0.90 + 0.60 = 1.50, team web the same. */
    CHECK_NEAR(asset_of(s, "/n1"), 3.00, 1e-9);
    CHECK_NEAR(asset_of(s, "/n2"), 4.80, 1e-9);
    CHECK_NEAR(asset_of(s, "/pv1"), 0.30, 1e-9);
    CHECK_NEAR(alloc_of(s, "namespace", "shop"), 1.50, 1e-9);
    CHECK_NEAR(alloc_of(s, "label:team", "web"), 1.50, 1e-9);
    /* idle: n1 3.00 - 1.50 + n2 4.80 = 6.30 */
    CHECK_NEAR(alloc_of(s, "namespace", "__idle__"), 6.30, 1e-9);

    /* Cloud costs: team web = its allocation 1.50 + RDS 10.00; the i-0aaa row
     * (tagged web too) is in the allocation already and is not added again. */
    kt_ask q = {.kind = KT_ASK_CLOUDCOST, .window = {D, D + 86400}, .aggregate = "label:team"};
    kt_engine_limits lim = {0};
    kt_answer a;
    CHECK(engine_ask(s, &q, 1, &lim, &a, &err) == 0);
    const kt_cloud_result *cc = &a.replies[0].cloud;
    const kt_cloud_item *web = item(cc, "web"), *data = item(cc, "data");
    CHECK(web && data);
    if (web && data) {
        CHECK_NEAR(web->effective, 13.00, 1e-9);     /* 3.00 + 10.00 on the bill */
        CHECK_NEAR(web->effective_k8s, 3.00, 1e-9);  /* of which the node */
        CHECK_NEAR(web->alloc, 1.50, 1e-9);
        CHECK_NEAR(web->alloc + web->effective - web->effective_k8s, 11.50, 1e-9);
        CHECK_NEAR(data->effective, 2.00, 1e-9);
    }
    /* Reconciliation: n1 and pv1 matched, n2 listed with its estimate. */
    int n2_listed = 0, n1_matched = 0;
    for (size_t i = 0; i < cc->n_recon; i++) {
        if (!strcmp(cc->recon[i].name, "n2") && !cc->recon[i].matched && cc->recon[i].estimate > 4.79)
            n2_listed = 1;
        if (!strcmp(cc->recon[i].name, "n1") && cc->recon[i].matched) {
            n1_matched = 1;
            CHECK_NEAR(cc->recon[i].estimate, 4.80, 1e-9);
            CHECK_NEAR(cc->recon[i].applied, 3.00, 1e-9);
            CHECK_NEAR(cc->recon[i].list, 4.80, 1e-9);
            CHECK_NEAR(cc->recon[i].billed, 3.60, 1e-9);
        }
    }
    CHECK(n2_listed && n1_matched);
    engine_answer_free(&a);
    q.aggregate = "service";
    CHECK(engine_ask(s, &q, 1, &lim, &a, &err) == 0);
    const kt_cloud_item *ec2 = item(&a.replies[0].cloud, "Amazon EC2");
    CHECK(ec2 && ec2->effective_k8s == ec2->effective); /* node + disk: 100 % Kubernetes */
    engine_answer_free(&a);

    /* Importing the same file again changes nothing. */
    CHECK(import(s, bill, &r, &err) == 0);
    CHECK(r.periods_replaced == 1 && r.recon.reconciled == 2);
    CHECK_NEAR(asset_of(s, "/n1"), 3.00, 1e-9);
    CHECK_NEAR(alloc_of(s, "namespace", "shop"), 1.50, 1e-9);

    /* A restated bill: i-0aaa's effective cost is 2.40 → shop = 2.40 × 0.5 = 1.20;
     * the estimate kept is still 4.80, not the 3.00 of the first bill. */
    const char *restated = write_bill("sep-restated.csv",
        "1,11,AWS,Amazon EC2,Compute,us-east-1,i-0aaa,Usage" PERIOD "4.80,3.00,2.40," WEB "\n");
    CHECK(import(s, restated, &r, &err) == 0);
    CHECK(r.periods_replaced == 1);
    CHECK_NEAR(r.recon.estimate, 4.80, 1e-9);
    CHECK_NEAR(asset_of(s, "/n1"), 2.40, 1e-9);
    CHECK_NEAR(alloc_of(s, "namespace", "shop"), 1.20, 1e-9);
    /* the disk is no longer on the bill: its estimate is back, 100 × 24 × 0.1/730 */
    CHECK_NEAR(asset_of(s, "/pv1"), 100 * 24 * 0.1 / 730, 1e-9);
    q.aggregate = "provider";
    CHECK(engine_ask(s, &q, 1, &lim, &a, &err) == 0);
    CHECK(a.replies[0].cloud.n == 1 && a.replies[0].cloud.n && a.replies[0].cloud.items[0].effective == 2.40);
    engine_answer_free(&a);

    /* A hostile file: refused, and nothing stored changes. */
    const char *bad = write_bill("bad.csv",
        "1,11,AWS,Amazon EC2,Compute,us-east-1,i-0aaa,Usage" PERIOD "4.80,3.00,NaN,\n");
    CHECK(import(s, bad, &r, &err) == -1 && err.code == KT_EINPUT && strstr(err.msg, "EffectiveCost 'NaN'"));
    CHECK_NEAR(asset_of(s, "/n1"), 2.40, 1e-9);
    CHECK_NEAR(alloc_of(s, "namespace", "shop"), 1.20, 1e-9);

    /* BilledCost as the metric: n1 = 3.00 */
    char again[128];
    snprintf(again, sizeof again, "%s/sep-restated.csv", dir); /* write_bill's buffer now names bad.csv */
    const char *paths[] = {again};
    kt_bill_import_opts o = {paths, 1, KT_METRIC_BILLED, NULL, NULL};
    err = (kt_err){0};
    CHECK(bill_import(s, &o, &r, &err) == 0);
    if (err.msg[0])
        fprintf(stderr, "import: %s\n", err.msg);
    CHECK_NEAR(asset_of(s, "/n1"), 3.00, 1e-9);

    /* `kubetally reprice` writes fresh estimates, then the bill is applied
     * again with the last import's metric: n1 stays at its BilledCost 3.00. */
    kt_reprice_fns f = {NULL, node_estimate, volume_estimate, lb_estimate, fee_estimate};
    kt_reprice_stats rst;
    kt_recon_stats rec;
    CHECK(store_begin(s, &err) == 0);
    CHECK(store_reprice(s, D, D + 86400, &f, &rst, &err) == 0);
    CHECK(bill_reconcile_after_reprice(s, D, D + 86400, &rec, &err) == 0);
    CHECK(store_commit(s, &err) == 0);
    CHECK(rst.node_hours == 48 && rec.reconciled == 1);
    CHECK_NEAR(asset_of_day(s, "/n1", D + 86400), 4.80, 1e-9); /* the day the bill does not cover: estimated */
    CHECK_NEAR(rec.estimate, 4.80, 1e-9);
    CHECK_NEAR(asset_of(s, "/n1"), 3.00, 1e-9);
    CHECK_NEAR(asset_of(s, "/n2"), 4.80, 1e-9);
    tag_mapping(s);
    store_close(s);
}

/* An AKS pool billed as one scale set: its 4.80 of EffectiveCost is split
 * between the two instances by their estimates (0.1 and 0.3 $/h → 2.40 and
 * 7.20 for the day): 4.80 × 2.4/9.6 = 1.20 and 4.80 × 7.2/9.6 = 3.60. */
TEST(azure_scale_set)
{
    char url[600];
    store_url("aks", url, sizeof url);
    kt_store *s;
    kt_err err = {0};
    CHECK(store_open(url, KT_STORE_CREATE, &s, &err) == 0);
    int64_t cid, n[2];
    CHECK(store_begin(s, &err) == 0);
    kt_cluster_rec c = {"aks", "azure", "westeurope", "USD", "test"};
    store_put_cluster(s, &c, &cid, &err);
    for (int i = 0; i < 2; i++) {
        char name[16], pid[256];
        snprintf(name, sizeof name, "vmss%d", i);
        snprintf(pid, sizeof pid, "azure:///subscriptions/S1/resourceGroups/MC_rg/providers/Microsoft.Compute/"
                 "virtualMachineScaleSets/aks-pool-1/virtualMachines/%d", i);
        kt_node_rec r = {.cluster_id = cid, .name = name, .provider = "azure", .provider_id = pid, .cpu_cores = 2,
                         .ram_bytes = 8 * GIB};
        store_put_node(s, &r, &n[i], &err);
        for (int h = 0; h < 24; h++) {
            double hourly = i ? 0.3 : 0.1;
            kt_node_hour x = {n[i], D + h * 3600, 1.0, hourly / 4, hourly / 16, 0, hourly, "catalog"};
            CHECK(store_put_node_hour(s, &x, &err) == 0);
        }
    }
    CHECK(store_commit(s, &err) == 0);
    const char *bill = write_bill("aks.csv",
        "b1,S1,Microsoft,Virtual Machine Scale Sets,Compute,westeurope,/subscriptions/S1/resourceGroups/MC_rg/"
        "providers/Microsoft.Compute/virtualMachineScaleSets/aks-pool-1,Usage" PERIOD "9.60,4.80,4.80,\n");
    kt_bill_import_result r;
    CHECK(import(s, bill, &r, &err) == 0);
    CHECK(r.recon.reconciled == 2);
    CHECK_NEAR(asset_of(s, "/vmss0"), 1.20, 1e-9);
    CHECK_NEAR(asset_of(s, "/vmss1"), 3.60, 1e-9);
    store_close(s);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/kt-bills-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    RUN(reconcile);
    RUN(azure_scale_set);
    pg = getenv("KUBETALLY_TEST_PG");
    if (pg && *pg) {
        RUN(reconcile);
        RUN(azure_scale_set);
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {}
    return check_done();
}

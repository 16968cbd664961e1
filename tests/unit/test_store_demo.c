/* test_store_demo.c — the SQLite store and the demo fleet together:
 * conservation for every aggregation, window and sharing option; summing by
 * pod equals summing by namespace; daily steps add up to the whole window;
 * the same results from hourly and daily rows; and bad databases refused. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "demo_fixture.h"
#include "demo/fleet.h"
#include "engine/assets.h"
#include "engine/query.h"
#include "store/store.h"

static char dir[] = "/tmp/kt-test-store-XXXXXX";
static char dbpath[256];
static const int64_t NOW = 1767268800 + 13 * 3600 + 1200; /* 2026-01-01T13:20:00Z + 12h */

static double set_total(const kt_alloc_set *s)
{
    double t = 0;
    for (size_t i = 0; i < s->n; i++)
        t += alloc_total(&s->items[i]);
    return t;
}

static double group_sum(const kt_alloc_set *s)
{
    double t = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->items[i].kind == AK_NORMAL)
            t += alloc_total(&s->items[i]);
    return t;
}


static int query(kt_store *s, kv *params, kt_alloc_result *r, kt_dataset *ds)
{
    kt_alloc_query q;
    kt_query_holder h;
    kt_err err = {0};
    if (alloc_query_parse(kv_get, params, NOW, &q, &h, &err)) {
        fprintf(stderr, "query: %s\n", err.msg);
        return -1;
    }
    int rc = store_load(s, q.window.start, q.window.end, alloc_query_needs_hours(&q), ds, &err);
    if (!rc)
        rc = alloc_compute(ds, &q, r, &err);
    if (rc)
        fprintf(stderr, "query: %s\n", err.msg);
    query_holder_free(&h);
    return rc;
}

TEST(conservation_everywhere)
{
    kt_store *s;
    kt_err err;
    CHECK(store_open(dbpath, KT_STORE_READONLY, &s, &err) == 0);
    const char *aggs[] = {"", "cluster", "namespace", "provider,region", "node", "controllerKind,controller",
                          "pod", "label:team", "annotation:owner", "service", "cluster,namespace,label:app"};
    const char *windows[] = {"3d", "24h", "yesterday", "today", "2d offset 6h"};
    const char *opts[][2] = {{"idle", "true"}, {"shareIdle", "true"}, {"idleByNode", "true"},
                             {"shareNamespaces", "kube-system,monitoring"}, {"shareCost", "500"},
                             {"shareTenancyCosts", "false"}, {"shareLabels", "team:platform"}};
    int sets = 0;
    for (size_t a = 0; a < sizeof aggs / sizeof *aggs; a++)
        for (size_t w = 0; w < sizeof windows / sizeof *windows; w++)
            for (size_t o = 0; o < sizeof opts / sizeof *opts; o++) {
                kv p = {{"window", "aggregate", opts[o][0], "shareSplit"},
                        {windows[w], aggs[a], opts[o][1], o % 2 ? "even" : "weighted"}, 4};
                kt_alloc_result r;
                kt_dataset ds;
                if (query(s, &p, &r, &ds)) { CHECK(0); continue; }
                for (size_t i = 0; i < r.n; i++, sets++) {
                    const kt_alloc_set *set = &r.sets[i];
                    double want = set->assets_cost + set->external_cost;
                    double got = set_total(set);
                    if (fabs(got - want) > 1e-9 * want) {
                        fprintf(stderr, "agg=%s window=%s %s=%s: total %.12f, assets+ext %.12f\n",
                                aggs[a], windows[w], opts[o][0], opts[o][1], got, want);
                        CHECK(0);
                    }
                }
                CHECK(r.n >= 1);
                alloc_result_free(&r);
                ds_free(&ds);
            }
    CHECK(sets >= 385);
    store_close(s);
}

TEST(pod_sum_equals_namespace_sum)
{
    kt_store *s;
    kt_err err;
    CHECK(store_open(dbpath, KT_STORE_READONLY, &s, &err) == 0);
    kv a = {{"window", "aggregate", "idle"}, {"3d", "pod", "false"}, 3};
    kv b = {{"window", "aggregate", "idle"}, {"3d", "namespace", "false"}, 3};
    kt_alloc_result ra, rb;
    kt_dataset da, db;
    CHECK(query(s, &a, &ra, &da) == 0 && query(s, &b, &rb, &db) == 0);
    CHECK_NEAR(group_sum(&ra.sets[0]), group_sum(&rb.sets[0]), 1e-9);
    CHECK(group_sum(&ra.sets[0]) > 10); /* the demo is not empty */
    alloc_result_free(&ra), alloc_result_free(&rb), ds_free(&da), ds_free(&db);
    store_close(s);
}

TEST(daily_steps_sum_to_window_and_hourly_matches_daily)
{
    kt_store *s;
    kt_err err;
    CHECK(store_open(dbpath, KT_STORE_READONLY, &s, &err) == 0);
    kv whole = {{"window", "aggregate"}, {"3d", "namespace"}, 2};
    kv daily = {{"window", "aggregate", "step"}, {"3d", "namespace", "1d"}, 3};
    kv hourly = {{"window", "aggregate", "step"}, {"3d", "namespace", "1h"}, 3};
    kt_alloc_result rw, rd, rh;
    kt_dataset dw, dd, dh;
    CHECK(query(s, &whole, &rw, &dw) == 0 && query(s, &daily, &rd, &dd) == 0 && query(s, &hourly, &rh, &dh) == 0);
    CHECK(rd.n == 3 && rh.n == 72);
    double sd = 0, sh = 0;
    for (size_t i = 0; i < rd.n; i++) sd += group_sum(&rd.sets[i]) ;
    for (size_t i = 0; i < rh.n; i++) sh += group_sum(&rh.sets[i]);
    /* Namespace costs are linear in the facts, so any split adds up.  (Fees
     * are shared by cost weight per set, which is also linear in total.) */
    CHECK_NEAR(sd, group_sum(&rw.sets[0]), 1e-9);
    CHECK_NEAR(sh, group_sum(&rw.sets[0]), 1e-6);
    double aw = rw.sets[0].assets_cost, ad = 0;
    for (size_t i = 0; i < rd.n; i++) ad += rd.sets[i].assets_cost;
    CHECK_NEAR(ad, aw, 1e-9);
    alloc_result_free(&rw), alloc_result_free(&rd), alloc_result_free(&rh);
    ds_free(&dw), ds_free(&dd), ds_free(&dh);
    store_close(s);
}

TEST(assets_equal_allocation_assets)
{
    kt_store *s;
    kt_err err;
    CHECK(store_open(dbpath, KT_STORE_READONLY, &s, &err) == 0);
    kv p = {{"window"}, {"3d"}, 1};
    kt_alloc_result r;
    kt_dataset ds;
    CHECK(query(s, &p, &r, &ds) == 0);
    kt_asset_result a;
    CHECK(assets_compute(&ds, r.sets[0].window, "type", &a, &err) == 0);
    CHECK_NEAR(a.total, r.sets[0].assets_cost, 1e-9);
    CHECK(a.n >= 4); /* Node, Disk, LoadBalancer, ClusterManagement */
    assets_free(&a);
    alloc_result_free(&r);
    ds_free(&ds);
    store_close(s);
}

TEST(bad_databases_are_refused)
{
    kt_store *s;
    kt_err err = {0};
    char p[300];
    /* missing */
    snprintf(p, sizeof p, "sqlite:%s/missing.db", dir);
    CHECK(store_open(p, KT_STORE_READONLY, &s, &err) == -1 && err.code == KT_EINPUT);
    CHECK(strstr(err.msg, "no database") != NULL);
    /* corrupt */
    snprintf(p, sizeof p, "%s/corrupt.db", dir);
    FILE *f = fopen(p, "w");
    for (int i = 0; i < 512; i++) fputs("garbage!", f);
    fclose(f);
    CHECK(store_open(p, KT_STORE_READONLY, &s, &err) == -1 && err.code == KT_EINPUT);
    CHECK(strstr(err.msg, "not a usable kubetally database") != NULL);
    /* newer schema: never touched */
    snprintf(p, sizeof p, "%s/newer.db", dir);
    CHECK(store_open(p, KT_STORE_CREATE, &s, &err) == 0);
    store_close(s);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "sqlite3 %s \"UPDATE meta SET value='99' WHERE key='schema_version'\"", p);
    if (system(cmd) == 0) {
        CHECK(store_open(p, KT_STORE_CREATE, &s, &err) == -1 && strstr(err.msg, "newer kubetally"));
    }
    /* writes outside a transaction and bad numbers are refused */
    snprintf(p, sizeof p, "%s/w.db", dir);
    CHECK(store_open(p, KT_STORE_CREATE, &s, &err) == 0);
    kt_container_hour ch = {.container_id = 1, .t = 3600, .seconds = 60};
    CHECK(store_put_container_hour(s, &ch, &err) == -1);
    store_begin(s, &err);
    ch.cpu_req = -1;
    CHECK(store_put_container_hour(s, &ch, &err) == -1 && strstr(err.msg, "non-negative"));
    ch.cpu_req = 0, ch.t = 3601;
    CHECK(store_put_container_hour(s, &ch, &err) == -1 && strstr(err.msg, "hour boundary"));
    store_rollback(s);
    store_close(s);
}

TEST(replace_semantics_are_idempotent)
{
    kt_store *s;
    kt_err err;
    char p[300];
    snprintf(p, sizeof p, "%s/idem.db", dir);
    CHECK(store_open(p, KT_STORE_CREATE, &s, &err) == 0);
    int64_t cl, node, pod, ctr;
    for (int pass = 0; pass < 2; pass++) { /* writing twice must not double */
        store_begin(s, &err);
        kt_cluster_rec c = {"k", "aws", "us-east-1", "USD", "test"};
        store_put_cluster(s, &c, &cl, &err);
        kt_node_rec n = {.cluster_id = cl, .name = "n1", .cpu_cores = 2, .ram_bytes = 4.0 * (1 << 30)};
        store_put_node(s, &n, &node, &err);
        kt_pod_rec pr = {.cluster_id = cl, .node_id = node, .namespace = "ns", .name = "p"};
        store_put_pod(s, &pr, &pod, &err);
        store_put_container(s, pod, "c", &ctr, &err);
        kt_node_hour nh = {node, 7200, 1, 0.05, 0.01, 0, 0.14, "test"};
        kt_container_hour ch = {.container_id = ctr, .t = 7200, .seconds = 3600, .cpu_req = 1, .cpu_use = 1,
                                .cpu_alloc = 1, .ram_req = 1 << 30, .ram_use = 1 << 30, .ram_alloc = 1 << 30};
        CHECK(store_put_node_hour(s, &nh, &err) == 0 && store_put_container_hour(s, &ch, &err) == 0);
        CHECK(store_commit(s, &err) == 0);
    }
    kt_dataset ds;
    CHECK(store_load(s, 0, 86400, 0, &ds, &err) == 0);
    CHECK(ds.n_cfacts == 1 && ds.n_pods == 1);
    kt_alloc_query q;
    alloc_query_init(&q);
    q.window = (kt_window){0, 86400};
    kt_alloc_result r;
    CHECK(alloc_compute(&ds, &q, &r, &err) == 0);
    /* 1 core-h × 0.05 + 1 GiB-h × 0.01 = 0.06 */
    CHECK_NEAR(group_sum(&r.sets[0]), 0.06, 1e-12);
    alloc_result_free(&r);
    ds_free(&ds);
    store_close(s);
}

int main(void)
{
    kt_demo_opts o = {4, 150, 7, NOW, 1, NULL}; /* NULL pricing: OpenCost's default rates */
    if (demo_fixture(dir, dbpath, sizeof dbpath, &o))
        return 1;
    RUN(conservation_everywhere);
    RUN(pod_sum_equals_namespace_sum);
    RUN(daily_steps_sum_to_window_and_hourly_matches_daily);
    RUN(assets_equal_allocation_assets);
    RUN(bad_databases_are_refused);
    RUN(replace_semantics_are_idempotent);
    demo_fixture_remove(dir);
    return check_done();
}

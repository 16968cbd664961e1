/* test_pricing_reprice.c — store_reprice: hourly node, volume, load-balancer
 * and fee prices replaced from the catalog and a sheet, daily roll-ups
 * rebuilt, quantities untouched. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "pricing/pricing.h"
#include "store/store.h"

static void node_cb(void *ctx, const char *cluster, const kt_node_rec *n, double *cpu, double *ram, double *gpu,
                    double *hourly, const char **source)
{
    kt_node_desc d = {cluster, n->name, n->provider, n->region, n->zone, n->instance_type, n->provider_id,
                      n->spot, n->cpu_cores, n->ram_bytes, n->gpus};
    kt_price p = pricing_node(ctx, &d);
    *cpu = p.cpu, *ram = p.ram, *gpu = p.gpu, *hourly = p.hourly, *source = p.source;
}

static double vol_cb(void *ctx, const char *cluster, const char *provider, const char *region, const kt_volume_rec *v,
                     const char **source)
{
    kt_volume_desc d = {cluster, v->name, v->storage_class, provider, region, NULL, v->volume_type};
    return pricing_volume(ctx, &d, source);
}

static double lb_cb(void *ctx, const char *cluster, const char *provider, const char *region, const char **source)
{
    return pricing_lb_hourly(ctx, provider, region, source);
}

static double fee_cb(void *ctx, const char *cluster, const char *provider, const char *region, const char **kind)
{
    return pricing_cluster_fee_for(ctx, cluster, provider, region, kind);
}

static const char *str(kt_dataset *ds, uint32_t id) { return strtab_get(&ds->strs, id); }

TEST(reprice_day)
{
    char db[] = "/tmp/kt-reprice-XXXXXX", url[64];
    int fd = mkstemp(db);
    close(fd);
    unlink(db);
    snprintf(url, sizeof url, "sqlite:%s", db);
    kt_store *s;
    kt_err err = {0};
    CHECK(store_open(url, KT_STORE_CREATE, &s, &err) == 0);
    int64_t day = 1767225600; /* 2026-01-01T00:00:00Z */
    int64_t cid, nid, vid, lid;
    CHECK(store_begin(s, &err) == 0);
    kt_cluster_rec c = {"prod", "aws", "us-east-1", "USD", "test"};
    store_put_cluster(s, &c, &cid, &err);
    kt_node_rec n = {.cluster_id = cid, .name = "n1", .provider = "aws", .region = "us-east-1",
                     .instance_type = "m5.xlarge", .cpu_cores = 4, .ram_bytes = 16 * KT_GIB};
    store_put_node(s, &n, &nid, &err);
    kt_volume_rec v = {cid, "pv1", "gp3", "default", "data", "", ""};
    store_put_volume(s, &v, &vid, &err);
    kt_lb_rec l = {cid, "default", "web", "1.2.3.4", 0};
    store_put_lb(s, &l, &lid, &err);
    for (int h = 0; h < 24; h++) {
        /* Written at OpenCost's defaults: 4×0.031611 + 16×0.004237 = 0.194236 per hour. */
        kt_node_hour nh = {nid, day + h * 3600, 1.0, 0.031611, 0.004237, 0.95, 0.194236, "default"};
        kt_volume_hour vh = {vid, day + h * 3600, 1.0, 10 * KT_GIB, 0.04 / 730, "default"};
        kt_lb_hour lh = {lid, day + h * 3600, 1.0, 0.025, "default"};
        kt_fee_hour fh = {cid, day + h * 3600, 1.0, 0.10, "eks"};
        CHECK(store_put_node_hour(s, &nh, &err) == 0 && store_put_volume_hour(s, &vh, &err) == 0 &&
              store_put_lb_hour(s, &lh, &err) == 0 && store_put_fee_hour(s, &fh, &err) == 0);
    }
    CHECK(store_commit(s, &err) == 0);

    kt_pricing *p;
    kt_pricing_opts o = {NULL, "/nonexistent"};
    CHECK(pricing_load(&o, &p, &err) == 0);
    kt_reprice_fns f = {p, node_cb, vol_cb, lb_cb, fee_cb};
    kt_reprice_stats st;
    CHECK(store_begin(s, &err) == 0);
    CHECK(store_reprice(s, day, day + 86400, &f, &st, &err) == 0);
    CHECK(store_commit(s, &err) == 0);
    CHECK(st.nodes == 1 && st.node_hours == 24 && st.by_source[2] == 24);
    CHECK(st.volume_hours == 24 && st.lb_hours == 24 && st.fee_hours == 24 && st.days == 1);

    /* A whole day loads from the daily roll-up: it must carry the new prices. */
    kt_dataset ds;
    CHECK(store_load(s, day, day + 86400, 0, &ds, &err) == 0);
    CHECK(ds.n_nfacts == 1);
    if (ds.n_nfacts == 1) {
        CHECK_NEAR(ds.nfacts[0].hourly, 0.192, 1e-12); /* m5.xlarge us-east-1 */
        CHECK_NEAR(ds.nfacts[0].hours, 24, 1e-12);     /* quantity untouched */
        CHECK_STR(str(&ds, ds.nfacts[0].source), "catalog");
    }
    CHECK(ds.n_vfacts == 1);
    if (ds.n_vfacts == 1)
        CHECK_NEAR(ds.vfacts[0].price_gib_hour, 0.08 / 730, 1e-12); /* gp3 class in us-east-1 */
    ds_free(&ds);
    /* Hourly rows too (a step under a day reads them). */
    CHECK(store_load(s, day, day + 7200, 1, &ds, &err) == 0);
    CHECK(ds.n_nfacts == 2 && ds.n_nfacts && ds.nfacts[0].hourly > 0.1919 && ds.nfacts[0].hourly < 0.1921);
    ds_free(&ds);
    /* Outside a transaction it refuses. */
    CHECK(store_reprice(s, day, day + 86400, &f, &st, &err) == -1);
    pricing_free(p);
    store_close(s);
    unlink(db);
}

/* Issue 17: `reprice --window 30d` held one write transaction for minutes.
 * store_reprice_window commits each day before pricing the next: while
 * day k is priced, a second connection already sees days 0..k-1 repriced
 * (and only those). */
typedef struct seen_ctx {
    kt_pricing *p;
    char db[64];
    int64_t day0;
    int calls, bad;
} seen_ctx;

static void node_seen(void *ctx, const char *cluster, const kt_node_rec *n, double *cpu, double *ram, double *gpu,
                      double *hourly, const char **source)
{
    seen_ctx *c = ctx;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "sqlite3 %s \"SELECT count(DISTINCT t / 86400) FROM node_h WHERE source='catalog'\"",
             c->db);
    FILE *f = popen(cmd, "r");
    int done = -1;
    if (!f || fscanf(f, "%d", &done) != 1)
        done = -1;
    if (f)
        pclose(f);
    if (done != c->calls) /* committed days seen by another process */
        c->bad++;
    c->calls++;
    node_cb(c->p, cluster, n, cpu, ram, gpu, hourly, source);
}

TEST(reprice_window_day_by_day)
{
    seen_ctx c = {0};
    snprintf(c.db, sizeof c.db, "/tmp/kt-reprice-w-XXXXXX");
    int fd = mkstemp(c.db);
    close(fd);
    unlink(c.db);
    char url[80];
    snprintf(url, sizeof url, "sqlite:%s", c.db);
    kt_store *s;
    kt_err err = {0};
    CHECK(store_open(url, KT_STORE_CREATE, &s, &err) == 0);
    c.day0 = 1767225600; /* 2026-01-01T00:00:00Z; three days of one node */
    int64_t cid, nid;
    CHECK(store_begin(s, &err) == 0);
    kt_cluster_rec cl = {"prod", "aws", "us-east-1", "USD", "test"};
    store_put_cluster(s, &cl, &cid, &err);
    kt_node_rec n = {.cluster_id = cid, .name = "n1", .provider = "aws", .region = "us-east-1",
                     .instance_type = "m5.xlarge", .cpu_cores = 4, .ram_bytes = 16 * KT_GIB};
    store_put_node(s, &n, &nid, &err);
    for (int h = 0; h < 72; h++) {
        kt_node_hour nh = {nid, c.day0 + h * 3600, 1.0, 0.031611, 0.004237, 0.95, 0.194236, "default"};
        CHECK(store_put_node_hour(s, &nh, &err) == 0);
    }
    CHECK(store_commit(s, &err) == 0);
    kt_pricing_opts o = {NULL, "/nonexistent"};
    CHECK(pricing_load(&o, &c.p, &err) == 0);
    kt_reprice_fns f = {&c, node_seen, vol_cb, lb_cb, fee_cb};
    kt_reprice_stats st;
    CHECK(store_reprice_window(s, c.day0, c.day0 + 3 * 86400, &f, &st, &err) == 0);
    CHECK(c.calls == 3 && c.bad == 0);               /* day k saw k days committed */
    CHECK(st.nodes == 1 && st.node_hours == 72 && st.days == 3); /* one node, 3 × 24 hours */
    /* inside a transaction it refuses (it opens its own) */
    CHECK(store_begin(s, &err) == 0);
    CHECK(store_reprice_window(s, c.day0, c.day0 + 86400, &f, &st, &err) == -1);
    store_rollback(s);
    pricing_free(c.p);
    store_close(s);
    unlink(c.db);
}

int main(void)
{
    RUN(reprice_day);
    RUN(reprice_window_day_by_day);
    return check_done();
}

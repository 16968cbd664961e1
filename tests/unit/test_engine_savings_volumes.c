/* test_engine_savings_volumes.c — PV right-sizing (persistentVolumeSizing)
 * on volumes built here, with the answers worked out by hand in the
 * comments; and claims' used bytes kept per day in the SQLite store and
 * joined to the volumes store_load returns. */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "engine/carbon_rates.h"
#include "engine/savings.h"
#include "store/store.h"

#define T0 1767225600 /* 2026-01-01T00:00:00Z */
#define H 3600
#define GIB 1073741824.0
#define MIB 1048576.0
#define PRICE (0.08 / 730) /* $/GiB-hour: 0.08 $/GiB-month */

static kt_dataset ds;

/* Five gp3 volumes over 24 hours at 0.08 $/GiB-month:
 *   vol-a 100 GiB, peak 20 GiB used (average 15), mounted by web-1 (team shop)
 *   vol-b  10 GiB, peak 9.5 GiB
 *   vol-c  50 GiB, usage unknown (no kubelet stats)
 *   vol-d  40 GiB, peak 0.1 GiB, gone after 12 hours
 *   vol-e   5 GiB, peak 100 MiB */
static void build(void)
{
    ds_init(&ds);
    uint32_t cl = ds_add_cluster(&ds, "c1", "aws", "us-east-1", "USD");
    uint32_t n = ds_add_node(&ds, cl, "n1", "aws", "us-east-1", "us-east-1a", "m5.xlarge", 0, 4, 16 * GIB, 0);
    const char *team[] = {"team", "shop", NULL};
    uint32_t web = ds_add_pod(&ds, cl, n, "shop", "web-1", "deployment", "web", team, NULL, NULL);
    static const char *names[] = {"vol-a", "vol-b", "vol-c", "vol-d", "vol-e"};
    static const double gib[] = {100, 10, 50, 40, 5}, peak[] = {20 * GIB, 9.5 * GIB, 0, 0.1 * GIB, 100 * MIB};
    for (uint32_t v = 0; v < 5; v++) {
        char claim[16];
        snprintf(claim, sizeof claim, "data-%c", names[v][4]);
        ds_add_volume(&ds, cl, names[v], "gp3", "shop", claim);
        ds.volumes[v].used_peak = peak[v], ds.volumes[v].used_avg = peak[v] * 0.75;
        ds.volumes[v].used_capacity = gib[v] * GIB;
        for (int h = 0; h < (v == 3 ? 12 : 24); h++) {
            ds_volume_fact f = {.volume = v, .dur = H, .t = T0 + h * H, .hours = 1, .bytes = gib[v] * GIB,
                                .price_gib_hour = PRICE, .cost = gib[v] * PRICE};
            ds_push_vfact(&ds, &f);
        }
    }
    for (int h = 0; h < 24; h++) {
        ds_pod_volume_fact pv = {web, 0, H, T0 + h * H, 1, 0};
        ds_push_pvfact(&ds, &pv);
    }
    ds_link_namespaces(&ds);
}

static const kt_pv_rec *find(const kt_pv_result *r, const char *vol)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->items[i].volume, vol))
            return &r->items[i];
    return NULL;
}

/* headroom 10 %:
 *   vol-a: 20 GiB × 1.1 = 22 GiB (22.000000000000004 in doubles: still 22
 *          whole GiB); current 100 × 0.08 = 8 $, recommended 22 × 0.08 =
 *          1.76 $, saves 6.24 $/month
 *   vol-b: 9.5 × 1.1 = 10.45 GiB → 11 GiB: 0.88 − 0.80 = −0.08 (too small)
 *   vol-c: usage unknown → not listed; vol-d: gone → not listed
 *   vol-e: 100 MiB × 1.1 = 110 MiB → 1 GiB (the minimum): (5 − 1) × 0.08 = 0.32
 *   total (positive only) 6.24 + 0.32 = 6.56, sorted a, e, b. */
TEST(sizing_with_headroom)
{
    build();
    kt_pv_params p = {10, NULL};
    kt_pv_result r;
    kt_err err = {0};
    CHECK(savings_volumes(&ds, &p, &r, &err) == 0);
    CHECK(r.n == 3);
    CHECK_NEAR(r.total, 6.56, 1e-12);
    CHECK_STR(r.currency, "USD");
    if (r.n == 3) {
        CHECK_STR(r.items[0].volume, "vol-a");
        CHECK_STR(r.items[1].volume, "vol-e");
        CHECK_STR(r.items[2].volume, "vol-b");
    }
    const kt_pv_rec *a = find(&r, "vol-a"), *b = find(&r, "vol-b"), *e = find(&r, "vol-e");
    CHECK(a && b && e && !find(&r, "vol-c") && !find(&r, "vol-d"));
    if (a) {
        CHECK_NEAR(a->recommended_bytes, 22 * GIB, 1e-12);
        CHECK(a->applied_bytes == 22 * GIB);
        CHECK_NEAR(a->current_monthly, 8, 1e-12);
        CHECK_NEAR(a->recommended_monthly, 1.76, 1e-12);
        CHECK_NEAR(a->savings, 6.24, 1e-12);
        CHECK(a->max_usage == 20 * GIB && a->avg_usage == 15 * GIB && a->current_bytes == 100 * GIB);
        CHECK_STR(a->team, "shop");
        CHECK_STR(a->claim, "data-a");
        CHECK_STR(a->claim_ns, "shop");
        CHECK_STR(a->storage_class, "gp3");
        /* CO2e: the volume's own rate × the share given up (78 of 100 GiB) × 730 h */
        double kg_h = carbon_vfact_kg(&ds, &ds.vfacts[0]);
        CHECK_NEAR(a->carbon_kg, kg_h * 0.78 * 730, 1e-9);
    }
    if (b) {
        CHECK(b->applied_bytes == 11 * GIB);
        CHECK_NEAR(b->savings, -0.08, 1e-9);
        CHECK_STR(b->team, "");
    }
    if (e) {
        CHECK_NEAR(e->recommended_bytes, 110 * MIB, 1e-12);
        CHECK(e->applied_bytes == GIB);
        CHECK_NEAR(e->savings, 0.32, 1e-12);
    }
    pv_result_free(&r);
    /* headroom 0: vol-a needs its 20 GiB: (100 − 20) × 0.08 = 6.4 */
    p.headroom_pct = 0;
    CHECK(savings_volumes(&ds, &p, &r, &err) == 0);
    CHECK(find(&r, "vol-a") && find(&r, "vol-a")->applied_bytes == 20 * GIB);
    CHECK(find(&r, "vol-a") && fabs(find(&r, "vol-a")->savings - 6.4) < 1e-12);
    pv_result_free(&r);
    p.headroom_pct = -1;
    CHECK(savings_volumes(&ds, &p, &r, &err) == -1 && err.code == KT_EINPUT && strstr(err.msg, "headroomPct"));
    ds_free(&ds);
}

/* The summary carries the positive ones as persistentVolumeSizing:
 * 2 items, 6.24 + 0.32 = 6.56 a month. */
TEST(in_the_summary)
{
    build();
    kt_savings_params p;
    savings_params_init(&p);
    kt_savings_result r;
    kt_err err = {0};
    kt_window w = {T0, T0 + 86400};
    CHECK(savings_all(&ds, w, &p, &r, &err) == 0);
    CHECK_STR(saving_kind_name(SK_PV_SIZING), "persistentVolumeSizing");
    CHECK(r.by_kind[SK_PV_SIZING].count == 2);
    CHECK_NEAR(r.by_kind[SK_PV_SIZING].monthly, 6.56, 1e-12);
    size_t pv = 0;
    for (size_t i = 0; i < r.n; i++)
        if (r.items[i].kind == SK_PV_SIZING) {
            pv++;
            if (!strcmp(r.items[i].name, "vol-a"))
                CHECK(r.items[i].detail == 22 * GIB && !strcmp(r.items[i].team, "shop"));
        }
    CHECK(pv == 2);
    savings_result_free(&r);
    ds_free(&ds);
}

/* The store keeps a day's largest peak, and the average of the row with
 * more samples; a load joins the window's days to the volume:
 *   day 0: put (3 GiB, avg 2, 10 samples), (2 GiB, avg 1, 4), (3.5 GiB, avg 2.5, 12)
 *          → 3.5 GiB peak, avg 2.5 GiB over 12 samples
 *   day 1: (1 GiB, avg 1, 4 samples, capacity 11 GiB)
 *   window of both days: peak 3.5 GiB, avg (2.5 × 12 + 1 × 4) / 16 = 2.125 GiB,
 *   capacity the newest day's 11 GiB; window of day 1 alone: peak 1 GiB.
 * The same on PostgreSQL when $KUBETALLY_TEST_PG names an empty database
 * (tests/integration/postgres runs it so). */
static void day_peaks_on(const char *url)
{
    kt_store *s;
    kt_err err = {0};
    int64_t cid, vid;
    CHECK(store_open(url, KT_STORE_CREATE, &s, &err) == 0);
    CHECK(store_begin(s, &err) == 0);
    kt_cluster_rec c = {"c1", "aws", "us-east-1", "USD", "test"};
    kt_volume_rec v = {0, "vol-a", "gp3", "shop", "data-a", "", "gp3"};
    CHECK(store_put_cluster(s, &c, &cid, &err) == 0);
    v.cluster_id = cid;
    CHECK(store_put_volume(s, &v, &vid, &err) == 0);
    for (int h = 0; h < 48; h++) {
        kt_volume_hour vh = {vid, T0 + h * H, 1.0, 10 * GIB, PRICE, "catalog"};
        CHECK(store_put_volume_hour(s, &vh, &err) == 0);
    }
    kt_volume_usage u[] = {{vid, T0 + 5, 3 * GIB, 2 * GIB, 10, 10 * GIB}, {vid, T0 + H, 2 * GIB, 1 * GIB, 4, 10 * GIB},
                           {vid, T0 + 7 * H, 3.5 * GIB, 2.5 * GIB, 12, 10 * GIB},
                           {vid, T0 + 86400 + H, 1 * GIB, 1 * GIB, 4, 11 * GIB}};
    for (int i = 0; i < 4; i++)
        CHECK(store_put_volume_usage(s, &u[i], &err) == 0);
    kt_volume_usage bad = {vid, T0, 1 * GIB, 2 * GIB, 1, 0}; /* an average above the peak */
    CHECK(store_put_volume_usage(s, &bad, &err) == -1 && err.code == KT_EINPUT);
    CHECK(store_commit(s, &err) == 0);
    kt_dataset d;
    CHECK(store_load(s, T0, T0 + 2 * 86400, 0, &d, &err) == 0);
    CHECK(d.n_volumes == 1);
    if (d.n_volumes == 1) {
        CHECK(d.volumes[0].used_peak == 3.5 * GIB);
        CHECK_NEAR(d.volumes[0].used_avg, 2.125 * GIB, 1e-12);
        CHECK(d.volumes[0].used_capacity == 11 * GIB);
    }
    ds_free(&d);
    CHECK(store_load_summed(s, T0 + 86400, T0 + 2 * 86400, &d, &err) == 0);
    CHECK(d.n_volumes == 1 && d.volumes[0].used_peak == 1 * GIB && d.volumes[0].used_avg == 1 * GIB);
    ds_free(&d);
    store_close(s);
}

TEST(store_keeps_day_peaks)
{
    char dir[] = "/tmp/kt-pvusage-XXXXXX", url[128];
    if (!mkdtemp(dir))
        return;
    snprintf(url, sizeof url, "sqlite:%s/kt.db", dir);
    day_peaks_on(url);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd)) {}
}

TEST(store_keeps_day_peaks_postgresql)
{
    const char *url = getenv("KUBETALLY_TEST_PG");
    if (url && *url)
        day_peaks_on(url);
    else
        printf("skip PostgreSQL: KUBETALLY_TEST_PG not set\n");
}

int main(void)
{
    RUN(sizing_with_headroom);
    RUN(in_the_summary);
    RUN(store_keeps_day_peaks);
    RUN(store_keeps_day_peaks_postgresql);
    return check_done();
}

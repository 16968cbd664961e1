/* test_meter_kubelet.c — what the kubelet Summary API adds to the meter:
 * pods' network counters become hourly traffic, claims' used bytes become
 * the bound volume's day peaks.  Arithmetic in the comments. */
#include "test_meter_fixture.h"

static void pv_and_claim(fx *f, int64_t now)
{
    kt_object o = {.kind = K_PV};
    o.u.pv = (kt_pv_obj){.name = S(f, "vol-a"), .storage_class = S(f, "gp3"), .claim_ns = S(f, "a"),
                         .claim_name = S(f, "data"), .bytes = 10 * GIB};
    f->k.on_upsert(f->k.ctx, &o, now);
    o = (kt_object){.kind = K_PVC};
    o.u.pvc = (kt_pvc_obj){S(f, "a"), S(f, "data"), S(f, "vol-a"), S(f, "gp3"), 10 * GIB};
    f->k.on_upsert(f->k.ctx, &o, now);
}

static const ds_network_fact *netfact(const kt_dataset *ds, const char *pod, int64_t t)
{
    long p = ds_pod_index(ds, "a", pod);
    for (size_t i = 0; i < ds->n_netfacts; i++)
        if ((long)ds->netfacts[i].pod == p && ds->netfacts[i].t == t)
            return &ds->netfacts[i];
    return NULL;
}

/* Counters (rx, tx) of pod u1:
 *   10:50 (1000, 100)   the baseline: nothing counted
 *   10:55 (7000, 700)   +6000, +600 in hour 10
 *   11:05 (19000, 1900) +12000, +1200 over (10:55, 11:05]: half in hour 10, half in 11
 *   11:05 (99999, 9999) not newer: ignored
 *   11:10 (500, 50)     went back (the pod's network was remade): +500, +50 in hour 11
 * hour 10: rx 6000 + 6000 = 12000, tx 600 + 600 = 1200
 * hour 11: rx 6000 + 500 = 6500,   tx 600 + 50 = 650 (all tx_other: no destination) */
TEST(network_counters)
{
    fx f;
    fx_open(&f, "knet", HM(10, 0), 0);
    fx_node(&f, "n1", "", "", 4, 16, T0, HM(10, 0));
    pod_spec p = {"a", "u1", "n1", NULL, NULL, {{"c", 1, 1, HM(9, 0), 0, 1}}, 1, {NULL}, {NULL}};
    fx_pod(&f, &p, HM(10, 0));
    uint32_t ns = S(&f, "a"), pod = S(&f, "u1");
    kt_net_sample n[] = {{ns, pod, 1000, 100, HM(10, 50)}, {ns, pod, 7000, 700, HM(10, 55)},
                         {ns, pod, 19000, 1900, HM(11, 5)}, {ns, pod, 99999, 9999, HM(11, 5)},
                         {ns, pod, 500, 50, HM(11, 10)}, {S(&f, "a"), S(&f, "nobody"), 5, 5, HM(11, 10)}};
    meter_pod_network(f.m, n, 6);
    CHECK(fx_flush(&f, HM(11, 15)) == 0);
    kt_dataset ds;
    fx_load(&f, HM(10, 0), HM(12, 0), &ds);
    const ds_network_fact *h10 = netfact(&ds, "u1", HM(10, 0)), *h11 = netfact(&ds, "u1", HM(11, 0));
    CHECK(h10 && h11 && ds.n_netfacts == 2);
    if (h10 && h11) {
        CHECK_NEAR(h10->rx_bytes, 12000, 1e-12);
        CHECK_NEAR(h10->tx_other, 1200, 1e-12);
        CHECK_NEAR(h11->rx_bytes, 6500, 1e-12);
        CHECK_NEAR(h11->tx_other, 650, 1e-12);
        CHECK(h10->tx_internet == 0 && h10->tx_region == 0 && h10->tx_zone == 0 && h10->cost_internet == 0);
    }
    ds_free(&ds);
    fx_close(&f);
}

/* Claim a/data (bound to vol-a, 10 GiB) used 3, 5, then 4 GiB on day 0,
 * and 1 GiB early on day 1; a claim the meter does not know is skipped.
 * Day 0: peak 5 GiB, average (3 + 5 + 4)/3 = 4 GiB; day 1: 1 GiB — the
 * day-0 peak is still written by the flush after day 1 began. */
TEST(claim_used_bytes)
{
    fx f;
    fx_open(&f, "kvol", HM(10, 0), 0);
    fx_node(&f, "n1", "", "", 4, 16, T0, HM(10, 0));
    pv_and_claim(&f, HM(10, 0));
    pod_spec p = {"a", "u1", "n1", NULL, NULL, {{"c", 1, 1, HM(9, 0), 0, 1}}, 1, {NULL}, {"data", NULL}};
    fx_pod(&f, &p, HM(10, 0));
    uint32_t ns = S(&f, "a"), claim = S(&f, "data");
    kt_volume_sample v[] = {{ns, claim, 3 * GIB, 10 * GIB, HM(10, 10)}, {ns, claim, 5 * GIB, 10 * GIB, HM(10, 20)},
                            {ns, claim, 4 * GIB, 10 * GIB, HM(10, 30)},
                            {ns, S(&f, "other"), 9 * GIB, 9 * GIB, HM(10, 30)}};
    meter_volume_stats(f.m, v, 4);
    kt_volume_sample next = {ns, claim, 1 * GIB, 10 * GIB, T0 + 86400 + 600};
    meter_volume_stats(f.m, &next, 1);
    CHECK(fx_flush(&f, T0 + 86400 + 900) == 0);
    kt_dataset ds;
    fx_load(&f, T0, T0 + 86400, &ds);
    CHECK(ds.n_volumes == 1);
    if (ds.n_volumes == 1) {
        CHECK(ds.volumes[0].used_peak == 5 * GIB);
        CHECK_NEAR(ds.volumes[0].used_avg, 4 * GIB, 1e-12);
        CHECK(ds.volumes[0].used_capacity == 10 * GIB);
    }
    ds_free(&ds);
    fx_load(&f, T0 + 86400, T0 + 86400 + 900, &ds);
    CHECK(ds.n_volumes == 1 && ds.volumes[0].used_peak == 1 * GIB);
    ds_free(&ds);
    fx_close(&f);
}

int main(void)
{
    RUN(network_counters);
    RUN(claim_used_bytes);
    return check_done();
}

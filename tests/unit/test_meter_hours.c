/* test_meter_hours.c — the meter's hourly integration against numbers worked
 * out by hand: requests across hour boundaries, node hours and prices,
 * usage above and below the request, container restarts and terminations,
 * deletions, relists that drop a pod, and relists that see it again. */
#include "test_meter_fixture.h"

/* 1. Two nodes, three pods; metering since 09:00, flushed at 09:50, 10:30
 *    and 11:10. */
TEST(requests_and_node_hours)
{
    fx f;
    fx_open(&f, "hours", HM(9, 0), 0);
    /* n1 (4 cores, 16 GiB) exists since yesterday; n2 (2 cores, 8 GiB) is
     * created at 09:10.  Neither has a provider: default rates. */
    fx_node(&f, "n1", "", "", 4, 16, T0 - 86400, HM(9, 0));
    pod_spec p2 = {"web", "web-2", "n1", NULL, NULL, {{"app", 1, 2, HM(8, 0), 0, 1}}, 1, {NULL}, {NULL}};
    pod_spec p3 = {"web", "pending", NULL, NULL, NULL, {{"app", 1, 1, 0, 0, 0}}, 1, {NULL}, {NULL}};
    fx_pod(&f, &p2, HM(9, 0));
    fx_pod(&f, &p3, HM(9, 0));
    f.k.on_resync(f.k.ctx, K_NODE, HM(9, 0));
    f.k.on_resync(f.k.ctx, K_POD, HM(9, 0));
    fx_node(&f, "n2", "", "", 2, 8, HM(9, 10), HM(9, 10));
    /* web-1 runs 09:15 → 10:45: 90 minutes across the 10:00 boundary */
    pod_spec p1 = {"web", "web-1", "n2", NULL, NULL, {{"app", 0.5, 1, HM(9, 15), 0, 1}}, 1, {NULL}, {NULL}};
    fx_pod(&f, &p1, HM(9, 15));
    CHECK(fx_flush(&f, HM(9, 50)) == 0);
    CHECK(fx_flush(&f, HM(10, 30)) == 0);
    p1.c[0] = (ctr_spec){"app", 0.5, 1, HM(9, 15), HM(10, 45), 0};
    fx_pod(&f, &p1, HM(10, 46));
    CHECK(fx_flush(&f, HM(11, 10)) == 0);

    kt_dataset ds;
    fx_load(&f, HM(9, 0), HM(12, 0), &ds);
    /* web-1: hour 9 = 09:15–10:00 = 2700 s; cpu 0.5 × 2700/3600 = 0.375
     * core-h; ram 1 GiB × 0.75 h = 0.75 GiB-h.  Hour 10 = 10:00–10:45 = 2700 s
     * likewise.  Hour 11: not running. */
    const ds_container_fact *c = cfact(&ds, "web-1", "app", HM(9, 0));
    CHECK(c && c->seconds == 2700);
    CHECK_NEAR(c ? c->cpu_req : -1, 0.375, 1e-12);
    CHECK_NEAR(c ? c->ram_req / GIB : -1, 0.75, 1e-12);
    CHECK_NEAR(c ? c->cpu_use : -1, 0.375, 1e-12); /* no usage: use = request */
    c = cfact(&ds, "web-1", "app", HM(10, 0));
    CHECK(c && c->seconds == 2700);
    CHECK_NEAR(c ? c->cpu_req : -1, 0.375, 1e-12);
    CHECK(!cfact(&ds, "web-1", "app", HM(11, 0)));
    /* web-2 (1 core, 2 GiB since 08:00) clipped at since = 09:00: 3600 s in
     * hours 9 and 10, 10 min (600 s) of hour 11 up to the flush at 11:10;
     * hour 11: 1 × 600/3600 = 0.1666… core-h, 2 GiB × 1/6 h = 0.333… GiB-h */
    CHECK(csec(&ds, "web-2", "app", HM(9, 0)) == 3600);
    CHECK(csec(&ds, "web-2", "app", HM(10, 0)) == 3600);
    c = cfact(&ds, "web-2", "app", HM(11, 0));
    CHECK(c && c->seconds == 600);
    CHECK_NEAR(c ? c->cpu_req : -1, 1.0 / 6, 1e-12);
    CHECK_NEAR(c ? c->ram_req / GIB : -1, 2.0 / 6, 1e-12);
    CHECK(ds_pod_index(&ds, "web", "pending") < 0); /* unscheduled: not metered */
    /* nodes: n1 hours 1, 1, 1/6; n2 from 09:10: 50/60, 1, 1/6.
     * n1 price 4 × 0.031611 + 16 × 0.004237 = 0.126444 + 0.067792 = 0.194236/h
     * n2 price 2 × 0.031611 +  8 × 0.004237 = 0.063222 + 0.033896 = 0.097118/h */
    const ds_node_fact *n = nfact(&ds, "n1", HM(9, 0));
    CHECK(n && n->hours == 1);
    CHECK_NEAR(n ? n->hourly : -1, 0.194236, 1e-12);
    CHECK_NEAR(n ? n->cpu_price : -1, 0.031611, 1e-12);
    n = nfact(&ds, "n1", HM(11, 0));
    CHECK_NEAR(n ? n->hours : -1, 1.0 / 6, 1e-12);
    n = nfact(&ds, "n2", HM(9, 0));
    CHECK_NEAR(n ? n->hours : -1, 50.0 / 60, 1e-12);
    CHECK_NEAR(n ? n->hourly : -1, 0.097118, 1e-12);
    CHECK_NEAR(nfact(&ds, "n2", HM(10, 0)) ? nfact(&ds, "n2", HM(10, 0))->hours : -1, 1, 1e-12);
    CHECK(ds.n_nodes == 2 && ds.n_pods == 2);
    ds_free(&ds);

    kt_meter_counts k;
    meter_counts(f.m, &k);
    CHECK(k.nodes == 2 && k.pods == 3 && k.running_containers == 1 && k.last_flush == HM(11, 10));
    fx_close(&f);
}

/* 2. Usage above and below the request. */
TEST(usage_integrals)
{
    fx f;
    fx_open(&f, "usage", HM(10, 0), 0);
    fx_node(&f, "n1", "", "", 4, 16, T0, HM(10, 0));
    pod_spec p = {"a", "u1", "n1", NULL, NULL, {{"c", 1, 1, HM(9, 0), 0, 1}}, 1, {NULL}, {NULL}};
    fx_pod(&f, &p, HM(10, 0));
    uint32_t ns = S(&f, "a"), pod = S(&f, "u1"), ctr = S(&f, "c");
    kt_usage_sample u[] = {
        {ns, pod, ctr, 2.0, 0.5 * GIB, HM(10, 10), 600}, /* (10:00, 10:10]: cpu above, ram below */
        {ns, pod, ctr, 0.5, 2.0 * GIB, HM(10, 20), 600}, /* (10:10, 10:20]: cpu below, ram above */
        {ns, pod, ctr, 3.0, 1.0 * GIB, HM(10, 25), 60},  /* (10:24, 10:25]: only its window */
        {ns, pod, ctr, 9.0, 9.0 * GIB, HM(10, 25), 60},  /* not newer: ignored */
    };
    meter_usage(f.m, u, 4);
    CHECK(fx_flush(&f, HM(10, 30)) == 0);
    kt_dataset ds;
    fx_load(&f, HM(10, 0), HM(11, 0), &ds);
    /* [10:00, 10:30): 1800 s, 1260 measured, 540 at the request (1 core, 1 GiB)
     * cpu_use   = (2×600 + 0.5×600 + 3×60 + 1×540)/3600 = 2220/3600
     * cpu_alloc = (2×600 + 1×600 + 3×60 + 1×540)/3600   = 2520/3600 = 0.7
     * ram_use   = (0.5×600 + 2×600 + 1×60 + 1×540)/3600 = 2100/3600 GiB-h
     * ram_alloc = (1×600 + 2×600 + 1×60 + 1×540)/3600   = 2400/3600 GiB-h
     * peaks: 3 cores, 2 GiB */
    const ds_container_fact *c = cfact(&ds, "u1", "c", HM(10, 0));
    CHECK(c && c->seconds == 1800);
    CHECK_NEAR(c ? c->cpu_req : -1, 0.5, 1e-12);
    CHECK_NEAR(c ? c->cpu_use : -1, 2220.0 / 3600, 1e-12);
    CHECK_NEAR(c ? c->cpu_alloc : -1, 0.7, 1e-12);
    CHECK_NEAR(c ? c->ram_use / GIB : -1, 2100.0 / 3600, 1e-12);
    CHECK_NEAR(c ? c->ram_alloc / GIB : -1, 2400.0 / 3600, 1e-12);
    CHECK_NEAR(c ? c->cpu_peak : -1, 3, 1e-12);
    CHECK_NEAR(c ? c->ram_peak / GIB : -1, 2, 1e-12);
    ds_free(&ds);
    /* At 11:05 hour 10 is rewritten whole: 3600 s, still 1260 measured, 2340
     * at the request: cpu_use = (1680 + 2340)/3600 = 4020/3600,
     * cpu_alloc = (1980 + 2340)/3600 = 4320/3600 = 1.2.  Hour 11 (300 s) has
     * no sample: use = alloc = request = 300/3600 core-h, peak = request. */
    CHECK(fx_flush(&f, HM(11, 5)) == 0);
    fx_load(&f, HM(10, 0), HM(12, 0), &ds);
    c = cfact(&ds, "u1", "c", HM(10, 0));
    CHECK_NEAR(c ? c->cpu_use : -1, 4020.0 / 3600, 1e-12);
    CHECK_NEAR(c ? c->cpu_alloc : -1, 1.2, 1e-12);
    c = cfact(&ds, "u1", "c", HM(11, 0));
    CHECK(c && c->seconds == 300);
    CHECK_NEAR(c ? c->cpu_use : -1, 300.0 / 3600, 1e-12);
    CHECK_NEAR(c ? c->cpu_alloc : -1, 300.0 / 3600, 1e-12);
    CHECK_NEAR(c ? c->cpu_peak : -1, 1, 1e-12);
    ds_free(&ds);
    fx_close(&f);
}

/* 3. A restarted container and a terminated sidecar. */
TEST(restart_and_termination)
{
    fx f;
    fx_open(&f, "restart", HM(10, 0), 0);
    fx_node(&f, "n1", "", "", 4, 16, T0, HM(10, 0));
    pod_spec p = {"a", "r1", "n1", NULL, NULL,
                  {{"app", 0.25, 1, HM(10, 0), 0, 1}, {"log", 0.25, 1, HM(10, 0), 0, 1}}, 2, {NULL}, {NULL}};
    fx_pod(&f, &p, HM(10, 1));
    /* 10:20: app crashed (ran 10:00–10:15), log finished at 10:05 */
    p.c[0] = (ctr_spec){"app", 0.25, 1, HM(10, 0), HM(10, 15), 0};
    p.c[1] = (ctr_spec){"log", 0.25, 1, HM(10, 0), HM(10, 5), 0};
    fx_pod(&f, &p, HM(10, 20));
    /* 10:40: app running again since 10:30 */
    p.c[0] = (ctr_spec){"app", 0.25, 1, HM(10, 30), 0, 1};
    fx_pod(&f, &p, HM(10, 40));
    /* a relist at 10:45 sees the same state: nothing doubles */
    fx_pod(&f, &p, HM(10, 45));
    f.k.on_resync(f.k.ctx, K_POD, HM(10, 45));
    CHECK(fx_flush(&f, HM(10, 50)) == 0);
    kt_dataset ds;
    fx_load(&f, HM(10, 0), HM(11, 0), &ds);
    /* app: 10:00–10:15 + 10:30–10:50 = 900 + 1200 = 2100 s,
     *      cpu 0.25 × 2100/3600 = 0.1458333 core-h
     * log: 10:00–10:05 = 300 s, cpu 0.25 × 300/3600 = 0.0208333 */
    const ds_container_fact *c = cfact(&ds, "r1", "app", HM(10, 0));
    CHECK(c && c->seconds == 2100);
    CHECK_NEAR(c ? c->cpu_req : -1, 0.25 * 2100 / 3600, 1e-12);
    c = cfact(&ds, "r1", "log", HM(10, 0));
    CHECK(c && c->seconds == 300);
    CHECK_NEAR(c ? c->cpu_req : -1, 0.25 * 300 / 3600, 1e-12);
    ds_free(&ds);
    /* A second restart reported without the crash in between (new startedAt
     * 10:55 while 10:30 was open): the old run ends at 10:55. */
    p.c[0] = (ctr_spec){"app", 0.25, 1, HM(10, 55), 0, 1};
    fx_pod(&f, &p, HM(10, 56));
    CHECK(fx_flush(&f, HM(11, 0)) == 0);
    fx_load(&f, HM(10, 0), HM(11, 0), &ds);
    /* 900 + (10:30–10:55 = 1500) + (10:55–11:00 = 300) = 2700 s */
    CHECK(csec(&ds, "r1", "app", HM(10, 0)) == 2700);
    ds_free(&ds);
    fx_close(&f);
}

/* 4. Deletions: a pod mid-hour, a node, a pod a relist no longer shows, and
 *    the same pod listed again with the same startedAt. */
TEST(deletions_and_relists)
{
    fx f;
    fx_open(&f, "delete", HM(10, 0), 0);
    fx_node(&f, "n1", "", "", 4, 16, T0, HM(10, 0));
    fx_node(&f, "n2", "", "", 2, 8, T0, HM(10, 0));
    pod_spec d1 = {"a", "d1", "n1", NULL, NULL, {{"c", 1, 1, HM(9, 0), 0, 1}}, 1, {NULL}, {NULL}};
    pod_spec d2 = {"a", "d2", "n1", NULL, NULL, {{"c", 1, 1, HM(10, 0), 0, 1}}, 1, {NULL}, {NULL}};
    pod_spec d3 = {"a", "d3", "n2", NULL, NULL, {{"c", 1, 1, HM(9, 30), 0, 1}}, 1, {NULL}, {NULL}};
    fx_pod(&f, &d1, HM(10, 0)), fx_pod(&f, &d2, HM(10, 0)), fx_pod(&f, &d3, HM(10, 0));
    f.k.on_resync(f.k.ctx, K_POD, HM(10, 0));
    fx_pod_delete(&f, &d1, HM(10, 20)); /* deleted at 10:20 */
    kt_object n2 = {.kind = K_NODE};
    n2.u.node.name = S(&f, "n2");
    f.k.on_delete(f.k.ctx, &n2, HM(10, 30));
    /* a relist at 10:40 (the watch was down) shows d3 but not d2 */
    fx_pod(&f, &d3, HM(10, 40));
    f.k.on_resync(f.k.ctx, K_POD, HM(10, 40));
    CHECK(fx_flush(&f, HM(10, 42)) == 0);
    kt_dataset ds;
    fx_load(&f, HM(10, 0), HM(11, 0), &ds);
    CHECK(csec(&ds, "d1", "c", HM(10, 0)) == 1200); /* 10:00–10:20 */
    CHECK(csec(&ds, "d2", "c", HM(10, 0)) == 2400); /* 10:00–10:40, closed by the relist */
    CHECK(csec(&ds, "d3", "c", HM(10, 0)) == 2520); /* 10:00–10:42 */
    CHECK_NEAR(nfact(&ds, "n2", HM(10, 0)) ? nfact(&ds, "n2", HM(10, 0))->hours : -1, 0.5, 1e-12);
    ds_free(&ds);
    /* 10:45: d2 is listed again, running since 10:00 as before: it ran all
     * along, so hour 10 holds 10:00–10:50 = 3000 s, not 2400 + 3000 */
    fx_pod(&f, &d2, HM(10, 45));
    fx_pod(&f, &d3, HM(10, 45));
    f.k.on_resync(f.k.ctx, K_POD, HM(10, 45));
    CHECK(fx_flush(&f, HM(10, 50)) == 0);
    fx_load(&f, HM(10, 0), HM(11, 0), &ds);
    CHECK(csec(&ds, "d2", "c", HM(10, 0)) == 3000);
    CHECK(csec(&ds, "d1", "c", HM(10, 0)) == 1200);
    ds_free(&ds);
    /* An empty relist deletes every pod: d2, d3 closed at 10:55; after the
     * flush at 11:10 their hours are final and the meter forgets them. */
    f.k.on_resync(f.k.ctx, K_POD, HM(10, 55));
    kt_meter_counts k;
    meter_counts(f.m, &k);
    CHECK(k.pods == 0 && k.running_containers == 0 && k.nodes == 1);
    CHECK(fx_flush(&f, HM(11, 10)) == 0);
    fx_load(&f, HM(10, 0), HM(12, 0), &ds);
    CHECK(csec(&ds, "d2", "c", HM(10, 0)) == 3300); /* 10:00–10:55 */
    CHECK(!cfact(&ds, "d2", "c", HM(11, 0)));
    ds_free(&ds);
    size_t before = k.bytes;
    meter_counts(f.m, &k);
    CHECK(k.bytes < before); /* dropped: containers and labels freed */
    fx_close(&f);
}

/* A pod replaced under its name while the watch was down: the relist shows
 * the successor (another uid) and not the predecessor's end.  The
 * predecessor ran until the successor was created, not until the
 * successor's containers started. */
TEST(replaced_under_its_name_in_a_relist)
{
    fx f;
    fx_open(&f, "replaced", HM(10, 0), 0);
    fx_node(&f, "n1", "", "", 4, 16, T0, HM(10, 0));
    pod_spec old = {"a", "web", "n1", NULL, NULL, {{"c", 1, 1, HM(10, 0), 0, 1}}, 1, {NULL}, {NULL}};
    fx_pod_as(&f, &old, "uid-1", HM(10, 0), HM(10, 0));
    f.k.on_resync(f.k.ctx, K_POD, HM(10, 0));
    /* 10:30 relist: web is uid-2, created 10:20, running since 10:25 */
    pod_spec succ = {"a", "web", "n1", NULL, NULL, {{"c", 1, 1, HM(10, 25), 0, 1}}, 1, {NULL}, {NULL}};
    fx_pod_as(&f, &succ, "uid-2", HM(10, 20), HM(10, 30));
    f.k.on_resync(f.k.ctx, K_POD, HM(10, 30));
    CHECK(fx_flush(&f, HM(10, 40)) == 0);
    kt_dataset ds;
    fx_load(&f, HM(10, 0), HM(11, 0), &ds);
    /* 10:00–10:20 (predecessor) + 10:25–10:40 (successor) = 1200 + 900 s */
    CHECK(csec(&ds, "web", "c", HM(10, 0)) == 2100);
    ds_free(&ds);
    /* the same successor listed again changes nothing; a successor whose
     * creation is unknown closes the predecessor at the relist (10:45) */
    fx_pod_as(&f, &succ, "uid-2", HM(10, 20), HM(10, 42));
    pod_spec third = {"a", "web", "n1", NULL, NULL, {{"c", 1, 1, HM(10, 50), 0, 1}}, 1, {NULL}, {NULL}};
    fx_pod_as(&f, &third, "uid-3", 0, HM(10, 45));
    CHECK(fx_flush(&f, HM(10, 55)) == 0);
    fx_load(&f, HM(10, 0), HM(11, 0), &ds);
    /* 1200 + 10:25–10:45 (1200) + 10:50–10:55 (300) */
    CHECK(csec(&ds, "web", "c", HM(10, 0)) == 2700);
    ds_free(&ds);
    fx_close(&f);
}

int main(void)
{
    RUN(requests_and_node_hours);
    RUN(usage_integrals);
    RUN(restart_and_termination);
    RUN(deletions_and_relists);
    RUN(replaced_under_its_name_in_a_relist);
    return check_done();
}

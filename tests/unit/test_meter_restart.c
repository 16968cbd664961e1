/* test_meter_restart.c — restarts and failed flushes: a meter killed after
 * a flush and a new one resuming from `since`/`resume` write the same
 * request hours as one meter that ran the whole time; a flush that fails
 * (read-only store, an error injected half-way through) leaves the store as
 * it was and the next flush writes everything. */
#include <sqlite3.h>

#include "test_meter_fixture.h"

/* n1 (onprem, 4 cores, 16 GiB); p: 1 core, 2 GiB running since 09:30;
 * q: 0.5 core, 1 GiB, started 10:10.  Listed at `now`. */
static void scenario(fx *f, int64_t now)
{
    fx_node(f, "n1", "", "", 4, 16, T0, now);
    pod_spec p = {"a", "p", "n1", NULL, NULL, {{"c", 1, 2, HM(9, 30), 0, 1}}, 1, {NULL}, {NULL}};
    pod_spec q = {"a", "q", "n1", NULL, NULL, {{"c", 0.5, 1, HM(10, 10), 0, 1}}, 1, {NULL}, {NULL}};
    fx_pod(f, &p, now);
    fx_pod(f, &q, now);
    f->k.on_resync(f->k.ctx, K_NODE, now);
    f->k.on_resync(f->k.ctx, K_POD, now);
}

static int64_t meta_int(fx *f, const char *key)
{
    char buf[64];
    kt_err err;
    return store_get_meta(f->s, key, buf, sizeof buf, &err) == 1 ? atoll(buf) : -1;
}

TEST(kill_and_resume_matches_one_meter)
{
    /* reference: one meter from 10:00, flushing at 10:20 and 10:40 */
    fx ref;
    fx_open(&ref, "ref", HM(10, 0), 0);
    scenario(&ref, HM(10, 12));
    CHECK(fx_flush(&ref, HM(10, 20)) == 0 && fx_flush(&ref, HM(10, 40)) == 0);

    /* A: the same until its flush at 10:20, then killed (no more flushes) */
    fx a;
    fx_open(&a, "resume", HM(10, 0), 0);
    scenario(&a, HM(10, 12));
    kt_usage_sample u = {S(&a, "a"), S(&a, "p"), S(&a, "c"), 3, 2 * GIB, HM(10, 15), 300};
    meter_usage(a.m, &u, 1);
    CHECK(fx_flush(&a, HM(10, 20)) == 0);
    CHECK(meta_int(&a, "live_since:c1") == HM(10, 0));
    CHECK(meta_int(&a, "live_flush:c1") == HM(10, 20));
    meter_free(a.m); /* kill -9: nothing else reaches the store */

    /* B: a new process with since and resume from the store's meta */
    kt_meter_opts o = {"c1", NULL, meta_int(&a, "live_since:c1"), meta_int(&a, "live_flush:c1")};
    strtab_free(&a.st);
    strtab_init(&a.st);
    a.m = meter_new(&o, &a.st);
    a.k = meter_sink(a.m);
    scenario(&a, HM(10, 25));
    CHECK(fx_flush(&a, HM(10, 40)) == 0);

    kt_dataset dr, da;
    fx_load(&ref, HM(10, 0), HM(11, 0), &dr);
    fx_load(&a, HM(10, 0), HM(11, 0), &da);
    /* p: 10:00–10:40 = 2400 s, 1 × 2400/3600 = 0.6667 core-h, 2 GiB × 2/3 h;
     * q: 10:10–10:40 = 1800 s, 0.5 × 0.5 = 0.25 core-h, 1 GiB × 0.5 h */
    const char *pods[] = {"p", "q"};
    double secs[] = {2400, 1800}, cpu[] = {2400.0 / 3600, 0.25}, ram[] = {2 * 2400.0 / 3600, 0.5};
    for (int i = 0; i < 2; i++) {
        const ds_container_fact *r = cfact(&dr, pods[i], "c", HM(10, 0)), *b = cfact(&da, pods[i], "c", HM(10, 0));
        CHECK(r && b);
        if (!r || !b)
            continue;
        CHECK(r->seconds == secs[i] && b->seconds == secs[i]);
        CHECK_NEAR(b->cpu_req, cpu[i], 1e-12);
        CHECK_NEAR(r->cpu_req, cpu[i], 1e-12);
        CHECK_NEAR(b->ram_req / GIB, ram[i], 1e-12);
        CHECK_NEAR(r->ram_req / GIB, ram[i], 1e-12);
        /* A's usage stays: B writes the stored 10:00–10:20 (A's sample at 10:15
         * over 300 s at 3 cores for p) plus its own 10:20–10:40 at request:
         * p 2400/3600 + (3 − 1) × 300/3600 = 0.8333; q 0.25 */
        CHECK_NEAR(b->cpu_use, i == 0 ? 3000.0 / 3600 : cpu[i], 1e-12);
    }
    CHECK(da.n_cfacts == 2 && da.n_pods == 2 && da.n_nodes == 1); /* nothing doubled */
    CHECK_NEAR(nfact(&da, "n1", HM(10, 0)) ? nfact(&da, "n1", HM(10, 0))->hours : -1, 40.0 / 60, 1e-12);
    ds_free(&dr), ds_free(&da);
    fx_close(&ref);
    fx_close(&a);
}

/* What only the killed process saw must survive the restart: web ran
 * 10:00–10:10 and was replaced under the same name from 10:15 (as a
 * StatefulSet pod is), a container restarted at 10:12.  A flushes at 10:20
 * and dies; B sees only the current pods and containers. */
TEST(restart_keeps_what_only_the_dead_process_saw)
{
    fx a;
    fx_open(&a, "replaced", HM(10, 0), 0);
    fx_node(&a, "n1", "", "", 4, 16, T0, HM(10, 0));
    pod_spec old = {"a", "web", "n1", NULL, NULL, {{"c", 1, 1, HM(10, 0), 0, 1}}, 1, {NULL}, {NULL}};
    fx_pod(&a, &old, HM(10, 1));
    old.c[0] = (ctr_spec){"c", 1, 1, HM(10, 0), HM(10, 10), 0};
    fx_pod_delete(&a, &old, HM(10, 10));                     /* 600 s, then gone */
    pod_spec new_ = {"a", "web", "n1", NULL, NULL, {{"c", 1, 1, HM(10, 15), 0, 1}}, 1, {NULL}, {NULL}};
    fx_pod(&a, &new_, HM(10, 15));
    pod_spec crash = {"a", "job", "n1", NULL, NULL, {{"c", 0.5, 1, HM(10, 0), 0, 1}}, 1, {NULL}, {NULL}};
    fx_pod(&a, &crash, HM(10, 5));
    crash.c[0].started = HM(10, 12);                         /* restarted: the 10:00 run ended at 10:12 */
    fx_pod(&a, &crash, HM(10, 12));
    CHECK(fx_flush(&a, HM(10, 20)) == 0);
    meter_free(a.m);                                         /* kill -9 */

    kt_meter_opts o = {"c1", NULL, HM(10, 0), HM(10, 20)};
    strtab_free(&a.st);
    strtab_init(&a.st);
    a.m = meter_new(&o, &a.st);
    a.k = meter_sink(a.m);
    fx_node(&a, "n1", "", "", 4, 16, T0, HM(10, 25));
    fx_pod(&a, &new_, HM(10, 25));                           /* only the current incarnations */
    fx_pod(&a, &crash, HM(10, 25));
    a.k.on_resync(a.k.ctx, K_NODE, HM(10, 25));
    a.k.on_resync(a.k.ctx, K_POD, HM(10, 25));
    /* B's first sample reaches 5 minutes back, into what the baseline holds:
     * only 10:20–10:21 is B's to count */
    kt_usage_sample u = {S(&a, "a"), S(&a, "web"), S(&a, "c"), 3, 1 * GIB, HM(10, 21), 300};
    meter_usage(a.m, &u, 1);
    CHECK(fx_flush(&a, HM(10, 40)) == 0);
    CHECK(fx_flush(&a, HM(10, 50)) == 0);                    /* the baseline counts once per write, not per flush */

    kt_dataset d;
    fx_load(&a, HM(10, 0), HM(11, 0), &d);
    const ds_container_fact *w = cfact(&d, "web", "c", HM(10, 0)), *j = cfact(&d, "job", "c", HM(10, 0));
    /* web: 10:00–10:10 (old) + 10:15–10:50 (new) = 600 + 2100 = 2700 s; 1 core ⇒ 0.75 core-h.
     * job: 10:00–10:12 + 10:12–10:50 = 3000 s; 0.5 core ⇒ 3000/7200 core-h.
     * Recomputing 10:00 from B's view alone would give 2100 s and 2280 s. */
    CHECK(w && j);
    if (w && j) {
        CHECK_NEAR(w->seconds, 2700, 1e-9);
        CHECK_NEAR(w->cpu_req, 0.75, 1e-12);
        /* use: A's 900 s at request + 60 s at 3 cores + 1740 s at request = (900 + 180 + 1740)/3600;
         * counting the sample from 10:16 would give (900 + 900 + 1500)/3600 */
        CHECK_NEAR(w->cpu_use, 2820.0 / 3600, 1e-12);
        CHECK_NEAR(j->seconds, 3000, 1e-9);
        CHECK_NEAR(j->cpu_req, 3000.0 / 7200, 1e-12);
    }
    /* the node: 10:00–10:50, once (0.8333 h), and the baseline is not added again in the next hour */
    CHECK_NEAR(nfact(&d, "n1", HM(10, 0)) ? nfact(&d, "n1", HM(10, 0))->hours : -1, 50.0 / 60, 1e-12);
    ds_free(&d);
    CHECK(fx_flush(&a, HM(11, 10)) == 0);
    fx_load(&a, HM(10, 0), HM(12, 0), &d);
    w = cfact(&d, "web", "c", HM(10, 0));
    const ds_container_fact *w11 = cfact(&d, "web", "c", HM(11, 0));
    CHECK(w && w11 && w->seconds == 2700 + 600 && w11->seconds == 600); /* 10:50–11:00 added, 11:00–11:10 */
    ds_free(&d);
    fx_close(&a);
}

static void exec_sql(const char *path, const char *sql)
{
    sqlite3 *db;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "sql: %s\n", msg ? msg : "?");
    CHECK(rc == SQLITE_OK);
    sqlite3_free(msg);
    sqlite3_close(db);
}

TEST(failed_flush_changes_nothing)
{
    fx f;
    fx_open(&f, "fail", HM(10, 0), 0);
    scenario(&f, HM(10, 0));
    CHECK(fx_flush(&f, HM(10, 20)) == 0);
    /* after 10:20: a new node and a new pod on it */
    fx_node(&f, "n2", "", "", 2, 8, HM(10, 21), HM(10, 21));
    pod_spec late = {"a", "late", "n2", NULL, NULL, {{"c", 1, 1, HM(10, 22), 0, 1}}, 1, {NULL}, {NULL}};
    fx_pod(&f, &late, HM(10, 25));

    /* 1: a read-only handle on the same database */
    char url[300];
    snprintf(url, sizeof url, "sqlite:%s", f.path);
    kt_store *ro;
    kt_err err = {0};
    CHECK(store_open(url, KT_STORE_READONLY, &ro, &err) == 0);
    CHECK(meter_flush(f.m, ro, HM(10, 26), &err) == -1);
    CHECK(strstr(err.msg, "meter: cluster c1") != NULL);
    store_close(ro);
    /* 2: an error half-way (after the cluster and nodes were written): the
     * pod "late" is refused by a trigger */
    exec_sql(f.path, "CREATE TRIGGER no_late BEFORE INSERT ON pods WHEN NEW.name = 'late' "
                     "BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
    CHECK(meter_flush(f.m, f.s, HM(10, 30), &err) == -1);
    CHECK(strstr(err.msg, "injected failure") != NULL);

    kt_dataset ds;
    fx_load(&f, HM(10, 0), HM(11, 0), &ds);
    CHECK(csec(&ds, "p", "c", HM(10, 0)) == 1200); /* still the 10:20 flush */
    CHECK(ds_pod_index(&ds, "a", "late") < 0);
    CHECK(!nfact(&ds, "n2", HM(10, 0)) && ds.n_nodes == 1);
    ds_free(&ds);
    CHECK(meta_int(&f, "live_flush:c1") == HM(10, 20));

    /* the next flush writes everything, n2 included (its id from the failed
     * flush was forgotten) */
    exec_sql(f.path, "DROP TRIGGER no_late;");
    CHECK(fx_flush(&f, HM(10, 40)) == 0);
    fx_load(&f, HM(10, 0), HM(11, 0), &ds);
    CHECK(csec(&ds, "p", "c", HM(10, 0)) == 2400);
    CHECK(csec(&ds, "late", "c", HM(10, 0)) == 1080); /* 10:22–10:40 */
    const ds_node_fact *n = nfact(&ds, "n2", HM(10, 0));
    CHECK_NEAR(n ? n->hours : -1, 19.0 / 60, 1e-12); /* 10:21–10:40 */
    long li = ds_pod_index(&ds, "a", "late");
    CHECK(li >= 0 && ds.pods[li].node != KT_NONE && !strcmp(ds_str(&ds, ds.nodes[ds.pods[li].node].name), "n2"));
    ds_free(&ds);
    CHECK(meta_int(&f, "live_flush:c1") == HM(10, 40));
    fx_close(&f);
}

int main(void)
{
    RUN(kill_and_resume_matches_one_meter);
    RUN(restart_keeps_what_only_the_dead_process_saw);
    RUN(failed_flush_changes_nothing);
    return check_done();
}

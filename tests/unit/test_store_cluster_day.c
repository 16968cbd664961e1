/* test_store_cluster_day.c — on SQLite a flush rolls up and settles only the
 * (cluster, day)s it wrote (src/store/sqlite_cluster_day.c):
 *  - on the demo fleet (four clusters), rolling up cluster A's days alone
 *    gives A's daily rows of the whole-day roll-up, and each cluster rolled
 *    up alone in turn gives every daily row, to a relative 1e-12 (in fact
 *    bit for bit: the same facts, settled in the same order);
 *  - a flush of cluster A (a new node and container, hand-priced below)
 *    leaves every other cluster's daily rows bit for bit and their
 *    allocation answers unchanged, and A's new rows carry the hand-computed
 *    money. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "demo_fixture.h"
#include "demo/fleet.h"
#include "engine/query.h"
#include "store/sqlite_internal.h"
#include "store/store.h"

static char dir[] = "/tmp/kt-test-clday-XXXXXX";
static char dbpath[256];
static const int64_t NOW = 1767225600 + 13 * 3600 + 1200; /* 2026-01-01T13:20:00Z */
static const int64_t DAY0 = 1767225600 - 2 * 86400;      /* 2025-12-30: the first of the demo's 3 days */

/* Every daily row of one cluster (0: all), as numbers in key order. */
typedef struct dump {
    double *v;
    size_t n, cap, rows;
} dump;

static void dump_put(dump *d, double x)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 4096;
        d->v = realloc(d->v, d->cap * sizeof *d->v);
    }
    d->v[d->n++] = x;
}

static dump daily_rows(kt_store *s, int64_t cluster)
{
    dump d = {0};
    for (int f = 0; f < FT_COUNT; f++) {
        char sql[600], only[200];
        sqlite3_stmt *st;
        sq_cluster_where(f, cluster, only, sizeof only);
        snprintf(sql, sizeof sql, "SELECT * FROM %s_d WHERE t >= %lld%s ORDER BY 1, 2, 3", sq_fact_table[f],
                 (long long)DAY0, only);
        CHECK(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW) {
            d.rows++;
            for (int c = 0; c < sqlite3_column_count(st); c++)
                if (sqlite3_column_type(st, c) != SQLITE_TEXT)
                    dump_put(&d, sqlite3_column_double(st, c));
        }
        sqlite3_finalize(st);
    }
    return d;
}

/* Same rows, each number within rel (0: identical bits); counts the
 * numbers that differ at all into *differ. */
static int same_rows(const dump *a, const dump *b, double rel, size_t *differ)
{
    if (a->n != b->n || a->rows != b->rows)
        return 0;
    size_t diff = 0;
    int ok = 1;
    for (size_t i = 0; i < a->n; i++) {
        double scale = fabs(b->v[i]) > 1 ? fabs(b->v[i]) : 1;
        if (memcmp(&a->v[i], &b->v[i], sizeof(double)))
            diff++;
        if (!(fabs(a->v[i] - b->v[i]) <= rel * scale))
            ok = 0;
    }
    if (differ)
        *differ = diff;
    return ok;
}

/* Roll up (cluster, day) for the 3 demo days in one transaction. */
static void rollup(kt_store *s, int64_t cluster)
{
    kt_err err = {0};
    CHECK(store_begin(s, &err) == 0);
    for (int k = 0; k < 3; k++)
        sq_mark_dirty(s, cluster, DAY0 + k * 86400);
    CHECK(store_commit(s, &err) == 0);
}

TEST(one_cluster_equals_whole_day)
{
    kt_store *s;
    kt_err err;
    CHECK(store_open(dbpath, 0, &s, &err) == 0);
    rollup(s, 0); /* every cluster of each day at once */
    dump whole = daily_rows(s, 0), a_whole = daily_rows(s, 1);
    CHECK(whole.rows > 1000 && a_whole.rows > 100);
    rollup(s, 1); /* cluster 1 alone */
    dump a_alone = daily_rows(s, 1);
    size_t differ = 99;
    CHECK(same_rows(&a_alone, &a_whole, 1e-12, &differ));
    CHECK(differ == 0);
    for (int c = 2; c <= 4; c++) /* then each other cluster alone, one flush each */
        rollup(s, c);
    dump per_cluster = daily_rows(s, 0);
    differ = 99;
    CHECK(same_rows(&per_cluster, &whole, 1e-12, &differ));
    CHECK(differ == 0);
    free(whole.v), free(a_whole.v), free(a_alone.v), free(per_cluster.v);
    store_close(s);
}

/* The allocation rows of the 3 days by cluster, idle apart: name -> total. */
static void answer(kt_store *s, kt_alloc_result *r, kt_dataset *ds)
{
    kv p = {{"window", "aggregate"}, {"3d", "cluster"}, 2};
    kt_alloc_query q;
    kt_query_holder h;
    kt_err err = {0};
    CHECK(alloc_query_parse(kv_get, &p, NOW, &q, &h, &err) == 0);
    CHECK(store_load(s, q.window.start, q.window.end, 0, ds, &err) == 0);
    CHECK(alloc_compute(ds, &q, r, &err) == 0);
    query_holder_free(&h);
}

static const kt_alloc *find(const kt_alloc_result *r, const char *name)
{
    for (size_t i = 0; i < r->sets[0].n; i++)
        if (!strcmp(r->sets[0].items[i].name, name))
            return &r->sets[0].items[i];
    return NULL;
}

TEST(flush_of_one_cluster_leaves_the_others)
{
    kt_store *s;
    kt_err err = {0};
    CHECK(store_open(dbpath, 0, &s, &err) == 0);
    dump others[5];
    for (int c = 2; c <= 4; c++)
        others[c] = daily_rows(s, c);
    kt_alloc_result before, after;
    kt_dataset dsb, dsa;
    answer(s, &before, &dsb);
    char name_a[128] = "";
    sqlite3_stmt *st;
    CHECK(sqlite3_prepare_v2(s->db, "SELECT name FROM clusters WHERE id = 1", -1, &st, NULL) == SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(name_a, sizeof name_a, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);

    /* A flush of cluster 1: a 4-core, 16 GiB node at 0.03 $/core-h and
     * 0.004 $/GiB-h (hourly 4×0.03 + 16×0.004 = 0.184) and on it one
     * container requesting 1 core and 2 GiB, using half, for the hour
     * 10:00–11:00 of the last day. */
    int64_t hour = DAY0 + 2 * 86400 + 10 * 3600, node, pod, ctr;
    CHECK(store_begin(s, &err) == 0);
    kt_node_rec n = {.cluster_id = 1, .name = "fleetmem-node", .cpu_cores = 4, .ram_bytes = 16.0 * (1 << 30)};
    CHECK(store_put_node(s, &n, &node, &err) == 0);
    kt_pod_rec pr = {.cluster_id = 1, .node_id = node, .namespace = "fleetmem", .name = "p"};
    CHECK(store_put_pod(s, &pr, &pod, &err) == 0);
    CHECK(store_put_container(s, pod, "c", &ctr, &err) == 0);
    kt_node_hour nh = {node, hour, 1, 0.03, 0.004, 0, 0.184, "test"};
    kt_container_hour ch = {.container_id = ctr, .t = hour, .seconds = 3600, .cpu_req = 1, .cpu_use = 0.5,
                            .cpu_alloc = 1, .ram_req = 2.0 * (1 << 30), .ram_use = 1.0 * (1 << 30),
                            .ram_alloc = 2.0 * (1 << 30)};
    CHECK(store_put_node_hour(s, &nh, &err) == 0 && store_put_container_hour(s, &ch, &err) == 0);
    /* only (cluster 1, that day) is to be rolled up */
    size_t marked = 0;
    for (size_t i = 0; i < s->dirty.cap; i++)
        if (s->dirty.keys[i] != UINT64_MAX) {
            marked++;
            CHECK(s->dirty.keys[i] == sq_dirty_key(1, DAY0 + 2 * 86400));
        }
    CHECK(marked == 1);
    CHECK(store_commit(s, &err) == 0);

    for (int c = 2; c <= 4; c++) { /* the other clusters' rows: bit for bit */
        dump now = daily_rows(s, c);
        CHECK(now.rows > 0 && same_rows(&now, &others[c], 0, NULL));
        free(now.v), free(others[c].v);
    }
    /* the new container's day: cost 1 core-h × 0.03 + 2 GiB-h × 0.004 = 0.038;
     * its node's idle 3 × 0.03 = 0.09 (CPU) and 14 × 0.004 = 0.056 (RAM) */
    CHECK(sqlite3_prepare_v2(s->db, "SELECT c.cpu_cost, c.ram_cost, n.idle_cpu, n.idle_ram FROM container_d c,"
                             " node_d n WHERE c.container_id = ?1 AND n.node_id = ?2 AND c.t = ?3 AND n.t = ?3",
                             -1, &st, NULL) == SQLITE_OK);
    sqlite3_bind_int64(st, 1, ctr), sqlite3_bind_int64(st, 2, node), sqlite3_bind_int64(st, 3, DAY0 + 2 * 86400);
    CHECK(sqlite3_step(st) == SQLITE_ROW);
    CHECK_NEAR(sqlite3_column_double(st, 0), 0.03, 1e-12);
    CHECK_NEAR(sqlite3_column_double(st, 1), 0.008, 1e-12);
    CHECK_NEAR(sqlite3_column_double(st, 2), 0.09, 1e-12);
    CHECK_NEAR(sqlite3_column_double(st, 3), 0.056, 1e-12);
    sqlite3_finalize(st);

    /* answers: every other cluster's rows unchanged; cluster 1 up by its new
     * node's 0.184 (allocation 0.038 + idle 0.146) */
    answer(s, &after, &dsa);
    CHECK(before.sets[0].n == after.sets[0].n);
    int compared = 0;
    for (size_t i = 0; i < before.sets[0].n; i++) {
        const kt_alloc *b = &before.sets[0].items[i], *a = find(&after, b->name);
        CHECK(a != NULL);
        if (!a || !strncmp(b->name, name_a, strlen(name_a)))
            continue;
        CHECK(alloc_total(a) == alloc_total(b));
        compared++;
    }
    CHECK(compared >= 3);
    CHECK_NEAR(after.sets[0].assets_cost - before.sets[0].assets_cost, 0.184, 1e-9);

    /* and cluster 1's rows are what the whole-day roll-up gives */
    dump a_flushed = daily_rows(s, 1);
    rollup(s, 0);
    dump a_whole = daily_rows(s, 1);
    CHECK(same_rows(&a_flushed, &a_whole, 1e-12, NULL));
    free(a_flushed.v), free(a_whole.v);
    alloc_result_free(&before), alloc_result_free(&after), ds_free(&dsb), ds_free(&dsa);
    store_close(s);
}

int main(void)
{
    kt_demo_opts o = {3, 120, 11, NOW, 1, NULL};
    if (demo_fixture(dir, dbpath, sizeof dbpath, &o))
        return 1;
    RUN(one_cluster_equals_whole_day);
    RUN(flush_of_one_cluster_leaves_the_others);
    demo_fixture_remove(dir);
    return check_done();
}

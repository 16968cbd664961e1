/* sqlite_cluster_day.c — the (cluster, day) a write touches, and the SQL that
 * picks one cluster's rows of a fact table.
 *
 * A collector's flush writes one cluster.  Rolling up and settling only that
 * cluster's rows of the day, rather than every cluster's, is what keeps a
 * process that watches many clusters small and its flushes short (with ten
 * clusters each flush used to settle all ten).  It gives the same rows:
 * settlement is per node-hour and per cluster-hour, and every thing (node,
 * pod, container, volume, load balancer) belongs to exactly one cluster, so
 * one cluster's facts settle the same alone as among the others
 * (tests/unit/test_store_cluster_day.c).
 *
 * Dirty keys pack (cluster, day) as PostgreSQL's do (pg_dirty_key); cluster 0
 * means every cluster of the day: writes that are not one cluster's (a
 * reprice, a bill, a migration) and facts naming a thing the store does not
 * know. */
#include <assert.h>
#include <stdio.h>

#include "store/sqlite_internal.h"
#include "util/time.h"

/* Things a cluster is remembered for in one transaction.  More than this
 * and the cache starts again (one lookup per thing refills it). */
#define CLUSTER_OF_MAX (1u << 20)

/* Which kind of thing each fact table's first key names (-1: a cluster). */
static const int fact_kind[FT_COUNT] = {SQK_CONTAINER, SQK_NODE, SQK_VOLUME, SQK_POD, SQK_LB, SQK_POD, -1,
                                        SQK_POD};

/* Each fact table's rows of one cluster: its first key column IN the
 * cluster's things (the unique indexes on (cluster_id, …) and containers'
 * (pod_id, name) answer these). */
static const char *const cluster_filter[FT_COUNT] = {
    "container_id IN (SELECT c.id FROM containers c JOIN pods p ON p.id = c.pod_id WHERE p.cluster_id = %lld)",
    "node_id IN (SELECT id FROM nodes WHERE cluster_id = %lld)",
    "volume_id IN (SELECT id FROM volumes WHERE cluster_id = %lld)",
    "pod_id IN (SELECT id FROM pods WHERE cluster_id = %lld)",
    "lb_id IN (SELECT id FROM lbs WHERE cluster_id = %lld)",
    "pod_id IN (SELECT id FROM pods WHERE cluster_id = %lld)",
    "cluster_id = %lld",
    "pod_id IN (SELECT id FROM pods WHERE cluster_id = %lld)",
};

static const char *const cluster_of_sql[SQK_COUNT] = {
    "SELECT cluster_id FROM nodes WHERE id = ?1",
    "SELECT cluster_id FROM pods WHERE id = ?1",
    "SELECT p.cluster_id FROM containers c JOIN pods p ON p.id = c.pod_id WHERE c.id = ?1",
    "SELECT cluster_id FROM volumes WHERE id = ?1",
    "SELECT cluster_id FROM lbs WHERE id = ?1",
};

void sq_cluster_where(int ft, int64_t cluster, char *buf, size_t n)
{
    assert(ft >= 0 && ft < FT_COUNT && cluster >= 0 && n >= 160);
    buf[0] = 0;
    if (!cluster)
        return;
    int len = snprintf(buf, n, " AND ");
    snprintf(buf + len, n - (size_t)len, cluster_filter[ft], (long long)cluster);
}

void sq_mark_dirty(kt_store *s, int64_t cluster, int64_t day)
{
    assert(s && cluster >= 0 && cluster < ((int64_t)1 << 40) && day == day_floor(day));
    u64map_put(&s->dirty, sq_dirty_key(cluster, day), 1);
}

/* The cluster of thing `id` of `kind`: remembered, else asked once (0 when
 * the store has no such thing). */
static int cluster_of(kt_store *s, int kind, int64_t id, int64_t *cluster, kt_err *err)
{
    uint64_t v;
    if (u64map_get(&s->cluster_of[kind], (uint64_t)id, &v)) {
        *cluster = (int64_t)v;
        return 0;
    }
    sqlite3_stmt *st = sq_stmt(s, ST_CLUSTER_OF0 + kind, cluster_of_sql[kind], err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sq_step(s, st, "finding a thing's cluster", err);
    if (rc < 0)
        return -1;
    *cluster = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (*cluster <= 0) { /* unknown: not remembered, it may be put later */
        *cluster = 0;
        return 0;
    }
    if (s->cluster_of[kind].n >= CLUSTER_OF_MAX)
        u64map_free(&s->cluster_of[kind]), u64map_init(&s->cluster_of[kind]);
    u64map_put(&s->cluster_of[kind], (uint64_t)id, (uint64_t)*cluster);
    return 0;
}

int sq_mark_fact(kt_store *s, int ft, int64_t id, int64_t t, kt_err *err)
{
    assert(s && ft >= 0 && ft < FT_COUNT);
    int64_t cluster = id;
    if (fact_kind[ft] >= 0 && cluster_of(s, fact_kind[ft], id, &cluster, err))
        return -1;
    sq_mark_dirty(s, cluster > 0 ? cluster : 0, day_floor(t));
    return 0;
}

/* Every table is asked: a store may hold only volumes or fees for a day. */
int sq_cluster_day_has_rows(kt_store *s, int64_t cluster, int64_t day, char suffix)
{
    assert(s && cluster >= 0 && (suffix == 'h' || suffix == 'd'));
    for (int f = 0; f < FT_COUNT; f++) {
        char sql[400], where[200];
        sqlite3_stmt *st;
        sq_cluster_where(f, cluster, where, sizeof where);
        snprintf(sql, sizeof sql, "SELECT 1 FROM %s_%c WHERE t >= ?1 AND t < ?2%s LIMIT 1", sq_fact_table[f], suffix,
                 where);
        if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
            return 1; /* unsure: as if it had rows */
        sqlite3_bind_int64(st, 1, day);
        sqlite3_bind_int64(st, 2, day + 86400);
        int rows = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_finalize(st);
        if (rows)
            return 1;
    }
    return 0;
}

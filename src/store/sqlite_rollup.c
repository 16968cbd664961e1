/* sqlite_rollup.c — daily roll-ups, retention and cluster status.
 *
 * A daily row is the sum of the day's hourly rows.  Rates (prices, sizes)
 * become hour-weighted averages chosen so that rate × quantity over the day
 * equals the sum over its hours: a node's daily cpu_price × hours is exactly
 * Σ hourly cpu_price × hours, so node and idle costs stay exact; only a
 * container's share is approximate when its node's price changed within the
 * day (docs/cost-model.md).  A flush rolls up only the days of the cluster
 * it wrote (sqlite_cluster_day.c); other writes roll up whole days. */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "store/sqlite_internal.h"
#include "util/buf.h"

/* Per fact table: key columns, and the aggregate expressions for the rest. */
static const char *const rollup_sql[FT_COUNT] = {
    "container_id, sum(seconds), sum(cpu_req), sum(cpu_use), sum(cpu_alloc), sum(ram_req), sum(ram_use),"
    " sum(ram_alloc), sum(gpu), max(cpu_peak), max(ram_peak), min(measured) FROM container_h %s GROUP BY container_id",
    "node_id, sum(hours), sum(hours*cpu_price)/sum(hours), sum(hours*ram_price)/sum(hours),"
    " sum(hours*gpu_price)/sum(hours), sum(hours*hourly)/sum(hours), max(source) FROM node_h %s"
    " GROUP BY node_id HAVING sum(hours) > 0",
    "volume_id, sum(hours), sum(hours*bytes)/sum(hours),"
    " CASE WHEN sum(hours*bytes) > 0 THEN sum(hours*bytes*price)/sum(hours*bytes) ELSE max(price) END,"
    " max(source) FROM volume_h %s GROUP BY volume_id HAVING sum(hours) > 0",
    "pod_id, volume_id, sum(hours) FROM pod_volume_h %s GROUP BY pod_id, volume_id",
    "lb_id, sum(hours), sum(hours*hourly)/sum(hours), max(source) FROM lb_h %s GROUP BY lb_id HAVING sum(hours) > 0",
    "pod_id, lb_id, sum(hours) FROM pod_lb_h %s GROUP BY pod_id, lb_id",
    "cluster_id, sum(hours), sum(hours*hourly)/sum(hours), max(kind) FROM fee_h %s GROUP BY cluster_id"
    " HAVING sum(hours) > 0",
    "pod_id, sum(tx_internet), sum(tx_region), sum(tx_zone), sum(rx), sum(cost_internet), sum(cost_region),"
    " sum(cost_zone), sum(tx_other) FROM network_h %s GROUP BY pod_id",
};

/* Rows of any kind for the day in the hourly ('h') or daily ('d') tables?
 * Every table is asked: a store may hold only volumes or fees for a day. */
int sq_day_has_rows(kt_store *s, int64_t day, char suffix) { return sq_cluster_day_has_rows(s, 0, day, suffix); }

/* A day past hourly retention keeps its daily rows: rolling up nothing must
 * never erase them. */
int sq_day_has_hours(kt_store *s, int64_t day) { return sq_day_has_rows(s, day, 'h'); }

/* A new generation for the day's rows: its day file and the blocks over it
 * are stale from this commit on. */
static int bump_gen(kt_store *s, int64_t day, kt_err *err)
{
    char sql[256];
    snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO meta VALUES ('day_gen:%lld', coalesce((SELECT value FROM meta "
             "WHERE key = 'day_gen:%lld'), 0) + 1)", (long long)day, (long long)day);
    return sq_exec(s, sql, "rolling up a day", err);
}

/* Rebuild the daily rows of one cluster's day (cluster 0: every cluster's)
 * from its hours, then settle them.  Without hours (past retention) the
 * daily rows are the only record: they stay, re-shared if a bill rescaled
 * them. */
static int rollup_day(kt_store *s, int64_t cluster, int64_t day, kt_err *err)
{
    assert(cluster >= 0 && day == day - ((day % 86400) + 86400) % 86400);
    uint64_t v;
    if (cluster ? !sq_cluster_day_has_rows(s, cluster, day, 'h') : !sq_day_has_hours(s, day)) {
        if (cluster || !u64map_get(&s->rescaled, (uint64_t)day, &v))
            return 0;
        return sq_bill_reshare_day(s, day, err) || bump_gen(s, day, err) ? -1 : 0;
    }
    char where[320], sql[1400], body[1000], only[200];
    for (int f = 0; f < FT_COUNT; f++) {
        char zeros[64] = ""; /* the settlement columns, filled by sq_settle_day */
        for (int c = 0; c < 10 && sq_daily_extra[f][c]; c++)
            strcat(zeros, ", 0");
        sq_cluster_where(f, cluster, only, sizeof only);
        snprintf(where, sizeof where, "WHERE t >= %lld AND t < %lld%s", (long long)day, (long long)day + 86400, only);
        snprintf(body, sizeof body, rollup_sql[f], where);
        char *group = strstr(body, " FROM ");
        snprintf(sql, sizeof sql, "DELETE FROM %s_d WHERE t = %lld%s; INSERT INTO %s_d SELECT %lld, %.*s%s%s;",
                 sq_fact_table[f], (long long)day, only, sq_fact_table[f], (long long)day, (int)(group - body), body,
                 zeros, group);
        if (sq_exec(s, sql, "rolling up a day", err))
            return -1;
    }
    if (bump_gen(s, day, err))
        return -1;
    return sq_settle_day(s, cluster, day, err);
}

/* Each dirty (cluster, day).  A day that several clusters (or a whole-day
 * write) touched is rolled up whole, in one pass: the same rows, for one
 * scan of the day instead of one per cluster (a demo, an import); a
 * collector's flush touches one cluster and rolls up only its rows. */
int sq_rollup_dirty(kt_store *s, kt_err *err)
{
    kt_u64map first; /* day -> the one cluster that touched it, or 0 */
    u64map_init(&first);
    uint64_t v;
    for (size_t i = 0; i < s->dirty.cap; i++) {
        uint64_t k = s->dirty.keys[i];
        if (k == UINT64_MAX)
            continue;
        int64_t cluster = sq_dirty_cluster(k), day = sq_dirty_day(k);
        int seen = u64map_get(&first, (uint64_t)day, &v);
        u64map_put(&first, (uint64_t)day, seen && (int64_t)v != cluster ? 0 : (uint64_t)cluster);
    }
    int rc = 0;
    for (size_t i = 0; i < first.cap && !rc; i++)
        if (first.keys[i] != UINT64_MAX)
            rc = rollup_day(s, (int64_t)first.vals[i], (int64_t)first.keys[i], err);
    u64map_free(&first);
    return rc;
}

static int64_t meta_int(kt_store *s, const char *key, int64_t fallback)
{
    sqlite3_stmt *st;
    int64_t v = fallback;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL) != SQLITE_OK)
        return v;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

int sq_get_retention(kt_store *s, kt_retention *r, kt_err *err)
{
    r->hourly_days = (int)meta_int(s, "retention_hourly_days", 3);
    r->daily_days = (int)meta_int(s, "retention_daily_days", 1095);
    return 0;
}

int sq_set_retention(kt_store *s, const kt_retention *r, kt_err *err)
{
    if (r->hourly_days < 1 || r->daily_days < r->hourly_days)
        return kt_fail(err, KT_EINPUT, "retention: hourly days must be >= 1 and daily days >= hourly days");
    char sql[256];
    snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO meta VALUES ('retention_hourly_days','%d'),"
             "('retention_daily_days','%d')", r->hourly_days, r->daily_days);
    return sq_exec(s, sql, "saving retention", err);
}

/* Called by every commit: once the newest hour moves past the hourly
 * retention of an older day, drop that day's hours (their daily rows stay).
 * Relative to the newest data, not the clock, so a store written for
 * another time (the demo, tests, an import of last year) keeps its hours. */
int sq_auto_prune(kt_store *s, kt_err *err)
{
    sqlite3_stmt *st;
    int64_t newest = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT max(t) FROM node_h", -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "pruning", err);
    if (sqlite3_step(st) == SQLITE_ROW)
        newest = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    kt_retention r;
    store_get_retention(s, &r, err);
    int64_t cut = newest - (int64_t)r.hourly_days * 86400;
    cut -= ((cut % 86400) + 86400) % 86400;
    if (newest <= 0 || cut <= meta_int(s, "hours_pruned_before", 0))
        return 0;
    char sql[200];
    for (int f = 0; f < FT_COUNT; f++) {
        snprintf(sql, sizeof sql, "DELETE FROM %s_h WHERE t < %lld;", sq_fact_table[f], (long long)cut);
        if (sq_exec(s, sql, "pruning old hours", err))
            return -1;
    }
    snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO meta VALUES ('hours_pruned_before', '%lld')", (long long)cut);
    /* the freed pages go back to the file system (a no-op on a database
     * created before auto_vacuum was set) */
    return sq_exec(s, sql, "pruning old hours", err) || sq_exec(s, "PRAGMA incremental_vacuum", "pruning old hours", err);
}

int sq_prune(kt_store *s, int64_t now, kt_err *err)
{
    kt_retention r;
    store_get_retention(s, &r, err);
    int64_t hcut = now - (int64_t)r.hourly_days * 86400, dcut = now - (int64_t)r.daily_days * 86400;
    hcut -= ((hcut % 86400) + 86400) % 86400; /* keep whole days of hours */
    char sql[256];
    for (int f = 0; f < FT_COUNT; f++) {
        snprintf(sql, sizeof sql, "DELETE FROM %s_h WHERE t < %lld; DELETE FROM %s_d WHERE t < %lld;",
                 sq_fact_table[f], (long long)hcut, sq_fact_table[f], (long long)dcut);
        if (sq_exec(s, sql, "pruning old rows", err))
            return -1;
    }
    snprintf(sql, sizeof sql, "DELETE FROM volume_usage WHERE day < %lld;", (long long)dcut);
    if (sq_exec(s, sql, "pruning old rows", err))
        return -1;
    /* days without rows lose their generation, so their day files go unused */
    snprintf(sql, sizeof sql, "DELETE FROM meta WHERE key >= 'day_gen:' AND key < 'day_gen;' AND "
             "CAST(substr(key, 9) AS INTEGER) < %lld", (long long)dcut);
    if (sq_exec(s, sql, "pruning old rows", err))
        return -1;
    return 0;
}

int sq_cluster_status(kt_store *s, kt_cluster_status **out, size_t *n, kt_err *err)
{
    static const char *sql =
        "SELECT c.name, c.provider, c.region, c.source, coalesce(c.last_error,''), coalesce(c.last_contact,0),"
        " (SELECT min(t) FROM node_d d JOIN nodes x ON x.id = d.node_id WHERE x.cluster_id = c.id),"
        " (SELECT max(t) FROM node_h h JOIN nodes x ON x.id = h.node_id WHERE x.cluster_id = c.id),"
        " (SELECT count(*) FROM nodes x WHERE x.cluster_id = c.id),"
        " (SELECT count(*) FROM pods p WHERE p.cluster_id = c.id) FROM clusters c ORDER BY c.name";
    sqlite3_stmt *st;
    *out = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "listing clusters", err);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        kt_cluster_status *c = &(*out)[(*n)++];
        memset(c, 0, sizeof *c);
        snprintf(c->name, sizeof c->name, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(c->provider, sizeof c->provider, "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(c->region, sizeof c->region, "%s", (const char *)sqlite3_column_text(st, 2));
        snprintf(c->source, sizeof c->source, "%s", (const char *)sqlite3_column_text(st, 3));
        snprintf(c->last_error, sizeof c->last_error, "%s", (const char *)sqlite3_column_text(st, 4));
        c->last_contact = sqlite3_column_int64(st, 5);
        c->first_fact = sqlite3_column_int64(st, 6);
        c->last_fact = sqlite3_column_int64(st, 7);
        c->nodes = sqlite3_column_int(st, 8);
        c->pods = sqlite3_column_int(st, 9);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        return sq_fail(s, "listing clusters", err);
    }
    return 0;
}

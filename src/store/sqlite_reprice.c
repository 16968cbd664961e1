/* sqlite_reprice.c — store_reprice for SQLite; see store.h.
 *
 * Prices depend on the thing (node type, disk type, region), not on the
 * hour, so each thing with facts in the window is priced once and its
 * hourly rows updated with one statement.  The days touched go into the
 * transaction's dirty set, so store_commit rebuilds their daily roll-ups
 * exactly as it does after a writer's puts.
 *
 * store_reprice_window does a long window one day per transaction: a
 * month in one transaction held the write lock for minutes, longer than a
 * collector waits to flush (its 10 s busy timeout). */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "store/sqlite_internal.h"

static const char *col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

/* Run an UPDATE bound with (values…, id, start, end); add changes to *count. */
static int update(kt_store *s, const char *sql, const double *v, int nv, const char *text, int64_t id, int64_t start,
                  int64_t end, long *count, kt_err *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "repricing", err);
    int k = 1;
    for (int i = 0; i < nv; i++)
        sqlite3_bind_double(st, k++, v[i]);
    sqlite3_bind_text(st, k++, text, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, k++, id);
    sqlite3_bind_int64(st, k++, start);
    sqlite3_bind_int64(st, k++, end);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return sq_fail(s, "repricing", err);
    *count += sqlite3_changes(s->db);
    return 0;
}

/* The things with facts in the window, with their cluster's name, provider
 * and region; `kind` selects the query. */
static const char *const things_sql[] = {
    "SELECT DISTINCT n.id, c.name, c.provider, c.region, n.name, n.provider, n.region, n.zone, n.instance_type,"
    " n.provider_id, n.spot, n.cpu_cores, n.ram_bytes, n.gpus FROM node_h h JOIN nodes n ON n.id = h.node_id"
    " JOIN clusters c ON c.id = n.cluster_id WHERE h.t >= ?1 AND h.t < ?2",
    "SELECT DISTINCT v.id, c.name, c.provider, c.region, v.name, v.storage_class, v.volume_type FROM volume_h h"
    " JOIN volumes v ON v.id = h.volume_id JOIN clusters c ON c.id = v.cluster_id WHERE h.t >= ?1 AND h.t < ?2",
    "SELECT DISTINCT l.id, c.name, c.provider, c.region FROM lb_h h JOIN lbs l ON l.id = h.lb_id"
    " JOIN clusters c ON c.id = l.cluster_id WHERE h.t >= ?1 AND h.t < ?2",
    "SELECT DISTINCT c.id, c.name, c.provider, c.region FROM fee_h h JOIN clusters c ON c.id = h.cluster_id"
    " WHERE h.t >= ?1 AND h.t < ?2",
};

/* Is this thing new to the run (counted once over many days)?  NULL
 * seen: every thing is new. */
static int first_time(kt_u64map *seen, int kind, int64_t id)
{
    uint64_t key = (uint64_t)id * 4 + (uint64_t)kind, v;
    if (!seen)
        return 1;
    if (u64map_get(seen, key, &v))
        return 0;
    u64map_put(seen, key, 1);
    return 1;
}

static int one(kt_store *s, int kind, sqlite3_stmt *q, int64_t start, int64_t end, const kt_reprice_fns *f,
               kt_reprice_stats *st, kt_u64map *seen, kt_err *err)
{
    int64_t id = sqlite3_column_int64(q, 0);
    int fresh = first_time(seen, kind, id);
    const char *cluster = col(q, 1), *prov = col(q, 2), *region = col(q, 3), *src = "default";
    if (kind == 0) {
        kt_node_rec n = {.name = col(q, 4), .provider = col(q, 5), .region = col(q, 6), .zone = col(q, 7),
                         .instance_type = col(q, 8), .provider_id = col(q, 9), .spot = sqlite3_column_int(q, 10),
                         .cpu_cores = sqlite3_column_double(q, 11), .ram_bytes = sqlite3_column_double(q, 12),
                         .gpus = sqlite3_column_double(q, 13)};
        if (!*n.provider) n.provider = prov;
        if (!*n.region) n.region = region;
        double v[4];
        f->node(f->ctx, cluster, &n, &v[0], &v[1], &v[2], &v[3], &src);
        long before = st->node_hours;
        st->nodes += fresh;
        if (update(s, "UPDATE node_h SET cpu_price = ?1, ram_price = ?2, gpu_price = ?3, hourly = ?4, source = ?5"
                      " WHERE node_id = ?6 AND t >= ?7 AND t < ?8", v, 4, src, id, start, end, &st->node_hours, err))
            return -1;
        st->by_source[store_source_index(src)] += st->node_hours - before;
        return 0;
    }
    if (kind == 1) {
        kt_volume_rec v = {.name = col(q, 4), .storage_class = col(q, 5), .volume_type = col(q, 6)};
        double price = f->volume(f->ctx, cluster, prov, region, &v, &src);
        st->volumes += fresh;
        return update(s, "UPDATE volume_h SET price = ?1, source = ?2 WHERE volume_id = ?3 AND t >= ?4 AND t < ?5",
                      &price, 1, src, id, start, end, &st->volume_hours, err);
    }
    if (kind == 2) {
        double price = f->lb(f->ctx, cluster, prov, region, &src);
        st->lbs += fresh;
        return update(s, "UPDATE lb_h SET hourly = ?1, source = ?2 WHERE lb_id = ?3 AND t >= ?4 AND t < ?5",
                      &price, 1, src, id, start, end, &st->lb_hours, err);
    }
    const char *k = "";
    double price = f->fee(f->ctx, cluster, prov, region, &k);
    return update(s, "UPDATE fee_h SET hourly = ?1, kind = ?2 WHERE cluster_id = ?3 AND t >= ?4 AND t < ?5",
                  &price, 1, k, id, start, end, &st->fee_hours, err);
}

/* Reprice [start, end) inside the open transaction, adding to *st. */
static int reprice_range(kt_store *s, int64_t start, int64_t end, const kt_reprice_fns *f, kt_reprice_stats *st,
                         kt_u64map *seen, kt_err *err)
{
    if (!s->in_txn)
        return kt_fail(err, KT_ERUNTIME, "store_reprice needs an open transaction (store_begin)");
    for (int kind = 0; kind < 4; kind++) {
        /* Snapshot the things first: the UPDATEs below change the tables the
         * query reads, and SQLite leaves a pending SELECT's view of them undefined. */
        char sql[1200];
        snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS temp.reprice_things;"
                 " CREATE TEMP TABLE reprice_things AS %s;", things_sql[kind]);
        char *p = strstr(sql, "?1"), *q2 = strstr(sql, "?2");
        if (!p || !q2)
            return kt_fail(err, KT_ERUNTIME, "repricing: bad query");
        char final[1400];
        snprintf(final, sizeof final, "%.*s%lld%.*s%lld%s", (int)(p - sql), sql, (long long)start,
                 (int)(q2 - p - 2), p + 2, (long long)end, q2 + 2);
        if (sq_exec(s, final, "repricing", err))
            return -1;
        sqlite3_stmt *q;
        if (sqlite3_prepare_v2(s->db, "SELECT * FROM temp.reprice_things", -1, &q, NULL) != SQLITE_OK)
            return sq_fail(s, "repricing", err);
        int rc;
        while ((rc = sqlite3_step(q)) == SQLITE_ROW)
            if (one(s, kind, q, start, end, f, st, seen, err)) {
                sqlite3_finalize(q);
                return -1;
            }
        sqlite3_finalize(q);
        if (rc != SQLITE_DONE)
            return sq_fail(s, "repricing", err);
    }
    if (sq_exec(s, "DROP TABLE IF EXISTS temp.reprice_things", "repricing", err))
        return -1;
    for (int64_t day = start - ((start % 86400) + 86400) % 86400; day < end; day += 86400) {
        sq_mark_dirty(s, 0, day);
        st->days++;
    }
    return 0;
}

int sq_reprice(kt_store *s, int64_t start, int64_t end, const kt_reprice_fns *f, kt_reprice_stats *st, kt_err *err)
{
    memset(st, 0, sizeof *st);
    return reprice_range(s, start, end, f, st, NULL, err);
}

int sq_reprice_window(kt_store *s, int64_t start, int64_t end, const kt_reprice_fns *f, kt_reprice_stats *st,
                         kt_err *err)
{
    assert(s && f && st);
    memset(st, 0, sizeof *st);
    if (s->in_txn)
        return kt_fail(err, KT_ERUNTIME, "store_reprice_window opens its own transactions");
    /* things counted once over the days (the days' transactions are separate) */
    kt_u64map seen;
    u64map_init(&seen);
    int rc = 0;
    for (int64_t t = start; t < end && !rc;) {
        int64_t next = t - ((t % 86400) + 86400) % 86400 + 86400;
        if (next > end)
            next = end;
        rc = store_begin(s, err);
        if (!rc && (rc = reprice_range(s, t, next, f, st, &seen, err)))
            store_rollback(s);
        else if (!rc)
            rc = store_commit(s, err);
        t = next;
    }
    u64map_free(&seen);
    return rc;
}

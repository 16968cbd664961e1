/* sqlite_volume_usage.c — claimed volumes' used bytes per UTC day (schema
 * v5, store_put_volume_usage): a max-upsert on write, the largest over the
 * window's days on read. */
#include <assert.h>

#include "store/sqlite_internal.h"
#include "util/time.h"

int sq_put_volume_usage(kt_store *s, const kt_volume_usage *u, kt_err *err)
{
    assert(s && u && u->volume_id > 0);
    if (!s->in_txn)
        return kt_fail(err, KT_ERUNTIME, "store: volume usage written outside a transaction");
    sqlite3_stmt *st = sq_stmt(s, ST_VOLUME_USAGE,
        "INSERT INTO volume_usage VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (day, volume_id) DO UPDATE SET"
        " used_peak = max(used_peak, excluded.used_peak),"
        " used_avg = CASE WHEN excluded.samples >= samples THEN excluded.used_avg ELSE used_avg END,"
        " samples = max(samples, excluded.samples), capacity = excluded.capacity", err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, day_floor(u->day));
    sqlite3_bind_int64(st, 2, u->volume_id);
    sqlite3_bind_double(st, 3, u->peak);
    sqlite3_bind_double(st, 4, u->avg);
    sqlite3_bind_int64(st, 5, u->samples);
    sqlite3_bind_double(st, 6, u->capacity);
    return sq_step(s, st, "saving volume usage", err) < 0 ? -1 : 0;
}

int sq_volume_usage(kt_store *s, int64_t start, int64_t end, kt_volume_usage_fn fn, void *ctx, kt_err *err)
{
    assert(s && fn && start < end);
    sqlite3_stmt *st;
    /* the average is sample-weighted over the days; the capacity is the one
     * reported on the newest day */
    if (sqlite3_prepare_v2(s->db,
            "SELECT c.name, v.name, u.volume_id, max(u.used_peak), sum(u.used_avg * u.samples),"
            " sum(u.samples), (SELECT capacity FROM volume_usage w WHERE w.volume_id = u.volume_id AND w.day < ?2"
            " ORDER BY w.day DESC LIMIT 1) FROM volume_usage u"
            " JOIN volumes v ON v.id = u.volume_id JOIN clusters c ON c.id = v.cluster_id"
            " WHERE u.day >= ?1 AND u.day < ?2 GROUP BY u.volume_id", -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "reading volume usage", err);
    sqlite3_bind_int64(st, 1, day_floor(start));
    sqlite3_bind_int64(st, 2, end);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long n = (long)sqlite3_column_int64(st, 5);
        kt_volume_usage u = {sqlite3_column_int64(st, 2), 0, sqlite3_column_double(st, 3),
                             n > 0 ? sqlite3_column_double(st, 4) / (double)n : 0, n, sqlite3_column_double(st, 6)};
        fn(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1), &u);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : sq_fail(s, "reading volume usage", err);
}

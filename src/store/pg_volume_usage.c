/* pg_volume_usage.c — claims' used bytes per UTC day on PostgreSQL (schema
 * v3, store_put_volume_usage): the same max-upsert and window read as
 * sqlite_volume_usage.c, each row carrying its volume's cluster_id for
 * row-level security (an agent writes its own cluster's only). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/pg_internal.h"
#include "util/time.h"

int pgs_put_volume_usage(kt_store *ks, const kt_volume_usage *u, kt_err *err)
{
    assert(ks && u && u->volume_id > 0);
    pg_store *s = PGS(ks);
    if (!s->in_txn)
        return kt_fail(err, KT_ERUNTIME, "store: volume usage written outside a transaction");
    int64_t cluster;
    if (pg_cluster_of(s, PK_VOLUME, u->volume_id, &cluster, err))
        return -1;
    char day[24], vol[24], cl[24], peak[32], avg[32], n[24], cap[32];
    snprintf(day, sizeof day, "%lld", (long long)day_floor(u->day));
    snprintf(vol, sizeof vol, "%lld", (long long)u->volume_id);
    snprintf(cl, sizeof cl, "%lld", (long long)cluster);
    snprintf(peak, sizeof peak, "%.17g", u->peak);
    snprintf(avg, sizeof avg, "%.17g", u->avg);
    snprintf(n, sizeof n, "%ld", u->samples);
    snprintf(cap, sizeof cap, "%.17g", u->capacity);
    const char *p[] = {day, vol, cl, peak, avg, n, cap};
    return pg_exec(s,
        "INSERT INTO volume_usage VALUES ($1::bigint, $2::bigint, $3::bigint, $4::float8, $5::float8, $6::bigint,"
        " $7::float8) ON CONFLICT (day, volume_id) DO UPDATE SET"
        " used_peak = GREATEST(volume_usage.used_peak, EXCLUDED.used_peak),"
        " used_avg = CASE WHEN EXCLUDED.samples >= volume_usage.samples THEN EXCLUDED.used_avg"
        " ELSE volume_usage.used_avg END,"
        " samples = GREATEST(volume_usage.samples, EXCLUDED.samples), capacity = EXCLUDED.capacity",
        7, p, "saving volume usage", err);
}

int pgs_volume_usage(kt_store *ks, int64_t start, int64_t end, kt_volume_usage_fn fn, void *ctx, kt_err *err)
{
    assert(ks && fn && start < end);
    char a[24], b[24];
    snprintf(a, sizeof a, "%lld", (long long)day_floor(start));
    snprintf(b, sizeof b, "%lld", (long long)end);
    const char *p[] = {a, b};
    /* the average is sample-weighted over the days; the capacity the newest day's */
    PGresult *r = pg_query(PGS(ks),
        "SELECT c.name, v.name, u.volume_id, max(u.used_peak), sum(u.used_avg * u.samples), sum(u.samples),"
        " (SELECT w.capacity FROM volume_usage w WHERE w.volume_id = u.volume_id AND w.day < $2::bigint"
        " ORDER BY w.day DESC LIMIT 1) FROM volume_usage u JOIN volumes v ON v.id = u.volume_id"
        " JOIN clusters c ON c.id = v.cluster_id WHERE u.day >= $1::bigint AND u.day < $2::bigint"
        " GROUP BY u.volume_id, c.name, v.name", 2, p, "reading volume usage", err);
    if (!r)
        return -1;
    for (int i = 0; i < PQntuples(r); i++) {
        long n = (long)pg_int(r, i, 5);
        kt_volume_usage u = {pg_int(r, i, 2), 0, pg_num(r, i, 3), n > 0 ? pg_num(r, i, 4) / (double)n : 0, n,
                             pg_num(r, i, 6)};
        fn(ctx, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), &u);
    }
    PQclear(r);
    return 0;
}

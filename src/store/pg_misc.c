/* pg_misc.c — PostgreSQL meta values, records and repricing (store.h).
 *
 * Repricing follows sqlite_reprice.c: each thing with hourly facts in the
 * window is priced once through the callbacks and its rows updated with one
 * statement; the (cluster, day)s touched are marked so the commit rolls
 * them up and settles them again. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/pg_internal.h"
#include "util/time.h"

int pgs_get_meta(kt_store *ks, const char *key, char *buf, size_t n, kt_err *err)
{
    const char *p[] = {key};
    if (n)
        buf[0] = 0;
    PGresult *r = pg_query(PGS(ks), "SELECT value FROM meta WHERE key = $1", 1, p, "reading meta", err);
    if (!r)
        return -1;
    int found = PQntuples(r) > 0;
    if (found)
        snprintf(buf, n, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return found;
}

int pgs_set_meta(kt_store *ks, const char *key, const char *value, kt_err *err)
{
    const char *p[] = {key, value};
    return pg_exec(PGS(ks), "INSERT INTO meta VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                   2, p, "writing meta", err);
}

int pgs_put_record(kt_store *ks, const char *kind, const char *id, const char *body, kt_err *err)
{
    pg_store *s = PGS(ks);
    assert(kind && id && body);
    if (s->readonly)
        return kt_fail(err, KT_EINPUT, "store %s: opened read-only; cannot save a %s", s->url, kind);
    char now[32];
    snprintf(now, sizeof now, "%lld", (long long)time(NULL));
    const char *p[] = {kind, id, body, now};
    return pg_exec(s, "INSERT INTO records (kind, id, body, updated) VALUES ($1, $2, $3, $4) ON CONFLICT (kind, id)"
                      " DO UPDATE SET body = EXCLUDED.body, updated = EXCLUDED.updated", 4, p, "saving a record", err);
}

int pgs_get_record(kt_store *ks, const char *kind, const char *id, char **body, kt_err *err)
{
    assert(kind && id && body);
    *body = NULL;
    const char *p[] = {kind, id};
    PGresult *r = pg_query(PGS(ks), "SELECT body FROM records WHERE kind = $1 AND id = $2", 2, p, "reading a record",
                           err);
    if (!r)
        return -1;
    int found = PQntuples(r) > 0;
    if (found)
        *body = xstrdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    return found;
}

int pgs_del_record(kt_store *ks, const char *kind, const char *id, kt_err *err)
{
    pg_store *s = PGS(ks);
    if (s->readonly)
        return kt_fail(err, KT_EINPUT, "store %s: opened read-only; cannot delete a %s", s->url, kind);
    const char *p[] = {kind, id};
    PGresult *r = pg_query(s, "DELETE FROM records WHERE kind = $1 AND id = $2", 2, p, "deleting a record", err);
    if (!r)
        return -1;
    int gone = atoi(PQcmdTuples(r)) > 0;
    PQclear(r);
    return gone;
}

int pgs_list_records(kt_store *ks, const char *kind, kt_record_fn fn, void *ctx, kt_err *err)
{
    const char *p[] = {kind};
    PGresult *r = pg_query(PGS(ks), "SELECT id, body FROM records WHERE kind = $1 ORDER BY id", 1, p,
                           "listing records", err);
    if (!r)
        return -1;
    int rc = 0;
    for (int i = 0; i < PQntuples(r) && !rc; i++)
        rc = fn(ctx, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
    PQclear(r);
    return rc;
}

/* --- repricing ------------------------------------------------------------ */

static const char *const things_sql[] = {
    "SELECT DISTINCT n.id, c.name, c.provider, c.region, n.name, n.provider, n.region, n.zone, n.instance_type,"
    " n.provider_id, n.spot, n.cpu_cores, n.ram_bytes, n.gpus, n.cluster_id FROM node_h h JOIN nodes n ON n.id = h.node_id"
    " JOIN clusters c ON c.id = n.cluster_id WHERE h.t >= $1::bigint AND h.t < $2::bigint ORDER BY n.id",
    "SELECT DISTINCT v.id, c.name, c.provider, c.region, v.name, v.storage_class, v.volume_type, v.cluster_id"
    " FROM volume_h h JOIN volumes v ON v.id = h.volume_id JOIN clusters c ON c.id = v.cluster_id"
    " WHERE h.t >= $1::bigint AND h.t < $2::bigint ORDER BY v.id",
    "SELECT DISTINCT l.id, c.name, c.provider, c.region, l.cluster_id FROM lb_h h JOIN lbs l ON l.id = h.lb_id"
    " JOIN clusters c ON c.id = l.cluster_id WHERE h.t >= $1::bigint AND h.t < $2::bigint ORDER BY l.id",
    "SELECT DISTINCT c.id, c.name, c.provider, c.region, c.id FROM fee_h h JOIN clusters c ON c.id = h.cluster_id_"
    " WHERE h.t >= $1::bigint AND h.t < $2::bigint ORDER BY c.id",
};

/* UPDATE with (values…, text, id, start, end) as $1…; rows changed. */
static long update(pg_store *s, const char *sql, const double *v, int nv, const char *text, int64_t id,
                   const char *start, const char *end, kt_err *err)
{
    char num[4][40], idb[32];
    const char *p[8];
    int k = 0;
    for (int i = 0; i < nv; i++)
        snprintf(num[i], sizeof num[i], "%.17g", v[i]), p[k++] = num[i];
    snprintf(idb, sizeof idb, "%lld", (long long)id);
    p[k++] = text ? text : "", p[k++] = idb, p[k++] = start, p[k++] = end;
    PGresult *r = pg_query(s, sql, k, p, "repricing", err);
    if (!r)
        return -1;
    long n = atol(PQcmdTuples(r));
    PQclear(r);
    return n;
}

static const char *col(const PGresult *r, int i, int c) { return PQgetvalue(r, i, c); }

static long reprice_one(pg_store *s, int kind, const PGresult *q, int i, const char *a, const char *b,
                        const kt_reprice_fns *f, kt_reprice_stats *st, kt_err *err)
{
    int64_t id = pg_int(q, i, 0);
    const char *cluster = col(q, i, 1), *prov = col(q, i, 2), *region = col(q, i, 3), *src = "default";
    if (kind == 0) {
        kt_node_rec n = {.name = col(q, i, 4), .provider = col(q, i, 5), .region = col(q, i, 6),
                         .zone = col(q, i, 7), .instance_type = col(q, i, 8), .provider_id = col(q, i, 9),
                         .spot = (int)pg_int(q, i, 10), .cpu_cores = pg_num(q, i, 11), .ram_bytes = pg_num(q, i, 12),
                         .gpus = pg_num(q, i, 13)};
        if (!*n.provider) n.provider = prov;
        if (!*n.region) n.region = region;
        double v[4];
        f->node(f->ctx, cluster, &n, &v[0], &v[1], &v[2], &v[3], &src);
        st->nodes++;
        long c = update(s, "UPDATE node_h SET cpu_price = $1, ram_price = $2, gpu_price = $3, hourly = $4, source = $5"
                           " WHERE node_id = $6::bigint AND t >= $7::bigint AND t < $8::bigint", v, 4, src, id, a, b, err);
        if (c > 0)
            st->node_hours += c, st->by_source[store_source_index(src)] += c;
        return c;
    }
    if (kind == 1) {
        kt_volume_rec v = {.name = col(q, i, 4), .storage_class = col(q, i, 5), .volume_type = col(q, i, 6)};
        double price = f->volume(f->ctx, cluster, prov, region, &v, &src);
        st->volumes++;
        long c = update(s, "UPDATE volume_h SET price = $1, source = $2 WHERE volume_id = $3::bigint AND t >= $4::bigint"
                           " AND t < $5::bigint", &price, 1, src, id, a, b, err);
        st->volume_hours += c > 0 ? c : 0;
        return c;
    }
    if (kind == 2) {
        double price = f->lb(f->ctx, cluster, prov, region, &src);
        st->lbs++;
        long c = update(s, "UPDATE lb_h SET hourly = $1, source = $2 WHERE lb_id = $3::bigint AND t >= $4::bigint"
                           " AND t < $5::bigint", &price, 1, src, id, a, b, err);
        st->lb_hours += c > 0 ? c : 0;
        return c;
    }
    const char *k = "";
    double price = f->fee(f->ctx, cluster, prov, region, &k);
    long c = update(s, "UPDATE fee_h SET hourly = $1, kind = $2 WHERE cluster_id_ = $3::bigint AND t >= $4::bigint"
                       " AND t < $5::bigint", &price, 1, k, id, a, b, err);
    st->fee_hours += c > 0 ? c : 0;
    return c;
}

int pgs_reprice(kt_store *ks, int64_t start, int64_t end, const kt_reprice_fns *f, kt_reprice_stats *st,
                kt_err *err)
{
    pg_store *s = PGS(ks);
    memset(st, 0, sizeof *st);
    if (s->in_txn != 1)
        return kt_fail(err, KT_ERUNTIME, "store_reprice needs an open transaction (store_begin)");
    char a[32], b[32];
    snprintf(a, sizeof a, "%lld", (long long)start);
    snprintf(b, sizeof b, "%lld", (long long)end);
    const char *p[] = {a, b};
    kt_u64map clusters;
    u64map_init(&clusters);
    int rc = 0;
    for (int kind = 0; kind < 4 && !rc; kind++) {
        PGresult *q = pg_query(s, things_sql[kind], 2, p, "repricing", err); /* whole, before any update */
        if (!q) {
            rc = -1;
            break;
        }
        int last = PQnfields(q) - 1;
        for (int i = 0; i < PQntuples(q) && !rc; i++) {
            u64map_put(&clusters, (uint64_t)pg_int(q, i, last), 1);
            rc = reprice_one(s, kind, q, i, a, b, f, st, err) < 0 ? -1 : 0;
        }
        PQclear(q);
    }
    for (int64_t day = day_floor(start); !rc && day < end; day += 86400) {
        for (size_t i = 0; i < clusters.cap; i++)
            if (clusters.keys[i] != UINT64_MAX)
                u64map_put(&s->dirty, pg_dirty_key((int64_t)clusters.keys[i], day), 1);
        st->days++;
    }
    u64map_free(&clusters);
    return rc;
}

/* pg_write.c — upserting things and buffering fact rows (store.h puts).
 *
 * Things are upserted at once (the caller needs their ids).  Facts are
 * checked as SQLite checks them, kept in the handle (a later put of the
 * same key replaces the earlier, as a REPLACE does) and written at commit
 * by pg_flush_facts (COPY into a stage, one upsert from it per table)
 * inside the flush's transaction.
 * Every row gets its thing's cluster_id (for row-level security and the
 * per-cluster roll-ups): remembered from the put that returned the id, or
 * looked up once. */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg_internal.h"
#include "util/time.h"

static const char *nz(const char *s) { return s ? s : ""; }

#define I64(buf, v) (snprintf(buf, sizeof buf, "%lld", (long long)(v)), buf)
#define NUMS(buf, v) (snprintf(buf, sizeof buf, "%.17g", (double)(v)), buf)

/* Hash of a thing as put: the statement, its parameters and any extra
 * (labels); UINT64_MAX is the map's empty key. */
static uint64_t thing_hash(const char *sql, int n, const char *const *p, uint64_t extra)
{
    uint64_t h = kt_hash_bytes(sql, strlen(sql)) ^ extra;
    for (int i = 0; i < n; i++)
        h = kt_hash_u64(h ^ kt_hash_bytes(p[i], strlen(p[i]) + 1)) + (uint64_t)i;
    return h == UINT64_MAX ? 0 : h;
}

static int returning_id(pg_store *s, const char *sql, int n, const char *const *p, const char *what, int64_t *id,
                        kt_err *err)
{
    if (!s->in_txn)
        return kt_fail(err, KT_ERUNTIME, "store: %s outside a transaction", what);
    uint64_t h = thing_hash(sql, n, p, 0), v;
    if (u64map_get(&s->things, h, &v)) { /* put before, unchanged */
        *id = (int64_t)v;
        return 0;
    }
    PGresult *r = pg_query(s, sql, n, p, what, err);
    if (!r)
        return -1;
    int rc = PQntuples(r) == 1 ? 0 : kt_fail(err, KT_ERUNTIME, "store: %s returned no id", what);
    if (!rc) {
        *id = pg_int(r, 0, 0);
        u64map_put(&s->things, h, (uint64_t)*id);
    }
    PQclear(r);
    return rc;
}

static void remember(pg_store *s, int kind, int64_t id, int64_t cluster)
{
    u64map_put(&s->cluster_of[kind], (uint64_t)id, (uint64_t)cluster);
}

int pg_cluster_of(pg_store *s, int kind, int64_t id, int64_t *cluster, kt_err *err)
{
    static const char *const sql[PK_COUNT] = {
        "SELECT cluster_id FROM nodes WHERE id = $1::bigint", "SELECT cluster_id FROM pods WHERE id = $1::bigint",
        "SELECT cluster_id FROM containers WHERE id = $1::bigint",
        "SELECT cluster_id FROM volumes WHERE id = $1::bigint", "SELECT cluster_id FROM lbs WHERE id = $1::bigint"};
    uint64_t v;
    if (u64map_get(&s->cluster_of[kind], (uint64_t)id, &v)) {
        *cluster = (int64_t)v;
        return 0;
    }
    char b[32];
    const char *p[] = {I64(b, id)};
    if (pg_scalar(s, sql[kind], 1, p, cluster, "finding a thing's cluster", err))
        return -1;
    if (!*cluster)
        return kt_fail(err, KT_EINPUT, "store: fact for unknown id %lld", (long long)id);
    remember(s, kind, id, *cluster);
    return 0;
}

int pgs_put_cluster(kt_store *ks, const kt_cluster_rec *c, int64_t *id, kt_err *err)
{
    if (!c->name || !*c->name)
        return kt_fail(err, KT_EINPUT, "store: a cluster needs a name");
    const char *p[] = {c->name, nz(c->provider), nz(c->region), c->currency && *c->currency ? c->currency : "USD",
                       nz(c->source)};
    return returning_id(PGS(ks),
        "INSERT INTO clusters (name, provider, region, currency, source) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (name) DO UPDATE SET provider = CASE WHEN $2 = '' THEN clusters.provider ELSE $2 END, "
        "region = CASE WHEN $3 = '' THEN clusters.region ELSE $3 END, currency = $4, "
        "source = CASE WHEN $5 = '' THEN clusters.source ELSE $5 END RETURNING id", 5, p, "saving cluster", id, err);
}

int pgs_put_node(kt_store *ks, const kt_node_rec *n, int64_t *id, kt_err *err)
{
    char cl[32], spot[32], cpu[40], ram[40], gpu[40];
    const char *p[] = {I64(cl, n->cluster_id), nz(n->name), nz(n->provider), nz(n->region), nz(n->zone),
                       nz(n->instance_type), nz(n->pool), nz(n->provider_id), nz(n->gpu_type), nz(n->arch), nz(n->os),
                       I64(spot, n->spot), NUMS(cpu, n->cpu_cores), NUMS(ram, n->ram_bytes), NUMS(gpu, n->gpus)};
    if (returning_id(PGS(ks),
            "INSERT INTO nodes (cluster_id, name, provider, region, zone, instance_type, pool, provider_id, gpu_type,"
            " arch, os, spot, cpu_cores, ram_bytes, gpus) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) "
            "ON CONFLICT (cluster_id, name) DO UPDATE SET provider=$3, region=$4, zone=$5, instance_type=$6, pool=$7,"
            " provider_id=$8, gpu_type=$9, arch=$10, os=$11, spot=$12, cpu_cores=$13, ram_bytes=$14, gpus=$15 "
            "RETURNING id", 15, p, "saving node", id, err))
        return -1;
    remember(PGS(ks), PK_NODE, *id, n->cluster_id);
    return 0;
}

/* Replace an owner's labels (kind 0), annotations (1) and services (2):
 * written last first with DO NOTHING, so a repeated key keeps its last
 * value, as SQLite's INSERT OR REPLACE does. */
static int put_kvs(pg_store *s, const char *table, const char *owner_col, int64_t owner, int64_t cluster,
                   const kt_kv *const kv[3], const size_t n[3], kt_err *err)
{
    char o[32], c[32], sql[200];
    uint64_t h = kt_hash_u64((uint64_t)owner ^ kt_hash_bytes(table, strlen(table))), v;
    for (int kind = 0; kind < 3; kind++)
        for (size_t i = 0; i < n[kind]; i++)
            h = kt_hash_u64(h ^ kt_hash_bytes(nz(kv[kind][i].key), strlen(nz(kv[kind][i].key)) + 1)) ^
                kt_hash_bytes(nz(kv[kind][i].value), strlen(nz(kv[kind][i].value)) + 1) ^ (uint64_t)kind;
    h = h == UINT64_MAX ? 0 : h;
    if (u64map_get(&s->things, h, &v)) /* the same set as last put */
        return 0;
    u64map_put(&s->things, h, 1);
    const char *p1[] = {I64(o, owner)};
    snprintf(sql, sizeof sql, "DELETE FROM %s WHERE %s = $1::bigint", table, owner_col);
    if (pg_exec(s, sql, 1, p1, "replacing labels", err))
        return -1;
    size_t total = n[0] + n[1] + n[2];
    if (!total)
        return 0;
    kt_buf b = {0};
    const char **p = xcalloc(2 * total + 2, sizeof *p);
    p[0] = I64(c, cluster), p[1] = o;
    buf_printf(&b, "INSERT INTO %s (cluster_id, %s, kind, key, value) VALUES ", table, owner_col);
    int k = 2;
    for (int kind = 2; kind >= 0; kind--)
        for (size_t i = n[kind]; i-- > 0;) {
            buf_printf(&b, "%s($1::bigint, $2::bigint, %d, $%d, $%d)", k > 2 ? "," : "", kind, k + 1, k + 2);
            p[k++] = nz(kv[kind][i].key);
            p[k++] = nz(kv[kind][i].value);
        }
    buf_puts(&b, " ON CONFLICT DO NOTHING");
    int rc = pg_exec(s, b.data, k, p, "saving labels", err);
    buf_free(&b);
    free(p);
    return rc;
}

int pgs_put_pod(kt_store *ks, const kt_pod_rec *p, int64_t *id, kt_err *err)
{
    pg_store *s = PGS(ks);
    char cl[32], node[32];
    const char *prm[] = {I64(cl, p->cluster_id), I64(node, p->node_id), nz(p->namespace), nz(p->name), nz(p->uid),
                         nz(p->controller_kind), nz(p->controller)};
    if (returning_id(s,
            "INSERT INTO pods (cluster_id, node_id, namespace, name, uid, controller_kind, controller) "
            "VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (cluster_id, namespace, name) DO UPDATE SET "
            "node_id = CASE WHEN $2::bigint = 0 THEN pods.node_id ELSE $2::bigint END, "
            "uid = CASE WHEN $5 = '' THEN pods.uid ELSE $5 END, controller_kind = $6, controller = $7 RETURNING id",
            7, prm, "saving pod", id, err))
        return -1;
    remember(s, PK_POD, *id, p->cluster_id);
    kt_kv *svcs = xcalloc(p->n_services + 1, sizeof *svcs);
    for (size_t i = 0; i < p->n_services; i++)
        svcs[i] = (kt_kv){p->services[i], ""};
    const kt_kv *kv[3] = {p->labels, p->annotations, svcs};
    size_t n[3] = {p->n_labels, p->n_annotations, p->n_services};
    int rc = put_kvs(s, "pod_labels", "pod_id", *id, p->cluster_id, kv, n, err);
    free(svcs);
    return rc;
}

int pgs_put_container(kt_store *ks, int64_t pod_id, const char *name, int64_t *id, kt_err *err)
{
    pg_store *s = PGS(ks);
    int64_t cluster;
    if (pg_cluster_of(s, PK_POD, pod_id, &cluster, err))
        return -1;
    char pod[32], cl[32];
    const char *p[] = {I64(cl, cluster), I64(pod, pod_id), nz(name)};
    if (returning_id(s, "INSERT INTO containers (cluster_id, pod_id, name) VALUES ($1, $2, $3) ON CONFLICT (pod_id, name)"
                        " DO UPDATE SET name = EXCLUDED.name RETURNING id", 3, p, "saving container", id, err))
        return -1;
    remember(s, PK_CONTAINER, *id, cluster);
    return 0;
}

int pgs_put_volume(kt_store *ks, const kt_volume_rec *v, int64_t *id, kt_err *err)
{
    char cl[32];
    const char *p[] = {I64(cl, v->cluster_id), nz(v->name), nz(v->storage_class), nz(v->claim_namespace),
                       nz(v->claim_name), nz(v->provider_id), nz(v->volume_type)};
    if (returning_id(PGS(ks),
            "INSERT INTO volumes (cluster_id, name, storage_class, claim_namespace, claim_name, provider_id, "
            "volume_type) VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (cluster_id, name) DO UPDATE SET "
            "storage_class=$3, claim_namespace=$4, claim_name=$5, provider_id=$6, volume_type=$7 RETURNING id", 7, p,
            "saving volume", id, err))
        return -1;
    remember(PGS(ks), PK_VOLUME, *id, v->cluster_id);
    return 0;
}

int pgs_put_lb(kt_store *ks, const kt_lb_rec *l, int64_t *id, kt_err *err)
{
    char cl[32], priv[32];
    const char *p[] = {I64(cl, l->cluster_id), nz(l->namespace), nz(l->name), nz(l->ip), I64(priv, l->private_ip)};
    if (returning_id(PGS(ks), "INSERT INTO lbs (cluster_id, namespace, name, ip, private_ip) VALUES ($1,$2,$3,$4,$5) "
                              "ON CONFLICT (cluster_id, namespace, name) DO UPDATE SET ip=$4, private_ip=$5 RETURNING id",
                     5, p, "saving load balancer", id, err))
        return -1;
    remember(PGS(ks), PK_LB, *id, l->cluster_id);
    return 0;
}

int pgs_put_namespace(kt_store *ks, int64_t cluster_id, const char *name, const kt_kv *labels, size_t n_labels,
                      const kt_kv *annotations, size_t n_annotations, kt_err *err)
{
    pg_store *s = PGS(ks);
    char cl[32];
    const char *p[] = {I64(cl, cluster_id), nz(name)};
    int64_t id;
    if (returning_id(s, "INSERT INTO namespaces (cluster_id, name) VALUES ($1, $2) ON CONFLICT (cluster_id, name) "
                        "DO UPDATE SET name = EXCLUDED.name RETURNING id", 2, p, "saving namespace", &id, err))
        return -1;
    const kt_kv *kv[3] = {labels, annotations, NULL};
    size_t n[3] = {n_labels, n_annotations, 0};
    return put_kvs(s, "namespace_labels", "ns_id", id, cluster_id, kv, n, err);
}

int pgs_set_cluster_contact(kt_store *ks, int64_t cluster_id, int64_t when, const char *last_error, kt_err *err)
{
    char cl[32], w[32];
    const char *p[] = {I64(cl, cluster_id), I64(w, when), nz(last_error)};
    return pg_exec(PGS(ks), "UPDATE clusters SET last_contact = CASE WHEN $2::bigint > 0 THEN $2::bigint ELSE "
                            "last_contact END, last_error = $3 WHERE id = $1::bigint", 3, p, "recording cluster contact",
                   err);
}

/* --- facts ---------------------------------------------------------------- */

static int put_fact(pg_store *s, int ft, int kind, const pg_fact *in, const char *text, kt_err *err)
{
    if (!s->in_txn)
        return kt_fail(err, KT_ERUNTIME, "store: fact written outside a transaction");
    if (in->t % 3600 != 0)
        return kt_fail(err, KT_EINPUT, "store: %s fact at %lld is not on an hour boundary", pg_fact_table[ft],
                       (long long)in->t);
    for (int i = 0; i < pg_fact_nnum[ft]; i++)
        if (!isfinite(in->v[i]) || in->v[i] < 0 || in->v[i] > 1e18)
            return kt_fail(err, KT_EINPUT, "store: %s fact at %lld: value %d is %g, not a finite "
                           "non-negative number", pg_fact_table[ft], (long long)in->t, i + 1, in->v[i]);
    pg_fact f = *in;
    if (kind >= 0 && pg_cluster_of(s, kind, f.id[0], &f.cluster, err))
        return -1;
    f.text = pg_fact_hastext[ft] ? strtab_intern(&s->texts, nz(text)) : 0;
    pg_facts *fs = &s->facts[ft];
    int64_t key[3] = {f.t, f.id[0], f.id[1]};
    uint64_t h = kt_hash_bytes(key, sizeof key) & ~(uint64_t)0 >> 1, at;
    if (u64map_get(&fs->at, h, &at) && fs->rows[at].t == f.t && fs->rows[at].id[0] == f.id[0] &&
        fs->rows[at].id[1] == f.id[1]) {
        fs->rows[at] = f; /* a put replaces */
    } else {
        grow_array((void **)&fs->rows, &fs->cap, fs->n, sizeof *fs->rows);
        fs->rows[fs->n] = f;
        u64map_put(&fs->at, h, fs->n++);
    }
    u64map_put(&s->dirty, pg_dirty_key(f.cluster, day_floor(f.t)), 1);
    return 0;
}

void pg_facts_reset(pg_store *s)
{
    for (int f = 0; f < PF_COUNT; f++) {
        s->facts[f].n = 0;
        u64map_free(&s->facts[f].at);
        u64map_init(&s->facts[f].at);
    }
}

int pgs_put_container_hour(kt_store *s, const kt_container_hour *f, kt_err *err)
{
    if (f->seconds > 3600.5)
        return kt_fail(err, KT_EINPUT, "store: container fact with %g seconds in an hour", f->seconds);
    pg_fact r = {f->t, 0, {f->container_id, 0}, {f->seconds, f->cpu_req, f->cpu_use, f->cpu_alloc, f->ram_req,
                 f->ram_use, f->ram_alloc, f->gpu, f->cpu_peak, f->ram_peak, f->usage_measured ? 1 : 0}, 0};
    return put_fact(PGS(s), PF_CONTAINER, PK_CONTAINER, &r, NULL, err);
}

int pgs_put_node_hour(kt_store *s, const kt_node_hour *f, kt_err *err)
{
    pg_fact r = {f->t, 0, {f->node_id, 0}, {f->hours, f->cpu_price, f->ram_price, f->gpu_price, f->hourly}, 0};
    return put_fact(PGS(s), PF_NODE, PK_NODE, &r, f->price_source, err);
}

int pgs_put_volume_hour(kt_store *s, const kt_volume_hour *f, kt_err *err)
{
    pg_fact r = {f->t, 0, {f->volume_id, 0}, {f->hours, f->bytes, f->price_gib_hour}, 0};
    return put_fact(PGS(s), PF_VOLUME, PK_VOLUME, &r, f->price_source, err);
}

int pgs_put_pod_volume_hour(kt_store *s, const kt_pod_volume_hour *f, kt_err *err)
{
    pg_fact r = {f->t, 0, {f->pod_id, f->volume_id}, {f->hours}, 0};
    return put_fact(PGS(s), PF_POD_VOLUME, PK_POD, &r, NULL, err);
}

int pgs_put_lb_hour(kt_store *s, const kt_lb_hour *f, kt_err *err)
{
    pg_fact r = {f->t, 0, {f->lb_id, 0}, {f->hours, f->hourly}, 0};
    return put_fact(PGS(s), PF_LB, PK_LB, &r, f->price_source, err);
}

int pgs_put_pod_lb_hour(kt_store *s, const kt_pod_lb_hour *f, kt_err *err)
{
    pg_fact r = {f->t, 0, {f->pod_id, f->lb_id}, {f->hours}, 0};
    return put_fact(PGS(s), PF_POD_LB, PK_POD, &r, NULL, err);
}

int pgs_put_fee_hour(kt_store *s, const kt_fee_hour *f, kt_err *err)
{
    pg_fact r = {f->t, f->cluster_id, {f->cluster_id, 0}, {f->hours, f->hourly}, 0};
    return put_fact(PGS(s), PF_FEE, -1, &r, f->kind, err);
}

int pgs_put_pod_network_hour(kt_store *s, const kt_pod_network_hour *f, kt_err *err)
{
    pg_fact r = {f->t, 0, {f->pod_id, 0}, {f->tx_internet, f->tx_region, f->tx_zone, f->rx_bytes, f->cost_internet,
                 f->cost_region, f->cost_zone, f->tx_other}, 0};
    return put_fact(PGS(s), PF_NETWORK, PK_POD, &r, NULL, err);
}

/* COPY text for one value: backslash, tab and newlines escaped. */
void pg_copy_text(kt_buf *b, const char *t)
{
    for (; *t; t++) {
        if (*t == '\\' || *t == '\t' || *t == '\n' || *t == '\r')
            buf_putc(b, '\\'), buf_putc(b, *t == '\t' ? 't' : *t == '\n' ? 'n' : *t == '\r' ? 'r' : '\\');
        else
            buf_putc(b, *t);
    }
}

static int copy_rows(pg_store *s, int ft, const char *stage, kt_err *err)
{
    const pg_facts *fs = &s->facts[ft];
    char sql[128];
    snprintf(sql, sizeof sql, "COPY %s FROM STDIN", stage);
    PGresult *r = PQexec(s->conn, sql);
    int ok = PQresultStatus(r) == PGRES_COPY_IN;
    PQclear(r);
    if (!ok)
        return pg_fail(s, NULL, "saving facts", err);
    kt_buf b = {0};
    int rc = 0;
    for (size_t i = 0; i < fs->n && !rc; i++) {
        const pg_fact *f = &fs->rows[i];
        buf_printf(&b, "%lld\t%lld", (long long)f->t, (long long)f->cluster);
        for (int k = 0; k < pg_fact_nkeys[ft]; k++)
            buf_printf(&b, "\t%lld", (long long)f->id[k]);
        for (int k = 0; k < pg_fact_nnum[ft]; k++)
            buf_printf(&b, "\t%.17g", f->v[k]);
        if (pg_fact_hastext[ft])
            buf_putc(&b, '\t'), pg_copy_text(&b, strtab_get(&s->texts, f->text));
        buf_putc(&b, '\n');
        if (b.len > (1 << 16) || i + 1 == fs->n) {
            rc = PQputCopyData(s->conn, b.data, (int)b.len) == 1 ? 0 : pg_fail(s, NULL, "saving facts", err);
            buf_reset(&b);
        }
    }
    buf_free(&b);
    if (PQputCopyEnd(s->conn, rc ? "aborted" : NULL) != 1 && !rc)
        rc = pg_fail(s, NULL, "saving facts", err);
    while ((r = PQgetResult(s->conn))) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && !rc)
            rc = pg_fail(s, r, "saving facts", err);
        PQclear(r);
    }
    return rc;
}

/* One table's buffered rows: COPY into a temporary stage (emptied at
 * commit), then one upsert from it — every column after the keys takes
 * the new value, as a REPLACE. */
static int upsert(pg_store *s, int ft, kt_err *err)
{
    char stage[64], sql[300];
    snprintf(stage, sizeof stage, "kt_stage_%s", pg_fact_table[ft]);
    snprintf(sql, sizeof sql, "CREATE TEMP TABLE IF NOT EXISTS %s (LIKE %s_h) ON COMMIT DELETE ROWS", stage,
             pg_fact_table[ft]);
    if (pg_exec(s, sql, 0, NULL, "saving facts", err) || copy_rows(s, ft, stage, err))
        return -1;
    kt_buf b = {0};
    buf_printf(&b, "INSERT INTO %s_h SELECT * FROM %s ON CONFLICT (t, %s) DO UPDATE SET cluster_id = "
               "EXCLUDED.cluster_id", pg_fact_table[ft], stage, pg_fact_keys[ft]);
    for (const char *p = pg_fact_vals[ft]; *p;) {
        p += strspn(p, " ,");
        int n = (int)strcspn(p, ",");
        buf_printf(&b, ", %.*s = EXCLUDED.%.*s", n, p, n, p);
        p += n;
    }
    buf_printf(&b, "; TRUNCATE %s", stage);
    PGresult *r = PQexec(s->conn, b.data);
    int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : pg_fail(s, r, "saving facts", err);
    PQclear(r);
    buf_free(&b);
    return rc;
}

int pg_flush_facts(pg_store *s, kt_err *err)
{
    assert(s->in_txn);
    for (size_t i = 0; i < s->dirty.cap; i++)
        if (s->dirty.keys[i] != UINT64_MAX &&
            pg_ensure_partitions(s, (int64_t)(s->dirty.keys[i] & 0xffffff) * 86400, err))
            return -1;
    for (int ft = 0; ft < PF_COUNT; ft++)
        if (s->facts[ft].n && upsert(s, ft, err))
            return -1;
    return 0;
}

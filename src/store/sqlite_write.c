/* sqlite_write.c — upserting things and replacing fact rows (store.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/time.h"
#include "store/sqlite_internal.h"

static const char *nz(const char *s) { return s ? s : ""; }

static void bind_text(sqlite3_stmt *st, int i, const char *v) { sqlite3_bind_text(st, i, nz(v), -1, SQLITE_TRANSIENT); }

/* Step an upsert … RETURNING id. */
static int returning_id(kt_store *s, sqlite3_stmt *st, const char *what, int64_t *id, kt_err *err)
{
    if (!s->in_txn)
        return kt_fail(err, KT_ERUNTIME, "store: %s outside a transaction", what);
    int rc = sq_step(s, st, what, err);
    if (rc < 0)
        return -1;
    if (rc != SQLITE_ROW)
        return kt_fail(err, KT_ERUNTIME, "store: %s returned no id", what);
    *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return 0;
}

int sq_put_cluster(kt_store *s, const kt_cluster_rec *c, int64_t *id, kt_err *err)
{
    if (!c->name || !*c->name)
        return kt_fail(err, KT_EINPUT, "store: a cluster needs a name");
    sqlite3_stmt *st = sq_stmt(s, ST_CLUSTER,
        "INSERT INTO clusters (name, provider, region, currency, source) VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT (name) DO UPDATE SET provider = CASE WHEN ?2 = '' THEN provider ELSE ?2 END, "
        "region = CASE WHEN ?3 = '' THEN region ELSE ?3 END, currency = ?4, "
        "source = CASE WHEN ?5 = '' THEN source ELSE ?5 END RETURNING id", err);
    if (!st)
        return -1;
    bind_text(st, 1, c->name);
    bind_text(st, 2, c->provider);
    bind_text(st, 3, c->region);
    bind_text(st, 4, c->currency && *c->currency ? c->currency : "USD");
    bind_text(st, 5, c->source);
    return returning_id(s, st, "saving cluster", id, err);
}

int sq_put_node(kt_store *s, const kt_node_rec *n, int64_t *id, kt_err *err)
{
    sqlite3_stmt *st = sq_stmt(s, ST_NODE,
        "INSERT INTO nodes (cluster_id, name, provider, region, zone, instance_type, pool, provider_id, gpu_type,"
        " arch, os, spot, cpu_cores, ram_bytes, gpus) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15) "
        "ON CONFLICT (cluster_id, name) DO UPDATE SET provider=?3, region=?4, zone=?5, instance_type=?6, pool=?7,"
        " provider_id=?8, gpu_type=?9, arch=?10, os=?11, spot=?12, cpu_cores=?13, ram_bytes=?14, gpus=?15 "
        "RETURNING id", err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, n->cluster_id);
    const char *txt[] = {n->name, n->provider, n->region, n->zone, n->instance_type, n->pool, n->provider_id,
                         n->gpu_type, n->arch, n->os};
    for (int i = 0; i < 10; i++)
        bind_text(st, i + 2, txt[i]);
    sqlite3_bind_int(st, 12, n->spot);
    sqlite3_bind_double(st, 13, n->cpu_cores);
    sqlite3_bind_double(st, 14, n->ram_bytes);
    sqlite3_bind_double(st, 15, n->gpus);
    return returning_id(s, st, "saving node", id, err);
}

static int put_kvs(kt_store *s, int slot, const char *sql, int64_t owner, int kind, const kt_kv *kv, size_t n,
                   kt_err *err)
{
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *st = sq_stmt(s, slot, sql, err);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, owner);
        sqlite3_bind_int(st, 2, kind);
        bind_text(st, 3, kv[i].key);
        bind_text(st, 4, kv[i].value);
        if (sq_step(s, st, "saving labels", err) < 0)
            return -1;
    }
    return 0;
}

static int clear_kvs(kt_store *s, int slot, const char *sql, int64_t owner, kt_err *err)
{
    sqlite3_stmt *st = sq_stmt(s, slot, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, owner);
    return sq_step(s, st, "replacing labels", err) < 0 ? -1 : 0;
}

int sq_put_pod(kt_store *s, const kt_pod_rec *p, int64_t *id, kt_err *err)
{
    sqlite3_stmt *st = sq_stmt(s, ST_POD,
        "INSERT INTO pods (cluster_id, node_id, namespace, name, uid, controller_kind, controller) "
        "VALUES (?1,?2,?3,?4,?5,?6,?7) ON CONFLICT (cluster_id, namespace, name) DO UPDATE SET "
        "node_id = CASE WHEN ?2 = 0 THEN node_id ELSE ?2 END, uid = CASE WHEN ?5 = '' THEN uid ELSE ?5 END, "
        "controller_kind = ?6, controller = ?7 RETURNING id", err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, p->cluster_id);
    sqlite3_bind_int64(st, 2, p->node_id);
    bind_text(st, 3, p->namespace);
    bind_text(st, 4, p->name);
    bind_text(st, 5, p->uid);
    bind_text(st, 6, p->controller_kind);
    bind_text(st, 7, p->controller);
    if (returning_id(s, st, "saving pod", id, err))
        return -1;
    static const char *ins = "INSERT OR REPLACE INTO pod_labels VALUES (?1, ?2, ?3, ?4)";
    if (clear_kvs(s, ST_POD_LABELS_DEL, "DELETE FROM pod_labels WHERE pod_id = ?1", *id, err) ||
        put_kvs(s, ST_POD_LABEL, ins, *id, 0, p->labels, p->n_labels, err) ||
        put_kvs(s, ST_POD_LABEL, ins, *id, 1, p->annotations, p->n_annotations, err))
        return -1;
    for (size_t i = 0; i < p->n_services; i++) {
        kt_kv kv = {p->services[i], ""};
        if (put_kvs(s, ST_POD_LABEL, ins, *id, 2, &kv, 1, err))
            return -1;
    }
    return 0;
}

int sq_put_container(kt_store *s, int64_t pod_id, const char *name, int64_t *id, kt_err *err)
{
    sqlite3_stmt *st = sq_stmt(s, ST_CONTAINER,
        "INSERT INTO containers (pod_id, name) VALUES (?1, ?2) ON CONFLICT (pod_id, name) "
        "DO UPDATE SET name = excluded.name RETURNING id", err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, pod_id);
    bind_text(st, 2, name);
    return returning_id(s, st, "saving container", id, err);
}

int sq_put_volume(kt_store *s, const kt_volume_rec *v, int64_t *id, kt_err *err)
{
    sqlite3_stmt *st = sq_stmt(s, ST_VOLUME,
        "INSERT INTO volumes (cluster_id, name, storage_class, claim_namespace, claim_name, provider_id, "
        "volume_type) VALUES (?1,?2,?3,?4,?5,?6,?7) ON CONFLICT (cluster_id, name) DO UPDATE SET "
        "storage_class=?3, claim_namespace=?4, claim_name=?5, provider_id=?6, volume_type=?7 RETURNING id", err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, v->cluster_id);
    const char *txt[] = {v->name, v->storage_class, v->claim_namespace, v->claim_name, v->provider_id,
                         v->volume_type};
    for (int i = 0; i < 6; i++)
        bind_text(st, i + 2, txt[i]);
    return returning_id(s, st, "saving volume", id, err);
}

int sq_put_lb(kt_store *s, const kt_lb_rec *l, int64_t *id, kt_err *err)
{
    sqlite3_stmt *st = sq_stmt(s, ST_LB,
        "INSERT INTO lbs (cluster_id, namespace, name, ip, private_ip) VALUES (?1,?2,?3,?4,?5) "
        "ON CONFLICT (cluster_id, namespace, name) DO UPDATE SET ip=?4, private_ip=?5 RETURNING id", err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, l->cluster_id);
    bind_text(st, 2, l->namespace);
    bind_text(st, 3, l->name);
    bind_text(st, 4, l->ip);
    sqlite3_bind_int(st, 5, l->private_ip);
    return returning_id(s, st, "saving load balancer", id, err);
}

int sq_put_namespace(kt_store *s, int64_t cluster_id, const char *name, const kt_kv *labels,
                        size_t n_labels, const kt_kv *annotations, size_t n_annotations, kt_err *err)
{
    sqlite3_stmt *st = sq_stmt(s, ST_NS,
        "INSERT INTO namespaces (cluster_id, name) VALUES (?1, ?2) ON CONFLICT (cluster_id, name) "
        "DO UPDATE SET name = excluded.name RETURNING id", err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, cluster_id);
    bind_text(st, 2, name);
    int64_t id;
    if (returning_id(s, st, "saving namespace", &id, err))
        return -1;
    static const char *ins = "INSERT OR REPLACE INTO namespace_labels VALUES (?1, ?2, ?3, ?4)";
    if (clear_kvs(s, ST_NS_LABELS_DEL, "DELETE FROM namespace_labels WHERE ns_id = ?1", id, err) ||
        put_kvs(s, ST_NS_LABEL, ins, id, 0, labels, n_labels, err) ||
        put_kvs(s, ST_NS_LABEL, ins, id, 1, annotations, n_annotations, err))
        return -1;
    return 0;
}

/* --- facts ---------------------------------------------------------------- */

typedef struct fact_col {
    int text;
    double num;
    const char *str;
} fact_col;

/* Check, bind and REPLACE one fact row: ids, then columns. */
static int put_fact(kt_store *s, int ft, int64_t t, const int64_t *ids, int n_ids, const fact_col *cols,
                    int n_cols, kt_err *err)
{
    if (!s->in_txn)
        return kt_fail(err, KT_ERUNTIME, "store: fact written outside a transaction");
    if (t % 3600 != 0)
        return kt_fail(err, KT_EINPUT, "store: %s fact at %lld is not on an hour boundary", sq_fact_table[ft],
                       (long long)t);
    for (int i = 0; i < n_cols; i++)
        if (!cols[i].text && (!isfinite(cols[i].num) || cols[i].num < 0 || cols[i].num > 1e18))
            return kt_fail(err, KT_EINPUT, "store: %s fact at %lld: value %d is %g, not a finite "
                           "non-negative number", sq_fact_table[ft], (long long)t, i + 1, cols[i].num);
    char sql[256];
    int len = snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO %s_h VALUES (?", sq_fact_table[ft]);
    for (int i = 1; i < 1 + n_ids + n_cols; i++)
        len += snprintf(sql + len, sizeof sql - (size_t)len, ",?");
    snprintf(sql + len, sizeof sql - (size_t)len, ")");
    sqlite3_stmt *st = sq_stmt(s, ST_FACT0 + ft, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, t);
    for (int i = 0; i < n_ids; i++)
        sqlite3_bind_int64(st, 2 + i, ids[i]);
    for (int i = 0; i < n_cols; i++) {
        if (cols[i].text)
            bind_text(st, 2 + n_ids + i, cols[i].str);
        else
            sqlite3_bind_double(st, 2 + n_ids + i, cols[i].num);
    }
    if (sq_step(s, st, "saving facts", err) < 0)
        return -1;
    return sq_mark_fact(s, ft, ids[0], t, err);
}

#define NUM(x) {0, (x), NULL}
#define TXT(x) {1, 0, (x)}

int sq_put_container_hour(kt_store *s, const kt_container_hour *f, kt_err *err)
{
    fact_col c[] = {NUM(f->seconds), NUM(f->cpu_req), NUM(f->cpu_use), NUM(f->cpu_alloc), NUM(f->ram_req),
                    NUM(f->ram_use), NUM(f->ram_alloc), NUM(f->gpu), NUM(f->cpu_peak), NUM(f->ram_peak),
                    NUM(f->usage_measured ? 1 : 0)};
    if (f->seconds > 3600.5)
        return kt_fail(err, KT_EINPUT, "store: container fact with %g seconds in an hour", f->seconds);
    return put_fact(s, FT_CONTAINER, f->t, &f->container_id, 1, c, 11, err);
}

int sq_put_node_hour(kt_store *s, const kt_node_hour *f, kt_err *err)
{
    fact_col c[] = {NUM(f->hours), NUM(f->cpu_price), NUM(f->ram_price), NUM(f->gpu_price), NUM(f->hourly),
                    TXT(f->price_source)};
    return put_fact(s, FT_NODE, f->t, &f->node_id, 1, c, 6, err);
}

int sq_put_volume_hour(kt_store *s, const kt_volume_hour *f, kt_err *err)
{
    fact_col c[] = {NUM(f->hours), NUM(f->bytes), NUM(f->price_gib_hour), TXT(f->price_source)};
    return put_fact(s, FT_VOLUME, f->t, &f->volume_id, 1, c, 4, err);
}

int sq_put_pod_volume_hour(kt_store *s, const kt_pod_volume_hour *f, kt_err *err)
{
    int64_t ids[] = {f->pod_id, f->volume_id};
    fact_col c[] = {NUM(f->hours)};
    return put_fact(s, FT_POD_VOLUME, f->t, ids, 2, c, 1, err);
}

int sq_put_lb_hour(kt_store *s, const kt_lb_hour *f, kt_err *err)
{
    fact_col c[] = {NUM(f->hours), NUM(f->hourly), TXT(f->price_source)};
    return put_fact(s, FT_LB, f->t, &f->lb_id, 1, c, 3, err);
}

int sq_put_pod_lb_hour(kt_store *s, const kt_pod_lb_hour *f, kt_err *err)
{
    int64_t ids[] = {f->pod_id, f->lb_id};
    fact_col c[] = {NUM(f->hours)};
    return put_fact(s, FT_POD_LB, f->t, ids, 2, c, 1, err);
}

int sq_put_fee_hour(kt_store *s, const kt_fee_hour *f, kt_err *err)
{
    fact_col c[] = {NUM(f->hours), NUM(f->hourly), TXT(f->kind)};
    return put_fact(s, FT_FEE, f->t, &f->cluster_id, 1, c, 3, err);
}

int sq_put_pod_network_hour(kt_store *s, const kt_pod_network_hour *f, kt_err *err)
{
    fact_col c[] = {NUM(f->tx_internet), NUM(f->tx_region), NUM(f->tx_zone), NUM(f->rx_bytes),
                    NUM(f->cost_internet), NUM(f->cost_region), NUM(f->cost_zone), NUM(f->tx_other)};
    return put_fact(s, FT_NETWORK, f->t, &f->pod_id, 1, c, 8, err);
}

int sq_set_cluster_contact(kt_store *s, int64_t cluster_id, int64_t when, const char *last_error, kt_err *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "UPDATE clusters SET last_contact = CASE WHEN ?2 > 0 THEN ?2 ELSE "
                           "last_contact END, last_error = ?3 WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "recording cluster contact", err);
    sqlite3_bind_int64(st, 1, cluster_id);
    sqlite3_bind_int64(st, 2, when);
    bind_text(st, 3, last_error);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : sq_fail(s, "recording cluster contact", err);
}

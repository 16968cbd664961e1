/* pg_load.c — store_load for PostgreSQL: rows of a window into a dataset.
 *
 * The same plan as SQLite's (sqlite_load.c): each UTC day from its daily
 * rows when the window covers it whole and hours are not asked for, else
 * from its hourly rows; a day whose hours were pruned from its daily rows.
 * Facts first (remembering the things they name), then the things, then
 * database ids become dataset indexes; hourly facts are settled with the
 * shared settle() and everything is prorated to the window.  Rows stream in
 * single-row mode inside one REPEATABLE READ transaction (one snapshot),
 * ordered as SQLite's primary keys order them. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg_internal.h"
#include "store/settle.h"
#include "util/time.h"

#define WANTED (KT_NONE - 1) /* named by a fact, not loaded yet */

typedef struct pg_loader {
    pg_store *s;
    kt_dataset *ds;
    int64_t cluster; /* 0 = every cluster */
    int daily, dur, table;
    kt_u64map want_pod, want_container, cluster_ix, node_ix, volume_ix, lb_ix;
    /* the pod being assembled from the pods ⟕ labels join */
    int64_t pod_id;
    uint32_t pod_fields[6], *lab[3], nlab[3], caplab[3];
    kt_err *err;
} pg_loader;

static const char *txt(const PGresult *r, int c) { return PQgetisnull(r, 0, c) ? "" : PQgetvalue(r, 0, c); }
static uint32_t id32(int64_t id) { return id > 0 && id < WANTED ? (uint32_t)id : KT_NONE; }
#define D(c) pg_num(r, 0, c)

static void want(kt_u64map *m, uint32_t id)
{
    if (!u64map_get(m, id, &(uint64_t){0}))
        u64map_put(m, id, WANTED);
}

static int fact_row(void *ctx, const PGresult *r)
{
    pg_loader *L = ctx;
    kt_dataset *ds = L->ds;
    int64_t t = pg_int(r, 0, 0);
    int dur = L->dur, daily = L->daily;
    uint32_t a = id32(pg_int(r, 0, 1));
    if (a == KT_NONE)
        return 0;
    switch (L->table) {
    case PF_CONTAINER: {
        ds_container_fact f = {a, dur, t, D(2), D(3), D(4), D(5), D(6), D(7), D(8), D(9), D(10), D(11), {0}, {0}, {0},
                               0, 0, 0, 0};
        if (daily) /* after measured (12) */
            for (int k = 0; k < R_N; k++)
                f.cost[k] = D(13 + k), f.idle_node[k] = D(16 + k), f.idle_cluster[k] = D(19 + k);
        f.fee = daily ? D(22) : 0;
        want(&L->want_container, a);
        ds_push_cfact(ds, &f);
        break;
    }
    case PF_NODE: {
        ds_node_fact f = {a, strtab_intern(&ds->strs, txt(r, 7)), dur, t, D(2), D(3), D(4), D(5), D(6), {0}, {0}, {0},
                          {0}};
        if (daily)
            for (int k = 0; k < R_N; k++)
                f.idle[k] = D(8 + k), f.idle_left_node[k] = D(11 + k), f.idle_left_cluster[k] = D(14 + k);
        ds_push_nfact(ds, &f);
        break;
    }
    case PF_VOLUME: {
        ds_volume_fact f = {a, strtab_intern(&ds->strs, txt(r, 5)), dur, t, D(2), D(3), D(4), 0};
        ds_push_vfact(ds, &f);
        break;
    }
    case PF_POD_VOLUME: {
        ds_pod_volume_fact f = {a, id32(pg_int(r, 0, 2)), dur, t, D(3), daily ? D(4) : 0};
        want(&L->want_pod, a);
        ds_push_pvfact(ds, &f);
        break;
    }
    case PF_LB: {
        ds_lb_fact f = {a, strtab_intern(&ds->strs, txt(r, 4)), dur, t, D(2), D(3), 0};
        ds_push_lbfact(ds, &f);
        break;
    }
    case PF_POD_LB: {
        ds_pod_lb_fact f = {a, id32(pg_int(r, 0, 2)), dur, t, D(3), daily ? D(4) : 0};
        want(&L->want_pod, a);
        ds_push_plbfact(ds, &f);
        break;
    }
    case PF_FEE: {
        ds_fee_fact f = {a, strtab_intern(&ds->strs, txt(r, 4)), dur, t, D(2), D(3), 0, daily ? D(5) : 0};
        ds_push_feefact(ds, &f);
        break;
    }
    default: {
        ds_network_fact f = {a, dur, t, D(2), D(3), D(4), D(5), D(6), D(7), D(8), D(9)};
        want(&L->want_pod, a);
        ds_push_netfact(ds, &f);
    }
    }
    return 0;
}

/* "AND cluster_id = N" when loading one cluster. */
static void cluster_cond(const pg_loader *L, const char *col, char *out, size_t n)
{
    if (L->cluster)
        snprintf(out, n, " %s %s = %lld", strstr(col, "WHERE") ? "" : "AND", col, (long long)L->cluster);
    else
        out[0] = 0;
}

static int load_facts(pg_loader *L, char suffix, int64_t lo, int64_t hi)
{
    L->daily = suffix == 'd', L->dur = L->daily ? 86400 : 3600;
    char sql[900], cond[64], b1[32], b2[32];
    snprintf(b1, sizeof b1, "%lld", (long long)lo);
    snprintf(b2, sizeof b2, "%lld", (long long)hi);
    const char *p[] = {b1, b2};
    cluster_cond(L, "cluster_id", cond, sizeof cond);
    for (int f = 0; f < PF_COUNT; f++) {
        int len = snprintf(sql, sizeof sql, "SELECT t, %s", pg_fact_cols[f]);
        for (int c = 0; L->daily && c < 10 && store_daily_extra[f][c]; c++)
            len += snprintf(sql + len, sizeof sql - (size_t)len, ", %s", store_daily_extra[f][c]);
        snprintf(sql + len, sizeof sql - (size_t)len, " FROM %s_%c WHERE t >= $1::bigint AND t < $2::bigint%s"
                 " ORDER BY t, %s", pg_fact_table[f], suffix, cond, pg_fact_keys[f]);
        L->table = f;
        if (pg_each(L->s, sql, 2, p, fact_row, L, "loading", L->err))
            return -1;
    }
    return 0;
}

static int cluster_row(void *ctx, const PGresult *r)
{
    pg_loader *L = ctx;
    u64map_put(&L->cluster_ix, (uint64_t)pg_int(r, 0, 0),
               ds_add_cluster(L->ds, txt(r, 1), txt(r, 2), txt(r, 3), txt(r, 4)));
    return 0;
}

static int node_row(void *ctx, const PGresult *r)
{
    pg_loader *L = ctx;
    uint64_t cl;
    if (!u64map_get(&L->cluster_ix, (uint64_t)pg_int(r, 0, 1), &cl))
        return 0;
    kt_dataset *ds = L->ds;
    uint32_t n = ds_add_node(ds, (uint32_t)cl, txt(r, 2), txt(r, 3), txt(r, 4), txt(r, 5), txt(r, 6),
                             (int)pg_int(r, 0, 7), D(8), D(9), D(10));
    ds->nodes[n].pool = strtab_intern(&ds->strs, txt(r, 11));
    ds->nodes[n].provider_id = strtab_intern(&ds->strs, txt(r, 12));
    u64map_put(&L->node_ix, (uint64_t)pg_int(r, 0, 0), n);
    return 0;
}

/* The pod gathered so far goes into the dataset (pods ⟕ labels rows). */
static void end_pod(pg_loader *L)
{
    if (!L->pod_id)
        return;
    const uint32_t *f = L->pod_fields;
    uint32_t p = ds_add_pod_ids(L->ds, f[0], f[1], f[2], f[3], f[4], f[5], L->lab[0], L->nlab[0] / 2, L->lab[1],
                                L->nlab[1] / 2, L->lab[2], L->nlab[2]);
    u64map_put(&L->want_pod, (uint64_t)L->pod_id, p);
    L->pod_id = 0;
}

static int pod_row(void *ctx, const PGresult *r)
{
    pg_loader *L = ctx;
    kt_dataset *ds = L->ds;
    int64_t id = pg_int(r, 0, 0);
    uint64_t w, cl, node = KT_NONE;
    if (id != L->pod_id) {
        end_pod(L);
        if (!u64map_get(&L->want_pod, (uint64_t)id, &w) || w != WANTED ||
            !u64map_get(&L->cluster_ix, (uint64_t)pg_int(r, 0, 1), &cl))
            return 0;
        u64map_get(&L->node_ix, (uint64_t)pg_int(r, 0, 2), &node);
        uint32_t fields[6] = {(uint32_t)cl, (uint32_t)node, strtab_intern(&ds->strs, txt(r, 3)),
                              strtab_intern(&ds->strs, txt(r, 4)), strtab_intern(&ds->strs, txt(r, 5)),
                              strtab_intern(&ds->strs, txt(r, 6))};
        memcpy(L->pod_fields, fields, sizeof fields);
        L->pod_id = id;
        L->nlab[0] = L->nlab[1] = L->nlab[2] = 0;
    }
    if (PQgetisnull(r, 0, 7))
        return 0;
    int kind = (int)pg_int(r, 0, 7);
    if (kind < 0 || kind > 2)
        return 0;
    if (L->nlab[kind] + 2 > L->caplab[kind]) {
        L->caplab[kind] = L->caplab[kind] ? L->caplab[kind] * 2 : 16;
        L->lab[kind] = xrealloc(L->lab[kind], L->caplab[kind] * sizeof **L->lab);
    }
    L->lab[kind][L->nlab[kind]++] = strtab_intern(&ds->strs, txt(r, 8));
    if (kind < 2)
        L->lab[kind][L->nlab[kind]++] = strtab_intern(&ds->strs, txt(r, 9));
    return 0;
}

typedef struct ctr_row {
    int64_t id, pod;
    uint32_t name;
} ctr_row;
typedef struct ctr_rows {
    pg_loader *L;
    ctr_row *v;
    size_t n, cap;
} ctr_rows;

static int container_row(void *ctx, const PGresult *r)
{
    ctr_rows *c = ctx;
    uint64_t w;
    int64_t id = pg_int(r, 0, 0), pod = pg_int(r, 0, 1);
    if (!u64map_get(&c->L->want_container, (uint64_t)id, &w) || w != WANTED)
        return 0;
    want(&c->L->want_pod, id32(pod));
    grow_array((void **)&c->v, &c->cap, c->n, sizeof *c->v);
    c->v[c->n++] = (ctr_row){id, pod, strtab_intern(&c->L->ds->strs, txt(r, 2))};
    return 0;
}

/* Namespaces ⟕ labels, one namespace per run of rows. */
typedef struct ns_acc {
    pg_loader *L;
    int64_t id;
    uint64_t cl;
    int known;
    char *name;
    const char **kv[2];
    size_t n[2];
} ns_acc;

static void end_ns(ns_acc *a)
{
    if (a->id && a->known)
        ds_add_namespace(a->L->ds, (uint32_t)a->cl, a->name, a->kv[0], a->kv[1]);
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < a->n[k]; i++)
            free((void *)a->kv[k][i]);
        free(a->kv[k]);
        a->kv[k] = NULL, a->n[k] = 0;
    }
    free(a->name);
    a->name = NULL, a->id = 0;
}

static int ns_row(void *ctx, const PGresult *r)
{
    ns_acc *a = ctx;
    int64_t id = pg_int(r, 0, 0);
    if (id != a->id) {
        end_ns(a);
        a->id = id;
        a->known = u64map_get(&a->L->cluster_ix, (uint64_t)pg_int(r, 0, 1), &a->cl);
        a->name = xstrdup(txt(r, 2));
    }
    if (PQgetisnull(r, 0, 3))
        return 0;
    int k = pg_int(r, 0, 3) ? 1 : 0;
    a->kv[k] = xrealloc(a->kv[k], (a->n[k] + 3) * sizeof *a->kv[k]);
    a->kv[k][a->n[k]++] = xstrdup(txt(r, 4));
    a->kv[k][a->n[k]++] = xstrdup(txt(r, 5));
    a->kv[k][a->n[k]] = NULL;
    return 0;
}

static int volume_row(void *ctx, const PGresult *r)
{
    pg_loader *L = ctx;
    uint64_t cl;
    if (!u64map_get(&L->cluster_ix, (uint64_t)pg_int(r, 0, 1), &cl))
        return 0;
    uint32_t v = ds_add_volume(L->ds, (uint32_t)cl, txt(r, 2), txt(r, 3), txt(r, 4), txt(r, 5));
    L->ds->volumes[v].provider_id = strtab_intern(&L->ds->strs, txt(r, 6));
    u64map_put(&L->volume_ix, (uint64_t)pg_int(r, 0, 0), v);
    return 0;
}

static int lb_row(void *ctx, const PGresult *r)
{
    pg_loader *L = ctx;
    uint64_t cl;
    if (!u64map_get(&L->cluster_ix, (uint64_t)pg_int(r, 0, 1), &cl))
        return 0;
    uint32_t l = ds_add_lb(L->ds, (uint32_t)cl, txt(r, 2), txt(r, 3));
    L->ds->lbs[l].ip = strtab_intern(&L->ds->strs, txt(r, 4));
    L->ds->lbs[l].private_ip = (uint8_t)pg_int(r, 0, 5);
    u64map_put(&L->lb_ix, (uint64_t)pg_int(r, 0, 0), l);
    return 0;
}

static int each(pg_loader *L, const char *sql, const char *col, pg_row_fn fn, void *ctx)
{
    char full[700], cond[64];
    cluster_cond(L, col, cond, sizeof cond);
    const char *order = strstr(sql, " ORDER BY");
    snprintf(full, sizeof full, "%.*s%s%s", (int)(order ? order - sql : (long)strlen(sql)), sql, cond,
             order ? order : "");
    return pg_each(L->s, full, 0, NULL, fn, ctx, "loading", L->err);
}

static int load_things(pg_loader *L)
{
    ctr_rows cr = {L, NULL, 0, 0};
    ns_acc ns = {L, 0, 0, 0, NULL, {NULL, NULL}, {0, 0}};
    int rc = each(L, "SELECT id, name, provider, region, currency FROM clusters ORDER BY id", "WHERE id",
                  cluster_row, L) ||
             each(L, "SELECT id, cluster_id, name, provider, region, zone, instance_type, spot, cpu_cores, ram_bytes,"
                     " gpus, pool, provider_id FROM nodes WHERE true ORDER BY id", "cluster_id", node_row, L) ||
             each(L, "SELECT id, pod_id, name FROM containers WHERE true ORDER BY id", "cluster_id", container_row,
                  &cr);
    if (!rc) {
        rc = each(L, "SELECT p.id, p.cluster_id, p.node_id, p.namespace, p.name, p.controller_kind, p.controller,"
                     " l.kind, l.key, l.value FROM pods p LEFT JOIN pod_labels l ON l.pod_id = p.id WHERE true"
                     " ORDER BY p.id, l.kind, l.key", "p.cluster_id", pod_row, L);
        end_pod(L);
    }
    for (size_t i = 0; !rc && i < cr.n; i++) {
        uint64_t pod;
        if (u64map_get(&L->want_pod, (uint64_t)cr.v[i].pod, &pod) && pod < WANTED)
            u64map_put(&L->want_container, (uint64_t)cr.v[i].id,
                       ds_add_container_id(L->ds, (uint32_t)pod, cr.v[i].name));
    }
    free(cr.v);
    if (!rc) {
        rc = each(L, "SELECT n.id, n.cluster_id, n.name, l.kind, l.key, l.value FROM namespaces n"
                     " LEFT JOIN namespace_labels l ON l.ns_id = n.id WHERE true ORDER BY n.id, l.kind, l.key",
                  "n.cluster_id", ns_row, &ns);
        end_ns(&ns);
    }
    if (!rc)
        rc = each(L, "SELECT id, cluster_id, name, storage_class, claim_namespace, claim_name, provider_id"
                     " FROM volumes WHERE true ORDER BY id", "cluster_id", volume_row, L) ||
             each(L, "SELECT id, cluster_id, namespace, name, ip, private_ip FROM lbs WHERE true ORDER BY id",
                  "cluster_id", lb_row, L);
    return rc ? -1 : 0;
}

static int remap(const kt_u64map *m, uint32_t *field)
{
    uint64_t v;
    if (!u64map_get(m, *field, &v) || v >= WANTED)
        return 0;
    *field = (uint32_t)v;
    return 1;
}

#define COMPACT(arr, cond) do { size_t w_ = 0; \
        for (size_t i_ = 0; i_ < ds->n_##arr; i_++) { __typeof__(ds->arr[0]) *f = &ds->arr[i_]; \
            if (cond) ds->arr[w_++] = *f; } ds->n_##arr = w_; } while (0)

static void remap_facts(pg_loader *L)
{
    kt_dataset *ds = L->ds;
    COMPACT(cfacts, remap(&L->want_container, &f->container));
    COMPACT(nfacts, remap(&L->node_ix, &f->node));
    COMPACT(vfacts, remap(&L->volume_ix, &f->volume));
    COMPACT(pvfacts, remap(&L->want_pod, &f->pod) && remap(&L->volume_ix, &f->volume));
    COMPACT(lbfacts, remap(&L->lb_ix, &f->lb));
    COMPACT(plbfacts, remap(&L->want_pod, &f->pod) && remap(&L->lb_ix, &f->lb));
    COMPACT(feefacts, remap(&L->cluster_ix, &f->cluster));
    COMPACT(netfacts, remap(&L->want_pod, &f->pod));
}

static int64_t *reverse(const kt_u64map *m, size_t n)
{
    int64_t *rev = xcalloc(n + 1, sizeof *rev);
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i] != UINT64_MAX && m->vals[i] < n)
            rev[m->vals[i]] = (int64_t)m->keys[i];
    return rev;
}

void pg_ids_free(pg_ids *ids)
{
    free(ids->container), free(ids->pod), free(ids->node), free(ids->volume), free(ids->lb), free(ids->cluster);
    memset(ids, 0, sizeof *ids);
}

static void loader_init(pg_loader *L, pg_store *s, kt_dataset *ds, int64_t cluster, kt_err *err)
{
    memset(L, 0, sizeof *L);
    L->s = s, L->ds = ds, L->cluster = cluster, L->err = err;
    kt_u64map *m[] = {&L->want_pod, &L->want_container, &L->cluster_ix, &L->node_ix, &L->volume_ix, &L->lb_ix};
    for (size_t i = 0; i < 6; i++)
        u64map_init(m[i]);
}

static void loader_free(pg_loader *L)
{
    kt_u64map *m[] = {&L->want_pod, &L->want_container, &L->cluster_ix, &L->node_ix, &L->volume_ix, &L->lb_ix};
    for (size_t i = 0; i < 6; i++)
        u64map_free(m[i]);
    for (int k = 0; k < 3; k++)
        free(L->lab[k]);
}

/* Things for the facts loaded, ids remapped, settled unless raw. */
static int finish_load(pg_loader *L, int settled, pg_ids *ids)
{
    if (load_things(L))
        return -1;
    kt_dataset *ds = L->ds;
    remap_facts(L);
    ds_link_namespaces(ds);
    if (settled) {
        settle(ds, 3600);
        settle_asset_costs(ds, 86400);
    }
    if (ids) {
        ids->container = reverse(&L->want_container, ds->n_containers);
        ids->pod = reverse(&L->want_pod, ds->n_pods);
        ids->node = reverse(&L->node_ix, ds->n_nodes);
        ids->volume = reverse(&L->volume_ix, ds->n_volumes);
        ids->lb = reverse(&L->lb_ix, ds->n_lbs);
        ids->cluster = reverse(&L->cluster_ix, ds->n_clusters);
    }
    return 0;
}

int pg_load_rows(pg_store *s, char suffix, int64_t lo, int64_t hi, int64_t cluster, int settled, kt_dataset *ds,
                 pg_ids *ids, kt_err *err)
{
    assert(s && ds && lo < hi && (suffix == 'h' || suffix == 'd'));
    pg_loader L;
    loader_init(&L, s, ds, cluster, err);
    ds_init(ds);
    ds->start = lo, ds->end = hi;
    int rc = load_facts(&L, suffix, lo, hi) || finish_load(&L, settled, ids) ? -1 : 0;
    loader_free(&L);
    if (rc)
        ds_free(ds);
    return rc;
}

/* Run fn inside one snapshot (a transaction of its own unless one is open). */
static int in_snapshot(pg_store *s, kt_err *err)
{
    if (s->in_txn)
        return 0;
    if (pg_exec(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL, "load", err))
        return -1;
    s->in_txn = 2; /* ours: ended by end_snapshot */
    return 0;
}

static void end_snapshot(pg_store *s)
{
    if (s->in_txn == 2) {
        PQclear(PQexec(s->conn, "COMMIT"));
        s->in_txn = 0;
    }
}

/* Days in [lo, hi) that still have hourly rows. */
static int days_with_hours(pg_store *s, int64_t lo, int64_t hi, kt_u64map *days, kt_err *err)
{
    char a[32], b[32];
    snprintf(a, sizeof a, "%lld", (long long)lo);
    snprintf(b, sizeof b, "%lld", (long long)hi);
    const char *p[] = {a, b};
    PGresult *r = pg_query(s, "SELECT DISTINCT t - t % 86400 FROM node_h WHERE t >= $1::bigint AND t < $2::bigint"
                              " UNION SELECT DISTINCT t - t % 86400 FROM container_h WHERE t >= $1::bigint AND"
                              " t < $2::bigint", 2, p, "load", err);
    if (!r)
        return -1;
    for (int i = 0; i < PQntuples(r); i++)
        u64map_put(days, (uint64_t)pg_int(r, i, 0), 1);
    PQclear(r);
    return 0;
}

int pgs_load(kt_store *ks, int64_t start, int64_t end, int hourly, kt_dataset *ds, kt_err *err)
{
    pg_store *s = PGS(ks);
    assert(s && ds && start < end);
    pg_loader L;
    loader_init(&L, s, ds, 0, err);
    ds_init(ds);
    ds->start = start, ds->end = end;
    kt_u64map days;
    u64map_init(&days);
    int rc = in_snapshot(s, err) || days_with_hours(s, day_floor(start), end, &days, err) ? -1 : 0;
    /* the plan: runs of days from the same table, as sqlite_load.c's plan() */
    char run_sfx = 0;
    int64_t run_lo = 0, run_hi = 0;
    for (int64_t d = day_floor(start); !rc && d < end; d += 86400) {
        int whole = d >= start && d + 86400 <= end;
        char sfx = (whole && !hourly) || !u64map_get(&days, (uint64_t)d, &(uint64_t){0}) ? 'd' : 'h';
        int64_t lo = sfx == 'd' ? d : (d > start ? d : hour_floor(start));
        int64_t hi = sfx == 'd' ? d + 86400 : (d + 86400 < end ? d + 86400 : end);
        if (run_sfx == sfx && run_hi == lo) {
            run_hi = hi;
            continue;
        }
        if (run_sfx)
            rc = load_facts(&L, run_sfx, run_lo, run_hi);
        run_sfx = sfx, run_lo = lo, run_hi = hi;
    }
    if (!rc && run_sfx)
        rc = load_facts(&L, run_sfx, run_lo, run_hi);
    if (!rc)
        rc = finish_load(&L, 1, NULL);
    end_snapshot(s);
    u64map_free(&days);
    loader_free(&L);
    if (!rc)
        ds_prorate(ds, start, end);
    else
        ds_free(ds);
    return rc;
}

int pgs_load_raw(kt_store *ks, int64_t hour, kt_dataset *ds, kt_err *err)
{
    pg_store *s = PGS(ks);
    assert(hour % 3600 == 0);
    if (in_snapshot(s, err))
        return -1;
    int rc = pg_load_rows(s, 'h', hour, hour + 3600, 0, 0, ds, NULL, err);
    end_snapshot(s);
    return rc;
}

int pgs_load_summed(kt_store *ks, int64_t start, int64_t end, kt_dataset *ds, kt_err *err)
{
    if (pgs_load(ks, start, end, 0, ds, err))
        return -1;
    ds_sum(ds);
    return 0;
}

/* No day files on PostgreSQL: the database aggregates. */
int pgs_rebuild_cache(kt_store *ks, long *files, kt_err *err)
{
    (void)ks, (void)err;
    *files = 0;
    return 0;
}

/* sqlite_load.c — store_load for SQLite: facts of a window into a dataset.
 *
 * Order: facts first (remembering which things they name), then the things
 * (clusters, nodes, pods with labels, containers, volumes, load balancers,
 * namespaces), then the facts' database ids are rewritten into dataset
 * indexes.  Full days come from the *_d tables unless hourly detail is
 * asked for; hourly rows that straddle the window's edges are prorated. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/time.h"
#include <assert.h>

#include "store/settle.h"
#include "store/sqlite_internal.h"
#include "util/buf.h"

/* Database id -> dataset index, as a plain array: SQLite's integer keys are
 * dense, and this sits on the per-fact path (millions of lookups). */
typedef struct idvec {
    uint32_t *v;
    size_t cap;
} idvec;
#define WANTED (KT_NONE - 1) /* named by a fact, not loaded yet */

static void idv_set(idvec *x, uint32_t id, uint32_t val)
{
    if (id >= x->cap) {
        size_t cap = x->cap ? x->cap : 4096;
        while (cap <= id)
            cap *= 2;
        x->v = xrealloc(x->v, cap * sizeof *x->v);
        memset(x->v + x->cap, 0xff, (cap - x->cap) * sizeof *x->v);
        x->cap = cap;
    }
    x->v[id] = val;
}

static uint32_t idv_get(const idvec *x, uint32_t id) { return id < x->cap ? x->v[id] : KT_NONE; }

typedef struct ctr_row {
    uint32_t id, pod_id, name;
} ctr_row;

typedef struct loader {
    kt_store *s;
    kt_dataset *ds;
    int64_t start, end;
    int64_t cluster; /* > 0: only this cluster's facts (a flush's roll-up) */
    idvec want_pod, want_container; /* db id -> WANTED before dims, dense index after */
    kt_u64map cluster_ix, node_ix, volume_ix, lb_ix;
    kt_err *err;
} loader;

typedef struct range {
    const char *suffix;
    int64_t lo, hi;
} range;

static const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

static sqlite3_stmt *prep(loader *L, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(L->s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        sq_fail(L->s, "loading", L->err);
        return NULL;
    }
    return st;
}

static int finish(loader *L, sqlite3_stmt *st, int rc)
{
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : sq_fail(L->s, "loading", L->err);
}

static uint32_t id32(int64_t id) { return id > 0 && id < UINT32_MAX ? (uint32_t)id : KT_NONE; }

/* The facts of one range, whole: hourly rows are settled and prorated to
 * the window only once everything is loaded (settlement needs every
 * container of a node-hour, proration the settled values).  Daily rows
 * come with their settlement (the *_d extra columns). */
static int load_facts(loader *L, const range *r)
{
    char sql[1024];
    int daily = r->suffix[0] == 'd', dur = daily ? 86400 : 3600;
    kt_dataset *ds = L->ds;
    sqlite3_stmt *st;
    int rc;
    char only[200];
#define FACT_QUERY(ft, table, cols, dcols) \
    sq_cluster_where(ft, L->cluster, only, sizeof only); \
    snprintf(sql, sizeof sql, "SELECT t, %s%s FROM %s_%s WHERE t >= ?1 AND t < ?2%s", cols, daily ? dcols : "", \
             table, r->suffix, only); \
    if (!(st = prep(L, sql))) return -1; \
    sqlite3_bind_int64(st, 1, r->lo); sqlite3_bind_int64(st, 2, r->hi); \
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
#define D(i) sqlite3_column_double(st, i)
#define T sqlite3_column_int64(st, 0)

    FACT_QUERY(FT_CONTAINER, "container", "container_id, seconds, cpu_req, cpu_use, cpu_alloc, ram_req, ram_use, ram_alloc,"
                            " gpu, cpu_peak, ram_peak", ", cpu_cost, ram_cost, gpu_cost, idle_node_cpu, idle_node_ram,"
                            " idle_node_gpu, idle_cl_cpu, idle_cl_ram, idle_cl_gpu, fee") {
        ds_container_fact f = {id32(sqlite3_column_int64(st, 1)), dur, T, D(2), D(3), D(4), D(5), D(6), D(7), D(8),
                               D(9), D(10), D(11), {0}, {0}, {0}, 0, 0, 0, 0};
        if (f.container == KT_NONE) continue;
        if (daily)
            for (int k = 0; k < R_N; k++)
                f.cost[k] = D(12 + k), f.idle_node[k] = D(15 + k), f.idle_cluster[k] = D(18 + k);
        f.fee = daily ? D(21) : 0;
        idv_set(&L->want_container, f.container, WANTED);
        ds_push_cfact(ds, &f);
    }
    if (finish(L, st, rc)) return -1;
    FACT_QUERY(FT_NODE, "node", "node_id, hours, cpu_price, ram_price, gpu_price, hourly, source", ", idle_cpu, idle_ram,"
                       " idle_gpu, left_node_cpu, left_node_ram, left_node_gpu, left_cl_cpu, left_cl_ram, left_cl_gpu") {
        ds_node_fact f = {id32(sqlite3_column_int64(st, 1)), strtab_intern(&ds->strs, col_text(st, 7)), dur, T,
                          D(2), D(3), D(4), D(5), D(6), {0}, {0}, {0}, {0}};
        if (daily)
            for (int k = 0; k < R_N; k++)
                f.idle[k] = D(8 + k), f.idle_left_node[k] = D(11 + k), f.idle_left_cluster[k] = D(14 + k);
        if (f.node != KT_NONE) ds_push_nfact(ds, &f);
    }
    if (finish(L, st, rc)) return -1;
    FACT_QUERY(FT_VOLUME, "volume", "volume_id, hours, bytes, price, source", "") {
        ds_volume_fact f = {id32(sqlite3_column_int64(st, 1)), strtab_intern(&ds->strs, col_text(st, 5)), dur, T,
                            D(2), D(3), D(4), 0};
        if (f.volume != KT_NONE) ds_push_vfact(ds, &f);
    }
    if (finish(L, st, rc)) return -1;
    FACT_QUERY(FT_POD_VOLUME, "pod_volume", "pod_id, volume_id, hours", ", cost") {
        ds_pod_volume_fact f = {id32(sqlite3_column_int64(st, 1)), id32(sqlite3_column_int64(st, 2)), dur, T, D(3),
                                daily ? D(4) : 0};
        if (f.pod == KT_NONE) continue;
        idv_set(&L->want_pod, f.pod, WANTED);
        ds_push_pvfact(ds, &f);
    }
    if (finish(L, st, rc)) return -1;
    FACT_QUERY(FT_LB, "lb", "lb_id, hours, hourly, source", "") {
        ds_lb_fact f = {id32(sqlite3_column_int64(st, 1)), strtab_intern(&ds->strs, col_text(st, 4)), dur, T,
                        D(2), D(3), 0};
        if (f.lb != KT_NONE) ds_push_lbfact(ds, &f);
    }
    if (finish(L, st, rc)) return -1;
    FACT_QUERY(FT_POD_LB, "pod_lb", "pod_id, lb_id, hours", ", cost") {
        ds_pod_lb_fact f = {id32(sqlite3_column_int64(st, 1)), id32(sqlite3_column_int64(st, 2)), dur, T, D(3),
                            daily ? D(4) : 0};
        if (f.pod == KT_NONE) continue;
        idv_set(&L->want_pod, f.pod, WANTED);
        ds_push_plbfact(ds, &f);
    }
    if (finish(L, st, rc)) return -1;
    FACT_QUERY(FT_FEE, "fee", "cluster_id, hours, hourly, kind", ", unshared") {
        ds_fee_fact f = {id32(sqlite3_column_int64(st, 1)), strtab_intern(&ds->strs, col_text(st, 4)), dur, T,
                         D(2), D(3), 0, daily ? D(5) : 0};
        if (f.cluster != KT_NONE) ds_push_feefact(ds, &f);
    }
    if (finish(L, st, rc)) return -1;
    FACT_QUERY(FT_NETWORK, "network", "pod_id, tx_internet, tx_region, tx_zone, rx, cost_internet, cost_region, cost_zone, tx_other",
               "") {
        ds_network_fact f = {id32(sqlite3_column_int64(st, 1)), dur, T, D(2), D(3), D(4), D(5), D(6), D(7), D(8), D(9)};
        if (f.pod == KT_NONE) continue;
        idv_set(&L->want_pod, f.pod, WANTED);
        ds_push_netfact(ds, &f);
    }
    return finish(L, st, rc);
#undef FACT_QUERY
#undef D
#undef T
}

static int load_clusters_nodes(loader *L)
{
    kt_dataset *ds = L->ds;
    sqlite3_stmt *st = prep(L, "SELECT id, name, provider, region, currency FROM clusters ORDER BY id");
    int rc;
    if (!st) return -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        u64map_put(&L->cluster_ix, (uint64_t)sqlite3_column_int64(st, 0),
                   ds_add_cluster(ds, col_text(st, 1), col_text(st, 2), col_text(st, 3), col_text(st, 4)));
    if (finish(L, st, rc)) return -1;
    st = prep(L, "SELECT id, cluster_id, name, provider, region, zone, instance_type, spot, cpu_cores, ram_bytes,"
                 " gpus, pool, provider_id FROM nodes ORDER BY id");
    if (!st) return -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        uint64_t cl;
        if (!u64map_get(&L->cluster_ix, (uint64_t)sqlite3_column_int64(st, 1), &cl))
            continue;
        uint32_t n = ds_add_node(ds, (uint32_t)cl, col_text(st, 2), col_text(st, 3), col_text(st, 4),
                                 col_text(st, 5), col_text(st, 6), sqlite3_column_int(st, 7),
                                 sqlite3_column_double(st, 8), sqlite3_column_double(st, 9),
                                 sqlite3_column_double(st, 10));
        ds->nodes[n].pool = strtab_intern(&ds->strs, col_text(st, 11));
        ds->nodes[n].provider_id = strtab_intern(&ds->strs, col_text(st, 12));
        u64map_put(&L->node_ix, (uint64_t)sqlite3_column_int64(st, 0), n);
    }
    return finish(L, st, rc);
}

/* Containers we need, and the pods they belong to; added once pods are. */
static int load_containers_pass1(loader *L, ctr_row **rows, size_t *n)
{
    sqlite3_stmt *st = prep(L, "SELECT id, pod_id, name FROM containers");
    int rc;
    size_t cap = 0;
    if (!st) return -1;
    *rows = NULL, *n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        uint32_t id = id32(sqlite3_column_int64(st, 0)), pod = id32(sqlite3_column_int64(st, 1));
        if (id == KT_NONE || pod == KT_NONE || idv_get(&L->want_container, id) != WANTED)
            continue;
        idv_set(&L->want_pod, pod, WANTED);
        grow_array((void **)rows, &cap, *n, sizeof **rows);
        (*rows)[(*n)++] = (ctr_row){id, pod, strtab_intern(&L->ds->strs, col_text(st, 2))};
    }
    return finish(L, st, rc);
}

/* Interned labels (kind 0), annotations (1) and services (2) of the pod at
 * the cursor, which walks pod_labels in pod id order beside the pods. */
typedef struct label_cursor {
    sqlite3_stmt *st;
    int rc;
    uint32_t *ids[3];
    uint32_t n[3], cap[3];
} label_cursor;

static void collect_pod_labels(label_cursor *lc, kt_dataset *ds, int64_t pod_id)
{
    lc->n[0] = lc->n[1] = lc->n[2] = 0;
    while (lc->rc == SQLITE_ROW && sqlite3_column_int64(lc->st, 0) < pod_id)
        lc->rc = sqlite3_step(lc->st);
    for (; lc->rc == SQLITE_ROW && sqlite3_column_int64(lc->st, 0) == pod_id; lc->rc = sqlite3_step(lc->st)) {
        int kind = sqlite3_column_int(lc->st, 1);
        if (kind < 0 || kind > 2)
            continue;
        if (lc->n[kind] + 2 > lc->cap[kind]) {
            lc->cap[kind] = lc->cap[kind] ? lc->cap[kind] * 2 : 16;
            lc->ids[kind] = xrealloc(lc->ids[kind], lc->cap[kind] * sizeof **lc->ids);
        }
        lc->ids[kind][lc->n[kind]++] = strtab_intern(&ds->strs, col_text(lc->st, 2));
        if (kind < 2)
            lc->ids[kind][lc->n[kind]++] = strtab_intern(&ds->strs, col_text(lc->st, 3));
    }
}

static int load_pods(loader *L)
{
    kt_dataset *ds = L->ds;
    sqlite3_stmt *st = prep(L, "SELECT id, cluster_id, node_id, namespace, name, controller_kind, controller"
                               " FROM pods ORDER BY id");
    label_cursor lc = {prep(L, "SELECT pod_id, kind, key, value FROM pod_labels ORDER BY pod_id, kind, key"), 0,
                       {NULL, NULL, NULL}, {0, 0, 0}, {0, 0, 0}};
    int rc = SQLITE_DONE;
    if (st && lc.st) {
        lc.rc = sqlite3_step(lc.st);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            uint64_t cl, node = KT_NONE;
            uint32_t id = id32(sqlite3_column_int64(st, 0));
            if (id == KT_NONE || idv_get(&L->want_pod, id) != WANTED ||
                !u64map_get(&L->cluster_ix, (uint64_t)sqlite3_column_int64(st, 1), &cl))
                continue;
            u64map_get(&L->node_ix, (uint64_t)sqlite3_column_int64(st, 2), &node);
            collect_pod_labels(&lc, ds, id);
            uint32_t p = ds_add_pod_ids(ds, (uint32_t)cl, (uint32_t)node, strtab_intern(&ds->strs, col_text(st, 3)),
                                        strtab_intern(&ds->strs, col_text(st, 4)),
                                        strtab_intern(&ds->strs, col_text(st, 5)),
                                        strtab_intern(&ds->strs, col_text(st, 6)), lc.ids[0], lc.n[0] / 2,
                                        lc.ids[1], lc.n[1] / 2, lc.ids[2], lc.n[2]);
            idv_set(&L->want_pod, id, p);
        }
    }
    for (int k = 0; k < 3; k++)
        free(lc.ids[k]);
    sqlite3_finalize(lc.st);
    if (!st || !lc.st) {
        sqlite3_finalize(st);
        return -1;
    }
    return finish(L, st, rc);
}

static void add_containers(loader *L, const ctr_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t pod = idv_get(&L->want_pod, rows[i].pod_id);
        if (pod < WANTED)
            idv_set(&L->want_container, rows[i].id, ds_add_container_id(L->ds, pod, rows[i].name));
    }
}

static void free_strv(const char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free((void *)v[i]);
    free(v);
}

static int load_namespaces(loader *L)
{
    sqlite3_stmt *st = prep(L, "SELECT n.id, n.cluster_id, n.name, l.kind, l.key, l.value FROM namespaces n"
                               " LEFT JOIN namespace_labels l ON l.ns_id = n.id ORDER BY n.id, l.kind, l.key");
    int rc;
    if (!st) return -1;
    rc = sqlite3_step(st);
    while (rc == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        uint64_t cl;
        int known = u64map_get(&L->cluster_ix, (uint64_t)sqlite3_column_int64(st, 1), &cl);
        char *name = xstrdup(col_text(st, 2));
        const char **lab = NULL, **ann = NULL;
        size_t nl = 0, na = 0;
        for (; rc == SQLITE_ROW && sqlite3_column_int64(st, 0) == id; rc = sqlite3_step(st)) {
            if (sqlite3_column_type(st, 3) == SQLITE_NULL)
                continue;
            const char ***arr = sqlite3_column_int(st, 3) ? &ann : &lab;
            size_t *cnt = sqlite3_column_int(st, 3) ? &na : &nl;
            *arr = xrealloc(*arr, (*cnt + 3) * sizeof **arr);
            (*arr)[(*cnt)++] = xstrdup(col_text(st, 4));
            (*arr)[(*cnt)++] = xstrdup(col_text(st, 5));
            (*arr)[*cnt] = NULL;
        }
        if (known)
            ds_add_namespace(L->ds, (uint32_t)cl, name, lab, ann);
        free(name), free_strv(lab, nl), free_strv(ann, na);
    }
    return finish(L, st, rc);
}

static int load_volumes_lbs(loader *L)
{
    sqlite3_stmt *st = prep(L, "SELECT id, cluster_id, name, storage_class, claim_namespace, claim_name,"
                               " provider_id FROM volumes");
    int rc;
    uint64_t cl;
    if (!st) return -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!u64map_get(&L->cluster_ix, (uint64_t)sqlite3_column_int64(st, 1), &cl))
            continue;
        uint32_t v = ds_add_volume(L->ds, (uint32_t)cl, col_text(st, 2), col_text(st, 3), col_text(st, 4),
                                   col_text(st, 5));
        L->ds->volumes[v].provider_id = strtab_intern(&L->ds->strs, col_text(st, 6));
        u64map_put(&L->volume_ix, (uint64_t)sqlite3_column_int64(st, 0), v);
    }
    if (finish(L, st, rc)) return -1;
    st = prep(L, "SELECT id, cluster_id, namespace, name, ip, private_ip FROM lbs");
    if (!st) return -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!u64map_get(&L->cluster_ix, (uint64_t)sqlite3_column_int64(st, 1), &cl))
            continue;
        uint32_t l = ds_add_lb(L->ds, (uint32_t)cl, col_text(st, 2), col_text(st, 3));
        L->ds->lbs[l].ip = strtab_intern(&L->ds->strs, col_text(st, 4));
        L->ds->lbs[l].private_ip = (uint8_t)sqlite3_column_int(st, 5);
        u64map_put(&L->lb_ix, (uint64_t)sqlite3_column_int64(st, 0), l);
    }
    return finish(L, st, rc);
}

/* Rewrite a db id into an index; 0 when unknown (the fact is dropped). */
static int remap_id(const idvec *m, uint32_t *field)
{
    uint32_t v = idv_get(m, *field);
    if (v >= WANTED)
        return 0;
    *field = v;
    return 1;
}

static int remap(const kt_u64map *m, uint32_t *field)
{
    uint64_t v;
    if (!u64map_get(m, *field, &v) || v == KT_NONE)
        return 0;
    *field = (uint32_t)v;
    return 1;
}

#define COMPACT(arr, cond) do { size_t w_ = 0; \
        for (size_t i_ = 0; i_ < ds->n_##arr; i_++) { __typeof__(ds->arr[0]) *f = &ds->arr[i_]; \
            if (cond) ds->arr[w_++] = *f; } ds->n_##arr = w_; } while (0)

static void remap_facts(loader *L)
{
    kt_dataset *ds = L->ds;
    COMPACT(cfacts, remap_id(&L->want_container, &f->container));
    COMPACT(nfacts, remap(&L->node_ix, &f->node));
    COMPACT(vfacts, remap(&L->volume_ix, &f->volume));
    COMPACT(pvfacts, remap_id(&L->want_pod, &f->pod) && remap(&L->volume_ix, &f->volume));
    COMPACT(lbfacts, remap(&L->lb_ix, &f->lb));
    COMPACT(plbfacts, remap_id(&L->want_pod, &f->pod) && remap(&L->lb_ix, &f->lb));
    COMPACT(feefacts, remap(&L->cluster_ix, &f->cluster));
    COMPACT(netfacts, remap_id(&L->want_pod, &f->pod));
}

static int64_t *reverse_idvec(const idvec *x, size_t n)
{
    int64_t *rev = xcalloc(n + 1, sizeof *rev);
    for (size_t id = 0; id < x->cap; id++)
        if (x->v[id] < WANTED && x->v[id] < n)
            rev[x->v[id]] = (int64_t)id;
    return rev;
}

static int64_t *reverse_map(const kt_u64map *m, size_t n)
{
    int64_t *rev = xcalloc(n + 1, sizeof *rev);
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i] != UINT64_MAX && m->vals[i] < n)
            rev[m->vals[i]] = (int64_t)m->keys[i];
    return rev;
}

/* Database ids of the dataset's things, for writing back (the roll-up). */
static void fill_ids(const loader *L, sq_ids *ids)
{
    const kt_dataset *ds = L->ds;
    ids->container = reverse_idvec(&L->want_container, ds->n_containers);
    ids->pod = reverse_idvec(&L->want_pod, ds->n_pods);
    ids->node = reverse_map(&L->node_ix, ds->n_nodes);
    ids->volume = reverse_map(&L->volume_ix, ds->n_volumes);
    ids->lb = reverse_map(&L->lb_ix, ds->n_lbs);
    ids->cluster = reverse_map(&L->cluster_ix, ds->n_clusters);
}

void sq_ids_free(sq_ids *ids)
{
    free(ids->container), free(ids->pod), free(ids->node), free(ids->volume), free(ids->lb), free(ids->cluster);
    memset(ids, 0, sizeof *ids);
}

static void loader_free(loader *L)
{
    free(L->want_pod.v), free(L->want_container.v), u64map_free(&L->cluster_ix);
    u64map_free(&L->node_ix), u64map_free(&L->volume_ix), u64map_free(&L->lb_ix);
}

/* Are there hourly rows for the day starting at d?  Hours older than the
 * hourly retention are gone; such days are read from their daily rows. */
static int day_has_hours(loader *L, int64_t d)
{
    static const char *sql = "SELECT EXISTS (SELECT 1 FROM node_h WHERE t >= ?1 AND t < ?2)"
                             " OR EXISTS (SELECT 1 FROM container_h WHERE t >= ?1 AND t < ?2)";
    sqlite3_stmt *st = prep(L, sql);
    if (!st)
        return 0;
    sqlite3_bind_int64(st, 1, d);
    sqlite3_bind_int64(st, 2, d + 86400);
    int yes = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return yes;
}

static void add_range(range **r, size_t *n, size_t *cap, const char *suffix, int64_t lo, int64_t hi)
{
    if (*n && (*r)[*n - 1].suffix == suffix && (*r)[*n - 1].hi == lo) {
        (*r)[*n - 1].hi = hi;
        return;
    }
    grow_array((void **)r, cap, *n, sizeof **r);
    (*r)[(*n)++] = (range){suffix, lo, hi};
}

/* Which rows answer [start, end): each UTC day from its daily row when the
 * window covers it whole and hours are not asked for, else from its hours
 * (settled here, prorated at the edges); a day whose hours were pruned
 * falls back to its daily row, prorated. */
static range *plan(loader *L, int64_t start, int64_t end, int hourly, size_t *n)
{
    range *r = NULL;
    size_t cap = 0;
    *n = 0;
    for (int64_t d = day_floor(start); d < end; d += 86400) {
        int whole = d >= start && d + 86400 <= end;
        if ((whole && !hourly) || !day_has_hours(L, d))
            add_range(&r, n, &cap, "d", d, d + 86400);
        else
            add_range(&r, n, &cap, "h", d > start ? d : hour_floor(start), d + 86400 < end ? d + 86400 : end);
    }
    return r;
}

static int load(loader *L, const range *r, size_t nr, int raw, sq_ids *ids)
{
    kt_dataset *ds = L->ds;
    ctr_row *crow = NULL;
    size_t ncrow = 0;
    int rc = 0;
    for (size_t i = 0; !rc && i < nr; i++)
        rc = load_facts(L, &r[i]);
    if (!rc) rc = load_clusters_nodes(L);
    if (!rc) rc = load_containers_pass1(L, &crow, &ncrow);
    if (!rc) rc = load_pods(L);
    if (!rc) add_containers(L, crow, ncrow);
    if (!rc) rc = load_namespaces(L);
    if (!rc) rc = load_volumes_lbs(L);
    free(crow);
    if (!rc) {
        remap_facts(L);
        ds_link_namespaces(ds);
        if (!raw) {
            settle(ds, 3600);
            settle_asset_costs(ds, 86400);
        }
        if (ids)
            fill_ids(L, ids);
    }
    return rc;
}

/* The row path only, for tests and benchmarks. */
static int dayfiles_off(void)
{
    const char *off = getenv("KUBETALLY_NO_DAYFILES");
    return off && *off;
}

int sq_load(kt_store *s, int64_t start, int64_t end, int hourly, kt_dataset *ds, kt_err *err)
{
    assert(s && ds && start < end);
    /* whole days at daily resolution: each day's file holds what its daily
     * rows give (settled, whole days: nothing to prorate) */
    if (!hourly && !dayfiles_off() && !sq_daycache_load(s, start, end, 1, ds))
        return 0;
    loader L = {.s = s, .ds = ds, .start = start, .end = end, .err = err};
    ds_init(ds);
    ds->start = start, ds->end = end;
    int rc = s->in_txn ? 0 : sq_exec(s, "BEGIN", "load", err); /* one consistent snapshot */
    size_t nr = 0;
    range *r = rc ? NULL : plan(&L, start, end, hourly, &nr);
    if (!rc)
        rc = load(&L, r, nr, 0, NULL);
    if (!s->in_txn)
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    free(r);
    if (!rc)
        ds_prorate(ds, start, end);
    loader_free(&L);
    if (rc)
        ds_free(ds);
    return rc;
}

int sq_load_rows(kt_store *s, const char *suffix, int64_t lo, int64_t hi, kt_dataset *ds, sq_ids *ids, kt_err *err)
{
    return sq_load_cluster_rows(s, suffix, lo, hi, 0, ds, ids, err);
}

int sq_load_cluster_rows(kt_store *s, const char *suffix, int64_t lo, int64_t hi, int64_t cluster, kt_dataset *ds,
                         sq_ids *ids, kt_err *err)
{
    assert(s && s->in_txn && lo < hi && lo % 3600 == 0 && (suffix[0] == 'h' || suffix[0] == 'd') && cluster >= 0);
    loader L = {.s = s, .ds = ds, .start = lo, .end = hi, .cluster = cluster, .err = err};
    ds_init(ds);
    ds->start = lo, ds->end = hi;
    range r = {suffix[0] == 'h' ? "h" : "d", lo, hi};
    int rc = load(&L, &r, 1, 0, ids);
    loader_free(&L);
    if (rc)
        ds_free(ds);
    return rc;
}

int sq_load_raw(kt_store *s, int64_t hour, kt_dataset *ds, kt_err *err)
{
    assert(s && ds && hour % 3600 == 0);
    loader L = {.s = s, .ds = ds, .start = hour, .end = hour + 3600, .err = err};
    ds_init(ds);
    ds->start = hour, ds->end = hour + 3600;
    range r = {"h", hour, hour + 3600};
    int rc = s->in_txn ? 0 : sq_exec(s, "BEGIN", "load", err);
    if (!rc)
        rc = load(&L, &r, 1, 1, NULL);
    if (!s->in_txn)
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    loader_free(&L);
    if (rc)
        ds_free(ds);
    return rc;
}

int sq_load_summed(kt_store *s, int64_t start, int64_t end, kt_dataset *ds, kt_err *err)
{
    if (!dayfiles_off() && !sq_daycache_load(s, start, end, 0, ds))
        return 0; /* whole days, every one in a current day file */
    if (store_load(s, start, end, 0, ds, err))
        return -1;
    ds_sum(ds);
    return 0;
}

/* store.c — store.h for every backend: picks the backend by the URL and
 * passes each call to the handle's ops table (store_backend.h).
 *
 * What is the same for every backend lives here (the default URL, the
 * scheme test); what differs lives behind the table: sqlite*.c for files,
 * pg*.c for PostgreSQL.  Settlement is shared code too (settle.c), called
 * by each backend when it rolls up a day and when it loads hours. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_backend.h"

static const kt_store_ops *ops(const kt_store *s)
{
    assert(s);
    return *(const kt_store_ops *const *)(const void *)s; /* every handle starts with its ops */
}

/* Columns only daily rows have: what settlement gave their hours
 * (settle.h).  Appended after the hourly columns, so the v1 → v2 migration
 * is ALTER TABLE … ADD COLUMN in this order. */
const char *const store_daily_extra[8][10] = {
    {"cpu_cost", "ram_cost", "gpu_cost", "idle_node_cpu", "idle_node_ram", "idle_node_gpu", "idle_cl_cpu",
     "idle_cl_ram", "idle_cl_gpu", "fee"},
    {"idle_cpu", "idle_ram", "idle_gpu", "left_node_cpu", "left_node_ram", "left_node_gpu", "left_cl_cpu",
     "left_cl_ram", "left_cl_gpu"},
    {NULL},
    {"cost"},
    {NULL},
    {"cost"},
    {"unshared"},
    {NULL},
};

int store_source_index(const char *src)
{
    static const char *const names[] = {"custom", "price-list", "catalog", "spot-estimate", "default"};
    for (int i = 0; i < 5; i++)
        if (!strcmp(src, names[i]))
            return i;
    return 4;
}

int store_is_sqlite(const kt_store *s) { return !strcmp(ops(s)->name, "sqlite"); }

int store_url_is_pg(const char *url) { return !strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11); }

void store_default_url(char *buf, size_t n)
{
    const char *env = getenv("KUBETALLY_DB");
    if (env && *env) {
        snprintf(buf, n, "%s", env);
        return;
    }
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    if (xdg && *xdg)
        snprintf(buf, n, "sqlite:%s/kubetally/kubetally.db", xdg);
    else
        snprintf(buf, n, "sqlite:%s/.local/share/kubetally/kubetally.db", home && *home ? home : ".");
}

int store_open(const char *url, int flags, kt_store **out, kt_err *err)
{
    char def[1024];
    if (!url || !*url) {
        store_default_url(def, sizeof def);
        url = def;
    }
    *out = NULL;
    return store_url_is_pg(url) ? pgs_open(url, flags, out, err) : sq_open(url, flags, out, err);
}

void store_close(kt_store *s)
{
    if (s)
        ops(s)->close(s);
}

const char *store_describe(const kt_store *s) { return ops(s)->describe(s); }
int store_begin(kt_store *s, kt_err *err) { return ops(s)->begin(s, err); }
int store_commit(kt_store *s, kt_err *err) { return ops(s)->commit(s, err); }
void store_rollback(kt_store *s) { ops(s)->rollback(s); }

int store_put_cluster(kt_store *s, const kt_cluster_rec *c, int64_t *id, kt_err *err)
{
    return ops(s)->put_cluster(s, c, id, err);
}

int store_put_node(kt_store *s, const kt_node_rec *n, int64_t *id, kt_err *err)
{
    return ops(s)->put_node(s, n, id, err);
}

int store_put_pod(kt_store *s, const kt_pod_rec *p, int64_t *id, kt_err *err)
{
    return ops(s)->put_pod(s, p, id, err);
}

int store_put_container(kt_store *s, int64_t pod_id, const char *name, int64_t *id, kt_err *err)
{
    return ops(s)->put_container(s, pod_id, name, id, err);
}

int store_put_volume(kt_store *s, const kt_volume_rec *v, int64_t *id, kt_err *err)
{
    return ops(s)->put_volume(s, v, id, err);
}

int store_put_lb(kt_store *s, const kt_lb_rec *l, int64_t *id, kt_err *err) { return ops(s)->put_lb(s, l, id, err); }

int store_put_namespace(kt_store *s, int64_t cluster_id, const char *name, const kt_kv *labels, size_t n_labels,
                        const kt_kv *annotations, size_t n_annotations, kt_err *err)
{
    return ops(s)->put_namespace(s, cluster_id, name, labels, n_labels, annotations, n_annotations, err);
}

int store_put_container_hour(kt_store *s, const kt_container_hour *f, kt_err *err)
{
    return ops(s)->put_container_hour(s, f, err);
}

int store_put_node_hour(kt_store *s, const kt_node_hour *f, kt_err *err) { return ops(s)->put_node_hour(s, f, err); }

int store_put_volume_hour(kt_store *s, const kt_volume_hour *f, kt_err *err)
{
    return ops(s)->put_volume_hour(s, f, err);
}

int store_put_pod_volume_hour(kt_store *s, const kt_pod_volume_hour *f, kt_err *err)
{
    return ops(s)->put_pod_volume_hour(s, f, err);
}

int store_put_lb_hour(kt_store *s, const kt_lb_hour *f, kt_err *err) { return ops(s)->put_lb_hour(s, f, err); }

int store_put_pod_lb_hour(kt_store *s, const kt_pod_lb_hour *f, kt_err *err)
{
    return ops(s)->put_pod_lb_hour(s, f, err);
}

int store_put_fee_hour(kt_store *s, const kt_fee_hour *f, kt_err *err) { return ops(s)->put_fee_hour(s, f, err); }

int store_put_pod_network_hour(kt_store *s, const kt_pod_network_hour *f, kt_err *err)
{
    return ops(s)->put_pod_network_hour(s, f, err);
}

int store_put_volume_usage(kt_store *s, const kt_volume_usage *u, kt_err *err)
{
    assert(s && u && u->volume_id > 0);
    if (!(u->peak >= 0 && u->peak < 1e18 && u->avg >= 0 && u->avg <= u->peak && u->capacity >= 0 &&
          u->capacity < 1e18 && u->samples >= 0))
        return kt_fail(err, KT_EINPUT, "store: volume usage (peak %g, average %g, capacity %g bytes) is not "
                       "finite, non-negative and ordered", u->peak, u->avg, u->capacity);
    return ops(s)->put_volume_usage ? ops(s)->put_volume_usage(s, u, err) : 0;
}

/* Volume usage joins the dataset by natural key (cluster name, volume
 * name): it is kept beside the facts, not in them, so it reaches every
 * load path (rows, day files) the same way. */
typedef struct attach_ctx {
    kt_dataset *ds;
    kt_u64map by_key; /* cluster index << 32 | volume name id → volume index */
} attach_ctx;

static void attach_one(void *ctx, const char *cluster, const char *volume, const kt_volume_usage *u)
{
    attach_ctx *a = ctx;
    uint32_t cn = strtab_find(&a->ds->strs, cluster), vn = strtab_find(&a->ds->strs, volume);
    if (cn == UINT32_MAX || vn == UINT32_MAX)
        return;
    for (size_t c = 0; c < a->ds->n_clusters; c++) {
        uint64_t vi;
        if (a->ds->clusters[c].name == cn && u64map_get(&a->by_key, (uint64_t)c << 32 | vn, &vi)) {
            ds_volume *v = &a->ds->volumes[vi];
            v->used_peak = u->peak, v->used_avg = u->avg, v->used_capacity = u->capacity;
        }
    }
}

static int attach_volume_usage(kt_store *s, int64_t start, int64_t end, kt_dataset *ds, kt_err *err)
{
    for (size_t i = 0; i < ds->n_volumes; i++)
        ds->volumes[i].used_peak = ds->volumes[i].used_avg = ds->volumes[i].used_capacity = 0;
    if (!ops(s)->volume_usage || !ds->n_volumes)
        return 0;
    attach_ctx a = {ds, {0}};
    u64map_init(&a.by_key);
    for (size_t i = 0; i < ds->n_volumes; i++)
        u64map_put(&a.by_key, (uint64_t)ds->volumes[i].cluster << 32 | ds->volumes[i].name, i);
    int rc = ops(s)->volume_usage(s, start, end, attach_one, &a, err);
    u64map_free(&a.by_key);
    return rc;
}

int store_load(kt_store *s, int64_t start, int64_t end, int hourly, kt_dataset *out, kt_err *err)
{
    int rc = ops(s)->load(s, start, end, hourly, out, err);
    return rc ? rc : attach_volume_usage(s, start, end, out, err);
}

int store_load_summed(kt_store *s, int64_t start, int64_t end, kt_dataset *out, kt_err *err)
{
    int rc = ops(s)->load_summed(s, start, end, out, err);
    return rc ? rc : attach_volume_usage(s, start, end, out, err);
}

int store_rebuild_cache(kt_store *s, long *files, kt_err *err) { return ops(s)->rebuild_cache(s, files, err); }

int store_load_raw(kt_store *s, int64_t hour, kt_dataset *out, kt_err *err)
{
    return ops(s)->load_raw(s, hour, out, err);
}

int store_get_retention(kt_store *s, kt_retention *r, kt_err *err) { return ops(s)->get_retention(s, r, err); }
int store_set_retention(kt_store *s, const kt_retention *r, kt_err *err) { return ops(s)->set_retention(s, r, err); }
int store_prune(kt_store *s, int64_t now, kt_err *err) { return ops(s)->prune(s, now, err); }

int store_cluster_status(kt_store *s, kt_cluster_status **out, size_t *n, kt_err *err)
{
    return ops(s)->cluster_status(s, out, n, err);
}

int store_set_cluster_contact(kt_store *s, int64_t cluster_id, int64_t when, const char *last_error, kt_err *err)
{
    return ops(s)->set_cluster_contact(s, cluster_id, when, last_error, err);
}

int store_get_meta(kt_store *s, const char *key, char *buf, size_t n, kt_err *err)
{
    return ops(s)->get_meta(s, key, buf, n, err);
}

int store_set_meta(kt_store *s, const char *key, const char *value, kt_err *err)
{
    return ops(s)->set_meta(s, key, value, err);
}

int store_put_record(kt_store *s, const char *kind, const char *id, const char *body, kt_err *err)
{
    return ops(s)->put_record(s, kind, id, body, err);
}

int store_get_record(kt_store *s, const char *kind, const char *id, char **body, kt_err *err)
{
    return ops(s)->get_record(s, kind, id, body, err);
}

int store_del_record(kt_store *s, const char *kind, const char *id, kt_err *err)
{
    return ops(s)->del_record(s, kind, id, err);
}

int store_list_records(kt_store *s, const char *kind, kt_record_fn fn, void *ctx, kt_err *err)
{
    return ops(s)->list_records(s, kind, fn, ctx, err);
}

int store_reprice(kt_store *s, int64_t start, int64_t end, const kt_reprice_fns *f, kt_reprice_stats *st,
                  kt_err *err)
{
    return ops(s)->reprice(s, start, end, f, st, err);
}

static void stats_add(kt_reprice_stats *a, const kt_reprice_stats *b)
{
    a->nodes += b->nodes, a->node_hours += b->node_hours, a->volumes += b->volumes;
    a->volume_hours += b->volume_hours, a->lbs += b->lbs, a->lb_hours += b->lb_hours;
    a->fee_hours += b->fee_hours, a->days += b->days;
    for (int i = 0; i < 5; i++)
        a->by_source[i] += b->by_source[i];
}

int store_reprice_window(kt_store *s, int64_t start, int64_t end, const kt_reprice_fns *f, kt_reprice_stats *st,
                         kt_err *err)
{
    if (ops(s)->reprice_window)
        return ops(s)->reprice_window(s, start, end, f, st, err);
    /* one UTC day per transaction; a thing repriced on several days counts
     * on each of them here */
    kt_reprice_stats day;
    memset(st, 0, sizeof *st);
    for (int64_t t = start; t < end;) {
        int64_t next = t - ((t % 86400) + 86400) % 86400 + 86400;
        if (next > end)
            next = end;
        if (store_begin(s, err))
            return -1;
        if (ops(s)->reprice(s, t, next, f, &day, err)) {
            store_rollback(s);
            return -1;
        }
        if (store_commit(s, err))
            return -1;
        stats_add(st, &day);
        t = next;
    }
    return 0;
}

int store_grant_agent(kt_store *s, const char *cluster, const char *role, const char *password, kt_err *err)
{
    assert(cluster && role && password);
    return ops(s)->grant_agent(s, cluster, role, password, err);
}

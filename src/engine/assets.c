/* assets.c — costing nodes, disks, load balancers, fees and network over a
 * window, optionally grouped; see assets.h. */
#include "engine/assets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pricing/node_split.h"
#include "util/buf.h"

const char *asset_type_name(enum kt_asset_type t)
{
    static const char *names[] = {"Node", "Disk", "LoadBalancer", "ClusterManagement", "Network"};
    return names[t];
}

typedef struct agg_spec {
    int n;
    char props[8][16];
} agg_spec;

static int parse_agg(const char *text, agg_spec *a, kt_err *err)
{
    static const char *valid[] = {"type", "cluster", "provider", "region", "node", NULL};
    memset(a, 0, sizeof *a);
    for (const char *p = text; p && *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        int ok = 0;
        for (int i = 0; valid[i]; i++)
            if (strlen(valid[i]) == len && !strncmp(valid[i], p, len))
                ok = 1;
        if (!ok || a->n == 8)
            return kt_fail(err, KT_EINPUT, "aggregate: unknown asset property '%.*s'; use type, cluster, "
                           "provider, region or node", (int)(len > 64 ? 64 : len), p);
        memcpy(a->props[a->n++], p, len);
        p = e ? e + 1 : NULL;
    }
    return 0;
}

typedef struct acc {
    const kt_dataset *ds;
    kt_asset_result *r;
    agg_spec spec;
    kt_strtab names;
    kt_u64map rows;
    kt_buf key;
    size_t *node_row; /* per dataset node: 1 + its row, 0 ⇒ no node fact in the window */
} acc;

/* The row for one asset (its own name, or its group's). */
static kt_asset *row(acc *A, enum kt_asset_type type, uint32_t cluster, uint32_t provider, uint32_t region,
                     uint32_t node, const char *name)
{
    const kt_strtab *s = &A->ds->strs;
    uint32_t cname = A->ds->clusters[cluster].name; /* rows hold names, like provider and region */
    buf_reset(&A->key);
    if (!A->spec.n) {
        buf_printf(&A->key, "%s/%s/%s", strtab_get(s, A->ds->clusters[cluster].name), asset_type_name(type), name);
    } else {
        for (int i = 0; i < A->spec.n; i++) {
            const char *p = A->spec.props[i], *v;
            if (!strcmp(p, "type")) v = asset_type_name(type);
            else if (!strcmp(p, "cluster")) v = strtab_get(s, A->ds->clusters[cluster].name);
            else if (!strcmp(p, "provider")) v = strtab_get(s, provider);
            else if (!strcmp(p, "region")) v = strtab_get(s, region);
            else v = strtab_get(s, node);
            buf_printf(&A->key, "%s%s", i ? "/" : "", *v ? v : "__undefined__");
        }
    }
    uint32_t id = strtab_intern(&A->names, A->key.data);
    uint64_t ix;
    if (u64map_get(&A->rows, id, &ix)) {
        kt_asset *a = &A->r->items[ix];
        if (a->type != type)
            a->mixed_type = 1;
        if (a->cluster != cname) a->cluster = 0;
        if (a->provider != provider) a->provider = 0;
        if (a->region != region) a->region = 0;
        if (a->node != node) a->node = 0;
        return a;
    }
    grow_array((void **)&A->r->items, &A->r->cap, A->r->n, sizeof *A->r->items);
    kt_asset *a = &A->r->items[A->r->n];
    memset(a, 0, sizeof *a);
    a->name = xstrdup(A->key.data);
    a->type = type;
    a->cluster = cname, a->provider = provider, a->region = region, a->node = node;
    a->start = INT64_MAX, a->end = INT64_MIN;
    u64map_put(&A->rows, id, A->r->n++);
    return a;
}

/* The asset existed `hours` of the fact's span: a daily roll-up of a node
 * that ran 3 h covers 3 h, not the day (placed at the span's start; the
 * cost is hours × price either way, this only makes minutes right). */
static void span(kt_asset *a, int64_t t, int32_t dur, double hours, const kt_window *w)
{
    int64_t len = hours * 3600 < dur ? (int64_t)(hours * 3600 + 0.5) : dur;
    int64_t s = t < w->start ? w->start : t, e = t + len > w->end ? w->end : t + len;
    if (s < a->start) a->start = s;
    if (e > a->end) a->end = e;
}

/* Only facts that start inside the window count: a dataset may have been
 * loaded for a wider span (the dashboard loads once for several views). */
static int outside(int64_t t, kt_window w) { return t < w.start || t >= w.end; }

static void add_nodes(acc *A, kt_window w)
{
    const kt_dataset *ds = A->ds;
    for (size_t i = 0; i < ds->n_nfacts; i++) {
        const ds_node_fact *f = &ds->nfacts[i];
        if (outside(f->t, w))
            continue;
        const ds_node *n = &ds->nodes[f->node];
        kt_asset *a = row(A, AS_NODE, n->cluster, n->provider, n->region, n->name, strtab_get(&ds->strs, n->name));
        double cpu = n->cpu_cores * f->hours * f->cpu_price, ram = n->ram_bytes / KT_GIB * f->hours * f->ram_price;
        double gpu = n->gpus * f->hours * f->gpu_price;
        a->cpu_core_hours += n->cpu_cores * f->hours;
        a->ram_byte_hours += n->ram_bytes * f->hours;
        a->gpu_hours += n->gpus * f->hours;
        a->cpu_cost += cpu, a->ram_cost += ram, a->gpu_cost += gpu, a->cost += cpu + ram + gpu;
        a->preemptible += n->spot * f->hours;
        a->hours += f->hours;
        a->hourly = f->hourly;
        if (!a->instance_type) a->instance_type = n->instance_type;
        a->provider_id = n->provider_id, a->zone = n->zone, a->source = f->source, a->pool = n->pool;
        span(a, f->t, f->dur, f->hours, &w);
        A->node_row[f->node] = (size_t)(a - A->r->items) + 1;
    }
}

/* What the containers used on each node (OpenCost's cpuBreakdown and
 * ramBreakdown come from the node's measured usage). */
static void add_usage(acc *A, kt_window w)
{
    const kt_dataset *ds = A->ds;
    for (size_t i = 0; i < ds->n_cfacts; i++) {
        const ds_container_fact *f = &ds->cfacts[i];
        if (outside(f->t, w))
            continue;
        uint32_t node = ds->pods[ds->containers[f->container].pod].node;
        if (node == KT_NONE || !A->node_row[node])
            continue;
        kt_asset *a = &A->r->items[A->node_row[node] - 1];
        a->cpu_used_core_hours += f->cpu_use;
        a->ram_used_byte_hours += f->ram_use;
    }
}

static void add_others(acc *A, kt_window w)
{
    const kt_dataset *ds = A->ds;
    for (size_t i = 0; i < ds->n_vfacts; i++) {
        const ds_volume_fact *f = &ds->vfacts[i];
        if (outside(f->t, w))
            continue;
        const ds_volume *v = &ds->volumes[f->volume];
        const ds_cluster *c = &ds->clusters[v->cluster];
        kt_asset *a = row(A, AS_DISK, v->cluster, c->provider, c->region, 0, strtab_get(&ds->strs, v->name));
        double cost = f->hours * f->bytes / KT_GIB * f->price_gib_hour;
        a->byte_hours += f->hours * f->bytes, a->cost += cost, a->hours += f->hours;
        a->storage_class = v->storage_class, a->claim_ns = v->claim_ns, a->claim_name = v->claim_name;
        a->source = f->source;
        span(a, f->t, f->dur, f->hours, &w);
    }
    for (size_t i = 0; i < ds->n_lbfacts; i++) {
        const ds_lb_fact *f = &ds->lbfacts[i];
        if (outside(f->t, w))
            continue;
        const ds_lb *l = &ds->lbs[f->lb];
        const ds_cluster *c = &ds->clusters[l->cluster];
        char nm[512];
        snprintf(nm, sizeof nm, "%s/%s", strtab_get(&ds->strs, l->namespace_), strtab_get(&ds->strs, l->name));
        kt_asset *a = row(A, AS_LB, l->cluster, c->provider, c->region, 0, nm);
        a->cost += f->hours * f->hourly, a->hours += f->hours, a->hourly = f->hourly;
        span(a, f->t, f->dur, f->hours, &w);
    }
    for (size_t i = 0; i < ds->n_feefacts; i++) {
        const ds_fee_fact *f = &ds->feefacts[i];
        if (outside(f->t, w))
            continue;
        const ds_cluster *c = &ds->clusters[f->cluster];
        kt_asset *a = row(A, AS_MGMT, f->cluster, c->provider, c->region, 0, strtab_get(&ds->strs, f->kind));
        a->cost += f->hours * f->hourly, a->hours += f->hours, a->hourly = f->hourly;
        span(a, f->t, f->dur, f->hours, &w);
    }
    for (size_t i = 0; i < ds->n_netfacts; i++) {
        const ds_network_fact *f = &ds->netfacts[i];
        if (outside(f->t, w))
            continue;
        const ds_pod *p = &ds->pods[f->pod];
        const ds_cluster *c = &ds->clusters[p->cluster];
        kt_asset *a = row(A, AS_NETWORK, p->cluster, c->provider, c->region, 0, "egress");
        a->cost += f->cost_internet + f->cost_region + f->cost_zone;
        span(a, f->t, f->dur, f->dur / 3600.0, &w); /* traffic has no "present" time: the whole span */
    }
}

static int by_cost(const void *x, const void *y)
{
    const kt_asset *a = x, *b = y;
    if (a->cost != b->cost)
        return a->cost < b->cost ? 1 : -1;
    return strcmp(a->name, b->name);
}

int assets_compute(const kt_dataset *ds, kt_window w, const char *aggregate, kt_asset_result *out, kt_err *err)
{
    memset(out, 0, sizeof *out);
    out->window = w;
    out->ds = ds;
    acc A = {.ds = ds, .r = out};
    if (parse_agg(aggregate, &A.spec, err))
        return -1;
    strtab_init(&A.names);
    u64map_init(&A.rows);
    A.node_row = xcalloc(ds->n_nodes ? ds->n_nodes : 1, sizeof *A.node_row);
    add_nodes(&A, w);
    add_usage(&A, w);
    free(A.node_row);
    add_others(&A, w);
    for (size_t i = 0; i < out->n; i++) {
        kt_asset *a = &out->items[i];
        if (a->hours > 0 && a->type == AS_NODE)
            a->preemptible /= a->hours;
        out->total += a->cost;
    }
    if (out->n > 1)
        qsort(out->items, out->n, sizeof *out->items, by_cost);
    snprintf(out->currency, sizeof out->currency, "%s",
             ds->n_clusters ? strtab_get(&ds->strs, ds->clusters[0].currency) : "USD");
    strtab_free(&A.names);
    u64map_free(&A.rows);
    buf_free(&A.key);
    return 0;
}

void assets_free(kt_asset_result *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->items[i].name);
    free(r->items);
    memset(r, 0, sizeof *r);
}

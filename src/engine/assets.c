/* assets.c — costing nodes, disks, load balancers, fees and network over a
 * window, optionally grouped; see assets.h. */
#include "engine/assets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/carbon_rates.h"
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
    double *node_kg_h; /* per dataset node: kg CO2e per hour (carbon_rates.h) */
} acc;

/* A property all members share stays; one they differ in is left empty. */
static void merge(uint32_t *field, uint32_t v, int first) { *field = first || *field == v ? v : 0; }

/* The row for one asset (its own name, or its group's).  Properties are
 * string ids, the cluster's name included. */
static kt_asset *row(acc *A, enum kt_asset_type type, uint32_t cluster, uint32_t provider, uint32_t region,
                     uint32_t node, const char *name)
{
    const kt_strtab *s = &A->ds->strs;
    uint32_t cl_name = A->ds->clusters[cluster].name;
    buf_reset(&A->key);
    if (!A->spec.n) {
        buf_printf(&A->key, "%s/%s/%s", strtab_get(s, cl_name), asset_type_name(type), name);
    } else {
        for (int i = 0; i < A->spec.n; i++) {
            const char *p = A->spec.props[i], *v;
            if (!strcmp(p, "type")) v = asset_type_name(type);
            else if (!strcmp(p, "cluster")) v = strtab_get(s, cl_name);
            else if (!strcmp(p, "provider")) v = strtab_get(s, provider);
            else if (!strcmp(p, "region")) v = strtab_get(s, region);
            else v = strtab_get(s, node);
            buf_printf(&A->key, "%s%s", i ? "/" : "", *v ? v : "__undefined__");
        }
    }
    uint32_t id = strtab_intern(&A->names, A->key.data);
    uint64_t ix;
    kt_asset *a;
    if (u64map_get(&A->rows, id, &ix)) {
        a = &A->r->items[ix];
        if (a->type != type)
            a->mixed_type = 1;
    } else {
        grow_array((void **)&A->r->items, &A->r->cap, A->r->n, sizeof *A->r->items);
        a = &A->r->items[A->r->n];
        memset(a, 0, sizeof *a);
        a->name = xstrdup(A->key.data);
        a->type = type;
        a->start = INT64_MAX, a->end = INT64_MIN;
        u64map_put(&A->rows, id, A->r->n++);
    }
    int first = !a->members++;
    merge(&a->cluster, cl_name, first), merge(&a->provider, provider, first);
    merge(&a->region, region, first), merge(&a->node, node, first);
    return a;
}

/* The asset existed `hours` of the fact's span: a daily roll-up of a node
 * that ran 3 h covers 3 h, not the day (placed at the span's start; the
 * cost is what it is either way, this only makes minutes right). */
static void span(kt_asset *a, int64_t t, int32_t dur, double hours, const kt_window *w)
{
    int64_t len = hours * 3600 < dur ? (int64_t)(hours * 3600 + 0.5) : dur;
    int64_t s = t < w->start ? w->start : t, e = t + len > w->end ? w->end : t + len;
    if (s < a->start) a->start = s;
    if (e > a->end) a->end = e;
}

static void add_nodes(acc *A, kt_window w)
{
    const kt_dataset *ds = A->ds;
    for (size_t i = 0; i < ds->n_nfacts; i++) {
        const ds_node_fact *f = &ds->nfacts[i];
        double k = ds_fact_part(ds, f->t, f->dur, w.start, w.end);
        if (k <= 0)
            continue;
        const ds_node *n = &ds->nodes[f->node];
        kt_asset *a = row(A, AS_NODE, n->cluster, n->provider, n->region, n->name, strtab_get(&ds->strs, n->name));
        int first = a->members == 1 && !a->hours;
        double h = f->hours * k;
        a->cpu_core_hours += n->cpu_cores * h;
        a->ram_byte_hours += n->ram_bytes * h;
        a->gpu_hours += n->gpus * h;
        a->cpu_cost += f->cost[R_CPU] * k, a->ram_cost += f->cost[R_RAM] * k, a->gpu_cost += f->cost[R_GPU] * k;
        a->cost += (f->cost[R_CPU] + f->cost[R_RAM] + f->cost[R_GPU]) * k;
        a->carbon_cost += A->node_kg_h[f->node] * h;
        a->preemptible += n->spot * h;
        a->hours += h;
        a->hourly = f->hourly;
        merge(&a->instance_type, n->instance_type, first), merge(&a->provider_id, n->provider_id, first);
        merge(&a->zone, n->zone, first), merge(&a->source, f->source, first), merge(&a->pool, n->pool, first);
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
        double k = ds_fact_part(ds, f->t, f->dur, w.start, w.end);
        if (k <= 0)
            continue;
        uint32_t node = ds->pods[ds->containers[f->container].pod].node;
        if (node == KT_NONE || !A->node_row[node])
            continue;
        kt_asset *a = &A->r->items[A->node_row[node] - 1];
        a->cpu_used_core_hours += f->cpu_use * k;
        a->ram_used_byte_hours += f->ram_use * k;
    }
}

static void add_others(acc *A, kt_window w)
{
    const kt_dataset *ds = A->ds;
    double k;
#define PART(f) ((k = ds_fact_part(ds, (f)->t, (f)->dur, w.start, w.end)) > 0)
    for (size_t i = 0; i < ds->n_vfacts; i++) {
        const ds_volume_fact *f = &ds->vfacts[i];
        if (!PART(f))
            continue;
        const ds_volume *v = &ds->volumes[f->volume];
        const ds_cluster *c = &ds->clusters[v->cluster];
        kt_asset *a = row(A, AS_DISK, v->cluster, c->provider, c->region, 0, strtab_get(&ds->strs, v->name));
        int first = a->members == 1 && !a->hours;
        a->byte_hours += f->hours * k * f->bytes, a->cost += f->cost * k, a->hours += f->hours * k;
        a->carbon_cost += carbon_vfact_kg(ds, f) * k;
        merge(&a->storage_class, v->storage_class, first), merge(&a->claim_ns, v->claim_ns, first);
        merge(&a->claim_name, v->claim_name, first), merge(&a->source, f->source, first);
        span(a, f->t, f->dur, f->hours, &w);
    }
    for (size_t i = 0; i < ds->n_lbfacts; i++) {
        const ds_lb_fact *f = &ds->lbfacts[i];
        if (!PART(f))
            continue;
        const ds_lb *l = &ds->lbs[f->lb];
        const ds_cluster *c = &ds->clusters[l->cluster];
        char nm[512];
        snprintf(nm, sizeof nm, "%s/%s", strtab_get(&ds->strs, l->namespace_), strtab_get(&ds->strs, l->name));
        kt_asset *a = row(A, AS_LB, l->cluster, c->provider, c->region, 0, nm);
        a->cost += f->cost * k, a->hours += f->hours * k, a->hourly = f->hourly;
        span(a, f->t, f->dur, f->hours, &w);
    }
    for (size_t i = 0; i < ds->n_feefacts; i++) {
        const ds_fee_fact *f = &ds->feefacts[i];
        if (!PART(f))
            continue;
        const ds_cluster *c = &ds->clusters[f->cluster];
        kt_asset *a = row(A, AS_MGMT, f->cluster, c->provider, c->region, 0, strtab_get(&ds->strs, f->kind));
        a->cost += f->cost * k, a->hours += f->hours * k, a->hourly = f->hourly;
        span(a, f->t, f->dur, f->hours, &w);
    }
    for (size_t i = 0; i < ds->n_netfacts; i++) {
        const ds_network_fact *f = &ds->netfacts[i];
        if (!PART(f))
            continue;
        const ds_pod *p = &ds->pods[f->pod];
        const ds_cluster *c = &ds->clusters[p->cluster];
        kt_asset *a = row(A, AS_NETWORK, p->cluster, c->provider, c->region, 0, "egress");
        a->cost += (f->cost_internet + f->cost_region + f->cost_zone) * k;
        a->carbon_cost += carbon_netfact_kg(ds, f) * k;
        span(a, f->t, f->dur, f->dur / 3600.0, &w); /* traffic has no "present" time: the whole span */
    }
#undef PART
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
    A.node_kg_h = carbon_node_kg_h(ds);
    add_nodes(&A, w);
    add_usage(&A, w);
    free(A.node_row);
    free(A.node_kg_h);
    add_others(&A, w);
    for (size_t i = 0; i < out->n; i++) {
        kt_asset *a = &out->items[i];
        if (a->hours > 0 && a->type == AS_NODE)
            a->preemptible /= a->hours;
        out->total += a->cost;
        out->total_carbon += a->carbon_cost;
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

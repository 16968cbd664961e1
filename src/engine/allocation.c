/* allocation.c — computing allocation sets from a dataset; see allocation.h.
 *
 * Per set (one step of the window):
 *   1. price every fact that belongs to a pod (container, pod-volume,
 *      pod-load-balancer, network) into an `item`, and total the cost of
 *      every asset (node, volume, load balancer, fee) in the set;
 *   2. idle per node and resource = node cost − Σ item cost on the node,
 *      floored at 0 (the excess is the set's overrun);
 *   3. each item joins its group's row, with its share of idle (when
 *      shareIdle) and of its cluster's fees (when tenancy is shared);
 *      items of shared namespaces/labels go to a pool instead;
 *   4. leftovers become __idle__, __unmounted__ and __shared__ rows, and the
 *      pool plus the fixed shared cost is split over the rows.
 * Everything a container knows (its group, filter match, shared or not) is
 * worked out once per container, not per fact. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc_internal.h"
#include "pricing/node_split.h"

enum { IT_CONTAINER, IT_VOLUME, IT_LB, IT_NET };
enum { CF_MATCH = 1, CF_SHARED = 2 };

typedef struct item {
    uint8_t type;
    uint32_t container, node_slot;   /* node_slot = n_nodes for "no node" */
    uint32_t fact;
    double cpu, ram, gpu, other;     /* costs */
} item;

typedef struct res3 { double cpu, ram, gpu; } res3;

/* Facts grouped by the set (step) their start falls in: a counting sort,
 * so each set visits only its own facts. */
enum { B_C, B_N, B_V, B_PV, B_LB, B_PLB, B_FEE, B_NET, B_COUNT };
typedef struct bucket {
    uint32_t *idx;
    size_t *off; /* n_sets + 1 offsets into idx */
} bucket;

static void bucket_build(bucket *b, const void *base, size_t n, size_t stride, size_t t_off, kt_window w,
                         int64_t step, size_t n_sets)
{
    b->off = xcalloc(n_sets + 2, sizeof *b->off);
    b->idx = xmalloc((n ? n : 1) * sizeof *b->idx);
    for (size_t i = 0; i < n; i++) {
        int64_t t = *(const int64_t *)((const char *)base + i * stride + t_off);
        if (t >= w.start && t < w.end)
            b->off[(size_t)((t - w.start) / step) + 2]++;
    }
    for (size_t k = 2; k < n_sets + 2; k++)
        b->off[k] += b->off[k - 1];
    for (size_t i = 0; i < n; i++) { /* off[k+1] is set k's write cursor, ending at its end */
        int64_t t = *(const int64_t *)((const char *)base + i * stride + t_off);
        if (t >= w.start && t < w.end)
            b->idx[b->off[(size_t)((t - w.start) / step) + 1]++] = (uint32_t)i;
    }
}

#define BUCKET(c, which, arr, type, w, step, n_sets) \
    bucket_build(&(c)->b[which], (c)->ds->arr, (c)->ds->n_##arr, sizeof(type), offsetof(type, t), w, step, n_sets)

typedef struct ctx {
    const kt_dataset *ds;
    const kt_alloc_query *q;
    kt_strtab keys;
    uint32_t *ckey;          /* container -> key id */
    uint8_t *cflag;
    uint32_t *pod_container; /* pod -> its first container (KT_NONE if none) */
    kt_u64map nfact_at, vfact_at, lbfact_at; /* (thing, minute) -> fact */
    item *items; size_t n_items, cap_items;
    res3 *node_cost, *node_alloc;  /* per node slot */
    res3 *cl_idle, *cl_alloc;      /* per cluster, when idle is by cluster */
    double *cl_fee, *cl_total;     /* per cluster */
    double *vol_attr;  /* per volume: cost attributed in the set */
    double *lb_attr;
    set_index index;
    kt_buf name;
    bucket b[B_COUNT]; /* facts of each kind, grouped by set */
    size_t set_k;      /* the set being computed */
} ctx;

/* Iterate the indexes of facts of kind `which` that fall in the current set. */
#define EACH_FACT(c, which, i) \
    for (size_t j_ = (c)->b[which].off[(c)->set_k], i = 0; \
         j_ < (c)->b[which].off[(c)->set_k + 1] && ((i = (c)->b[which].idx[j_]), 1); j_++)

static uint64_t at_key(uint32_t thing, int64_t t) { return (uint64_t)thing << 32 | (uint32_t)(t / 60); }

/* --- per-container facts, once ------------------------------------------ */

typedef struct fctx { const kt_dataset *ds; uint32_t container; } fctx;

static const char *filter_get(void *vp, enum kt_field f, const char *key, int idx)
{
    fctx *c = vp;
    const kt_dataset *ds = c->ds;
    const ds_pod *p = &ds->pods[ds->containers[c->container].pod];
    const ds_node *n = p->node == KT_NONE ? NULL : &ds->nodes[p->node];
    if (f == F_SERVICES)
        return (uint32_t)idx < p->n_svcs ? strtab_get(&ds->strs, ds->svcs[p->svc_off + idx]) : NULL;
    if (idx > 0)
        return NULL;
    uint32_t id = 0;
    switch (f) {
    case F_CLUSTER: id = ds->clusters[p->cluster].name; break;
    case F_NODE: id = n ? n->name : 0; break;
    case F_NAMESPACE: id = p->namespace_; break;
    case F_CONTROLLER: id = p->controller; break;
    case F_CONTROLLER_KIND: id = p->controller_kind; break;
    case F_CONTAINER: id = ds->containers[c->container].name; break;
    case F_POD: id = p->name; break;
    case F_PROVIDER: id = n ? n->provider : ds->clusters[p->cluster].provider; break;
    case F_REGION: id = n ? n->region : ds->clusters[p->cluster].region; break;
    case F_ZONE: id = n ? n->zone : 0; break;
    case F_LABEL:
    case F_ANNOTATION: {
        uint32_t k = strtab_find(&ds->strs, key);
        id = k == UINT32_MAX ? 0 : ds_pod_label(ds, p, k, f == F_ANNOTATION);
        break;
    }
    default: break;
    }
    return strtab_get(&ds->strs, id);
}

/* Is the pod in a shared namespace or does it carry a shared label? */
static int pod_is_shared(const kt_dataset *ds, const ds_pod *p, const kt_alloc_query *q)
{
    const char *ns = strtab_get(&ds->strs, p->namespace_);
    size_t nl = strlen(ns);
    for (const char *s = q->share_namespaces; s && *s;) {
        const char *e = strchr(s, ',');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (len == nl && !strncmp(s, ns, len))
            return 1;
        s = e ? e + 1 : NULL;
    }
    for (const char *s = q->share_labels; s && *s;) {
        const char *e = strchr(s, ','), *colon = strchr(s, ':');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (colon && colon < s + len) {
            char key[256];
            size_t kl = (size_t)(colon - s);
            if (kl < sizeof key) {
                memcpy(key, s, kl);
                key[kl] = 0;
                uint32_t k = strtab_find(&ds->strs, key);
                const char *v = strtab_get(&ds->strs, k == UINT32_MAX ? 0 : ds_pod_label(ds, p, k, 0));
                size_t vl = len - kl - 1;
                if (*v && strlen(v) == vl && !strncmp(colon + 1, v, vl))
                    return 1;
            }
        }
        s = e ? e + 1 : NULL;
    }
    return 0;
}

static void prepare_containers(ctx *c)
{
    const kt_dataset *ds = c->ds;
    c->ckey = xmalloc((ds->n_containers + 1) * sizeof *c->ckey);
    c->cflag = xcalloc(ds->n_containers + 1, 1);
    c->pod_container = xmalloc((ds->n_pods + 1) * sizeof *c->pod_container);
    memset(c->pod_container, 0xff, (ds->n_pods + 1) * sizeof *c->pod_container);
    for (uint32_t i = 0; i < ds->n_containers; i++) {
        const ds_pod *p = &ds->pods[ds->containers[i].pod];
        if (c->pod_container[ds->containers[i].pod] == KT_NONE)
            c->pod_container[ds->containers[i].pod] = i;
        aggregate_key(ds, &c->q->agg, i, &c->name);
        c->ckey[i] = strtab_intern(&c->keys, c->name.data);
        fctx f = {ds, i};
        if (filter_match(c->q->filter, filter_get, &f))
            c->cflag[i] |= CF_MATCH;
        if (pod_is_shared(ds, p, c->q))
            c->cflag[i] |= CF_SHARED;
    }
}

static void index_asset_facts(ctx *c)
{
    const kt_dataset *ds = c->ds;
    for (size_t i = 0; i < ds->n_nfacts; i++)
        u64map_put(&c->nfact_at, at_key(ds->nfacts[i].node, ds->nfacts[i].t), i);
    for (size_t i = 0; i < ds->n_vfacts; i++)
        u64map_put(&c->vfact_at, at_key(ds->vfacts[i].volume, ds->vfacts[i].t), i);
    for (size_t i = 0; i < ds->n_lbfacts; i++)
        u64map_put(&c->lbfact_at, at_key(ds->lbfacts[i].lb, ds->lbfacts[i].t), i);
}

/* --- step 1: price facts into items ------------------------------------- */

static item *new_item(ctx *c, int type, uint32_t container, uint32_t fact)
{
    grow_array((void **)&c->items, &c->cap_items, c->n_items, sizeof *c->items);
    item *it = &c->items[c->n_items++];
    memset(it, 0, sizeof *it);
    it->type = (uint8_t)type;
    it->container = container;
    it->fact = fact;
    uint32_t node = c->ds->pods[c->ds->containers[container].pod].node;
    it->node_slot = node == KT_NONE ? (uint32_t)c->ds->n_nodes : node;
    return it;
}

static int in_set(int64_t t, const kt_window *w) { return t >= w->start && t < w->end; }

static void price_containers(ctx *c, const kt_window *w)
{
    const kt_dataset *ds = c->ds;
    EACH_FACT(c, B_C, i) {
        const ds_container_fact *f = &ds->cfacts[i];
        if (!in_set(f->t, w))
            continue;
        item *it = new_item(c, IT_CONTAINER, f->container, i);
        uint64_t nf;
        uint32_t node = ds->pods[ds->containers[f->container].pod].node;
        if (node == KT_NONE || !u64map_get(&c->nfact_at, at_key(node, f->t), &nf)) {
            /* No priced node for this hour: price at the default rates; the
             * cost has no asset behind it and is reported as overrun. */
            kt_rates r = kt_default_rates();
            it->cpu = f->cpu_alloc * r.cpu, it->ram = f->ram_alloc / KT_GIB * r.ram, it->gpu = f->gpu * r.gpu;
            if (node != KT_NONE)
                it->node_slot = (uint32_t)ds->n_nodes;
        } else {
            const ds_node_fact *n = &ds->nfacts[nf];
            it->cpu = f->cpu_alloc * n->cpu_price;
            it->ram = f->ram_alloc / KT_GIB * n->ram_price;
            it->gpu = f->gpu * n->gpu_price;
        }
    }
}

static void price_pod_facts(ctx *c, const kt_window *w)
{
    const kt_dataset *ds = c->ds;
    EACH_FACT(c, B_PV, i) {
        const ds_pod_volume_fact *f = &ds->pvfacts[i];
        uint64_t vf;
        uint32_t ct = c->pod_container[f->pod];
        if (!in_set(f->t, w) || ct == KT_NONE || !u64map_get(&c->vfact_at, at_key(f->volume, f->t), &vf))
            continue;
        const ds_volume_fact *v = &ds->vfacts[vf];
        item *it = new_item(c, IT_VOLUME, ct, i);
        it->other = f->hours * v->bytes / KT_GIB * v->price_gib_hour;
        c->vol_attr[f->volume] += it->other;
    }
    EACH_FACT(c, B_PLB, i) {
        const ds_pod_lb_fact *f = &ds->plbfacts[i];
        uint64_t lf;
        uint32_t ct = c->pod_container[f->pod];
        if (!in_set(f->t, w) || ct == KT_NONE || !u64map_get(&c->lbfact_at, at_key(f->lb, f->t), &lf))
            continue;
        item *it = new_item(c, IT_LB, ct, i);
        it->other = f->hours * ds->lbfacts[lf].hourly;
        c->lb_attr[f->lb] += it->other;
    }
    EACH_FACT(c, B_NET, i) {
        const ds_network_fact *f = &ds->netfacts[i];
        uint32_t ct = c->pod_container[f->pod];
        if (!in_set(f->t, w) || ct == KT_NONE)
            continue;
        item *it = new_item(c, IT_NET, ct, i);
        it->other = f->cost_internet + f->cost_region + f->cost_zone;
    }
}

/* Asset costs of the set; node costs per resource into node_cost. */
static double price_assets(ctx *c, const kt_window *w)
{
    const kt_dataset *ds = c->ds;
    double total = 0;
    EACH_FACT(c, B_N, i) {
        const ds_node_fact *f = &ds->nfacts[i];
        if (!in_set(f->t, w))
            continue;
        const ds_node *n = &ds->nodes[f->node];
        res3 *r = &c->node_cost[f->node];
        double cpu = n->cpu_cores * f->hours * f->cpu_price, ram = n->ram_bytes / KT_GIB * f->hours * f->ram_price;
        double gpu = n->gpus * f->hours * f->gpu_price;
        r->cpu += cpu, r->ram += ram, r->gpu += gpu;
        total += cpu + ram + gpu;
    }
    EACH_FACT(c, B_V, i)
        if (in_set(ds->vfacts[i].t, w))
            total += ds->vfacts[i].hours * ds->vfacts[i].bytes / KT_GIB * ds->vfacts[i].price_gib_hour;
    EACH_FACT(c, B_LB, i)
        if (in_set(ds->lbfacts[i].t, w))
            total += ds->lbfacts[i].hours * ds->lbfacts[i].hourly;
    EACH_FACT(c, B_FEE, i)
        if (in_set(ds->feefacts[i].t, w)) {
            double fee = ds->feefacts[i].hours * ds->feefacts[i].hourly;
            c->cl_fee[ds->feefacts[i].cluster] += fee;
            total += fee;
        }
    EACH_FACT(c, B_NET, i)
        if (in_set(ds->netfacts[i].t, w))
            total += ds->netfacts[i].cost_internet + ds->netfacts[i].cost_region + ds->netfacts[i].cost_zone;
    return total;
}

/* --- step 2: idle --------------------------------------------------------- */

static uint32_t item_cluster(const ctx *c, const item *it)
{
    return c->ds->pods[c->ds->containers[it->container].pod].cluster;
}

static double floor_idle(double have, double used, double *overrun)
{
    if (used > have) {
        *overrun += used - have;
        return 0;
    }
    return have - used;
}

/* Turns node_cost into idle per node (or per cluster in cl_idle). */
static double compute_idle(ctx *c)
{
    const kt_dataset *ds = c->ds;
    double overrun = 0;
    for (size_t i = 0; i < c->n_items; i++) {
        item *it = &c->items[i];
        res3 *a = &c->node_alloc[it->node_slot];
        a->cpu += it->cpu, a->ram += it->ram, a->gpu += it->gpu;
        c->cl_total[item_cluster(c, it)] += it->cpu + it->ram + it->gpu + it->other;
    }
    for (size_t n = 0; n <= ds->n_nodes; n++) {
        res3 *h = &c->node_cost[n], *u = &c->node_alloc[n];
        h->cpu = floor_idle(h->cpu, u->cpu, &overrun);
        h->ram = floor_idle(h->ram, u->ram, &overrun);
        h->gpu = floor_idle(h->gpu, u->gpu, &overrun);
        if (n < ds->n_nodes && !c->q->idle_by_node) {
            uint32_t cl = ds->nodes[n].cluster;
            c->cl_idle[cl].cpu += h->cpu, c->cl_idle[cl].ram += h->ram, c->cl_idle[cl].gpu += h->gpu;
            c->cl_alloc[cl].cpu += u->cpu, c->cl_alloc[cl].ram += u->ram, c->cl_alloc[cl].gpu += u->gpu;
        }
    }
    return overrun;
}

/* --- step 3: items into rows --------------------------------------------- */

static void add_container_fact(kt_alloc *a, const ctx *c, const item *it, const kt_window *w)
{
    const ds_container_fact *f = &c->ds->cfacts[it->fact];
    a->cpu_core_hours += f->cpu_alloc, a->cpu_req_hours += f->cpu_req, a->cpu_use_hours += f->cpu_use;
    a->ram_byte_hours += f->ram_alloc, a->ram_req_hours += f->ram_req, a->ram_use_hours += f->ram_use;
    a->gpu_hours += f->gpu;
    a->cpu_cost += it->cpu, a->ram_cost += it->ram, a->gpu_cost += it->gpu;
    alloc_span(a, f->t, f->dur, f->seconds, w->start, w->end);
}

static void add_pod_fact(kt_alloc *a, ctx *c, const item *it)
{
    const kt_dataset *ds = c->ds;
    if (it->type == IT_VOLUME) {
        const ds_pod_volume_fact *f = &ds->pvfacts[it->fact];
        const ds_volume *v = &ds->volumes[f->volume];
        uint64_t vf;
        u64map_get(&c->vfact_at, at_key(f->volume, f->t), &vf);
        double bh = f->hours * ds->vfacts[vf].bytes;
        buf_reset(&c->name);
        buf_printf(&c->name, "cluster=%s:name=%s", strtab_get(&ds->strs, ds->clusters[v->cluster].name),
                   strtab_get(&ds->strs, v->name));
        a->pv_byte_hours += bh, a->pv_cost += it->other;
        alloc_add_named(&a->pvs, &a->n_pvs, c->name.data, f->hours, bh, it->other);
    } else if (it->type == IT_LB) {
        const ds_pod_lb_fact *f = &ds->plbfacts[it->fact];
        const ds_lb *l = &ds->lbs[f->lb];
        buf_reset(&c->name);
        buf_printf(&c->name, "%s/%s", strtab_get(&ds->strs, l->namespace_), strtab_get(&ds->strs, l->name));
        a->lb_cost += it->other;
        alloc_add_named(&a->lbs, &a->n_lbs, c->name.data, f->hours, 0, it->other);
    } else {
        const ds_network_fact *f = &ds->netfacts[it->fact];
        a->net_tx += f->tx_internet + f->tx_region + f->tx_zone, a->net_rx += f->rx_bytes;
        a->net_internet += f->cost_internet, a->net_region += f->cost_region, a->net_zone += f->cost_zone;
        a->net_cost += it->other;
    }
}

/* This item's share of idle (by resource cost on its node or cluster). */
static res3 idle_share(const ctx *c, const item *it)
{
    res3 s = {0, 0, 0};
    const res3 *idle, *alloc;
    if (c->q->idle_by_node || it->node_slot == c->ds->n_nodes) {
        idle = &c->node_cost[it->node_slot], alloc = &c->node_alloc[it->node_slot];
    } else {
        uint32_t cl = c->ds->nodes[it->node_slot].cluster;
        idle = &c->cl_idle[cl], alloc = &c->cl_alloc[cl];
    }
    if (alloc->cpu > 0) s.cpu = idle->cpu * it->cpu / alloc->cpu;
    if (alloc->ram > 0) s.ram = idle->ram * it->ram / alloc->ram;
    if (alloc->gpu > 0) s.gpu = idle->gpu * it->gpu / alloc->gpu;
    return s;
}

static double place_items(ctx *c, kt_alloc_set *set)
{
    const kt_dataset *ds = c->ds;
    double pool = 0;
    for (size_t i = 0; i < c->n_items; i++) {
        item *it = &c->items[i];
        uint8_t flag = c->cflag[it->container];
        uint32_t cl = item_cluster(c, it);
        res3 idle = c->q->share_idle ? idle_share(c, it) : (res3){0, 0, 0};
        double base = it->cpu + it->ram + it->gpu + it->other;
        double fee = c->q->share_tenancy && c->cl_total[cl] > 0 ? c->cl_fee[cl] * base / c->cl_total[cl] : 0;
        if (flag & CF_SHARED) {
            pool += base + idle.cpu + idle.ram + idle.gpu + fee;
            continue;
        }
        if (!(flag & CF_MATCH))
            continue;
        kt_alloc *a = set_row(set, &c->index, strtab_get(&c->keys, c->ckey[it->container]), AK_NORMAL);
        alloc_merge_pod(a, ds, ds->containers[it->container].pod, it->container);
        if (it->type == IT_CONTAINER)
            add_container_fact(a, c, it, &set->window);
        else
            add_pod_fact(a, c, it);
        a->cpu_cost += idle.cpu, a->ram_cost += idle.ram, a->gpu_cost += idle.gpu;
        a->cpu_cost_idle += idle.cpu, a->ram_cost_idle += idle.ram, a->gpu_cost_idle += idle.gpu;
        a->shared_cost += fee;
    }
    return pool;
}

/* --- step 4: leftover rows ------------------------------------------------ */

typedef struct idle_ctx { const kt_dataset *ds; uint32_t cluster, node; } idle_ctx;

static const char *idle_get(void *vp, enum kt_field f, const char *key, int idx)
{
    idle_ctx *c = vp;
    const ds_node *n = c->node == KT_NONE ? NULL : &c->ds->nodes[c->node];
    const ds_cluster *cl = &c->ds->clusters[c->cluster];
    if (idx > 0)
        return NULL;
    switch (f) {
    case F_CLUSTER: return strtab_get(&c->ds->strs, cl->name);
    case F_PROVIDER: return strtab_get(&c->ds->strs, n ? n->provider : cl->provider);
    case F_REGION: return strtab_get(&c->ds->strs, n ? n->region : cl->region);
    case F_NODE: return n ? strtab_get(&c->ds->strs, n->name) : "";
    case F_ZONE: return n ? strtab_get(&c->ds->strs, n->zone) : "";
    default: return "";
    }
}

#define CLUSTER_FIELDS (1u << F_CLUSTER | 1u << F_PROVIDER | 1u << F_REGION)
#define NODE_FIELDS (CLUSTER_FIELDS | 1u << F_NODE | 1u << F_ZONE)

/* A cluster- or node-level row (idle, unmounted), if the filter allows it. */
static kt_alloc *special_row(ctx *c, kt_alloc_set *set, uint32_t cluster, uint32_t node, const char *suffix,
                             enum kt_alloc_kind kind)
{
    idle_ctx ic = {c->ds, cluster, node};
    if (c->q->filter && !(filter_only_uses(c->q->filter, node == KT_NONE ? CLUSTER_FIELDS : NODE_FIELDS) &&
                          filter_match(c->q->filter, idle_get, &ic)))
        return NULL;
    aggregate_idle_key(c->ds, &c->q->agg, cluster, node, suffix, &c->name);
    kt_alloc *a = set_row(set, &c->index, c->name.data, kind);
    if (!a->props_init) {
        a->props_init = 1;
        a->cluster = c->ds->clusters[cluster].name;
        a->node = node == KT_NONE ? 0 : c->ds->nodes[node].name;
        a->start = set->window.start;
        a->end = set->window.end;
    }
    return a;
}

static void idle_rows(ctx *c, kt_alloc_set *set)
{
    const kt_dataset *ds = c->ds;
    int by_node = c->q->idle_by_node;
    size_t n_slots = by_node ? ds->n_nodes : ds->n_clusters;
    for (size_t i = 0; i < n_slots; i++) {
        res3 idle = by_node ? c->node_cost[i] : c->cl_idle[i];
        res3 alloc = by_node ? c->node_alloc[i] : c->cl_alloc[i];
        if (c->q->share_idle) { /* what found no allocation to ride on stays idle */
            if (alloc.cpu > 0) idle.cpu = 0;
            if (alloc.ram > 0) idle.ram = 0;
            if (alloc.gpu > 0) idle.gpu = 0;
        }
        double sum = idle.cpu + idle.ram + idle.gpu;
        if (sum <= 0)
            continue;
        if (!c->q->include_idle) {
            set->idle_dropped += sum;
            continue;
        }
        uint32_t cl = by_node ? ds->nodes[i].cluster : (uint32_t)i;
        kt_alloc *a = special_row(c, set, cl, by_node ? (uint32_t)i : KT_NONE, "__idle__", AK_IDLE);
        if (!a)
            continue;
        a->cpu_cost += idle.cpu, a->ram_cost += idle.ram, a->gpu_cost += idle.gpu;
    }
}

static void unmounted_rows(ctx *c, kt_alloc_set *set)
{
    const kt_dataset *ds = c->ds;
    double *left = xcalloc(ds->n_clusters + 1, sizeof *left);
    EACH_FACT(c, B_V, i) {
        const ds_volume_fact *f = &ds->vfacts[i];
        if (in_set(f->t, &set->window))
            left[ds->volumes[f->volume].cluster] += f->hours * f->bytes / KT_GIB * f->price_gib_hour;
    }
    EACH_FACT(c, B_LB, i) {
        const ds_lb_fact *f = &ds->lbfacts[i];
        if (in_set(f->t, &set->window))
            left[ds->lbs[f->lb].cluster] += f->hours * f->hourly;
    }
    for (size_t v = 0; v < ds->n_volumes; v++)
        left[ds->volumes[v].cluster] -= c->vol_attr[v];
    for (size_t l = 0; l < ds->n_lbs; l++)
        left[ds->lbs[l].cluster] -= c->lb_attr[l];
    for (uint32_t cl = 0; cl < ds->n_clusters; cl++) {
        if (left[cl] <= 1e-12 * (1 + fabs(left[cl])))
            continue;
        kt_alloc *a = special_row(c, set, cl, KT_NONE, "__unmounted__", AK_UNMOUNTED);
        if (a)
            a->pv_cost += left[cl];
    }
    free(left);
}

static void reset_set_state(ctx *c)
{
    const kt_dataset *ds = c->ds;
    c->n_items = 0;
    memset(c->node_cost, 0, (ds->n_nodes + 1) * sizeof *c->node_cost);
    memset(c->node_alloc, 0, (ds->n_nodes + 1) * sizeof *c->node_alloc);
    memset(c->cl_idle, 0, (ds->n_clusters + 1) * sizeof *c->cl_idle);
    memset(c->cl_alloc, 0, (ds->n_clusters + 1) * sizeof *c->cl_alloc);
    memset(c->cl_fee, 0, (ds->n_clusters + 1) * sizeof *c->cl_fee);
    memset(c->cl_total, 0, (ds->n_clusters + 1) * sizeof *c->cl_total);
    memset(c->vol_attr, 0, (ds->n_volumes + 1) * sizeof *c->vol_attr);
    memset(c->lb_attr, 0, (ds->n_lbs + 1) * sizeof *c->lb_attr);
    set_index_clear(&c->index);
}

static void compute_set(ctx *c, kt_alloc_set *set)
{
    const kt_dataset *ds = c->ds;
    reset_set_state(c);
    price_containers(c, &set->window);
    price_pod_facts(c, &set->window);
    set->assets_cost = price_assets(c, &set->window);
    set->overrun_cost = compute_idle(c);
    double pool = place_items(c, set);
    for (size_t i = 0; i < set->n; i++)
        set->items[i].weight = alloc_total(&set->items[i]);
    idle_rows(c, set);
    unmounted_rows(c, set);
    if (!c->q->share_tenancy)
        for (uint32_t cl = 0; cl < ds->n_clusters; cl++)
            pool += c->cl_fee[cl];
    else
        for (uint32_t cl = 0; cl < ds->n_clusters; cl++)
            if (c->cl_total[cl] <= 0)
                pool += c->cl_fee[cl]; /* a cluster with no allocations keeps its fee */
    int64_t end = set->window.end < c->q->now ? set->window.end : c->q->now;
    double hours = end > set->window.start ? (double)(end - set->window.start) / 3600.0 : 0;
    set->external_cost = c->q->share_cost_monthly * hours / 730.0;
    double rest = alloc_share_over(set, pool, c->q->share_even);
    double ext_rest = alloc_share_over(set, set->external_cost, c->q->share_even);
    if (rest + ext_rest > 0) {
        kt_alloc *a = set_row(set, &c->index, "__shared__", AK_SHARED);
        a->shared_cost += rest;
        a->external_cost += ext_rest;
        a->start = set->window.start;
        a->end = set->window.end;
    }
    snprintf(set->currency, sizeof set->currency, "%s",
             ds->n_clusters ? strtab_get(&ds->strs, ds->clusters[0].currency) : "USD");
    if (!set->currency[0])
        strcpy(set->currency, "USD");
    alloc_set_sort(set);
}

void alloc_query_init(kt_alloc_query *q)
{
    memset(q, 0, sizeof *q);
    q->include_idle = 1;
    q->share_tenancy = 1;
}

static void ctx_free(ctx *c)
{
    strtab_free(&c->keys);
    free(c->ckey); free(c->cflag); free(c->pod_container); free(c->items);
    free(c->node_cost); free(c->node_alloc); free(c->cl_idle); free(c->cl_alloc);
    free(c->cl_fee); free(c->cl_total); free(c->vol_attr); free(c->lb_attr);
    u64map_free(&c->nfact_at); u64map_free(&c->vfact_at); u64map_free(&c->lbfact_at);
    set_index_free(&c->index);
    buf_free(&c->name);
    for (int b = 0; b < B_COUNT; b++) {
        free(c->b[b].idx);
        free(c->b[b].off);
    }
}

int alloc_compute(const kt_dataset *ds, const kt_alloc_query *q, kt_alloc_result *out, kt_err *err)
{
    memset(out, 0, sizeof *out);
    out->ds = ds;
    kt_window w = q->window;
    if (w.end <= w.start)
        return kt_fail(err, KT_EINPUT, "window: end must be after start");
    int64_t step = q->accumulate || q->step <= 0 ? w.end - w.start : q->step;
    int64_t n_sets = (w.end - w.start + step - 1) / step;
    if (n_sets > 10000)
        return kt_fail(err, KT_EINPUT, "step: %lld steps in the window; at most 10000", (long long)n_sets);
    ctx c;
    memset(&c, 0, sizeof c);
    c.ds = ds, c.q = q;
    strtab_init(&c.keys);
    set_index_init(&c.index);
    c.node_cost = xcalloc(ds->n_nodes + 1, sizeof *c.node_cost);
    c.node_alloc = xcalloc(ds->n_nodes + 1, sizeof *c.node_alloc);
    c.cl_idle = xcalloc(ds->n_clusters + 1, sizeof *c.cl_idle);
    c.cl_alloc = xcalloc(ds->n_clusters + 1, sizeof *c.cl_alloc);
    c.cl_fee = xcalloc(ds->n_clusters + 1, sizeof *c.cl_fee);
    c.cl_total = xcalloc(ds->n_clusters + 1, sizeof *c.cl_total);
    c.vol_attr = xcalloc(ds->n_volumes + 1, sizeof *c.vol_attr);
    c.lb_attr = xcalloc(ds->n_lbs + 1, sizeof *c.lb_attr);
    prepare_containers(&c);
    index_asset_facts(&c);
    BUCKET(&c, B_C, cfacts, ds_container_fact, w, step, (size_t)n_sets);
    BUCKET(&c, B_N, nfacts, ds_node_fact, w, step, (size_t)n_sets);
    BUCKET(&c, B_V, vfacts, ds_volume_fact, w, step, (size_t)n_sets);
    BUCKET(&c, B_PV, pvfacts, ds_pod_volume_fact, w, step, (size_t)n_sets);
    BUCKET(&c, B_LB, lbfacts, ds_lb_fact, w, step, (size_t)n_sets);
    BUCKET(&c, B_PLB, plbfacts, ds_pod_lb_fact, w, step, (size_t)n_sets);
    BUCKET(&c, B_FEE, feefacts, ds_fee_fact, w, step, (size_t)n_sets);
    BUCKET(&c, B_NET, netfacts, ds_network_fact, w, step, (size_t)n_sets);
    out->sets = xcalloc((size_t)n_sets, sizeof *out->sets);
    for (int64_t k = 0; k < n_sets; k++) {
        c.set_k = (size_t)k;
        kt_alloc_set *set = &out->sets[out->n++];
        set->window.start = w.start + k * step;
        set->window.end = set->window.start + step < w.end ? set->window.start + step : w.end;
        compute_set(&c, set);
        if (q->max_results && set->n > q->max_results) {
            ctx_free(&c);
            alloc_result_free(out);
            return kt_fail(err, KT_EINPUT, "query returns more than %zu rows; aggregate more coarsely or "
                           "narrow the filter", q->max_results);
        }
    }
    ctx_free(&c);
    return 0;
}

void alloc_result_free(kt_alloc_result *r)
{
    for (size_t s = 0; s < r->n; s++) {
        for (size_t i = 0; i < r->sets[s].n; i++)
            alloc_free_row(&r->sets[s].items[i]);
        free(r->sets[s].items);
    }
    free(r->sets);
    memset(r, 0, sizeof *r);
}

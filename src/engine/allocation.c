/* allocation.c — computing allocation sets from a dataset; see allocation.h.
 *
 * Facts arrive settled (store/settle.h): every cost is final money.  Per
 * set (one step of the window), with each fact cut by the part of it in the
 * set:
 *   1. facts that belong to a pod (container, pod-volume, pod-load-balancer,
 *      network) become `items` carrying their cost and, as asked, their
 *      share of idle and of the cluster fee; assets are totalled, with what
 *      no item carries (idle, unheld volumes and load balancers, fees);
 *   2. each item joins its group's row; items of shared namespaces/labels
 *      go to a pool instead;
 *   3. leftovers become __idle__, __unmounted__ and __shared__ rows, and the
 *      pool plus the fixed shared cost is split over the rows.
 * Everything a container knows (its group, filter match, shared or not) is
 * worked out once per container, not per fact. */
#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc_internal.h"
#include "engine/carbon_rates.h"
#include "engine/container_field.h"

enum { IT_CONTAINER, IT_VOLUME, IT_LB, IT_NET };
enum { CF_MATCH = 1, CF_SHARED = 2 };

/* A fact's part in the set; its money is read from the fact when placed
 * (keeping items small: one per fact, a hundred thousand in a 30-day ask). */
typedef struct item {
    uint8_t type;
    uint32_t container;
    uint32_t fact;
    double frac;                     /* the part of the fact in this set */
} item;

typedef struct money {
    double cpu, ram, gpu, other;     /* costs */
    double idle[R_N];                /* its share of idle (when shareIdle) */
    double fee;                      /* its share of the cluster fee (when tenancy is shared) */
    double kg;                       /* kg CO2e it carries (with its idle share) */
} money;

/* Facts of each kind cut by the sets (steps) they overlap: a fact that
 * crosses a step boundary contributes to each step in proportion to its
 * time there, so a step boundary inside a daily row or an hour is
 * prorated like a window edge. */
enum { B_C, B_N, B_V, B_PV, B_LB, B_PLB, B_FEE, B_NET, B_COUNT };
typedef struct bucket {
    uint32_t *idx;
    double *frac;
    size_t *off; /* n_sets + 1 offsets into idx */
} bucket;

typedef struct span_ctx {
    kt_window w;        /* the query window */
    int64_t lo, hi;     /* what the dataset's facts were prorated to */
    int64_t step;
    size_t n_sets;
} span_ctx;

/* Sets [k0, k1] a fact overlaps, and the part of its (prorated) span in set k. */
static int fact_sets(const span_ctx *sc, int64_t t, int32_t dur, size_t *k0, size_t *k1)
{
    int64_t a = t > sc->lo ? t : sc->lo, b = t + dur < sc->hi ? t + dur : sc->hi;
    if (a < sc->w.start) a = sc->w.start;
    if (b > sc->w.end) b = sc->w.end;
    if (b <= a)
        return 0;
    *k0 = (size_t)((a - sc->w.start) / sc->step);
    *k1 = (size_t)((b - 1 - sc->w.start) / sc->step);
    return 1;
}

static double fact_frac(const span_ctx *sc, int64_t t, int32_t dur, size_t k)
{
    int64_t a = t > sc->lo ? t : sc->lo, b = t + dur < sc->hi ? t + dur : sc->hi;
    int64_t s0 = sc->w.start + (int64_t)k * sc->step, s1 = s0 + sc->step < sc->w.end ? s0 + sc->step : sc->w.end;
    int64_t x = a > s0 ? a : s0, y = b < s1 ? b : s1;
    return y > x && b > a ? (double)(y - x) / (double)(b - a) : 0;
}

static void bucket_build(bucket *bk, const void *base, size_t n, size_t stride, size_t t_off, size_t dur_off,
                         const span_ctx *sc)
{
    size_t *cnt = xcalloc(sc->n_sets + 1, sizeof *cnt), total = 0;
    uint32_t *first = xmalloc((n ? n : 1) * sizeof *first), *last = xmalloc((n ? n : 1) * sizeof *last);
    bk->off = xcalloc(sc->n_sets + 1, sizeof *bk->off);
    /* the sets of each fact, worked out once (two divisions a fact) */
    for (size_t i = 0; i < n; i++) {
        const char *f = (const char *)base + i * stride;
        size_t k0, k1;
        if (!fact_sets(sc, *(const int64_t *)(f + t_off), *(const int32_t *)(f + dur_off), &k0, &k1)) {
            first[i] = 1, last[i] = 0; /* none */
            continue;
        }
        first[i] = (uint32_t)k0, last[i] = (uint32_t)k1;
        for (size_t k = k0; k <= k1; k++)
            cnt[k]++, total++;
    }
    for (size_t k = 0; k < sc->n_sets; k++)
        bk->off[k + 1] = bk->off[k] + cnt[k];
    bk->idx = xmalloc((total ? total : 1) * sizeof *bk->idx);
    bk->frac = xmalloc((total ? total : 1) * sizeof *bk->frac);
    memset(cnt, 0, (sc->n_sets + 1) * sizeof *cnt);
    for (size_t i = 0; i < n; i++) {
        const char *f = (const char *)base + i * stride;
        for (size_t k = first[i]; k <= last[i]; k++) {
            size_t at = bk->off[k] + cnt[k]++;
            bk->idx[at] = (uint32_t)i;
            bk->frac[at] = first[i] == last[i] ? 1.0
                                               : fact_frac(sc, *(const int64_t *)(f + t_off),
                                                           *(const int32_t *)(f + dur_off), k);
        }
    }
    free(first), free(last);
    free(cnt);
}

#define BUCKET(c, which, arr, type, sc) \
    bucket_build(&(c)->b[which], (c)->ds->arr, (c)->ds->n_##arr, sizeof(type), offsetof(type, t), \
                 offsetof(type, dur), sc)

typedef struct res3 { double cpu, ram, gpu; } res3;

typedef struct ctx {
    const kt_dataset *ds;
    const kt_alloc_query *q;
    kt_strtab keys;
    uint32_t *ckey;          /* container -> key id */
    int32_t *key_row;        /* key id -> row of the current set (-1: none yet) */
    uint8_t *cflag;
    uint32_t *pod_container; /* pod -> its first container (KT_NONE if none) */
    item *items; size_t n_items, cap_items;
    res3 *node_idle;         /* per node: idle of the set to show (all, or what sharing left) */
    double *cl_unmounted;    /* per cluster: volume and LB cost no pod held */
    double *cl_attached;     /* per cluster: volume and LB cost */
    double fees_unshared;
    double *vol_bytes;       /* per volume: its size */
    kt_carbon_rates cr;
    double *cl_unmounted_kg; /* per cluster: volume kg CO2e no pod held */
    double *node_idle_kg;    /* per node: kg CO2e of the idle shown */
    set_index index;
    kt_buf name;
    bucket b[B_COUNT]; /* facts of each kind, cut by set */
    size_t set_k;      /* the set being computed */
} ctx;

/* Iterate the facts of kind `which` in the current set: index i, part k. */
#define EACH_FACT(c, which, i, k) \
    for (size_t j_ = (c)->b[which].off[(c)->set_k], i = 0; \
         j_ < (c)->b[which].off[(c)->set_k + 1] && ((i = (c)->b[which].idx[j_]), (k = (c)->b[which].frac[j_]), 1); \
         j_++)

/* --- per-container facts, once ------------------------------------------ */

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
        kt_container_ref f = {ds, i};
        if (filter_match(c->q->filter, container_field, &f))
            c->cflag[i] |= CF_MATCH;
        if (pod_is_shared(ds, p, c->q))
            c->cflag[i] |= CF_SHARED;
    }
}

/* --- step 1: the set's facts into items and asset totals ----------------- */

static item *new_item(ctx *c, int type, uint32_t container, uint32_t fact, double frac)
{
    grow_array((void **)&c->items, &c->cap_items, c->n_items, sizeof *c->items);
    item *it = &c->items[c->n_items++];
    memset(it, 0, sizeof *it);
    it->type = (uint8_t)type;
    it->container = container;
    it->fact = fact;
    it->frac = frac;
    return it;
}

static void container_items(ctx *c)
{
    double k;
    EACH_FACT(c, B_C, i, k)
        new_item(c, IT_CONTAINER, c->ds->cfacts[i].container, (uint32_t)i, k);
}

/* What an item brings to its row, as the query asks it shared. */
static money item_money(const ctx *c, const item *it)
{
    const kt_dataset *ds = c->ds;
    double k = it->frac;
    money m;
    memset(&m, 0, sizeof m);
    if (it->type == IT_CONTAINER) {
        const ds_container_fact *f = &ds->cfacts[it->fact];
        m.cpu = f->cost[R_CPU] * k, m.ram = f->cost[R_RAM] * k, m.gpu = f->cost[R_GPU] * k;
        const double *idle = c->q->idle_by_node ? f->idle_node : f->idle_cluster;
        if (c->q->share_idle)
            for (int r = 0; r < R_N; r++)
                m.idle[r] = idle[r] * k;
        m.fee = c->q->share_tenancy ? f->fee * k : 0;
        uint32_t pod = ds->containers[f->container].pod;
        m.kg = (m.cpu + m.ram + m.gpu) * carbon_pod_node_rate(ds, &c->cr, pod, 0) +
               (m.idle[R_CPU] + m.idle[R_RAM] + m.idle[R_GPU]) *
                   carbon_pod_node_rate(ds, &c->cr, pod, !c->q->idle_by_node);
    } else if (it->type == IT_VOLUME) {
        m.other = ds->pvfacts[it->fact].cost * k;
        m.kg = m.other * c->cr.vol_per_cost[ds->pvfacts[it->fact].volume];
    } else if (it->type == IT_LB) {
        m.other = ds->plbfacts[it->fact].cost * k;
    } else {
        const ds_network_fact *f = &ds->netfacts[it->fact];
        m.other = (f->cost_internet + f->cost_region + f->cost_zone) * k;
        m.kg = c->cr.netfact_kg[it->fact] * k;
    }
    return m;
}

static void pod_items(ctx *c)
{
    const kt_dataset *ds = c->ds;
    double k;
    EACH_FACT(c, B_PV, i, k) {
        uint32_t ct = c->pod_container[ds->pvfacts[i].pod];
        uint32_t cl = ds->volumes[ds->pvfacts[i].volume].cluster;
        if (ct == KT_NONE) /* a pod without containers: its share stays with the volume */
            continue;
        c->cl_unmounted[cl] -= ds->pvfacts[i].cost * k;
        c->cl_unmounted_kg[cl] -= ds->pvfacts[i].cost * k * c->cr.vol_per_cost[ds->pvfacts[i].volume];
        new_item(c, IT_VOLUME, ct, (uint32_t)i, k);
    }
    EACH_FACT(c, B_PLB, i, k) {
        uint32_t ct = c->pod_container[ds->plbfacts[i].pod];
        if (ct == KT_NONE)
            continue;
        c->cl_unmounted[ds->lbs[ds->plbfacts[i].lb].cluster] -= ds->plbfacts[i].cost * k;
        new_item(c, IT_LB, ct, (uint32_t)i, k);
    }
    EACH_FACT(c, B_NET, i, k) {
        const ds_network_fact *f = &ds->netfacts[i];
        uint32_t ct = c->pod_container[f->pod];
        if (ct != KT_NONE)
            new_item(c, IT_NET, ct, (uint32_t)i, k);
    }
}

/* Asset costs of the set, and what of them no item carries: idle per node,
 * fees, volumes and load balancers nobody holds. */
static double asset_totals(ctx *c, kt_alloc_set *set)
{
    const kt_dataset *ds = c->ds;
    double total = 0, k;
    EACH_FACT(c, B_N, i, k) {
        const ds_node_fact *f = &ds->nfacts[i];
        const double *shown = !c->q->share_idle ? f->idle : c->q->idle_by_node ? f->idle_left_node
                                                                                : f->idle_left_cluster;
        res3 *r = &c->node_idle[f->node];
        r->cpu += shown[R_CPU] * k, r->ram += shown[R_RAM] * k, r->gpu += shown[R_GPU] * k;
        c->node_idle_kg[f->node] += (shown[R_CPU] + shown[R_RAM] + shown[R_GPU]) * k * c->cr.node_per_cost[f->node];
        total += (f->cost[R_CPU] + f->cost[R_RAM] + f->cost[R_GPU]) * k;
        set->assets_carbon += carbon_nfact_kg(&c->cr, f) * k;
    }
    EACH_FACT(c, B_V, i, k) {
        double kg = c->cr.vfact_kg[i] * k;
        set->assets_carbon += kg;
        c->cl_unmounted_kg[ds->volumes[ds->vfacts[i].volume].cluster] += kg;
        total += ds->vfacts[i].cost * k;
        c->cl_unmounted[ds->volumes[ds->vfacts[i].volume].cluster] += ds->vfacts[i].cost * k;
        c->cl_attached[ds->volumes[ds->vfacts[i].volume].cluster] += ds->vfacts[i].cost * k;
    }
    EACH_FACT(c, B_LB, i, k) {
        total += ds->lbfacts[i].cost * k;
        c->cl_unmounted[ds->lbs[ds->lbfacts[i].lb].cluster] += ds->lbfacts[i].cost * k;
        c->cl_attached[ds->lbs[ds->lbfacts[i].lb].cluster] += ds->lbfacts[i].cost * k;
    }
    EACH_FACT(c, B_FEE, i, k) {
        const ds_fee_fact *f = &ds->feefacts[i];
        total += f->cost * k;
        c->fees_unshared += (c->q->share_tenancy ? f->unshared : f->cost) * k;
    }
    EACH_FACT(c, B_NET, i, k) {
        total += (ds->netfacts[i].cost_internet + ds->netfacts[i].cost_region + ds->netfacts[i].cost_zone) * k;
        set->assets_carbon += c->cr.netfact_kg[i] * k;
    }
    return total;
}

/* --- step 2: items into rows --------------------------------------------- */

static void add_container_fact(kt_alloc *a, const ctx *c, const item *it, const money *m, const kt_window *w)
{
    const ds_container_fact *f = &c->ds->cfacts[it->fact];
    double k = it->frac;
    a->cpu_core_hours += f->cpu_alloc * k, a->cpu_req_hours += f->cpu_req * k, a->cpu_use_hours += f->cpu_use * k;
    a->ram_byte_hours += f->ram_alloc * k, a->ram_req_hours += f->ram_req * k, a->ram_use_hours += f->ram_use * k;
    a->gpu_hours += f->gpu * k;
    a->cpu_cost += m->cpu, a->ram_cost += m->ram, a->gpu_cost += m->gpu;
    if (f->last) /* summed over many spans: when it really ran */
        alloc_run(a, f->first, f->last, f->longest, w->start, w->end);
    else
        alloc_span(a, f->t, f->dur, f->seconds * k, w->start, w->end);
}

static void add_pod_fact(kt_alloc *a, ctx *c, const item *it, const money *m)
{
    const kt_dataset *ds = c->ds;
    double k = it->frac;
    if (it->type == IT_VOLUME) {
        const ds_pod_volume_fact *f = &ds->pvfacts[it->fact];
        const ds_volume *v = &ds->volumes[f->volume];
        buf_reset(&c->name);
        buf_printf(&c->name, "cluster=%s:name=%s", strtab_get(&ds->strs, ds->clusters[v->cluster].name),
                   strtab_get(&ds->strs, v->name));
        double bh = c->vol_bytes[f->volume] * f->hours * k;
        a->pv_byte_hours += bh, a->pv_cost += m->other;
        alloc_add_named(&a->pvs, &a->n_pvs, c->name.data, f->hours * k, bh, m->other);
    } else if (it->type == IT_LB) {
        const ds_pod_lb_fact *f = &ds->plbfacts[it->fact];
        const ds_lb *l = &ds->lbs[f->lb];
        buf_reset(&c->name);
        buf_printf(&c->name, "%s/%s", strtab_get(&ds->strs, l->namespace_), strtab_get(&ds->strs, l->name));
        a->lb_cost += m->other;
        alloc_add_named(&a->lbs, &a->n_lbs, c->name.data, f->hours * k, 0, m->other);
    } else {
        const ds_network_fact *f = &ds->netfacts[it->fact];
        a->net_tx += (f->tx_internet + f->tx_region + f->tx_zone + f->tx_other) * k, a->net_rx += f->rx_bytes * k;
        a->net_internet += f->cost_internet * k, a->net_region += f->cost_region * k, a->net_zone += f->cost_zone * k;
        a->net_cost += m->other;
    }
}

static double place_items(ctx *c, kt_alloc_set *set, double *pool_kg)
{
    const kt_dataset *ds = c->ds;
    double pool = 0;
    /* rows by key id: one string lookup per row, not per item */
    c->key_row = xrealloc(c->key_row, (c->keys.n + 1) * sizeof *c->key_row);
    memset(c->key_row, 0xff, (c->keys.n + 1) * sizeof *c->key_row);
    for (size_t i = 0; i < c->n_items; i++) {
        item *it = &c->items[i];
        uint8_t flag = c->cflag[it->container];
        if (!(flag & (CF_SHARED | CF_MATCH)))
            continue;
        money m = item_money(c, it);
        if (flag & CF_SHARED) {
            pool += m.cpu + m.ram + m.gpu + m.other + m.idle[R_CPU] + m.idle[R_RAM] + m.idle[R_GPU] + m.fee;
            *pool_kg += m.kg;
            continue;
        }
        uint32_t key = c->ckey[it->container];
        kt_alloc *a;
        if (c->key_row[key] >= 0) {
            a = &set->items[c->key_row[key]];
        } else {
            a = set_row(set, &c->index, strtab_get(&c->keys, key), AK_NORMAL);
            c->key_row[key] = (int32_t)(a - set->items);
        }
        alloc_merge_pod(a, ds, ds->containers[it->container].pod, it->container);
        if (it->type == IT_CONTAINER)
            add_container_fact(a, c, it, &m, &set->window);
        else
            add_pod_fact(a, c, it, &m);
        a->cpu_cost += m.idle[R_CPU], a->ram_cost += m.idle[R_RAM], a->gpu_cost += m.idle[R_GPU];
        a->cpu_cost_idle += m.idle[R_CPU], a->ram_cost_idle += m.idle[R_RAM], a->gpu_cost_idle += m.idle[R_GPU];
        a->shared_cost += m.fee;
        a->carbon_cost += m.kg;
    }
    return pool;
}

/* --- step 3: leftover rows ------------------------------------------------ */

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

/* A cluster- or node-level row (idle, unmounted), if the filter allows it.
 * Members from different clusters or nodes leave that property empty. */
static kt_alloc *special_row(ctx *c, kt_alloc_set *set, uint32_t cluster, uint32_t node, const char *suffix,
                             enum kt_alloc_kind kind)
{
    idle_ctx ic = {c->ds, cluster, node};
    if (c->q->filter && !(filter_only_uses(c->q->filter, node == KT_NONE ? CLUSTER_FIELDS : NODE_FIELDS) &&
                          filter_match(c->q->filter, idle_get, &ic)))
        return NULL;
    aggregate_idle_key(c->ds, &c->q->agg, cluster, node, suffix, &c->name);
    kt_alloc *a = set_row(set, &c->index, c->name.data, kind);
    uint32_t cl_name = c->ds->clusters[cluster].name, node_name = node == KT_NONE ? 0 : c->ds->nodes[node].name;
    if (!a->props_init) {
        a->props_init = 1;
        a->cluster = cl_name;
        a->node = node_name;
        a->start = set->window.start;
        a->end = set->window.end;
    } else {
        if (a->cluster != cl_name) a->cluster = 0;
        if (a->node != node_name) a->node = 0;
    }
    return a;
}

static void idle_rows(ctx *c, kt_alloc_set *set)
{
    const kt_dataset *ds = c->ds;
    for (uint32_t n = 0; n < ds->n_nodes; n++) {
        res3 idle = c->node_idle[n];
        double sum = idle.cpu + idle.ram + idle.gpu;
        if (sum <= 0)
            continue;
        if (!c->q->include_idle) {
            set->idle_dropped += sum;
            set->carbon_dropped += c->node_idle_kg[n];
            continue;
        }
        kt_alloc *a = special_row(c, set, ds->nodes[n].cluster, c->q->idle_by_node ? n : KT_NONE, "__idle__",
                                  AK_IDLE);
        if (a)
            a->cpu_cost += idle.cpu, a->ram_cost += idle.ram, a->gpu_cost += idle.gpu,
            a->carbon_cost += c->node_idle_kg[n];
    }
}

/* Volumes and load balancers no pod held: one __unmounted__ row per cluster. */
static void unmounted_rows(ctx *c, kt_alloc_set *set)
{
    for (uint32_t cl = 0; cl < c->ds->n_clusters; cl++) {
        double left = c->cl_unmounted[cl];
        if (left <= 1e-12 * c->cl_attached[cl]) /* rounding dust of cost − Σ shares, not a volume */
            continue;
        kt_alloc *a = special_row(c, set, cl, KT_NONE, "__unmounted__", AK_UNMOUNTED);
        if (a)
            a->pv_cost += left, a->carbon_cost += c->cl_unmounted_kg[cl] > 0 ? c->cl_unmounted_kg[cl] : 0;
    }
}

static void reset_set_state(ctx *c)
{
    const kt_dataset *ds = c->ds;
    c->n_items = 0;
    c->fees_unshared = 0;
    memset(c->node_idle, 0, (ds->n_nodes + 1) * sizeof *c->node_idle);
    memset(c->cl_unmounted, 0, (ds->n_clusters + 1) * sizeof *c->cl_unmounted);
    memset(c->cl_attached, 0, (ds->n_clusters + 1) * sizeof *c->cl_attached);
    memset(c->cl_unmounted_kg, 0, (ds->n_clusters + 1) * sizeof *c->cl_unmounted_kg);
    memset(c->node_idle_kg, 0, (ds->n_nodes + 1) * sizeof *c->node_idle_kg);
    set_index_clear(&c->index);
}

static void compute_set(ctx *c, kt_alloc_set *set)
{
    const kt_dataset *ds = c->ds;
    reset_set_state(c);
    container_items(c);
    pod_items(c);
    set->assets_cost = asset_totals(c, set);
    double pool_kg = 0, pool = place_items(c, set, &pool_kg);
    for (size_t i = 0; i < set->n; i++)
        set->items[i].weight = alloc_total(&set->items[i]);
    idle_rows(c, set);
    unmounted_rows(c, set);
    int64_t end = set->window.end < c->q->now ? set->window.end : c->q->now;
    double hours = end > set->window.start ? (double)(end - set->window.start) / 3600.0 : 0;
    set->external_cost = c->q->share_cost_monthly * hours / 730.0;
    double rest = alloc_share_over(set, pool, c->q->share_even);
    double ext_rest = alloc_share_over(set, set->external_cost, c->q->share_even);
    double kg_rest = alloc_share_carbon(set, pool_kg, c->q->share_even);
    /* Fees stay out of the weighted pool: a fee is its own cluster's, never
     * spread over another cluster's workloads. */
    if (rest + ext_rest + c->fees_unshared > 0 || kg_rest > 0) {
        kt_alloc *a = set_row(set, &c->index, "__shared__", AK_SHARED);
        a->shared_cost += rest + c->fees_unshared;
        a->carbon_cost += kg_rest;
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
    free(c->ckey); free(c->key_row); free(c->cflag); free(c->pod_container); free(c->items);
    free(c->node_idle); free(c->cl_unmounted); free(c->cl_attached); free(c->vol_bytes);
    free(c->cl_unmounted_kg); free(c->node_idle_kg);
    carbon_rates_free(&c->cr);
    set_index_free(&c->index);
    buf_free(&c->name);
    for (int b = 0; b < B_COUNT; b++) {
        free(c->b[b].idx);
        free(c->b[b].frac);
        free(c->b[b].off);
    }
}

/* A volume's size, for pvByteHours (its newest fact's). */
static double *volume_bytes(const kt_dataset *ds)
{
    double *v = xcalloc(ds->n_volumes + 1, sizeof *v);
    for (size_t i = 0; i < ds->n_vfacts; i++)
        v[ds->vfacts[i].volume] = ds->vfacts[i].bytes;
    return v;
}

int alloc_compute(const kt_dataset *ds, const kt_alloc_query *q, kt_alloc_result *out, kt_err *err)
{
    assert(ds && q && out);
    memset(out, 0, sizeof *out);
    out->ds = ds;
    kt_window w = q->window;
    if (w.end <= w.start)
        return kt_fail(err, KT_EINPUT, "window: end must be after start");
    if (w.start < 0 || w.end > KT_TIME_MAX)
        return kt_fail(err, KT_EINPUT, "window: outside 1970-01-01 … 9999-12-31");
    int64_t step = q->accumulate || q->step <= 0 ? w.end - w.start : q->step;
    int64_t n_sets = (w.end - w.start) / step + ((w.end - w.start) % step != 0);
    if (n_sets > 10000)
        return kt_fail(err, KT_EINPUT, "step: %lld steps in the window; at most 10000", (long long)n_sets);
    ctx c;
    memset(&c, 0, sizeof c);
    c.ds = ds, c.q = q;
    strtab_init(&c.keys);
    set_index_init(&c.index);
    c.node_idle = xcalloc(ds->n_nodes + 1, sizeof *c.node_idle);
    c.cl_unmounted = xcalloc(ds->n_clusters + 1, sizeof *c.cl_unmounted);
    c.cl_attached = xcalloc(ds->n_clusters + 1, sizeof *c.cl_attached);
    c.vol_bytes = volume_bytes(ds);
    c.cl_unmounted_kg = xcalloc(ds->n_clusters + 1, sizeof *c.cl_unmounted_kg);
    c.node_idle_kg = xcalloc(ds->n_nodes + 1, sizeof *c.node_idle_kg);
    carbon_rates_build(ds, &c.cr);
    prepare_containers(&c);
    span_ctx sc = {w, ds->start < ds->end ? ds->start : INT64_MIN / 2, ds->start < ds->end ? ds->end : INT64_MAX / 2,
                   step, (size_t)n_sets};
    BUCKET(&c, B_C, cfacts, ds_container_fact, &sc);
    BUCKET(&c, B_N, nfacts, ds_node_fact, &sc);
    BUCKET(&c, B_V, vfacts, ds_volume_fact, &sc);
    BUCKET(&c, B_PV, pvfacts, ds_pod_volume_fact, &sc);
    BUCKET(&c, B_LB, lbfacts, ds_lb_fact, &sc);
    BUCKET(&c, B_PLB, plbfacts, ds_pod_lb_fact, &sc);
    BUCKET(&c, B_FEE, feefacts, ds_fee_fact, &sc);
    BUCKET(&c, B_NET, netfacts, ds_network_fact, &sc);
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

/* dataset.c — building and freeing kt_dataset; see dataset.h. */
#include "store/dataset.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

#define PUSH(ds, arr, val) do { \
        grow_array((void **)&(ds)->arr, &(ds)->cap_##arr, (ds)->n_##arr, sizeof *(ds)->arr); \
        (ds)->arr[(ds)->n_##arr++] = (val); } while (0)

void ds_init(kt_dataset *ds)
{
    memset(ds, 0, sizeof *ds);
    strtab_init(&ds->strs);
}

void ds_free(kt_dataset *ds)
{
    strtab_free(&ds->strs);
    free(ds->clusters); free(ds->nodes); free(ds->pods); free(ds->containers);
    free(ds->namespaces); free(ds->volumes); free(ds->lbs); free(ds->kvs); free(ds->svcs);
    free(ds->cfacts); free(ds->nfacts); free(ds->vfacts); free(ds->pvfacts);
    free(ds->lbfacts); free(ds->plbfacts); free(ds->feefacts); free(ds->netfacts);
    memset(ds, 0, sizeof *ds);
}

size_t ds_bytes(const kt_dataset *ds)
{
    return strtab_bytes(&ds->strs) + ds->cap_clusters * sizeof *ds->clusters +
           ds->cap_nodes * sizeof *ds->nodes + ds->cap_pods * sizeof *ds->pods +
           ds->cap_containers * sizeof *ds->containers + ds->cap_namespaces * sizeof *ds->namespaces +
           ds->cap_volumes * sizeof *ds->volumes + ds->cap_lbs * sizeof *ds->lbs +
           ds->cap_kvs * sizeof *ds->kvs + ds->cap_svcs * sizeof *ds->svcs +
           ds->cap_cfacts * sizeof *ds->cfacts + ds->cap_nfacts * sizeof *ds->nfacts +
           ds->cap_vfacts * sizeof *ds->vfacts + ds->cap_pvfacts * sizeof *ds->pvfacts +
           ds->cap_lbfacts * sizeof *ds->lbfacts + ds->cap_plbfacts * sizeof *ds->plbfacts +
           ds->cap_feefacts * sizeof *ds->feefacts + ds->cap_netfacts * sizeof *ds->netfacts;
}

static uint32_t S(kt_dataset *ds, const char *s) { return strtab_intern(&ds->strs, s ? s : ""); }

uint32_t ds_add_cluster(kt_dataset *ds, const char *name, const char *provider, const char *region,
                        const char *currency)
{
    ds_cluster c = {S(ds, name), S(ds, provider), S(ds, region), S(ds, currency && *currency ? currency : "USD")};
    PUSH(ds, clusters, c);
    return (uint32_t)ds->n_clusters - 1;
}

uint32_t ds_add_node(kt_dataset *ds, uint32_t cluster, const char *name, const char *provider,
                     const char *region, const char *zone, const char *instance_type, int spot,
                     double cpu_cores, double ram_bytes, double gpus)
{
    ds_node n = {.cluster = cluster, .name = S(ds, name), .provider = S(ds, provider),
                 .region = S(ds, region), .zone = S(ds, zone), .instance_type = S(ds, instance_type),
                 .spot = (uint8_t)(spot != 0), .cpu_cores = cpu_cores, .ram_bytes = ram_bytes, .gpus = gpus};
    PUSH(ds, nodes, n);
    return (uint32_t)ds->n_nodes - 1;
}

static int kv_cmp(const void *a, const void *b, void *strs)
{
    const ds_kv *x = a, *y = b;
    return strcmp(strtab_get(strs, x->key), strtab_get(strs, y->key));
}

/* Append NULL-terminated key/value pairs sorted by key; returns the offset. */
static uint32_t add_kvs(kt_dataset *ds, const char *const *pairs, uint32_t *count)
{
    uint32_t off = (uint32_t)ds->n_kvs, n = 0;
    for (; pairs && pairs[0] && pairs[1]; pairs += 2, n++) {
        ds_kv kv = {S(ds, pairs[0]), S(ds, pairs[1])};
        PUSH(ds, kvs, kv);
    }
    if (n > 1)
        qsort_r(ds->kvs + off, n, sizeof *ds->kvs, kv_cmp, &ds->strs);
    *count = n;
    return off;
}

uint32_t ds_add_pod(kt_dataset *ds, uint32_t cluster, uint32_t node, const char *ns, const char *name,
                    const char *controller_kind, const char *controller, const char *const *labels,
                    const char *const *annotations, const char *const *services)
{
    ds_pod p = {.cluster = cluster, .node = node, .namespace_ = S(ds, ns), .name = S(ds, name),
                .controller_kind = S(ds, controller_kind), .controller = S(ds, controller),
                .ns_index = KT_NONE};
    p.label_off = add_kvs(ds, labels, &p.n_labels);
    p.ann_off = add_kvs(ds, annotations, &p.n_anns);
    p.svc_off = (uint32_t)ds->n_svcs;
    for (; services && *services; services++, p.n_svcs++) {
        uint32_t id = S(ds, *services);
        PUSH(ds, svcs, id);
    }
    PUSH(ds, pods, p);
    return (uint32_t)ds->n_pods - 1;
}

uint32_t ds_add_kv_list(kt_dataset *ds, const uint32_t *ids, uint32_t n)
{
    assert(ids || n == 0);
    uint32_t off = (uint32_t)ds->n_kvs;
    for (uint32_t i = 0; i < n; i++) {
        ds_kv kv = {ids[2 * i], ids[2 * i + 1]};
        PUSH(ds, kvs, kv);
    }
    if (n > 1)
        qsort_r(ds->kvs + off, n, sizeof *ds->kvs, kv_cmp, &ds->strs);
    return off;
}

uint32_t ds_add_svc_list(kt_dataset *ds, const uint32_t *svcs, uint32_t n)
{
    assert(svcs || n == 0);
    uint32_t off = (uint32_t)ds->n_svcs;
    for (uint32_t i = 0; i < n; i++)
        PUSH(ds, svcs, svcs[i]);
    return off;
}

uint32_t ds_add_pod_lists(kt_dataset *ds, uint32_t cluster, uint32_t node, uint32_t ns, uint32_t name,
                          uint32_t controller_kind, uint32_t controller, uint32_t label_off, uint32_t n_labels,
                          uint32_t ann_off, uint32_t n_anns, uint32_t svc_off, uint32_t n_svcs)
{
    assert((size_t)label_off + n_labels <= ds->n_kvs && (size_t)ann_off + n_anns <= ds->n_kvs);
    assert((size_t)svc_off + n_svcs <= ds->n_svcs);
    ds_pod p = {.cluster = cluster, .node = node, .namespace_ = ns, .name = name,
                .controller_kind = controller_kind, .controller = controller, .ns_index = KT_NONE,
                .label_off = label_off, .n_labels = n_labels, .ann_off = ann_off, .n_anns = n_anns,
                .svc_off = svc_off, .n_svcs = n_svcs};
    PUSH(ds, pods, p);
    return (uint32_t)ds->n_pods - 1;
}

uint32_t ds_add_pod_ids(kt_dataset *ds, uint32_t cluster, uint32_t node, uint32_t ns, uint32_t name,
                        uint32_t controller_kind, uint32_t controller, const uint32_t *labels, uint32_t n_labels,
                        const uint32_t *anns, uint32_t n_anns, const uint32_t *svcs, uint32_t n_svcs)
{
    uint32_t lo = ds_add_kv_list(ds, labels, n_labels), ao = ds_add_kv_list(ds, anns, n_anns);
    uint32_t so = ds_add_svc_list(ds, svcs, n_svcs);
    return ds_add_pod_lists(ds, cluster, node, ns, name, controller_kind, controller, lo, n_labels, ao, n_anns, so,
                            n_svcs);
}

uint32_t ds_add_container_id(kt_dataset *ds, uint32_t pod, uint32_t name)
{
    ds_container c = {pod, name};
    PUSH(ds, containers, c);
    return (uint32_t)ds->n_containers - 1;
}

uint32_t ds_add_namespace(kt_dataset *ds, uint32_t cluster, const char *name, const char *const *labels,
                          const char *const *annotations)
{
    ds_namespace n = {.cluster = cluster, .name = S(ds, name)};
    n.label_off = add_kvs(ds, labels, &n.n_labels);
    n.ann_off = add_kvs(ds, annotations, &n.n_anns);
    PUSH(ds, namespaces, n);
    return (uint32_t)ds->n_namespaces - 1;
}

uint32_t ds_add_container(kt_dataset *ds, uint32_t pod, const char *name)
{
    ds_container c = {pod, S(ds, name)};
    PUSH(ds, containers, c);
    return (uint32_t)ds->n_containers - 1;
}

uint32_t ds_add_volume(kt_dataset *ds, uint32_t cluster, const char *name, const char *storage_class,
                       const char *claim_ns, const char *claim_name)
{
    ds_volume v = {cluster, S(ds, name), S(ds, storage_class), S(ds, claim_ns), S(ds, claim_name), 0, 0, 0, 0};
    PUSH(ds, volumes, v);
    return (uint32_t)ds->n_volumes - 1;
}

uint32_t ds_add_lb(kt_dataset *ds, uint32_t cluster, const char *ns, const char *name)
{
    ds_lb l = {cluster, S(ds, ns), S(ds, name), 0, 0};
    PUSH(ds, lbs, l);
    return (uint32_t)ds->n_lbs - 1;
}

void ds_push_cfact(kt_dataset *ds, const ds_container_fact *f) { PUSH(ds, cfacts, *f); }
void ds_push_nfact(kt_dataset *ds, const ds_node_fact *f) { PUSH(ds, nfacts, *f); }
void ds_push_vfact(kt_dataset *ds, const ds_volume_fact *f) { PUSH(ds, vfacts, *f); }
void ds_push_pvfact(kt_dataset *ds, const ds_pod_volume_fact *f) { PUSH(ds, pvfacts, *f); }
void ds_push_lbfact(kt_dataset *ds, const ds_lb_fact *f) { PUSH(ds, lbfacts, *f); }
void ds_push_plbfact(kt_dataset *ds, const ds_pod_lb_fact *f) { PUSH(ds, plbfacts, *f); }
void ds_push_feefact(kt_dataset *ds, const ds_fee_fact *f) { PUSH(ds, feefacts, *f); }
void ds_push_netfact(kt_dataset *ds, const ds_network_fact *f) { PUSH(ds, netfacts, *f); }

void ds_link_namespaces(kt_dataset *ds)
{
    kt_u64map m;
    u64map_init(&m);
    for (size_t i = 0; i < ds->n_namespaces; i++)
        u64map_put(&m, (uint64_t)ds->namespaces[i].cluster << 32 | ds->namespaces[i].name, i);
    for (size_t i = 0; i < ds->n_pods; i++) {
        uint64_t idx;
        ds_pod *p = &ds->pods[i];
        p->ns_index = u64map_get(&m, (uint64_t)p->cluster << 32 | p->namespace_, &idx) ? (uint32_t)idx : KT_NONE;
    }
    u64map_free(&m);
}

static uint32_t find_kv(const kt_dataset *ds, uint32_t off, uint32_t n, uint32_t key)
{
    for (uint32_t i = 0; i < n; i++)
        if (ds->kvs[off + i].key == key)
            return ds->kvs[off + i].value;
    return KT_NONE;
}

uint32_t ds_pod_label(const kt_dataset *ds, const ds_pod *p, uint32_t key, int annotation)
{
    uint32_t v = annotation ? find_kv(ds, p->ann_off, p->n_anns, key) : find_kv(ds, p->label_off, p->n_labels, key);
    if (v != KT_NONE)
        return v;
    if (p->ns_index == KT_NONE)
        return 0;
    const ds_namespace *n = &ds->namespaces[p->ns_index];
    v = annotation ? find_kv(ds, n->ann_off, n->n_anns, key) : find_kv(ds, n->label_off, n->n_labels, key);
    return v == KT_NONE ? 0 : v;
}

/* Part of [t, t+dur) inside [start, end). */
static double inside(int64_t t, int32_t dur, int64_t start, int64_t end)
{
    int64_t a = t > start ? t : start, b = t + dur < end ? t + dur : end;
    return b > a ? (double)(b - a) / dur : 0;
}

static void scale(double *v, size_t n, double k)
{
    for (size_t i = 0; i < n; i++)
        v[i] *= k;
}

/* Keep facts overlapping the window, scaled by their part inside it.  The
 * fields listed per kind are the integrated ones (rates and peaks stay). */
#define PRORATE(arr, body) do { size_t w_ = 0; \
        for (size_t i_ = 0; i_ < ds->n_##arr; i_++) { __typeof__(ds->arr[0]) f = ds->arr[i_]; \
            double k = inside(f.t, f.dur, start, end); \
            if (k <= 0) continue; \
            if (k < 1) { body; } \
            ds->arr[w_++] = f; } ds->n_##arr = w_; } while (0)

void ds_prorate(kt_dataset *ds, int64_t start, int64_t end)
{
    PRORATE(cfacts, f.seconds *= k; f.cpu_req *= k; f.cpu_use *= k; f.cpu_alloc *= k; f.ram_req *= k;
            f.ram_use *= k; f.ram_alloc *= k; f.gpu *= k; scale(f.cost, R_N, k); scale(f.idle_node, R_N, k);
            scale(f.idle_cluster, R_N, k); f.fee *= k);
    PRORATE(nfacts, f.hours *= k; scale(f.cost, R_N, k); scale(f.idle, R_N, k); scale(f.idle_left_node, R_N, k);
            scale(f.idle_left_cluster, R_N, k));
    PRORATE(vfacts, f.hours *= k; f.cost *= k);
    PRORATE(pvfacts, f.hours *= k; f.cost *= k);
    PRORATE(lbfacts, f.hours *= k; f.cost *= k);
    PRORATE(plbfacts, f.hours *= k; f.cost *= k);
    PRORATE(feefacts, f.hours *= k; f.cost *= k; f.unshared *= k);
    PRORATE(netfacts, f.tx_internet *= k; f.tx_region *= k; f.tx_zone *= k; f.rx_bytes *= k; f.tx_other *= k;
            f.cost_internet *= k; f.cost_region *= k; f.cost_zone *= k);
}

double ds_fact_part(const kt_dataset *ds, int64_t t, int32_t dur, int64_t a, int64_t b)
{
    int64_t lo = t, hi = t + dur;
    if (ds->start < ds->end) { /* what proration kept of the fact */
        if (lo < ds->start) lo = ds->start;
        if (hi > ds->end) hi = ds->end;
    }
    int64_t x = lo > a ? lo : a, y = hi < b ? hi : b;
    return hi > lo && y > x ? (double)(y - x) / (double)(hi - lo) : 0;
}

void ds_guess_run(int64_t t, int32_t dur, double seconds, int64_t *start, int64_t *end)
{
    int64_t s = t, e = t + dur;
    if (seconds < dur) {
        s = t + dur - (int64_t)seconds;
        e = t + (int64_t)seconds;
    }
    if (s > e)
        s = t, e = t + (int64_t)seconds;
    *start = s, *end = e;
}

/* Summing: the first fact of each thing becomes the accumulator. */
static void sum_container(ds_container_fact *a, const ds_container_fact *f, int first)
{
    int64_t s, e;
    if (f->last)
        s = f->first, e = f->last;
    else
        ds_guess_run(f->t, f->dur, f->seconds, &s, &e);
    double longest = f->last ? f->longest : f->seconds;
    if (first) {
        *a = *f;
        a->first = s, a->last = e, a->longest = longest;
        return;
    }
    a->seconds += f->seconds, a->cpu_req += f->cpu_req, a->cpu_use += f->cpu_use, a->cpu_alloc += f->cpu_alloc;
    a->ram_req += f->ram_req, a->ram_use += f->ram_use, a->ram_alloc += f->ram_alloc, a->gpu += f->gpu;
    if (f->cpu_peak > a->cpu_peak) a->cpu_peak = f->cpu_peak;
    if (f->ram_peak > a->ram_peak) a->ram_peak = f->ram_peak;
    for (int r = 0; r < R_N; r++)
        a->cost[r] += f->cost[r], a->idle_node[r] += f->idle_node[r], a->idle_cluster[r] += f->idle_cluster[r];
    a->fee += f->fee;
    if (s < a->first) a->first = s;
    if (e > a->last) a->last = e;
    if (longest > a->longest) a->longest = longest;
}

static void sum_node(ds_node_fact *a, const ds_node_fact *f, int first)
{
    if (first) {
        *a = *f;
        a->cpu_price *= f->hours, a->ram_price *= f->hours, a->gpu_price *= f->hours, a->hourly *= f->hours;
        return;
    }
    a->hours += f->hours;
    a->cpu_price += f->cpu_price * f->hours, a->ram_price += f->ram_price * f->hours;
    a->gpu_price += f->gpu_price * f->hours, a->hourly += f->hourly * f->hours;
    for (int r = 0; r < R_N; r++)
        a->cost[r] += f->cost[r], a->idle[r] += f->idle[r], a->idle_left_node[r] += f->idle_left_node[r],
            a->idle_left_cluster[r] += f->idle_left_cluster[r];
    if (f->t > a->t) a->source = f->source;
}

/* Fold the facts of `arr` from index `from` on into the group of their key
 * (the group's first fact, its slot kept in map `m`), compacting the array. */
#define FOLD(arr, m, from, keyexpr, merge) do { \
        size_t w_ = from; \
        for (size_t i_ = from; i_ < ds->n_##arr; i_++) { \
            __typeof__(ds->arr[0]) f_ = ds->arr[i_], *f = &f_; uint64_t slot_; \
            if (u64map_get(m, (keyexpr), &slot_)) { merge(&ds->arr[slot_], f, 0); continue; } \
            u64map_put(m, (keyexpr), w_); merge(&ds->arr[w_], f, 1); w_++; } \
        ds->n_##arr = w_; } while (0)
/* The same with a dense key (a thing's index): an array, not a hash. */
static uint32_t *slot_of(ds_sum_state *st, int k, uint32_t key)
{
    if (key >= st->slot_cap[k]) {
        size_t cap = st->slot_cap[k] ? st->slot_cap[k] : 1024;
        while (cap <= key)
            cap *= 2;
        st->slot[k] = xrealloc(st->slot[k], cap * sizeof *st->slot[k]);
        memset(st->slot[k] + st->slot_cap[k], 0xff, (cap - st->slot_cap[k]) * sizeof *st->slot[k]);
        st->slot_cap[k] = cap;
    }
    return &st->slot[k][key];
}

#define FOLD_DENSE(arr, k, keyexpr, merge) do { \
        size_t w_ = st->from[k]; \
        for (size_t i_ = st->from[k]; i_ < ds->n_##arr; i_++) { \
            __typeof__(ds->arr[0]) f_ = ds->arr[i_], *f = &f_; uint32_t *slot_ = slot_of(st, k, (keyexpr)); \
            if (*slot_ != UINT32_MAX) { merge(&ds->arr[*slot_], f, 0); continue; } \
            *slot_ = (uint32_t)w_; merge(&ds->arr[w_], f, 1); w_++; } \
        ds->n_##arr = w_; } while (0)
#define SPAN_ALL(arr, after) do { for (size_t i_ = 0; i_ < ds->n_##arr; i_++) { \
            __typeof__(ds->arr[0]) *a = &ds->arr[i_]; \
            a->t = ds->start, a->dur = (int32_t)(ds->end - ds->start); after; } } while (0)

#define ADD_FIELDS(a, f, first, body) do { if (first) { *(a) = *(f); } else { body; } } while (0)
static void sum_volume(ds_volume_fact *a, const ds_volume_fact *f, int first)
{
    /* bytes as an hour-weighted average; cost is what decides money */
    ADD_FIELDS(a, f, first, (a->bytes = (a->bytes * a->hours + f->bytes * f->hours) / (a->hours + f->hours > 0 ? a->hours + f->hours : 1),
                             a->hours += f->hours, a->cost += f->cost));
}
static void sum_pv(ds_pod_volume_fact *a, const ds_pod_volume_fact *f, int first)
{
    ADD_FIELDS(a, f, first, (a->hours += f->hours, a->cost += f->cost));
}
static void sum_lb(ds_lb_fact *a, const ds_lb_fact *f, int first)
{
    ADD_FIELDS(a, f, first, (a->hours += f->hours, a->cost += f->cost, a->hourly = f->hourly));
}
static void sum_plb(ds_pod_lb_fact *a, const ds_pod_lb_fact *f, int first)
{
    ADD_FIELDS(a, f, first, (a->hours += f->hours, a->cost += f->cost));
}
static void sum_fee(ds_fee_fact *a, const ds_fee_fact *f, int first)
{
    ADD_FIELDS(a, f, first, (a->hours += f->hours, a->cost += f->cost, a->unshared += f->unshared, a->hourly = f->hourly));
}
static void sum_net(ds_network_fact *a, const ds_network_fact *f, int first)
{
    ADD_FIELDS(a, f, first, (a->tx_internet += f->tx_internet, a->tx_region += f->tx_region, a->tx_zone += f->tx_zone,
                             a->rx_bytes += f->rx_bytes, a->cost_internet += f->cost_internet,
                             a->cost_region += f->cost_region, a->cost_zone += f->cost_zone,
                             a->tx_other += f->tx_other));
}

void ds_sum_begin(ds_sum_state *st)
{
    memset(st, 0, sizeof *st);
    for (int i = 0; i < 8; i++)
        u64map_init(&st->m[i]);
}

void ds_sum_more(kt_dataset *ds, ds_sum_state *st)
{
    FOLD_DENSE(cfacts, 0, f->container, sum_container);
    FOLD_DENSE(nfacts, 1, f->node, sum_node);
    FOLD_DENSE(vfacts, 2, f->volume, sum_volume);
    FOLD(pvfacts, &st->m[3], st->from[3], (uint64_t)f->pod << 32 | f->volume, sum_pv);
    FOLD_DENSE(lbfacts, 4, f->lb, sum_lb);
    FOLD(plbfacts, &st->m[5], st->from[5], (uint64_t)f->pod << 32 | f->lb, sum_plb);
    FOLD_DENSE(feefacts, 6, f->cluster, sum_fee);
    FOLD_DENSE(netfacts, 7, f->pod, sum_net);
    st->from[0] = ds->n_cfacts, st->from[1] = ds->n_nfacts, st->from[2] = ds->n_vfacts, st->from[3] = ds->n_pvfacts;
    st->from[4] = ds->n_lbfacts, st->from[5] = ds->n_plbfacts, st->from[6] = ds->n_feefacts;
    st->from[7] = ds->n_netfacts;
}

void ds_sum_cfact(kt_dataset *ds, ds_sum_state *st, const ds_container_fact *f)
{
    assert(st->from[0] == ds->n_cfacts); /* every earlier container fact is folded */
    uint32_t *slot = slot_of(st, 0, f->container);
    if (*slot != UINT32_MAX) {
        sum_container(&ds->cfacts[*slot], f, 0);
        return;
    }
    *slot = (uint32_t)ds->n_cfacts;
    ds_push_cfact(ds, f);
    sum_container(&ds->cfacts[*slot], f, 1);
    st->from[0] = ds->n_cfacts;
}

void ds_sum_end(kt_dataset *ds, ds_sum_state *st)
{
    SPAN_ALL(cfacts, (void)a);
    SPAN_ALL(nfacts, (a->hours > 0 ? (a->cpu_price /= a->hours, a->ram_price /= a->hours, a->gpu_price /= a->hours,
                                      a->hourly /= a->hours) : 0));
    SPAN_ALL(vfacts, (a->price_gib_hour = a->hours * a->bytes > 0 ? a->cost / (a->hours * a->bytes / 1073741824.0)
                                                                   : a->price_gib_hour));
    SPAN_ALL(pvfacts, (void)a);
    SPAN_ALL(lbfacts, (void)a);
    SPAN_ALL(plbfacts, (void)a);
    SPAN_ALL(feefacts, (void)a);
    SPAN_ALL(netfacts, (void)a);
    for (int i = 0; i < 8; i++) {
        u64map_free(&st->m[i]);
        free(st->slot[i]);
    }
}

void ds_sum(kt_dataset *ds)
{
    ds_sum_state st;
    ds_sum_begin(&st);
    ds_sum_more(ds, &st);
    ds_sum_end(ds, &st);
}

static void reserve(void **arr, size_t *cap, size_t n, size_t more, size_t size)
{
    if (n + more <= *cap)
        return;
    *arr = xrealloc(*arr, (n + more) * size);
    mem_hint_huge(*arr, (n + more) * size);
    *cap = n + more;
}

void ds_reserve(kt_dataset *ds, size_t cfacts, size_t pods, size_t containers, size_t kvs, size_t svcs)
{
    reserve((void **)&ds->cfacts, &ds->cap_cfacts, ds->n_cfacts, cfacts, sizeof *ds->cfacts);
    reserve((void **)&ds->pods, &ds->cap_pods, ds->n_pods, pods, sizeof *ds->pods);
    reserve((void **)&ds->containers, &ds->cap_containers, ds->n_containers, containers, sizeof *ds->containers);
    reserve((void **)&ds->kvs, &ds->cap_kvs, ds->n_kvs, kvs, sizeof *ds->kvs);
    reserve((void **)&ds->svcs, &ds->cap_svcs, ds->n_svcs, svcs, sizeof *ds->svcs);
}

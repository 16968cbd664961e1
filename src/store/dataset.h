/* dataset.h — the facts for one time window, in dense arrays: what the engine
 * computes over and what store_load fills.
 *
 * Every string is an id in ds->strs (0 = ""); every reference between
 * records is an index into the owning array (cluster, node, pod, …), so the
 * engine never hashes strings on its hot path.  Facts carry their span
 * [t, t+dur) and have already been prorated to the window: a row that only
 * half overlaps the window holds half its quantities and costs (dur is
 * unchanged; price fields are rates so they need no proration).
 *
 * Facts arrive SETTLED (settle.h): each node-hour's capacity has been
 * divided among the containers on it, so every cost field is final money —
 * the engine adds, it never prices.  Units: R3 arrays are {cpu, ram, gpu}.
 *
 * Tests build datasets by hand with the ds_add_* helpers; store_load builds
 * them from a database. */
#ifndef KT_DATASET_H
#define KT_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "util/strtab.h"

#define KT_NONE UINT32_MAX

typedef struct ds_cluster {
    uint32_t name, provider, region, currency;
} ds_cluster;

typedef struct ds_node {
    uint32_t cluster, name, provider, region, zone, instance_type, pool, provider_id;
    uint8_t spot;
    double cpu_cores, ram_bytes, gpus;
} ds_node;

typedef struct ds_kv {
    uint32_t key, value;
} ds_kv;

typedef struct ds_pod {
    uint32_t cluster, node; /* node may be KT_NONE */
    uint32_t namespace_, name, controller_kind, controller;
    uint32_t label_off, n_labels;    /* into ds->kvs, sorted by key */
    uint32_t ann_off, n_anns;        /* into ds->kvs, sorted by key */
    uint32_t svc_off, n_svcs;        /* into ds->svcs */
    uint32_t ns_index;               /* into ds->namespaces, or KT_NONE */
} ds_pod;

typedef struct ds_container {
    uint32_t pod, name;
} ds_container;

typedef struct ds_namespace {
    uint32_t cluster, name;
    uint32_t label_off, n_labels, ann_off, n_anns;
} ds_namespace;

typedef struct ds_volume {
    uint32_t cluster, name, storage_class, claim_ns, claim_name, provider_id;
    /* the largest used bytes the kubelet reported over the window's days,
     * and the filesystem capacity then (store_put_volume_usage); 0: unknown */
    double used_peak, used_avg, used_capacity;
} ds_volume;

typedef struct ds_lb {
    uint32_t cluster, namespace_, name, ip;
    uint8_t private_ip;
} ds_lb;

enum { R_CPU, R_RAM, R_GPU, R_N };

typedef struct ds_container_fact {
    uint32_t container;
    int32_t dur;
    int64_t t;
    /* cpu_alloc/ram_alloc: the settled (charged) core-hours and byte-hours;
     * the integral of max(request, usage) before settlement is not kept. */
    double seconds, cpu_req, cpu_use, cpu_alloc, ram_req, ram_use, ram_alloc, gpu, cpu_peak, ram_peak;
    double cost[R_N];         /* settled cost of the allocation */
    double idle_node[R_N];    /* its share of its node's idle (shareIdle, idleByNode) */
    double idle_cluster[R_N]; /* its share of its cluster's idle (shareIdle) */
    double fee;               /* its share of the cluster management fee */
    /* Set only on facts summed over many spans (ds_sum): when the container
     * first and last ran, and its longest single run; 0 otherwise. */
    int64_t first, last;
    double longest;
} ds_container_fact;

typedef struct ds_node_fact {
    uint32_t node, source;
    int32_t dur;
    int64_t t;
    double hours, cpu_price, ram_price, gpu_price, hourly;
    double cost[R_N];              /* capacity × hours × price */
    double idle[R_N];              /* cost − settled allocations: never negative */
    double idle_left_node[R_N];    /* idle no allocation on the node could carry (shareIdle by node) */
    double idle_left_cluster[R_N]; /* idle no allocation in the cluster could carry (shareIdle) */
} ds_node_fact;

typedef struct ds_volume_fact {
    uint32_t volume, source;
    int32_t dur;
    int64_t t;
    double hours, bytes, price_gib_hour;
    double cost;
} ds_volume_fact;

typedef struct ds_pod_volume_fact {
    uint32_t pod, volume;
    int32_t dur;
    int64_t t;
    double hours; /* settled: the pods of a volume-hour never hold more than it ran */
    double cost;
} ds_pod_volume_fact;

typedef struct ds_lb_fact {
    uint32_t lb, source;
    int32_t dur;
    int64_t t;
    double hours, hourly;
    double cost;
} ds_lb_fact;

typedef struct ds_pod_lb_fact {
    uint32_t pod, lb;
    int32_t dur;
    int64_t t;
    double hours; /* settled like volume hours */
    double cost;
} ds_pod_lb_fact;

typedef struct ds_fee_fact {
    uint32_t cluster, kind;
    int32_t dur;
    int64_t t;
    double hours, hourly;
    double cost;     /* hours × hourly */
    double unshared; /* the part no allocation of the cluster could carry (an hour with none) */
} ds_fee_fact;

typedef struct ds_network_fact {
    uint32_t pod;
    int32_t dur;
    int64_t t;
    double tx_internet, tx_region, tx_zone, rx_bytes, cost_internet, cost_region, cost_zone;
    double tx_other; /* sent, destination unknown (kubelet counters): traffic, never priced */
} ds_network_fact;

#define DS_ARRAY(type, name) type *name; size_t n_##name, cap_##name

typedef struct kt_dataset {
    kt_strtab strs;
    int64_t start, end; /* the window the facts were loaded for */
    DS_ARRAY(ds_cluster, clusters);
    DS_ARRAY(ds_node, nodes);
    DS_ARRAY(ds_pod, pods);
    DS_ARRAY(ds_container, containers);
    DS_ARRAY(ds_namespace, namespaces);
    DS_ARRAY(ds_volume, volumes);
    DS_ARRAY(ds_lb, lbs);
    DS_ARRAY(ds_kv, kvs);
    DS_ARRAY(uint32_t, svcs);
    DS_ARRAY(ds_container_fact, cfacts);
    DS_ARRAY(ds_node_fact, nfacts);
    DS_ARRAY(ds_volume_fact, vfacts);
    DS_ARRAY(ds_pod_volume_fact, pvfacts);
    DS_ARRAY(ds_lb_fact, lbfacts);
    DS_ARRAY(ds_pod_lb_fact, plbfacts);
    DS_ARRAY(ds_fee_fact, feefacts);
    DS_ARRAY(ds_network_fact, netfacts);
} kt_dataset;

void ds_init(kt_dataset *ds);
void ds_free(kt_dataset *ds);
/* Resident bytes held by the dataset (for benchmarks and query limits). */
size_t ds_bytes(const kt_dataset *ds);

/* Builders used by store_load and by tests.  Each returns the new index.
 * Strings are interned; NULL means "". */
uint32_t ds_add_cluster(kt_dataset *ds, const char *name, const char *provider, const char *region,
                        const char *currency);
uint32_t ds_add_node(kt_dataset *ds, uint32_t cluster, const char *name, const char *provider,
                     const char *region, const char *zone, const char *instance_type, int spot,
                     double cpu_cores, double ram_bytes, double gpus);
/* labels/annotations: NULL-terminated {key, value, key, value, …, NULL}. */
uint32_t ds_add_pod(kt_dataset *ds, uint32_t cluster, uint32_t node, const char *ns, const char *name,
                    const char *controller_kind, const char *controller, const char *const *labels,
                    const char *const *annotations, const char *const *services);
uint32_t ds_add_namespace(kt_dataset *ds, uint32_t cluster, const char *name, const char *const *labels,
                          const char *const *annotations);
uint32_t ds_add_container(kt_dataset *ds, uint32_t pod, const char *name);
/* The same with strings already interned in ds->strs (the loader's fast
 * path): kv arrays are {key, value, key, value, …}, n pairs. */
uint32_t ds_add_pod_ids(kt_dataset *ds, uint32_t cluster, uint32_t node, uint32_t ns, uint32_t name,
                        uint32_t controller_kind, uint32_t controller, const uint32_t *labels, uint32_t n_labels,
                        const uint32_t *anns, uint32_t n_anns, const uint32_t *svcs, uint32_t n_svcs);
uint32_t ds_add_container_id(kt_dataset *ds, uint32_t pod, uint32_t name);
/* The pieces of ds_add_pod_ids, for a reader that adds each distinct list
 * once and lets pods share it (lists are never changed once added): a kv
 * list (n pairs of interned ids, stored sorted by key) or a service list,
 * returning its offset; then a pod naming lists already in ds. */
uint32_t ds_add_kv_list(kt_dataset *ds, const uint32_t *ids, uint32_t n);
uint32_t ds_add_svc_list(kt_dataset *ds, const uint32_t *svcs, uint32_t n);
uint32_t ds_add_pod_lists(kt_dataset *ds, uint32_t cluster, uint32_t node, uint32_t ns, uint32_t name,
                          uint32_t controller_kind, uint32_t controller, uint32_t label_off, uint32_t n_labels,
                          uint32_t ann_off, uint32_t n_anns, uint32_t svc_off, uint32_t n_svcs);
uint32_t ds_add_volume(kt_dataset *ds, uint32_t cluster, const char *name, const char *storage_class,
                       const char *claim_ns, const char *claim_name);
uint32_t ds_add_lb(kt_dataset *ds, uint32_t cluster, const char *ns, const char *name);
/* Make room for at least n more of each, without touching the memory (an
 * upper bound costs nothing until used; growing by doubling copies). */
void ds_reserve(kt_dataset *ds, size_t cfacts, size_t pods, size_t containers, size_t kvs, size_t svcs);
/* Append a fact (copied). */
void ds_push_cfact(kt_dataset *ds, const ds_container_fact *f);
void ds_push_nfact(kt_dataset *ds, const ds_node_fact *f);
void ds_push_vfact(kt_dataset *ds, const ds_volume_fact *f);
void ds_push_pvfact(kt_dataset *ds, const ds_pod_volume_fact *f);
void ds_push_lbfact(kt_dataset *ds, const ds_lb_fact *f);
void ds_push_plbfact(kt_dataset *ds, const ds_pod_lb_fact *f);
void ds_push_feefact(kt_dataset *ds, const ds_fee_fact *f);
void ds_push_netfact(kt_dataset *ds, const ds_network_fact *f);
/* Scale every fact by the part of its span inside [start, end) (quantities
 * and costs; rates and peaks stay); facts wholly outside are dropped. */
void ds_prorate(kt_dataset *ds, int64_t start, int64_t end);
/* The part of a fact [t, t+dur) — as prorated to the dataset's window —
 * that lies in [a, b): 1 for a fact wholly inside, 0 for one outside. */
double ds_fact_part(const kt_dataset *ds, int64_t t, int32_t dur, int64_t a, int64_t b);
/* When a fact of span [t, t+dur) that ran `seconds` ran: a fact shorter
 * than its span either started late (a pod's first hour) or stopped early
 * (its last); assume the former for the start and the latter for the end,
 * exact for a pod that runs continuously.  Under half the span the two
 * guesses cross: the run is kept whole at the span's start. */
void ds_guess_run(int64_t t, int32_t dur, double seconds, int64_t *start, int64_t *end);
/* Sum the facts of each thing (container, node, volume, pod-volume, load
 * balancer, pod-LB, fee, network) into one fact spanning the dataset's
 * window: for a question with one set, the engine then sees one fact per
 * thing instead of one per day.  Rates become cost-weighted averages;
 * container facts keep when they first and last ran. */
void ds_sum(kt_dataset *ds);
/* The same in pieces, for facts arriving in batches (a day at a time):
 * begin; more after each batch is appended; end once. */
typedef struct ds_sum_state {
    kt_u64map m[8];       /* pair keys (pod, volume), (pod, lb) */
    uint32_t *slot[8];    /* thing index -> its fact (dense keys: no hashing) */
    size_t slot_cap[8];
    size_t from[8];
} ds_sum_state;
void ds_sum_begin(ds_sum_state *st);
void ds_sum_more(kt_dataset *ds, ds_sum_state *st);
void ds_sum_end(kt_dataset *ds, ds_sum_state *st);
/* Fold one container fact straight in (no copy appended first). */
void ds_sum_cfact(kt_dataset *ds, ds_sum_state *st, const ds_container_fact *f);
/* Link each pod to its namespace record (call after adding both). */
void ds_link_namespaces(kt_dataset *ds);

/* Value of label (or annotation when annotation=1) `key` on pod p, falling
 * back to the pod's namespace labels; 0 ("") when absent. */
uint32_t ds_pod_label(const kt_dataset *ds, const ds_pod *p, uint32_t key, int annotation);

#endif

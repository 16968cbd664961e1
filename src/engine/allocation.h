/* allocation.h — "what did X cost over window W, grouped by K".
 *
 * A pure function over a kt_dataset: no I/O, no globals.  The cost model is
 * docs/cost-model.md (DESIGN.md's, OpenCost-compatible):
 *   - container CPU/RAM/GPU cost = allocated core-hours × the node's CPU rate,
 *     byte-hours / 2^30 × RAM rate, GPU-hours × GPU rate, for each fact's span;
 *   - volume cost is split among pods by their attributed volume-hours, the
 *     rest is __unmounted__; load balancers likewise;
 *   - costs are settled per node-hour before they reach the engine
 *     (store/settle.h): requests in full, usage above request from the
 *     capacity nobody requested, idle = node cost − settled cost ≥ 0;
 *   - cluster fees are shared across that cluster's allocations (weighted by
 *     compute cost, hour by hour) unless share_tenancy is off, then they
 *     show as one __shared__ row; an hour of a cluster with no allocations
 *     keeps its fee on __shared__ too, never on another cluster.
 * Conservation (checked by the tests for every query, to 1e-9 relative):
 *   Σ totalCost over a set (idle included or shared) + idle_dropped =
 *       assets_cost + external_cost   (unfiltered queries).
 */
#ifndef KT_ALLOCATION_H
#define KT_ALLOCATION_H

#include <stddef.h>
#include <stdint.h>

#include "engine/filter.h"
#include "engine/window.h"
#include "store/dataset.h"
#include "util/err.h"

#define KT_MAX_AGG 8

enum kt_agg_prop {
    A_CLUSTER, A_PROVIDER, A_REGION, A_ZONE, A_NODE, A_NAMESPACE, A_CONTROLLER_KIND, A_CONTROLLER,
    A_POD, A_CONTAINER, A_SERVICE, A_LABEL, A_ANNOTATION, A_DEPLOYMENT, A_STATEFULSET, A_DAEMONSET, A_JOB
};

typedef struct kt_aggregate {
    int n; /* 0 ⇒ one allocation per container (cluster/node/namespace/pod/container) */
    enum kt_agg_prop props[KT_MAX_AGG];
    char keys[KT_MAX_AGG][128]; /* label/annotation key */
} kt_aggregate;

/* Parse "namespace,label:team" (also label=team, OpenCost's label:team).
 * Unknown names fail with the list of valid ones. */
int aggregate_parse(const char *text, kt_aggregate *out, kt_err *err);

typedef struct kt_alloc_query {
    kt_window window;
    int64_t now;             /* facts end here; used for share-cost proration */
    int64_t step;            /* seconds; 0 ⇒ the whole window is one set */
    int accumulate;          /* sum all steps into one set */
    kt_aggregate agg;
    const kt_filter *filter; /* NULL ⇒ everything */
    int include_idle;        /* default 1 */
    int share_idle;          /* distribute idle by resource cost */
    int idle_by_node;        /* idle per node, not per cluster */
    const char *share_namespaces; /* comma list, NULL ⇒ none */
    const char *share_labels;     /* comma list of key:value */
    double share_cost_monthly;    /* fixed shared cost per 730 h */
    int share_even;               /* 0 weighted by cost, 1 even */
    int share_tenancy;            /* default 1: fees shared; 0 ⇒ __shared__ */
    size_t max_results;           /* 0 ⇒ unlimited; guards query cost */
} kt_alloc_query;

/* Set defaults (idle on, tenancy shared, weighted). */
void alloc_query_init(kt_alloc_query *q);

typedef struct kt_kvpair {
    uint32_t key, value; /* ids in the dataset's strtab */
} kt_kvpair;

typedef struct kt_named_cost {
    char *name;          /* pv: "cluster=C:name=V" (OpenCost PVKey); lb: "namespace/service" */
    double hours, byte_hours, cost;
} kt_named_cost;

enum kt_alloc_kind { AK_NORMAL, AK_IDLE, AK_UNMOUNTED, AK_SHARED };

/* One row of an allocation set: every field of OpenCost's Allocation JSON. */
typedef struct kt_alloc {
    char *name;
    enum kt_alloc_kind kind;
    /* properties shared by every member (0 = not shared / absent) */
    uint32_t cluster, node, namespace_, pod, container, controller, controller_kind, provider_id;
    uint32_t provider, region;
    uint32_t *services; size_t n_services;
    kt_kvpair *labels; size_t n_labels;
    kt_kvpair *anns; size_t n_anns;
    int props_init; uint32_t last_pod;
    int64_t start, end;       /* span of the members' running time */
    double min_seconds;       /* longest single fact, to keep end >= start + it */
    double cpu_core_hours, cpu_req_hours, cpu_use_hours, cpu_cost, cpu_cost_idle;
    double ram_byte_hours, ram_req_hours, ram_use_hours, ram_cost, ram_cost_idle;
    double gpu_hours, gpu_cost, gpu_cost_idle;
    double pv_byte_hours, pv_cost;
    kt_named_cost *pvs; size_t n_pvs;
    double lb_cost;
    kt_named_cost *lbs; size_t n_lbs;
    double net_tx, net_rx, net_cost, net_zone, net_region, net_internet;
    double shared_cost, external_cost;
    double carbon_cost;       /* kg CO2e (engine/carbon_rates.h), carried like the money */
    double weight;            /* cost before shared costs: the weighted-split key */
} kt_alloc;

typedef struct kt_alloc_set {
    kt_window window;
    kt_alloc *items; size_t n, cap;
    double assets_cost;   /* nodes + volumes + load balancers + fees + network in the set */
    double external_cost; /* share_cost_monthly prorated */
    double idle_dropped;  /* idle left out because include_idle = 0 */
    double assets_carbon; /* kg CO2e of the set's assets (Σ carbonCost + carbon_dropped) */
    double carbon_dropped; /* kg CO2e of the idle left out */
    char currency[8];
} kt_alloc_set;

typedef struct kt_alloc_result {
    kt_alloc_set *sets; size_t n;
    const kt_dataset *ds; /* names in items point into ds->strs */
} kt_alloc_result;

int alloc_compute(const kt_dataset *ds, const kt_alloc_query *q, kt_alloc_result *out, kt_err *err);
void alloc_result_free(kt_alloc_result *r);

/* Derived fields, computed the way OpenCost does. */
double alloc_total(const kt_alloc *a);
double alloc_minutes(const kt_alloc *a);
double alloc_cpu_efficiency(const kt_alloc *a);
double alloc_ram_efficiency(const kt_alloc *a);
double alloc_total_efficiency(const kt_alloc *a);

/* Sort a set by total cost, descending (names break ties). */
void alloc_set_sort(kt_alloc_set *s);

#endif

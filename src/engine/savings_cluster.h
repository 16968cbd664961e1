/* savings_cluster.h — cluster right-sizing and the cross-cloud comparison
 * (docs/savings.md), pure functions over a dataset and price offers.
 *
 * Inputs per cluster, from its newest day of facts (the busiest hour):
 *   static     Σ requests of the non-DaemonSet pods (of the pods the filter
 *              keeps, when there is one)
 *   daemonSet  the largest DaemonSet requests on one node: every node pays it
 *   maxPod     the largest pod (Σ of its containers' largest hourly requests)
 * A node type fits when its capacity × target, less the DaemonSet
 * overhead, holds the largest pod; a pool of it needs
 *   count = max(minNodes, ⌈static CPU / usable CPU⌉, ⌈static RAM / usable RAM⌉)
 * and costs count × hourly × 730.  `single` is the cheapest one-type pool;
 * `multi` the cheapest two-type pool holding the same: na < count nodes of
 * a type A that holds the largest pod, topped up with nb ≥ 1 nodes of any
 * other type B with room (capacity is pooled: no bin packing beyond the
 * largest pod), over the 60 cheapest pools A and the 60 cheapest types B
 * per usable vCPU.  Savings = today's nodes (their newest hourly price ×
 * 730) − the plan.  ARM types (by name, pricing.h) only with arm. */
#ifndef KT_SAVINGS_CLUSTER_H
#define KT_SAVINGS_CLUSTER_H

#include "engine/filter.h"
#include "engine/window.h"
#include "pricing/pricing.h"
#include "store/dataset.h"
#include "util/err.h"

typedef struct kt_cs_params {
    double target;          /* target utilization (0, 1]: development 0.8, production 0.65, high availability 0.5 */
    int min_nodes;          /* 1, 2, 3 */
    int allow_shared_core;  /* e2-micro/small/medium, f1-micro, g1-small */
    int arm;                /* architecture=ARM: ARM types only (default x86: ARM types left out) */
    const kt_pricing *pricing;
    const char *to;         /* compare: "gcp:europe-west1,azure:westeurope"; NULL ⇒ each cluster's own cloud */
    const kt_filter *filter; /* which pods' requests count (compare a namespace); NULL ⇒ all */
} kt_cs_params;

/* Profile names: development, production, high-availability (or
 * "high availability"); -1 when unknown. */
int cs_profile(const char *name, double *target, int *min_nodes);

typedef struct kt_cs_pool {
    kt_node_offer type;
    int count;
} kt_cs_pool;

typedef struct kt_cs_plan {
    kt_cs_pool pools[2];
    int n_pools;            /* 0 ⇒ no type fits */
    double monthly, vcpus, ram_gib;
} kt_cs_plan;

typedef struct kt_cs_nodetype {
    const char *name, *provider;
    int count;
    double vcpus, ram_gib; /* per node */
} kt_cs_nodetype;

typedef struct kt_cs_cluster {
    const char *cluster;
    char provider[16], region[48]; /* where the plan is priced */
    double static_vcpus, static_ram_gib, ds_vcpus, ds_ram_gib, max_pod_vcpus, max_pod_ram_gib;
    int pods, ds_count;
    double current_monthly;        /* today's nodes; with a filter, the kept pods' cost per month */
    int current_nodes;
    double current_vcpus, current_ram_gib;
    kt_cs_nodetype *types;
    size_t n_types;
    kt_cs_plan single, multi;
    size_t offers;                 /* node types priced there */
} kt_cs_cluster;

typedef struct kt_cs_result {
    kt_cs_cluster *items;
    size_t n;
    double target;
    int min_nodes;
    const kt_dataset *ds;
} kt_cs_result;

int savings_cluster_sizing(const kt_dataset *ds, kt_window w, const kt_cs_params *p, kt_cs_result *out,
                           kt_err *err);
void cs_result_free(kt_cs_result *r);
/* The plan for given inputs over offers (exposed for tests). */
void cs_plan(const kt_cs_cluster *in, const kt_node_offer *offers, size_t n, const kt_cs_params *p, kt_cs_plan *single,
             kt_cs_plan *multi);

#endif

/* model.h — one time chunk of a Prometheus import, in memory: the
 * containers, pods, nodes, volumes and load balancers the answers describe,
 * each with its per-step values.  Internal to src/prom.
 *
 * A chunk covers (t0, t0 + S·step]: step k (0-based) is the evaluation at
 * t0 + (k+1)·step and stands for the step ending there (integrate.h).
 * Entities are found by natural key (cluster, namespace, name …) through
 * strtabs whose dense ids double as array indexes, so an answer of a
 * million samples costs one hash per series, not per sample.  Metadata
 * (owners, labels, claims, node labels) comes from instant queries at the
 * chunk's end over the whole chunk (last_over_time), so a pod that ended
 * mid-chunk keeps its owner. */
#ifndef KT_PROM_MODEL_H
#define KT_PROM_MODEL_H

#include <stdint.h>

#include "prom/kube_labels.h"
#include "prom/series.h"
#include "util/strtab.h"

/* What each query's answer is; the model reads answers by kind. */
enum pm_kind {
    /* range queries, per namespace group */
    PQ_REQ, PQ_RUN, PQ_CPU, PQ_MEM,
    /* instant queries, per namespace group */
    PQ_OWNER, PQ_RS_OWNER, PQ_POD_LABELS, PQ_POD_ANN, PQ_POD_INFO, PQ_POD_PVC, PQ_ENDPOINTS,
    /* range queries, whole fleet */
    PQ_NODE_CAP, PQ_PV_CAP, PQ_PVC_REQ, PQ_SVC_LB,
    /* instant queries, whole fleet */
    PQ_NODE_LABELS, PQ_NODE_INFO, PQ_NS_LABELS, PQ_PVC_INFO, PQ_SVC_INFO,
    /* range queries: pods' traffic (per namespace group), claims' used and
     * capacity bytes from the kubelets (whole fleet) */
    PQ_NET_RX, PQ_NET_TX, PQ_VOL_USED, PQ_VOL_CAP,
    PQ_COUNT
};

enum { PM_CPU_REQ, PM_RAM_REQ, PM_GPU, PM_CPU_USE, PM_RAM_USE, PM_NV };

typedef struct pm_kvs {
    kt_kv *kv;
    size_t n;
} pm_kvs;

typedef struct pm_ctr {
    uint32_t pod, name;
    double *v[PM_NV];     /* S values each, NaN = no sample */
    unsigned char *run;   /* S: 0 no sample, 1 sample says not running, 2 running */
    int has_run;          /* a kube_pod_container_status_running series exists */
} pm_ctr;

typedef struct pm_pod {
    uint32_t cluster, ns, name, node, uid, owner_kind, owner_name; /* model strtab ids */
    pm_kvs labels, anns;
    uint32_t *claims;     /* claim names (ns is the pod's); after pm_finish, volume index + 1 (0 unbound) */
    size_t n_claims;
    unsigned char *run;   /* S: any container running */
    uint32_t ip;          /* pod IP (kube_pod_info), to match endpoints */
    uint32_t *svcs;       /* services whose endpoints hold the pod's IP */
    size_t n_svcs;
    double *net[2];       /* S bytes/s received, sent (NaN = no sample); NULL: no series */
} pm_pod;

/* One kube_endpoint_address: service `name` in (cluster, ns) routes to ip.
 * kube-state-metrics has no service selectors, so a pod belongs to a
 * service when the service's endpoints list the pod's IP. */
typedef struct pm_ep {
    uint32_t cluster, ns, name, ip;
} pm_ep;

typedef struct pm_node {
    uint32_t cluster, name, provider_id;
    double cap[3];        /* cores, bytes, gpus: the largest seen in the chunk */
    unsigned char *present;
    const kt_prom_series *labels; /* kube_node_labels, valid while answers live */
} pm_node;

typedef struct pm_vol {
    uint32_t cluster, name, storage_class, claim_ns, claim_name;
    double bytes;
    unsigned char *present;
} pm_vol;

typedef struct pm_lb {
    uint32_t cluster, ns, name, ip;
    unsigned char *present;
} pm_lb;

typedef struct pm_ns {
    uint32_t cluster, name;
    pm_kvs labels;
} pm_ns;

typedef struct kt_prom_model {
    int64_t t0, step;
    size_t S;
    const char *cluster_label, *default_cluster;
    kt_strtab s;                      /* every string */
    kt_strtab k_ctr, k_pod, k_node, k_vol, k_lb, k_ns, k_claim, k_rs; /* key → index + 1 */
    pm_ctr *ctr; size_t n_ctr, cap_ctr;
    pm_pod *pod; size_t n_pod, cap_pod;
    pm_node *node; size_t n_node, cap_node;
    pm_vol *vol; size_t n_vol, cap_vol;
    pm_lb *lb; size_t n_lb, cap_lb;
    pm_ns *ns; size_t n_ns, cap_ns;
    pm_ep *ep; size_t n_ep, cap_ep;
    uint32_t *claim_vol;              /* k_claim index → vol index + 1 (0 = unbound) */
    double *claim_bytes; unsigned char **claim_present; size_t cap_claim;
    double **claim_used;              /* k_claim index → S used bytes (NaN = no sample), or NULL */
    double *claim_cap;                /* k_claim index → the largest capacity the kubelets reported */
    uint32_t *rs_kind, *rs_name; size_t cap_rs; /* k_rs index → its owner */
} kt_prom_model;

void pm_init(kt_prom_model *m, int64_t t0, int64_t step, size_t S, const char *cluster_label,
             const char *default_cluster);
void pm_free(kt_prom_model *m);
/* Read one answer of the given kind into the model.  Answers of the owner
 * kinds must come before PQ_OWNER is resolved by pm_finish. */
void pm_add(kt_prom_model *m, enum pm_kind kind, const kt_prom_result *r);
/* Resolve what needs every answer: running fallbacks, ReplicaSet owners
 * to Deployments, PVC-only volumes, pods' claims to volumes, pods'
 * services from endpoint IPs. */
void pm_finish(kt_prom_model *m);

#endif

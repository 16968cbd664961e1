/* objects.h — the Kubernetes objects kubetally keeps, decoded and compact.
 *
 * The watcher (src/kube/watcher.h, stream.h, decode.h) turns API JSON into
 * these; the collector (src/collector) hands them to the meter (src/meter),
 * which integrates them over time into the store's hourly facts.  Only
 * what costing needs is kept.  Strings are ids in the cluster's kt_strtab
 * (0 = ""), so a pod costs a few hundred bytes.  Quantities are parsed from
 * Kubernetes quantity strings ("250m" → 0.25 cores, "1Gi" → 2^30 bytes).
 *
 * Event contract (kt_kube_sink): the watcher calls on_upsert for every
 * object seen in a list or an ADDED/MODIFIED event, on_delete for DELETED,
 * and on_resync after a (re)list completed, with the set of keys that list
 * returned, so the meter can close anything that disappeared while the
 * watch was down.  Times are unix seconds; 0 = unknown. */
#ifndef KT_KUBE_OBJECTS_H
#define KT_KUBE_OBJECTS_H

#include <stddef.h>
#include <stdint.h>

#include "util/strtab.h"

/* K_NODE … K_JOB are what costing reads (the meter's kinds: K_KIND_COUNT of
 * them); the kinds after them are read only for posture and health, watched
 * only when the posture texts are kept (watcher.h), and decoded to their
 * key (kt_named_obj) and posture text alone. */
enum kt_kind {
    K_NODE, K_POD, K_NAMESPACE, K_PV, K_PVC, K_SERVICE, K_STORAGECLASS, K_REPLICASET, K_JOB, K_KIND_COUNT,
    K_SERVICEACCOUNT = K_KIND_COUNT, K_CONFIGMAP, K_DEPLOYMENT, K_STATEFULSET, K_DAEMONSET, K_CRONJOB, K_PDB, K_HPA,
    K_NETWORKPOLICY, K_INGRESS, K_ROLE, K_CLUSTERROLE, K_ROLEBINDING, K_CLUSTERROLEBINDING, K_ALL_KINDS
};

typedef struct kt_kv_id {
    uint32_t key, value;
} kt_kv_id;

typedef struct kt_node_obj {
    uint32_t name, uid, provider_id, provider, region, zone, instance_type, pool, capacity_type, gpu_type;
    uint32_t arch, os;
    int spot;
    double cpu_cores, ram_bytes, gpus;  /* status.capacity */
    int64_t created;
} kt_node_obj;

typedef struct kt_container_obj {
    uint32_t name;
    double cpu_req, ram_req, gpu_req, cpu_lim, ram_lim;
    int64_t started, finished;          /* from containerStatuses */
    int running;
} kt_container_obj;

typedef struct kt_pod_obj {
    uint32_t namespace_, name, uid, node, phase;
    uint32_t owner_kind, owner;         /* first controller ownerReference */
    kt_kv_id *labels; size_t n_labels;
    kt_kv_id *annotations; size_t n_annotations;
    kt_container_obj *containers; size_t n_containers; /* effective requests (init rule applied) */
    uint32_t *claims; size_t n_claims;  /* PVC names mounted */
    int64_t created, started, deleted;  /* deletionTimestamp */
} kt_pod_obj;

typedef struct kt_namespace_obj {
    uint32_t name;
    kt_kv_id *labels; size_t n_labels;
    kt_kv_id *annotations; size_t n_annotations;
} kt_namespace_obj;

typedef struct kt_pv_obj {
    uint32_t name, storage_class, claim_ns, claim_name, provider_id, volume_type, csi_driver;
    double bytes;
} kt_pv_obj;

typedef struct kt_pvc_obj {
    uint32_t namespace_, name, volume, storage_class;
    double bytes;
} kt_pvc_obj;

typedef struct kt_service_obj {
    uint32_t namespace_, name, type, ip;
    kt_kv_id *selector; size_t n_selector;
    int internal;                         /* internal load balancer annotation */
} kt_service_obj;

typedef struct kt_owner_obj {               /* ReplicaSet or Job */
    uint32_t namespace_, name, owner_kind, owner;
} kt_owner_obj;

typedef struct kt_named_obj {              /* a posture-only kind: its key */
    uint32_t namespace_, name;            /* namespace_ 0 for cluster-scoped kinds */
} kt_named_obj;

typedef struct kt_storageclass_obj {
    uint32_t name, provisioner, type;     /* parameters.type (gp3, pd-balanced, Premium_LRS …) */
} kt_storageclass_obj;

typedef struct kt_object {
    enum kt_kind kind;
    /* Posture facts (decode.h, kube_decoder_keep_posture): compact JSON
     * text of what posture and health checks read — a pod's shape [0] and
     * status [1], any other kind's [0]; NULL when not kept. */
    const char *posture[2];
    size_t posture_len[2];
    union {
        kt_node_obj node;
        kt_pod_obj pod;
        kt_namespace_obj ns;
        kt_pv_obj pv;
        kt_pvc_obj pvc;
        kt_service_obj svc;
        kt_owner_obj owner;
        kt_storageclass_obj sc;
        kt_named_obj named;               /* kinds from K_KIND_COUNT on */
    } u;
} kt_object;

/* One container's usage from metrics.k8s.io (PodMetrics): cores and
 * working-set bytes averaged over `window` seconds ending at t.  Strings are
 * ids in the cluster strtab.  A source fact like the objects above, so it
 * lives here and the meter (which integrates it) includes it from here. */
typedef struct kt_usage_sample {
    uint32_t namespace_, pod, container;
    double cpu_cores, ram_bytes;
    int64_t t, window;
} kt_usage_sample;

/* A pod's network counters from the kubelet Summary API: bytes received
 * and sent since the pod's network namespace was made (cumulative, so the
 * meter takes differences), read at t. */
typedef struct kt_net_sample {
    uint32_t namespace_, pod;
    double rx_bytes, tx_bytes;
    int64_t t;
} kt_net_sample;

/* A mounted claim's filesystem as the kubelet sees it (Summary API pod
 * volume with pvcRef): bytes used and the filesystem's capacity at t. */
typedef struct kt_volume_sample {
    uint32_t namespace_, claim;
    double used_bytes, capacity_bytes;
    int64_t t;
} kt_volume_sample;

typedef struct kt_kube_sink {
    void *ctx;
    /* The object is only valid during the call; copy what you keep. */
    void (*on_upsert)(void *ctx, const kt_object *o, int64_t now);
    void (*on_delete)(void *ctx, const kt_object *o, int64_t now);
    void (*on_resync)(void *ctx, enum kt_kind kind, int64_t now);
} kt_kube_sink;

#endif

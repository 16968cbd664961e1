/* health.h — workload and cluster health from Kubernetes objects (a live
 * dump such as `kubectl get nodes,pods,jobs -A -o json`, or the collector's
 * view): nodes NotReady or under memory/disk/PID pressure, pods
 * crash-looping, OOM-killed, failing to pull images or stuck Pending, failed
 * Jobs, kubelet versions past end of life or skewed, clusters silent too
 * long — and one health score per cluster (docs/posture.md defines it).
 *
 * Contract: health_check reads m at time `now` (unix seconds) and fills
 * out; `last_contact` is when the cluster was last heard from (0 when
 * unknown: the silence check does not run).  Nothing in m is modified;
 * findings borrow names from m, which must outlive out. */
#ifndef KT_POSTURE_HEALTH_H
#define KT_POSTURE_HEALTH_H

#include <stdint.h>

#include "posture/manifest.h"

typedef enum {
    HEALTH_NODE_NOT_READY, HEALTH_NODE_MEMORY_PRESSURE, HEALTH_NODE_DISK_PRESSURE, HEALTH_NODE_PID_PRESSURE,
    HEALTH_CRASH_LOOP, HEALTH_OOM_KILLED, HEALTH_IMAGE_PULL, HEALTH_PENDING, HEALTH_JOB_FAILED,
    HEALTH_VERSION_EOL, HEALTH_VERSION_SKEW, HEALTH_SILENT, HEALTH_NKINDS
} kt_health_kind;

extern const char *const health_kind_names[HEALTH_NKINDS];   /* "NodeNotReady", "CrashLoopBackOff", … */

typedef struct kt_health_finding {
    kt_health_kind kind;
    const char *object_kind, *ns, *name;   /* Node, Pod or Job ("" for cluster-wide) */
    char detail[200];
} kt_health_finding;

typedef struct kt_health_opts {
    int64_t now;
    int64_t pending_after;     /* seconds a pod may stay Pending (default 600) */
    int64_t silent_after;      /* seconds without contact before "silent" (default 900) */
    int64_t last_contact;      /* 0: unknown */
    const char *file;          /* only objects with this manifest file (one cluster); NULL: all */
} kt_health_opts;

typedef struct kt_health {
    kt_health_finding *f;
    size_t n, cap;
    size_t nodes, bad_nodes, pods, bad_pods, jobs, failed_jobs;
    int eol, silent;           /* some kubelet version is past end of life; cluster silent */
    int score;                 /* 0…100, docs/posture.md */
} kt_health;

void health_check(const kt_manifest *m, const kt_health_opts *o, kt_health *out);
void health_free(kt_health *h);

/* One result per cluster of m (each input file or context, in order).
 * contact(ud, cluster) gives a cluster's last contact (0: unknown) unless
 * o->last_contact is set; contact may be NULL.  Free with health_fleet_free. */
typedef struct kt_cluster_health_result {
    const char *cluster;
    kt_health h;
} kt_cluster_health_result;

size_t health_fleet(const kt_manifest *m, const kt_health_opts *o, int64_t (*contact)(void *ud, const char *cluster),
                    void *ud, kt_cluster_health_result **out);
void health_fleet_free(kt_cluster_health_result *r, size_t n);

/* A contact callback over the store's cluster rows (store.h's
 * kt_cluster_status, by name): pass a kt_health_contacts as ud. */
struct kt_cluster_status;
typedef struct kt_health_contacts {
    struct kt_cluster_status *st;
    size_t n;
} kt_health_contacts;
int64_t health_contact_from_store(void *ud, const char *cluster);

/* End-of-life date of Kubernetes 1.minor as unix seconds (00:00 UTC), or 0
 * when the table does not know it.  Table and source: eol.c. */
int64_t k8s_eol_date(int minor);
/* "v1.30.2-eks-…" → 30; -1 when not a 1.x version. */
int k8s_minor(const char *version);

#endif

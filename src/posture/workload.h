/* workload.h — where an object keeps its pod: Pods, the built-in
 * controllers (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job,
 * ReplicationController, CronJob), PodTemplates, and any other kind with a
 * pod template at spec.template (as Polaris audits unknown controllers).
 *
 * Contract: workload_from_object fills w and returns 1 when obj carries a
 * pod spec (an object), else 0 and leaves w zeroed.  Every pointer borrows
 * from obj; name and namespace are "" when absent. */
#ifndef KT_POSTURE_WORKLOAD_H
#define KT_POSTURE_WORKLOAD_H

#include <jansson.h>

#include "posture/manifest.h"

typedef struct kt_workload {
    json_t *obj;            /* the whole object */
    const char *kind, *name, *ns;
    json_t *meta;           /* the object's metadata (may be NULL) */
    json_t *pod;            /* the pod template {metadata, spec}, or the Pod itself */
    json_t *pod_meta;       /* pod (template) metadata (may be NULL) */
    json_t *pod_spec;       /* pod spec (never NULL when returned 1) */
} kt_workload;

int workload_from_object(json_t *obj, kt_workload *w);

/* Objects whose controller is among the same objects are judged through
 * that controller, as Polaris reports the top controller and not its
 * pods: a Pod of a ReplicaSet of a Deployment, a Job of a CronJob.
 * workload_owners indexes m (kind, namespace, name; caller decrefs);
 * workload_owned says whether obj has a controller ownerReference to an
 * object in that index. */
json_t *workload_owners(const kt_manifest *m);
int workload_owned(const json_t *index, const json_t *obj);

/* The container lists PSA inspects, in its order. */
extern const char *const workload_container_lists[3];   /* containers, initContainers, ephemeralContainers */

#endif

/* spec.h — workload specs from YAML manifests (what `kubectl cost predict`
 * sends to /prediction/speccost): for each Deployment, StatefulSet,
 * DaemonSet, ReplicaSet, Job, CronJob or Pod, its namespace, kind, name,
 * replicas and the summed requests of its containers.
 *
 * Several documents ("---") and a v1 List's items are read.  Other kinds
 * are skipped.  A DaemonSet counts one replica (kubetally does not know
 * how many nodes it lands on before it runs); a Job its parallelism (1 by
 * default).  Requests missing but limits given are the limits, as
 * Kubernetes defaults them; init containers are not counted. */
#ifndef KT_KUBE_SPEC_H
#define KT_KUBE_SPEC_H

#include <stddef.h>

#include "util/err.h"

typedef struct kt_workload_spec {
    char namespace_[254], kind[32], name[254]; /* kind lower-case, as kubetally stores controller kinds */
    double replicas;
    double cpu, ram, gpu; /* per replica: cores, bytes, GPUs (nvidia.com/gpu, amd.com/gpu) */
} kt_workload_spec;

/* Parse `n` bytes of YAML; namespace defaults to default_ns ("default" when
 * NULL/empty).  *out is malloc'd (free it); errors say which document. */
int kube_spec_parse(const char *yaml, size_t n, const char *default_ns, kt_workload_spec **out, size_t *count,
                    kt_err *err);

#endif

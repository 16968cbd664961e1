/* kube_labels.h — what kube-state-metrics (v1 and v2) and cAdvisor series
 * mean, independent of HTTP and of the store.
 *
 * kube-state-metrics renamed its resource metrics in v2:
 *   v1  kube_pod_container_resource_requests_cpu_cores        (cores)
 *       kube_pod_container_resource_requests_memory_bytes     (bytes)
 *       kube_node_status_capacity_cpu_cores / _memory_bytes
 *   v2  kube_pod_container_resource_requests{resource="cpu",unit="core"}
 *       kube_pod_container_resource_requests{resource="memory",unit="byte"}
 *       kube_node_status_capacity{resource=…}
 * GPUs are resource="nvidia_com_gpu" (sanitized) or "nvidia.com/gpu".
 * Both schemes map to the same (resource, value) here, so a Prometheus that
 * scraped v1 for a year and v2 since imports as one history.
 *
 * Node cloud facts follow the collector's rules: providerID first
 * (aws:///zone/i-…, gce://project/zone/name, azure:///subscriptions/…),
 * then the well-known labels as kube-state-metrics exports them
 * (label_topology_kubernetes_io_region, the failure-domain beta labels,
 * label_node_kubernetes_io_instance_type and the beta one, capacity-type
 * and spot/preemptible labels of EKS, Karpenter, GKE and AKS). */
#ifndef KT_PROM_KUBE_LABELS_H
#define KT_PROM_KUBE_LABELS_H

#include "prom/series.h"

enum kt_prom_res { KT_RES_NONE, KT_RES_CPU, KT_RES_MEM, KT_RES_GPU };

/* Resource a requests/capacity series measures (by __name__ and the
 * `resource` label); KT_RES_NONE for ones kubetally ignores (storage,
 * pods, ephemeral-storage). */
enum kt_prom_res prom_resource_of(const kt_prom_series *s);

/* Cloud facts of a node.  Strings point into the series' labels or static
 * storage; "" when unknown. */
typedef struct kt_node_facts {
    const char *provider, *region, *zone, *instance_type, *pool, *arch, *os, *gpu_type;
    char region_buf[64], zone_buf[64], provider_buf[32]; /* derived strings live here */
    int spot;
} kt_node_facts;

/* labels: the node's kube_node_labels series (NULL when absent);
 * provider_id: kube_node_info's provider_id ("" when absent). */
void prom_node_facts(const kt_prom_series *labels, const char *provider_id, kt_node_facts *f);

/* cAdvisor renamed pod_name/container_name to pod/container in Kubernetes
 * 1.16; these read either.  Container "" or "POD" is the pod's sandbox and
 * not a container kubetally meters. */
const char *prom_cadvisor_pod(const kt_prom_series *s);
const char *prom_cadvisor_container(const kt_prom_series *s);

/* Kubernetes label or annotation key from a kube-state-metrics label name:
 * "label_app_kubernetes_io_name" → "app_kubernetes_io_name" (the sanitizing
 * cannot be undone, OpenCost keeps the sanitized key too); NULL when the
 * label is not one of `prefix`. */
const char *prom_strip_prefix(const char *key, const char *prefix);

#endif

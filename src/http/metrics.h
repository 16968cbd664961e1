/* metrics.h — OpenCost's cost metrics in Prometheus text format, from one
 * hour of facts, so OpenCost's Grafana dashboards work on kubetally.
 *
 * Names, meanings and labels as OpenCost's exporter, plus `cluster_id` on
 * every series (Kubecost's multi-cluster label: one kubetally serves many
 * clusters, so series would otherwise collide):
 *   node_{cpu,ram,gpu}_hourly_cost  $/core-h, $/GiB-h, $/GPU-h (GPU 0 without GPUs)
 *   node_total_hourly_cost, node_gpu_count, kubecost_node_is_spot
 *       {instance, node, instance_type, region, provider_id}
 *   pv_hourly_cost {volumename, persistentvolume, provider_id}   $/GiB-h
 *   kubecost_load_balancer_cost {namespace, service_name, ingress_ip}  $/h
 *   kubecost_cluster_management_cost {provisioner_name}   $/h
 *   kubecost_cluster_info {id, provider, provisioner, region} = 1
 *   container_cpu_allocation (cores), container_memory_allocation_bytes,
 *   container_gpu_allocation {namespace, pod, container, instance, node}:
 *       allocation averaged over the hour (a container that ran 30 minutes
 *       counts half), kube_pod_container_resource_requests likewise
 *   opencost_build_info, kube_node_status_capacity|allocatable,
 *   kube_persistentvolume_capacity_bytes, kube_persistentvolumeclaim_info,
 *   kube_persistentvolumeclaim_resource_requests_storage_bytes,
 *   kube_namespace_labels, kube_pod_labels, kube_pod_owner: the
 *       kube-state-style series OpenCost's exporter emits by default
 *   kubecost_network_{zone,region,internet}_egress_cost  $/GiB, per cluster,
 *       derived from the hour's priced traffic (absent without traffic).
 * Several facts of one thing in the dataset are merged, so no series
 * repeats.  Pure: reads ds, appends to out. */
#ifndef KT_HTTP_METRICS_H
#define KT_HTTP_METRICS_H

#include "store/dataset.h"
#include "util/buf.h"

void metrics_render_costs(const kt_dataset *ds, kt_buf *out);

#endif

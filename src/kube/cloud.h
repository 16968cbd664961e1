/* cloud.h — which cloud, region, zone, instance type, pool and capacity type
 * a node is, from its spec.providerID and labels.  Shared by the live
 * collector (real label keys) and the Prometheus import (kube-state-metrics
 * sanitized keys, translated by its lookup function), so both describe the
 * same node the same way.
 *
 * Rules, first match wins:
 *  provider  providerID scheme: aws:// → aws, gce:// → gcp, azure:// → azure,
 *            others by scheme name (e.g. "kind", "openstack", "vsphere");
 *            else labels: eks.amazonaws.com/…, k8s.amazonaws.com/…,
 *            karpenter.k8s.aws/… → aws; cloud.google.com/… → gcp;
 *            kubernetes.azure.com/… → azure; else "onprem".
 *  region    topology.kubernetes.io/region, failure-domain.beta.kubernetes.io/region;
 *            else derived from the zone (aws us-east-1a → us-east-1,
 *            gcp europe-west1-b → europe-west1, azure westeurope-1 → westeurope).
 *  zone      topology.kubernetes.io/zone, failure-domain.beta.kubernetes.io/zone;
 *            else from the providerID (aws:///us-east-1a/i-…, gce://proj/zone/name).
 *  instance  node.kubernetes.io/instance-type, beta.kubernetes.io/instance-type.
 *  pool      eks.amazonaws.com/nodegroup, karpenter.sh/nodepool,
 *            cloud.google.com/gke-nodepool, kubernetes.azure.com/agentpool, agentpool.
 *  spot      eks.amazonaws.com/capacityType=SPOT, karpenter.sh/capacity-type=spot,
 *            cloud.google.com/gke-spot=true, cloud.google.com/gke-preemptible=true,
 *            kubernetes.azure.com/scalesetpriority=spot, node.kubernetes.io/lifecycle=spot.
 *  gpu type  nvidia.com/gpu.product, cloud.google.com/gke-accelerator,
 *            k8s.amazonaws.com/accelerator.
 *  arch, os  kubernetes.io/arch, kubernetes.io/os (beta ones too). */
#ifndef KT_KUBE_CLOUD_H
#define KT_KUBE_CLOUD_H

/* Returns the value of Kubernetes label `key` on the node, or NULL. */
typedef const char *(*kt_label_lookup)(void *ctx, const char *key);

typedef struct kt_cloud {
    const char *provider, *region, *zone, *instance_type, *pool, *gpu_type, *arch, *os;
    int spot;
    /* derived strings live here; the pointers above point here, into label
     * values returned by the lookup, or to static strings */
    char provider_buf[32], region_buf[64], zone_buf[64];
    /* the capacity-type label as the cloud writes it: eks.amazonaws.com/
     * capacityType (ON_DEMAND, SPOT), karpenter.sh/capacity-type (on-demand,
     * spot), kubernetes.azure.com/scalesetpriority (regular, spot),
     * cloud.google.com/gke-provisioning (standard, spot),
     * node.kubernetes.io/lifecycle; else "spot" when spot, else "". */
    const char *capacity_type;
} kt_cloud;

/* provider_id may be NULL or "".  Every field is set ("" when unknown). */
void kube_cloud_detect(kt_label_lookup lookup, void *ctx, const char *provider_id, kt_cloud *out);

#endif

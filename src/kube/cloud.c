/* cloud.c — a node's cloud facts from its providerID and labels; see cloud.h
 * and docs/cloud-detection.md. */
#include "kube/cloud.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The first of `keys` the node has with a non-empty value, or "". */
static const char *first_of(kt_label_lookup lookup, void *ctx, const char *const *keys)
{
    for (; *keys; keys++) {
        const char *v = lookup ? lookup(ctx, *keys) : NULL;
        if (v && *v)
            return v;
    }
    return "";
}

static int label_is(kt_label_lookup lookup, void *ctx, const char *key, const char *want)
{
    const char *v = lookup ? lookup(ctx, key) : NULL;
    return v && !strcasecmp(v, want);
}

/* Copy s[0..n) into buf when it fits; returns buf, or "" when it does not. */
static const char *keep(char *buf, size_t cap, const char *s, size_t n)
{
    if (!n || n >= cap)
        return "";
    memcpy(buf, s, n);
    buf[n] = 0;
    return buf;
}

/* Provider and zone from spec.providerID:
 *   aws:///us-east-1a/i-0abc   gce://project/europe-west1-b/name
 *   azure:///subscriptions/…   kind://docker/kind/kind-worker */
static void from_provider_id(const char *pid, kt_cloud *c, const char **zone)
{
    const char *sep = strstr(pid, "://");
    if (!sep || sep == pid)
        return;
    for (const char *p = pid; p < sep; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' && *p != '+' && *p != '_')
            return; /* not a scheme: ignore rather than report garbage as a provider */
    size_t n = (size_t)(sep - pid);
    const char *rest = sep + 3;
    if (n == 3 && !strncmp(pid, "aws", 3)) {
        c->provider = "aws";
        while (*rest == '/')
            rest++;
        const char *slash = strchr(rest, '/');
        if (slash) /* only when an instance follows: "aws:///i-0abc" has no zone */
            *zone = keep(c->zone_buf, sizeof c->zone_buf, rest, (size_t)(slash - rest));
    } else if (n == 3 && !strncmp(pid, "gce", 3)) {
        c->provider = "gcp";
        const char *p = strchr(rest, '/'), *q = p ? strchr(p + 1, '/') : NULL;
        if (q)
            *zone = keep(c->zone_buf, sizeof c->zone_buf, p + 1, (size_t)(q - p - 1));
    } else if (n == 5 && !strncmp(pid, "azure", 5)) {
        c->provider = "azure";
    } else {
        c->provider = keep(c->provider_buf, sizeof c->provider_buf, pid, n);
    }
}

/* Without a providerID, labels only managed services and their autoscalers
 * set still tell the cloud (exact keys: the lookup cannot enumerate). */
static const char *provider_from_labels(kt_label_lookup lookup, void *ctx)
{
    static const char *const aws[] = {
        "eks.amazonaws.com/nodegroup", "eks.amazonaws.com/capacityType", "eks.amazonaws.com/compute-type",
        "eks.amazonaws.com/nodegroup-image", "k8s.amazonaws.com/accelerator", "k8s.io/cloud-provider-aws",
        "karpenter.k8s.aws/instance-family", "karpenter.k8s.aws/instance-category", "topology.k8s.aws/zone-id",
        NULL};
    static const char *const gcp[] = {
        "cloud.google.com/gke-nodepool", "cloud.google.com/gke-os-distribution", "cloud.google.com/machine-family",
        "cloud.google.com/gke-spot", "cloud.google.com/gke-preemptible", "cloud.google.com/gke-accelerator",
        "cloud.google.com/gke-provisioning", "cloud.google.com/gke-boot-disk", NULL};
    static const char *const azure[] = {
        "kubernetes.azure.com/agentpool", "kubernetes.azure.com/cluster", "kubernetes.azure.com/role",
        "kubernetes.azure.com/mode", "kubernetes.azure.com/scalesetpriority", "kubernetes.azure.com/node-image-version",
        "kubernetes.azure.com/os-sku", NULL};
    if (*first_of(lookup, ctx, aws))
        return "aws";
    if (*first_of(lookup, ctx, gcp))
        return "gcp";
    if (*first_of(lookup, ctx, azure))
        return "azure";
    return "";
}

/* AWS: up to the first dash-separated part starting with a digit, its
 * letters dropped: us-east-1a → us-east-1, us-gov-west-1a → us-gov-west-1,
 * local zone us-west-2-lax-1a → us-west-2. */
static const char *aws_region(kt_cloud *c, const char *z)
{
    for (const char *p = z; *p; p++) {
        if ((p == z || p[-1] == '-') && isdigit((unsigned char)*p)) {
            while (isdigit((unsigned char)*p))
                p++;
            return p > z + 1 ? keep(c->region_buf, sizeof c->region_buf, z, (size_t)(p - z)) : "";
        }
    }
    return "";
}

/* us-east-1a → us-east-1; europe-west1-b → europe-west1; westeurope-1 → westeurope. */
static const char *region_from_zone(kt_cloud *c, const char *z)
{
    if (!*z)
        return "";
    if (!strcmp(c->provider, "aws"))
        return aws_region(c, z);
    const char *dash = strrchr(z, '-');
    if (dash && (!strcmp(c->provider, "gcp") || !strcmp(c->provider, "azure")))
        return keep(c->region_buf, sizeof c->region_buf, z, (size_t)(dash - z));
    return "";
}

static void detect_spot(kt_label_lookup lookup, void *ctx, kt_cloud *c)
{
    static const char *const capacity[] = {
        "eks.amazonaws.com/capacityType", "karpenter.sh/capacity-type", "kubernetes.azure.com/scalesetpriority",
        "cloud.google.com/gke-provisioning", "node.kubernetes.io/lifecycle", NULL};
    c->spot = label_is(lookup, ctx, "eks.amazonaws.com/capacityType", "SPOT") ||
              label_is(lookup, ctx, "karpenter.sh/capacity-type", "spot") ||
              label_is(lookup, ctx, "cloud.google.com/gke-spot", "true") ||
              label_is(lookup, ctx, "cloud.google.com/gke-preemptible", "true") ||
              label_is(lookup, ctx, "kubernetes.azure.com/scalesetpriority", "spot") ||
              label_is(lookup, ctx, "node.kubernetes.io/lifecycle", "spot");
    c->capacity_type = first_of(lookup, ctx, capacity);
    if (!*c->capacity_type && c->spot)
        c->capacity_type = "spot";
}

void kube_cloud_detect(kt_label_lookup lookup, void *ctx, const char *provider_id, kt_cloud *out)
{
    static const char *const region[] = {"topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region", NULL};
    static const char *const zone[] = {"topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone", NULL};
    static const char *const itype[] = {"node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type", NULL};
    static const char *const pool[] = {"eks.amazonaws.com/nodegroup", "karpenter.sh/nodepool",
                                       "cloud.google.com/gke-nodepool", "kubernetes.azure.com/agentpool",
                                       "agentpool", NULL};
    static const char *const gpu[] = {"nvidia.com/gpu.product", "cloud.google.com/gke-accelerator",
                                      "k8s.amazonaws.com/accelerator", NULL};
    static const char *const arch[] = {"kubernetes.io/arch", "beta.kubernetes.io/arch", NULL};
    static const char *const os[] = {"kubernetes.io/os", "beta.kubernetes.io/os", NULL};
    kt_cloud *c = out;
    memset(c, 0, sizeof *c);
    c->provider = "";
    const char *pid_zone = "";
    from_provider_id(provider_id ? provider_id : "", c, &pid_zone);
    if (!*c->provider)
        c->provider = provider_from_labels(lookup, ctx);
    if (!*c->provider)
        c->provider = "onprem";
    c->zone = first_of(lookup, ctx, zone);
    if (!*c->zone)
        c->zone = pid_zone;
    c->region = first_of(lookup, ctx, region);
    if (!*c->region)
        c->region = region_from_zone(c, c->zone);
    c->instance_type = first_of(lookup, ctx, itype);
    c->pool = first_of(lookup, ctx, pool);
    c->gpu_type = first_of(lookup, ctx, gpu);
    c->arch = first_of(lookup, ctx, arch);
    c->os = first_of(lookup, ctx, os);
    detect_spot(lookup, ctx, c);
}

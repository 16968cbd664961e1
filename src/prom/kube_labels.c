/* kube_labels.c — kube-state-metrics v1/v2 and cAdvisor meanings; see kube_labels.h. */
#include "prom/kube_labels.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

enum kt_prom_res prom_resource_of(const kt_prom_series *s)
{
    const char *name = prom_label(s, "__name__");
    size_t n = strlen(name);
    /* v1: the unit is in the name */
    if (n > 10 && !strcmp(name + n - 10, "_cpu_cores"))
        return KT_RES_CPU;
    if (n > 13 && !strcmp(name + n - 13, "_memory_bytes"))
        return KT_RES_MEM;
    if (n > 17 && !strcmp(name + n - 17, "_nvidia_gpu_cards"))
        return KT_RES_GPU;
    const char *r = prom_label(s, "resource");
    if (!strcmp(r, "cpu"))
        return KT_RES_CPU;
    if (!strcmp(r, "memory"))
        return KT_RES_MEM;
    if (!strcmp(r, "nvidia_com_gpu") || !strcmp(r, "nvidia.com/gpu") || !strcmp(r, "amd_com_gpu"))
        return KT_RES_GPU;
    return KT_RES_NONE;
}

static const char *first_label(const kt_prom_series *s, const char *const *keys)
{
    for (; s && *keys; keys++) {
        const char *v = prom_label(s, *keys);
        if (*v)
            return v;
    }
    return "";
}

static int label_is(const kt_prom_series *s, const char *key, const char *want)
{
    return s && !strcasecmp(prom_label(s, key), want);
}

/* Fill provider and zone from a providerID. */
static void from_provider_id(const char *pid, kt_node_facts *f)
{
    char *zone = f->zone_buf;
    const size_t zcap = sizeof f->zone_buf;
    zone[0] = 0;
    if (!strncmp(pid, "aws://", 6)) { /* aws:///us-east-1a/i-0abc */
        f->provider = "aws";
        const char *p = pid + 6;
        while (*p == '/') p++;
        const char *slash = strchr(p, '/');
        if (slash && slash - p < (long)zcap && slash > p)
            snprintf(zone, zcap, "%.*s", (int)(slash - p), p);
    } else if (!strncmp(pid, "gce://", 6)) { /* gce://project/europe-west1-b/name */
        f->provider = "gcp";
        const char *p = strchr(pid + 6, '/'), *q = p ? strchr(p + 1, '/') : NULL;
        if (p && q && q - p - 1 < (long)zcap)
            snprintf(zone, zcap, "%.*s", (int)(q - p - 1), p + 1);
    } else if (!strncmp(pid, "azure://", 8)) {
        f->provider = "azure";
    } else if (strstr(pid, "://")) {
        char *other = f->provider_buf;
        snprintf(other, sizeof f->provider_buf, "%.*s", (int)(strstr(pid, "://") - pid), pid);
        f->provider = other;
    }
    if (zone[0] && !*f->zone)
        f->zone = zone;
}

/* us-east-1a → us-east-1; europe-west1-b → europe-west1; westeurope-1 → westeurope. */
static void region_from_zone(kt_node_facts *f)
{
    const char *z = f->zone;
    size_t n = strlen(z);
    if (!n || n >= sizeof f->region_buf)
        return;
    if (!strcmp(f->provider, "aws") && isalpha((unsigned char)z[n - 1]))
        snprintf(f->region_buf, sizeof f->region_buf, "%.*s", (int)(n - 1), z);
    else if (strrchr(z, '-') && (!strcmp(f->provider, "gcp") || !strcmp(f->provider, "azure")))
        snprintf(f->region_buf, sizeof f->region_buf, "%.*s", (int)(strrchr(z, '-') - z), z);
    else
        return;
    f->region = f->region_buf;
}

void prom_node_facts(const kt_prom_series *l, const char *provider_id, kt_node_facts *f)
{
    static const char *const region[] = {"label_topology_kubernetes_io_region",
                                         "label_failure_domain_beta_kubernetes_io_region", NULL};
    static const char *const zone[] = {"label_topology_kubernetes_io_zone",
                                       "label_failure_domain_beta_kubernetes_io_zone", NULL};
    static const char *const itype[] = {"label_node_kubernetes_io_instance_type",
                                        "label_beta_kubernetes_io_instance_type", NULL};
    static const char *const pool[] = {"label_eks_amazonaws_com_nodegroup", "label_karpenter_sh_nodepool",
                                       "label_cloud_google_com_gke_nodepool", "label_kubernetes_azure_com_agentpool",
                                       "label_agentpool", NULL};
    static const char *const arch[] = {"label_kubernetes_io_arch", "label_beta_kubernetes_io_arch", NULL};
    static const char *const os[] = {"label_kubernetes_io_os", "label_beta_kubernetes_io_os", NULL};
    static const char *const gpu[] = {"label_nvidia_com_gpu_product", "label_cloud_google_com_gke_accelerator", NULL};
    memset(f, 0, sizeof *f);
    f->provider = "";
    f->zone = first_label(l, zone);
    f->region = first_label(l, region);
    f->instance_type = first_label(l, itype);
    f->pool = first_label(l, pool);
    f->arch = first_label(l, arch);
    f->os = first_label(l, os);
    f->gpu_type = first_label(l, gpu);
    from_provider_id(provider_id ? provider_id : "", f);
    if (!*f->provider && l) { /* no providerID: the managed services' own labels still tell */
        for (size_t i = 0; i < l->n_labels; i++) {
            const char *k = l->labels[i].key;
            if (!strncmp(k, "label_eks_amazonaws_com_", 24) || !strncmp(k, "label_k8s_io_cloud_provider_aws", 31))
                f->provider = "aws";
            else if (!strncmp(k, "label_cloud_google_com_", 23))
                f->provider = "gcp";
            else if (!strncmp(k, "label_kubernetes_azure_com_", 27))
                f->provider = "azure";
        }
    }
    if (!*f->provider)
        f->provider = "onprem";
    if (!*f->region)
        region_from_zone(f);
    f->spot = label_is(l, "label_eks_amazonaws_com_capacity_type", "SPOT") ||
              label_is(l, "label_karpenter_sh_capacity_type", "spot") ||
              label_is(l, "label_cloud_google_com_gke_spot", "true") ||
              label_is(l, "label_cloud_google_com_gke_preemptible", "true") ||
              label_is(l, "label_kubernetes_azure_com_scalesetpriority", "spot") ||
              label_is(l, "label_node_kubernetes_io_lifecycle", "spot");
}

const char *prom_cadvisor_pod(const kt_prom_series *s)
{
    const char *p = prom_label(s, "pod");
    return *p ? p : prom_label(s, "pod_name");
}

const char *prom_cadvisor_container(const kt_prom_series *s)
{
    const char *c = prom_label(s, "container");
    return *c ? c : prom_label(s, "container_name");
}

const char *prom_strip_prefix(const char *key, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(key, prefix, n) || !key[n] ? NULL : key + n;
}

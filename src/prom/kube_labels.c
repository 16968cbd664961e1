/* kube_labels.c — kube-state-metrics v1/v2 and cAdvisor meanings; see kube_labels.h. */
#include "prom/kube_labels.h"

#include <ctype.h>
#include <string.h>

#include "kube/cloud.h"

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

/* kube-state-metrics' label name for a Kubernetes label key: "label_" +
 * the key with every character outside [A-Za-z0-9_] made "_" and
 * camelCase split ("eks.amazonaws.com/capacityType" →
 * "label_eks_amazonaws_com_capacity_type"), lowercased. */
static int ksm_label_name(const char *key, char *out, size_t cap)
{
    size_t j = 0;
    const char *pre = "label_";
    while (*pre && j + 1 < cap)
        out[j++] = *pre++;
    for (const char *p = key; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (isupper(c) && p > key && (islower((unsigned char)p[-1]) || isdigit((unsigned char)p[-1])) && j + 1 < cap)
            out[j++] = '_';
        if (j + 1 >= cap)
            return -1;
        out[j++] = isalnum(c) ? (char)tolower(c) : '_';
    }
    out[j] = 0;
    return 0;
}

/* kt_label_lookup over a kube_node_labels series. */
static const char *ksm_lookup(void *ctx, const char *key)
{
    char name[256];
    if (ksm_label_name(key, name, sizeof name))
        return NULL;
    const char *v = prom_label(ctx, name);
    return *v ? v : NULL;
}

/* A kt_cloud string into f: derived ones live in c's buffers and are
 * copied into f's (same sizes), the rest point into the series' labels or
 * static storage already. */
_Static_assert(sizeof ((kt_node_facts *)0)->region_buf == sizeof ((kt_cloud *)0)->region_buf &&
               sizeof ((kt_node_facts *)0)->zone_buf == sizeof ((kt_cloud *)0)->zone_buf &&
               sizeof ((kt_node_facts *)0)->provider_buf == sizeof ((kt_cloud *)0)->provider_buf,
               "kt_node_facts and kt_cloud buffers differ");
static const char *rebase(const char *s, const kt_cloud *c, kt_node_facts *f)
{
    if (s == c->region_buf)
        return memcpy(f->region_buf, c->region_buf, sizeof f->region_buf);
    if (s == c->zone_buf)
        return memcpy(f->zone_buf, c->zone_buf, sizeof f->zone_buf);
    if (s == c->provider_buf)
        return memcpy(f->provider_buf, c->provider_buf, sizeof f->provider_buf);
    return s;
}

void prom_node_facts(const kt_prom_series *l, const char *provider_id, kt_node_facts *f)
{
    kt_cloud c;
    kube_cloud_detect(l ? ksm_lookup : NULL, (void *)l, provider_id, &c);
    memset(f, 0, sizeof *f);
    f->provider = rebase(c.provider, &c, f);
    f->region = rebase(c.region, &c, f);
    f->zone = rebase(c.zone, &c, f);
    f->instance_type = c.instance_type;
    f->pool = c.pool;
    f->arch = c.arch;
    f->os = c.os;
    f->gpu_type = c.gpu_type;
    f->spot = c.spot;
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

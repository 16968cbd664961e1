/* pricing_assets.c — disks, load balancers, cluster fees, egress, currency
 * and the description of what was loaded; see pricing.h. */
#include "pricing/pricing.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pricing/pricing_internal.h"

#define HOURS_PER_MONTH 730.0
#define DEFAULT_DISK_GIB_HOUR (0.04 / HOURS_PER_MONTH) /* OpenCost's default storage price */
#define DEFAULT_LB_HOURLY 0.025                        /* OpenCost's default load balancer price */

/* Provisioner → provider and the type its storage classes get by default. */
static const struct {
    const char *provisioner, *provider, *default_type;
} provisioners[] = {
    {"ebs.csi.aws.com", "aws", "gp3"},          {"kubernetes.io/aws-ebs", "aws", "gp2"},
    {"pd.csi.storage.gke.io", "gcp", "pd-balanced"}, {"kubernetes.io/gce-pd", "gcp", "pd-standard"},
    {"disk.csi.azure.com", "azure", "StandardSSD_LRS"}, {"kubernetes.io/azure-disk", "azure", "Standard_LRS"},
};

/* The storage classes managed Kubernetes creates, by provider, → disk type;
 * other class names are tried as a type themselves (a class named gp3). */
static const struct {
    const char *provider, *class_name, *type;
} classes[] = {
    {"aws", "gp2", "gp2"}, {"aws", "gp3", "gp3"},
    {"gcp", "standard", "pd-standard"}, {"gcp", "standard-rwo", "pd-balanced"}, {"gcp", "premium-rwo", "pd-ssd"},
    {"azure", "default", "StandardSSD_LRS"}, {"azure", "managed", "StandardSSD_LRS"},
    {"azure", "managed-csi", "StandardSSD_LRS"}, {"azure", "managed-premium", "Premium_LRS"},
    {"azure", "managed-csi-premium", "Premium_LRS"}, {"azure", "managed-standard", "Standard_LRS"},
};

static const char *class_type(const char *provider, const char *class_name)
{
    for (size_t i = 0; class_name && i < sizeof classes / sizeof *classes; i++)
        if (!strcmp(provider, classes[i].provider) && !strcmp(class_name, classes[i].class_name))
            return classes[i].type;
    return class_name && *class_name ? class_name : NULL;
}

double pricing_volume(const kt_pricing *p, const kt_volume_desc *v, const char **source)
{
    const char *prov = pricing_provider_name(v->provider), *type = v->type && *v->type ? v->type : NULL;
    if (p && p->has_custom) {
        const custom_row *r = custom_find(&p->custom, CR_PV, v->region, v->name, NULL, v->storage_class);
        if (r) {
            if (source) *source = "custom";
            return r->hourly;
        }
    }
    for (size_t i = 0; i < sizeof provisioners / sizeof *provisioners; i++)
        if (v->provisioner && !strcmp(v->provisioner, provisioners[i].provisioner)) {
            if (!*prov) prov = provisioners[i].provider;
            if (!type) type = provisioners[i].default_type;
        }
    if (!type)
        type = class_type(prov, v->storage_class);
    const cat_rec *r = p && type && *prov ? pricing_layer_get(p, CAT_DISK, prov, v->region, type, source) : NULL;
    if (r)
        return r->v[0] / HOURS_PER_MONTH * pricing_negotiated(p);
    if (source) *source = "default";
    return p && p->has_custom && isfinite(p->custom.storage) ? p->custom.storage : DEFAULT_DISK_GIB_HOUR;
}

double pricing_volume_gib_hour(const kt_pricing *p, const char *provider, const char *region,
                               const char *provisioner, const char *type, const char **source)
{
    kt_volume_desc v = {.provider = provider, .region = region, .provisioner = provisioner, .type = type};
    return pricing_volume(p, &v, source);
}

double pricing_lb_hourly(const kt_pricing *p, const char *provider, const char *region, const char **source)
{
    const char *prov = pricing_provider_name(provider);
    const cat_rec *r = p && *prov ? pricing_layer_get(p, CAT_LB, prov, region, "", source) : NULL;
    if (r)
        return r->v[0] * pricing_negotiated(p);
    if (source) *source = "default";
    return DEFAULT_LB_HOURLY;
}

double pricing_cluster_fee_for(const kt_pricing *p, const char *cluster, const char *provider, const char *region,
                               const char **kind)
{
    static const char *const kinds[][2] = {{"aws", "eks"}, {"gcp", "gke"}, {"azure", "aks"}};
    const char *prov = pricing_provider_name(provider), *k = "";
    for (int i = 0; i < 3; i++)
        if (!strcmp(prov, kinds[i][0]))
            k = kinds[i][1];
    if (kind) *kind = k;
    if (!*k || !p)
        return !*k ? 0 : 0.10;
    const custom_cluster *c = p->has_custom ? custom_cluster_find(&p->custom, cluster) : NULL;
    const char *tier = c && c->tier ? c->tier : NULL;
    double v = catalog_fee(&p->lists, prov, tier, NULL);
    if (v < 0)
        v = catalog_fee(&p->builtin, prov, tier, NULL);
    return v < 0 ? 0.10 : v;
}

double pricing_cluster_fee(const kt_pricing *p, const char *provider, const char *region, const char **kind)
{
    return pricing_cluster_fee_for(p, NULL, provider, region, kind);
}

kt_egress pricing_egress(const kt_pricing *p, const char *cluster, const char *provider, const char *region)
{
    /* OpenCost's defaults (configs/default.json): 0.12 internet, 0.01 region and zone. */
    kt_egress e = {0.12, 0.01, 0.01, "default"};
    const char *prov = pricing_provider_name(provider);
    static const char *const kinds[3] = {"internet", "region", "zone"};
    double *dst[3] = {&e.internet, &e.region, &e.zone};
    for (int k = 0; p && *prov && k < 3; k++) {
        const char *src;
        const cat_rec *r = pricing_layer_get(p, CAT_EGRESS, prov, region, kinds[k], &src);
        if (r)
            *dst[k] = r->v[0], e.source = src;
    }
    if (p && p->has_custom) {
        const double mine[3] = {p->custom.egress_internet, p->custom.egress_region, p->custom.egress_zone};
        for (int k = 0; k < 3; k++)
            if (isfinite(mine[k]))
                *dst[k] = mine[k], e.source = "custom";
    }
    return e;
}

static void describe_layer(const kt_catalog *c, const char *layer, void (*line)(void *, const char *), void *ctx)
{
    for (size_t i = 0; i < c->n_meta; i++) {
        char text[600];
        snprintf(text, sizeof text, "%-10s %-6s %-10s %s  %s", layer, c->meta[i].provider, c->meta[i].date,
                 c->meta[i].currency, c->meta[i].source);
        line(ctx, text);
    }
}

void pricing_describe(const kt_pricing *p, void (*line)(void *ctx, const char *text), void *ctx)
{
    char text[1400];
    if (p->has_custom) {
        snprintf(text, sizeof text, "%-10s %-6s %-10s %s  %s (%zu sheet rows)", "custom", "*", "-",
                 pricing_currency(p), p->custom.path, p->custom.n_rows);
        line(ctx, text);
    }
    describe_layer(&p->lists, "price-list", line, ctx);
    describe_layer(&p->builtin, "catalog", line, ctx);
    snprintf(text, sizeof text, "%-10s %-6s %-10s %s  OpenCost default rates: %g/core-h, %g/GiB-h, %g/GPU-h",
             "default", "*", "-", pricing_currency(p), KT_DEFAULT_CPU_HOURLY, KT_DEFAULT_RAM_HOURLY,
             KT_DEFAULT_GPU_HOURLY);
    line(ctx, text);
}

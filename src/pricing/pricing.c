/* pricing.c — price resolution; see pricing.h.
 *
 * Placeholder until the catalog lands: every answer is OpenCost's default
 * rates, source "default". */
#include "pricing/pricing.h"

#include <stdlib.h>
#include <string.h>

struct kt_pricing {
    int unused;
};

int pricing_load(const kt_pricing_opts *o, kt_pricing **out, kt_err *err)
{
    (void)o, (void)err;
    *out = calloc(1, sizeof **out);
    return *out ? 0 : kt_fail(err, KT_ERUNTIME, "out of memory");
}

void pricing_free(kt_pricing *p) { free(p); }

kt_price pricing_node(const kt_pricing *p, const kt_node_desc *d)
{
    (void)p;
    kt_rates r = kt_default_rates();
    kt_price out = {kt_price_from_rates(r, d->cores, d->ram_bytes, d->gpus), r.cpu, r.ram, r.gpu, "default", "USD"};
    return out;
}

double pricing_volume_gib_hour(const kt_pricing *p, const char *provider, const char *region,
                               const char *provisioner, const char *type, const char **source)
{
    (void)p, (void)provider, (void)region, (void)provisioner, (void)type;
    if (source) *source = "default";
    return 0.04 / 730.0;
}

double pricing_lb_hourly(const kt_pricing *p, const char *provider, const char *region, const char **source)
{
    (void)p, (void)provider, (void)region;
    if (source) *source = "default";
    return 0.025;
}

double pricing_cluster_fee(const kt_pricing *p, const char *provider, const char *region, const char **kind)
{
    (void)p, (void)region;
    static const struct { const char *provider, *kind; double hourly; } fees[] = {
        {"aws", "eks", 0.10}, {"gcp", "gke", 0.10}, {"azure", "aks", 0.0},
    };
    for (size_t i = 0; i < sizeof fees / sizeof *fees; i++)
        if (provider && !strcmp(provider, fees[i].provider)) {
            if (kind) *kind = fees[i].kind;
            return fees[i].hourly;
        }
    if (kind) *kind = "";
    return 0;
}

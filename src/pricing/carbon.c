/* carbon.c — CCF's equations over the pinned coefficients; see carbon.h. */
#include <assert.h>
#include <string.h>
#include <strings.h>

#include "pricing/carbon.h"

#define CCF_MEMORY_KWH_PER_GB 0.000392
#define CCF_NETWORK_KWH_PER_GB 0.001
#define CCF_SSD_WH_PER_TBH 1.2
#define CCF_HDD_WH_PER_TBH 0.65
#define CCF_CPU_UTILIZATION 0.5

/* "aws", "gcp", "azure", or NULL for a provider CCF does not cover. */
static const char *ccf_provider(const char *p)
{
    if (!p) return NULL;
    if (!strcasecmp(p, "aws")) return "aws";
    if (!strcasecmp(p, "gcp") || !strcasecmp(p, "gce") || !strcasecmp(p, "google")) return "gcp";
    if (!strcasecmp(p, "azure")) return "azure";
    return NULL;
}

double carbon_grid(const char *provider, const char *region)
{
    const char *p = ccf_provider(provider);
    if (!p)
        return 0;
    double unknown = 0;
    for (size_t i = 0; i < kt_carbon_grid_n; i++) {
        if (strcmp(kt_carbon_grids[i].provider, p))
            continue;
        if (region && !strcasecmp(kt_carbon_grids[i].region, region))
            return kt_carbon_grids[i].t_per_kwh;
        if (!strcmp(kt_carbon_grids[i].region, "Unknown"))
            unknown = kt_carbon_grids[i].t_per_kwh;
    }
    return unknown;
}

static double pue(const char *p, const char *region)
{
    double avg = 1;
    for (size_t i = 0; i < kt_carbon_pue_n; i++) {
        if (strcmp(kt_carbon_pues[i].provider, p))
            continue;
        if (!kt_carbon_pues[i].region[0])
            avg = kt_carbon_pues[i].pue;
        else if (region && !strcasecmp(kt_carbon_pues[i].region, region))
            return kt_carbon_pues[i].pue;
    }
    return avg;
}

/* The provider's average (AWS, Azure) or median (GCP) per-vCPU watts. */
static void provider_watts(const char *p, double *min_w, double *max_w)
{
    if (!strcmp(p, "gcp")) *min_w = 0.68, *max_w = 4.11;
    else if (!strcmp(p, "azure")) *min_w = 0.74, *max_w = 3.54;
    else *min_w = 0.74, *max_w = 3.5;
}

double carbon_node_kg_per_hour(const char *provider, const char *region, const char *instance_type,
                               double vcpus)
{
    assert(vcpus >= 0);
    const char *p = ccf_provider(provider);
    if (!p)
        return 0;
    kt_carbon_type t = {NULL, vcpus, 0, 0, 0, 0};
    provider_watts(p, &t.min_w, &t.max_w);
    if (!strcmp(p, "aws") && instance_type)
        for (size_t i = 0; i < kt_carbon_aws_n; i++)
            if (!strcmp(kt_carbon_aws_types[i].name, instance_type)) {
                t = kt_carbon_aws_types[i];
                break;
            }
    double u = pue(p, region), grid = carbon_grid(p, region);
    double kwh = (t.min_w + CCF_CPU_UTILIZATION * (t.max_w - t.min_w)) * t.vcpu_h * u / 1000 +
                 t.mem_gb * CCF_MEMORY_KWH_PER_GB * u;
    return 1000 * (kwh * grid + t.emb_t);
}

/* HDD-backed classes by their usual names (EBS st1/sc1, pd-standard,
 * Azure Standard_LRS); everything else is SSD, CCF's costlier guess. */
static int is_hdd(const char *sc)
{
    if (!sc) return 0;
    return !strcasecmp(sc, "standard") || !strcasecmp(sc, "st1") || !strcasecmp(sc, "sc1") ||
           strcasestr(sc, "pd-standard") || strcasestr(sc, "hdd") || strcasestr(sc, "standard_lrs");
}

void carbon_disk_factors(const char *provider, const char *region, const char *storage_class, kt_carbon_factors *f)
{
    const char *p = ccf_provider(provider);
    f->known = p != NULL;
    if (!p)
        return;
    /* CCF's replication of block disks: EBS 2, Azure managed disks 3, GCP zonal 1 */
    f->repl = !strcmp(p, "aws") ? 2 : !strcmp(p, "azure") ? 3 : 1;
    f->wh = is_hdd(storage_class) ? CCF_HDD_WH_PER_TBH : CCF_SSD_WH_PER_TBH;
    f->pue = pue(p, region);
    f->grid = carbon_grid(p, region);
}

double carbon_disk_kg_of(const kt_carbon_factors *f, double byte_hours)
{
    if (!f->known || byte_hours <= 0)
        return 0;
    double kwh = byte_hours / 1e12 * f->wh * f->pue * f->repl / 1000;
    return 1000 * kwh * f->grid;
}

double carbon_disk_kg(const char *provider, const char *region, const char *storage_class, double byte_hours)
{
    kt_carbon_factors f;
    carbon_disk_factors(provider, region, storage_class, &f);
    return carbon_disk_kg_of(&f, byte_hours);
}

void carbon_network_factors(const char *provider, const char *region, kt_carbon_factors *f)
{
    const char *p = ccf_provider(provider);
    f->known = p != NULL;
    if (p)
        f->pue = pue(p, region), f->grid = carbon_grid(p, region);
}

double carbon_network_kg_of(const kt_carbon_factors *f, double bytes)
{
    if (!f->known || bytes <= 0)
        return 0;
    return 1000 * bytes / 1e9 * CCF_NETWORK_KWH_PER_GB * f->pue * f->grid;
}

double carbon_network_kg(const char *provider, const char *region, double bytes)
{
    kt_carbon_factors f;
    carbon_network_factors(provider, region, &f);
    return carbon_network_kg_of(&f, bytes);
}

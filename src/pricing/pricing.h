/* pricing.h — what a node, a disk, a load balancer and a cluster fee cost per
 * hour, and where that price came from.
 *
 * Writers of hourly facts (the live meter, the Prometheus import, the demo
 * fleet, `kubetally reprice`) ask here; the engine never prices anything.
 * Every answer carries a source, never silently invented:
 *   "custom"        the user's sheet (--pricing FILE, OpenCost's CSV columns)
 *   "price-list"    a cloud price list imported with `kubetally prices import`
 *   "catalog"       the built-in catalog compiled from data/
 *   "spot-estimate" a spot node priced from on-demand × the cloud's typical
 *                   spot discount because no spot price is known
 *   "default"       per-resource default rates (unknown instance type,
 *                   on-premises without a sheet)
 * Precedence is that order: custom > price-list > catalog > spot-estimate >
 * default.  Prices are in the returned currency (USD unless a sheet says
 * otherwise).  A kt_pricing is read-only after pricing_load, so any number
 * of threads may ask at once. */
#ifndef KT_PRICING_H
#define KT_PRICING_H

#include <stddef.h>

#include "pricing/node_split.h"
#include "util/err.h"

typedef struct kt_pricing kt_pricing;

typedef struct kt_pricing_opts {
    const char *custom_file; /* --pricing FILE: OpenCost custom-pricing CSV (or NULL) */
    const char *data_dir;    /* where imported price lists live; NULL ⇒ $XDG_DATA_HOME/kubetally/prices */
} kt_pricing_opts;

/* Load the built-in catalog, any imported price lists and the custom sheet.
 * A broken sheet or price list is an error naming the file and line. */
int pricing_load(const kt_pricing_opts *o, kt_pricing **out, kt_err *err);
void pricing_free(kt_pricing *p);

/* What is known about a node when pricing it. */
typedef struct kt_node_desc {
    const char *cluster, *name, *provider, *region, *zone, *instance_type, *provider_id;
    int spot;
    double cores, ram_bytes, gpus; /* capacity */
} kt_node_desc;

typedef struct kt_price {
    double hourly;             /* whole node, per hour */
    double cpu, ram, gpu;      /* split: per core-hour, per GiB-hour, per GPU-hour */
    const char *source;        /* static string, see above */
    const char *currency;      /* static or owned by the kt_pricing: "USD" … */
} kt_price;

/* Never fails: falls back to default rates (source "default"). p may be
 * NULL: defaults only. */
kt_price pricing_node(const kt_pricing *p, const kt_node_desc *d);

/* Disk price per GiB-hour for a volume of the given storage class
 * provisioner/type (gp3, pd-balanced, Premium_LRS …) in provider/region. */
double pricing_volume_gib_hour(const kt_pricing *p, const char *provider, const char *region,
                               const char *provisioner, const char *type, const char **source);

/* Load balancer price per hour. */
double pricing_lb_hourly(const kt_pricing *p, const char *provider, const char *region, const char **source);

/* Managed control-plane fee per hour (EKS/GKE/AKS); 0 for onprem/unknown.
 * *kind is set to "eks", "gke", "aks" or "". */
double pricing_cluster_fee(const kt_pricing *p, const char *provider, const char *region, const char **kind);

/* ---- Additions beyond the collector's contract (prices, reprice, import). */

/* Replace *p with a freshly loaded kt_pricing only when loading succeeds:
 * a broken sheet or list leaves the previous one in use. */
int pricing_reload(kt_pricing **p, const kt_pricing_opts *o, kt_err *err);

/* One instance type without a cluster (`kubetally prices --instance-type`).
 * The capacity comes from the catalog or list (known = 0 when neither knows
 * the type: the price is then the defaults for 0 cores and says so). */
typedef struct kt_instance_price {
    kt_price price;
    double cores, ram_gib, gpus;
    int known;
} kt_instance_price;
kt_instance_price pricing_instance(const kt_pricing *p, const char *provider, const char *region,
                                   const char *instance_type, int spot);

/* A volume with everything known about it; the custom sheet matches pv rows
 * by volume name or storage class name. */
typedef struct kt_volume_desc {
    const char *cluster, *name, *storage_class, *provider, *region, *provisioner, *type;
} kt_volume_desc;
double pricing_volume(const kt_pricing *p, const kt_volume_desc *v, const char **source);

/* The cluster's fee with its tier (--pricing clusters.NAME.tier). */
double pricing_cluster_fee_for(const kt_pricing *p, const char *cluster, const char *provider, const char *region,
                               const char **kind);

/* Egress per GB (decimal GB, as the clouds bill it). */
typedef struct kt_egress {
    double internet, region, zone;
    const char *source;
} kt_egress;
kt_egress pricing_egress(const kt_pricing *p, const char *cluster, const char *provider, const char *region);

/* Every node type priced in provider/region (imported price lists over the
 * built-in catalog), for cluster sizing: *out is malloc'd, *n entries.
 * GPU types are left out; spot is NAN when unknown. */
typedef struct kt_node_offer {
    char name[64];
    double vcpus, ram_gib, hourly, spot;
    int arm; /* ARM by the cloud's naming (AWS Graviton "…g" families, Azure "p" sizes, GCP t2a/c4a/n4a) */
} kt_node_offer;
void pricing_node_offers(const kt_pricing *p, const char *provider, const char *region, kt_node_offer **out,
                         size_t *n);

/* The currency every answer is shown in: the sheet's currencyCode, else USD. */
const char *pricing_currency(const kt_pricing *p);

/* What was loaded, for `kubetally prices --sources`: one line per built-in
 * file, imported list and sheet ("catalog aws 2024-04-04 USD: source…"). */
void pricing_describe(const kt_pricing *p, void (*line)(void *ctx, const char *text), void *ctx);

/* The directory imported lists live in (o->data_dir or the default). */
void pricing_data_dir(const kt_pricing_opts *o, char *buf, size_t n);

/* "aws", "gcp", "azure", "onprem" or "" from what a node or cluster says
 * (gce → gcp, Azure → azure …). */
const char *pricing_provider_name(const char *provider);

#endif

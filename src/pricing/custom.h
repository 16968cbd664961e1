/* custom.h — the user's pricing (--pricing FILE).
 *
 * Two formats, told apart by the first byte:
 *  - OpenCost's custom-pricing CSV: EndTimestamp,InstanceID,Region,AssetClass,
 *    InstanceIDField,InstanceType,MarketPriceHourly,Version (all columns
 *    required, any order).  AssetClass node (whole-node $/hour, matched by
 *    metadata.name or spec.providerID, or by InstanceType when InstanceID is
 *    empty), pv ($/GiB-hour, matched by metadata.name or
 *    spec.storageClassName), gpu ($/GPU-hour by GPU type; kept, listed).
 *    A row with a Region applies only there and beats a region-less row.
 *    Parsed with libcsv: quotes, embedded newlines, any column count.
 *  - A JSON object with OpenCost's default-rate keys (CPU, spotCPU, RAM,
 *    spotRAM, GPU, storage, zoneNetworkEgress, regionNetworkEgress,
 *    internetNetworkEgress — strings or numbers), currencyCode, discount and
 *    negotiatedDiscount ("30%" or 0.3), "sheet": a CSV path (relative to the
 *    JSON file), and "clusters": {NAME: {discount, negotiatedDiscount, tier}}.
 * Errors name the file, the line or key, and the problem. */
#ifndef KT_PRICING_CUSTOM_H
#define KT_PRICING_CUSTOM_H

#include <stddef.h>

#include "pricing/reader.h"
#include "util/err.h"

/* Bounds on a CSV sheet (docs/pricing.md). */
#define CUSTOM_MAX_BYTES (64 << 20)
#define CUSTOM_MAX_FIELD 65536
#define CUSTOM_MAX_FIELDS 4096

enum { CR_NODE, CR_PV, CR_GPU };
enum { CI_NAME, CI_PROVIDER_ID, CI_TYPE, CI_STORAGE_CLASS, CI_OTHER };

typedef struct custom_row {
    int asset, field;      /* CR_*, CI_* */
    char *id, *region, *instance_type, *field_name;
    double hourly;
} custom_row;

typedef struct custom_cluster {
    char *name, *tier;
    double discount, negotiated; /* fractions; NAN ⇒ not set */
} custom_cluster;

typedef struct kt_custom {
    custom_row *rows;
    size_t n_rows;
    /* Default rates; NAN where the sheet says nothing. */
    double cpu, spot_cpu, ram, spot_ram, gpu, storage, egress_zone, egress_region, egress_internet;
    double discount, negotiated;  /* 0 when unset */
    char currency[8];             /* "" ⇒ unset */
    custom_cluster *clusters;
    size_t n_clusters;
    char *path;
} kt_custom;

int custom_load(const char *path, kt_custom *out, kt_err *err);
void custom_free(kt_custom *c);

/* Append the rows of one OpenCost CSV sheet read from r to c (c->path
 * names it in errors).  The fuzz harness calls this directly. */
int custom_read_sheet(kt_custom *c, kt_reader r, kt_err *err);

/* Best row for an asset: region match beats a region-less row; NULL when none. */
const custom_row *custom_find(const kt_custom *c, int asset, const char *region, const char *name,
                              const char *provider_id, const char *type_or_class);
const custom_cluster *custom_cluster_find(const kt_custom *c, const char *name);

/* "30%", "0.3" or 0.3 → 0.3; -1 when not a fraction in [0, 1]. */
int custom_parse_fraction(const char *s, double *out);

#endif

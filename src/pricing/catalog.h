/* catalog.h — a set of prices in kubetally's catalog line format, and the
 * parser for it (docs/pricing.md).
 *
 * The built-in catalog (data/aws.prices etc., compiled in) and every imported price
 * list (stored by `kubetally prices import` in the same format) are read by
 * this one parser, so an imported list is checked exactly as strictly as the
 * data we ship.  Records (one per line, '#' comments):
 *   provider aws | currency USD | source TEXT | date YYYY-MM-DD
 *   node REGION TYPE VCPU MEMORY_GIB GPUS ON_DEMAND SPOT   (per hour; '-' unknown)
 *   unit REGION FAMILY CPU RAM_GIB SPOT_CPU SPOT_RAM       (per vCPU-h, per GiB-h)
 *   disk REGION TYPE PER_GB_MONTH
 *   lb REGION PER_HOUR
 *   fee TIER PER_HOUR                                      (first tier = default)
 *   egress REGION internet|region|zone PER_GB
 *   spot-discount FRACTION
 * REGION '*' applies to every region without its own record.  Keys are
 * compared case-insensitively.  Prices must be finite, not negative and
 * not absurd (over 10,000 per hour or per GB in USD/EUR/GBP; 10^8 otherwise). */
#ifndef KT_PRICING_CATALOG_H
#define KT_PRICING_CATALOG_H

#include "pricing/reader.h"
#include "util/err.h"
#include "util/strtab.h"

enum { CAT_NODE, CAT_UNIT, CAT_DISK, CAT_LB, CAT_EGRESS, CAT_SPOT };

/* One record's numbers; NAN where the file says '-'. */
typedef struct cat_rec {
    double v[6];
} cat_rec;

typedef struct cat_fee {
    char provider[16], tier[32];
    double hourly;
} cat_fee;

typedef struct cat_meta {
    char provider[16], currency[8], date[32], source[400];
} cat_meta;

typedef struct kt_catalog {
    kt_strtab keys; /* "kind|provider|region|name" lower case → id; rec[id] */
    cat_rec *rec;
    size_t cap;
    cat_fee *fees;
    size_t n_fees, fees_cap;
    cat_meta *meta; /* one per file parsed */
    size_t n_meta;
    long nodes;     /* node records, for reports */
} kt_catalog;

void catalog_init(kt_catalog *c);
void catalog_free(kt_catalog *c);

/* Parse one file's records into c.  On error c may hold part of the file:
 * callers parse into a scratch catalog and keep it only on success. */
int catalog_parse(kt_catalog *c, kt_reader r, kt_err *err);

/* Lookup; region falls back to "*".  Returns NULL when absent. */
const cat_rec *catalog_get(const kt_catalog *c, int kind, const char *provider, const char *region,
                           const char *name);
/* Call fn for every node record of provider in region (not the '*'
 * records); names are the lower-case keys.  Returns how many. */
size_t catalog_each_node(const kt_catalog *c, const char *provider, const char *region,
                         void (*fn)(void *ctx, const char *name, const cat_rec *r), void *ctx);
/* The fee of a tier (NULL or "" ⇒ the provider's first tier); -1 when none. */
double catalog_fee(const kt_catalog *c, const char *provider, const char *tier, const char **tier_out);
/* Currency of the provider's records ("" when the catalog has none). */
const char *catalog_currency(const kt_catalog *c, const char *provider);
const cat_meta *catalog_meta(const kt_catalog *c, const char *provider);

/* Maximum believable price for a currency (see above). */
double catalog_price_cap(const char *currency);

#endif

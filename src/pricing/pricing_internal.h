/* pricing_internal.h — the kt_pricing layers, shared by pricing.c (nodes,
 * loading) and pricing_assets.c (disks, load balancers, fees, egress).
 * Not an API: everything outside src/pricing uses pricing.h. */
#ifndef KT_PRICING_INTERNAL_H
#define KT_PRICING_INTERNAL_H

#include "pricing/catalog.h"
#include "pricing/custom.h"
#include "pricing/pricing.h"

struct kt_pricing {
    kt_catalog builtin, lists;
    kt_custom custom;
    int has_custom;
    char data_dir[1024];
};

/* A record from the price lists, else the built-in catalog; *source says
 * which ("price-list" / "catalog").  NULL when neither has it. */
const cat_rec *pricing_layer_get(const kt_pricing *p, int kind, const char *provider, const char *region,
                                 const char *name, const char **source);

/* 1 - the negotiated discount (sheet-wide): what non-node prices are multiplied by. */
double pricing_negotiated(const kt_pricing *p);

#endif

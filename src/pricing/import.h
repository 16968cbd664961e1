/* import.h — `kubetally prices import aws|gcp|azure FILE|URL…`: the clouds'
 * own price-list formats into a stored price list (catalog format).
 *
 *   aws    AWS Price List bulk offer JSON (products + terms.OnDemand
 *          priceDimensions), one region per file, any number of files
 *   gcp    Cloud Billing Catalog `skus` JSON pages (nextPageToken)
 *   azure  Azure Retail Prices JSON pages (Items + NextPageLink)
 *
 * Inputs are streamed (bounded memory, see jscan.h).  The result replaces
 * DIR/<provider>.prices atomically only after it parses back cleanly: any
 * error keeps the previous list.  With refresh, the public lists are
 * downloaded (curl) and followed page by page. */
#ifndef KT_PRICING_IMPORT_H
#define KT_PRICING_IMPORT_H

#include <stddef.h>

#include "pricing/reader.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/strtab.h"

typedef struct kt_import_opts {
    const char *provider;            /* aws, gcp, azure */
    const char *const *inputs;       /* paths, "-", file:// or http(s):// URLs */
    size_t n_inputs;
    const char *data_dir;            /* NULL ⇒ default (pricing_data_dir) */
    int refresh;                     /* download the public list(s) */
    const char *const *regions;      /* refresh: AWS regions / Azure regions (NULL ⇒ defaults) */
    size_t n_regions;
} kt_import_opts;

typedef struct kt_import_stats {
    long nodes, units, disks, lbs, fees, pages;
    char currency[8], date[40], path[1200], pending_page[300];
} kt_import_stats;

int pricing_import(const kt_import_opts *o, kt_import_stats *st, kt_err *err);

/* ---- for the per-cloud importers (import_aws.c …) ---- */

typedef struct imp_result {
    kt_buf body;                     /* catalog records */
    char currency[8], date[40];
    char next[4096];                 /* GCP nextPageToken / Azure NextPageLink of the last page */
    kt_import_stats *st;
} imp_result;

typedef struct imp_ops {
    const char *provider;
    void *(*create)(void);
    int (*page)(void *state, kt_reader r, imp_result *res, kt_err *err);
    int (*finish)(void *state, imp_result *res, kt_err *err);
    void (*destroy)(void *state);
} imp_ops;

extern const imp_ops imp_aws, imp_gcp, imp_azure;

/* Set res->currency, or fail when a list mixes currencies. */
int imp_currency(imp_result *res, const char *name, const char *currency, kt_err *err);
/* A price from a JSON string or number: finite, >= 0, believable. */
int imp_price(const char *name, const char *what, const char *text, const char *currency, double *out, kt_err *err);

/* Rows of up to 4 numbers keyed by a string (NAN until set): what the GCP
 * and Azure importers merge their pages into before writing records. */
typedef struct imp_table {
    kt_strtab keys;
    double (*v)[4];
    size_t cap;
} imp_table;
void imp_table_init(imp_table *t);
void imp_table_free(imp_table *t);
double *imp_table_slot(imp_table *t, const char *key);

/* curl the URL into a temporary FILE (rewound); the message names the URL
 * (with any key= value removed) when the network is down. */
int pricing_fetch(const char *url, FILE **out, kt_err *err);

#endif

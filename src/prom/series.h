/* series.h — a Prometheus HTTP API answer, decoded.
 *
 * prom_decode turns the JSON body of /api/v1/query or /api/v1/query_range
 * into plain arrays: one kt_prom_series per result element, its labels (the
 * metric's label set, __name__ included when Prometheus sends it) and its
 * samples.  Label strings are interned in the result's strtab, so a
 * thousand series naming the same namespace hold one copy.
 *
 * Contract:
 *  - status "error" fails with Prometheus's own errorType and error text.
 *  - A body that is not JSON, or JSON without the API's shape, fails with
 *    "not a Prometheus API response" and the first bytes of the body (a
 *    proxy's HTML login page is the usual cause).
 *  - "warnings" (Thanos and Mimir report partial answers this way, when a
 *    store is down) fail as a partial response unless allow_partial is set;
 *    kubetally never writes history it knows to be incomplete.
 *  - More than max_series series (0 = no limit) fails naming the count.
 *  - Sample times are rounded to whole seconds; values are parsed with
 *    strtod, so "NaN", "+Inf" and "-Inf" come through as such.
 *  - A vector answer (instant query) gives each series one sample; a scalar
 *    answer gives one series with no labels. */
#ifndef KT_PROM_SERIES_H
#define KT_PROM_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/err.h"
#include "util/strtab.h"

typedef struct kt_prom_series {
    kt_kv *labels; /* strings live in the result's strtab */
    size_t n_labels;
    int64_t *t;    /* unix seconds */
    double *v;
    size_t n;
} kt_prom_series;

typedef struct kt_prom_result {
    kt_prom_series *series;
    size_t n;
    kt_strtab strs;
} kt_prom_result;

typedef struct kt_prom_decode_opts {
    size_t max_series;  /* 0 = no limit */
    int allow_partial;  /* accept answers carrying warnings */
} kt_prom_decode_opts;

int prom_decode(const char *body, size_t len, const kt_prom_decode_opts *o, kt_prom_result *out, kt_err *err);
void prom_result_free(kt_prom_result *r);

/* The value of label `key` in s, or "" when absent. */
const char *prom_label(const kt_prom_series *s, const char *key);

#endif

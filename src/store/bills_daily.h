/* bills_daily.h — reconciling a day past hourly retention on its daily
 * rows, once for every backend (bills_daily.c; bills.h states the rule).
 *
 * The computation lives here; a backend only lends a port that runs one
 * statement with typed arguments.  The SQL reads the same on SQLite and
 * PostgreSQL: arguments are $1…$n wrapped in CAST, tables and columns are
 * the daily tables both backends keep (store_daily_extra).  Not an API:
 * the store's bill ops (sqlite_bills_recon.c, pg_bills_recon.c) call it
 * inside their transaction. */
#ifndef KT_STORE_BILLS_DAILY_H
#define KT_STORE_BILLS_DAILY_H

#include <stdint.h>

#include "util/err.h"

/* One argument: an integer (ids, days) or a number (factors). */
typedef struct kt_sql_arg {
    int is_int;
    int64_t i;
    double d;
} kt_sql_arg;

/* A row of a query: its first column as an integer, the rest as numbers. */
typedef int (*kt_sql_row_fn)(void *ctx, int64_t key, const double *v, int n);

typedef struct kt_sql_port {
    void *h; /* the backend's handle */
    /* Run a statement that returns no rows. */
    int (*exec)(void *h, const char *sql, int n, const kt_sql_arg *a, kt_err *err);
    /* Run a query of ncols columns, fn for each row (non-zero stops). */
    int (*rows)(void *h, const char *sql, int n, const kt_sql_arg *a, int ncols, kt_sql_row_fn fn, void *ctx,
                kt_err *err);
} kt_sql_port;

/* Multiply an asset's daily rows of day by factor, with everything
 * settlement derived from its price (kind: KT_BILL_NODE, _VOLUME, _LB). */
int store_bill_daily_scale(const kt_sql_port *p, int kind, int64_t id, int64_t day, double factor, kt_err *err);
/* Re-share the cluster-level idle and fee among the containers of the day,
 * per cluster (cluster 0: every cluster with rows that day), so they add up
 * to the cluster's shareable idle and fee again.  Once per rescaled day,
 * after its last scale. */
int store_bill_daily_reshare(const kt_sql_port *p, int64_t day, int64_t cluster, kt_err *err);

#endif

/* bills.h — cloud bills in the store: rows of imported FOCUS exports, what
 * reconciliation replaced, and the sums cloud-cost questions read.
 * (bills.c passes each call to the backend.  SQLite: sqlite_bills.c
 * writes, sqlite_bills_recon.c reconciles, sqlite_bills_query.c answers;
 * tables from schema v4.  PostgreSQL: pg_bills.c imports and answers,
 * pg_bills_recon.c reconciles; schema v4.  Both: bills_daily.c rescales a
 * day past hourly retention.)
 *
 * Rules:
 *  - A billing period is (provider, billing account, BillingPeriodStart).
 *    The first row of a period in an import deletes the period's stored
 *    rows, so re-importing a file, or a restated export of the same period,
 *    leaves exactly the newest rows: never doubled, never mixed.  Files
 *    that together make one period (AWS writes several parts) are imported
 *    in one import.
 *  - Everything happens between store_begin and store_commit: a refused
 *    file rolls back and the stored bill is as it was.
 *  - Costs are in the row's currency; nothing here adds currencies: every
 *    sum is per currency.
 *  - Reconciliation multiplies the hourly prices of an asset's day by
 *    billed / current cost, so settlement, the daily roll-up (the day is
 *    marked dirty) and every reader see the billed cost; a day past hourly
 *    retention has its daily rows (prices and what settlement derived from
 *    them) scaled in place instead, and its day file renewed.  bill_recon
 *    keeps the estimate it replaced, so a restated bill or a bill that no
 *    longer names the asset puts the estimate back exactly. */
#ifndef KT_STORE_BILLS_H
#define KT_STORE_BILLS_H

#include <stdint.h>

#include "store/store.h"

enum kt_bill_asset_kind { KT_BILL_NODE, KT_BILL_VOLUME, KT_BILL_LB, KT_BILL_KINDS };
/* In bill_k8s: a key naming a group of nodes (an Azure scale set billed as
 * one resource); its asset id is the reconciler's group number. */
enum { KT_BILL_GROUP = KT_BILL_KINDS };

typedef struct kt_bill_row {
    const char *provider, *account, *sub_account, *service, *category, *region, *charge_category, *currency;
    const char *tags;          /* canonical JSON object */
    const char *resource_id, *rkey, *resource_type, *extras;
    int64_t t0, t1, period_start;
    double billed, effective, list;
    unsigned problems;
} kt_bill_row;

typedef struct kt_bill_import kt_bill_import;
typedef struct kt_bill_import_stats {
    long rows, periods, periods_replaced, dims;
} kt_bill_import_stats;

/* files: what is imported, for the record. */
int store_bill_import_begin(kt_store *s, const char *files, kt_bill_import **out, kt_err *err);
int store_bill_put(kt_bill_import *im, const kt_bill_row *r, kt_err *err);
/* Finish (records the import) and free; abort frees without recording. */
int store_bill_import_end(kt_bill_import *im, kt_bill_import_stats *st, kt_err *err);
void store_bill_import_abort(kt_bill_import *im);

/* The instants reconciliation can change (0, 0 when none): where the
 * stored node, volume and load-balancer rows (hourly or daily) meet the
 * bill rows naming cluster assets and the days reconciled before. */
int store_bill_span(kt_store *s, int64_t *lo, int64_t *hi, kt_err *err);

/* Every node, volume and load balancer known (whatever their hours), with
 * the id a bill names it by: providerID, volume provider id, LB address. */
typedef struct kt_bill_asset {
    int kind;
    int64_t id;
    const char *cluster, *name, *provider_id;
} kt_bill_asset;
typedef int (*kt_bill_asset_fn)(void *ctx, const kt_bill_asset *a);
int store_bill_assets(kt_store *s, kt_bill_asset_fn fn, void *ctx, kt_err *err);
/* Replace the set of resource keys that are cluster assets. */
int store_bill_set_k8s(kt_store *s, const char *const *keys, const int *kinds, const int64_t *ids, size_t n,
                       kt_err *err);

/* Per asset and UTC day with rows in [lo, hi) (hourly, or daily for a day
 * past hourly retention): hours, the current cost (Σ hours × price), and
 * the estimate recorded when the day was reconciled before (has_recon). */
typedef struct kt_bill_asset_day {
    int kind;
    int64_t id, day;
    const char *cluster, *provider, *currency, *name;
    double hours, current;
    int has_recon;
    double estimate;
} kt_bill_asset_day;
typedef int (*kt_bill_asset_day_fn)(void *ctx, const kt_bill_asset_day *a);
int store_bill_asset_days(kt_store *s, int64_t lo, int64_t hi, kt_bill_asset_day_fn fn, void *ctx, kt_err *err);

/* Bill rows naming a cluster asset (bill_k8s) and overlapping [lo, hi). */
typedef struct kt_bill_charge {
    const char *rkey;
    int kind;
    int64_t asset_id, t0, t1;
    double billed, effective, list;
    const char *currency;
} kt_bill_charge;
typedef int (*kt_bill_charge_fn)(void *ctx, const kt_bill_charge *c);
int store_bill_charges(kt_store *s, int64_t lo, int64_t hi, kt_bill_charge_fn fn, void *ctx, kt_err *err);

/* What one asset-day was reconciled to. */
typedef struct kt_bill_recon {
    int kind;
    int64_t asset_id, day;
    double estimate, billed, effective, list, applied;
    const char *currency, *metric;
} kt_bill_recon;
/* Multiply the asset-day's prices by factor and record r (apply);
 * or multiply by factor and forget the record (unapply: the estimate is
 * back).  In a transaction; the day's roll-up is rebuilt at commit. */
int store_bill_apply(kt_store *s, const kt_bill_recon *r, double factor, kt_err *err);
int store_bill_unapply(kt_store *s, int kind, int64_t asset_id, int64_t day, double factor, kt_err *err);
/* Forget the records of days in [lo, hi) without touching prices: after a
 * reprice wrote fresh estimates over them (the next bill_reconcile records
 * those as the estimates). */
int store_bill_forget(kt_store *s, int64_t lo, int64_t hi, kt_err *err);
/* Recorded reconciliations of days in [lo, hi), with cluster and provider. */
typedef int (*kt_bill_recon_fn)(void *ctx, const kt_bill_recon *r, const char *cluster, const char *provider,
                                const char *name);
int store_bill_recons(kt_store *s, int64_t lo, int64_t hi, kt_bill_recon_fn fn, void *ctx, kt_err *err);

/* The UTC days in [lo, hi) each provider's bill has rows for (from the
 * daily sums): where a missing asset means "not on the bill", not "the
 * bill has not arrived yet". */
typedef int (*kt_bill_day_fn)(void *ctx, const char *provider, int64_t day);
int store_bill_days(kt_store *s, int64_t lo, int64_t hi, kt_bill_day_fn fn, void *ctx, kt_err *err);

/* Bill sums over [lo, hi) per dimension set, prorated by how much of each
 * row's charge period falls inside; k8s = the rows name a cluster asset. */
typedef struct kt_bill_sum {
    const char *provider, *account, *sub_account, *service, *category, *region, *charge_category, *currency, *tags;
    int k8s;
    double billed, effective, list;
} kt_bill_sum;
typedef int (*kt_bill_sum_fn)(void *ctx, const kt_bill_sum *s);
int store_bill_sums(kt_store *s, int64_t lo, int64_t hi, kt_bill_sum_fn fn, void *ctx, kt_err *err);

#endif

/* focus.h — reading FinOps FOCUS cost-and-usage exports (1.0, 1.1, 1.2).
 *
 * Contract:
 *  - focus_read streams one file (.csv, or .csv.gz through zlib: gzip is
 *    detected from the bytes, not the name) and calls `row` once per data
 *    row, in file order.  Memory is bounded whatever the file holds: one
 *    field is at most FOCUS_MAX_FIELD bytes, one row at most
 *    FOCUS_MAX_COLUMNS fields; a longer field (a 2 GB line) stops the read
 *    with an error naming the row.
 *  - Column names are matched case-insensitively with `_` ignored, so the
 *    providers' spellings all work: FOCUS's own (BilledCost — AWS Data
 *    Exports, Azure Cost Management), snake case (billed_cost — a BigQuery
 *    FOCUS view saved as CSV), 1.2's ServiceProviderName for ProviderName.
 *    A UTF-8 byte-order mark before the header is skipped (Azure).
 *  - `x_` columns are kept: each row carries them as one JSON object
 *    (`extras`).  Columns that are neither FOCUS nor x_ are named in the
 *    stats, not kept; FOCUS columns the importer has no use for (SkuId,
 *    ChargeDescription…) are read past.
 *  - Values: empty or the bare word NULL is null.  Date/times accept
 *    "YYYY-MM-DD HH:MM:SS", RFC 3339 ("…T…Z", "+00:00", fractions) and
 *    BigQuery's "… UTC".  Tags accept a JSON object, a JSON array of
 *    {key, value} (GCP), or Azure's brace-less "k": "v" list; they reach
 *    the row as a canonical JSON object text.
 *  - A file is refused (focus_read returns -1, err names file, row and
 *    column; KT_EINPUT) when its money or time cannot be read: a mandatory
 *    column missing, a cost that is null, not a decimal, NaN or infinite,
 *    one row's costs of opposite signs (a refund is negative throughout),
 *    an unreadable charge period, a field or row past the bounds, broken
 *    quoting.  Nothing is half-read: callers import inside a transaction
 *    and roll back.
 *  - A row whose money is readable but which breaks another rule of the
 *    spec (a mandatory dimension null, an unknown ChargeCategory, a
 *    negative cost on a Usage or Purchase row that is not a Correction,
 *    Tags that are not a JSON object, a charge period ending before it
 *    starts) is still delivered, with `problems` set, and counted per
 *    reason in the stats: never dropped silently.
 *  - Strings in a row point into the reader's buffers: valid during the
 *    callback only. */
#ifndef KT_BILLS_FOCUS_H
#define KT_BILLS_FOCUS_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define FOCUS_MAX_FIELD (1u << 20)
#define FOCUS_MAX_COLUMNS 512

/* Reasons a delivered row breaks the spec (bits of kt_focus_row.problems). */
enum {
    FOCUS_P_NULL_DIMENSION,   /* a mandatory dimension (account, service, category, currency) is null */
    FOCUS_P_CHARGE_CATEGORY,  /* ChargeCategory not Usage, Purchase, Tax, Credit or Adjustment */
    FOCUS_P_NEGATIVE_USAGE,   /* negative cost on a Usage/Purchase row without ChargeClass Correction */
    FOCUS_P_TAGS,             /* Tags present but not a JSON object of strings */
    FOCUS_P_PERIOD,           /* ChargePeriodEnd before ChargePeriodStart */
    FOCUS_P_COUNT
};
extern const char *const focus_problem_names[FOCUS_P_COUNT];

typedef struct kt_focus_row {
    long number;              /* data row, from 1 */
    const char *provider;     /* aws, gcp, azure, oracle, … (from ProviderName) */
    const char *account, *sub_account, *service, *category, *region, *resource_id, *resource_type;
    const char *charge_category, *charge_class, *currency;
    int64_t start, end;                  /* ChargePeriod, unix seconds */
    int64_t period_start;                /* BillingPeriodStart */
    double billed, effective, list;      /* in currency */
    const char *tags;                    /* canonical JSON object text, "{}" when none */
    const char *extras;                  /* x_ columns as a JSON object, "{}" when none */
    unsigned problems;                   /* 1 << FOCUS_P_… */
} kt_focus_row;

typedef struct kt_focus_stats {
    long rows, broken, by_problem[FOCUS_P_COUNT];
    int64_t bytes_done, bytes_total;     /* of the file as stored (compressed for .gz) */
    char version[8];                     /* "1.0", "1.1", "1.2": guessed from the columns */
    char ignored[256];                   /* non-FOCUS columns without x_, comma list (truncated) */
    int extra_columns;                   /* x_ columns kept */
} kt_focus_stats;

/* Called per row; non-zero stops the read and is returned (fill err). */
typedef int (*kt_focus_row_fn)(void *ctx, const kt_focus_row *r, kt_err *err);
/* Called every few MB read, and once at the end. */
typedef void (*kt_focus_progress_fn)(void *ctx, const kt_focus_stats *st);

int focus_read(const char *path, kt_focus_row_fn row, kt_focus_progress_fn progress, void *ctx,
               kt_focus_stats *st, kt_err *err);

/* Value helpers (focus_values.c), exposed for the tests and the reconciler. */
/* A FOCUS decimal: returns 0 and *v, or -1 (not a finite decimal). */
int focus_parse_decimal(const char *s, double *v);
/* A FOCUS date/time (any accepted form, UTC); -1 when unreadable. */
int focus_parse_time(const char *s, int64_t *t);
/* Tags text → canonical JSON object into out (a kt_buf *); -1 when not a
 * JSON object of scalar values (out then holds "{}"). */
struct kt_buf;
int focus_tags_canonical(const char *s, struct kt_buf *out);
/* ProviderName → kubetally's provider name (aws, gcp, azure, oracle, or
 * the name lower-cased with spaces as '-'), into buf. */
void focus_provider(const char *name, char *buf, size_t n);
/* The key a ResourceId and an asset's provider id are matched on: AWS
 * instance, volume or load balancer ids out of ARNs and providerIDs, GCP
 * instance and disk names out of self links and gce:// ids, Azure resource
 * ids from "subscriptions/" on; lower-case.  "" when there is none. */
void focus_resource_key(const char *id, char *buf, size_t n);

#endif

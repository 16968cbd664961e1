/* import.h — `kubetally import focus`: FOCUS files and folders into the
 * store, then reconciliation, in one transaction.
 *
 * Contract: every path is a file (.csv, .csv.gz) or a folder searched
 * (recursively, in name order) for them; all files of one call are one
 * import, so the parts of one billing period go in together.  Any refused
 * file (focus.h) rolls everything back: the stored bill, prices and roll-ups
 * are as before and err names the file and row.  Rows that break the spec
 * are imported and counted per reason in the result. */
#ifndef KT_BILLS_IMPORT_H
#define KT_BILLS_IMPORT_H

#include "bills/focus.h"
#include "bills/reconcile.h"
#include "store/store.h"

#define BILL_MAX_FILES 10000

typedef struct kt_bill_progress {
    int64_t bytes_done, bytes_total;
    long rows, files_done, files;
} kt_bill_progress;

typedef struct kt_bill_import_opts {
    const char *const *paths;
    size_t n_paths;
    enum kt_cost_metric metric;
    void (*progress)(void *ctx, const kt_bill_progress *p);
    void *progress_ctx;
} kt_bill_import_opts;

typedef struct kt_bill_import_result {
    long files, rows, broken, by_problem[FOCUS_P_COUNT], periods, periods_replaced, extra_columns;
    char versions[32], ignored[256];
    kt_recon_stats recon;
} kt_bill_import_result;

int bill_import(kt_store *s, const kt_bill_import_opts *o, kt_bill_import_result *r, kt_err *err);

#endif

/* import_focus.c — `kubetally import focus PATH…`: FOCUS cloud bills into
 * the store, then the cluster assets repriced to what was billed
 * (src/bills/import.h), and the reconciliation shown. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bills/import.h"
#include "cmd/cmd.h"
#include "cmd/flags.h"
#include "util/buf.h"
#include "util/log.h"

static const kt_flag flags[] = {
    {"--cost-metric", "cost_metric", 0, NULL},
    {"--db", "db", 0, NULL},
    {"--quiet", "quiet", 1, "-q"},
    {NULL, NULL, 0, NULL},
};

static const char summary[] =
    "Import FOCUS cloud bills (AWS Data Exports, Azure Cost Management, GCP FOCUS view; FOCUS 1.0-1.2),\n"
    "then reprice the clusters' nodes, disks and load balancers to what was billed.\n"
    "  kubetally import focus PATH... [--cost-metric EffectiveCost|BilledCost|ListCost]\n"
    "    PATH                  .csv or .csv.gz files, or folders holding them; one call is one import\n"
    "                          (give all parts of a billing period together); a period imported again\n"
    "                          replaces the stored one\n"
    "    --cost-metric M       what an asset's day costs once billed (default EffectiveCost: amortised,\n"
    "                          after discounts); Kubecost's AmortizedNetCost and InvoicedCost also work";

typedef struct bar {
    int mode; /* 1 terminal bar, 0 log lines, -1 quiet */
    time_t last;
} bar;

static void progress(void *ud, const kt_bill_progress *p)
{
    bar *b = ud;
    double f = p->bytes_total > 0 ? (double)p->bytes_done / (double)p->bytes_total : 1;
    if (b->mode < 0)
        return;
    if (b->mode) {
        char line[31];
        int n = (int)(f * 30);
        for (int i = 0; i < 30; i++)
            line[i] = i < n ? '#' : '.';
        line[30] = 0;
        fprintf(stderr, "\r[%s] %3.0f%%  %ld rows  file %ld/%ld", line, f * 100, p->rows,
                p->files_done + (p->files_done < p->files), p->files);
        fflush(stderr);
    } else if (time(NULL) - b->last >= 10) {
        b->last = time(NULL);
        log_info("import focus: %3.0f%%, %ld rows", f * 100, p->rows);
    }
}

/* Flags out of argv, the rest are paths. */
static int split(int argc, char **argv, char **fargv, int *fargc, const char **paths, size_t *n)
{
    *fargc = 0, *n = 0;
    fargv[(*fargc)++] = argv[0];
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] != '-') {
            paths[(*n)++] = argv[i];
            continue;
        }
        fargv[(*fargc)++] = argv[i];
        int is_bool = !strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet") || !strcmp(argv[i], "--help") ||
                      !strcmp(argv[i], "-h");
        if (!is_bool && !strchr(argv[i], '=') && i + 1 < argc)
            fargv[(*fargc)++] = argv[++i];
    }
    return 0;
}

static void print_result(const kt_bill_import_result *r, kt_store *s, double secs)
{
    printf("imported %ld rows from %ld file%s (FOCUS %s) into %s in %.1f s: %ld billing period%s "
           "(%ld replaced), %ld x_ columns kept\n",
           r->rows, r->files, r->files == 1 ? "" : "s", r->versions, store_describe(s), secs, r->periods,
           r->periods == 1 ? "" : "s", r->periods_replaced, r->extra_columns);
    if (r->broken) {
        printf("%ld rows break the FOCUS spec (imported, counted here):\n", r->broken);
        for (int k = 0; k < FOCUS_P_COUNT; k++)
            if (r->by_problem[k])
                printf("  %8ld  %s\n", r->by_problem[k], focus_problem_names[k]);
    }
    if (r->ignored[0])
        printf("columns not kept (not FOCUS, no x_ prefix): %s\n", r->ignored);
    const kt_recon_stats *c = &r->recon;
    printf("reconciled %ld asset-days to the bill (estimate %.2f → billed %.2f); %ld restored to the estimate, "
           "%ld in another currency than their cluster (kept estimated), %ld with no estimate to scale\n",
           c->reconciled, c->estimate, c->applied, c->restored, c->currency_mismatch, c->zero_estimate);
    if (c->reconciled)
        printf("per cluster and provider, and the assets the bill does not name: "
               "kubetally cloudcost --reconciliation --window W\n");
}

int cmd_import_focus(int argc, char **argv)
{
    kt_err err = {0};
    kt_params p;
    char **fargv = xcalloc((size_t)argc + 1, sizeof *fargv);
    const char **paths = xcalloc((size_t)argc + 1, sizeof *paths);
    int fargc;
    size_t n;
    split(argc, argv, fargv, &fargc, paths, &n);
    int rc = flags_parse(flags, fargc, fargv, &p, &err);
    if (!rc && p.help) {
        flags_usage("import focus", summary, flags);
        free(fargv), free(paths);
        return 0;
    }
    kt_bill_import_opts o = {paths, n, KT_METRIC_EFFECTIVE, progress, NULL};
    if (!rc && !n)
        rc = kt_fail(&err, KT_EINPUT, "give the FOCUS files or folders to import (kubetally import focus PATH...)");
    if (!rc && params_get(&p, "cost_metric"))
        rc = bill_parse_metric(params_get(&p, "cost_metric"), &o.metric, &err);
    kt_store *s = NULL;
    if (!rc)
        rc = store_open(params_get(&p, "db"), KT_STORE_CREATE, &s, &err);
    bar b = {params_get(&p, "quiet") ? -1 : isatty(2), 0};
    o.progress_ctx = &b;
    kt_bill_import_result r;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (!rc)
        rc = bill_import(s, &o, &r, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (b.mode == 1)
        fputc('\n', stderr);
    if (!rc)
        print_result(&r, s, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    store_close(s);
    free(fargv), free(paths);
    if (rc) {
        kt_wrap(&err, "nothing imported, the store is unchanged: ");
        return cmd_report("import focus", &err);
    }
    return 0;
}

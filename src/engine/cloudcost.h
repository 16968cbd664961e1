/* cloudcost.h — what the cloud bill says over a window: cloud costs
 * grouped like OpenCost's /cloudCost, the reconciliation of the clusters'
 * assets with the bill, and team totals (Kubernetes allocation + tagged
 * cloud services outside Kubernetes).  Reached through engine_ask
 * (KT_ASK_CLOUDCOST); outputs only format the result.
 *
 * Rules:
 *  - Cloud costs are daily, as OpenCost's are: the window is widened to
 *    whole UTC days (cloudcost_window), which is also what the reply's
 *    window says and what a label aggregate's allocation covers.
 *  - Every bill row in the window counts, prorated by how much of its
 *    charge period is inside.  Rows naming a cluster asset (a node, disk or
 *    load balancer kubetally meters) are Kubernetes cost: they give each
 *    item its kubernetesPercent, and team totals leave them out of the
 *    cloud part because the allocation already holds them.
 *  - Costs in different currencies are never added: an item holds one
 *    currency; when the window holds several, keys carry "/<currency>" and
 *    `currencies` lists them.
 *  - aggregate: comma list of provider, account (SubAccountId, else the
 *    billing account), invoiceEntityID (billing account), service,
 *    category, region, label:KEY (the bill's tag KEY, also AWS's
 *    "user:KEY", in any case, beside the Kubernetes label KEY) or
 *    label:LABEL=TAG (the bill's tag TAG stands for the Kubernetes label
 *    LABEL); values missing are "__unallocated__". */
#ifndef KT_CLOUDCOST_H
#define KT_CLOUDCOST_H

#include <stddef.h>

#include "engine/window.h"
#include "store/dataset.h"
#include "store/store.h"

typedef struct kt_cloud_item {
    char *name;
    /* properties every member shares ("" when they differ) */
    char provider[32], account[128], invoice_entity[128], service[128], category[64], region[64];
    char label_key[64], label_value[128], currency[8];
    double list, billed, effective;             /* all rows */
    double list_k8s, billed_k8s, effective_k8s; /* rows naming cluster assets */
    int has_alloc;                              /* label aggregate: the label's Kubernetes allocation */
    double alloc;                               /* in alloc_currency */
} kt_cloud_item;

/* One asset of a cluster whose provider is on the bill: what reconciling
 * made of its days in the window (matched), or its estimate (not). */
typedef struct kt_recon_asset {
    char cluster[128], provider[32], kind[16], name[256], currency[8];
    int matched;
    double estimate, applied, billed, effective, list;
    long days;
} kt_recon_asset;

typedef struct kt_cloud_result {
    kt_window window;
    kt_cloud_item *items;
    size_t n, cap;
    char currencies[64];   /* comma list of the currencies seen */
    int has_bill;          /* any bill row in the window */
    char alloc_currency[8];
    kt_recon_asset *recon;
    size_t n_recon, recon_cap;
} kt_cloud_result;

/* ds: the window's facts summed (for label aggregates' allocation). */
int cloudcost_compute(kt_store *s, const kt_dataset *ds, kt_window w, const char *aggregate, kt_cloud_result *out,
                      kt_err *err);
/* The window a cloud-cost question answers: w widened to whole UTC days. */
kt_window cloudcost_window(kt_window w);
/* Check an aggregate without reading anything. */
int cloudcost_check_aggregate(const char *aggregate, kt_err *err);
void cloudcost_free(kt_cloud_result *r);

/* kubernetesPercent of one cost (0 when the cost is 0). */
double cloudcost_k8s_percent(double k8s, double total);

#endif

/* reconcile.h — cluster assets priced at what the bill says they cost.
 *
 * bill_reconcile, inside the caller's transaction:
 *  1. keys every node, volume and load balancer the store knows by the id a
 *     bill names it with (focus_resource_key of its providerID, volume id,
 *     or the ELB name in its hostname), and records those keys as cluster
 *     assets (store_bill_set_k8s): their bill rows are Kubernetes cost,
 *     never "cloud cost outside Kubernetes", so nothing counts twice;
 *  2. sums, per asset and UTC day, the bill rows naming it (a row spanning
 *     days is split by overlap); rows naming an Azure scale set as a whole
 *     are split among its instances with hours that day by their estimates;
 *  3. per asset-day stored (hourly, or daily past hourly retention):
 *     reprices the day so its cost is the
 *     chosen metric of the bill (EffectiveCost by default), keeping the
 *     estimate, BilledCost, EffectiveCost and ListCost in bill_recon.  A day
 *     the bill no longer names gets its estimate back.  A bill in another
 *     currency than the cluster's is not applied (counted; never mixed).
 *     A negative day (credits larger than the usage) is applied as 0
 *     (its prices kept at 1e-12 of the estimate, so they scale back).
 * Allocations then follow: settlement splits the new node price among CPU,
 * RAM and GPU as before. */
#ifndef KT_BILLS_RECONCILE_H
#define KT_BILLS_RECONCILE_H

#include "store/store.h"

enum kt_cost_metric { KT_METRIC_EFFECTIVE, KT_METRIC_BILLED, KT_METRIC_LIST };

/* EffectiveCost | BilledCost | ListCost, or Kubecost's costMetric names
 * AmortizedNetCost | InvoicedCost | ListCost (any case). */
int bill_parse_metric(const char *s, enum kt_cost_metric *m, kt_err *err);
const char *bill_metric_name(enum kt_cost_metric m);

typedef struct kt_recon_stats {
    long assets_keyed, asset_days, reconciled, restored, zero_estimate, currency_mismatch;
    double estimate, applied; /* over the days reconciled now */
} kt_recon_stats;

int bill_reconcile(kt_store *s, enum kt_cost_metric m, kt_recon_stats *st, kt_err *err);
/* After `kubetally reprice` wrote estimates over [lo, hi): forget the old
 * records there and reconcile again with the metric of the last import
 * (meta bill_cost_metric), so repricing never silently undoes the bill. */
int bill_reconcile_after_reprice(kt_store *s, int64_t lo, int64_t hi, kt_recon_stats *st, kt_err *err);

/* The key an asset is matched on (exposed for the tests): kind 0 node
 * (providerID), 1 volume (provider id), 2 load balancer (address). */
void bill_asset_key(int kind, const char *provider_id, char *buf, size_t n);

#endif

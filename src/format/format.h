/* format.h — turning engine results into bytes: OpenCost JSON, CSV, tables.
 *
 * The CLI (-o json|csv|table) and the HTTP API call the same functions, so
 * `kubetally allocation -o json` and GET /allocation return identical bytes
 * for the same query.  JSON follows OpenCost's field names and order:
 *   {"code":200,"status":"success","data":[{"<name>":{allocation}, …}, …]}
 * one map per set, the sets of every reply of the answer in order (a query
 * cut by calendar weeks or months is one question per set, query.h). */
#ifndef KT_FORMAT_H
#define KT_FORMAT_H

#include "engine/allocation.h"
#include "engine/assets.h"
#include "engine/engine.h"
#include "store/store.h"
#include "util/buf.h"

/* `agg` is the query's grouping: where it has `controller`, an allocation's
 * name carries the controller's kind as OpenCost's keys do
 * ("deployment:api", "cluster-a/shop/deployment:api"). */
void format_alloc_json(const kt_answer *a, const kt_aggregate *agg, kt_buf *out);
/* One row per allocation and set: window,name,cpuCoreHours,…,totalCost. */
void format_alloc_csv(const kt_answer *a, const kt_aggregate *agg, kt_buf *out);
/* Aligned columns, sorted by cost, money with currency, totals line;
 * `label` names the grouping column ("namespace", "label:team"). */
void format_alloc_table(const kt_answer *a, const kt_aggregate *agg, const char *label, kt_buf *out);
/* An allocation's name as the API shows it (the kind: prefix above) into out (reset first). */
void format_alloc_name(const kt_alloc *a, const kt_aggregate *agg, const kt_strtab *s, kt_buf *out);

/* OpenCost's /assets: {"code":200,"status":"success","data":{NAME:{asset},…}};
 * range ⇒ "data":[{…}], one set, as Kubecost's /model/assets and
 * kubectl-cost read it.  Node rows carry cpuBreakdown/ramBreakdown. */
void format_assets_json(const kt_asset_result *r, int range, kt_buf *out);
void format_assets_csv(const kt_asset_result *r, kt_buf *out);
void format_assets_table(const kt_asset_result *r, kt_buf *out);

/* `kubetally clusters -o json|csv` and GET /clusters: name, provider,
 * region, source, nodes, pods, lastContact, lastError, firstFact, lastFact
 * (times RFC3339, null when unknown). */
void format_clusters_json(const kt_cluster_status *c, size_t n, kt_buf *out);
void format_clusters_csv(const kt_cluster_status *c, size_t n, kt_buf *out);

/* Container request right-sizing (engine/savings.h): Kubecost's
 * requestSizingV2 array (plus risk{cpu,memory}, averageReplicas and
 * monthlyCarbonSavings in kg CO2e); one element; a table; and one
 * `kubectl patch … --type strategic` line per workload. */
void format_rs_json(const kt_rs_result *r, kt_buf *out);
void format_rs_item_json(const kt_rs_rec *r, kt_buf *out);
void format_rs_table(const kt_rs_result *r, kt_buf *out);
void format_rs_patch(const kt_rs_result *r, kt_buf *out);
/* The patch line of the workload r->items[i] belongs to. */
void format_rs_patch_one(const kt_rs_result *r, size_t i, kt_buf *out);
/* Every savings kind (engine/savings.h): GET /savings's body
 * {"code":200,"data":{currency,totalMonthlySavings,totalMonthlyCarbonSavings,
 * count,byKind[],byCluster[],byTeam[],items[]}} and the CLI summary table. */
void format_savings_json(const kt_savings_result *r, kt_buf *out);
/* PV right-sizing: GET /savings/persistentVolumeSizing's body (Kubecost's
 * recommendation fields) and `kubetally savings volumes`' table. */
void format_pv_json(const kt_pv_result *r, kt_buf *out);
void format_pv_table(const kt_pv_result *r, kt_buf *out);
/* Abandoned workloads: GET /savings/abandonedWorkloads' body (a JSON array
 * of Kubecost's items: pod, namespace, node, clusterId, clusterName,
 * owners[{name, kind}], ingressBytesPerSecond, egressBytesPerSecond,
 * allocation/requests/usage{cpuCores, ramBytes}, monthlySavings; plus
 * workloadBytesPerSecond and team) and `kubetally savings abandoned`' table. */
void format_ab_json(const kt_ab_result *r, kt_buf *out);
void format_ab_table(const kt_ab_result *r, kt_buf *out);
void format_savings_table(const kt_savings_result *r, kt_buf *out);
/* Cluster right-sizing (engine/savings_cluster.h): Kubecost's
 * clusterSizingETL body {"code":200,"data":{CLUSTER:{recommendations{single,
 * multi}, parameters, preferences, currentClusterInfo}}}; the comparison
 * {"code":200,"data":[{cluster, provider, region, pricedTypes,
 * currentMonthlyCost, single, multi}]}; and one table for either. */
void format_cs_json(const kt_cs_result *r, kt_buf *out);
void format_compare_json(const kt_cs_result *r, kt_buf *out);
void format_cs_table(const kt_cs_result *r, int compare, const char *currency, kt_buf *out);
/* Kubernetes quantities as Kubecost writes them: CPU in whole millicores
 * ("250m", rounded up); memory in whole Mi ("512Mi") when it is whole Mi or
 * at least 1 Gi (rounded up), else bytes. */
void format_cpu_quantity(double cores, char *out, size_t n);
void format_memory_quantity(double bytes, char *out, size_t n);

/* Append a CSV field, quoted when needed; a leading = + - @ is defused
 * with an apostrophe so a spreadsheet never runs it as a formula. */
void format_csv_field(kt_buf *out, const char *s);

/* {"code":400,"message":"…"} — the API's error body. */
void format_error_json(int code, const char *message, kt_buf *out);
/* "$1,234.56" style money with the currency code when not USD. */
void format_money(double v, const char *currency, char *buf, size_t n);

#endif

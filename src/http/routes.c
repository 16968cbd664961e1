/* routes.c — the route table and response helpers; see app.h. */
#include "http/app.h"

#include <string.h>

#include "format/format.h"
#include "http/posture_api.h"

static const char *const alloc_params[] = {
    "window", "aggregate", "step", "accumulate", "accumulateBy", "idle", "includeIdle", "shareIdle", "idleByNode",
    "filter", "shareNamespaces", "shareLabels", "shareCost", "shareSplit", "shareTenancyCosts", "resolution",
    "metrics", "format", "filterClusters", "filterNodes", "filterNamespaces", "filterControllerKinds",
    "filterControllers", "filterPods", "filterContainers", "filterServices", "filterLabels", "filterAnnotations",
    NULL};
static const char *const assets_params[] = {"window", "aggregate", "format", "includeIdle", "accumulate", "step",
                                           "filterTypes", NULL};
/* what the UI sends to its cloud and external cost widgets */
static const char *const cost_view_params[] = {"window", "aggregate", "costMetric", "accumulate", "filter", "limit",
                                               "offset", "sortBy", "sortDirection", "costType", NULL};
static const char *const format_only[] = {"format", NULL};
/* what kubectl cost predict sends (pkg/cmd/predict.go) */
static const char *const predict_params[] = {"clusterID", "defaultNamespace", "windowResourceCost", "windowAvgUsage",
                                             "noUsage", NULL};
static const char *const none[] = {NULL};
static const char *const dash_params[] = {"window", "aggregate", "filter", "idle", NULL};
static const char *const dash_assets_params[] = {"window", "aggregate", NULL};
static const char *const budget_params[] = {"id", NULL};
static const char *const cs_params[] = {"window", "range", "profile", "targetUtilization", "minNodeCount",
                                        "allowSharedCore", "architecture", "filter", "to", NULL};
static const char *const dash_savings_params[] = {"window", "sortBy", "sortByOrder", "filter", "aggregate", NULL};
/* Kubecost's requestSizingV2 parameters (includeLabelsAndAnnotations accepted, ignored) */
static const char *const rs_params[] = {"window", "algorithmCPU", "algorithmRAM", "qCPU", "qRAM",
                                        "targetCPUUtilization", "targetRAMUtilization", "minRecCPUMillicores",
                                        "minRecRAMBytes", "filter", "sortBy", "sortByOrder",
                                        "includeLabelsAndAnnotations", NULL};
static const char *const savings_params[] = {"window", "teamLabel", "threshold", "cpuThreshold", "targetCPUUtilization",
                                             "targetRAMUtilization", "filter", "headroomPct", NULL};
static const char *const pv_params[] = {"window", "headroomPct", "teamLabel", NULL};
static const char *const ab_params[] = {"days", "window", "threshold", "cpuThreshold", "teamLabel", NULL};
static const char *const forecast_params[] = {
    "window", "aggregate", "filter", "idle", "includeIdle", "shareIdle", "idleByNode", "shareNamespaces", "shareLabels",
    "shareCost", "shareSplit", "shareTenancyCosts", "predictionWindow", "days", "backtest", "filterClusters",
    "filterNodes", "filterNamespaces", "filterControllerKinds", "filterControllers", "filterPods", "filterContainers",
    "filterServices", "filterLabels", "filterAnnotations", NULL};

static const kt_route routes[] = {
    /* path, handler, params, public, needs store, page, cacheable, POST with a body, write handler */
    {"/allocation", api_allocation, alloc_params, 0, 1, 0, 1, 0, NULL},
    {"/allocation/compute", api_allocation, alloc_params, 0, 1, 0, 1, 0, NULL},
    {"/assets", api_assets, assets_params, 0, 1, 0, 1, 0, NULL},
    {"/model/assets", api_assets_range, assets_params, 0, 1, 0, 1, 0, NULL},
    {"/getConfigs", api_configs, none, 0, 1, 0, 1, 0, NULL},
    {"/clusterInfo", api_cluster_info, none, 0, 1, 0, 1, 0, NULL},
    {"/cloudCost", api_cloud_cost, cost_view_params, 0, 1, 0, 1, 0, NULL},
    {"/cloudCost/reconciliation", api_cloud_reconciliation, cost_view_params, 0, 1, 0, 1, 0, NULL},
    {"/cloudCost/view/graph", api_cost_list, cost_view_params, 0, 0, 0, 0, 0, NULL},
    {"/cloudCost/view/table", api_cost_list, cost_view_params, 0, 0, 0, 0, 0, NULL},
    {"/cloudCost/view/totals", api_cloud_cost_totals, cost_view_params, 0, 0, 0, 0, 0, NULL},
    {"/cloudCost/status", api_cost_list, none, 0, 0, 0, 0, 0, NULL},
    {"/customCost/total", api_custom_cost_total, cost_view_params, 0, 0, 0, 0, 0, NULL},
    {"/customCost/timeseries", api_custom_cost_timeseries, cost_view_params, 0, 0, 0, 0, 0, NULL},
    {"/customCost/status", api_cost_list, none, 0, 0, 0, 0, 0, NULL},
    {"/prediction/speccost", api_predict_speccost, predict_params, 0, 1, 0, 0, 1, NULL},
    {"/clusters", api_clusters, format_only, 0, 1, 0, 1, 0, NULL},
    {"/posture", api_posture, none, 0, 1, 0, 0, 0, NULL},
    {"/health", api_health, none, 0, 1, 0, 0, 0, NULL},
    {"/healthz", api_healthz, none, 1, 0, 0, 0, 0, NULL},
    {"/readyz", api_readyz, none, 1, 1, 0, 0, 0, NULL},
    {"/budgets", api_budgets, none, 0, 1, 0, 0, 0, NULL},
    {"/alerts", api_alerts, none, 0, 1, 0, 0, 0, NULL},
    {"/forecast", api_forecast, forecast_params, 0, 1, 0, 1, 0, NULL},
    {"/forecasting/forecast/allocation", api_forecast, forecast_params, 0, 1, 0, 1, 0, NULL},
    {"/budget", NULL, budget_params, 0, 0, 0, 0, 0, api_budget_write},
    {"/deleteBudget", NULL, budget_params, 0, 0, 0, 0, 0, api_budget_write},
    {"/alert", NULL, budget_params, 0, 0, 0, 0, 0, api_alert_write},
    {"/alerts/configs", api_alert_configs, none, 0, 1, 0, 0, 0, NULL},
    {"/alerts/status", api_alert_status, none, 0, 1, 0, 0, 0, NULL},
    {"/metrics", api_metrics, none, 0, 2, 0, 0, 0, NULL}, /* the collector's and spool's health even when the database is away */
    {"/savings", api_savings, savings_params, 0, 1, 0, 1, 0, NULL},
    {"/savings/clusterSizing", api_savings_cluster, cs_params, 0, 1, 0, 1, 0, NULL},
    {"/savings/clusterSizingETL", api_savings_cluster, cs_params, 0, 1, 0, 1, 0, NULL},
    {"/savings/compare", api_savings_compare, cs_params, 0, 1, 0, 1, 0, NULL},
    {"/savings/persistentVolumeSizing", api_savings_volumes, pv_params, 0, 1, 0, 1, 0, NULL},
    {"/savings/abandonedWorkloads", api_savings_abandoned, ab_params, 0, 1, 0, 1, 0, NULL},
    {"/savings/requestSizingV2", api_savings_requests, rs_params, 0, 1, 0, 1, 0, NULL},
    {"/savings/requestSizingV2/topline", api_savings_requests_topline, rs_params, 0, 1, 0, 1, 0, NULL},
    {"/", dash_overview, none, 0, 1, 1, 1, 0, NULL},
    {"/ui/cost", dash_cost, dash_params, 0, 1, 1, 1, 0, NULL},
    {"/ui/assets", dash_assets, dash_assets_params, 0, 1, 1, 1, 0, NULL},
    {"/ui/cloud", dash_cloud, dash_assets_params, 0, 1, 1, 1, 0, NULL},
    {"/ui/prices", dash_prices, format_only, 0, 1, 1, 1, 0, NULL},
    {"/ui/posture", dash_posture, none, 0, 1, 1, 0, 0, NULL},
    {"/ui/savings", dash_savings, dash_savings_params, 0, 1, 1, 1, 0, NULL},
    {"/ui/budgets", dash_budgets, none, 0, 1, 1, 0, 0, NULL},
    {"/ui/alerts", dash_alerts, none, 0, 1, 1, 0, 0, NULL},
    /* the sign-in page needs the stylesheet before a session exists */
    {"/static/app.css", dash_static_css, none, 1, 0, 0, 0, 0, NULL},
    {"/static/app.js", dash_static_js, none, 1, 0, 0, 0, 0, NULL},
};

const kt_route *http_routes(int *n)
{
    *n = (int)(sizeof routes / sizeof *routes);
    return routes;
}

const kt_route *http_route_find(const char *path, int *index)
{
    /* Kubecost serves the API under /model; accept it for its clients
     * (a /model path of its own, such as /model/assets, wins). */
    size_t i = 0;
    while (i < sizeof routes / sizeof *routes && strcmp(path, routes[i].path))
        i++;
    if (i == sizeof routes / sizeof *routes && !strncmp(path, "/model/", 7))
        path += 6;
    for (i = 0; i < sizeof routes / sizeof *routes; i++)
        if (!strcmp(path, routes[i].path)) {
            if (index)
                *index = (int)i;
            return &routes[i];
        }
    return NULL;
}

void http_limits_default(kt_http_limits *l)
{
    l->max_window_s = 400 * 86400LL;
    l->max_steps = 2000;
    l->max_cells = 2e6;
    l->max_results = 50000;
    l->max_rows = 100000;
    l->max_bytes = 32000000;
}

void resp_set(kt_http_resp *r, int status, const char *content_type)
{
    r->status = status;
    r->content_type = content_type;
}

void resp_fail(kt_http_resp *r, const kt_err *err)
{
    resp_json_error(r, err->code == KT_EINPUT ? 400 : 500, err->msg[0] ? err->msg : "failed");
}

void resp_json_error(kt_http_resp *r, int status, const char *message)
{
    buf_reset(&r->body);
    r->filename[0] = 0;
    resp_set(r, status, "application/json");
    format_error_json(status, message, &r->body);
}

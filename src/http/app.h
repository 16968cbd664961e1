/* app.h — what every route handler gets and gives back, and the route table.
 *
 * The server (server.c) owns sockets, TLS, auth, headers and limits; it
 * turns a request into (route, params) and calls the handler with a store
 * handle owned by the calling thread.  Handlers are plain functions from
 * (app, store, params) to a response: no MHD types, so they are testable
 * and the same code answers the API, /metrics and the dashboard.
 *
 * Routes are matched by exact path (an optional "/model" prefix is accepted
 * for Kubecost-style URLs); nothing is ever read from the file system, so
 * there is no path to traverse. */
#ifndef KT_HTTP_APP_H
#define KT_HTTP_APP_H

#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "engine/query.h"
#include "http/params.h"
#include "store/store.h"
#include "util/buf.h"

/* Query-cost limits: one request cannot exhaust memory or CPU (defaults in
 * http_limits_default: 400 days, 2000 steps, 2e6 cells, 50000 results, 100000 rows). */
typedef kt_engine_limits kt_http_limits;

enum { KT_ROUTES_MAX = 64 };

typedef struct kt_route_stats {
    unsigned long requests, errors_4xx, errors_5xx;
    unsigned long bucket[12]; /* latency histogram, see health.c */
    double seconds;
} kt_route_stats;

typedef struct kt_http_cache kt_http_cache; /* cache.h */

typedef struct kt_http_app {
    const char *db_url;
    kt_http_limits limits;
    int64_t started;
    int auth_enabled, tls_enabled;
    kt_route_stats stats[KT_ROUTES_MAX]; /* indexed like the route table; guarded by stats_lock */
    void *stats_lock;                    /* pthread_mutex_t*, owned by the server */
    kt_http_cache *cache;                /* NULL ⇒ no answer cache */
    /* Metrics only the running process knows (the live collector's watch
     * restarts, relists, errors), appended to /metrics; may be NULL. */
    void (*live_metrics)(void *ud, kt_buf *out);
    void *live_metrics_ud;
    /* /posture, /health and their metrics (posture_api.h); NULL ⇒ 404 */
    struct kt_posture_service *posture;
    /* Called after a budget is created, changed or deleted over the API
     * (serve evaluates budgets at once); may be NULL. */
    void (*budgets_changed)(void *ud);
    void *budgets_changed_ud;
} kt_http_app;

typedef struct kt_http_resp {
    int status;
    const char *content_type; /* static string */
    char filename[96];        /* set ⇒ Content-Disposition: attachment */
    char location[128];       /* set ⇒ Location (redirects) */
    char cookie[192];         /* set ⇒ Set-Cookie */
    int cached;               /* answered from the cache */
    int retry_after;          /* > 0 ⇒ Retry-After (seconds), with 503 */
    kt_buf body;
} kt_http_resp;

typedef void (*kt_http_handler)(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now,
                                kt_http_resp *r);

/* A route that changes state: POST (a JSON body, at most KT_HTTP_MAX_BODY
 * bytes, Content-Type application/json so no cross-site form can send it)
 * or DELETE.  It opens its own writable store handle (the pool threads'
 * handles are read-only).  body is NUL-terminated. */
#define KT_HTTP_MAX_BODY 65536
typedef void (*kt_http_write_handler)(kt_http_app *app, const char *method, const kt_http_params *p,
                                      const char *body, size_t len, int64_t now, kt_http_resp *r);

typedef struct kt_route {
    const char *path;
    kt_http_handler handler; /* GET and HEAD; NULL ⇒ 405 */
    const char *const *params; /* accepted parameter names, NULL-terminated */
    int public_;               /* served without the bearer token (probes) */
    int needs_store;              /* 2: answers without one too (handler gets NULL) */
    int page;                  /* a dashboard page: without a session, redirect to /login */
    int cacheable;             /* answers depend only on params, store and minute (cache.h) */
    int post;                  /* served for POST only, with the body in params->body (≤ 1 MiB) */
    kt_http_write_handler write; /* POST and DELETE; NULL ⇒ 405 */
} kt_route;

/* Find the route for a path; NULL ⇒ 404.  *index gets its table position. */
const kt_route *http_route_find(const char *path, int *index);
/* The table itself (for /metrics labels); n routes. */
const kt_route *http_routes(int *n);

void http_limits_default(kt_http_limits *l);
/* Refuse a query whose cost is over the limits: window length, number of
 * steps (step 0 ⇒ one), and, once loaded, containers × steps.  containers
 * 0 skips the last check (used before loading).  Messages name the
 * parameter to change. */

/* Response helpers. */
void resp_json_error(kt_http_resp *r, int status, const char *message);
/* A kt_err as the API's error body: 400 for input errors, 500 otherwise. */
void resp_fail(kt_http_resp *r, const kt_err *err);
void resp_set(kt_http_resp *r, int status, const char *content_type);

/* Handlers (api.c, metrics_route.c, dash_*.c). */
void api_allocation(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void api_assets(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void api_assets_range(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void api_clusters(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
/* compat.c */
void api_configs(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void api_cluster_info(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void api_cloud_cost(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void api_cloud_reconciliation(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void api_cost_list(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void api_cloud_cost_totals(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void api_custom_cost_total(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void api_predict_speccost(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void api_custom_cost_timeseries(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void api_healthz(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void api_readyz(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void api_metrics(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
/* api_savings.c: Kubecost's /savings/persistentVolumeSizing (format_pv_json) */
void api_savings_volumes(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void api_savings_abandoned(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
/* api_savings.c: Kubecost's /savings/requestSizingV2 (a JSON array) and its /topline */
void api_savings_requests(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void api_savings_requests_topline(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
/* The price catalog and imported lists for the savings pages (spot
 * candidates, cluster sizing); NULL when the lists do not load. */
struct kt_pricing *http_savings_pricing(void);
/* Parse the savings parameters from get/ctx, load the prices and ask
 * (what /savings and /ui/savings share). */
int http_ask_savings(kt_http_app *app, kt_store *s, kt_param_get get, void *ctx, int64_t now, kt_answer *a,
                     kt_err *err);
/* /savings: every kind at once (format_savings_json) */
void api_savings(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
/* /savings/clusterSizing (Kubecost's clusterSizingETL body) and /savings/compare?to= */
void api_savings_cluster(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void api_savings_compare(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void dash_overview(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void dash_cost(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void dash_assets(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void dash_prices(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void dash_cloud(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *); /* dash_cloud.c */
void dash_savings(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
/* dash_alerts.c: /ui/budgets and /ui/alerts (views of GET /budgets and GET /alerts) */
void dash_budgets(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void dash_alerts(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void dash_static_css(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void dash_static_js(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
/* api_budgets.c: GET /budgets; POST /budget, DELETE /budget?id= (and Kubecost's /deleteBudget?id=) */
void api_budgets(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void api_alerts(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
/* api_budgets.c: POST /alert, DELETE /alert?id=, GET /alerts/configs (alert rules over the API) */
void api_alert_write(kt_http_app *, const char *, const kt_http_params *, const char *, size_t, int64_t,
                     kt_http_resp *);
void api_alert_configs(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void api_alert_status(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
/* api_forecast.c: GET /forecast, /forecasting/forecast/allocation (Kubecost's forecast answer) */
void api_forecast(kt_http_app *, kt_store *, const kt_http_params *, int64_t, kt_http_resp *);
void api_budget_write(kt_http_app *, const char *, const kt_http_params *, const char *, size_t, int64_t,
                      kt_http_resp *);

#endif

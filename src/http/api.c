/* api.c — the JSON/CSV API: /allocation, /assets, /clusters, probes.
 *
 * /allocation parses its parameters with alloc_query_parse and formats with
 * format_alloc_json, exactly as `kubetally allocation -o json` does, so the
 * two return the same bytes for the same query. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/assets.h"
#include "engine/query.h"
#include "engine/window.h"
#include "format/format.h"
#include "http/app.h"

int http_query_cost(const kt_http_limits *l, int64_t start, int64_t end, int64_t step, size_t containers,
                    kt_err *err)
{
    int64_t span = end - start;
    if (span > l->max_window_s)
        return kt_fail(err, KT_EINPUT, "window: %lld days is longer than this server allows (%lld days)",
                       (long long)(span / 86400), (long long)(l->max_window_s / 86400));
    long steps = step > 0 ? (long)((span + step - 1) / step) : 1;
    if (steps > l->max_steps)
        return kt_fail(err, KT_EINPUT, "step: %ld steps over the window; at most %ld (use a longer step or "
                       "a shorter window)", steps, l->max_steps);
    if (containers && (double)containers * (double)steps > l->max_cells)
        return kt_fail(err, KT_EINPUT, "window: %zu containers × %ld steps is more than this server computes in "
                       "one request; narrow the window or use a longer step", containers, steps);
    return 0;
}

/* The answer's size is bounded too: rows over all steps, before formatting
 * (JSON is ~1.5 kB a row). */
static int too_many_rows(const kt_http_limits *l, const kt_alloc_result *res, kt_err *err)
{
    size_t rows = 0;
    for (size_t i = 0; i < res->n; i++)
        rows += res->sets[i].n;
    if (rows > l->max_rows)
        return kt_fail(err, KT_EINPUT, "aggregate: %zu rows over %zu steps is more than this server returns (%zu); "
                       "aggregate more coarsely, filter, or use a longer step", rows, res->n, l->max_rows);
    return 0;
}

/* format=json (default) or csv; anything else is a 400. */
static int want_csv(const kt_http_params *p, kt_http_resp *r)
{
    const char *f = http_params_get((void *)p, "format");
    if (!f || !strcmp(f, "json"))
        return 0;
    if (!strcmp(f, "csv"))
        return 1;
    resp_json_error(r, 400, "format: expected json or csv");
    return -1;
}

/* 200 with JSON, or with CSV as a download named `filename`. */
static void ok(kt_http_resp *r, int csv, const char *filename)
{
    resp_set(r, 200, csv ? "text/csv; charset=utf-8" : "application/json");
    if (csv)
        snprintf(r->filename, sizeof r->filename, "%s", filename);
}

/* Input errors are the caller's (400); anything else is ours (500). */
static void fail(kt_http_resp *r, const kt_err *err)
{
    resp_json_error(r, err->code == KT_EINPUT ? 400 : 500, err->msg[0] ? err->msg : "failed");
}

void api_allocation(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    kt_err err = {0};
    int csv = want_csv(p, r);
    if (csv < 0)
        return;
    kt_alloc_query q;
    kt_query_holder h;
    if (alloc_query_parse(http_params_get, (void *)p, now, &q, &h, &err) ||
        http_query_cost(&app->limits, q.window.start, q.window.end, q.accumulate ? 0 : q.step, 0, &err)) {
        query_holder_free(&h);
        fail(r, &err);
        return;
    }
    q.max_results = app->limits.max_results;
    kt_dataset ds;
    kt_alloc_result res;
    int rc = store_load(s, q.window.start, q.window.end, alloc_query_needs_hours(&q), &ds, &err);
    if (!rc)
        rc = http_query_cost(&app->limits, q.window.start, q.window.end, q.accumulate ? 0 : q.step,
                             ds.n_containers, &err);
    if (!rc && !(rc = alloc_compute(&ds, &q, &res, &err)) && (rc = too_many_rows(&app->limits, &res, &err)))
        alloc_result_free(&res);
    if (!rc) {
        ok(r, csv, "allocation.csv");
        csv ? format_alloc_csv(&res, &r->body) : format_alloc_json(&res, &r->body);
        alloc_result_free(&res);
    }
    ds_free(&ds);
    query_holder_free(&h);
    if (rc)
        fail(r, &err);
}

void api_assets(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    kt_err err = {0};
    int csv = want_csv(p, r);
    if (csv < 0)
        return;
    const char *win = http_params_get((void *)p, "window"), *agg = http_params_get((void *)p, "aggregate");
    kt_window w;
    kt_asset_result res;
    if (!win) {
        resp_json_error(r, 400, "window: required, e.g. window=7d");
        return;
    }
    if (window_parse(win, now, &w, &err) ||
        http_query_cost(&app->limits, w.start, w.end, 0, 0, &err) ||
        assets_compute(&(kt_dataset){0}, w, agg, &res, &err)) { /* validates aggregate before loading */
        fail(r, &err);
        return;
    }
    assets_free(&res);
    kt_dataset ds;
    int rc = store_load(s, w.start, w.end, 0, &ds, &err);
    if (!rc && !(rc = assets_compute(&ds, w, agg, &res, &err))) {
        ok(r, csv, "assets.csv");
        csv ? format_assets_csv(&res, &r->body) : format_assets_json(&res, &r->body);
        assets_free(&res);
    }
    ds_free(&ds);
    if (rc)
        fail(r, &err);
}


/* /clusters: the store's per-cluster health; JSON fields as the CLI's
 * `clusters -o json`, plus firstFact and lastFact. */
void api_clusters(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    kt_err err = {0};
    kt_cluster_status *c;
    size_t n;
    int csv = want_csv(p, r);
    if (csv < 0)
        return;
    if (store_cluster_status(s, &c, &n, &err)) {
        fail(r, &err);
        return;
    }
    kt_buf *b = &r->body;
    if (csv) {
        ok(r, 1, "clusters.csv");
        format_clusters_csv(c, n, b);
        free(c);
        return;
    }
    resp_set(r, 200, "application/json");
    format_clusters_json(c, n, b);
    free(c);
}

void api_healthz(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    resp_set(r, 200, "application/json");
    buf_puts(&r->body, "{\"code\":200,\"status\":\"ok\"}\n");
}

/* Ready once the store answers a query (the server has already opened it). */
void api_readyz(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    kt_err err = {0};
    kt_cluster_status *c;
    size_t n;
    if (store_cluster_status(s, &c, &n, &err)) {
        resp_json_error(r, 503, err.msg);
        return;
    }
    free(c);
    resp_set(r, 200, "application/json");
    buf_printf(&r->body, "{\"code\":200,\"status\":\"ready\",\"clusters\":%zu}\n", n);
}

/* api.c — the JSON/CSV API: /allocation, /assets, /clusters, probes.
 *
 * /allocation parses its parameters with alloc_query_parse and formats with
 * format_alloc_json, exactly as `kubetally allocation -o json` does, so the
 * two return the same bytes for the same query. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/query.h"
#include "engine/window.h"
#include "format/format.h"
#include "http/app.h"

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
    resp_fail(r, err);
}

/* OpenCost's handler defaults includeIdle to false (pkg/costmodel/aggregation.go);
 * the API follows it, the CLI keeps idle on.  `idle` (Kubecost's name) still sets it. */
static const char *api_alloc_param(void *p, const char *name)
{
    const char *v = http_params_get(p, name);
    if (!v && !strcmp(name, "includeIdle") && !http_params_get(p, "idle"))
        return "false";
    return v;
}

void api_allocation(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    kt_err err = {0};
    int csv = want_csv(p, r);
    if (csv < 0)
        return;
    kt_alloc_query q;
    kt_query_holder h;
    kt_answer a;
    if (alloc_query_parse(api_alloc_param, (void *)p, now, &q, &h, &err) ||
        alloc_query_run(s, &q, &h, &app->limits, &a, &err)) {
        query_holder_free(&h);
        fail(r, &err);
        return;
    }
    ok(r, csv, "allocation.csv");
    csv ? format_alloc_csv(&a, &q.agg, &r->body) : format_alloc_json(&a, &q.agg, &r->body);
    engine_answer_free(&a);
    query_holder_free(&h);
}

/* OpenCost's /assets handler ignores aggregate, accumulate and step and
 * answers one set of single assets (its clients group by `type`
 * themselves); kubetally validates them, groups when asked by its own
 * names, and reads aggregate=assetType as OpenCost's per-asset set. */
static void assets(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, int range, kt_http_resp *r)
{
    kt_err err = {0};
    int csv = want_csv(p, r);
    if (csv < 0)
        return;
    const char *win = http_params_get((void *)p, "window"), *agg = http_params_get((void *)p, "aggregate"), *v;
    kt_ask ask = {.kind = KT_ASK_ASSETS, .aggregate = agg && strcmp(agg, "assetType") ? agg : NULL,
                  .types = http_params_get((void *)p, "filterTypes")};
    kt_answer a;
    enum kt_accumulate acc;
    int64_t step;
    if (!win) {
        resp_json_error(r, 400, "window: required, e.g. window=7d");
        return;
    }
    if (((v = http_params_get((void *)p, "accumulate")) && accumulate_parse("accumulate", v, &acc, &err)) ||
        ((v = http_params_get((void *)p, "step")) && *v && duration_parse(v, &step, &err) && kt_wrap(&err, "step: ")) ||
        ((v = http_params_get((void *)p, "includeIdle")) && strcmp(v, "true") && strcmp(v, "false") &&
         kt_fail(&err, KT_EINPUT, "includeIdle: expected true or false")) ||
        window_parse(win, now, &ask.window, &err) || engine_ask(s, &ask, 1, &app->limits, &a, &err)) {
        fail(r, &err);
        return;
    }
    ok(r, csv, "assets.csv");
    csv ? format_assets_csv(&a.replies[0].assets, &r->body) : format_assets_json(&a.replies[0].assets, range, &r->body);
    engine_answer_free(&a);
}

void api_assets(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    assets(app, s, p, now, 0, r);
}

/* Kubecost's /model/assets: the same, as a range of one set (kubectl-cost
 * decodes "data" as []map[string]AssetNode). */
void api_assets_range(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    assets(app, s, p, now, 1, r);
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

/* api_savings.c — the savings API under /savings/… (Kubecost's shapes where
 * Kubecost has the same thing).  Parameters are parsed by the same
 * function as the CLI's flags (engine/savings_params.h) and the body is
 * formatted by the same function, so `kubetally savings requests -o json`
 * and GET /savings/requestSizingV2 return the same bytes. */
#include <string.h>

#include "engine/savings_params.h"
#include "format/format.h"
#include "http/app.h"
#include "pricing/pricing.h"

kt_pricing *http_savings_pricing(void)
{
    kt_pricing *p = NULL;
    kt_pricing_opts o = {NULL, NULL};
    kt_err err = {0};
    return pricing_load(&o, &p, &err) ? NULL : p;
}

/* Ask for request sizing; on failure the response is the error. */
static int ask_requests(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_answer *a,
                        kt_http_resp *r)
{
    kt_err err = {0};
    kt_ask ask = {.kind = KT_ASK_REQUEST_SIZING};
    kt_filter *filter = NULL;
    int rc = rs_params_parse(http_params_get, (void *)p, now, &ask.window, &ask.requests, &filter, &err) ||
             engine_ask(s, &ask, 1, &app->limits, a, &err);
    filter_free(filter);
    if (rc)
        resp_fail(r, &err);
    return rc ? -1 : 0;
}

void api_savings_requests(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    kt_answer a;
    if (ask_requests(app, s, p, now, &a, r))
        return;
    resp_set(r, 200, "application/json");
    format_rs_json(&a.replies[0].requests, &r->body);
    engine_answer_free(&a);
}

/* Kubecost's topline: {TotalMonthlySavings, Count, Recommendations: null}. */
void api_savings_requests_topline(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now,
                                  kt_http_resp *r)
{
    kt_answer a;
    if (ask_requests(app, s, p, now, &a, r))
        return;
    resp_set(r, 200, "application/json");
    buf_puts(&r->body, "{\"TotalMonthlySavings\":");
    buf_json_num(&r->body, a.replies[0].requests.total);
    buf_printf(&r->body, ",\"Count\":%zu,\"Recommendations\":null}\n", a.replies[0].requests.n);
    engine_answer_free(&a);
}

int http_ask_savings(kt_http_app *app, kt_store *s, kt_param_get get, void *ctx, int64_t now, kt_answer *a,
                     kt_err *err)
{
    kt_ask ask = {.kind = KT_ASK_SAVINGS};
    kt_filter *filter = NULL;
    int rc = savings_params_parse(get, ctx, now, &ask.window, &ask.savings, &filter, err);
    kt_pricing *pricing = rc ? NULL : http_savings_pricing();
    ask.savings.pricing = pricing;
    rc = rc || engine_ask(s, &ask, 1, &app->limits, a, err);
    filter_free(filter);
    pricing_free(pricing);
    return rc ? -1 : 0;
}

/* /savings: every kind, totals per kind, cluster and team, and the list. */
void api_savings(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    kt_err err = {0};
    kt_answer a;
    if (http_ask_savings(app, s, http_params_get, (void *)p, now, &a, &err)) {
        resp_fail(r, &err);
        return;
    }
    resp_set(r, 200, "application/json");
    format_savings_json(&a.replies[0].savings, &r->body);
    engine_answer_free(&a);
}

/* /savings/clusterSizing (and Kubecost's /savings/clusterSizingETL), and
 * /savings/compare?to=…: priced from the built-in catalog and any imported
 * price lists, loaded per request (parsing them is cheap next to the
 * store read, and the answer cache keeps repeated asks). */
static void cluster_sizing(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, int compare,
                           kt_http_resp *r)
{
    kt_err err = {0};
    kt_ask ask = {.kind = KT_ASK_CLUSTER_SIZING};
    kt_filter *filter = NULL;
    kt_pricing *pricing = NULL;
    kt_pricing_opts po = {NULL, NULL};
    kt_answer a;
    int rc = cs_params_parse(http_params_get, (void *)p, now, &ask.window, &ask.clusters, &filter, &err);
    if (!rc && compare && !ask.clusters.to)
        rc = kt_fail(&err, KT_EINPUT, "to: required, e.g. to=gcp:europe-west1,azure:westeurope");
    if (!rc && !compare && ask.clusters.to)
        rc = kt_fail(&err, KT_EINPUT, "to: only on /savings/compare");
    rc = rc || pricing_load(&po, &pricing, &err);
    ask.clusters.pricing = pricing;
    rc = rc || engine_ask(s, &ask, 1, &app->limits, &a, &err);
    filter_free(filter);
    pricing_free(pricing);
    if (rc) {
        resp_fail(r, &err);
        return;
    }
    resp_set(r, 200, "application/json");
    compare ? format_compare_json(&a.replies[0].clusters, &r->body) : format_cs_json(&a.replies[0].clusters, &r->body);
    engine_answer_free(&a);
}

void api_savings_cluster(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    cluster_sizing(app, s, p, now, 0, r);
}

void api_savings_compare(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    cluster_sizing(app, s, p, now, 1, r);
}

/* /savings/abandonedWorkloads?days=&threshold=: the body of `kubetally
 * savings abandoned -o json`. */
void api_savings_abandoned(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    kt_err err = {0};
    kt_ask ask = {.kind = KT_ASK_ABANDONED};
    kt_answer a;
    if (ab_params_parse(http_params_get, (void *)p, now, &ask.window, &ask.abandoned, &err) ||
        engine_ask(s, &ask, 1, &app->limits, &a, &err)) {
        resp_fail(r, &err);
        return;
    }
    resp_set(r, 200, "application/json");
    format_ab_json(&a.replies[0].abandoned, &r->body);
    engine_answer_free(&a);
}

/* /savings/persistentVolumeSizing?headroomPct=: the body of `kubetally
 * savings volumes -o json`. */
void api_savings_volumes(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    kt_err err = {0};
    kt_ask ask = {.kind = KT_ASK_VOLUME_SIZING};
    kt_answer a;
    if (pv_params_parse(http_params_get, (void *)p, now, &ask.window, &ask.volumes, &err) ||
        engine_ask(s, &ask, 1, &app->limits, &a, &err)) {
        resp_fail(r, &err);
        return;
    }
    resp_set(r, 200, "application/json");
    format_pv_json(&a.replies[0].volumes, &r->body);
    engine_answer_free(&a);
}

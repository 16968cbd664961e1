/* compat.c — the smaller OpenCost/Kubecost endpoints its clients call
 * besides /allocation and /assets:
 *   /getConfigs          kubectl-cost reads data.currencyCode
 *   /clusterInfo         kubectl-cost predict reads data.id
 *   /cloudCost/view…, /customCost…   the UI's cloud and external cost
 *                        widgets: valid, empty answers (/cloudCost itself
 *                        answers from the bills: api_cloudcost.c)
 * Every body is OpenCost's envelope {"code":200,"status":"success","data":…}. */
#include <stdlib.h>
#include <string.h>

#include "engine/window.h"
#include "format/format.h"
#include "http/app.h"

static void envelope(kt_http_resp *r)
{
    resp_set(r, 200, "application/json");
    buf_puts(&r->body, "{\"code\":200,\"status\":\"success\",\"data\":");
}

static void fail(kt_http_resp *r, const kt_err *err)
{
    resp_json_error(r, err->code == KT_EINPUT ? 400 : 500, err->msg[0] ? err->msg : "failed");
}

/* The first cluster in the store (by name), or a zeroed one when empty. */
static int first_cluster(kt_store *s, kt_cluster_status *out, kt_err *err)
{
    kt_cluster_status *c;
    size_t n;
    memset(out, 0, sizeof *out);
    if (store_cluster_status(s, &c, &n, err))
        return -1;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(c[i].name, out->name) < 0)
            *out = c[i];
    free(c);
    return 0;
}

/* OpenCost's GetConfig (its CustomPricing): the currency of the newest day's
 * assets and the default rates DESIGN.md names (strings, as OpenCost sends). */
void api_configs(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    kt_err err = {0};
    kt_ask ask = {.kind = KT_ASK_ASSETS, .window = {day_floor(now), day_floor(now) + 86400}};
    kt_answer a;
    if (engine_ask(s, &ask, 1, &app->limits, &a, &err)) {
        fail(r, &err);
        return;
    }
    envelope(r);
    buf_puts(&r->body, "{\"provider\":\"\",\"description\":\"kubetally\",\"CPU\":\"0.031611\",\"spotCPU\":\"0.006655\","
                       "\"RAM\":\"0.004237\",\"spotRAM\":\"0.000892\",\"GPU\":\"0.95\",\"storage\":\"0.00005479452\","
                       "\"currencyCode\":");
    buf_json_str(&r->body, a.replies[0].assets.currency[0] ? a.replies[0].assets.currency : "USD");
    buf_puts(&r->body, "}}\n");
    engine_answer_free(&a);
}

/* OpenCost's GetClusterInfo for the store's first cluster by name (kubetally
 * serves many; /clusters lists them all). */
void api_cluster_info(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    kt_err err = {0};
    kt_cluster_status c;
    if (first_cluster(s, &c, &err)) {
        fail(r, &err);
        return;
    }
    envelope(r);
    buf_puts(&r->body, "{\"id\":");
    buf_json_str(&r->body, c.name);
    buf_puts(&r->body, ",\"name\":");
    buf_json_str(&r->body, c.name);
    buf_puts(&r->body, ",\"provider\":");
    buf_json_str(&r->body, c.provider);
    buf_puts(&r->body, ",\"region\":");
    buf_json_str(&r->body, c.region);
    buf_puts(&r->body, ",\"provisioner\":\"\",\"remoteReadEnabled\":\"false\",\"thanosEnabled\":\"false\"}}\n");
}

/* The window parameter as {"start":…,"end":…} (OpenCost's Window JSON);
 * absent ⇒ the last 7 days.  -1 (400 sent) when it does not parse. */
static int window_json(const kt_http_params *p, int64_t now, kt_buf *b, kt_http_resp *r)
{
    kt_err err = {0};
    kt_window w;
    const char *v = http_params_get((void *)p, "window");
    if (window_parse(v && *v ? v : "7d", now, &w, &err)) {
        fail(r, &err);
        return -1;
    }
    char s[24], e[24];
    time_format(w.start, s);
    time_format(w.end, e);
    buf_printf(b, "{\"start\":\"%s\",\"end\":\"%s\"}", s, e);
    return 0;
}

/* One handler for the cloud and custom cost views: `data` as each answers
 * it with no cost items. */
static void empty_costs(const kt_http_params *p, int64_t now, const char *before, const char *after,
                        kt_http_resp *r)
{
    kt_buf w = {0};
    if (before && window_json(p, now, &w, r)) {
        buf_free(&w);
        return;
    }
    envelope(r);
    if (before)
        buf_printf(&r->body, "%s%s%s}\n", before, w.data, after);
    else
        buf_printf(&r->body, "%s}\n", after);
    buf_free(&w);
}

void api_cost_list(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    empty_costs(p, now, NULL, "[]", r);
}

void api_cloud_cost_totals(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    empty_costs(p, now, NULL, "{\"numResults\":0,\"combined\":null}", r);
}

void api_custom_cost_total(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    empty_costs(p, now, "{\"window\":", ",\"totalCost\":0,\"totalCostType\":\"blended\",\"customCosts\":[]}", r);
}

void api_custom_cost_timeseries(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now,
                                kt_http_resp *r)
{
    empty_costs(p, now, "{\"window\":", ",\"timeseries\":[]}", r);
}

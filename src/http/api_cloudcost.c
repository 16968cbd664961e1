/* api_cloudcost.c — GET /cloudCost (also /model/cloudCost): OpenCost's
 * cloud-cost body from the imported bills, through engine_ask
 * (KT_ASK_CLOUDCOST) and the same formatter as `kubetally cloudcost -o
 * json`; GET /cloudCost/reconciliation: the clusters' assets against the
 * bill (kubetally's own shape, as `cloudcost --reconciliation -o json`). */
#include <string.h>

#include "format/format_cloudcost.h"
#include "http/app.h"

static void cloud(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, int recon, kt_http_resp *r)
{
    kt_err err = {0};
    const char *win = http_params_get((void *)p, "window");
    kt_ask ask = {.kind = KT_ASK_CLOUDCOST, .aggregate = http_params_get((void *)p, "aggregate")};
    kt_answer a;
    if (window_parse(win && *win ? win : "7d", now, &ask.window, &err) ||
        engine_ask(s, &ask, 1, &app->limits, &a, &err)) {
        resp_json_error(r, err.code == KT_EINPUT ? 400 : 500, err.msg[0] ? err.msg : "failed");
        return;
    }
    resp_set(r, 200, "application/json");
    if (recon)
        format_recon_json(&a.replies[0].cloud, &r->body);
    else
        format_cloudcost_json(&a.replies[0].cloud, &r->body);
    engine_answer_free(&a);
}

void api_cloud_cost(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    cloud(app, s, p, now, 0, r);
}

void api_cloud_reconciliation(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    cloud(app, s, p, now, 1, r);
}

/* api_forecast.c — GET /forecast and Kubecost's
 * /forecasting/forecast/allocation: the forecast question (engine
 * forecast_query.h) answered as Kubecost's forecast API (format
 * forecast_format.h).  Only allocation forecasts exist so far. */
#include <assert.h>
#include <stdlib.h>

#include "engine/forecast_query.h"
#include "format/forecast_format.h"
#include "http/app.h"

void api_forecast(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    assert(app && s && p && r);
    kt_ask ask;
    kt_query_holder h;
    kt_answer a;
    kt_err err = {0};
    if (forecast_query_parse(http_params_get, (void *)p, now, &ask, &h, &err) ||
        engine_ask(s, &ask, 1, &app->limits, &a, &err)) {
        query_holder_free(&h);
        resp_json_error(r, err.code == KT_EINPUT ? 400 : 500, err.msg);
        return;
    }
    const char *agg = http_params_get((void *)p, "aggregate");
    json_t *j = format_forecast_json(&a.replies[0].forecast, agg && *agg ? agg : KT_FORECAST_AGGREGATE);
    char *text = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(17));
    resp_set(r, 200, "application/json");
    buf_puts(&r->body, text);
    free(text);
    json_decref(j);
    engine_answer_free(&a);
    query_holder_free(&h);
}

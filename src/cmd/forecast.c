/* forecast.c — `kubetally forecast`: daily spend per aggregate for the
 * next days with 95 % bounds, and (--backtest) the model's error against
 * seasonal-naive and a linear trend over the history (the same question
 * and answer as GET /forecast). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cmd/answer.h"
#include "cmd/cmd.h"
#include "cmd/flags.h"
#include "engine/forecast_query.h"
#include "format/forecast_format.h"
#include "store/store.h"
#include "util/time.h"

static const kt_flag flags[] = {
    {"--window", "window", 0, "-w"},
    {"--aggregate", "aggregate", 0, "-a"},
    {"--filter", "filter", 0, NULL},
    {"--idle", "idle", 1, NULL},
    {"--share-idle", "shareIdle", 1, NULL},
    {"--share-tenancy-costs", "shareTenancyCosts", 1, NULL},
    {"--days", "days", 0, NULL},
    {"--backtest", "backtest", 1, NULL},
    {"--at", "at", 0, NULL},
    {"--output", "output", 0, "-o"},
    {"--db", "db", 0, NULL},
    {NULL, NULL, 0, NULL},
};

int cmd_forecast(int argc, char **argv)
{
    kt_params p;
    kt_err err = {0};
    enum kt_output out = KT_OUT_TABLE;
    if (flags_parse(flags, argc, argv, &p, &err))
        return cmd_report("forecast", &err);
    if (p.help) {
        flags_usage("forecast", "Daily spend per aggregate for the next --days (default 30) with 95 % bounds, "
                    "learnt from --window (default 100d; Holt-Winters with weekly season); --backtest prints "
                    "its MAPE against seasonal-naive and a linear trend.", flags);
        return 0;
    }
    const char *o = params_get(&p, "output"), *at = params_get(&p, "at");
    if (cmd_table_or_json(o, &out, &err))
        return cmd_report("forecast", &err);
    int64_t now;
    if (cmd_parse_at(at, &now, &err))
        return cmd_report("forecast", &err);
    kt_ask ask;
    kt_query_holder h;
    if (forecast_query_parse(params_get, &p, now, &ask, &h, &err)) {
        query_holder_free(&h);
        return cmd_report("forecast", &err);
    }
    kt_store *s;
    kt_answer a;
    int rc = store_open(params_get(&p, "db"), KT_STORE_READONLY, &s, &err);
    if (!rc) {
        rc = engine_ask(s, &ask, 1, &cmd_limits, &a, &err);
        store_close(s);
    }
    if (!rc) {
        const char *agg = params_get(&p, "aggregate");
        agg = agg && *agg ? agg : KT_FORECAST_AGGREGATE;
        if (out == KT_OUT_JSON) {
            cmd_print_answer(format_forecast_json(&a.replies[0].forecast, agg), out, NULL);
        } else {
            kt_buf b = {0};
            format_forecast_table(&a.replies[0].forecast, agg, ask.backtest, &b);
            fwrite(b.data, 1, b.len, stdout);
            buf_free(&b);
        }
        engine_answer_free(&a);
    }
    query_holder_free(&h);
    return rc ? cmd_report("forecast", &err) : 0;
}

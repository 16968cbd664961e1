/* budgets.c — `kubetally budgets`: every budget in the store with its
 * period and current spend (the same answer as GET /budgets). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "alerts/budget_store.h"
#include "cmd/answer.h"
#include "cmd/cmd.h"
#include "cmd/flags.h"
#include "util/buf.h"
#include "util/time.h"

static const kt_flag flags[] = {
    {"--output", "output", 0, "-o"},
    {"--db", "db", 0, NULL},
    {"--at", "at", 0, NULL},
    {NULL, NULL, 0, NULL},
};

static void table(const json_t *data, kt_buf *b)
{
    buf_printf(b, "%-18s %-24s %-11s %-8s %-23s %12s %12s %7s %12s\n", "ID", "NAME", "TYPE", "INTERVAL", "PERIOD",
               "SPEND", "LIMIT", "USED", "FORECAST");
    size_t i;
    const json_t *x;
    json_array_foreach(data, i, x) {
        const json_t *w = json_object_get(x, "window");
        const char *start = json_string_value(json_object_get(w, "start")),
                   *end = json_string_value(json_object_get(w, "end"));
        double spend = json_number_value(json_object_get(x, "currentSpend")),
               limit = json_number_value(json_object_get(x, "spendLimit"));
        /* dates only: periods always start and end at midnight UTC */
        const json_t *fc = json_object_get(json_object_get(x, "forecast"), "predictedSpend");
        buf_printf(b, "%-18s %-24s %-11s %-8s %.10s..%.10s %12.2f %12.2f %6.1f%% ",
                   json_string_value(json_object_get(x, "id")), json_string_value(json_object_get(x, "name")),
                   json_string_value(json_object_get(x, "type")), json_string_value(json_object_get(x, "interval")),
                   start, end, spend, limit, 100 * spend / limit);
        if (fc) /* the projection at the period's end */
            buf_printf(b, "%12.2f\n", json_number_value(fc));
        else
            buf_printf(b, "%12s\n", "-");
    }
    if (!json_array_size(data))
        buf_puts(b, "(no budgets: create one with POST /budget or serve --config; see docs/alerts.md)\n");
}

int cmd_budgets(int argc, char **argv)
{
    kt_params p;
    kt_err err = {0};
    enum kt_output out = KT_OUT_TABLE;
    if (flags_parse(flags, argc, argv, &p, &err))
        return cmd_report("budgets", &err);
    if (p.help) {
        flags_usage("budgets", "Every budget with its current period, spend and limit (--at RFC3339: as of then).",
                    flags);
        return 0;
    }
    const char *o = params_get(&p, "output"), *at = params_get(&p, "at");
    if (cmd_table_or_json(o, &out, &err))
        return cmd_report("budgets", &err);
    int64_t now;
    if (cmd_parse_at(at, &now, &err))
        return cmd_report("budgets", &err);
    kt_store *s;
    json_t *answer;
    if (store_open(params_get(&p, "db"), KT_STORE_READONLY, &s, &err))
        return cmd_report("budgets", &err);
    int rc = budget_answers(s, now, &cmd_limits, &answer, &err);
    store_close(s);
    if (rc)
        return cmd_report("budgets", &err);
    cmd_print_answer(answer, out, table);
    return 0;
}

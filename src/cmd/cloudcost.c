/* cloudcost.c — `kubetally cloudcost`: what the imported cloud bills say
 * over a window (engine/cloudcost.h): cloud costs grouped as OpenCost's
 * /cloudCost does (-o json prints the same body), team totals for a label
 * aggregate, or with --reconciliation the clusters' assets against the bill. */
#include <stdio.h>
#include <time.h>

#include "cmd/cmd.h"
#include "cmd/flags.h"
#include "engine/engine.h"
#include "format/format_cloudcost.h"
#include "store/store.h"

static const kt_flag flags[] = {
    {"--window", "window", 0, "-w"},
    {"--aggregate", "aggregate", 0, "-a"},
    {"--output", "output", 0, "-o"},
    {"--reconciliation", "reconciliation", 1, NULL},
    {"--db", "db", 0, NULL},
    {NULL, NULL, 0, NULL},
};

static const char summary[] =
    "Cloud costs from imported FOCUS bills (OpenCost's /cloudCost; -o json prints its body).\n"
    "  kubetally cloudcost [--window 30d] [--aggregate service|account|provider|category|region|label:team]\n"
    "    --aggregate A         comma list; label:KEY groups by the bill's tag KEY and adds each value's\n"
    "                          Kubernetes allocation (team total = allocation + tagged cloud services\n"
    "                          outside Kubernetes; the clusters' own nodes and disks are not added again);\n"
    "                          label:LABEL=TAG when the bill's tag is named otherwise (label:team=CostCenter)\n"
    "    --reconciliation      instead: per cluster and provider, estimated vs billed, and the assets the\n"
    "                          bill does not name";

int cmd_cloudcost(int argc, char **argv)
{
    kt_params p;
    kt_err err = {0};
    enum kt_output out = KT_OUT_TABLE;
    kt_window w;
    if (flags_parse(flags, argc, argv, &p, &err))
        return cmd_report("cloudcost", &err);
    if (p.help) {
        flags_usage("cloudcost", summary, flags);
        return 0;
    }
    const char *o = params_get(&p, "output"), *win = params_get(&p, "window");
    if (o && cmd_parse_output(o, &out)) {
        kt_fail(&err, KT_EINPUT, "-o: expected table, json or csv, got '%s'", o);
        return cmd_report("cloudcost", &err);
    }
    if (window_parse(win ? win : "30d", (int64_t)time(NULL), &w, &err))
        return cmd_report("cloudcost", &err);
    int recon = params_get(&p, "reconciliation") && cmd_parse_bool(params_get(&p, "reconciliation")) == 1;
    kt_store *s;
    if (store_open(params_get(&p, "db"), KT_STORE_READONLY, &s, &err))
        return cmd_report("cloudcost", &err);
    kt_ask ask = {.kind = KT_ASK_CLOUDCOST, .window = w, .aggregate = params_get(&p, "aggregate")};
    kt_answer a;
    int rc = engine_ask(s, &ask, 1, &cmd_limits, &a, &err);
    store_close(s);
    if (!rc) {
        const kt_cloud_result *r = &a.replies[0].cloud;
        kt_buf b = {0};
        if (recon) {
            if (out == KT_OUT_JSON) format_recon_json(r, &b);
            else format_recon_table(r, &b);
        } else if (out == KT_OUT_JSON) {
            format_cloudcost_json(r, &b);
        } else if (out == KT_OUT_CSV) {
            format_cloudcost_csv(r, &b);
        } else {
            format_cloudcost_table(r, &b);
        }
        fwrite(b.data, 1, b.len, stdout);
        buf_free(&b);
        engine_answer_free(&a);
    }
    return rc ? cmd_report("cloudcost", &err) : 0;
}

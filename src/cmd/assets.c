/* assets.c — `kubetally assets`: what nodes, disks, load balancers and fees cost. */
#include <stdio.h>
#include <time.h>

#include "cmd/cmd.h"
#include "cmd/flags.h"
#include "engine/engine.h"
#include "format/format.h"
#include "store/store.h"

static const kt_flag flags[] = {
    {"--window", "window", 0, "-w"},
    {"--aggregate", "aggregate", 0, "-a"},
    {"--output", "output", 0, "-o"},
    {"--db", "db", 0, NULL},
    {NULL, NULL, 0, NULL},
};

int cmd_assets(int argc, char **argv)
{
    kt_params p;
    kt_err err = {0};
    enum kt_output out = KT_OUT_TABLE;
    kt_window w;
    if (flags_parse(flags, argc, argv, &p, &err))
        return cmd_report("assets", &err);
    if (p.help) {
        flags_usage("assets", "Cost of nodes, disks, load balancers and cluster fees (OpenCost's /assets); "
                    "--aggregate type|cluster|provider|region|node.", flags);
        return 0;
    }
    const char *o = params_get(&p, "output"), *win = params_get(&p, "window");
    if (o && cmd_parse_output(o, &out)) {
        kt_fail(&err, KT_EINPUT, "-o: expected table, json or csv, got '%s'", o);
        return cmd_report("assets", &err);
    }
    if (window_parse(win ? win : "7d", (int64_t)time(NULL), &w, &err))
        return cmd_report("assets", &err);
    kt_store *s;
    if (store_open(params_get(&p, "db"), KT_STORE_READONLY, &s, &err))
        return cmd_report("assets", &err);
    kt_ask ask = {.kind = KT_ASK_ASSETS, .window = w, .aggregate = params_get(&p, "aggregate")};
    kt_answer a;
    int rc = engine_ask(s, &ask, 1, &cmd_limits, &a, &err);
    store_close(s);
    if (!rc) {
        const kt_asset_result *r = &a.replies[0].assets;
        kt_buf b = {0};
        if (out == KT_OUT_JSON) format_assets_json(r, 0, &b);
        else if (out == KT_OUT_CSV) format_assets_csv(r, &b);
        else format_assets_table(r, &b);
        fwrite(b.data, 1, b.len, stdout);
        buf_free(&b);
        engine_answer_free(&a);
    }
    return rc ? cmd_report("assets", &err) : 0;
}

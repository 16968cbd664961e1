/* allocation.c — `kubetally allocation`: cost by any grouping over a window. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cmd/cmd.h"
#include "cmd/flags.h"
#include "engine/engine.h"
#include "engine/query.h"
#include "format/format.h"
#include "store/store.h"

static const kt_flag flags[] = {
    {"--window", "window", 0, "-w"},
    {"--aggregate", "aggregate", 0, "-a"},
    {"--filter", "filter", 0, NULL},
    {"--idle", "idle", 1, NULL},
    {"--share-idle", "shareIdle", 1, NULL},
    {"--idle-by-node", "idleByNode", 1, NULL},
    {"--share-namespaces", "shareNamespaces", 0, NULL},
    {"--share-labels", "shareLabels", 0, NULL},
    {"--share-cost", "shareCost", 0, NULL},
    {"--share-split", "shareSplit", 0, NULL},
    {"--share-tenancy-costs", "shareTenancyCosts", 1, NULL},
    {"--step", "step", 0, NULL},
    {"--accumulate", "accumulate", 1, NULL}, /* also =all|hour|day|week|weeknow|month|quarter */
    {"--accumulate-by", "accumulateBy", 0, NULL},
    {"--resolution", "resolution", 0, NULL},
    {"--output", "output", 0, "-o"},
    {"--db", "db", 0, NULL},
    {NULL, NULL, 0, NULL},
};

int cmd_allocation(int argc, char **argv)
{
    kt_params p;
    kt_err err = {0};
    enum kt_output out = KT_OUT_TABLE;
    if (flags_parse(flags, argc, argv, &p, &err))
        return cmd_report("allocation", &err);
    if (p.help) {
        flags_usage("allocation", "Cost by cluster, namespace, workload, pod, label… over a window "
                    "(OpenCost's /allocation).", flags);
        return 0;
    }
    if (!params_get(&p, "window") && p.n < KT_MAX_PARAMS) /* the CLI defaults to the last 7 days */
        p.name[p.n] = "window", p.value[p.n++] = "7d";
    const char *o = params_get(&p, "output");
    if (o && cmd_parse_output(o, &out)) {
        kt_fail(&err, KT_EINPUT, "-o: expected table, json or csv, got '%s'", o);
        return cmd_report("allocation", &err);
    }
    kt_alloc_query q;
    kt_query_holder h;
    if (alloc_query_parse(params_get, &p, (int64_t)time(NULL), &q, &h, &err)) {
        query_holder_free(&h);
        return cmd_report("allocation", &err);
    }
    kt_store *s;
    if (store_open(params_get(&p, "db"), KT_STORE_READONLY, &s, &err)) {
        query_holder_free(&h);
        return cmd_report("allocation", &err);
    }
    kt_answer a;
    int rc = alloc_query_run(s, &q, &h, &cmd_limits, &a, &err);
    store_close(s);
    if (!rc) {
        kt_buf b = {0};
        if (out == KT_OUT_JSON) format_alloc_json(&a, &q.agg, &b);
        else if (out == KT_OUT_CSV) format_alloc_csv(&a, &q.agg, &b);
        else format_alloc_table(&a, &q.agg, params_get(&p, "aggregate"), &b);
        fwrite(b.data, 1, b.len, stdout);
        buf_free(&b);
        engine_answer_free(&a);
    }
    query_holder_free(&h);
    return rc ? cmd_report("allocation", &err) : 0;
}

/* savings.c — `kubetally savings [KIND]`: what to change and what it saves.
 *
 *   savings            every kind: totals per kind, cluster and team (-o json = GET /savings)
 *   savings cluster    cluster right-sizing (Kubecost clusterSizingETL), --profile
 *   savings compare    the same priced in other clouds: --to gcp:europe-west1,…
 *   savings abandoned  abandoned workloads per pod (Kubecost abandonedWorkloads): --days, --threshold
 *   savings volumes    PV right-sizing (Kubecost persistentVolumeSizing) from the
 *                      claims' used bytes (collect --kubelet-stats); --headroom-pct
 *   savings requests   container request right-sizing (Kubecost requestSizingV2);
 *                      -o json prints GET /savings/requestSizingV2's body; --patch
 *                      prints kubectl patch commands instead
 * Flags map to the API's parameter names (engine/savings_params.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "cmd/flags.h"
#include "engine/engine.h"
#include "engine/savings_params.h"
#include "format/format.h"
#include "pricing/pricing.h"
#include "store/store.h"

static const kt_flag request_flags[] = {
    {"--window", "window", 0, "-w"},
    {"--algorithm-cpu", "algorithmCPU", 0, "--algorithmCPU"},
    {"--algorithm-ram", "algorithmRAM", 0, "--algorithmRAM"},
    {"--q-cpu", "qCPU", 0, "--qCPU"},
    {"--q-ram", "qRAM", 0, "--qRAM"},
    {"--target-cpu", "targetCPUUtilization", 0, "--targetCPUUtilization"},
    {"--target-ram", "targetRAMUtilization", 0, "--targetRAMUtilization"},
    {"--min-cpu-millicores", "minRecCPUMillicores", 0, "--minRecCPUMillicores"},
    {"--min-ram-bytes", "minRecRAMBytes", 0, "--minRecRAMBytes"},
    {"--filter", "filter", 0, "-f"},
    {"--sort-by", "sortBy", 0, "--sortBy"},
    {"--sort-order", "sortByOrder", 0, "--sortByOrder"},
    {"--patch", "patch", 1, NULL},
    {"--output", "output", 0, "-o"},
    {"--db", "db", 0, NULL},
    {NULL, NULL, 0, NULL},
};

static const kt_flag summary_flags[] = {
    {"--window", "window", 0, "-w"},
    {"--pricing", "pricing", 0, NULL},
    {"--team-label", "teamLabel", 0, "--teamLabel"},
    {"--threshold", "threshold", 0, NULL},
    {"--cpu-threshold", "cpuThreshold", 0, "--cpuThreshold"},
    {"--headroom-pct", "headroomPct", 0, "--headroomPct"},
    {"--target-cpu", "targetCPUUtilization", 0, "--targetCPUUtilization"},
    {"--target-ram", "targetRAMUtilization", 0, "--targetRAMUtilization"},
    {"--filter", "filter", 0, "-f"},
    {"--output", "output", 0, "-o"},
    {"--db", "db", 0, NULL},
    {NULL, NULL, 0, NULL},
};

static const kt_flag volume_flags[] = {
    {"--window", "window", 0, "-w"},
    {"--headroom-pct", "headroomPct", 0, "--headroomPct"},
    {"--team-label", "teamLabel", 0, "--teamLabel"},
    {"--output", "output", 0, "-o"},
    {"--db", "db", 0, NULL},
    {NULL, NULL, 0, NULL},
};

static const kt_flag abandoned_flags[] = {
    {"--days", "days", 0, NULL},
    {"--window", "window", 0, "-w"},
    {"--threshold", "threshold", 0, NULL},
    {"--cpu-threshold", "cpuThreshold", 0, "--cpuThreshold"},
    {"--team-label", "teamLabel", 0, "--teamLabel"},
    {"--output", "output", 0, "-o"},
    {"--db", "db", 0, NULL},
    {NULL, NULL, 0, NULL},
};

static const kt_flag cluster_flags[] = {
    {"--window", "window", 0, "-w"},
    {"--profile", "profile", 0, NULL},
    {"--target-utilization", "targetUtilization", 0, "--targetUtilization"},
    {"--min-nodes", "minNodeCount", 0, "--minNodeCount"},
    {"--allow-shared-core", "allowSharedCore", 0, "--allowSharedCore"},
    {"--filter", "filter", 0, "-f"},
    {"--to", "to", 0, NULL},
    {"--pricing", "pricing", 0, NULL},
    {"--output", "output", 0, "-o"},
    {"--db", "db", 0, NULL},
    {NULL, NULL, 0, NULL},
};

/* What every savings command does first: flags, --help, -o.  Returns 0 to
 * go on, else the command is over and *rc is its exit status. */
static int begin(const char *name, const kt_flag *table, const char *summary, int argc, char **argv, kt_params *p,
                 enum kt_output *out, int *rc)
{
    kt_err err = {0};
    *out = KT_OUT_TABLE, *rc = 0;
    if (flags_parse(table, argc, argv, p, &err)) {
        *rc = cmd_report(name, &err);
        return -1;
    }
    if (p->help) {
        flags_usage(name, summary, table);
        return 1;
    }
    const char *o = params_get(p, "output");
    if (o && (cmd_parse_output(o, out) || *out == KT_OUT_CSV)) {
        kt_fail(&err, KT_EINPUT, "-o: expected table or json, got '%s'", o);
        *rc = cmd_report(name, &err);
        return -1;
    }
    return 0;
}

/* Ask the engine one question against the store named by --db. */
static int ask_one(kt_params *p, const kt_ask *ask, kt_answer *a, kt_err *err)
{
    kt_store *s;
    if (store_open(params_get(p, "db"), KT_STORE_READONLY, &s, err))
        return -1;
    int rc = engine_ask(s, ask, 1, &cmd_limits, a, err);
    store_close(s);
    return rc;
}

/* Print what the formatter wrote and free it with the answer. */
static int emit(kt_buf *b, kt_answer *a)
{
    fwrite(b->data, 1, b->len, stdout);
    buf_free(b);
    engine_answer_free(a);
    return 0;
}

static int savings_requests_cmd(int argc, char **argv)
{
    kt_params p;
    kt_err err = {0};
    enum kt_output out;
    int rc;
    if (begin("savings requests", request_flags,
              "Container request right-sizing, one recommendation per container of each controller "
              "(Kubecost's requestSizingV2), with monthly savings, CO2e and the risk measured on history. "
              "--patch prints kubectl patch commands.", argc, argv, &p, &out, &rc))
        return rc;
    const char *patch = params_get(&p, "patch");
    kt_ask ask = {.kind = KT_ASK_REQUEST_SIZING};
    kt_filter *filter;
    if (rs_params_parse(params_get, &p, (int64_t)time(NULL), &ask.window, &ask.requests, &filter, &err))
        return cmd_report("savings requests", &err);
    kt_answer a;
    rc = ask_one(&p, &ask, &a, &err);
    filter_free(filter);
    if (rc)
        return cmd_report("savings requests", &err);
    kt_buf b = {0};
    const kt_rs_result *r = &a.replies[0].requests;
    if (patch && cmd_parse_bool(patch) == 1) format_rs_patch(r, &b);
    else if (out == KT_OUT_JSON) format_rs_json(r, &b);
    else format_rs_table(r, &b);
    return emit(&b, &a);
}

static int savings_summary_cmd(int argc, char **argv)
{
    kt_params p;
    kt_err err = {0};
    enum kt_output out;
    int rc;
    if (begin("savings", summary_flags,
              "Every savings kind at once: monthly total, CO2e and count per kind, cluster and team. "
              "Kinds: `savings requests` (right-sizing, --patch), `savings volumes`, `savings cluster`, "
              "`savings compare`. Unclaimed volumes, orphaned load balancers, underused nodes, abandoned "
              "workloads and PV right-sizing are in the summary's items (-o json).", argc, argv, &p, &out, &rc))
        return rc;
    kt_ask ask = {.kind = KT_ASK_SAVINGS};
    kt_filter *filter;
    kt_pricing *pricing;
    kt_pricing_opts po = {params_get(&p, "pricing"), NULL};
    if (savings_params_parse(params_get, &p, (int64_t)time(NULL), &ask.window, &ask.savings, &filter, &err))
        return cmd_report("savings", &err);
    if (pricing_load(&po, &pricing, &err)) {
        filter_free(filter);
        return cmd_report("savings", &err);
    }
    ask.savings.pricing = pricing;
    kt_answer a;
    rc = ask_one(&p, &ask, &a, &err);
    filter_free(filter);
    pricing_free(pricing);
    if (rc)
        return cmd_report("savings", &err);
    kt_buf b = {0};
    if (out == KT_OUT_JSON) format_savings_json(&a.replies[0].savings, &b);
    else format_savings_table(&a.replies[0].savings, &b);
    return emit(&b, &a);
}

static int savings_volumes_cmd(int argc, char **argv)
{
    kt_params p;
    kt_err err = {0};
    enum kt_output out;
    int rc;
    if (begin("savings volumes", volume_flags,
              "PV right-sizing (Kubecost's persistentVolumeSizing): each volume's claim peak used bytes × (1 + "
              "headroom), applied in whole GiB, and the monthly savings at the volume's price. Needs claims' used "
              "bytes from `collect --kubelet-stats`.", argc, argv, &p, &out, &rc))
        return rc;
    kt_ask ask = {.kind = KT_ASK_VOLUME_SIZING};
    if (pv_params_parse(params_get, &p, (int64_t)time(NULL), &ask.window, &ask.volumes, &err))
        return cmd_report("savings volumes", &err);
    kt_answer a;
    if (ask_one(&p, &ask, &a, &err))
        return cmd_report("savings volumes", &err);
    kt_buf b = {0};
    if (out == KT_OUT_JSON) format_pv_json(&a.replies[0].volumes, &b);
    else format_pv_table(&a.replies[0].volumes, &b);
    return emit(&b, &a);
}

static int savings_abandoned_cmd(int argc, char **argv)
{
    kt_params p;
    kt_err err = {0};
    enum kt_output out;
    int rc;
    if (begin("savings abandoned", abandoned_flags,
              "Abandoned workloads (Kubecost's abandonedWorkloads): workloads whose pods together exchanged under "
              "--threshold bytes/s (default 500) with under --cpu-threshold cores (0.01) over --days N (or --window; default 7d), "
              "listed per pod. Needs network facts (collect --kubelet-stats or the Prometheus import).",
              argc, argv, &p, &out, &rc))
        return rc;
    kt_ask ask = {.kind = KT_ASK_ABANDONED};
    if (ab_params_parse(params_get, &p, (int64_t)time(NULL), &ask.window, &ask.abandoned, &err))
        return cmd_report("savings abandoned", &err);
    kt_answer a;
    if (ask_one(&p, &ask, &a, &err))
        return cmd_report("savings abandoned", &err);
    kt_buf b = {0};
    if (out == KT_OUT_JSON) format_ab_json(&a.replies[0].abandoned, &b);
    else format_ab_table(&a.replies[0].abandoned, &b);
    return emit(&b, &a);
}

/* `savings cluster` (compare = 0) and `savings compare --to …` (1). */
static int savings_cluster_cmd(int argc, char **argv, int compare)
{
    const char *name = compare ? "savings compare" : "savings cluster";
    kt_params p;
    kt_err err = {0};
    enum kt_output out;
    int rc;
    if (begin(name, cluster_flags,
              compare ? "What each cluster's workload (or the pods --filter keeps) would cost on the cheapest "
                        "fitting nodes of other clouds: --to gcp:europe-west1,azure:westeurope."
                      : "Cluster right-sizing from the built-in price catalog: the cheapest single- and two-type "
                        "node pools at the profile's target utilization (development 0.8/1 node, production "
                        "0.65/2, high-availability 0.5/3).", argc, argv, &p, &out, &rc))
        return rc;
    if (compare && !params_get(&p, "to")) {
        kt_fail(&err, KT_EINPUT, "--to: required, e.g. --to gcp:europe-west1,azure:westeurope");
        return cmd_report(name, &err);
    }
    if (!compare && params_get(&p, "to")) {
        kt_fail(&err, KT_EINPUT, "--to: only with `savings compare`");
        return cmd_report(name, &err);
    }
    kt_ask ask = {.kind = KT_ASK_CLUSTER_SIZING};
    kt_filter *filter;
    kt_pricing *pricing;
    kt_pricing_opts po = {params_get(&p, "pricing"), NULL};
    if (cs_params_parse(params_get, &p, (int64_t)time(NULL), &ask.window, &ask.clusters, &filter, &err))
        return cmd_report(name, &err);
    if (pricing_load(&po, &pricing, &err)) {
        filter_free(filter);
        return cmd_report(name, &err);
    }
    ask.clusters.pricing = pricing;
    kt_answer a;
    rc = ask_one(&p, &ask, &a, &err);
    filter_free(filter);
    if (!rc) {
        kt_buf b = {0};
        const kt_cs_result *r = &a.replies[0].clusters;
        if (out == KT_OUT_JSON) compare ? format_compare_json(r, &b) : format_cs_json(r, &b);
        else format_cs_table(r, compare, pricing_currency(pricing), &b);
        emit(&b, &a);
    }
    pricing_free(pricing);
    return rc ? cmd_report(name, &err) : 0;
}

int cmd_savings(int argc, char **argv)
{
    const char *kind = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
    if (kind && !strcmp(kind, "requests"))
        return savings_requests_cmd(argc - 1, argv + 1);
    if (kind && !strcmp(kind, "volumes"))
        return savings_volumes_cmd(argc - 1, argv + 1);
    if (kind && !strcmp(kind, "abandoned"))
        return savings_abandoned_cmd(argc - 1, argv + 1);
    if (kind && !strcmp(kind, "cluster"))
        return savings_cluster_cmd(argc - 1, argv + 1, 0);
    if (kind && !strcmp(kind, "compare"))
        return savings_cluster_cmd(argc - 1, argv + 1, 1);
    if (!kind)
        return savings_summary_cmd(argc, argv);
    if (!strcmp(kind, "help")) {
        printf("usage: kubetally savings [KIND] [flags]\n\n"
               "  (none)     every kind: monthly total and count per kind, cluster and team\n"
               "  requests   container request right-sizing (Kubecost requestSizingV2), --patch for kubectl\n"
               "  volumes    PV right-sizing from claims' peak used bytes (--headroom-pct; collect --kubelet-stats)\n"
               "  abandoned  workloads with almost no traffic and CPU, per pod (--days, --threshold)\n"
               "  cluster    cluster right-sizing: cheapest single- and two-type node pools (--profile)\n"
               "  compare    what each cluster would cost elsewhere: --to gcp:europe-west1,azure:westeurope\n\n"
               "`kubetally savings [KIND] --help` lists the flags.\n");
        return 0;
    }
    fprintf(stderr, "kubetally savings: unknown kind '%.64s'; use requests, volumes, abandoned, cluster or compare\n",
            kind);
    return 2;
}

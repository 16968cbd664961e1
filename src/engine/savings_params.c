/* savings_params.c — one parser for the savings parameters, shared by the
 * CLI flags and the HTTP API (as query.c is for allocations), with
 * Kubecost's names and defaults; see savings.h and docs/savings.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/savings_params.h"
#include "engine/savings_cluster.h"

static int num(kt_param_get get, void *ctx, const char *name, double lo, double hi, int lo_open, double *out,
               kt_err *err)
{
    const char *v = get(ctx, name);
    if (!v || !*v)
        return 0;
    char *end;
    double d = strtod(v, &end);
    if (*end || !isfinite(d) || d > hi || d < lo || (lo_open && d == lo))
        return kt_fail(err, KT_EINPUT, "%s: must be a number in %s%g, %g], got '%.64s'", name, lo_open ? "(" : "[",
                       lo, hi, v);
    *out = d;
    return 0;
}

static int algo(kt_param_get get, void *ctx, const char *name, enum kt_rs_algo *out, kt_err *err)
{
    const char *v = get(ctx, name);
    if (!v || !*v) return 0;
    if (!strcasecmp(v, "max")) *out = RS_MAX;
    else if (!strcasecmp(v, "quantile") || !strcasecmp(v, "quantileOfMaxes")) *out = RS_QUANTILE;
    else if (!strcasecmp(v, "quantileOfAverages")) *out = RS_QUANTILE_AVG;
    else return kt_fail(err, KT_EINPUT, "%s: expected max or quantile (or quantileOfMaxes, quantileOfAverages), "
                        "got '%.64s'", name, v);
    return 0;
}

static int sort_by(kt_param_get get, void *ctx, kt_rs_params *p, kt_err *err)
{
    static const char *names[] = {"totalSavings", "currentEfficiency", "cpuRecommended", "cpuLatest",
                                  "memoryRecommended", "memoryLatest"};
    const char *v = get(ctx, "sortBy");
    if (v && *v) {
        size_t i = 0;
        while (i < 6 && strcasecmp(v, names[i])) i++;
        if (i == 6)
            return kt_fail(err, KT_EINPUT, "sortBy: expected totalSavings, currentEfficiency, cpuRecommended, "
                           "cpuLatest, memoryRecommended or memoryLatest, got '%.64s'", v);
        p->sort_by = (enum kt_rs_sort)i;
    }
    if ((v = get(ctx, "sortByOrder")) && *v) {
        if (!strcasecmp(v, "ascending")) p->ascending = 1;
        else if (!strcasecmp(v, "descending")) p->ascending = 0;
        else return kt_fail(err, KT_EINPUT, "sortByOrder: expected ascending or descending, got '%.64s'", v);
    }
    return 0;
}

/* Kubecost: a target that does not parse falls back to 0.7; kubetally
 * refuses it instead (docs/decisions.md): a typo should not pass silently. */
int rs_params_parse(kt_param_get get, void *ctx, int64_t now, kt_window *w, kt_rs_params *p, kt_filter **filter,
                    kt_err *err)
{
    rs_params_init(p);
    *filter = NULL;
    const char *v = get(ctx, "window");
    if (window_parse(v && *v ? v : "7d", now, w, err))
        return -1;
    if (algo(get, ctx, "algorithmCPU", &p->algo_cpu, err) || algo(get, ctx, "algorithmRAM", &p->algo_ram, err) ||
        num(get, ctx, "qCPU", 0, 1, 1, &p->q_cpu, err) || num(get, ctx, "qRAM", 0, 1, 1, &p->q_ram, err) ||
        num(get, ctx, "targetCPUUtilization", 0, 1, 1, &p->target_cpu, err) ||
        num(get, ctx, "targetRAMUtilization", 0, 1, 1, &p->target_ram, err) ||
        num(get, ctx, "minRecCPUMillicores", 0, 1e7, 0, &p->min_cpu_mcores, err) ||
        num(get, ctx, "minRecRAMBytes", 0, 1e15, 0, &p->min_ram_bytes, err) || sort_by(get, ctx, p, err))
        return -1;
    if (filter_parse(get(ctx, "filter"), filter, err))
        return -1;
    p->filter = *filter;
    return 0;
}

int savings_params_parse(kt_param_get get, void *ctx, int64_t now, kt_window *w, kt_savings_params *p,
                         kt_filter **filter, kt_err *err)
{
    savings_params_init(p);
    if (rs_params_parse(get, ctx, now, w, &p->requests, filter, err))
        return -1;
    const char *v = get(ctx, "teamLabel");
    if (v && *v)
        p->team_label = v;
    return num(get, ctx, "threshold", 0, 1e15, 0, &p->abandoned_bytes_per_s, err) ||
                   num(get, ctx, "cpuThreshold", 0, 1e6, 0, &p->abandoned_cpu_cores, err) ||
                   num(get, ctx, "headroomPct", 0, 1000, 0, &p->headroom_pct, err)
               ? -1
               : 0;
}

int pv_params_parse(kt_param_get get, void *ctx, int64_t now, kt_window *w, kt_pv_params *p, kt_err *err)
{
    memset(p, 0, sizeof *p);
    p->headroom_pct = 10;
    const char *v = get(ctx, "window");
    if (window_parse(v && *v ? v : "7d", now, w, err))
        return -1;
    if ((v = get(ctx, "teamLabel")) && *v)
        p->team_label = v;
    return num(get, ctx, "headroomPct", 0, 1000, 0, &p->headroom_pct, err);
}

int ab_params_parse(kt_param_get get, void *ctx, int64_t now, kt_window *w, kt_ab_params *p, kt_err *err)
{
    memset(p, 0, sizeof *p);
    kt_savings_params d;
    savings_params_init(&d);
    p->bytes_per_s = d.abandoned_bytes_per_s, p->cpu_cores = d.abandoned_cpu_cores;
    double days = 0;
    if (num(get, ctx, "days", 1, 3650, 0, &days, err))
        return -1;
    if (days != floor(days))
        return kt_fail(err, KT_EINPUT, "days: must be a whole number");
    const char *v = get(ctx, "window");
    if (days > 0 && v && *v)
        return kt_fail(err, KT_EINPUT, "days: give days or window, not both");
    char spec[32];
    snprintf(spec, sizeof spec, "%.0fd", days);
    if (window_parse(days > 0 ? spec : v && *v ? v : "7d", now, w, err))
        return -1;
    if ((v = get(ctx, "teamLabel")) && *v)
        p->team_label = v;
    if (num(get, ctx, "threshold", 0, 1e15, 0, &p->bytes_per_s, err) ||
        num(get, ctx, "cpuThreshold", 0, 1e6, 0, &p->cpu_cores, err))
        return -1;
    return 0;
}

/* Kubecost's cluster sizing names (its docs write range= for the window). */
int cs_params_parse(kt_param_get get, void *ctx, int64_t now, kt_window *w, kt_cs_params *p, kt_filter **filter,
                    kt_err *err)
{
    memset(p, 0, sizeof *p);
    *filter = NULL;
    p->target = 0.65, p->min_nodes = 2; /* production */
    const char *v = get(ctx, "window");
    if (!v || !*v)
        v = get(ctx, "range");
    if (window_parse(v && *v ? v : "7d", now, w, err))
        return -1;
    if ((v = get(ctx, "profile")) && *v && cs_profile(v, &p->target, &p->min_nodes))
        return kt_fail(err, KT_EINPUT, "profile: expected development, production or high-availability, got '%.64s'",
                       v);
    double mn = p->min_nodes;
    if (num(get, ctx, "targetUtilization", 0, 1, 1, &p->target, err) ||
        num(get, ctx, "minNodeCount", 1, 1000, 0, &mn, err))
        return -1;
    if (mn != floor(mn))
        return kt_fail(err, KT_EINPUT, "minNodeCount: must be a whole number");
    p->min_nodes = (int)mn;
    if ((v = get(ctx, "allowSharedCore")) && *v) {
        if (!strcasecmp(v, "true")) p->allow_shared_core = 1;
        else if (strcasecmp(v, "false")) return kt_fail(err, KT_EINPUT, "allowSharedCore: expected true or false");
    }
    if ((v = get(ctx, "architecture")) && *v) {
        if (!strcasecmp(v, "arm")) p->arm = 1;
        else if (strcasecmp(v, "x86")) return kt_fail(err, KT_EINPUT, "architecture: expected x86 or ARM");
    }
    if ((v = get(ctx, "to")) && *v)
        p->to = v;
    if (filter_parse(get(ctx, "filter"), filter, err))
        return -1;
    p->filter = *filter;
    return 0;
}

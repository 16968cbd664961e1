/* import.c — `kubetally import prometheus`: cost history from Prometheus,
 * Thanos or Mimir into the store (src/prom/import.h does the work);
 * `kubetally import focus` is import_focus.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/flags.h"
#include "pricing/pricing.h"
#include "engine/window.h"
#include "prom/import.h"
#include "util/log.h"

static const kt_flag flags[] = {
    {"--url", "url", 0, NULL},
    {"--window", "window", 0, "-w"},
    {"--cluster-label", "cluster_label", 0, NULL},
    {"--cluster", "cluster", 0, NULL},
    {"--resolution", "resolution", 0, NULL},
    {"--chunk", "chunk", 0, NULL},
    {"--bearer-token-file", "token_file", 0, NULL},
    {"--timeout", "timeout", 0, NULL},
    {"--retries", "retries", 0, NULL},
    {"--concurrency", "concurrency", 0, NULL},
    {"--max-series", "max_series", 0, NULL},
    {"--max-answer-mb", "max_answer_mb", 0, NULL},
    {"--allow-partial", "allow_partial", 1, NULL},
    {"--follow", "follow", 0, NULL},
    {"--db", "db", 0, NULL},
    {"--pricing", "pricing", 0, NULL},
    {"--quiet", "quiet", 1, "-q"},
    {NULL, NULL, 0, NULL},
};

static const char summary[] =
    "Import cost history from Prometheus, Thanos or Mimir (kube-state-metrics v1/v2 + cAdvisor).\n"
    "  kubetally import prometheus --url http://prometheus:9090 [--window 30d]\n"
    "    --window W            what to import (OpenCost windows; default 30d, ends at the current hour)\n"
    "    --cluster-label L     label naming the cluster in a multi-cluster Prometheus (default cluster)\n"
    "    --cluster NAME        cluster name for series without that label (default default)\n"
    "    --resolution D        query step, dividing an hour (default 5m)\n"
    "    --chunk D             time per query chunk, whole hours (default 24h; halved automatically\n"
    "                          while a chunk's values would pass 256 MiB)\n"
    "    --bearer-token-file F sent as Authorization: Bearer\n"
    "    --timeout S, --retries N, --concurrency N (defaults 120, 3, 4)\n"
    "    --max-series N        refuse chunks with more containers than this (default 100000)\n"
    "    --max-answer-mb N     refuse a Prometheus answer larger than N MiB uncompressed (default 256)\n"
    "    --allow-partial       accept answers Thanos marks partial (default: refuse)\n"
    "    --pricing FILE        price with this sheet (OpenCost CSV or rates JSON) before imported lists\n"
    "                          and the built-in catalog (docs/pricing.md); --pricing default: OpenCost's\n"
    "                          default rates only (what OpenCost's own exporter charges)\n"
    "    --follow D            keep importing every D (as `serve --prometheus` does); the first round\n"
    "                          backfills --window";

static int num(kt_params *p, const char *name, long def, long lo, long hi, long *out, kt_err *err)
{
    const char *v = params_get(p, name);
    char *end;
    *out = def;
    if (!v)
        return 0;
    *out = strtol(v, &end, 10);
    if (!*v || *end || *out < lo || *out > hi)
        return kt_fail(err, KT_EINPUT, "--%s: expected a whole number from %ld to %ld, got '%s'", name, lo, hi, v);
    return 0;
}

static int dur(kt_params *p, const char *name, const char *def, int64_t *out, kt_err *err)
{
    const char *v = params_get(p, name);
    if (duration_parse(v ? v : def, out, err))
        return kt_wrap(err, "--%s: ", name);
    return 0;
}

/* A bar on a terminal; one log line per chunk otherwise (CI logs, pipes). */
static void progress(void *ud, const kt_prom_import_stats *st)
{
    int tty = *(int *)ud;
    char t[32];
    time_format(st->chunk_end, t);
    double f = st->end > st->start ? (double)(st->chunk_end - st->start) / (double)(st->end - st->start) : 1;
    if (tty < 0)
        return;
    if (tty) {
        char bar[31];
        int n = (int)(f * 30);
        for (int i = 0; i < 30; i++)
            bar[i] = i < n ? '#' : '.';
        bar[30] = 0;
        fprintf(stderr, "\r[%s] %3.0f%%  to %s  %ld container-hours  %ld queries", bar, f * 100, t,
                st->container_hours, st->queries);
        if (st->chunk_end >= st->end)
            fputc('\n', stderr);
        fflush(stderr);
    } else {
        log_info("import: %3.0f%%, read to %s (%zu chunks, %ld container-hours, %ld queries so far)", f * 100, t,
                 st->chunks_done, st->container_hours, st->queries);
    }
}

static int import_once(kt_store *s, const kt_prom_import_opts *o, kt_window w, int tty, kt_err *err)
{
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    kt_prom_import_stats st;
    int rc = prom_import(s, o, w.start, w.end, &st, err);
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (rc) {
        if (tty)
            fputc('\n', stderr); /* end the progress bar's line */
        return -1;
    }
    char from[32], to[32];
    time_format(hour_floor(w.start), from), time_format(hour_floor(w.end), to);
    printf("imported %s..%s from %s into %s: %ld clusters, %ld nodes, %ld pods, %ld container-hours, "
           "%ld node-hours, %ld volume-hours, %ld load-balancer-hours (%ld queries, %.1f s)\n",
           from, to, o->client.url, store_describe(s), st.clusters, st.nodes, st.pods, st.container_hours,
           st.node_hours, st.volume_hours, st.lb_hours, st.queries,
           (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
    return 0;
}

/* --follow: what `serve --prometheus` does, in the foreground.  The first
 * round backfills the window; later rounds re-import from an hour before
 * the last end (prom_follow_tick).  A failed round is logged and retried
 * at the next; every earlier commit stays.  Runs until killed: a round cut
 * short rolls back with its transaction. */
static int follow(kt_store *s, const kt_prom_import_opts *o, int64_t window, int64_t every)
{
    kt_prom_follower f = {*o, window, 0};
    f.opts.progress = NULL;
    for (;;) {
        kt_prom_import_stats st;
        kt_err err = {0};
        char t[32];
        if (prom_follow_tick(&f, s, (int64_t)time(NULL), &st, &err)) {
            log_warn("import: round failed, retrying in %lld s: %s", (long long)every, err.msg);
        } else {
            time_format(f.done, t);
            log_info("import: up to %s: %ld container-hours, %ld queries", t, st.container_hours, st.queries);
        }
        fflush(stdout);
        sleep((unsigned)every);
    }
    return 0;
}

int cmd_import(int argc, char **argv)
{
    kt_params p;
    kt_err err = {0};
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        flags_usage("import prometheus", summary, flags);
        printf("\n  kubetally import focus PATH...   FOCUS cloud bills (kubetally import focus --help)\n");
        return 0;
    }
    if (argc >= 2 && !strcmp(argv[1], "focus"))
        return cmd_import_focus(argc - 1, argv + 1);
    if (argc < 2 || strcmp(argv[1], "prometheus")) {
        kt_fail(&err, KT_EINPUT, "expected a source: `kubetally import prometheus --url URL` or "
                "`kubetally import focus PATH...` (got '%s')",
                argc < 2 ? "" : argv[1]);
        return cmd_report("import", &err);
    }
    if (flags_parse(flags, argc - 1, argv + 1, &p, &err))
        return cmd_report("import", &err);
    if (p.help) {
        flags_usage("import prometheus", summary, flags);
        return 0;
    }
    kt_prom_import_opts o = {0};
    long timeout, retries, conc, maxs, max_mb;
    int64_t step, chunk;
    int64_t now = (int64_t)time(NULL);
    kt_window w;
    const char *win = params_get(&p, "window");
    if (!params_get(&p, "url")) {
        kt_fail(&err, KT_EINPUT, "--url is required (Prometheus or Thanos base URL, e.g. http://prometheus:9090)");
        return cmd_report("import", &err);
    }
    if (window_parse(win ? win : "30d", now, &w, &err) || dur(&p, "resolution", "5m", &step, &err) ||
        dur(&p, "chunk", "24h", &chunk, &err) || num(&p, "timeout", 120, 1, 86400, &timeout, &err) ||
        num(&p, "retries", 3, 0, 20, &retries, &err) || num(&p, "concurrency", 4, 1, 64, &conc, &err) ||
        num(&p, "max_series", 100000, 1, 100000000, &maxs, &err) ||
        num(&p, "max_answer_mb", 256, 1, 65536, &max_mb, &err))
        return cmd_report("import", &err);
    o.client = (kt_prom_client_opts){params_get(&p, "url"), params_get(&p, "token_file"), (int)timeout, (int)retries,
                                     (int)conc, (size_t)maxs, params_get(&p, "allow_partial") != NULL &&
                                     cmd_parse_bool(params_get(&p, "allow_partial")) == 1,
                                     (size_t)max_mb << 20};
    o.cluster_label = params_get(&p, "cluster_label");
    o.default_cluster = params_get(&p, "cluster");
    o.step = step, o.chunk = chunk, o.max_series = (size_t)maxs;
    int mode = params_get(&p, "quiet") ? -1 : isatty(2);
    o.progress = progress, o.progress_ud = &mode;
    if (prom_import_check(&o, &err))
        return cmd_report("import", &err);
    if (w.end > now)
        w.end = now; /* history only: the current hour is imported once it is over */

    int64_t every = 0;
    if (params_get(&p, "follow") && dur(&p, "follow", "5m", &every, &err))
        return cmd_report("import", &err);
    /* Prices resolve as everywhere (sheet > imported lists > catalog >
     * defaults); "--pricing default" keeps OpenCost's default rates only,
     * to compare with what OpenCost's exporter reports for the same data. */
    kt_pricing_opts po = {params_get(&p, "pricing"), NULL};
    kt_pricing *pricing = NULL;
    int defaults_only = po.custom_file && !strcmp(po.custom_file, "default");
    if (!defaults_only && pricing_load(&po, &pricing, &err))
        return cmd_report("import", &err);
    o.pricing = pricing;
    kt_store *s;
    if (store_open(params_get(&p, "db"), KT_STORE_CREATE, &s, &err)) {
        pricing_free(pricing);
        return cmd_report("import", &err);
    }
    int rc = every ? follow(s, &o, now - w.start, every) : import_once(s, &o, w, mode == 1, &err);
    store_close(s);
    pricing_free(pricing);
    if (rc) {
        kt_wrap(&err, "nothing imported: ");
        return cmd_report("import", &err);
    }
    return 0;
}

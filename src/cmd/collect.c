/* collect.c — `kubetally collect`: watch clusters in the foreground until
 * Ctrl-C or SIGTERM, then flush and exit 0.
 *
 * Signals are blocked in every thread and taken by sigwait here (as in
 * serve.c), so shutdown is ordinary code: each cluster flushes its meter
 * once more and closes its store handle. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd/collect_opts.h"
#include "engine/window.h"
#include "pricing/pricing.h"
#include "util/log.h"

#define MAX_FLAGS 24

static const kt_flag own_flags[] = {
    {"--db", "db", 0, NULL},
    {"--duration", "duration", 0, NULL},
    {NULL, NULL, 0, NULL},
};

static const char summary[] =
    "Watch Kubernetes clusters and meter what they cost into the store, until Ctrl-C or SIGTERM.\n"
    "  kubetally collect [--all-contexts | --context NAME …] [--db URL]\n"
    "    --db URL              store (default $KUBETALLY_DB or the SQLite file under $XDG_DATA_HOME)\n"
    "    --duration D          stop by itself after D (e.g. 10m)\n";

/* Wait for SIGINT/SIGTERM, or for `duration` seconds when > 0 (0 then). */
static int wait_for_stop(sigset_t *set, int64_t duration)
{
    if (duration <= 0) {
        int sig = 0;
        sigwait(set, &sig);
        return sig;
    }
    struct timespec now, end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    end.tv_sec += (time_t)duration;
    for (;;) { /* sigtimedwait returns early on EINTR (e.g. a credential plugin's SIGCHLD) */
        clock_gettime(CLOCK_MONOTONIC, &now);
        struct timespec left = {end.tv_sec - now.tv_sec, end.tv_nsec - now.tv_nsec};
        if (left.tv_nsec < 0)
            left.tv_sec--, left.tv_nsec += 1000000000L;
        if (left.tv_sec < 0)
            return 0;
        int sig = sigtimedwait(set, NULL, &left);
        if (sig > 0)
            return sig;
        if (errno != EINTR)
            return 0;
    }
}

static void print_summary(kt_collector *c)
{
    kt_cluster_health h[64];
    size_t n = collector_health(c, h, 64);
    for (size_t i = 0; i < n; i++)
        log_info("cluster %s: %ld nodes, %ld pods, %ld events, %ld watch restarts, %ld relists%s%s", h[i].name,
                 h[i].nodes, h[i].pods, h[i].events, h[i].watch_restarts, h[i].relists,
                 h[i].last_error[0] ? "; last error: " : "", h[i].last_error);
}

static int run(kt_params *p, kt_err *err)
{
    const char *contexts[KT_MAX_PARAMS];
    kt_collector_opts o;
    kt_pricing *pricing = NULL;
    kt_collector *c = NULL;
    int64_t duration = 0;
    sigset_t set;
    /* first: a SIGTERM while the prices or the kubeconfig still load (slow
     * on a loaded machine) waits for sigwait and a clean exit 0, instead
     * of killing the process (no thread exists yet, so all will inherit it) */
    cmd_block_signals(&set);
    const char *d = params_get(p, "duration");
    if (d && duration_parse(d, &duration, err))
        return kt_wrap(err, "--duration: ");
    if (collect_opts_parse(p, &o, contexts, KT_MAX_PARAMS, err))
        return -1;
    kt_pricing_opts po = {params_get(p, "pricing"), NULL};
    if (pricing_load(&po, &pricing, err))
        return -1;
    o.cluster.pricing = pricing;
    if (collector_check(&o, err) || cmd_prepare_store_spooled(o.cluster.db, o.cluster.spool_dir, err) || collector_start(&o, &c, err)) {
        pricing_free(pricing);
        return -1;
    }
    int sig = wait_for_stop(&set, duration);
    log_info("%s: flushing and stopping", sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "duration reached");
    print_summary(c);
    collector_stop(c);
    pricing_free(pricing);
    return 0;
}

int cmd_collect(int argc, char **argv)
{
    kt_flag table[MAX_FLAGS];
    kt_params p;
    kt_err err = {0};
    collector_fit_malloc(); /* before the first cluster thread */
    collect_flags_merge(own_flags, table, MAX_FLAGS);
    if (flags_parse(table, argc, argv, &p, &err))
        return cmd_report("collect", &err);
    if (p.help) {
        flags_usage("collect", summary, table);
        fputs(collect_flags_help, stdout);
        return 0;
    }
    if (run(&p, &err))
        return cmd_report("collect", &err);
    return 0;
}

/* serve.c — `kubetally serve`: the HTTP API, /metrics and the dashboard over
 * the store, plus the collectors that keep the store current.
 *
 * Signals: SIGTERM and SIGINT are blocked in every thread and taken by
 * sigwait here, so shutdown is ordinary code: stop the collectors, let
 * requests in flight finish, close the store, exit 0. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts/config.h"
#include "alerts/runner.h"
#include "cmd/cmd.h"
#include "report/report.h"
#include "cmd/collect_opts.h"
#include "cmd/flags.h"
#include "engine/window.h"
#include "http/health.h"
#include "http/posture_api.h"
#include "pricing/pricing.h"
#include "http/server.h"
#include "prom/import.h"
#include "store/store.h"
#include "util/log.h"

#define MAX_FLAGS 40

/* serve's own flags; the collector's (collect_opts.h) are appended. */
static const kt_flag own_flags[] = {
    {"--db", "db", 0, NULL},
    {"--listen", "listen", 0, NULL},
    {"--allow-host", "allowHost", 0, NULL},
    {"--auth-token-file", "authTokenFile", 0, NULL},
    {"--tls-cert", "tlsCert", 0, NULL},
    {"--tls-key", "tlsKey", 0, NULL},
    {"--threads", "threads", 0, NULL},
    {"--no-cache", "noCache", 1, NULL},
    {"--max-answer-mb", "maxAnswerMb", 0, NULL},
    {"--max-conns-per-ip", "maxConnsPerIp", 0, NULL},
    {"--prometheus", "prometheus", 0, NULL},
    {"--prometheus-token-file", "prometheusTokenFile", 0, NULL},
    {"--prometheus-backfill", "prometheusBackfill", 0, NULL},
    {"--posture-file", "postureFile", 0, NULL},
    {"--posture-rules", "postureRules", 0, NULL},
    {"--posture-config", "postureConfig", 0, NULL},
    {"--posture-level", "postureLevel", 0, NULL},
    {"--posture-interval", "postureInterval", 0, NULL},
    {"--config", "config", 0, NULL},
    {NULL, NULL, 0, NULL},
};

/* The Prometheus follower: one thread, one store handle, a tick every
 * five minutes until told to stop. */
typedef struct follower {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int stop, running;
    const char *db;
    kt_prom_follower f;
} follower;

static void *follow_loop(void *arg)
{
    follower *fo = arg;
    pthread_mutex_lock(&fo->lock);
    while (!fo->stop) {
        pthread_mutex_unlock(&fo->lock);
        kt_store *s;
        kt_err err = {0};
        kt_prom_import_stats st = {0};
        if (store_open(fo->db, KT_STORE_CREATE, &s, &err) ||
            prom_follow_tick(&fo->f, s, (int64_t)time(NULL), &st, &err))
            log_warn("prometheus %s: %s", fo->f.opts.client.url, err.msg);
        else
            log_info("prometheus %s: %ld container-hours imported", fo->f.opts.client.url, st.container_hours);
        store_close(s);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 300;
        pthread_mutex_lock(&fo->lock);
        while (!fo->stop && pthread_cond_timedwait(&fo->wake, &fo->lock, &until) == 0)
            ;
    }
    pthread_mutex_unlock(&fo->lock);
    return NULL;
}

static int start_follower(follower *fo, kt_params *p, kt_err *err)
{
    const char *url = params_get(p, "prometheus"), *bf = params_get(p, "prometheusBackfill");
    memset(fo, 0, sizeof *fo);
    if (!url)
        return 0;
    fo->db = params_get(p, "db");
    fo->f.opts.client.url = url;
    fo->f.opts.client.bearer_token_file = params_get(p, "prometheusTokenFile");
    fo->f.window = 2 * 86400;
    if (bf && duration_parse(bf, &fo->f.window, err))
        return kt_wrap(err, "--prometheus-backfill: ");
    if (prom_import_check(&fo->f.opts, err))
        return -1;
    pthread_mutex_init(&fo->lock, NULL);
    pthread_cond_init(&fo->wake, NULL);
    if (pthread_create(&fo->thread, NULL, follow_loop, fo))
        return kt_fail(err, KT_ERUNTIME, "cannot start the Prometheus follower thread");
    fo->running = 1;
    return 0;
}

static void stop_follower(follower *fo)
{
    if (!fo->running)
        return;
    pthread_mutex_lock(&fo->lock);
    fo->stop = 1;
    pthread_cond_signal(&fo->wake);
    pthread_mutex_unlock(&fo->lock);
    pthread_join(fo->thread, NULL); /* a tick in progress finishes (it is one transaction) */
    pthread_mutex_destroy(&fo->lock);
    pthread_cond_destroy(&fo->wake);
}

/* An optional integer flag in [lo, hi]; *out untouched when absent. */
static int int_flag(kt_params *p, const char *name, const char *flag, long lo, long hi, long *out, kt_err *err)
{
    const char *v = params_get(p, name);
    if (!v)
        return 0;
    char *end;
    long n = strtol(v, &end, 10);
    if (!*v || *end || n < lo || n > hi)
        return kt_fail(err, KT_EINPUT, "%s: expected %ld to %ld, got '%s'", flag, lo, hi, v);
    *out = n;
    return 0;
}

static int parse_config(kt_params *p, kt_http_config *c, kt_err *err)
{
    memset(c, 0, sizeof *c);
    c->listen = params_get(p, "listen");
    /* names a reverse proxy sends as Host (the OpenCost UI's nginx sends its upstream's name, "model") */
    c->allow_hosts = params_get(p, "allowHost") ? params_get(p, "allowHost") : getenv("KUBETALLY_ALLOW_HOSTS");
    if (c->allow_hosts && http_host_list_check(c->allow_hosts, err))
        return -1;
    c->db_url = params_get(p, "db");
    c->auth_token_file = params_get(p, "authTokenFile");
    c->tls_cert = params_get(p, "tlsCert");
    c->tls_key = params_get(p, "tlsKey");
    const char *nc = params_get(p, "noCache");
    c->no_cache = nc && cmd_parse_bool(nc) == 1;
    /* the estimated JSON of one answer, and the connections one address may hold (guard.h) */
    long threads = 0, per_ip = 0, mb = 0;
    http_limits_default(&c->limits);
    if (int_flag(p, "threads", "--threads", 1, 64, &threads, err) ||
        int_flag(p, "maxAnswerMb", "--max-answer-mb", 1, 100000, &mb, err) ||
        int_flag(p, "maxConnsPerIp", "--max-conns-per-ip", 1, 100000, &per_ip, err))
        return -1;
    c->threads = (unsigned)threads;
    c->max_per_ip = (unsigned)per_ip;
    if (mb)
        c->limits.max_bytes = (size_t)mb * 1000000;
    return 0;
}

/* The live collector runs when a cluster flag is given (--kubeconfig,
 * --context, --all-contexts); in a pod without a kubeconfig those select the
 * service account (collector.h).  Without one, serve only reads the store,
 * so serving a demo or imported store never starts watching by surprise. */
typedef struct live {
    kt_pricing *pricing;
    kt_collector *collector;
    const char *contexts[KT_MAX_PARAMS];
} live;

static int start_live(live *l, kt_params *p, kt_http_config *cfg, kt_err *err)
{
    kt_collector_opts o;
    memset(l, 0, sizeof *l);
    if (!collect_wants_kube(p))
        return 0;
    kt_pricing_opts po = {params_get(p, "pricing"), NULL};
    if (collect_opts_parse(p, &o, l->contexts, KT_MAX_PARAMS, err) || pricing_load(&po, &l->pricing, err))
        return -1;
    o.cluster.pricing = l->pricing;
    if (cfg->posture)
        o.cluster.watch.posture = 1; /* /posture and /health read the clusters from the collector */
    if (collector_start(&o, &l->collector, err)) {
        pricing_free(l->pricing);
        return -1;
    }
    if (cfg->posture)
        posture_service_use_collector(cfg->posture, l->collector);
    cfg->live_metrics = health_render_collector;
    cfg->live_metrics_ud = l->collector;
    return 0;
}

/* /posture and /health (http/posture_api.h): from --posture-file paths and
 * the clusters serve watches, read on demand; off when neither is given. */
typedef struct posture_src {
    kt_posture_service *svc;
    kt_kube_targets targets;
    const char *files[KT_MAX_PARAMS];
} posture_src;

static int start_posture(posture_src *ps, kt_params *p, kt_http_config *cfg, kt_err *err)
{
    memset(ps, 0, sizeof *ps);
    kt_posture_service_opts o = {ps->files, 0, NULL, params_get(p, "postureRules"), params_get(p, "postureConfig"),
                                 PSS_BASELINE, PSS_LATEST_MINOR, 300};
    for (int i = 0; i < p->n; i++)
        if (!strcmp(p->name[i], "postureFile"))
            ps->files[o.n_files++] = p->value[i];
    const char *lv = params_get(p, "postureLevel"), *iv = params_get(p, "postureInterval");
    if (lv && pss_parse_level(lv, &o.level))
        return kt_fail(err, KT_EINPUT, "--posture-level: expected baseline or restricted, got '%s'", lv);
    int64_t secs = 0;
    if (iv && duration_parse(iv, &secs, err))
        return kt_wrap(err, "--posture-interval: ");
    if (secs)
        o.refresh_s = (int)secs;
    if (collect_wants_kube(p)) {
        kt_collector_opts co;
        const char *contexts[KT_MAX_PARAMS];
        if (collect_opts_parse(p, &co, contexts, KT_MAX_PARAMS, err))
            return -1;
        kt_err e2 = {0};
        if (kubeconfig_load(co.kubeconfig, co.contexts, co.n_contexts, co.all_contexts, &ps->targets, err) &&
            kube_incluster(&ps->targets, &e2))
            return -1;
        o.targets = &ps->targets;
    }
    if (!o.n_files && !o.targets)
        return 0;
    if (posture_service_new(&o, &ps->svc, err)) {
        kube_targets_free(&ps->targets);
        return -1;
    }
    cfg->posture = ps->svc;
    return 0;
}

static void stop_posture(posture_src *ps)
{
    posture_service_free(ps->svc);
    kube_targets_free(&ps->targets);
}

static void stop_live(live *l)
{
    collector_stop(l->collector); /* each cluster flushes once more */
    pricing_free(l->pricing);
}

/* --config FILE: validated whole, then its budgets saved, before serving,
 * so a mistake stops serve with the line at fault instead of half-applying.
 * Without it, budgets made over the API are still evaluated (and their
 * state kept), with no receivers to tell. */
static int load_alerts_config(kt_params *p, kt_alerts_config *c, kt_err *err)
{
    const char *path = params_get(p, "config");
    kt_store *s;
    if (!path)
        return alerts_config_parse("", 0, "(none)", c, err);
    if (alerts_config_load(path, c, err))
        return -1;
    int rc = store_open(params_get(p, "db"), 0, &s, err);
    if (!rc) {
        rc = alerts_config_apply(c, s, err);
        store_close(s);
    }
    if (rc)
        alerts_config_free(c);
    else
        log_info("--config %s: %zu budgets, %zu receivers, evaluated every %llds", path, c->n_budgets,
                 c->n_receivers, (long long)c->evaluate_every);
    return rc;
}

int cmd_serve(int argc, char **argv)
{
    kt_flag flags[MAX_FLAGS];
    kt_params p;
    kt_err err = {0};
    kt_http_config cfg;
    kt_http_server *srv;
    follower fo;
    live lv;
    posture_src ps;
    collector_fit_malloc(); /* before the first thread (HTTP workers, clusters) */
    collect_flags_merge(own_flags, flags, MAX_FLAGS);
    if (flags_parse(flags, argc, argv, &p, &err))
        return cmd_report("serve", &err);
    if (p.help) {
        flags_usage("serve", "HTTP API (OpenCost's /allocation, /assets), /metrics and the dashboard at /; "
                    "loopback 127.0.0.1:9003 unless --listen says otherwise.\n"
                    "With --kubeconfig/--context/--all-contexts it also watches those clusters (as collect).", flags);
        fputs(collect_flags_help, stdout);
        return 0;
    }
    /* the store must exist before the server answers /readyz (an empty store
     * is a valid, empty fleet) and before collector threads open it */
    kt_alerts_config acfg;
    kt_alert_runner *alerts = NULL;
    if (parse_config(&p, &cfg, &err) || cmd_prepare_store_spooled(cfg.db_url, params_get(&p, "spoolDir"), &err) || load_alerts_config(&p, &acfg, &err))
        return cmd_report("serve", &err);
    sigset_t set;
    cmd_block_signals(&set); /* before any thread starts, so all inherit it */
    if (start_posture(&ps, &p, &cfg, &err))
        return cmd_report("serve", &err);
    kt_http_limits alim;
    http_limits_default(&alim);
    /* the operator's own rules, not a request: a fleet-wide daily history
     * for anomalies may exceed what one HTTP request may compute; the runner
     * sums what it asks for and sends no answer */
    alim.max_cells = 0, alim.max_rows = 0, alim.max_results = 0, alim.max_bytes = 0;
    /* posture and health rules read the posture service's latest audit */
    kt_feed_source_cb feed = {ps.svc ? posture_service_feed : NULL, ps.svc};
    if (alert_runner_start(cfg.db_url, &acfg, &alim, reports_round, feed, &alerts, &err)) {
        stop_posture(&ps);
        alerts_config_free(&acfg);
        return cmd_report("serve", &err);
    }
    cfg.budgets_changed = alert_runner_wake;
    cfg.budgets_changed_ud = alerts;
    if (start_live(&lv, &p, &cfg, &err)) {
        alert_runner_stop(alerts);
        stop_posture(&ps);
        alerts_config_free(&acfg);
        return cmd_report("serve", &err);
    }
    if (http_server_start(&cfg, &srv, &err)) {
        stop_live(&lv);
        alert_runner_stop(alerts);
        stop_posture(&ps);
        alerts_config_free(&acfg);
        return cmd_report("serve", &err);
    }
    if (start_follower(&fo, &p, &err)) {
        http_server_stop(srv);
        stop_live(&lv);
        alert_runner_stop(alerts);
        stop_posture(&ps);
        alerts_config_free(&acfg);
        return cmd_report("serve", &err);
    }
    log_info("serving on %s%s (port %u)%s", cfg.tls_cert ? "https://" : "http://",
             cfg.listen ? cfg.listen : "127.0.0.1:9003", http_server_port(srv),
             cfg.auth_token_file ? ", bearer token required" : "");
    int sig = 0;
    sigwait(&set, &sig);
    log_info("%s: shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    stop_follower(&fo);
    http_server_stop(srv);
    stop_live(&lv);
    alert_runner_stop(alerts); /* before the posture service it reads */
    stop_posture(&ps);
    alerts_config_free(&acfg);
    return 0;
}

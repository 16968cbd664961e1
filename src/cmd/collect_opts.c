/* collect_opts.c — the collector flags `kubetally collect` and `kubetally
 * serve` share: which clusters, how often, and the price sheet. */
#include "cmd/collect_opts.h"

#include <stdlib.h>
#include <string.h>

#include "engine/window.h"

const kt_flag collect_flags[] = {
    {"--kubeconfig", "kubeconfig", 0, NULL},
    {"--context", "context", 0, NULL},
    {"--all-contexts", "allContexts", 1, NULL},
    {"--pricing", "pricing", 0, NULL},
    {"--flush-interval", "flushInterval", 0, NULL},
    {"--usage-interval", "usageInterval", 0, NULL},
    {"--kubelet-stats", "kubeletStats", 1, NULL},
    {"--keep-posture", "keepPosture", 1, NULL},
    {"--watch-timeout", "watchTimeout", 0, NULL},
    {"--stall-timeout", "stallTimeout", 0, NULL},
    {"--request-timeout", "requestTimeout", 0, NULL},
    {"--page-size", "pageSize", 0, NULL},
    {"--in-cluster", "inCluster", 1, NULL},
    {"--cluster-name", "clusterName", 0, NULL},
    {"--spool-dir", "spoolDir", 0, NULL},
    {"--spool-max-mb", "spoolMaxMb", 0, NULL},
    {NULL, NULL, 0, NULL},
};

const char collect_flags_help[] =
    "    --kubeconfig F        kubeconfig file (default $KUBECONFIG, else ~/.kube/config; in a pod\n"
    "                          without one: the service account)\n"
    "    --context NAME        a context to watch (repeat for several; default current-context)\n"
    "    --all-contexts        watch every context in the kubeconfig\n"
    "    --pricing F           custom price sheet (OpenCost CSV)\n"
    "    --flush-interval D    write hourly facts this often (default 1m)\n"
    "    --usage-interval D    sample metrics.k8s.io this often (default 30s; 0 = never)\n"
    "    --kubelet-stats       read usage from each node's kubelet Summary API through the API\n"
    "                          server's node proxy instead of metrics.k8s.io: also claims' used\n"
    "                          bytes (needs get on nodes/proxy: docs/deploy.md)\n"
    "    --keep-posture        watch and keep in memory what posture and health checks read (every\n"
    "                          kind they list, and /version; serve does so for /posture and /health)\n"
    "    --watch-timeout D     server-side watch timeout before a watch is renewed (default 5m)\n"
    "    --stall-timeout D     abandon a watch silent this long (default watch timeout + 1m)\n"
    "    --request-timeout D   per list request (default 1m)\n"
    "    --page-size N         objects per list page (default 500 ÷ clusters watched, at least 50)\n"
    "    --in-cluster          watch the cluster this pod runs in, with its service account\n"
    "    --cluster-name NAME   the cluster's name in kubetally (one cluster; default the context\n"
    "                          name, or \"in-cluster\")\n"
    "    --spool-dir DIR       keep flushes the database cannot take in DIR (one folder per cluster)\n"
    "                          and replay them when it returns; survives restarts\n"
    "    --spool-max-mb N      bound of each cluster's spool; the oldest flushes go first (default 256)\n";

static int seconds(kt_params *p, const char *name, const char *flag, int zero_ok, int *out, kt_err *err)
{
    const char *v = params_get(p, name);
    int64_t d;
    if (!v)
        return 0;
    if (zero_ok && !strcmp(v, "0")) {
        *out = -1;
        return 0;
    }
    if (duration_parse(v, &d, err) || d < 1 || d > 86400)
        return kt_fail(err, KT_EINPUT, "%s: expected a duration from 1s to 24h such as 30s or 5m, got '%s'", flag, v);
    *out = (int)d;
    return 0;
}

static int spool_opts(kt_params *p, kt_cluster_opts *c, kt_err *err)
{
    const char *dir = params_get(p, "spoolDir"), *mb = params_get(p, "spoolMaxMb");
    if (dir && !*dir)
        return kt_fail(err, KT_EINPUT, "--spool-dir: expected a folder");
    if (mb && !dir)
        return kt_fail(err, KT_EINPUT, "--spool-max-mb bounds the spool: give --spool-dir too");
    c->spool_dir = dir;
    if (mb) {
        char *end;
        long n = strtol(mb, &end, 10);
        if (*end || end == mb || n < 1 || n > 1048576)
            return kt_fail(err, KT_EINPUT, "--spool-max-mb: expected 1 to 1048576 (MiB), got '%s'", mb);
        c->spool_max_bytes = (uint64_t)n << 20;
    }
    return 0;
}

int collect_opts_parse(kt_params *p, kt_collector_opts *o, const char **contexts, size_t max, kt_err *err)
{
    memset(o, 0, sizeof *o);
    o->kubeconfig = params_get(p, "kubeconfig");
    const char *all = params_get(p, "allContexts");
    o->all_contexts = all && cmd_parse_bool(all) == 1;
    for (int i = 0; i < p->n; i++)
        if (!strcmp(p->name[i], "context") && o->n_contexts < max)
            contexts[o->n_contexts++] = p->value[i];
    o->contexts = contexts;
    if (o->all_contexts && o->n_contexts)
        return kt_fail(err, KT_EINPUT, "--context and --all-contexts: choose one");
    const char *inc = params_get(p, "inCluster");
    o->in_cluster = inc && cmd_parse_bool(inc) == 1;
    if (o->in_cluster && (o->all_contexts || o->n_contexts || o->kubeconfig))
        return kt_fail(err, KT_EINPUT, "--in-cluster watches this pod's cluster: drop --kubeconfig/--context/--all-contexts");
    o->cluster_name = params_get(p, "clusterName");
    if (o->cluster_name && (!*o->cluster_name || strlen(o->cluster_name) > 120))
        return kt_fail(err, KT_EINPUT, "--cluster-name: expected 1 to 120 characters");
    if (o->cluster_name && o->all_contexts)
        return kt_fail(err, KT_EINPUT, "--cluster-name names one cluster: not with --all-contexts");
    o->cluster.db = params_get(p, "db");
    kt_watch_opts *w = &o->cluster.watch;
    if (seconds(p, "flushInterval", "--flush-interval", 0, &o->cluster.flush_interval, err) ||
        seconds(p, "usageInterval", "--usage-interval", 1, &w->usage_interval, err) ||
        seconds(p, "watchTimeout", "--watch-timeout", 0, &w->watch_timeout, err) ||
        seconds(p, "stallTimeout", "--stall-timeout", 0, &w->stall_timeout, err) ||
        seconds(p, "requestTimeout", "--request-timeout", 0, &w->request_timeout, err))
        return -1;
    if (spool_opts(p, &o->cluster, err))
        return -1;
    const char *ks = params_get(p, "kubeletStats");
    w->kubelet_stats = ks && cmd_parse_bool(ks) == 1;
    const char *kp = params_get(p, "keepPosture");
    w->posture = kp && cmd_parse_bool(kp) == 1;
    const char *ps = params_get(p, "pageSize");
    if (ps) {
        char *end;
        long n = strtol(ps, &end, 10);
        if (*end || n < 1 || n > 100000)
            return kt_fail(err, KT_EINPUT, "--page-size: expected 1 to 100000, got '%s'", ps);
        w->page_size = (int)n;
    }
    return 0;
}

void collect_flags_merge(const kt_flag *own, kt_flag *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; own[i].flag && n + 1 < max; i++)
        out[n++] = own[i];
    for (size_t i = 0; collect_flags[i].flag && n + 1 < max; i++)
        out[n++] = collect_flags[i];
    out[n] = (kt_flag){NULL, NULL, 0, NULL};
}

int collect_wants_kube(kt_params *p)
{
    return params_get(p, "kubeconfig") || params_get(p, "context") || params_get(p, "allContexts") ||
           params_get(p, "inCluster");
}

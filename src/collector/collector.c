/* collector.c — one collector thread per cluster; see collector.h. */
#include "collector/collector.h"

#include <assert.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/store.h"
#include "util/buf.h"
#include "util/log.h"

struct kt_collector {
    kt_kube_targets targets;
    kt_cluster **clusters;
    size_t n;
};

/* kubectl's rule for "is there a kubeconfig at all": an explicit path, a
 * non-empty $KUBECONFIG, or ~/.kube/config. */
static int have_kubeconfig(const char *path)
{
    const char *env = getenv("KUBECONFIG"), *home = getenv("HOME");
    struct stat st;
    char buf[4096];
    if (path || (env && *env))
        return 1;
    snprintf(buf, sizeof buf, "%s/.kube/config", home ? home : "");
    return home && stat(buf, &st) == 0;
}

/* --cluster-name: an agent's cluster is known in the store by the name its
 * database role was granted for, not by "in-cluster". */
static int rename_target(const kt_collector_opts *o, kt_kube_targets *ts, kt_err *err)
{
    if (!o->cluster_name)
        return 0;
    if (ts->n != 1)
        return kt_fail(err, KT_EINPUT, "--cluster-name names one cluster, but %zu are selected", ts->n);
    free(ts->t[0].name);
    ts->t[0].name = xstrdup(o->cluster_name);
    return 0;
}

static int select_targets(const kt_collector_opts *o, kt_kube_targets *ts, kt_err *err)
{
    if (o->in_cluster || (!have_kubeconfig(o->kubeconfig) && getenv("KUBERNETES_SERVICE_HOST")))
        return kube_incluster(ts, err) || rename_target(o, ts, err) ? -1 : 0;
    if (kubeconfig_load(o->kubeconfig, o->contexts, o->n_contexts, o->all_contexts, ts, err))
        return -1;
    if (!ts->n)
        return kt_fail(err, KT_EINPUT, "no cluster selected: the kubeconfig has no current-context; "
                       "use --context NAME or --all-contexts");
    return rename_target(o, ts, err);
}

void collector_fit_malloc(void)
{
    store_limit_cache_memory(COLLECTOR_STORE_CACHE);
    if (getenv("GLIBC_TUNABLES"))
        return;
    if (!getenv("MALLOC_ARENA_MAX"))
        mallopt(M_ARENA_MAX, COLLECTOR_ARENAS);
    if (!getenv("MALLOC_MMAP_THRESHOLD_"))
        mallopt(M_MMAP_THRESHOLD, COLLECTOR_MMAP_BYTES);
}

int collector_check(const kt_collector_opts *o, kt_err *err)
{
    assert(o);
    kt_kube_targets ts;
    memset(&ts, 0, sizeof ts);
    int rc = select_targets(o, &ts, err);
    kube_targets_free(&ts);
    return rc;
}

int collector_start(const kt_collector_opts *o, kt_collector **out, kt_err *err)
{
    assert(o && out);
    kt_collector *c = xcalloc(1, sizeof *c);
    if (select_targets(o, &c->targets, err)) {
        kube_targets_free(&c->targets);
        free(c);
        return -1;
    }
    c->clusters = xcalloc(c->targets.n, sizeof *c->clusters);
    kt_cluster_opts co = o->cluster;
    /* A list page's parse tree is about five times its JSON (500 pods:
     * ~2 MB of JSON, ~10 MB of tree) and lives while the page is decoded;
     * every cluster's first sync runs at once, so N clusters ask pages of
     * 500/N items (at least 50): the sync's transient memory stays about one
     * cluster's, for more (pipelined) requests. */
    if (co.watch.page_size <= 0 && c->targets.n > 1)
        co.watch.page_size = 500 / (int)c->targets.n > 50 ? 500 / (int)c->targets.n : 50;
    for (size_t i = 0; i < c->targets.n; i++) {
        if (cluster_start(&c->targets.t[i], &co, &c->clusters[c->n], err)) {
            collector_stop(c);
            return -1;
        }
        c->n++;
        log_info("cluster %s: watching %s", c->targets.t[i].name, c->targets.t[i].server);
    }
    *out = c;
    return 0;
}

void collector_stop(kt_collector *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        cluster_stop(c->clusters[i]);
    free(c->clusters);
    kube_targets_free(&c->targets);
    free(c);
}

size_t collector_health(kt_collector *c, kt_cluster_health *out, size_t max)
{
    assert(c && (out || !max));
    size_t n = c->n < max ? c->n : max;
    for (size_t i = 0; i < n; i++)
        cluster_health(c->clusters[i], &out[i]);
    return n;
}

size_t collector_size(const kt_collector *c) { return c ? c->n : 0; }

int collector_posture(kt_collector *c, const char *name, int timeout_s, json_t *out[])
{
    assert(name && out);
    for (size_t i = 0; c && i < c->n; i++)
        if (!strcmp(c->targets.t[i].name, name))
            return cluster_posture(c->clusters[i], timeout_s, out);
    return -1;
}

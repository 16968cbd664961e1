/* import.c — chunked, all-or-nothing import of Prometheus history; see import.h. */
#include "prom/import.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/time.h"
#include "prom/model.h"
#include "prom/queries.h"
#include "prom/write.h"
#include "util/buf.h"
#include "util/log.h"

typedef struct ns_count {
    const char *cluster, *ns;
    double n;
} ns_count;

static int by_cluster(const void *a, const void *b)
{
    const ns_count *x = a, *y = b;
    int c = strcmp(x->cluster, y->cluster);
    return c ? c : strcmp(x->ns, y->ns);
}

int prom_import_check(const kt_prom_import_opts *o, kt_err *err)
{
    int64_t step = o->step ? o->step : 300, chunk = o->chunk ? o->chunk : 24 * 3600;
    if (prom_url_check(o->client.url, err))
        return -1;
    if (step <= 0 || 3600 % step)
        return kt_fail(err, KT_EINPUT, "--resolution %llds: must divide an hour (1m, 2m, 5m, 10m, 15m, 30m, 1h)",
                       (long long)step);
    if (chunk <= 0 || chunk % 3600)
        return kt_fail(err, KT_EINPUT, "--chunk %llds: must be whole hours", (long long)chunk);
    return 0;
}

/* Size the chunk with one count query and cut its namespaces into groups
 * whose answers stay under points_per_query samples; then queue every
 * query of the chunk. */
static int plan_chunk(kt_prom_client *c, const kt_prom_import_opts *o, int64_t t0, int64_t t1, pq_list *l,
                      kt_prom_import_stats *st, kt_err *err)
{
    const char *cl = o->cluster_label;
    size_t max_series = o->max_series, S = (size_t)((t1 - t0) / o->step);
    kt_prom_request d = {"container count", pq_discovery(cl, t1 - t0), t0, t1, 0, {0}};
    int rc = prom_run(c, &d, 1, err);
    free(d.promql);
    st->queries++;
    if (rc)
        return -1;
    ns_count *nc = xcalloc(d.result.n + 1, sizeof *nc);
    double total = 0;
    for (size_t i = 0; i < d.result.n; i++) {
        const kt_prom_series *s = &d.result.series[i];
        nc[i] = (ns_count){prom_label(s, cl), prom_label(s, "namespace"), s->n ? s->v[0] : 0};
        total += nc[i].n;
    }
    if (total > (double)max_series) {
        char a[32], b[32];
        time_format(t0, a), time_format(t1, b);
        kt_fail(err, KT_ERUNTIME,
                "%.0f container series between %s and %s, above the limit of %zu (--max-series); "
                "raise it if this fleet is really that large, or check for a label explosion", total, a, b,
                max_series);
        free(nc);
        prom_result_free(&d.result);
        return -1;
    }
    if (total * (double)S * 56 > (double)o->mem_budget && t1 - t0 > 3600) {
        free(nc);
        prom_result_free(&d.result);
        return 1; /* too big for memory: the caller halves the chunk */
    }
    qsort(nc, d.result.n, sizeof *nc, by_cluster);
    /* each container gives up to 3 request series (cpu, memory, gpu) */
    double per_group = (double)o->points_per_query / (double)S / 3.0;
    const char **names = xcalloc(d.result.n + 1, sizeof *names);
    for (size_t a = 0; a < d.result.n;) {
        size_t b = a;
        double sum = 0;
        while (b < d.result.n && !strcmp(nc[b].cluster, nc[a].cluster) && (b == a || sum + nc[b].n <= per_group))
            names[b - a] = nc[b].ns, sum += nc[b].n, b++;
        const char *name = nc[a].cluster;
        pq_add_group(l, cl, name, names, b - a, t0, t1, o->step);
        a = b;
    }
    pq_add_fleet(l, t0, t1, o->step);
    free(names);
    free(nc);
    prom_result_free(&d.result);
    return 0;
}

static void defaults(const kt_prom_import_opts *in, kt_prom_import_opts *o)
{
    *o = *in;
    if (!o->cluster_label) o->cluster_label = "cluster";
    if (!o->default_cluster) o->default_cluster = "default";
    if (!o->step) o->step = 300;
    if (!o->chunk) o->chunk = 24 * 3600;
    if (!o->mem_budget) o->mem_budget = (size_t)256 << 20;
    if (!o->max_series) o->max_series = 100000;
    if (!o->points_per_query) o->points_per_query = 250000;
    if (!o->client.max_series) o->client.max_series = o->max_series;
}

static int import_chunk(kt_prom_client *c, kt_store *s, const kt_prom_import_opts *o, int64_t t0, int64_t t1,
                        pm_clusters *cls, kt_prom_import_stats *st, kt_err *err)
{
    pq_list l = {0};
    int planned = plan_chunk(c, o, t0, t1, &l, st, err);
    if (planned) {
        pq_free(&l);
        return planned;
    }
    st->queries += (long)l.n;
    if (prom_run(c, l.r, l.n, err)) {
        pq_free(&l);
        return -1;
    }
    kt_prom_model m;
    pm_init(&m, t0, o->step, (size_t)((t1 - t0) / o->step), o->cluster_label, o->default_cluster);
    for (size_t i = 0; i < l.n; i++)
        pm_add(&m, l.kind[i], &l.r[i].result);
    pm_finish(&m);
    pm_stats ps = {0};
    int rc = pm_write(&m, s, cls, &ps, err);
    pm_free(&m);
    pq_free(&l);
    st->clusters += ps.clusters, st->nodes += ps.nodes, st->pods += ps.pods;
    st->container_hours += ps.container_hours, st->node_hours += ps.node_hours;
    st->volume_hours += ps.volume_hours, st->lb_hours += ps.lb_hours;
    return rc;
}

int prom_import(kt_store *s, const kt_prom_import_opts *in, int64_t start, int64_t end, kt_prom_import_stats *st,
                kt_err *err)
{
    kt_prom_import_opts o;
    defaults(in, &o);
    memset(st, 0, sizeof *st);
    if (prom_import_check(&o, err))
        return -1;
    start = hour_floor(start), end = hour_floor(end);
    if (end <= start)
        return kt_fail(err, KT_EINPUT, "nothing to import: the window holds no whole hour");
    st->start = start, st->end = end;
    kt_prom_client *c;
    if (prom_client_new(&o.client, &c, err))
        return -1;
    pm_clusters cls;
    pm_clusters_init(&cls);
    cls.pricing = o.pricing;
    int rc = store_begin(s, err);
    int64_t len = o.chunk;
    for (int64_t t0 = start; !rc && t0 < end;) {
        int64_t t1 = t0 + len < end ? t0 + len : end;
        rc = import_chunk(c, s, &o, t0, t1, &cls, st, err);
        if (rc == 1) { /* over the memory budget: same start, half the length */
            len = (t1 - t0) / 2 / 3600 * 3600;
            if (len < 3600) len = 3600;
            log_debug("chunk at %lld over the memory budget; trying %lld s", (long long)t0, (long long)len);
            rc = 0;
            continue;
        }
        if (!rc) {
            st->chunks_done++, st->chunk_end = t1;
            if (o.progress)
                o.progress(o.progress_ud, st);
        }
        t0 = t1;
    }
    if (!rc) {
        for (size_t i = 0; i + 1 < cls.names.n && !rc; i++) /* id 0 is "" */
            rc = store_set_cluster_contact(s, cls.id[i], (int64_t)time(NULL), "", err);
        if (!rc)
            rc = store_commit(s, err);
    } else {
        store_rollback(s);
        log_debug("import rolled back; nothing written");
    }
    pm_clusters_free(&cls);
    prom_client_free(c);
    return rc;
}

int prom_follow_tick(kt_prom_follower *f, kt_store *s, int64_t now, kt_prom_import_stats *st, kt_err *err)
{
    int64_t end = hour_floor(now);
    int64_t start = f->done ? f->done - 3600 : end - (f->window > 0 ? f->window : 3 * 86400);
    if (end <= start) {
        memset(st, 0, sizeof *st);
        return 0;
    }
    if (prom_import(s, &f->opts, start, end, st, err))
        return -1;
    f->done = end;
    return 0;
}

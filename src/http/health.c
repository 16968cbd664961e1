/* health.c — request counters and kubetally_* metrics; see health.h. */
#include "http/health.h"

#include "http/cache.h"

#include <pthread.h>
#include <string.h>

/* Upper bounds in seconds; the last bucket is +Inf. */
static const double bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
enum { NB = sizeof bounds / sizeof *bounds };
_Static_assert(NB + 1 <= sizeof ((kt_route_stats *)0)->bucket / sizeof(unsigned long), "buckets");

void prom_label_escape(kt_buf *b, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '\\') buf_puts(b, "\\\\");
        else if (*s == '"') buf_puts(b, "\\\"");
        else if (*s == '\n') buf_puts(b, "\\n");
        else buf_putc(b, *s);
    }
}

void health_record(kt_http_app *app, int route_index, int status, double seconds)
{
    int i = route_index >= 0 && route_index < KT_ROUTES_MAX - 1 ? route_index : KT_ROUTES_MAX - 1;
    int b = 0;
    while (b < NB && seconds > bounds[b])
        b++;
    if (app->stats_lock)
        pthread_mutex_lock(app->stats_lock);
    kt_route_stats *st = &app->stats[i];
    st->requests++;
    st->errors_4xx += status >= 400 && status < 500;
    st->errors_5xx += status >= 500;
    st->bucket[b]++;
    st->seconds += seconds;
    if (app->stats_lock)
        pthread_mutex_unlock(app->stats_lock);
}

static const char *route_name(int i, int n_routes, const kt_route *routes)
{
    return i < n_routes ? routes[i].path : "other";
}

static void render_requests(const kt_route_stats *stats, kt_buf *out)
{
    int nr;
    const kt_route *routes = http_routes(&nr);
    buf_puts(out, "# HELP kubetally_http_requests_total HTTP requests served, by route and status class.\n"
                  "# TYPE kubetally_http_requests_total counter\n");
    for (int i = 0; i < KT_ROUTES_MAX; i++) {
        const kt_route_stats *s = &stats[i];
        if (!s->requests && i >= nr)
            continue;
        const char *r = route_name(i, nr, routes);
        buf_printf(out, "kubetally_http_requests_total{route=\"%s\",code=\"2xx\"} %lu\n", r,
                   s->requests - s->errors_4xx - s->errors_5xx);
        buf_printf(out, "kubetally_http_requests_total{route=\"%s\",code=\"4xx\"} %lu\n", r, s->errors_4xx);
        buf_printf(out, "kubetally_http_requests_total{route=\"%s\",code=\"5xx\"} %lu\n", r, s->errors_5xx);
    }
    buf_puts(out, "# HELP kubetally_http_request_duration_seconds Server time per request, by route.\n"
                  "# TYPE kubetally_http_request_duration_seconds histogram\n");
    for (int i = 0; i < KT_ROUTES_MAX; i++) {
        const kt_route_stats *s = &stats[i];
        if (!s->requests && i >= nr)
            continue;
        const char *r = route_name(i, nr, routes);
        unsigned long cum = 0;
        for (int b = 0; b < NB; b++) {
            cum += s->bucket[b];
            buf_printf(out, "kubetally_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %lu\n", r,
                       bounds[b], cum);
        }
        buf_printf(out, "kubetally_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %lu\n", r,
                   s->requests);
        buf_printf(out, "kubetally_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", r, s->seconds);
        buf_printf(out, "kubetally_http_request_duration_seconds_count{route=\"%s\"} %lu\n", r, s->requests);
    }
}

static void cluster_gauge(kt_buf *out, const char *name, const char *help, const kt_cluster_status *c, size_t n,
                          int which)
{
    buf_printf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
    for (size_t i = 0; i < n; i++) {
        double v = which == 0 ? (double)c[i].last_contact : which == 1 ? (double)c[i].last_fact
                 : which == 2 ? (c[i].last_error[0] != 0) : which == 3 ? (double)c[i].nodes : (double)c[i].pods;
        buf_printf(out, "%s{cluster_id=\"", name);
        prom_label_escape(out, c[i].name);
        buf_printf(out, "\"} %.0f\n", v);
    }
}

void health_render(kt_http_app *app, const kt_cluster_status *c, size_t n, double store_bytes, int64_t now,
                   kt_buf *out)
{
    kt_route_stats copy[KT_ROUTES_MAX];
    if (app->stats_lock)
        pthread_mutex_lock(app->stats_lock);
    memcpy(copy, app->stats, sizeof copy);
    if (app->stats_lock)
        pthread_mutex_unlock(app->stats_lock);
    render_requests(copy, out);
    cluster_gauge(out, "kubetally_cluster_last_contact_timestamp_seconds",
                  "When the collector last reached the cluster (0 = never, e.g. imported or demo data).", c, n, 0);
    cluster_gauge(out, "kubetally_cluster_last_fact_timestamp_seconds",
                  "Start of the newest hour of facts stored for the cluster.", c, n, 1);
    cluster_gauge(out, "kubetally_cluster_error", "1 when the collector's last contact with the cluster failed.",
                  c, n, 2);
    cluster_gauge(out, "kubetally_cluster_nodes", "Nodes known for the cluster.", c, n, 3);
    cluster_gauge(out, "kubetally_cluster_pods", "Pods known for the cluster.", c, n, 4);
    if (store_bytes >= 0)
        buf_printf(out, "# HELP kubetally_store_size_bytes Size of the store on disk (database, WAL).\n"
                        "# TYPE kubetally_store_size_bytes gauge\nkubetally_store_size_bytes %.0f\n", store_bytes);
    if (app->cache) {
        unsigned long hits, misses;
        size_t bytes;
        cache_counts(app->cache, &hits, &misses, &bytes);
        buf_printf(out, "# HELP kubetally_http_cache_requests_total Cacheable requests, by result.\n"
                        "# TYPE kubetally_http_cache_requests_total counter\n"
                        "kubetally_http_cache_requests_total{result=\"hit\"} %lu\n"
                        "kubetally_http_cache_requests_total{result=\"miss\"} %lu\n"
                        "# HELP kubetally_http_cache_bytes Bytes of answers held in the cache.\n"
                        "# TYPE kubetally_http_cache_bytes gauge\nkubetally_http_cache_bytes %zu\n",
                   hits, misses, bytes);
    }
    buf_printf(out, "# HELP kubetally_start_time_seconds When this server started.\n"
                    "# TYPE kubetally_start_time_seconds gauge\nkubetally_start_time_seconds %lld\n",
               (long long)app->started);
}

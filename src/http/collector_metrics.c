/* collector_metrics.c — the live collector's own health in Prometheus text
 * format, appended to /metrics by `kubetally serve`; see health.h. */
#include <stdio.h>

#include "http/health.h"
#include "collector/collector.h"

static void label(kt_buf *out, const char *metric, const char *name)
{
    buf_printf(out, "%s{cluster_id=\"", metric);
    prom_label_escape(out, name);
    buf_puts(out, "\"} ");
}

typedef struct series {
    const char *name, *type, *help;
} series;

static double value(const kt_cluster_health *h, int i)
{
    switch (i) {
    case 0: return (double)h->watch_restarts;
    case 1: return (double)h->relists;
    case 2: return (double)h->events;
    case 3: return (double)h->errors;
    case 4: return h->synced;
    case 5: return h->usage;
    case 6: return (double)h->meter_bytes;
    default: return (double)h->last_flush;
    }
}

void health_render_collector(void *ud, kt_buf *out)
{
    static const series s[] = {
        {"kubetally_watch_restarts_total", "counter", "Watches that failed or stalled and were resumed."},
        {"kubetally_watch_relists_total", "counter", "Full relists (410 Gone, malformed events)."},
        {"kubetally_watch_events_total", "counter", "Watch events applied."},
        {"kubetally_collector_errors_total", "counter", "Errors talking to the cluster."},
        {"kubetally_collector_synced", "gauge", "1 once every resource has been listed."},
        {"kubetally_collector_usage_available", "gauge", "1 when metrics.k8s.io answers."},
        {"kubetally_collector_meter_bytes", "gauge", "Memory held by the cluster's meter."},
        {"kubetally_collector_last_flush_timestamp_seconds", "gauge", "Last successful write of hourly facts."},
    };
    kt_collector *c = ud;
    kt_cluster_health h[256];
    size_t n = collector_health(c, h, 256);
    for (size_t i = 0; i < sizeof s / sizeof *s; i++) {
        buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", s[i].name, s[i].help, s[i].name, s[i].type);
        for (size_t k = 0; k < n; k++) {
            label(out, s[i].name, h[k].name);
            buf_printf(out, "%.0f\n", value(&h[k], (int)i));
        }
    }
}

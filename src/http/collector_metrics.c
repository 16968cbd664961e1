/* collector_metrics.c — the live collector's own health in Prometheus text
 * format, appended to /metrics by `kubetally serve`; see health.h. */
#include <stdio.h>
#include <time.h>

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
    int spool; /* only for clusters with a spool */
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
    case 7: return (double)h->posture_bytes;
    case 8: return (double)h->last_flush;
    case 9: return (double)h->spool_bytes;
    case 10: return (double)h->spool_files;
    case 11: return (double)h->spool_dropped;
    case 12: return (double)h->spool_replayed;
    default: return h->spool_oldest ? (double)(time(NULL) - h->spool_oldest) : 0;
    }
}

void health_render_collector(void *ud, kt_buf *out)
{
    static const series s[] = {
        {"kubetally_watch_restarts_total", "counter", "Watches that failed or stalled and were resumed.", 0},
        {"kubetally_watch_relists_total", "counter", "Full relists (410 Gone, malformed events).", 0},
        {"kubetally_watch_events_total", "counter", "Watch events applied.", 0},
        {"kubetally_collector_errors_total", "counter", "Errors talking to the cluster.", 0},
        {"kubetally_collector_synced", "gauge", "1 once every resource has been listed.", 0},
        {"kubetally_collector_usage_available", "gauge", "1 when metrics.k8s.io answers.", 0},
        {"kubetally_collector_meter_bytes", "gauge", "Memory held by the cluster's meter.", 0},
        {"kubetally_collector_posture_bytes", "gauge", "Memory held by the cluster's kept posture state.", 0},
        {"kubetally_collector_last_flush_timestamp_seconds", "gauge", "Last successful write of hourly facts.", 0},
        {"kubetally_spool_bytes", "gauge", "Bytes of flushes spooled on disk while the database is away.", 1},
        {"kubetally_spool_files", "gauge", "Flushes spooled on disk, waiting to be replayed.", 1},
        {"kubetally_spool_dropped_total", "counter", "Spooled flushes lost: the spool was full, or a file was corrupt.", 1},
        {"kubetally_spool_replayed_total", "counter", "Spooled flushes replayed into the database.", 1},
        {"kubetally_spool_age_seconds", "gauge", "Age of the oldest spooled flush (0 when the spool is empty).", 1},
    };
    kt_collector *c = ud;
    kt_cluster_health h[256];
    size_t n = collector_health(c, h, 256);
    size_t spools = 0;
    for (size_t k = 0; k < n; k++)
        spools += h[k].spool != 0;
    for (size_t i = 0; i < sizeof s / sizeof *s; i++) {
        if (s[i].spool && !spools)
            continue;
        buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", s[i].name, s[i].help, s[i].name, s[i].type);
        for (size_t k = 0; k < n; k++) {
            if (s[i].spool && !h[k].spool)
                continue;
            label(out, s[i].name, h[k].name);
            buf_printf(out, "%.0f\n", value(&h[k], (int)i));
        }
    }
}

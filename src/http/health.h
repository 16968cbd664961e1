/* health.h — kubetally's own health as Prometheus metrics: requests and
 * latency per route, per-cluster last contact and errors, store size.
 * Counters live in kt_http_app, guarded by its stats_lock. */
#ifndef KT_HTTP_HEALTH_H
#define KT_HTTP_HEALTH_H

#include "http/app.h"
#include "store/store.h"

/* Count one request: route_index from http_route_find, -1 when none. */
void health_record(kt_http_app *app, int route_index, int status, double seconds);
/* Append kubetally_* metrics.  store_bytes < 0 ⇒ unknown (not a file). */
void health_render(kt_http_app *app, const kt_cluster_status *c, size_t n, double store_bytes, int64_t now,
                   kt_buf *out);
/* The live collector's per-cluster health (collector/collector.h): watch
 * restarts, relists, events, errors, sync, usage availability, meter
 * memory, last flush, as kubetally_watch_* and kubetally_collector_*.
 * ud is the kt_collector; fits kt_http_config.live_metrics. */
void health_render_collector(void *ud, kt_buf *out);
/* Prometheus label value escaping: backslash, double quote, newline. */
void prom_label_escape(kt_buf *b, const char *s);

#endif

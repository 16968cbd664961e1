/* health_format.h — cluster health (posture/health.h) as bytes, for
 * `kubetally health` and GET /health alike.
 * json: {"clusters":[{cluster, score, nodes{total,unhealthy},
 *   pods{total,unhealthy}, jobs{total,failed}, endOfLife, silent,
 *   findings[{check, kind, namespace, name, detail}]}]}
 * table: per cluster "== NAME", one line per finding, the score line. */
#ifndef KT_FORMAT_HEALTH_H
#define KT_FORMAT_HEALTH_H

#include "posture/health.h"
#include "util/buf.h"

void format_health_json(const kt_cluster_health_result *r, size_t n, kt_buf *out);
void format_health_table(const kt_cluster_health_result *r, size_t n, kt_buf *out);

#endif

/* posture_feed.h (http) — a posture audit and its health results as the
 * plain findings the alert rules read (alerts/posture_feed.h), built by the
 * posture service at each refresh and handed to the alerts runner.
 *
 * Items: every failed Polaris check of an object (one per object and check,
 * containers merged; Polaris' configured severity), every Pod Security
 * Standards violation at the audited level (danger), every residency and
 * resilience finding (its severity), and every health finding but
 * ClusterSilent (the health rule checks silence itself, with its own
 * window; NodeNotReady is critical, the others warnings).  Scores: each
 * cluster's Polaris and health score, and the fleet's Polaris score. */
#ifndef KT_HTTP_POSTURE_FEED_H
#define KT_HTTP_POSTURE_FEED_H

#include "alerts/posture_feed.h"
#include "posture/health.h"
#include "posture/posture.h"

kt_posture_feed *posture_feed_build(const kt_posture *p, const kt_cluster_health_result *h, size_t nh,
                                    int64_t computed_at);
/* Polaris' score over one cluster's objects (objects whose "file" is
 * cluster, by pointer), -1 when it has none. */
int posture_cluster_score(const kt_posture *p, const char *cluster);

#endif

/* posture_api.h — GET /posture and GET /health, and their /metrics series,
 * from a posture service: the manifests or dumps given to `serve
 * --posture-file`, and the clusters serve watches, read on demand
 * (posture/live.h) at most once per refresh interval (default 300 s) and
 * kept as ready answers.
 *
 *   /posture  the JSON of `kubetally posture -o json` (Polaris results and
 *             scores per object, namespace and cluster, Pod Security
 *             Standards, residency and resilience findings)
 *   /health   the JSON of `kubetally health -o json` (per cluster), with
 *             each cluster's last contact from the store
 * With a collector (posture_service_use_collector), a watched cluster's
 * pods, nodes and namespaces come from what it keeps; the other kinds are
 * still listed at each refresh.
 *   /metrics  kubetally_posture_score{cluster}, kubetally_posture_findings
 *             {cluster,check,severity}, kubetally_health_score{cluster},
 *             kubetally_health_findings{cluster,check}
 *   alerts   the findings as plain data for posture and health alert rules
 *            (http/posture_feed.h), swapped in with the answers
 * A refresh that fails keeps the previous answer and reports the error
 * (503 when there is none yet).  Thread-safe: one refresh at a time, run
 * without holding other requests up (they get the previous answer). */
#ifndef KT_HTTP_POSTURE_API_H
#define KT_HTTP_POSTURE_API_H

#include "http/app.h"
#include "alerts/posture_feed.h"
#include "kube/kubeconfig.h"
#include "posture/pss.h"

typedef struct kt_posture_service kt_posture_service;

typedef struct kt_posture_service_opts {
    const char *const *files;    /* manifests or dumps, each one cluster */
    size_t n_files;
    kt_kube_targets *targets;    /* live clusters (borrowed), or NULL */
    const char *rules_path;      /* kubetally rules (NULL: defaults) */
    const char *polaris_config;  /* Polaris config (NULL: defaults) */
    pss_level level;
    int minor;
    int refresh_s;               /* 0: 300 */
} kt_posture_service_opts;

/* Reads the rules and config now, so a bad file fails at start. */
int posture_service_new(const kt_posture_service_opts *o, kt_posture_service **out, kt_err *err);
void posture_service_free(kt_posture_service *s);
/* Read the nodes, namespaces and pods of the clusters c collects (by
 * name) from c's kept state (collector.h: collector_posture) instead of
 * listing them; a cluster c does not have, or has not synced, is listed
 * as before.  Call before the first answer; c must outlive s's use. */
struct kt_collector;
void posture_service_use_collector(kt_posture_service *s, struct kt_collector *c);
/* Append the posture/health series (refreshing first when stale). */
void posture_service_metrics(kt_posture_service *s, int64_t now, kt_buf *out);

/* The /posture (health 0) or /health (1) JSON into out, refreshing when
 * stale; -1 with err when there is no answer yet. */
int posture_service_answer(kt_posture_service *s, kt_store *store, int64_t now, int health, kt_buf *out,
                           kt_err *err);

/* The latest audit's findings for the alert rules (a kt_posture_feed_fn,
 * alerts/posture_feed.h; svc is the service), refreshing when stale. */
int posture_service_feed(void *svc, kt_store *store, int64_t now, kt_posture_feed **out, kt_err *err);

void api_posture(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r);
void api_health(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r);
/* /ui/posture (dash_posture.c) */
void dash_posture(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r);

#endif

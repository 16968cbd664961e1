/* queries.h — the PromQL kubetally sends, in one place.  Internal to
 * src/prom; docs/prometheus-import.md lists the same queries for users.
 *
 * A chunk (t0, t1] at `step` is read with:
 *  - range queries evaluated at t0+step … t1 (the step ENDING at each
 *    evaluation, integrate.h), per namespace group SEL = {CL="c",
 *    namespace=~"a|b"}: requests (both kube-state-metrics schemes in one
 *    selector), kube_pod_container_status_running, cAdvisor CPU as
 *    rate(…[step]) and working set as avg_over_time(…[step]), summed by
 *    (CL, namespace, pod, container): after a container restart the old
 *    cgroup's series goes stale, so the sum is the one live cgroup's value
 *    (the window is at least 2 minutes so rate() always has two scrapes);
 *  - instant queries at t1 over the whole chunk with last_over_time, for
 *    what does not change per step (owners, labels, claims, node labels);
 *  - the same two shapes over the whole fleet for nodes, volumes, claims,
 *    namespaces and LoadBalancer services;
 *  - pods' traffic as rate(container_network_{receive,transmit}_bytes_total
 *    [window]) summed by pod (every interface), per namespace group, and the
 *    kubelets' kubelet_volume_stats_{used,capacity}_bytes per claim. */
#ifndef KT_PROM_QUERIES_H
#define KT_PROM_QUERIES_H

#include "prom/client.h"
#include "prom/model.h"

typedef struct pq_list {
    kt_prom_request *r;
    enum pm_kind *kind;
    size_t n, cap;
} pq_list;

/* Instant query at t1 giving the number of containers per (CL, namespace)
 * in the chunk: how big each namespace's answers will be. */
char *pq_discovery(const char *cl_label, int64_t chunk_s);

/* `cluster` "" selects series without the label.  namespaces: a list of
 * names, n of them. */
void pq_add_group(pq_list *l, const char *cl_label, const char *cluster, const char *const *namespaces, size_t n,
                  int64_t t0, int64_t t1, int64_t step);
void pq_add_fleet(pq_list *l, int64_t t0, int64_t t1, int64_t step);
void pq_free(pq_list *l);

#endif

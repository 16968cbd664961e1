/* queries.c — PromQL for one chunk; see queries.h. */
#include "prom/queries.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

#define REQ_NAMES "kube_pod_container_resource_requests|kube_pod_container_resource_requests_cpu_cores|" \
                  "kube_pod_container_resource_requests_memory_bytes"
#define CAP_NAMES "kube_node_status_capacity|kube_node_status_capacity_cpu_cores|" \
                  "kube_node_status_capacity_memory_bytes"
/* "" keeps v1 series, which have no resource label */
#define RESOURCES "resource=~\"|cpu|memory|nvidia_com_gpu|nvidia.com/gpu\""

char *pq_discovery(const char *cl, int64_t chunk_s)
{
    kt_buf b = {0};
    buf_printf(&b,
               "count by (%s, namespace) (last_over_time(kube_pod_container_status_running[%llds])) or "
               "count by (%s, namespace) (last_over_time(container_cpu_usage_seconds_total{container!=\"\","
               "container!=\"POD\"}[%llds]))",
               cl, (long long)chunk_s, cl, (long long)chunk_s);
    return buf_steal(&b);
}

/* A PromQL string literal's content: backslash and quote escaped. */
static void put_str(kt_buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\' || *s == '"') buf_putc(b, '\\');
        buf_putc(b, *s);
    }
}

/* A regex alternative matching s literally, inside a PromQL string: regex
 * metacharacters get a backslash, which the string needs doubled. */
static void put_re(kt_buf *b, const char *s)
{
    for (; *s; s++) {
        if (strchr(".+*?()|[]{}^$\\", *s)) buf_puts(b, "\\\\");
        if (*s == '"') buf_putc(b, '\\');
        buf_putc(b, *s);
    }
}

static void add(pq_list *l, enum pm_kind kind, const char *what, char *promql, int64_t t0, int64_t t1, int64_t step,
                int range)
{
    grow_array((void **)&l->r, &l->cap, l->n, sizeof *l->r);
    l->kind = xrealloc(l->kind, l->cap * sizeof *l->kind);
    kt_prom_request *r = &l->r[l->n];
    memset(r, 0, sizeof *r);
    r->what = what, r->promql = promql, r->start = t0 + step, r->end = t1, r->step = range ? step : 0;
    l->kind[l->n++] = kind;
}

void pq_add_group(pq_list *l, const char *cl_label, const char *cluster, const char *const *namespaces, size_t n,
                  int64_t t0, int64_t t1, int64_t step)
{
    kt_buf sel = {0};
    buf_printf(&sel, "%s=\"", cl_label);
    put_str(&sel, cluster);
    buf_puts(&sel, "\",namespace=~\"");
    for (size_t i = 0; i < n; i++) {
        if (i) buf_putc(&sel, '|');
        put_re(&sel, namespaces[i]);
    }
    buf_putc(&sel, '"');
    long long w = (long long)(step < 120 ? 120 : step), c = (long long)(t1 - t0);
    const char *s = sel.data;
    kt_buf q = {0};
#define Q(kind, what, range, ...) do { buf_printf(&q, __VA_ARGS__); add(l, kind, what, buf_steal(&q), t0, t1, step, range); } while (0)
    Q(PQ_REQ, "container requests", 1, "{__name__=~\"" REQ_NAMES "\"," RESOURCES ",%s}", s);
    Q(PQ_RUN, "container running", 1, "kube_pod_container_status_running{%s}", s);
    Q(PQ_CPU, "container CPU usage", 1,
      "sum by (%s, namespace, pod, container) (rate(container_cpu_usage_seconds_total{container!=\"\","
      "container!=\"POD\",%s}[%llds]))", cl_label, s, w);
    Q(PQ_MEM, "container memory usage", 1,
      "sum by (%s, namespace, pod, container) (avg_over_time(container_memory_working_set_bytes{container!=\"\","
      "container!=\"POD\",%s}[%llds]))", cl_label, s, w);
    Q(PQ_NET_RX, "pod network received", 1,
      "sum by (%s, namespace, pod) (rate(container_network_receive_bytes_total{%s}[%llds]))", cl_label, s, w);
    Q(PQ_NET_TX, "pod network sent", 1,
      "sum by (%s, namespace, pod) (rate(container_network_transmit_bytes_total{%s}[%llds]))", cl_label, s, w);
    Q(PQ_OWNER, "pod owners", 0, "last_over_time(kube_pod_owner{%s}[%llds])", s, c);
    Q(PQ_RS_OWNER, "replicaset owners", 0, "last_over_time(kube_replicaset_owner{%s}[%llds])", s, c);
    Q(PQ_POD_LABELS, "pod labels", 0, "last_over_time(kube_pod_labels{%s}[%llds])", s, c);
    Q(PQ_POD_ANN, "pod annotations", 0, "last_over_time(kube_pod_annotations{%s}[%llds])", s, c);
    Q(PQ_POD_INFO, "pod info", 0, "last_over_time(kube_pod_info{%s}[%llds])", s, c);
    Q(PQ_POD_PVC, "pod volume claims", 0,
      "last_over_time(kube_pod_spec_volumes_persistentvolumeclaims_info{%s}[%llds])", s, c);
    Q(PQ_ENDPOINTS, "endpoint addresses", 0, "last_over_time(kube_endpoint_address{%s}[%llds])", s, c);
    buf_free(&sel);
}

void pq_add_fleet(pq_list *l, int64_t t0, int64_t t1, int64_t step)
{
    long long c = (long long)(t1 - t0);
    kt_buf q = {0};
    Q(PQ_NODE_CAP, "node capacity", 1, "{__name__=~\"" CAP_NAMES "\"," RESOURCES "}");
    Q(PQ_PV_CAP, "volume capacity", 1, "kube_persistentvolume_capacity_bytes");
    Q(PQ_PVC_REQ, "claim requests", 1, "kube_persistentvolumeclaim_resource_requests_storage_bytes");
    Q(PQ_SVC_LB, "LoadBalancer services", 1, "kube_service_spec_type{type=\"LoadBalancer\"}");
    Q(PQ_VOL_USED, "claims' used bytes", 1, "kubelet_volume_stats_used_bytes");
    Q(PQ_VOL_CAP, "claims' capacity", 1, "kubelet_volume_stats_capacity_bytes");
    Q(PQ_NODE_LABELS, "node labels", 0, "last_over_time(kube_node_labels[%llds])", c);
    Q(PQ_NODE_INFO, "node info", 0, "last_over_time(kube_node_info[%llds])", c);
    Q(PQ_NS_LABELS, "namespace labels", 0, "last_over_time(kube_namespace_labels[%llds])", c);
    Q(PQ_PVC_INFO, "claim info", 0, "last_over_time(kube_persistentvolumeclaim_info[%llds])", c);
    Q(PQ_SVC_INFO, "service info", 0, "last_over_time(kube_service_info[%llds])", c);
#undef Q
}

void pq_free(pq_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        prom_result_free(&l->r[i].result);
        free(l->r[i].promql);
    }
    free(l->r);
    free(l->kind);
    memset(l, 0, sizeof *l);
}

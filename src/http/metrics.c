/* metrics.c — OpenCost cost metrics from a dataset; see metrics.h. */
#include "http/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "http/health.h"

#define GIB 1073741824.0

static const char *S(const kt_dataset *ds, uint32_t id)
{
    return strtab_get(&ds->strs, id);
}

/* node_gpu_count is declared untyped: it is a gauge, but promtool's lint
 * refuses a "_count" suffix on any typed metric that is not a histogram or
 * summary, and the name is OpenCost's, which dashboards query. */
static void head(kt_buf *b, const char *name, const char *help)
{
    const char *type = !strcmp(name, "node_gpu_count") ? "untyped" : "gauge";
    buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{k1="v1",…} value — labels as {key, value} string pairs, n pairs. */
static void sample(kt_buf *b, const char *name, const char *const *labels, int n, double v)
{
    if (!isfinite(v))
        return;
    buf_printf(b, "%s{", name);
    for (int i = 0; i < n; i++) {
        buf_printf(b, "%s%s=\"", i ? "," : "", labels[2 * i]);
        prom_label_escape(b, labels[2 * i + 1]);
        buf_putc(b, '"');
    }
    buf_printf(b, "} %.15g\n", v); /* 15 digits: byte counts stay exact, rates print as given */
}

static void render_nodes(const kt_dataset *ds, kt_buf *b)
{
    /* The newest fact of each node wins (rates, not quantities). */
    const ds_node_fact **last = xcalloc(ds->n_nodes + 1, sizeof *last);
    for (size_t i = 0; i < ds->n_nfacts; i++) {
        const ds_node_fact *f = &ds->nfacts[i];
        if (f->node < ds->n_nodes && (!last[f->node] || f->t >= last[f->node]->t))
            last[f->node] = f;
    }
    static const struct { const char *name, *help; } m[] = {
        {"node_cpu_hourly_cost", "Hourly cost of one CPU core of the node."},
        {"node_ram_hourly_cost", "Hourly cost of one GiB of the node's RAM."},
        {"node_gpu_hourly_cost", "Hourly cost of one GPU of the node."},
        {"node_total_hourly_cost", "Hourly cost of the whole node."},
        {"node_gpu_count", "GPUs on the node."},
        {"kubecost_node_is_spot", "1 when the node is spot or preemptible."},
    };
    for (size_t k = 0; k < sizeof m / sizeof *m; k++) {
        head(b, m[k].name, m[k].help);
        for (size_t i = 0; i < ds->n_nodes; i++) {
            const ds_node *n = &ds->nodes[i];
            const ds_node_fact *f = last[i];
            if (!f)
                continue;
            const char *l[] = {"cluster_id", S(ds, ds->clusters[n->cluster].name), "instance", S(ds, n->name),
                               "node", S(ds, n->name), "instance_type", S(ds, n->instance_type),
                               "region", S(ds, n->region), "provider_id", S(ds, n->provider_id)};
            /* a node without GPUs has no GPU price (its split rate is only an artefact of the formula) */
            double v[] = {f->cpu_price, f->ram_price, n->gpus > 0 ? f->gpu_price : 0, f->hourly, n->gpus, n->spot};
            sample(b, m[k].name, l, 6, v[k]);
        }
    }
    free(last);
}

static void render_volumes_lbs_fees(const kt_dataset *ds, kt_buf *b)
{
    const ds_volume_fact **lv = xcalloc(ds->n_volumes + 1, sizeof *lv);
    for (size_t i = 0; i < ds->n_vfacts; i++) {
        const ds_volume_fact *f = &ds->vfacts[i];
        if (f->volume < ds->n_volumes && (!lv[f->volume] || f->t >= lv[f->volume]->t))
            lv[f->volume] = f;
    }
    head(b, "pv_hourly_cost", "Hourly cost of one GiB of the persistent volume.");
    for (size_t i = 0; i < ds->n_volumes; i++) {
        const ds_volume *v = &ds->volumes[i];
        if (!lv[i])
            continue;
        const char *l[] = {"cluster_id", S(ds, ds->clusters[v->cluster].name), "volumename", S(ds, v->name),
                           "persistentvolume", S(ds, v->name), "provider_id", S(ds, v->provider_id)};
        sample(b, "pv_hourly_cost", l, 4, lv[i]->price_gib_hour);
    }
    free(lv);

    const ds_lb_fact **ll = xcalloc(ds->n_lbs + 1, sizeof *ll);
    for (size_t i = 0; i < ds->n_lbfacts; i++) {
        const ds_lb_fact *f = &ds->lbfacts[i];
        if (f->lb < ds->n_lbs && (!ll[f->lb] || f->t >= ll[f->lb]->t))
            ll[f->lb] = f;
    }
    head(b, "kubecost_load_balancer_cost", "Hourly cost of the load balancer.");
    for (size_t i = 0; i < ds->n_lbs; i++) {
        const ds_lb *lb = &ds->lbs[i];
        if (!ll[i])
            continue;
        const char *l[] = {"cluster_id", S(ds, ds->clusters[lb->cluster].name), "namespace", S(ds, lb->namespace_),
                           "service_name", S(ds, lb->name), "ingress_ip", S(ds, lb->ip)};
        sample(b, "kubecost_load_balancer_cost", l, 4, ll[i]->hourly);
    }
    free(ll);

    const ds_fee_fact **lf = xcalloc(ds->n_clusters + 1, sizeof *lf);
    for (size_t i = 0; i < ds->n_feefacts; i++) {
        const ds_fee_fact *f = &ds->feefacts[i];
        if (f->cluster < ds->n_clusters && (!lf[f->cluster] || f->t >= lf[f->cluster]->t))
            lf[f->cluster] = f;
    }
    head(b, "kubecost_cluster_management_cost", "Hourly management fee of the cluster (EKS, GKE, AKS).");
    for (size_t i = 0; i < ds->n_clusters; i++) {
        if (!lf[i])
            continue;
        const char *l[] = {"cluster_id", S(ds, ds->clusters[i].name), "provisioner_name", S(ds, lf[i]->kind)};
        sample(b, "kubecost_cluster_management_cost", l, 2, lf[i]->hourly);
    }
    head(b, "kubecost_cluster_info", "Cluster facts; the value is always 1.");
    for (size_t i = 0; i < ds->n_clusters; i++) {
        const ds_cluster *c = &ds->clusters[i];
        const char *l[] = {"cluster_id", S(ds, c->name), "id", S(ds, c->name), "provider", S(ds, c->provider),
                           "provisioner", lf[i] ? S(ds, lf[i]->kind) : "", "region", S(ds, c->region)};
        sample(b, "kubecost_cluster_info", l, 5, 1);
    }
    free(lf);
}

typedef struct csum {
    double seconds, span, cpu, ram, gpu, cpu_req, ram_req;
} csum;

static void render_containers(const kt_dataset *ds, kt_buf *b)
{
    csum *sum = xcalloc(ds->n_containers + 1, sizeof *sum);
    for (size_t i = 0; i < ds->n_cfacts; i++) {
        const ds_container_fact *f = &ds->cfacts[i];
        if (f->container >= ds->n_containers)
            continue;
        csum *s = &sum[f->container];
        s->seconds += f->seconds;
        if (f->dur > s->span) /* facts of one container in the hour share its span */
            s->span = f->dur;
        s->cpu += f->cpu_alloc;
        s->cpu_req += f->cpu_req;
        s->ram_req += f->ram_req;
        s->ram += f->ram_alloc;
        s->gpu += f->gpu;
    }
    static const struct { const char *name, *help; } m[] = {
        {"container_cpu_allocation", "CPU cores allocated to the container: max(request, usage), averaged over the hour."},
        {"container_memory_allocation_bytes", "RAM bytes allocated to the container: max(request, usage), averaged over the hour."},
        {"container_gpu_allocation", "GPUs allocated to the container, averaged over the hour."},
        {"kube_pod_container_resource_requests", "Requested cores (resource=cpu) and bytes (resource=memory), averaged over the hour."},
    };
    for (size_t k = 0; k < sizeof m / sizeof *m; k++) {
        head(b, m[k].name, m[k].help);
        for (size_t i = 0; i < ds->n_containers; i++) {
            const csum *s = &sum[i];
            if (s->seconds <= 0 || s->span <= 0)
                continue;
            const ds_container *c = &ds->containers[i];
            const ds_pod *p = &ds->pods[c->pod];
            const char *node = p->node == KT_NONE ? "" : S(ds, ds->nodes[p->node].name);
            const char *l[] = {"cluster_id", S(ds, ds->clusters[p->cluster].name), "namespace", S(ds, p->namespace_),
                               "pod", S(ds, p->name), "container", S(ds, c->name), "instance", node, "node", node,
                               "resource", "cpu", "unit", "core"};
            /* Over the facts' whole span, not the running time: a container
             * that ran 30 minutes of the hour counts half, so a PromQL
             * integral over the hour gives its real core-hours. */
            double hours = s->span / 3600;
            double v[] = {s->cpu / hours, s->ram / hours, s->gpu / hours};
            if (k < 3) {
                sample(b, m[k].name, l, 6, v[k]);
            } else {
                sample(b, m[k].name, l, 8, s->cpu_req / hours);
                l[13] = "memory", l[15] = "byte";
                sample(b, m[k].name, l, 8, s->ram_req / hours);
            }
        }
    }
    free(sum);
}

/* $/GiB per cluster and destination, from the hour's priced traffic. */
static void render_network(const kt_dataset *ds, kt_buf *b)
{
    double *acc = xcalloc(ds->n_clusters * 6 + 1, sizeof *acc);
    for (size_t i = 0; i < ds->n_netfacts; i++) {
        const ds_network_fact *f = &ds->netfacts[i];
        if (f->pod >= ds->n_pods)
            continue;
        double *a = &acc[ds->pods[f->pod].cluster * 6];
        a[0] += f->tx_zone, a[1] += f->cost_zone;
        a[2] += f->tx_region, a[3] += f->cost_region;
        a[4] += f->tx_internet, a[5] += f->cost_internet;
    }
    static const char *names[] = {"kubecost_network_zone_egress_cost", "kubecost_network_region_egress_cost",
                                  "kubecost_network_internet_egress_cost"};
    static const char *helps[] = {"Cost of one GiB sent to another zone.", "Cost of one GiB sent to another region.",
                                  "Cost of one GiB sent to the internet."};
    for (int k = 0; k < 3; k++) {
        head(b, names[k], helps[k]);
        for (size_t c = 0; c < ds->n_clusters; c++) {
            double bytes = acc[c * 6 + 2 * k], cost = acc[c * 6 + 2 * k + 1];
            if (bytes <= 0)
                continue;
            const char *l[] = {"cluster_id", S(ds, ds->clusters[c].name)};
            sample(b, names[k], l, 1, cost / (bytes / GIB));
        }
    }
    free(acc);
}

/* "app.kubernetes.io/name" → "label_app_kubernetes_io_name", as
 * kube-state-metrics and OpenCost name label series. */
static void label_name(kt_buf *b, const char *prefix, const char *key)
{
    buf_puts(b, prefix);
    for (; *key; key++)
        buf_putc(b, (*key >= 'a' && *key <= 'z') || (*key >= 'A' && *key <= 'Z') || (*key >= '0' && *key <= '9')
                        ? *key : '_');
}

/* name{fixed pairs…, label_K="V" for each kv} 1.  Keys that sanitise to a
 * name already written are skipped: a repeated label name breaks a scrape. */
static void labels_sample(kt_buf *b, const kt_dataset *ds, const char *name, const char *const *fixed, int nfixed,
                          uint32_t off, uint32_t n)
{
    kt_buf names = {0};
    size_t *ends = xcalloc(n + 1, sizeof *ends);
    const char **pairs = xcalloc(2 * ((size_t)nfixed + n) + 1, sizeof *pairs);
    int np = nfixed;
    memcpy(pairs, fixed, 2 * (size_t)nfixed * sizeof *pairs);
    for (uint32_t i = 0; i < n; i++) {
        size_t start = names.len;
        label_name(&names, "label_", S(ds, ds->kvs[off + i].key));
        buf_putc(&names, 0);
        ends[i] = start;
    }
    for (uint32_t i = 0; i < n; i++) {
        const char *nm = names.data + ends[i];
        int dup = 0;
        for (int j = 0; j < np && !dup; j++)
            dup = !strcmp(pairs[2 * j], nm);
        if (dup)
            continue;
        pairs[2 * np] = nm;
        pairs[2 * np++ + 1] = S(ds, ds->kvs[off + i].value);
    }
    sample(b, name, pairs, np, 1);
    free(pairs);
    free(ends);
    buf_free(&names);
}

static const char *owner_kind(const char *k)
{
    static const char *const kinds[][2] = {{"deployment", "Deployment"}, {"statefulset", "StatefulSet"},
                                           {"daemonset", "DaemonSet"}, {"job", "Job"}, {"cronjob", "CronJob"},
                                           {"replicaset", "ReplicaSet"}, {"rollout", "Rollout"}};
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (!strcmp(k, kinds[i][0]))
            return kinds[i][1];
    return k;
}

/* The kube-state-style series OpenCost's exporter emits by default, from
 * what the store knows: node capacity (also as allocatable: kubetally keeps
 * capacity only), volumes and their claims, namespace and pod labels, pod
 * owners.  The OpenCost mixin's variables and joins read them. */
static void render_kube(const kt_dataset *ds, kt_buf *b)
{
    head(b, "opencost_build_info", "Build information (kubetally serving OpenCost's metrics).");
    const char *bl[] = {"version", "kubetally", "revision", ""};
    sample(b, "opencost_build_info", bl, 2, 1);

    static const char *const node_m[] = {"kube_node_status_capacity", "kube_node_status_allocatable"};
    for (int k = 0; k < 2; k++) {
        head(b, node_m[k], k ? "Node allocatable resources (kubetally stores capacity: the same values)."
                             : "Node capacity: cores, bytes, GPUs.");
        for (size_t i = 0; i < ds->n_nodes; i++) {
            const ds_node *n = &ds->nodes[i];
            const char *l[] = {"cluster_id", S(ds, ds->clusters[n->cluster].name), "node", S(ds, n->name),
                               "resource", "cpu", "unit", "core"};
            sample(b, node_m[k], l, 4, n->cpu_cores);
            l[5] = "memory", l[7] = "byte";
            sample(b, node_m[k], l, 4, n->ram_bytes);
            l[5] = "nvidia_com_gpu", l[7] = "integer";
            if (n->gpus > 0)
                sample(b, node_m[k], l, 4, n->gpus);
        }
    }

    const ds_volume_fact **lv = xcalloc(ds->n_volumes + 1, sizeof *lv);
    for (size_t i = 0; i < ds->n_vfacts; i++) {
        const ds_volume_fact *f = &ds->vfacts[i];
        if (f->volume < ds->n_volumes && (!lv[f->volume] || f->t >= lv[f->volume]->t))
            lv[f->volume] = f;
    }
    static const char *const pv_m[][2] = {
        {"kube_persistentvolume_capacity_bytes", "Persistent volume capacity in bytes."},
        {"kube_persistentvolumeclaim_info", "Persistent volume claims and their volumes."},
        {"kube_persistentvolumeclaim_resource_requests_storage_bytes",
         "Bytes the claim holds (kubetally stores the bound volume's size)."}};
    for (int k = 0; k < 3; k++) {
        head(b, pv_m[k][0], pv_m[k][1]);
        for (size_t i = 0; i < ds->n_volumes; i++) {
            const ds_volume *v = &ds->volumes[i];
            if (!lv[i] || (k && !v->claim_name))
                continue;
            const char *cl = S(ds, ds->clusters[v->cluster].name);
            const char *l0[] = {"cluster_id", cl, "persistentvolume", S(ds, v->name)};
            const char *l1[] = {"cluster_id", cl, "namespace", S(ds, v->claim_ns), "persistentvolumeclaim",
                                S(ds, v->claim_name), "storageclass", S(ds, v->storage_class), "volumename",
                                S(ds, v->name)};
            if (k == 0) sample(b, pv_m[k][0], l0, 2, lv[i]->bytes);
            else if (k == 1) sample(b, pv_m[k][0], l1, 5, 1);
            else sample(b, pv_m[k][0], l1, 3, lv[i]->bytes);
        }
    }
    free(lv);

    head(b, "kube_namespace_labels", "Namespace labels as label_KEY; the value is always 1.");
    for (size_t i = 0; i < ds->n_namespaces; i++) {
        const ds_namespace *ns = &ds->namespaces[i];
        const char *l[] = {"cluster_id", S(ds, ds->clusters[ns->cluster].name), "namespace", S(ds, ns->name)};
        labels_sample(b, ds, "kube_namespace_labels", l, 2, ns->label_off, ns->n_labels);
    }
    head(b, "kube_pod_labels", "Pod labels as label_KEY; the value is always 1.");
    for (size_t i = 0; i < ds->n_pods; i++) {
        const ds_pod *p = &ds->pods[i];
        const char *l[] = {"cluster_id", S(ds, ds->clusters[p->cluster].name), "namespace", S(ds, p->namespace_),
                           "pod", S(ds, p->name)};
        labels_sample(b, ds, "kube_pod_labels", l, 3, p->label_off, p->n_labels);
    }
    head(b, "kube_pod_owner", "The pod's controller (kind as Kubernetes spells it); the value is always 1.");
    for (size_t i = 0; i < ds->n_pods; i++) {
        const ds_pod *p = &ds->pods[i];
        int owned = p->controller && *S(ds, p->controller);
        const char *l[] = {"cluster_id", S(ds, ds->clusters[p->cluster].name), "namespace", S(ds, p->namespace_),
                           "pod", S(ds, p->name), "owner_kind", owned ? owner_kind(S(ds, p->controller_kind)) : "<none>",
                           "owner_name", owned ? S(ds, p->controller) : "<none>",
                           "owner_is_controller", owned ? "true" : "false"};
        sample(b, "kube_pod_owner", l, 6, 1);
    }
}

void metrics_render_costs(const kt_dataset *ds, kt_buf *out)
{
    render_kube(ds, out);
    render_nodes(ds, out);
    render_volumes_lbs_fees(ds, out);
    render_containers(ds, out);
    render_network(ds, out);
}

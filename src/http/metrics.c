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
    buf_printf(b, "} %.10g\n", v);
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
            double v[] = {f->cpu_price, f->ram_price, f->gpu_price, f->hourly, n->gpus, n->spot};
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
    double seconds, cpu, ram, gpu;
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
        s->cpu += f->cpu_alloc;
        s->ram += f->ram_alloc;
        s->gpu += f->gpu;
    }
    static const struct { const char *name, *help; } m[] = {
        {"container_cpu_allocation", "CPU cores allocated to the container: max(request, usage), averaged while running."},
        {"container_memory_allocation_bytes", "RAM bytes allocated to the container: max(request, usage), averaged while running."},
        {"container_gpu_allocation", "GPUs allocated to the container."},
    };
    for (size_t k = 0; k < sizeof m / sizeof *m; k++) {
        head(b, m[k].name, m[k].help);
        for (size_t i = 0; i < ds->n_containers; i++) {
            const csum *s = &sum[i];
            if (s->seconds <= 0)
                continue;
            const ds_container *c = &ds->containers[i];
            const ds_pod *p = &ds->pods[c->pod];
            const char *node = p->node == KT_NONE ? "" : S(ds, ds->nodes[p->node].name);
            const char *l[] = {"cluster_id", S(ds, ds->clusters[p->cluster].name), "namespace", S(ds, p->namespace_),
                               "pod", S(ds, p->name), "container", S(ds, c->name), "instance", node, "node", node};
            double hours = s->seconds / 3600;
            double v[] = {s->cpu / hours, s->ram / hours, s->gpu / hours};
            sample(b, m[k].name, l, 6, v[k]);
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

void metrics_render_costs(const kt_dataset *ds, kt_buf *out)
{
    render_nodes(ds, out);
    render_volumes_lbs_fees(ds, out);
    render_containers(ds, out);
    render_network(ds, out);
}

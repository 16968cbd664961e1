/* savings_abandoned_format.c — abandoned workloads as Kubecost's
 * abandonedWorkloads items and as a table; see format.h. */
#include <stdio.h>

#include "format/format.h"

/* {"cpuCores": c, "ramBytes": r} under key */
static void pair(kt_buf *b, const char *key, double cores, double bytes)
{
    buf_printf(b, ",\"%s\":{\"cpuCores\":", key);
    buf_json_num(b, cores);
    buf_json_kv_num(b, "ramBytes", bytes);
    buf_putc(b, '}');
}

static void item_json(const kt_ab_pod *r, kt_buf *b)
{
    buf_puts(b, "{\"pod\":");
    buf_json_str(b, r->pod);
    buf_json_kv_str(b, "namespace", r->namespace_);
    buf_json_kv_str(b, "node", r->node);
    buf_json_kv_str(b, "clusterId", r->cluster);
    buf_json_kv_str(b, "clusterName", r->cluster);
    buf_puts(b, ",\"owners\":[");
    if (*r->owner) {
        buf_puts(b, "{\"name\":");
        buf_json_str(b, r->owner);
        buf_json_kv_str(b, "kind", r->owner_kind);
        buf_putc(b, '}');
    }
    buf_putc(b, ']');
    buf_json_kv_num(b, "ingressBytesPerSecond", r->ingress_bps);
    buf_json_kv_num(b, "egressBytesPerSecond", r->egress_bps);
    pair(b, "allocation", r->alloc_cpu, r->alloc_ram);
    pair(b, "requests", r->req_cpu, r->req_ram);
    pair(b, "usage", r->use_cpu, r->use_ram);
    buf_json_kv_num(b, "monthlySavings", r->monthly);
    /* beyond Kubecost (docs/savings.md): the workload's traffic the verdict used, and its team */
    buf_json_kv_num(b, "workloadBytesPerSecond", r->workload_bps);
    buf_json_kv_str(b, "team", r->team);
    buf_putc(b, '}');
}

void format_ab_json(const kt_ab_result *r, kt_buf *out)
{
    buf_putc(out, '[');
    for (size_t i = 0; i < r->n; i++) {
        if (i)
            buf_putc(out, ',');
        item_json(&r->items[i], out);
    }
    buf_puts(out, "]\n");
}

void format_ab_table(const kt_ab_result *r, kt_buf *out)
{
    buf_printf(out, "%-20s %-20s %-32s %10s %10s %8s %12s\n", "cluster", "namespace", "pod (owner)", "in B/s",
               "out B/s", "CPU", "SAVINGS/MO");
    char pod[200];
    for (size_t i = 0; i < r->n; i++) {
        const kt_ab_pod *x = &r->items[i];
        if (*x->owner)
            snprintf(pod, sizeof pod, "%s (%s)", x->pod, x->owner);
        else
            snprintf(pod, sizeof pod, "%s", x->pod);
        buf_printf(out, "%-20.20s %-20.20s %-32.32s %10.1f %10.1f %8.4f %12.2f\n", x->cluster, x->namespace_, pod,
                   x->ingress_bps, x->egress_bps, x->use_cpu, x->monthly);
    }
    buf_printf(out, "%zu pods of workloads under %g B/s of traffic and near-zero CPU; savings %.2f %s/month\n",
               r->n, r->bytes_per_s, r->total, r->currency);
}

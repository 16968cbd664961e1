/* savings_cluster_format.c — cluster right-sizing as Kubecost's
 * clusterSizingETL body, the comparison across clouds, and their tables. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "format/format.h"


static void plan_json(kt_buf *b, const kt_cs_cluster *c, const kt_cs_plan *pl, double current)
{
    buf_puts(b, "{\"pools\":[");
    for (int i = 0; i < pl->n_pools; i++) {
        const kt_cs_pool *x = &pl->pools[i];
        buf_puts(b, i ? ",{\"type\":{\"provider\":" : "{\"type\":{\"provider\":");
        buf_json_str(b, c->provider);
        buf_json_kv_str(b, "name", x->type.name);
        buf_json_kv_num(b, "vCPUs", x->type.vcpus);
        buf_json_kv_num(b, "RAMGB", x->type.ram_gib);
        buf_json_kv_num(b, "hourlyPrice", x->type.hourly);
        buf_json_kv_num(b, "spotHourlyPrice", isnan(x->type.spot) ? 0 : x->type.spot);
        buf_printf(b, ",\"sharedCore\":false,\"architecture\":\"%s\",\"region\":", x->type.arm ? "ARM" : "x86");
        buf_json_str(b, c->region);
        buf_printf(b, "},\"count\":%d", x->count);
        buf_json_kv_num(b, "totalMonthlyCost", x->count * x->type.hourly * 730);
        buf_json_kv_num(b, "totalRAMGB", x->count * x->type.ram_gib);
        buf_json_kv_num(b, "totalVCPUs", x->count * x->type.vcpus);
        buf_putc(b, '}');
    }
    int nodes = 0;
    for (int i = 0; i < pl->n_pools; i++)
        nodes += pl->pools[i].count;
    double req_cpu = c->static_vcpus + c->ds_vcpus * nodes, req_ram = c->static_ram_gib + c->ds_ram_gib * nodes;
    buf_printf(b, "],\"nodeCount\":%d", nodes);
    buf_json_kv_num(b, "monthlySavings", pl->n_pools ? current - pl->monthly : 0);
    buf_json_kv_num(b, "totalMonthlyCost", pl->monthly);
    buf_json_kv_num(b, "requiredRAMGB", req_ram);
    buf_json_kv_num(b, "totalRAMGB", pl->ram_gib);
    buf_json_kv_num(b, "utilizationRAMGB", pl->ram_gib > 0 ? req_ram / pl->ram_gib : 0);
    buf_json_kv_num(b, "requiredVCPUs", req_cpu);
    buf_json_kv_num(b, "totalVCPUs", pl->vcpus);
    buf_json_kv_num(b, "utilizationVCPUs", pl->vcpus > 0 ? req_cpu / pl->vcpus : 0);
    buf_putc(b, '}');
}

static void cluster_json(kt_buf *b, const kt_cs_result *r, const kt_cs_cluster *c)
{
    buf_puts(b, "{\"recommendations\":{\"single\":");
    plan_json(b, c, &c->single, c->current_monthly);
    buf_puts(b, ",\"multi\":");
    plan_json(b, c, &c->multi, c->current_monthly);
    buf_puts(b, "},\"parameters\":{\"clusterId\":");
    buf_json_str(b, c->cluster);
    buf_json_kv_str(b, "clusterName", c->cluster);
    buf_json_kv_num(b, "staticVCPUs", c->static_vcpus);
    buf_json_kv_num(b, "staticRAMGB", c->static_ram_gib);
    buf_printf(b, ",\"nonDaemonSetPodCount\":%d", c->pods);
    buf_json_kv_num(b, "daemonSetVCPUs", c->ds_vcpus);
    buf_json_kv_num(b, "daemonSetRAMGB", c->ds_ram_gib);
    buf_json_kv_num(b, "maxPodVCPUs", c->max_pod_vcpus);
    buf_json_kv_num(b, "maxPodRAMGB", c->max_pod_ram_gib);
    buf_printf(b, "},\"preferences\":{\"minNodeCount\":%d,\"strategies\":[\"single\",\"multi\"]", r->min_nodes);
    buf_json_kv_num(b, "targetUtilization", r->target);
    buf_puts(b, ",\"allowSharedCore\":false,\"architecture\":\"x86\"},\"currentClusterInfo\":{");
    buf_puts(b, "\"monthlyRate\":");
    buf_json_num(b, c->current_monthly);
    buf_puts(b, ",\"nodes\":[");
    for (size_t i = 0; i < c->n_types; i++) {
        buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
        buf_json_str(b, c->types[i].name);
        buf_json_kv_str(b, "provider", c->types[i].provider);
        buf_printf(b, ",\"architecture\":\"x86\",\"count\":%d", c->types[i].count);
        buf_json_kv_num(b, "RAMGB", c->types[i].ram_gib);
        buf_json_kv_num(b, "vCPUs", c->types[i].vcpus);
        buf_putc(b, '}');
    }
    buf_printf(b, "],\"totalCounts\":{\"totalNodeCount\":%d", c->current_nodes);
    buf_json_kv_num(b, "totalRAMGB", c->current_ram_gib);
    buf_json_kv_num(b, "totalVCPUs", c->current_vcpus);
    buf_puts(b, "}}}");
}

void format_cs_json(const kt_cs_result *r, kt_buf *out)
{
    buf_puts(out, "{\"code\":200,\"data\":{");
    for (size_t i = 0; i < r->n; i++) {
        if (i)
            buf_putc(out, ',');
        buf_json_str(out, r->items[i].cluster);
        buf_putc(out, ':');
        cluster_json(out, r, &r->items[i]);
    }
    buf_puts(out, "}}\n");
}

void format_compare_json(const kt_cs_result *r, kt_buf *out)
{
    buf_puts(out, "{\"code\":200,\"data\":[");
    for (size_t i = 0; i < r->n; i++) {
        const kt_cs_cluster *c = &r->items[i];
        buf_puts(out, i ? ",{\"cluster\":" : "{\"cluster\":");
        buf_json_str(out, c->cluster);
        buf_json_kv_str(out, "provider", c->provider);
        buf_json_kv_str(out, "region", c->region);
        buf_printf(out, ",\"pricedTypes\":%zu", c->offers);
        buf_json_kv_num(out, "currentMonthlyCost", c->current_monthly);
        buf_puts(out, ",\"single\":");
        plan_json(out, c, &c->single, c->current_monthly);
        buf_puts(out, ",\"multi\":");
        plan_json(out, c, &c->multi, c->current_monthly);
        buf_putc(out, '}');
    }
    buf_puts(out, "]}\n");
}

static void plan_text(char *s, size_t n, const kt_cs_plan *pl)
{
    if (!pl->n_pools) {
        snprintf(s, n, "no priced type fits");
        return;
    }
    if (pl->n_pools == 1)
        snprintf(s, n, "%d × %s", pl->pools[0].count, pl->pools[0].type.name);
    else
        snprintf(s, n, "%d × %s + %d × %s", pl->pools[0].count, pl->pools[0].type.name, pl->pools[1].count,
                 pl->pools[1].type.name);
}

/* compare = 1: one row per cluster and target cloud. */
void format_cs_table(const kt_cs_result *r, int compare, const char *currency, kt_buf *out)
{
    char cur[32], one[32], two[32], sv[32], p1[192], p2[192];
    buf_printf(out, "target utilization %.2f, at least %d nodes\n", r->target, r->min_nodes);
    buf_printf(out, "%-24s %-22s %12s  %-28s %12s  %-36s %12s %12s\n", "cluster", compare ? "in" : "cloud", "NOW/MO",
               "single pool", "COST/MO", "two types", "COST/MO", compare ? "DIFFERENCE" : "SAVINGS");
    for (size_t i = 0; i < r->n; i++) {
        const kt_cs_cluster *c = &r->items[i];
        const kt_cs_plan *best = c->multi.n_pools && c->multi.monthly < c->single.monthly ? &c->multi : &c->single;
        char where[80];
        snprintf(where, sizeof where, "%s:%s", c->provider, c->region);
        format_money(c->current_monthly, currency, cur, sizeof cur);
        format_money(c->single.monthly, currency, one, sizeof one);
        format_money(c->multi.monthly, currency, two, sizeof two);
        format_money(best->n_pools ? c->current_monthly - best->monthly : 0, currency, sv, sizeof sv);
        plan_text(p1, sizeof p1, &c->single);
        plan_text(p2, sizeof p2, &c->multi);
        buf_printf(out, "%-24.24s %-22.22s %12s  %-28.28s %12s  %-36.36s %12s %12s\n", c->cluster, where, cur, p1,
                   c->single.n_pools ? one : "-", p2, c->multi.n_pools ? two : "-", best->n_pools ? sv : "-");
    }
}

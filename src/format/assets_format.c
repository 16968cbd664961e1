/* assets_format.c — asset results as OpenCost's /assets JSON, CSV, table. */
#include <stdio.h>
#include <string.h>

#include "engine/window.h"
#include "format/format.h"
#include "pricing/node_split.h"

static const char *S(const kt_asset_result *r, uint32_t id) { return strtab_get(&r->ds->strs, id); }

static void props(kt_buf *b, const kt_asset_result *r, const kt_asset *a)
{
    static const char *category[] = {"Compute", "Storage", "Network", "Management", "Network"};
    buf_printf(b, "{\"category\":\"%s\",\"provider\":", a->mixed_type ? "" : category[a->type]);
    buf_json_str(b, S(r, a->provider));
    buf_puts(b, ",\"cluster\":");
    buf_json_str(b, S(r, a->cluster));
    /* OpenCost's properties.name is the asset's own name ("ip-10-0-1-2"), its key "cluster/Type/name" */
    const char *name = a->name, *cl = S(r, a->cluster), *ty = a->mixed_type ? "" : asset_type_name(a->type);
    size_t lc = strlen(cl), lt = strlen(ty);
    if (lc && lt && !strncmp(name, cl, lc) && name[lc] == '/' && !strncmp(name + lc + 1, ty, lt) &&
        name[lc + 1 + lt] == '/')
        name += lc + lt + 2;
    buf_puts(b, ",\"name\":");
    buf_json_str(b, name);
    buf_puts(b, ",\"providerID\":");
    buf_json_str(b, S(r, a->provider_id));
    buf_puts(b, "}");
}

/* OpenCost's Breakdown of a node's capacity: the containers' usage is
 * "user", the rest "idle" (kubetally does not split out system/other). */
static void breakdown(kt_buf *b, const char *k, double used, double capacity)
{
    double u = capacity > 0 ? used / capacity : 0;
    if (u > 1) u = 1;
    if (u < 0) u = 0;
    buf_printf(b, ",\"%s\":{\"idle\":", k);
    buf_json_num(b, capacity > 0 ? 1 - u : 0);
    buf_puts(b, ",\"other\":0,\"system\":0,\"user\":");
    buf_json_num(b, u);
    buf_putc(b, '}');
}

static void one(kt_buf *b, const kt_asset_result *r, const kt_asset *a)
{
    char ws[24], we[24], s[24], e[24];
    time_format(r->window.start, ws);
    time_format(r->window.end, we);
    time_format(a->start == INT64_MAX ? r->window.start : a->start, s);
    time_format(a->end == INT64_MIN ? r->window.end : a->end, e);
    double minutes = a->end > a->start ? (double)(a->end - a->start) / 60.0 : 0;
    buf_printf(b, "{\"type\":\"%s\",\"properties\":", a->mixed_type ? "Any" : asset_type_name(a->type));
    props(b, r, a);
    /* the node labels OpenCost's clients read the region and zone from */
    buf_puts(b, ",\"labels\":{");
    if (a->region && *S(r, a->region)) {
        buf_puts(b, "\"topology_kubernetes_io_region\":");
        buf_json_str(b, S(r, a->region));
        if (a->zone && *S(r, a->zone)) {
            buf_puts(b, ",\"topology_kubernetes_io_zone\":");
            buf_json_str(b, S(r, a->zone));
        }
    }
    buf_printf(b, "},\"window\":{\"start\":\"%s\",\"end\":\"%s\"},\"start\":\"%s\",\"end\":\"%s\","
               "\"minutes\":", ws, we, s, e);
    buf_json_num(b, minutes);
    if (!a->mixed_type && a->type == AS_NODE) {
        double h = minutes / 60.0;
        buf_puts(b, ",\"nodeType\":");
        buf_json_str(b, S(r, a->instance_type));
        buf_puts(b, ",\"pool\":");
        buf_json_str(b, S(r, a->pool));
        buf_puts(b, ",\"cpuCores\":");
        buf_json_num(b, h > 0 ? a->cpu_core_hours / h : 0);
        buf_puts(b, ",\"ramBytes\":");
        buf_json_num(b, h > 0 ? a->ram_byte_hours / h : 0);
        buf_puts(b, ",\"cpuCoreHours\":");
        buf_json_num(b, a->cpu_core_hours);
        buf_puts(b, ",\"ramByteHours\":");
        buf_json_num(b, a->ram_byte_hours);
        buf_puts(b, ",\"GPUHours\":");
        buf_json_num(b, a->gpu_hours);
        buf_puts(b, ",\"preemptible\":");
        buf_json_num(b, a->preemptible);
        buf_puts(b, ",\"discount\":0,\"cpuCost\":");
        buf_json_num(b, a->cpu_cost);
        buf_puts(b, ",\"gpuCost\":");
        buf_json_num(b, a->gpu_cost);
        buf_puts(b, ",\"gpuCount\":");
        buf_json_num(b, h > 0 ? a->gpu_hours / h : 0);
        buf_puts(b, ",\"ramCost\":");
        buf_json_num(b, a->ram_cost);
        buf_puts(b, ",\"priceSource\":");
        buf_json_str(b, S(r, a->source));
        breakdown(b, "cpuBreakdown", a->cpu_used_core_hours, a->cpu_core_hours);
        breakdown(b, "ramBreakdown", a->ram_used_byte_hours, a->ram_byte_hours);
    } else if (!a->mixed_type && a->type == AS_DISK) {
        double h = minutes / 60.0;
        buf_puts(b, ",\"byteHours\":");
        buf_json_num(b, a->byte_hours);
        buf_puts(b, ",\"bytes\":");
        buf_json_num(b, h > 0 ? a->byte_hours / h : 0);
        buf_puts(b, ",\"storageClass\":");
        buf_json_str(b, S(r, a->storage_class));
        buf_puts(b, ",\"claimName\":");
        buf_json_str(b, S(r, a->claim_name));
        buf_puts(b, ",\"claimNamespace\":");
        buf_json_str(b, S(r, a->claim_ns));
    }
    buf_puts(b, ",\"adjustment\":0,\"totalCost\":");
    buf_json_num(b, a->cost);
    buf_puts(b, ",\"carbonCost\":");
    buf_json_num(b, a->carbon_cost);
    buf_putc(b, '}');
}

void format_assets_json(const kt_asset_result *r, int range, kt_buf *out)
{
    buf_puts(out, range ? "{\"code\":200,\"status\":\"success\",\"data\":[{"
                        : "{\"code\":200,\"status\":\"success\",\"data\":{");
    for (size_t i = 0; i < r->n; i++) {
        if (i)
            buf_putc(out, ',');
        buf_json_str(out, r->items[i].name);
        buf_putc(out, ':');
        one(out, r, &r->items[i]);
    }
    buf_puts(out, range ? "}]}\n" : "}}\n");
}

void format_assets_csv(const kt_asset_result *r, kt_buf *out)
{
    buf_puts(out, "name,type,cluster,provider,instanceType,hours,cpuCost,ramCost,gpuCost,carbonCost,totalCost\n");
    for (size_t i = 0; i < r->n; i++) {
        const kt_asset *a = &r->items[i];
        format_csv_field(out, a->name);
        buf_printf(out, ",%s,%s,%s,%s,%.4f,%.6f,%.6f,%.6f,%.6f,%.6f\n",
                   a->mixed_type ? "Any" : asset_type_name(a->type), S(r, a->cluster), S(r, a->provider),
                   S(r, a->instance_type), a->hours, a->cpu_cost, a->ram_cost, a->gpu_cost, a->carbon_cost, a->cost);
    }
}

void format_assets_table(const kt_asset_result *r, kt_buf *out)
{
    char m[32], ws[24], we[24];
    time_format(r->window.start, ws);
    time_format(r->window.end, we);
    buf_printf(out, "%s .. %s\n%-40s %-17s %9s %12s\n", ws, we, "asset", "type", "hours", "COST");
    for (size_t i = 0; i < r->n; i++) {
        const kt_asset *a = &r->items[i];
        format_money(a->cost, r->currency, m, sizeof m);
        buf_printf(out, "%-40.40s %-17s %9.1f %12s\n", a->name, a->mixed_type ? "Any" : asset_type_name(a->type),
                   a->hours, m);
    }
    format_money(r->total, r->currency, m, sizeof m);
    buf_printf(out, "%-40s %-17s %9s %12s\n", "TOTAL", "", "", m);
    buf_printf(out, "%-40s %.3f kg CO2e (carbonCost of each asset: -o json|csv)\n", "CARBON", r->total_carbon);
}

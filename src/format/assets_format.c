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
    buf_puts(b, ",\"name\":");
    buf_json_str(b, a->name);
    buf_puts(b, ",\"providerID\":");
    buf_json_str(b, S(r, a->provider_id));
    buf_puts(b, "}");
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
    buf_printf(b, ",\"labels\":{},\"window\":{\"start\":\"%s\",\"end\":\"%s\"},\"start\":\"%s\",\"end\":\"%s\","
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
    buf_putc(b, '}');
}

void format_assets_json(const kt_asset_result *r, kt_buf *out)
{
    buf_puts(out, "{\"code\":200,\"data\":[{");
    for (size_t i = 0; i < r->n; i++) {
        if (i)
            buf_putc(out, ',');
        buf_json_str(out, r->items[i].name);
        buf_putc(out, ':');
        one(out, r, &r->items[i]);
    }
    buf_puts(out, "}]}\n");
}

void format_assets_csv(const kt_asset_result *r, kt_buf *out)
{
    buf_puts(out, "name,type,cluster,provider,instanceType,hours,cpuCost,ramCost,gpuCost,totalCost\n");
    for (size_t i = 0; i < r->n; i++) {
        const kt_asset *a = &r->items[i];
        format_csv_field(out, a->name);
        buf_printf(out, ",%s,%s,%s,%s,%.4f,%.6f,%.6f,%.6f,%.6f\n",
                   a->mixed_type ? "Any" : asset_type_name(a->type), S(r, a->cluster), S(r, a->provider),
                   S(r, a->instance_type), a->hours, a->cpu_cost, a->ram_cost, a->gpu_cost, a->cost);
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
}

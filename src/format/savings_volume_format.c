/* savings_volume_format.c — PV right-sizing as Kubecost's
 * persistentVolumeSizing recommendations and as a table; see format.h. */
#include <stdio.h>

#include "format/format.h"

#define GIB 1073741824.0

static void item_json(const kt_pv_rec *r, kt_buf *b)
{
    buf_puts(b, "{\"volumeName\":");
    buf_json_str(b, r->volume);
    buf_json_kv_str(b, "claimName", r->claim);
    buf_json_kv_str(b, "claimNamespace", r->claim_ns);
    buf_json_kv_str(b, "clusterId", r->cluster);
    buf_json_kv_str(b, "storageClass", r->storage_class);
    buf_json_kv_num(b, "maxUsageBytes", r->max_usage);
    buf_json_kv_num(b, "averageUsageBytes", r->avg_usage);
    buf_json_kv_num(b, "currentCapacityBytes", r->current_bytes);
    buf_json_kv_num(b, "currentCostMonthly", r->current_monthly);
    buf_json_kv_num(b, "recommendedCapacityBytes", r->recommended_bytes);
    buf_json_kv_num(b, "recommendedCostMonthly", r->recommended_monthly);
    buf_json_kv_num(b, "savingsMonthly", r->savings);
    /* beyond Kubecost (docs/savings.md): the size to apply, and CO2e */
    buf_printf(b, ",\"recommendedCapacity\":\"%.0fGi\"", r->applied_bytes / GIB);
    buf_json_kv_num(b, "monthlyCarbonSavings", r->carbon_kg);
    buf_json_kv_str(b, "team", r->team);
    buf_putc(b, '}');
}

void format_pv_json(const kt_pv_result *r, kt_buf *out)
{
    buf_puts(out, "{\"headroomPct\":");
    buf_json_num(out, r->headroom_pct);
    buf_json_kv_num(out, "totalSavingsMonthly", r->total);
    buf_json_kv_str(out, "currency", r->currency);
    buf_puts(out, ",\"recommendations\":[");
    for (size_t i = 0; i < r->n; i++) {
        if (i)
            buf_putc(out, ',');
        item_json(&r->items[i], out);
    }
    buf_puts(out, "]}\n");
}

void format_pv_table(const kt_pv_result *r, kt_buf *out)
{
    buf_printf(out, "%-24s %-32s %-12s %10s %10s %8s %12s %8s\n", "cluster", "volume (claim)", "class", "max used",
               "capacity", "→ rec", "SAVINGS/MO", "CO2E KG");
    char vol[160];
    for (size_t i = 0; i < r->n; i++) {
        const kt_pv_rec *x = &r->items[i];
        snprintf(vol, sizeof vol, "%s (%s/%s)", x->volume, x->claim_ns, x->claim);
        buf_printf(out, "%-24.24s %-32.32s %-12.12s %8.2fGi %8.0fGi %6.0fGi %12.2f %8.3f\n", x->cluster, vol,
                   x->storage_class, x->max_usage / GIB, x->current_bytes / GIB, x->applied_bytes / GIB, x->savings,
                   x->carbon_kg);
    }
    buf_printf(out, "%zu volumes with claim usage from the kubelet (collect --kubelet-stats); headroom %g %%; "
               "savings %.2f %s/month\n", r->n, r->headroom_pct, r->total, r->currency);
}

/* alloc_json.c — allocation results as OpenCost's JSON (field names and
 * order of OpenCost's AllocationJSON; numbers rounded to 5 decimals). */
#include "format/format.h"

#include <string.h>

#include "engine/window.h"

static void key(kt_buf *b, const char *k, int *first)
{
    if (!*first)
        buf_putc(b, ',');
    *first = 0;
    buf_json_str(b, k);
    buf_putc(b, ':');
}

static void num(kt_buf *b, const char *k, double v, int *first)
{
    key(b, k, first);
    buf_json_num(b, v);
}

static void str_prop(kt_buf *b, const kt_strtab *s, const char *k, uint32_t id, int *first)
{
    if (!id || !*strtab_get(s, id))
        return;
    key(b, k, first);
    buf_json_str(b, strtab_get(s, id));
}

static void kv_map(kt_buf *b, const kt_strtab *s, const char *k, const kt_kvpair *kv, size_t n, int *first)
{
    if (!n)
        return;
    key(b, k, first);
    buf_putc(b, '{');
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(b, ',');
        buf_json_str(b, strtab_get(s, kv[i].key));
        buf_putc(b, ':');
        buf_json_str(b, strtab_get(s, kv[i].value));
    }
    buf_putc(b, '}');
}

static void properties(kt_buf *b, const kt_strtab *s, const kt_alloc *a)
{
    int first = 1;
    buf_puts(b, "{");
    str_prop(b, s, "cluster", a->cluster, &first);
    str_prop(b, s, "node", a->node, &first);
    str_prop(b, s, "container", a->container, &first);
    str_prop(b, s, "controller", a->controller, &first);
    str_prop(b, s, "controllerKind", a->controller_kind, &first);
    str_prop(b, s, "namespace", a->namespace_, &first);
    str_prop(b, s, "pod", a->pod, &first);
    if (a->n_services) {
        key(b, "services", &first);
        buf_putc(b, '[');
        for (size_t i = 0; i < a->n_services; i++) {
            if (i)
                buf_putc(b, ',');
            buf_json_str(b, strtab_get(s, a->services[i]));
        }
        buf_putc(b, ']');
    }
    str_prop(b, s, "providerID", a->provider_id, &first);
    kv_map(b, s, "labels", a->labels, a->n_labels, &first);
    kv_map(b, s, "annotations", a->anns, a->n_anns, &first);
    buf_puts(b, "}");
}

static void window_obj(kt_buf *b, int64_t start, int64_t end)
{
    char s[24], e[24];
    time_format(start, s);
    time_format(end, e);
    buf_printf(b, "{\"start\":\"%s\",\"end\":\"%s\"}", s, e);
}

static void named_costs(kt_buf *b, const char *k, const kt_named_cost *c, size_t n, int pv, int *first)
{
    key(b, k, first);
    if (!n) {
        buf_puts(b, pv ? "null" : "null");
        return;
    }
    buf_putc(b, '{');
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(b, ',');
        buf_json_str(b, c[i].name);
        if (pv) {
            buf_puts(b, ":{\"byteHours\":");
            buf_json_num(b, c[i].byte_hours);
            buf_puts(b, ",\"cost\":");
            buf_json_num(b, c[i].cost);
            buf_puts(b, ",\"providerID\":\"\"}");
        } else {
            const char *slash = strchr(c[i].name, '/');
            buf_puts(b, ":{\"service\":");
            buf_json_str(b, slash ? slash + 1 : c[i].name);
            buf_puts(b, ",\"cost\":");
            buf_json_num(b, c[i].cost);
            buf_puts(b, ",\"private\":false,\"ip\":\"\",\"hours\":");
            buf_json_num(b, c[i].hours);
            buf_putc(b, '}');
        }
    }
    buf_putc(b, '}');
}

void format_alloc_name(const kt_alloc *a, const kt_aggregate *agg, const kt_strtab *s, kt_buf *out)
{
    buf_reset(out);
    buf_puts(out, a->name);
    /* OpenCost's AllocationProperties.GenerateKey writes "kind:name" for the
     * controller property.  The engine's keys are the grouping's values
     * joined by '/', and only annotation values may hold a '/' themselves,
     * so the controller's segment is found by position. */
    int at = -1;
    for (int i = 0; agg && i < agg->n; i++) {
        if (agg->props[i] == A_ANNOTATION)
            return;
        if (agg->props[i] == A_CONTROLLER)
            at = i;
    }
    if (at < 0 || a->kind != AK_NORMAL || !a->controller || !a->controller_kind || !*strtab_get(s, a->controller_kind))
        return;
    const char *seg = a->name;
    for (int i = 0; i < at && seg; i++)
        if ((seg = strchr(seg, '/')))
            seg++;
    const char *ctl = strtab_get(s, a->controller);
    size_t n = strlen(ctl);
    if (!seg || strncmp(seg, ctl, n) || (seg[n] && seg[n] != '/'))
        return;
    buf_reset(out);
    buf_add(out, a->name, (size_t)(seg - a->name));
    buf_printf(out, "%s:%s", strtab_get(s, a->controller_kind), seg);
}

static void one_alloc(kt_buf *b, const kt_strtab *s, const kt_alloc *a, const char *name, const kt_window *w)
{
    int first = 1;
    double mins = alloc_minutes(a), hours = mins / 60.0;
    double per = hours > 0 ? 1.0 / hours : 0;
    char st[24], en[24];
    time_format(a->start == INT64_MAX ? w->start : a->start, st);
    time_format(a->end == INT64_MIN ? w->end : a->end, en);
    buf_putc(b, '{');
    key(b, "name", &first);
    buf_json_str(b, name);
    key(b, "properties", &first);
    properties(b, s, a);
    key(b, "window", &first);
    window_obj(b, w->start, w->end);
    buf_printf(b, ",\"start\":\"%s\",\"end\":\"%s\"", st, en);
    num(b, "minutes", mins, &first);
    num(b, "cpuCores", a->cpu_core_hours * per, &first);
    num(b, "cpuCoreRequestAverage", a->cpu_req_hours * per, &first);
    num(b, "cpuCoreUsageAverage", a->cpu_use_hours * per, &first);
    num(b, "cpuCoreHours", a->cpu_core_hours, &first);
    num(b, "cpuCost", a->cpu_cost, &first);
    num(b, "cpuCostAdjustment", 0, &first);
    num(b, "cpuCostIdle", a->cpu_cost_idle, &first);
    num(b, "cpuEfficiency", alloc_cpu_efficiency(a), &first);
    num(b, "gpuCount", a->gpu_hours * per, &first);
    num(b, "gpuRequestAverage", a->gpu_hours * per, &first);
    num(b, "gpuUsageAverage", 0, &first);
    num(b, "gpuHours", a->gpu_hours, &first);
    num(b, "gpuCost", a->gpu_cost, &first);
    num(b, "gpuCostAdjustment", 0, &first);
    num(b, "gpuCostIdle", a->gpu_cost_idle, &first);
    num(b, "gpuEfficiency", 0, &first);
    num(b, "networkTransferBytes", a->net_tx, &first);
    num(b, "networkReceiveBytes", a->net_rx, &first);
    num(b, "networkCost", a->net_cost, &first);
    num(b, "networkCrossZoneCost", a->net_zone, &first);
    num(b, "networkCrossRegionCost", a->net_region, &first);
    num(b, "networkInternetCost", a->net_internet, &first);
    num(b, "networkCostAdjustment", 0, &first);
    num(b, "loadBalancerCost", a->lb_cost, &first);
    num(b, "loadBalancerCostAdjustment", 0, &first);
    num(b, "pvBytes", a->pv_byte_hours * per, &first);
    num(b, "pvByteHours", a->pv_byte_hours, &first);
    num(b, "pvCost", a->pv_cost, &first);
    named_costs(b, "pvs", a->pvs, a->n_pvs, 1, &first);
    num(b, "pvCostAdjustment", 0, &first);
    num(b, "ramBytes", a->ram_byte_hours * per, &first);
    num(b, "ramByteRequestAverage", a->ram_req_hours * per, &first);
    num(b, "ramByteUsageAverage", a->ram_use_hours * per, &first);
    num(b, "ramByteHours", a->ram_byte_hours, &first);
    num(b, "ramCost", a->ram_cost, &first);
    num(b, "ramCostAdjustment", 0, &first);
    num(b, "ramCostIdle", a->ram_cost_idle, &first);
    num(b, "ramEfficiency", alloc_ram_efficiency(a), &first);
    num(b, "externalCost", a->external_cost, &first);
    num(b, "sharedCost", a->shared_cost, &first);
    num(b, "totalCost", alloc_total(a), &first);
    num(b, "totalEfficiency", alloc_total_efficiency(a), &first);
    num(b, "carbonCost", a->carbon_cost, &first);
    named_costs(b, "lbAllocations", a->lbs, a->n_lbs, 0, &first);
    buf_putc(b, '}');
}

/* The sets of one reply, each a {name: allocation} map, comma-led after the first of the answer. */
static void json_sets(const kt_alloc_result *r, const kt_aggregate *agg, int *first, kt_buf *out)
{
    kt_buf name = {0};
    for (size_t s = 0; s < r->n; s++) {
        const kt_alloc_set *set = &r->sets[s];
        buf_puts(out, *first ? "{" : ",{");
        *first = 0;
        for (size_t i = 0; i < set->n; i++) {
            if (i)
                buf_putc(out, ',');
            format_alloc_name(&set->items[i], agg, &r->ds->strs, &name);
            buf_json_str(out, name.data);
            buf_putc(out, ':');
            one_alloc(out, &r->ds->strs, &set->items[i], name.data, &set->window);
        }
        buf_putc(out, '}');
    }
    buf_free(&name);
}

void format_alloc_json(const kt_answer *a, const kt_aggregate *agg, kt_buf *out)
{
    int first = 1;
    buf_puts(out, "{\"code\":200,\"status\":\"success\",\"data\":[");
    for (size_t i = 0; i < a->n; i++)
        json_sets(&a->replies[i].alloc, agg, &first, out);
    buf_puts(out, "]}\n");
}

void format_error_json(int code, const char *message, kt_buf *out)
{
    buf_printf(out, "{\"code\":%d,\"message\":", code);
    buf_json_str(out, message);
    buf_puts(out, "}\n");
}

/* alloc_text.c — allocation results as CSV and as an aligned table. */
#include "format/format.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine/window.h"

void format_money(double v, const char *currency, char *buf, size_t n)
{
    char digits[64];
    int neg = v < 0;
    snprintf(digits, sizeof digits, "%.2f", fabs(v));
    /* thousands separators */
    char grouped[96];
    const char *dot = strchr(digits, '.');
    int intlen = (int)(dot - digits), o = 0;
    for (int i = 0; i < intlen; i++) {
        if (i && (intlen - i) % 3 == 0)
            grouped[o++] = ',';
        grouped[o++] = digits[i];
    }
    snprintf(grouped + o, sizeof grouped - (size_t)o, "%s", dot);
    if (!currency || !*currency || !strcmp(currency, "USD"))
        snprintf(buf, n, "%s$%s", neg ? "-" : "", grouped);
    else
        snprintf(buf, n, "%s%s %s", neg ? "-" : "", grouped, currency);
}

void format_csv_field(kt_buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\n\r") && s[0] != '=' && s[0] != '+' && s[0] != '-' && s[0] != '@') {
        buf_puts(b, s);
        return;
    }
    /* Quote, and defuse spreadsheet formulas by a leading apostrophe. */
    buf_putc(b, '"');
    if (strchr("=+-@", s[0]))
        buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '"')
            buf_putc(b, '"');
        buf_putc(b, *s);
    }
    buf_putc(b, '"');
}

static void csv_sets(const kt_alloc_result *r, const kt_aggregate *agg, kt_buf *out)
{
    kt_buf nm = {0};
    for (size_t s = 0; s < r->n; s++) {
        const kt_alloc_set *set = &r->sets[s];
        char ws[24], we[24];
        time_format(set->window.start, ws);
        time_format(set->window.end, we);
        for (size_t i = 0; i < set->n; i++) {
            const kt_alloc *a = &set->items[i];
            double h = alloc_minutes(a) / 60.0, per = h > 0 ? 1 / h : 0;
            buf_printf(out, "%s,%s,", ws, we);
            format_alloc_name(a, agg, &r->ds->strs, &nm);
            format_csv_field(out, nm.data);
            buf_printf(out, ",%.6f,%.6f,%.6f,%.6f,%.1f,%.6f,%.6f,%.6f,%.1f,%.6f,%.6f,%.6f,%.6f,%.6f,%.4f,%.4f,%.4f,%.6f,%.6f\n",
                       a->cpu_core_hours, a->cpu_req_hours * per, a->cpu_use_hours * per, a->cpu_cost,
                       a->ram_byte_hours, a->ram_cost, a->gpu_hours, a->gpu_cost, a->pv_byte_hours, a->pv_cost,
                       a->lb_cost, a->net_cost, a->shared_cost, a->external_cost, alloc_cpu_efficiency(a),
                       alloc_ram_efficiency(a), alloc_total_efficiency(a), a->carbon_cost, alloc_total(a));
        }
    }
    buf_free(&nm);
}

void format_alloc_csv(const kt_answer *a, const kt_aggregate *agg, kt_buf *out)
{
    buf_puts(out, "windowStart,windowEnd,name,cpuCoreHours,cpuCoreRequestAverage,cpuCoreUsageAverage,cpuCost,"
                  "ramByteHours,ramCost,gpuHours,gpuCost,pvByteHours,pvCost,loadBalancerCost,networkCost,"
                  "sharedCost,externalCost,cpuEfficiency,ramEfficiency,totalEfficiency,carbonCost,totalCost\n");
    for (size_t i = 0; i < a->n; i++)
        csv_sets(&a->replies[i].alloc, agg, out);
}

/* Shorten a name to width with an ellipsis in the middle, so both the
 * start and the distinguishing end ("…/__idle__") stay visible. */
static void fit(const char *s, int width, char *out, size_t n)
{
    int len = (int)strlen(s);
    if (len <= width) {
        snprintf(out, n, "%s", s);
        return;
    }
    int head = (width - 1) / 2, tail = width - 1 - head;
    snprintf(out, n, "%.*s…%s", head, s, s + len - tail);
}

static void table_sets(const kt_alloc_result *r, const kt_aggregate *agg, const char *label, kt_buf *out)
{
    kt_buf nm = {0};
    for (size_t s = 0; s < r->n; s++) {
        const kt_alloc_set *set = &r->sets[s];
        char ws[24], we[24], m[5][32], name[64];
        time_format(set->window.start, ws);
        time_format(set->window.end, we);
        buf_printf(out, "%s%s .. %s\n", out->len ? "\n" : "", ws, we);
        buf_printf(out, "%-20s %10s %10s %8s %9s %11s %5s\n", label && *label ? label : "allocation", "CPU", "RAM",
                   "GPU", "PV+LB+NET", "TOTAL", "EFF");
        double tot[5] = {0}, kg = 0;
        for (size_t i = 0; i < set->n; i++) {
            const kt_alloc *a = &set->items[i];
            double v[5] = {a->cpu_cost, a->ram_cost, a->gpu_cost, a->pv_cost + a->lb_cost + a->net_cost,
                           alloc_total(a)};
            for (int k = 0; k < 5; k++) {
                tot[k] += v[k];
                format_money(v[k], set->currency, m[k], sizeof m[k]);
            }
            format_alloc_name(a, agg, &r->ds->strs, &nm);
            fit(nm.data, 20, name, sizeof name);
            /* width pads by bytes; the ellipsis is 3 bytes wide for 1 column */
            int pad = 20 + (strstr(name, "…") ? 2 : 0);
            buf_printf(out, "%-*s %10s %10s %8s %9s %11s ", pad, name, m[0], m[1], m[2], m[3], m[4]);
            if (a->kind == AK_NORMAL)
                buf_printf(out, "%4.0f%%\n", alloc_total_efficiency(a) * 100);
            else
                buf_puts(out, "    -\n");
            kg += a->carbon_cost;
        }
        for (int k = 0; k < 5; k++)
            format_money(tot[k], set->currency, m[k], sizeof m[k]);
        buf_printf(out, "%-20s %10s %10s %8s %9s %11s\n", "TOTAL", m[0], m[1], m[2], m[3], m[4]);
        /* the table keeps to 80 columns: each row's carbonCost is in -o json|csv */
        buf_printf(out, "%-20s %.3f kg CO2e (carbonCost of each row: -o json|csv)\n", "CARBON", kg);
    }
    buf_free(&nm);
}

void format_alloc_table(const kt_answer *a, const kt_aggregate *agg, const char *label, kt_buf *out)
{
    for (size_t i = 0; i < a->n; i++)
        table_sets(&a->replies[i].alloc, agg, label, out);
}

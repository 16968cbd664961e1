/* savings_format.c — request right-sizing as Kubecost's requestSizingV2
 * JSON array, a table, and kubectl patch commands; see format.h. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "format/format.h"

#define MIB 1048576.0

void format_cpu_quantity(double cores, char *out, size_t n)
{
    snprintf(out, n, "%.0fm", ceil(cores * 1000 - 1e-6));
}

void format_memory_quantity(double bytes, char *out, size_t n)
{
    double mi = bytes / MIB;
    if (fabs(mi - round(mi)) < 1e-6 || mi >= 1024)
        snprintf(out, n, "%.0fMi", ceil(mi - 1e-6));
    else
        snprintf(out, n, "%.0f", ceil(bytes));
}

static void pair(kt_buf *b, const char *k, double cpu, double mem)
{
    buf_printf(b, ",\"%s\":{\"cpu\":", k);
    buf_json_num(b, cpu);
    buf_json_kv_num(b, "memory", mem);
    buf_putc(b, '}');
}

static void quantities(kt_buf *b, const char *k, double cpu, double mem)
{
    char c[32], m[32];
    format_cpu_quantity(cpu, c, sizeof c);
    format_memory_quantity(mem, m, sizeof m);
    buf_printf(b, ",\"%s\":{\"cpu\":\"%s\",\"memory\":\"%s\"}", k, c, m);
}

void format_rs_item_json(const kt_rs_rec *r, kt_buf *b)
{
    buf_puts(b, "{\"clusterID\":");
    buf_json_str(b, r->cluster);
    buf_json_kv_str(b, "namespace", r->namespace_);
    buf_json_kv_str(b, "controllerKind", r->controller_kind);
    buf_json_kv_str(b, "controllerName", r->controller);
    buf_json_kv_str(b, "containerName", r->container);
    quantities(b, "recommendedRequest", r->rec_cpu, r->rec_ram);
    quantities(b, "latestKnownRequest", r->latest_cpu, r->latest_ram);
    pair(b, "monthlySavings", r->save_cpu, r->save_ram);
    buf_puts(b, ",\"currentEfficiency\":{\"cpu\":");
    buf_json_num(b, r->eff_cpu);
    buf_json_kv_num(b, "memory", r->eff_ram);
    buf_json_kv_num(b, "total", r->eff_total);
    buf_putc(b, '}');
    /* beyond Kubecost (docs/savings.md) */
    pair(b, "risk", r->risk_cpu, r->risk_ram);
    buf_json_kv_num(b, "averageReplicas", r->replicas);
    buf_json_kv_num(b, "monthlyCarbonSavings", r->carbon_kg);
    buf_putc(b, '}');
}

void format_rs_json(const kt_rs_result *r, kt_buf *out)
{
    buf_putc(out, '[');
    for (size_t i = 0; i < r->n; i++) {
        if (i)
            buf_putc(out, ',');
        format_rs_item_json(&r->items[i], out);
    }
    buf_puts(out, "]\n");
}

void format_rs_table(const kt_rs_result *r, kt_buf *out)
{
    char name[72], m[32], rc[32], rm[32], lc[32], lm[32];
    buf_printf(out, "%-40s %-14s %9s %9s %9s %9s %12s %6s %6s %8s\n", "controller", "container", "cpu", "→ rec",
               "memory", "→ rec", "SAVINGS/MO", "RISK C", "RISK M", "CO2E KG");
    for (size_t i = 0; i < r->n; i++) {
        const kt_rs_rec *x = &r->items[i];
        snprintf(name, sizeof name, "%s/%s/%s:%s", x->cluster, x->namespace_, x->controller_kind, x->controller);
        format_cpu_quantity(x->latest_cpu, lc, sizeof lc), format_cpu_quantity(x->rec_cpu, rc, sizeof rc);
        format_memory_quantity(x->latest_ram, lm, sizeof lm), format_memory_quantity(x->rec_ram, rm, sizeof rm);
        format_money(rs_total_savings(x), r->currency, m, sizeof m);
        buf_printf(out, "%-40.40s %-14.14s %9s %9s %9s %9s %12s %5.1f%% %5.1f%% %8.2f\n", name, x->container, lc, rc,
                   lm, rm, m, x->risk_cpu * 100, x->risk_ram * 100, x->carbon_kg);
    }
    format_money(r->total, r->currency, m, sizeof m);
    buf_printf(out, "%-40s %-14s %9s %9s %9s %9s %12s   (%zu recommendations)\n", "TOTAL", "", "", "", "", "", m, r->n);
}

/* Single-quote for a POSIX shell. */
static void shq(kt_buf *b, const char *s)
{
    buf_putc(b, '\'');
    for (; *s; s++)
        if (*s == '\'') buf_puts(b, "'\\''");
        else buf_putc(b, *s);
    buf_putc(b, '\'');
}

/* Where a controller keeps its pod template's containers. */
static const char *template_path(const char *kind, const char **close)
{
    if (!strcmp(kind, "deployment") || !strcmp(kind, "statefulset") || !strcmp(kind, "daemonset") ||
        !strcmp(kind, "replicaset") || !strcmp(kind, "job")) {
        *close = "}}}}";
        return "{\"spec\":{\"template\":{\"spec\":{\"containers\":[";
    }
    if (!strcmp(kind, "cronjob")) {
        *close = "}}}}}}}";
        return "{\"spec\":{\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"containers\":[";
    }
    return NULL;
}

static int same_workload(const kt_rs_rec *a, const kt_rs_rec *b)
{
    return !strcmp(a->cluster, b->cluster) && !strcmp(a->namespace_, b->namespace_) &&
           !strcmp(a->controller_kind, b->controller_kind) && !strcmp(a->controller, b->controller);
}

/* The kubectl patch for the workload of r->items[i], every container of it
 * in one strategic-merge patch (containers merge by name); a comment for
 * kinds without a pod template one can patch (bare pods, unknown kinds). */
void format_rs_patch_one(const kt_rs_result *r, size_t i, kt_buf *out)
{
    char c[32], m[32];
    const kt_rs_rec *x = &r->items[i];
    const char *close, *open = template_path(x->controller_kind, &close);
    if (!open) {
        buf_printf(out, "# %s/%s %s %s: no pod template to patch; change its manifest\n", x->cluster, x->namespace_,
                   x->controller_kind, x->controller);
        return;
    }
    kt_buf p = {0};
    buf_puts(&p, open);
    int first = 1;
    for (size_t k = 0; k < r->n; k++) {
        const kt_rs_rec *y = &r->items[k];
        if (!same_workload(y, x))
            continue;
        format_cpu_quantity(y->rec_cpu, c, sizeof c);
        format_memory_quantity(y->rec_ram, m, sizeof m);
        buf_puts(&p, first ? "{\"name\":" : ",{\"name\":");
        buf_json_str(&p, y->container);
        buf_printf(&p, ",\"resources\":{\"requests\":{\"cpu\":\"%s\",\"memory\":\"%s\"}}}", c, m);
        first = 0;
    }
    buf_puts(&p, "]");
    buf_puts(&p, close);
    buf_puts(out, "kubectl --context ");
    shq(out, x->cluster);
    buf_puts(out, " -n ");
    shq(out, x->namespace_);
    buf_printf(out, " patch %s ", x->controller_kind);
    shq(out, x->controller);
    buf_puts(out, " --type strategic -p ");
    shq(out, p.data);
    buf_putc(out, '\n');
    buf_free(&p);
}

/* One line per workload, at its first container's place. */
void format_rs_patch(const kt_rs_result *r, kt_buf *out)
{
    for (size_t i = 0; i < r->n; i++) {
        size_t j = 0;
        while (j < i && !same_workload(&r->items[j], &r->items[i]))
            j++;
        if (j == i)
            format_rs_patch_one(r, i, out);
    }
}

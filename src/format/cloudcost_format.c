/* cloudcost_format.c — cloud costs and the reconciliation report as bytes
 * (format_cloudcost.h).
 *
 * JSON is OpenCost's /cloudCost body:
 *   {"code":200,"data":{"sets":[{"cloudCosts":{KEY:{properties, window,
 *    listCost, netCost, amortizedNetCost, invoicedCost, amortizedCost}}}]}}
 * each cost {cost, kubernetesPercent}.  FOCUS → OpenCost: ListCost →
 * listCost, BilledCost → invoicedCost and netCost, EffectiveCost →
 * amortizedNetCost and amortizedCost (FOCUS has no separate un-amortised
 * net or amortised gross figure; docs/decisions.md). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "format/format_cloudcost.h"
#include "util/time.h"

static void cost(kt_buf *b, const char *name, double total, double k8s, int comma)
{
    buf_printf(b, "\"%s\":{\"cost\":", name);
    buf_json_num(b, total);
    buf_puts(b, ",\"kubernetesPercent\":");
    buf_json_num(b, cloudcost_k8s_percent(k8s, total));
    buf_puts(b, comma ? "}," : "}");
}

static void prop(kt_buf *b, const char *name, const char *v)
{
    buf_printf(b, "\"%s\":", name);
    buf_json_str(b, v);
    buf_putc(b, ',');
}

static void item_json(kt_buf *b, const kt_cloud_item *it, const char *start, const char *end)
{
    buf_json_str(b, it->name);
    buf_puts(b, ":{\"properties\":{");
    prop(b, "providerID", "");
    prop(b, "provider", it->provider);
    prop(b, "accountID", it->account);
    prop(b, "invoiceEntityID", it->invoice_entity);
    prop(b, "regionID", it->region);
    prop(b, "service", it->service);
    prop(b, "category", it->category);
    buf_puts(b, "\"labels\":{");
    if (it->label_key[0] && it->label_value[0]) {
        buf_json_str(b, it->label_key);
        buf_putc(b, ':');
        buf_json_str(b, it->label_value);
    }
    buf_printf(b, "}},\"window\":{\"start\":\"%s\",\"end\":\"%s\"},", start, end);
    cost(b, "listCost", it->list, it->list_k8s, 1);
    cost(b, "netCost", it->billed, it->billed_k8s, 1);
    cost(b, "amortizedNetCost", it->effective, it->effective_k8s, 1);
    cost(b, "invoicedCost", it->billed, it->billed_k8s, 1);
    cost(b, "amortizedCost", it->effective, it->effective_k8s, 0);
    buf_putc(b, '}');
}

void format_cloudcost_json(const kt_cloud_result *r, kt_buf *b)
{
    char start[32], end[32];
    time_format(r->window.start, start), time_format(r->window.end, end);
    buf_puts(b, "{\"code\":200,\"data\":{\"sets\":[{\"cloudCosts\":{");
    for (size_t i = 0; i < r->n; i++) {
        if (i)
            buf_putc(b, ',');
        item_json(b, &r->items[i], start, end);
    }
    buf_puts(b, "}}]}}\n");
}

void format_cloudcost_csv(const kt_cloud_result *r, kt_buf *b)
{
    buf_puts(b, "name,currency,provider,accountID,service,category,regionID,listCost,invoicedCost,amortizedNetCost,"
                "kubernetesPercent,kubernetesAllocation,total\n");
    for (size_t i = 0; i < r->n; i++) {
        const kt_cloud_item *it = &r->items[i];
        const char *f[] = {it->name, it->currency, it->provider, it->account, it->service, it->category, it->region};
        for (int k = 0; k < 7; k++) {
            format_csv_field(b, f[k]);
            buf_putc(b, ',');
        }
        double outside = it->effective - it->effective_k8s;
        buf_printf(b, "%.6f,%.6f,%.6f,%.6f,", it->list, it->billed, it->effective,
                   cloudcost_k8s_percent(it->effective_k8s, it->effective));
        if (it->has_alloc)
            buf_printf(b, "%.6f,%.6f\n", it->alloc, it->alloc + outside);
        else
            buf_puts(b, ",\n");
    }
}

static void money(kt_buf *b, double v, const char *currency, int width)
{
    char m[48];
    format_money(v, currency, m, sizeof m);
    buf_printf(b, "%*s", width, m);
}

/* Label aggregates show the team total: Kubernetes allocation + the
 * tagged cloud cost outside Kubernetes (the clusters' own bill rows are in
 * the allocation already, so they are left out here). */
void format_cloudcost_table(const kt_cloud_result *r, kt_buf *b)
{
    int teams = r->n && r->items[0].has_alloc;
    if (!r->has_bill)
        buf_puts(b, "no cloud bill covers this window; import one with `kubetally import focus PATH`\n");
    if (strchr(r->currencies, ','))
        buf_printf(b, "several billing currencies (%s): each row is one currency, totals are per currency\n",
                   r->currencies);
    buf_printf(b, "%-48s %14s %14s %14s %6s", "NAME", "LIST", "BILLED", "EFFECTIVE", "K8S%");
    if (teams)
        buf_printf(b, " %14s %14s %14s", "OUTSIDE K8S", "KUBERNETES", "TEAM TOTAL");
    buf_putc(b, '\n');
    for (size_t i = 0; i < r->n; i++) {
        const kt_cloud_item *it = &r->items[i];
        buf_printf(b, "%-48.48s ", it->name);
        money(b, it->list, it->currency, 14), buf_putc(b, ' ');
        money(b, it->billed, it->currency, 14), buf_putc(b, ' ');
        money(b, it->effective, it->currency, 14);
        buf_printf(b, " %5.1f%%", 100 * cloudcost_k8s_percent(it->effective_k8s, it->effective));
        if (teams) {
            double outside = it->effective - it->effective_k8s;
            buf_putc(b, ' '), money(b, outside, it->currency, 14);
            buf_putc(b, ' '), money(b, it->alloc, r->alloc_currency, 14);
            buf_putc(b, ' ');
            if (strcasecmp(it->currency, r->alloc_currency))
                buf_printf(b, "%14s", "(currencies)");
            else
                money(b, it->alloc + outside, it->currency, 14);
        }
        buf_putc(b, '\n');
    }
    /* totals, one line per currency */
    for (const char *c = r->currencies; *c;) {
        size_t n = strcspn(c, ",");
        char cur[8];
        snprintf(cur, sizeof cur, "%.*s", (int)(n < 7 ? n : 7), c);
        double l = 0, bi = 0, e = 0;
        for (size_t i = 0; i < r->n; i++)
            if (!strcmp(r->items[i].currency, cur))
                l += r->items[i].list, bi += r->items[i].billed, e += r->items[i].effective;
        buf_printf(b, "%-48s ", "TOTAL");
        money(b, l, cur, 14), buf_putc(b, ' '), money(b, bi, cur, 14), buf_putc(b, ' '), money(b, e, cur, 14);
        buf_putc(b, '\n');
        c += n + (c[n] == ',');
    }
}

/* Per cluster and provider: estimated, billed, difference; then every
 * asset the bill did not name. */
void format_recon_table(const kt_cloud_result *r, kt_buf *b)
{
    buf_printf(b, "%-24s %-8s %8s %14s %14s %14s %9s\n", "CLUSTER", "PROVIDER", "MATCHED", "ESTIMATED", "BILLED",
               "DIFFERENCE", "UNMATCHED");
    for (size_t i = 0; i < r->n_recon; i++) {
        const kt_recon_asset *x = &r->recon[i];
        int seen = 0;
        for (size_t j = 0; j < i; j++)
            seen |= !strcmp(r->recon[j].cluster, x->cluster) && !strcmp(r->recon[j].provider, x->provider);
        if (seen)
            continue;
        double est = 0, billed = 0;
        long matched = 0, unmatched = 0;
        for (size_t j = i; j < r->n_recon; j++) {
            const kt_recon_asset *y = &r->recon[j];
            if (strcmp(y->cluster, x->cluster) || strcmp(y->provider, x->provider))
                continue;
            if (y->matched)
                matched++, est += y->estimate, billed += y->applied;
            else
                unmatched++;
        }
        buf_printf(b, "%-24.24s %-8.8s %8ld ", x->cluster, x->provider, matched);
        money(b, est, x->currency, 14), buf_putc(b, ' ');
        money(b, billed, x->currency, 14), buf_putc(b, ' ');
        money(b, billed - est, x->currency, 14);
        buf_printf(b, " %9ld\n", unmatched);
    }
    int header = 0;
    for (size_t i = 0; i < r->n_recon; i++) {
        const kt_recon_asset *x = &r->recon[i];
        if (x->matched)
            continue;
        if (!header++)
            buf_puts(b, "\nnot on the bill (cost stays estimated):\n");
        buf_printf(b, "  %s/%s/%s  estimated ", x->cluster, x->kind, x->name);
        money(b, x->estimate, x->currency, 0);
        buf_putc(b, '\n');
    }
    if (!r->n_recon)
        buf_puts(b, "no cluster asset of a billed provider in this window (reconciled days need their hourly "
                    "rows: see docs/bills.md)\n");
}

void format_recon_json(const kt_cloud_result *r, kt_buf *b)
{
    buf_puts(b, "{\"code\":200,\"data\":{\"assets\":[");
    for (size_t i = 0; i < r->n_recon; i++) {
        const kt_recon_asset *x = &r->recon[i];
        buf_puts(b, i ? ",{" : "{");
        prop(b, "cluster", x->cluster);
        prop(b, "provider", x->provider);
        prop(b, "type", x->kind);
        prop(b, "name", x->name);
        prop(b, "currency", x->currency);
        buf_printf(b, "\"matched\":%s,\"days\":%ld,\"estimate\":", x->matched ? "true" : "false", x->days);
        buf_json_num(b, x->estimate);
        buf_puts(b, ",\"billed\":");
        buf_json_num(b, x->matched ? x->applied : x->estimate);
        buf_puts(b, ",\"billedCost\":");
        buf_json_num(b, x->billed);
        buf_puts(b, ",\"effectiveCost\":");
        buf_json_num(b, x->effective);
        buf_puts(b, ",\"listCost\":");
        buf_json_num(b, x->list);
        buf_putc(b, '}');
    }
    buf_puts(b, "]}}\n");
}

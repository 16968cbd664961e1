/* dash_cloud.c — /ui/cloud: the cloud bill over a window — cloud costs by
 * service, account, provider, category, region or a tag (team totals for a
 * tag: Kubernetes allocation + tagged services outside Kubernetes), and the
 * reconciliation of the clusters' assets with the bill.  One engine_ask
 * (KT_ASK_CLOUDCOST); the CSV link is `kubetally cloudcost -o csv`'s API twin. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "engine/cloudcost.h"
#include "format/format.h"
#include "http/dash.h"
#include "http/html.h"

static const char *const cloud_aggs[] = {"service", "account", "provider", "category", "region", "label:team", NULL};

static void money_td(kt_buf *b, double v, const char *currency, const char *cls)
{
    buf_printf(b, "<td class=\"num%s\">", cls);
    html_money(b, v, currency);
    buf_puts(b, "</td>");
}

static void costs_table(kt_buf *b, const kt_cloud_result *r)
{
    int teams = r->n && r->items[0].has_alloc;
    buf_puts(b, "<div class=\"tablewrap\"><table id=\"cloudcosts\"><thead><tr><th>Name</th><th>Currency</th>"
                "<th>List</th><th>Billed</th><th>Effective</th><th>Kubernetes %</th>");
    if (teams)
        buf_puts(b, "<th>Outside Kubernetes</th><th>Kubernetes allocation</th><th>Team total</th>");
    buf_puts(b, "</tr></thead><tbody>\n");
    for (size_t i = 0; i < r->n; i++) {
        const kt_cloud_item *it = &r->items[i];
        buf_puts(b, "<tr><td class=\"name\">");
        html_escape(b, it->name);
        buf_puts(b, "</td><td>");
        html_escape(b, it->currency);
        buf_puts(b, "</td>");
        money_td(b, it->list, it->currency, "");
        money_td(b, it->billed, it->currency, "");
        money_td(b, it->effective, it->currency, " total");
        buf_printf(b, "<td class=\"num\">%.1f%%</td>", 100 * cloudcost_k8s_percent(it->effective_k8s, it->effective));
        if (teams) {
            double outside = it->effective - it->effective_k8s;
            money_td(b, outside, it->currency, "");
            money_td(b, it->alloc, r->alloc_currency, "");
            if (strcasecmp(it->currency, r->alloc_currency))
                buf_puts(b, "<td>currencies differ</td>");
            else
                money_td(b, it->alloc + outside, it->currency, " total");
        }
        buf_puts(b, "</tr>\n");
    }
    buf_puts(b, "</tbody></table></div>\n");
}

static void recon_table(kt_buf *b, const kt_cloud_result *r)
{
    buf_puts(b, "<h2>Clusters against the bill</h2><div class=\"tablewrap\"><table id=\"reconciliation\"><thead><tr>"
                "<th>Cluster</th><th>Type</th><th>Asset</th><th>On the bill</th><th>Estimated</th><th>Billed</th>"
                "<th>Difference</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < r->n_recon; i++) {
        const kt_recon_asset *x = &r->recon[i];
        buf_puts(b, "<tr><td>");
        html_escape(b, x->cluster);
        buf_printf(b, "</td><td>%s</td><td class=\"name\">", x->kind);
        html_escape(b, x->name);
        buf_printf(b, "</td><td>%s</td>", x->matched ? "yes" : "no (estimated)");
        money_td(b, x->estimate, x->currency, "");
        if (x->matched) {
            money_td(b, x->applied, x->currency, "");
            money_td(b, x->applied - x->estimate, x->currency, "");
        } else {
            buf_puts(b, "<td></td><td></td>");
        }
        buf_puts(b, "</tr>\n");
    }
    buf_puts(b, "</tbody></table></div>\n");
}

void dash_cloud(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    const char *win = http_params_get((void *)p, "window"), *agg = http_params_get((void *)p, "aggregate");
    if (!win || !*win) win = "30d";
    if (!agg || !*agg) agg = "service";
    kt_err err = {0};
    kt_ask ask = {.kind = KT_ASK_CLOUDCOST, .aggregate = agg};
    kt_answer a;
    if (window_parse(win, now, &ask.window, &err) || engine_ask(s, &ask, 1, &app->limits, &a, &err)) {
        dash_error(r, err.code == KT_EINPUT ? 400 : 500, "Cloud costs", err.msg);
        return;
    }
    const kt_cloud_result *res = &a.replies[0].cloud;
    kt_buf *b = &r->body;
    resp_set(r, 200, "text/html; charset=utf-8");
    html_begin(b, "Cloud costs", "cloud");
    dash_form(b, "/ui/cloud", win, agg, NULL, cloud_aggs, NULL, 0);
    if (!res->has_bill)
        buf_puts(b, "<p class=\"window\" id=\"no-bill\">No cloud bill covers this window. Import one with "
                    "<code>kubetally import focus PATH</code> (FOCUS exports of AWS, Azure or Google Cloud).</p>");
    if (strchr(res->currencies, ','))
        buf_printf(b, "<p class=\"window\" id=\"currencies\">Several billing currencies (%s): each row holds one; "
                      "nothing is added across them.</p>", res->currencies);
    kt_chart_bar bars[12];
    int n = 0;
    for (size_t i = 0; i < res->n && n < 12; i++)
        bars[n++] = (kt_chart_bar){res->items[i].name, res->items[i].effective};
    if (n)
        svg_hbars(b, "Biggest cloud costs (effective)", bars, n, res->items[0].currency);
    costs_table(b, res);
    recon_table(b, res);
    html_end(b);
    engine_answer_free(&a);
}

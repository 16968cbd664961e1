/* dash_assets.c — /ui/assets (what nodes, disks, load balancers and fees
 * cost over a window) and /ui/prices (every node's price facts for the
 * newest hour, with where each price came from). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/assets.h"
#include "format/format.h"
#include "http/dash.h"
#include "http/html.h"

static const char *const asset_aggs[] = {"type", "cluster", "provider", "region", "node", NULL};

static void assets_table(kt_buf *b, const kt_asset_result *r)
{
    buf_puts(b, "<div class=\"tablewrap\"><table id=\"assets\"><thead><tr><th>Name</th><th>Type</th><th>Cluster</th>"
                "<th>Hours</th><th>CPU</th><th>RAM</th><th>GPU</th><th>Total</th><th>CO2e kg</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < r->n; i++) {
        const kt_asset *a = &r->items[i];
        buf_puts(b, "<tr><td class=\"name\">");
        html_escape(b, a->name);
        buf_printf(b, "</td><td>%s</td><td>", a->mixed_type ? "mixed" : asset_type_name(a->type));
        html_escape(b, strtab_get(&r->ds->strs, a->cluster));
        buf_printf(b, "</td><td class=\"num\">%.1f</td>", a->hours);
        double v[] = {a->cpu_cost, a->ram_cost, a->gpu_cost, a->cost};
        for (int k = 0; k < 4; k++) {
            buf_puts(b, k == 3 ? "<td class=\"num total\">" : "<td class=\"num\">");
            html_money(b, v[k], r->currency);
            buf_puts(b, "</td>");
        }
        buf_printf(b, "<td class=\"num carbon\">%.3f</td></tr>\n", a->carbon_cost);
    }
    buf_puts(b, "</tbody><tfoot><tr><th colspan=\"7\">Total</th><td class=\"num total\" id=\"grand-total\">");
    html_money(b, r->total, r->currency);
    buf_printf(b, "</td><td class=\"num carbon\" id=\"carbon-total\">%.3f</td></tr></tfoot></table></div>\n",
               r->total_carbon);
}

void dash_assets(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    const char *win = http_params_get((void *)p, "window"), *agg = http_params_get((void *)p, "aggregate");
    if (!win || !*win) win = "7d";
    if (!agg || !*agg) agg = "type";
    kt_err err = {0};
    kt_ask ask = {.kind = KT_ASK_ASSETS, .aggregate = agg};
    kt_answer a;
    if (window_parse(win, now, &ask.window, &err) || engine_ask(s, &ask, 1, &app->limits, &a, &err)) {
        dash_error(r, err.code == KT_EINPUT ? 400 : 500, "Assets", err.msg);
        return;
    }
    const kt_asset_result res = a.replies[0].assets;
    kt_buf *b = &r->body;
    resp_set(r, 200, "text/html; charset=utf-8");
    html_begin(b, "Assets", "assets");
    dash_form(b, "/ui/assets", win, agg, NULL, asset_aggs, NULL, 0);
    const char *csv[] = {"window", win, "aggregate", agg, "format", "csv"};
    buf_printf(b, "<p class=\"window\">%zu assets · <a class=\"csv\" download href=\"", res.n);
    html_href(b, "/assets", csv, 3);
    buf_puts(b, "\">Download CSV</a></p><div class=\"charts\">");
    kt_chart_bar bars[12];
    int n = 0;
    for (size_t i = 0; i < res.n && n < 12; i++)
        bars[n++] = (kt_chart_bar){res.items[i].name, res.items[i].cost};
    if (n)
        svg_hbars(b, "Biggest assets by cost", bars, n, res.currency);
    buf_puts(b, "</div>");
    assets_table(b, &res);
    html_end(b);
    engine_answer_free(&a);
}

static const char *S(const kt_dataset *ds, uint32_t id)
{
    return strtab_get(&ds->strs, id);
}

/* cluster, node, instance type, region, zone: the node's identity columns. */
static void node_texts(const kt_dataset *ds, const ds_node *n, const char **t)
{
    t[0] = S(ds, ds->clusters[n->cluster].name), t[1] = S(ds, n->name), t[2] = S(ds, n->instance_type);
    t[3] = S(ds, n->region), t[4] = S(ds, n->zone);
}

static void prices_csv(const kt_dataset *ds, const ds_node_fact *const *last, kt_buf *b)
{
    buf_puts(b, "cluster,node,instanceType,region,zone,spot,cpuCores,ramGiB,gpus,hourly,cpuPrice,ramPrice,gpuPrice,"
                "source\n");
    for (size_t i = 0; i < ds->n_nodes; i++) {
        const ds_node *n = &ds->nodes[i];
        if (!last[i])
            continue;
        const char *t[5];
        node_texts(ds, n, t);
        for (int k = 0; k < 5; k++) {
            format_csv_field(b, t[k]);
            buf_putc(b, ',');
        }
        buf_printf(b, "%d,%g,%.3f,%g,%.6f,%.6f,%.6f,%.6f,", n->spot, n->cpu_cores, n->ram_bytes / 1073741824.0, n->gpus,
                   last[i]->hourly, last[i]->cpu_price, last[i]->ram_price, last[i]->gpu_price);
        format_csv_field(b, S(ds, last[i]->source));
        buf_putc(b, '\n');
    }
}

static void prices_table(const kt_dataset *ds, const ds_node_fact *const *last, const char *cur, kt_buf *b)
{
    buf_puts(b, "<div class=\"tablewrap\"><table id=\"prices\"><thead><tr><th>Cluster</th><th>Node</th>"
                "<th>Instance type</th><th>Region</th><th>Zone</th><th>Spot</th><th>Cores</th><th>RAM GiB</th>"
                "<th>GPUs</th><th>$/h</th><th>$/core-h</th><th>$/GiB-h</th><th>$/GPU-h</th><th>Source</th>"
                "</tr></thead><tbody>\n");
    for (size_t i = 0; i < ds->n_nodes; i++) {
        const ds_node *n = &ds->nodes[i];
        if (!last[i])
            continue;
        const char *t[5];
        node_texts(ds, n, t);
        buf_puts(b, "<tr>");
        for (int k = 0; k < 5; k++) {
            buf_puts(b, k == 1 ? "<td class=\"name\">" : "<td>");
            html_escape(b, t[k]);
            buf_puts(b, "</td>");
        }
        buf_printf(b, "<td>%s</td><td class=\"num\">%g</td><td class=\"num\">%.1f</td><td class=\"num\">%g</td>"
                      "<td class=\"num\">", n->spot ? "spot" : "", n->cpu_cores, n->ram_bytes / 1073741824.0, n->gpus);
        html_money(b, last[i]->hourly, cur);
        buf_printf(b, "</td><td class=\"num\">%.5f</td><td class=\"num\">%.5f</td><td class=\"num\">%.4f</td><td>",
                   last[i]->cpu_price, last[i]->ram_price, last[i]->gpu_price);
        html_escape(b, S(ds, last[i]->source));
        buf_puts(b, "</td></tr>\n");
    }
    buf_puts(b, "</tbody></table></div>\n");
}

void dash_prices(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    kt_err err = {0};
    const char *fmt = http_params_get((void *)p, "format");
    if (fmt && strcmp(fmt, "csv") && strcmp(fmt, "html")) {
        dash_error(r, 400, "Prices", "format: expected html or csv");
        return;
    }
    int64_t hour = dash_latest_hour(s, &err);
    kt_ask ask = {.kind = KT_ASK_FACTS, .window = {hour, hour + 3600}, .hourly = 1};
    kt_answer a;
    if (hour < 0 || engine_ask(s, &ask, 1, &app->limits, &a, &err)) {
        dash_error(r, 500, "Prices", err.msg);
        return;
    }
    const kt_dataset *ds = a.replies[0].facts;
    const ds_node_fact **last = xcalloc(ds->n_nodes + 1, sizeof *last);
    for (size_t i = 0; i < ds->n_nfacts; i++)
        if (ds->nfacts[i].node < ds->n_nodes)
            last[ds->nfacts[i].node] = &ds->nfacts[i];
    kt_buf *b = &r->body;
    if (fmt && !strcmp(fmt, "csv")) {
        resp_set(r, 200, "text/csv; charset=utf-8");
        snprintf(r->filename, sizeof r->filename, "prices.csv");
        prices_csv(ds, last, b);
    } else {
        char h[24];
        const char *cur = ds->n_clusters ? S(ds, ds->clusters[0].currency) : "";
        time_format(hour, h);
        resp_set(r, 200, "text/html; charset=utf-8");
        html_begin(b, "Node prices", "prices");
        buf_printf(b, "<p class=\"window\">Prices in effect for the hour starting %s · "
                      "<a class=\"csv\" download href=\"/ui/prices?format=csv\">Download CSV</a></p>", hour ? h : "–");
        prices_table(ds, last, cur, b);
        html_end(b);
    }
    free(last);
    engine_answer_free(&a);
}

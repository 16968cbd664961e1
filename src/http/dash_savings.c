/* dash_savings.c — /ui/savings: what to change, what it saves (money and
 * CO2e) and how risky it is.  Headline cards and totals per kind, the
 * request right-sizing table sortable by Kubecost's sortBy names (column
 * links; no script needed), each row drilling to the workload's pods in
 * the cost explorer with its kubectl patch ready to copy, and the other
 * kinds' items.  One engine question (KT_ASK_SAVINGS), as `kubetally
 * savings`. */
#include <stdio.h>
#include <string.h>

#include "engine/savings_params.h"
#include "format/format.h"
#include "http/dash.h"
#include "http/html.h"

static void cards(kt_buf *b, const kt_savings_result *r)
{
    char v[64], note[96];
    buf_puts(b, "<section class=\"cards\">");
    format_money(r->total, r->currency, v, sizeof v);
    snprintf(note, sizeof note, "%zu recommendations", r->n);
    dash_card(b, "savings-total", "Monthly savings", v, note);
    snprintf(v, sizeof v, "%.1f kg", r->total_carbon_kg);
    dash_card(b, "savings-co2e", "CO2e per month", v, "saved by the changes (CCF coefficients)");
    format_money(r->by_kind[SK_REQUESTS].monthly, r->currency, v, sizeof v);
    snprintf(note, sizeof note, "%zu containers", r->by_kind[SK_REQUESTS].count);
    dash_card(b, "savings-requests", "Right-sizing", v, note);
    buf_puts(b, "</section>\n");
}

static void kinds_table(kt_buf *b, const kt_savings_result *r)
{
    buf_puts(b, "<section class=\"panel\"><h2>By kind</h2><div class=\"tablewrap\"><table id=\"savings-kinds\">"
                "<thead><tr><th>Kind</th><th>Count</th><th>Monthly</th><th>CO2e kg/month</th></tr></thead><tbody>");
    for (int k = 0; k < SK_COUNT; k++) {
        buf_printf(b, "<tr><td class=\"name\">%s</td><td class=\"num\">%zu</td><td class=\"num\">",
                   r->by_kind[k].key, r->by_kind[k].count);
        html_money(b, r->by_kind[k].monthly, r->currency);
        buf_printf(b, "</td><td class=\"num\">%.2f</td></tr>", r->by_kind[k].carbon_kg);
    }
    buf_puts(b, "</tbody></table></div></section>\n");
}

/* A column header that sorts by `key` (descending first, then toggles). */
static void th_sort(kt_buf *b, const char *label, const char *key, const char *win, const char *cur,
                    const char *order)
{
    int on = !strcmp(cur, key);
    const char *next = on && !strcmp(order, "descending") ? "ascending" : "descending";
    const char *kv[] = {"window", win, "sortBy", key, "sortByOrder", next};
    buf_puts(b, "<th><a class=\"sort\" href=\"");
    html_href(b, "/ui/savings", kv, 3);
    buf_printf(b, "\">%s%s</a></th>", label, on ? (strcmp(order, "ascending") ? " ▼" : " ▲") : "");
}

static void request_row(kt_buf *b, const kt_rs_result *rs, size_t i, const char *win, kt_buf *tmp)
{
    const kt_rs_rec *x = &rs->items[i];
    char lc[32], rc[32], lm[32], rm[32];
    format_cpu_quantity(x->latest_cpu, lc, sizeof lc), format_cpu_quantity(x->rec_cpu, rc, sizeof rc);
    format_memory_quantity(x->latest_ram, lm, sizeof lm), format_memory_quantity(x->rec_ram, rm, sizeof rm);
    buf_reset(tmp);
    buf_puts(tmp, "cluster:");
    buf_json_str(tmp, x->cluster);
    buf_puts(tmp, "+namespace:");
    buf_json_str(tmp, x->namespace_);
    buf_puts(tmp, strcmp(x->controller_kind, "pod") ? "+controllerName:" : "+pod:");
    buf_json_str(tmp, x->controller);
    const char *kv[] = {"window", win, "aggregate", "pod", "filter", tmp->data};
    buf_puts(b, "<tr><td class=\"name\"><a class=\"drill\" href=\"");
    html_href(b, "/ui/cost", kv, 3);
    buf_puts(b, "\">");
    html_escape(b, x->cluster);
    buf_putc(b, '/');
    html_escape(b, x->namespace_);
    buf_putc(b, '/');
    html_escape(b, x->controller_kind);
    buf_putc(b, ':');
    html_escape(b, x->controller);
    buf_puts(b, "</a></td><td>");
    html_escape(b, x->container);
    buf_printf(b, "</td><td class=\"num\">%s → %s</td><td class=\"num\">%s → %s</td><td class=\"num total\">", lc, rc,
               lm, rm);
    html_money(b, rs_total_savings(x), rs->currency);
    buf_printf(b, "</td><td class=\"num\">%.0f%%</td><td class=\"num\">%.1f%% / %.1f%%</td><td class=\"num\">%.2f</td>",
               x->eff_total * 100, x->risk_cpu * 100, x->risk_ram * 100, x->carbon_kg);
    buf_reset(tmp);
    format_rs_patch_one(rs, i, tmp);
    /* the button first, the command folded: rows stay one line high */
    buf_printf(b, "<td class=\"patch\"><button type=\"button\" class=\"copy\" data-target=\"patch-%zu\">copy</button>"
                  "<details><summary>kubectl patch</summary><pre class=\"patch\" id=\"patch-%zu\">", i, i);
    html_escape(b, tmp->data);
    buf_puts(b, "</pre></details></td></tr>\n");
}

static void requests_table(kt_buf *b, const kt_rs_result *rs, const char *win, const char *sort, const char *order)
{
    kt_buf tmp = {0};
    buf_puts(b, "<section class=\"panel\"><h2>Container requests <a class=\"csv\" href=\"");
    const char *kv[] = {"window", win, "sortBy", sort, "sortByOrder", order};
    html_href(b, "/savings/requestSizingV2", kv, 3);
    buf_puts(b, "\">JSON</a></h2><div class=\"tablewrap\"><table id=\"savings-requests\"><thead><tr>"
                "<th>Workload</th><th>Container</th>");
    th_sort(b, "CPU (now → rec.)", "cpuRecommended", win, sort, order);
    th_sort(b, "Memory (now → rec.)", "memoryRecommended", win, sort, order);
    th_sort(b, "Monthly", "totalSavings", win, sort, order);
    th_sort(b, "Efficiency", "currentEfficiency", win, sort, order);
    buf_puts(b, "<th title=\"share of hours whose peak exceeded the recommendation\">Risk CPU / mem</th>"
                "<th>CO2e kg/month</th><th>Patch</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < rs->n && i < 500; i++)
        request_row(b, rs, i, win, &tmp);
    buf_puts(b, "</tbody></table></div></section>\n");
    buf_free(&tmp);
}

static void others_table(kt_buf *b, const kt_savings_result *r)
{
    buf_puts(b, "<section class=\"panel\"><h2>Unclaimed volumes, orphaned load balancers, underused nodes, "
                "abandoned workloads, spot candidates, PV right-sizing</h2><div class=\"tablewrap\"><table id=\"savings-others\"><thead><tr>"
                "<th>Kind</th><th>Cluster</th><th>Namespace</th><th>Name</th><th>Monthly</th><th>CO2e kg/month</th>"
                "</tr></thead><tbody>\n");
    for (size_t i = 0; i < r->n; i++) {
        const kt_saving *s = &r->items[i];
        if (s->kind == SK_REQUESTS)
            continue;
        buf_printf(b, "<tr><td>%s</td><td>", saving_kind_name(s->kind));
        html_escape(b, s->cluster);
        buf_puts(b, "</td><td>");
        html_escape(b, s->namespace_);
        buf_puts(b, "</td><td class=\"name\">");
        html_escape(b, s->name);
        buf_puts(b, "</td><td class=\"num total\">");
        html_money(b, s->monthly, r->currency);
        buf_printf(b, "</td><td class=\"num\">%.2f</td></tr>\n", s->carbon_kg);
    }
    buf_puts(b, "</tbody></table></div></section>\n");
}

void dash_savings(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    dash_params d = {0};
    dash_param(&d, p, "window", "7d");
    dash_param(&d, p, "sortBy", "totalSavings");
    dash_param(&d, p, "sortByOrder", "descending");
    dash_param(&d, p, "filter", NULL);
    kt_err err = {0};
    kt_answer a;
    if (http_ask_savings(app, s, dash_params_get, &d, now, &a, &err)) {
        dash_error(r, err.code == KT_EINPUT ? 400 : 500, "Savings", err.msg);
        return;
    }
    const kt_savings_result *res = &a.replies[0].savings;
    const char *win = dash_params_get(&d, "window");
    kt_buf *b = &r->body;
    resp_set(r, 200, "text/html; charset=utf-8");
    html_begin(b, "Savings", "savings");
    dash_form(b, "/ui/savings", win, NULL, dash_params_get(&d, "filter"), NULL, NULL, 1);
    cards(b, res);
    kinds_table(b, res);
    requests_table(b, &res->requests, win, dash_params_get(&d, "sortBy"), dash_params_get(&d, "sortByOrder"));
    others_table(b, res);
    html_end(b);
    engine_answer_free(&a);
}

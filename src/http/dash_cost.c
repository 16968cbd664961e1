/* dash_cost.c — /ui/cost: the cost explorer.  One window, one grouping,
 * one filter; a bar chart of the biggest groups, cost over time, and a
 * table whose rows drill down (fleet → provider → cluster → namespace →
 * controller → pod → container) by adding a filter clause. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/query.h"
#include "http/dash.h"
#include "http/html.h"

#define TOP_SERIES 5

static const char *const aggregates[] = {"provider", "cluster", "namespace", "controller", "pod", "container",
                                         "node", "region", "zone", "controllerKind", "service", NULL};

typedef struct crumbs {
    kt_buf *b;
    const char *filter, *window;
} crumbs;

static void crumb(void *ctx, const char *clause, size_t len, size_t end)
{
    crumbs *c = ctx;
    char prefix[KT_HTTP_MAX_VALUE + 1], text[KT_HTTP_MAX_VALUE + 1];
    const char *next = dash_clause_next(clause, len);
    snprintf(prefix, sizeof prefix, "%.*s", (int)end, c->filter);
    snprintf(text, sizeof text, "%.*s", (int)len, clause);
    const char *kv[] = {"window", c->window, "aggregate", next ? next : "namespace", "filter", prefix};
    buf_puts(c->b, " › <a href=\"");
    html_href(c->b, "/ui/cost", kv, 3);
    buf_puts(c->b, "\">");
    html_escape(c->b, text);
    buf_puts(c->b, "</a>");
}

static void breadcrumbs(kt_buf *b, const char *window, const char *filter)
{
    const char *kv[] = {"window", window};
    buf_puts(b, "<nav class=\"crumbs\" aria-label=\"drill-down\"><a href=\"");
    html_href(b, "/ui/cost", kv, 1);
    buf_puts(b, "\">Fleet</a>");
    crumbs c = {b, filter, window};
    dash_filter_clauses(filter, crumb, &c);
    buf_puts(b, "</nav>\n");
}

static void csv_link(kt_buf *b, const dash_params *d)
{
    /* the page shows idle unless told not to; the API leaves it out unless asked (OpenCost's default) */
    const char *idle = dash_params_get((void *)d, "idle");
    const char *kv[] = {"window", dash_params_get((void *)d, "window"), "aggregate",
                        dash_params_get((void *)d, "aggregate"), "filter", dash_params_get((void *)d, "filter"),
                        "idle", idle && *idle ? idle : "true", "format", "csv"};
    buf_puts(b, "<a class=\"csv\" download href=\"");
    html_href(b, "/allocation", kv, 5);
    buf_puts(b, "\">Download CSV</a>");
}

static void row(kt_buf *b, const kt_alloc *a, const char *cur, const dash_params *d, kt_buf *tmp)
{
    const char *agg = dash_params_get((void *)d, "aggregate"), *next;
    buf_puts(b, "<tr><td class=\"name\">");
    if (a->kind == AK_NORMAL && !dash_drill(agg, a->name, dash_params_get((void *)d, "filter"), tmp, &next)) {
        const char *kv[] = {"window", dash_params_get((void *)d, "window"), "aggregate", next, "filter", tmp->data,
                            "idle", dash_params_get((void *)d, "idle")};
        buf_puts(b, "<a class=\"drill\" href=\"");
        html_href(b, "/ui/cost", kv, 4);
        buf_puts(b, "\">");
        html_escape(b, a->name);
        buf_puts(b, "</a>");
    } else {
        html_escape(b, a->name);
    }
    buf_puts(b, "</td>");
    double v[] = {a->cpu_cost, a->ram_cost, a->gpu_cost, a->pv_cost, a->lb_cost, a->net_cost,
                  a->shared_cost + a->external_cost, alloc_total(a)};
    for (size_t k = 0; k < sizeof v / sizeof *v; k++) {
        buf_puts(b, k == 7 ? "<td class=\"num total\">" : "<td class=\"num\">");
        html_money(b, v[k], cur);
        buf_puts(b, "</td>");
    }
    if (a->kind == AK_NORMAL)
        buf_printf(b, "<td class=\"num\">%.0f%%</td>", alloc_total_efficiency(a) * 100);
    else
        buf_puts(b, "<td class=\"num\">–</td>");
    buf_printf(b, "<td class=\"num carbon\">%.3f</td></tr>\n", a->carbon_cost);
}

static void table(kt_buf *b, const kt_alloc_set *set, const dash_params *d)
{
    kt_buf tmp = {0};
    double tot[8] = {0}, kg = 0;
    buf_puts(b, "<div class=\"tablewrap\"><table id=\"alloc\"><thead><tr><th>Name</th><th>CPU</th><th>RAM</th>"
                "<th>GPU</th><th>PV</th><th>LB</th><th>Network</th><th>Shared</th><th>Total</th>"
                "<th>Efficiency</th><th title=\"kg CO2e (docs/savings.md)\">CO2e kg</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < set->n; i++) {
        const kt_alloc *a = &set->items[i];
        row(b, a, set->currency, d, &tmp);
        double v[] = {a->cpu_cost, a->ram_cost, a->gpu_cost, a->pv_cost, a->lb_cost, a->net_cost,
                      a->shared_cost + a->external_cost, alloc_total(a)};
        for (int k = 0; k < 8; k++)
            tot[k] += v[k];
        kg += a->carbon_cost;
    }
    buf_puts(b, "</tbody><tfoot><tr><th>Total</th>");
    for (int k = 0; k < 8; k++) {
        buf_puts(b, k == 7 ? "<td class=\"num total\" id=\"grand-total\">" : "<td class=\"num\">");
        html_money(b, tot[k], set->currency);
        buf_puts(b, "</td>");
    }
    buf_printf(b, "<td></td><td class=\"num carbon\" id=\"carbon-total\">%.3f</td></tr></tfoot></table></div>\n", kg);
    buf_free(&tmp);
}

static void bars(kt_buf *b, const kt_alloc_set *set)
{
    kt_chart_bar top[12];
    int n = 0;
    for (size_t i = 0; i < set->n && n < 12; i++)
        top[n++] = (kt_chart_bar){set->items[i].name, alloc_total(&set->items[i])};
    if (n)
        svg_hbars(b, "Biggest groups by total cost", top, n, set->currency);
}

/* Columns per step, stacked by the TOP_SERIES biggest groups of the table
 * and "other". */
static void over_time(kt_buf *b, const kt_alloc_result *steps, const kt_alloc_set *whole)
{
    int ns = 0, nc = (int)steps->n;
    const char *series[TOP_SERIES + 1];
    for (size_t i = 0; i < whole->n && ns < TOP_SERIES; i++)
        series[ns++] = whole->items[i].name;
    series[ns] = "other";
    double *v = xcalloc((size_t)(ns + 1) * (size_t)(nc ? nc : 1), sizeof *v);
    char (*labels)[24] = xcalloc((size_t)(nc ? nc : 1), sizeof *labels);
    const char **lp = xcalloc((size_t)(nc ? nc : 1), sizeof *lp);
    for (int c = 0; c < nc; c++) {
        const kt_alloc_set *set = &steps->sets[c];
        time_format(set->window.start, labels[c]);
        if (set->window.end - set->window.start < 86400)
            memmove(labels[c], labels[c] + 11, 6); /* HH:MM */
        else
            memmove(labels[c], labels[c] + 5, 6);  /* MM-DD */
        labels[c][5] = 0;
        lp[c] = labels[c];
        for (size_t i = 0; i < set->n; i++) {
            int s = 0;
            while (s < ns && strcmp(series[s], set->items[i].name))
                s++;
            v[s * nc + c] += alloc_total(&set->items[i]);
        }
    }
    if (nc > 1)
        svg_columns(b, "Cost over time", lp, nc, series, ns + 1, v, whole->currency);
    free(v);
    free(labels);
    free(lp);
}

static int64_t chart_step(int64_t span)
{
    return span <= 2 * 86400 ? 3600 : span <= 120 * 86400 ? 86400 : 7 * 86400;
}

void dash_cost(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    dash_params d = {0};
    dash_param(&d, p, "window", "7d");
    dash_param(&d, p, "aggregate", "provider");
    dash_param(&d, p, "filter", NULL);
    dash_param(&d, p, "idle", NULL);
    kt_err err = {0};
    kt_ask ask[2] = {{.kind = KT_ASK_ALLOCATION}, {.kind = KT_ASK_ALLOCATION}};
    kt_query_holder h;
    kt_answer a = {0};
    kt_alloc_query *q = &ask[0].alloc, *qs = &ask[1].alloc;
    int rc = alloc_query_parse(dash_params_get, &d, now, q, &h, &err);
    if (!rc) {
        *qs = *q; /* the same question, in steps for the chart; one read serves both */
        qs->step = chart_step(q->window.end - q->window.start);
        ask[0].hourly = alloc_query_needs_hours(qs);
        rc = engine_ask(s, ask, 2, &app->limits, &a, &err);
    }
    if (!rc && !a.replies[0].alloc.n)
        rc = kt_fail(&err, KT_ERUNTIME, "the engine returned no allocation set");
    if (rc) {
        dash_error(r, err.code == KT_EINPUT ? 400 : 500, "Cost explorer", err.msg);
    } else {
        kt_buf *b = &r->body;
        const kt_alloc_result *whole = &a.replies[0].alloc, *steps = &a.replies[1].alloc;
        char **keys = dash_label_keys(whole->ds, 64);
        resp_set(r, 200, "text/html; charset=utf-8");
        html_begin(b, "Cost explorer", "cost");
        dash_form(b, "/ui/cost", dash_params_get(&d, "window"), dash_params_get(&d, "aggregate"),
                  dash_params_get(&d, "filter"), aggregates, (const char *const *)keys, 1);
        breadcrumbs(b, dash_params_get(&d, "window"), dash_params_get(&d, "filter"));
        kt_alloc_set *set = &whole->sets[0];
        alloc_set_sort(set);
        char ws[24], we[24];
        time_format(set->window.start, ws);
        time_format(set->window.end, we);
        buf_printf(b, "<p class=\"window\">%s – %s · %zu groups · ", ws, we, set->n);
        csv_link(b, &d);
        buf_puts(b, "</p><div class=\"charts\">");
        bars(b, set);
        over_time(b, steps, set);
        buf_puts(b, "</div>");
        table(b, set, &d);
        html_end(b);
        free(keys);
    }
    engine_answer_free(&a);
    query_holder_free(&h);
}

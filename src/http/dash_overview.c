/* dash_overview.c — GET /: the fleet at a glance.  Month-to-date spend and
 * its projection, spend by cloud and by cluster (from assets: what the
 * clouds bill), idle share and efficiency (from allocations), cost over the
 * last 14 days, the biggest namespaces, and cluster health. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/assets.h"
#include "engine/query.h"
#include "format/format.h"
#include "http/dash.h"
#include "http/html.h"

typedef struct overview {
    kt_window month;
    double mtd, projected, idle, alloc_total, eff_weighted, eff_cost;
    int64_t data_end;
    const kt_asset_result *by_provider, *by_cluster;
    const kt_alloc_result *by_ns, *days;
    const kt_cloud_result *bill; /* the month on the cloud bill (has_bill 0 when none) */
    char currency[8];
    kt_answer answer; /* what the pointers above point into */
} overview;

static int64_t month_end(int64_t now)
{
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    tm.tm_mday = 1, tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_mon += 1;
    return (int64_t)timegm(&tm);
}

/* Idle share and cost-weighted efficiency from allocations by cluster. */
static void idle_and_efficiency(overview *o, const kt_alloc_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        double t = alloc_total(&set->items[i]);
        o->alloc_total += t;
        if (set->items[i].kind == AK_IDLE) {
            o->idle += t;
        } else if (set->items[i].kind == AK_NORMAL) {
            o->eff_weighted += alloc_total_efficiency(&set->items[i]) * t;
            o->eff_cost += t;
        }
    }
}

/* Every number on the page, asked of the engine at once: the month to date
 * (ending at the end of today rather than now: no fact lies beyond now, and
 * whole days come from daily roll-ups), its projection to month end, and
 * the last 14 days by provider, one column per day. */
static int compute(overview *o, kt_store *s, int64_t now, const kt_engine_limits *lim, kt_err *err)
{
    if (window_parse("month", now, &o->month, err))
        return -1;
    o->month.end = day_floor(now) + 86400;
    enum { PROVIDER, CLUSTER, PROJECTION, ALLOC_CLUSTER, ALLOC_NS, DAYS, BILL, FORECAST, N_ASKS };
    kt_ask ask[N_ASKS] = {
        [PROVIDER] = {.kind = KT_ASK_ASSETS, .window = o->month, .aggregate = "provider"},
        [CLUSTER] = {.kind = KT_ASK_ASSETS, .window = o->month, .aggregate = "cluster"},
        [PROJECTION] = {.kind = KT_ASK_PROJECTION, .window = o->month, .month_end = month_end(now)},
        [ALLOC_CLUSTER] = {.kind = KT_ASK_ALLOCATION},
        [ALLOC_NS] = {.kind = KT_ASK_ALLOCATION},
        [DAYS] = {.kind = KT_ASK_ALLOCATION},
        [BILL] = {.kind = KT_ASK_CLOUDCOST, .window = o->month, .aggregate = "provider"},
        /* the whole bill (idle included), learnt from eight weeks of days, to the month's end */
        [FORECAST] = {.kind = KT_ASK_SPEND, .filters = (const kt_filter *const[]){NULL}, .n_filters = 1,
                      .days = (int)((month_end(now) - day_floor(now)) / 86400) + 1},
    };
    alloc_query_init(&ask[FORECAST].alloc);
    ask[FORECAST].alloc.window = (kt_window){day_floor(now) - 56 * 86400, day_floor(now)};
    ask[FORECAST].alloc.now = now;
    for (int i = ALLOC_CLUSTER; i <= DAYS; i++) {
        alloc_query_init(&ask[i].alloc);
        ask[i].alloc.window = o->month, ask[i].alloc.now = now;
    }
    aggregate_parse("cluster", &ask[ALLOC_CLUSTER].alloc.agg, NULL);
    aggregate_parse("namespace", &ask[ALLOC_NS].alloc.agg, NULL);
    aggregate_parse("provider", &ask[DAYS].alloc.agg, NULL);
    ask[DAYS].alloc.step = 86400;
    if (window_parse("14d", now, &ask[DAYS].alloc.window, err) || engine_ask(s, ask, N_ASKS, lim, &o->answer, err))
        return -1;
    const kt_reply *r = o->answer.replies;
    o->by_provider = &r[PROVIDER].assets, o->by_cluster = &r[CLUSTER].assets;
    o->by_ns = &r[ALLOC_NS].alloc, o->days = &r[DAYS].alloc;
    idle_and_efficiency(o, &r[ALLOC_CLUSTER].alloc.sets[0]);
    o->mtd = r[PROJECTION].projection.spent;
    o->data_end = r[PROJECTION].projection.data_end;
    o->bill = &r[BILL].cloud;
    /* month to date, then the forecast from now to the month's end */
    o->projected = o->mtd + forecast_between(&r[FORECAST].spend.forecast[0], now, month_end(now), NULL, NULL);
    snprintf(o->currency, sizeof o->currency, "%s", o->by_provider->currency);
    return 0;
}

void dash_card(kt_buf *b, const char *id, const char *label, const char *value, const char *note)
{
    buf_printf(b, "<div class=\"card\" id=\"%s\"><div class=\"label\">%s</div><div class=\"value\">", id, label);
    html_escape(b, value);
    buf_puts(b, "</div><div class=\"note\">");
    html_escape(b, note);
    buf_puts(b, "</div></div>");
}

static void cards(kt_buf *b, const overview *o)
{
    char v[96], note[160], ds[24], de[24];
    buf_puts(b, "<section class=\"cards\">");
    time_format(o->month.start, ds);
    if (o->bill->has_bill && o->bill->n) {
        /* Billed: every cloud cost of the month (clusters and what runs
         * outside them), at EffectiveCost, in the bill's (first) currency. */
        double billed = 0;
        const char *cur = o->bill->items[0].currency;
        for (size_t i = 0; i < o->bill->n; i++)
            if (!strcmp(o->bill->items[i].currency, cur))
                billed += o->bill->items[i].effective;
        format_money(billed, cur, v, sizeof v);
        char est[48];
        format_money(o->mtd, o->currency, est, sizeof est);
        snprintf(note, sizeof note, "since %.10s, from the cloud bill%s; clusters %s", ds,
                 strchr(o->bill->currencies, ',') ? " (other currencies apart)" : "", est);
    } else {
        format_money(o->mtd, o->currency, v, sizeof v);
        snprintf(note, sizeof note, "since %.10s", ds);
    }
    dash_card(b, "mtd", "Month to date", v, note);
    format_money(o->projected, o->currency, v, sizeof v);
    time_format(o->data_end, de);
    snprintf(note, sizeof note, "+ forecast to month end (data to %.13s:00Z)", de);
    dash_card(b, "projected", "Projected month", v, note);
    snprintf(v, sizeof v, "%.1f%%", o->alloc_total > 0 ? 100 * o->idle / o->alloc_total : 0);
    format_money(o->idle, o->currency, note, sizeof note);
    strncat(note, " unused capacity", sizeof note - strlen(note) - 1);
    dash_card(b, "idle", "Idle share", v, note);
    snprintf(v, sizeof v, "%.0f%%", o->eff_cost > 0 ? 100 * o->eff_weighted / o->eff_cost : 0);
    dash_card(b, "efficiency", "Efficiency", v, "usage ÷ request, cost-weighted");
    buf_puts(b, "</section>\n");
}

/* A table of assets groups with drill links into the explorer. */
static void asset_table(kt_buf *b, const char *id, const char *title, const kt_asset_result *r, const char *agg,
                        const char *next)
{
    const char *csv[] = {"window", "month", "aggregate", agg, "format", "csv"};
    buf_printf(b, "<section class=\"panel\"><h2>%s <a class=\"csv\" download href=\"", title);
    html_href(b, "/assets", csv, 3);
    buf_printf(b, "\">CSV</a></h2><div class=\"tablewrap\"><table id=\"%s\"><thead><tr><th>%s</th><th>Cost</th>"
                  "<th>Share</th></tr></thead><tbody>", id, agg);
    kt_chart_bar bars[16];
    int nb = 0;
    for (size_t i = 0; i < r->n; i++) {
        const kt_asset *a = &r->items[i];
        char filter[300];
        snprintf(filter, sizeof filter, "%s:\"%s\"", agg, a->name);
        const char *kv[] = {"window", "month", "aggregate", next, "filter", strpbrk(a->name, "\"\\") ? "" : filter};
        buf_puts(b, "<tr><td><a class=\"drill\" href=\"");
        html_href(b, "/ui/cost", kv, 3);
        buf_puts(b, "\">");
        html_escape(b, a->name);
        buf_puts(b, "</a></td><td class=\"num\">");
        html_money(b, a->cost, r->currency);
        buf_printf(b, "</td><td class=\"num\">%.1f%%</td></tr>", r->total > 0 ? 100 * a->cost / r->total : 0);
        if (nb < 16)
            bars[nb++] = (kt_chart_bar){a->name, a->cost};
    }
    buf_puts(b, "</tbody></table></div>");
    svg_hbars(b, title, bars, nb, r->currency);
    buf_puts(b, "</section>\n");
}

static void namespaces(kt_buf *b, kt_alloc_set *set)
{
    const char *csv[] = {"window", "month", "aggregate", "namespace", "format", "csv"};
    alloc_set_sort(set);
    buf_puts(b, "<section class=\"panel\"><h2>Biggest namespaces this month <a class=\"csv\" download href=\"");
    html_href(b, "/allocation", csv, 3);
    buf_puts(b, "\">CSV</a></h2><div class=\"tablewrap\"><table id=\"namespaces\"><thead><tr><th>namespace</th>"
                "<th>Cost</th><th>Efficiency</th></tr></thead><tbody>");
    kt_buf f = {0};
    const char *next;
    for (size_t i = 0, shown = 0; i < set->n && shown < 10; i++) {
        const kt_alloc *a = &set->items[i];
        if (a->kind != AK_NORMAL || dash_drill("namespace", a->name, NULL, &f, &next))
            continue;
        shown++;
        const char *kv[] = {"window", "month", "aggregate", next, "filter", f.data};
        buf_puts(b, "<tr><td><a class=\"drill\" href=\"");
        html_href(b, "/ui/cost", kv, 3);
        buf_puts(b, "\">");
        html_escape(b, a->name);
        buf_puts(b, "</a></td><td class=\"num\">");
        html_money(b, alloc_total(a), set->currency);
        buf_printf(b, "</td><td class=\"num\">%.0f%%</td></tr>", alloc_total_efficiency(a) * 100);
    }
    buf_free(&f);
    buf_puts(b, "</tbody></table></div></section>\n");
}

static void days_chart(kt_buf *b, const kt_alloc_result *days, const char *currency)
{
    const char *series[16];
    int ns = 0, nc = (int)days->n;
    for (int c = 0; c < nc; c++)
        for (size_t i = 0; i < days->sets[c].n; i++) {
            const char *name = days->sets[c].items[i].name;
            int s = 0;
            while (s < ns && strcmp(series[s], name))
                s++;
            if (s == ns && ns < 16)
                series[ns++] = name;
        }
    if (!ns || !nc)
        return;
    double *v = xcalloc((size_t)ns * (size_t)nc, sizeof *v);
    char (*labels)[24] = xcalloc((size_t)nc, sizeof *labels);
    const char **lp = xcalloc((size_t)nc, sizeof *lp);
    for (int c = 0; c < nc; c++) {
        time_format(days->sets[c].window.start, labels[c]);
        memmove(labels[c], labels[c] + 5, 6);
        labels[c][5] = 0;
        lp[c] = labels[c];
        for (size_t i = 0; i < days->sets[c].n; i++)
            for (int s = 0; s < ns; s++)
                if (!strcmp(series[s], days->sets[c].items[i].name))
                    v[s * nc + c] += alloc_total(&days->sets[c].items[i]);
    }
    buf_puts(b, "<section class=\"panel wide\"><h2>Cost over the last 14 days</h2>");
    svg_columns(b, "Daily cost by cloud (idle shown separately)", lp, nc, series, ns, v, currency);
    buf_puts(b, "</section>\n");
    free(v);
    free(labels);
    free(lp);
}

static void clusters(kt_buf *b, kt_store *s, int64_t now)
{
    kt_cluster_status *c;
    size_t n;
    if (store_cluster_status(s, &c, &n, NULL))
        return;
    buf_puts(b, "<section class=\"panel wide\"><h2>Clusters <a class=\"csv\" download href=\"/clusters?format=csv\">"
                "CSV</a></h2><div class=\"tablewrap\"><table id=\"clusters\"><thead><tr><th>cluster</th>"
                "<th>provider</th><th>region</th><th>nodes</th><th>pods</th><th>newest data</th><th>status</th>"
                "</tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        char lf[24] = "never";
        if (c[i].last_fact > 0)
            time_format(c[i].last_fact, lf);
        buf_puts(b, "<tr><td>");
        html_escape(b, c[i].name);
        buf_puts(b, "</td><td>");
        html_escape(b, c[i].provider);
        buf_puts(b, "</td><td>");
        html_escape(b, c[i].region);
        buf_printf(b, "</td><td class=\"num\">%ld</td><td class=\"num\">%ld</td><td>%s</td><td>", c[i].nodes,
                   c[i].pods, lf);
        if (c[i].last_error[0]) {
            buf_puts(b, "<span class=\"bad\">");
            html_escape(b, c[i].last_error);
            buf_puts(b, "</span>");
        } else {
            buf_puts(b, c[i].last_fact > 0 && now - c[i].last_fact < 3 * 3600 ? "ok" : "stale");
        }
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table></div></section>\n");
    free(c);
}

void dash_overview(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    overview o;
    kt_err err = {0};
    memset(&o, 0, sizeof o);
    if (compute(&o, s, now, &app->limits, &err)) {
        dash_error(r, 500, "Overview", err.msg);
    } else {
        kt_buf *b = &r->body;
        resp_set(r, 200, "text/html; charset=utf-8");
        html_begin(b, "Fleet overview", "overview");
        cards(b, &o);
        buf_puts(b, "<div class=\"grid\">");
        asset_table(b, "by-cloud", "Spend by cloud", o.by_provider, "provider", "cluster");
        asset_table(b, "by-cluster", "Spend by cluster", o.by_cluster, "cluster", "namespace");
        days_chart(b, o.days, o.currency);
        if (o.by_ns->n)
            namespaces(b, &o.by_ns->sets[0]);
        clusters(b, s, now);
        buf_puts(b, "</div>");
        html_end(b);
    }
    engine_answer_free(&o.answer);
}

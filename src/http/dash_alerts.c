/* dash_alerts.c — /ui/budgets and /ui/alerts: views of exactly what GET
 * /budgets and GET /alerts answer (budget_answers, alerts_status), so the
 * pages and the API never disagree.  Budgets: spend so far against the
 * limit, with the forecast to the period's end and its 95 % band, one
 * small chart each.  Alerts: firing and resolved alerts, the rules'
 * schedules, and every notification's delivery status and last error
 * (never a URL, body or secret: alerts_status leaves them out). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "alerts/alert.h"
#include "alerts/budget_store.h"
#include "http/dash.h"
#include "http/html.h"
#include "util/time.h"

#define MAX_CHARTS 24

static double num(const json_t *o, const char *k) { return json_number_value(json_object_get(o, k)); }
static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s && *s ? s : "-";
}

/* Spend (solid) to now, the forecast (dashed) to the period's end inside
 * its band, the limit (red, dashed): x is time across the period. */
static void budget_chart(kt_buf *b, const json_t *x, int64_t now)
{
    const json_t *w = json_object_get(x, "window"), *f = json_object_get(x, "forecast");
    int64_t s, e;
    if (time_parse_rfc3339(str(w, "start"), &s) || time_parse_rfc3339(str(w, "end"), &e) || e <= s)
        return;
    double spend = num(x, "currentSpend"), limit = num(x, "spendLimit"), pred = f ? num(f, "predictedSpend") : spend,
           lo = f ? num(f, "lowerConfidenceLimit") : spend, hi = f ? num(f, "upperConfidenceLimit") : spend;
    double top = (limit > hi ? limit : hi) * 1.1;
    if (!(top > 0))
        top = 1;
    const double W = 300, H = 100, L = 10, T = 6;
    double xn = L + W * (double)(now - s) / (double)(e - s);
#define Y(v) (T + H - H * (v) / top)
    buf_puts(b, "<figure class=\"chart budgetchart\"><svg viewBox=\"0 0 320 130\" role=\"img\" aria-label=\"");
    html_escape(b, str(x, "name"));
    buf_puts(b, ": spend, forecast and limit\">");
    buf_printf(b, "<polygon class=\"band\" points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\"/>", xn, Y(spend), L + W, Y(hi),
               L + W, Y(lo));
    buf_printf(b, "<line class=\"limit\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", L, Y(limit), L + W,
               Y(limit));
    buf_printf(b, "<polyline class=\"spent\" points=\"%.1f,%.1f %.1f,%.1f\"/>", L, Y(0), xn, Y(spend));
    buf_printf(b, "<polyline class=\"fc\" points=\"%.1f,%.1f %.1f,%.1f\"/>", xn, Y(spend), L + W, Y(pred));
    buf_printf(b, "<text class=\"axis\" x=\"%.1f\" y=\"125\">%.10s</text><text class=\"axis\" x=\"%.1f\" y=\"125\" "
               "text-anchor=\"end\">%.10s</text></svg><figcaption>", L, str(w, "start"), L + W, str(w, "end"));
#undef Y
    html_escape(b, str(x, "name"));
    buf_puts(b, "</figcaption></figure>");
}

static void budgets_table(kt_buf *b, const json_t *data)
{
    buf_puts(b, "<div class=\"tablewrap\"><table id=\"budgets\"><thead><tr><th>name</th><th>interval</th>"
                "<th>period</th><th class=\"num\">spend</th><th class=\"num\">limit</th><th class=\"num\">used</th>"
                "<th class=\"num\">forecast at period end</th><th class=\"num\">95 % band</th><th>state</th>"
                "</tr></thead><tbody>");
    size_t i;
    const json_t *x;
    json_array_foreach(data, i, x) {
        const json_t *w = json_object_get(x, "window"), *f = json_object_get(x, "forecast");
        double spend = num(x, "currentSpend"), limit = num(x, "spendLimit"), pred = f ? num(f, "predictedSpend") : 0;
        buf_puts(b, "<tr><td class=\"name\">");
        html_escape(b, str(x, "name"));
        buf_printf(b, "</td><td>%s</td><td>%.10s..%.10s</td><td class=\"num\">", str(x, "interval"), str(w, "start"),
                   str(w, "end"));
        html_money(b, spend, NULL);
        buf_puts(b, "</td><td class=\"num\">");
        html_money(b, limit, NULL);
        buf_printf(b, "</td><td class=\"num\">%.1f %%</td><td class=\"num\">", limit > 0 ? 100 * spend / limit : 0);
        if (f)
            html_money(b, pred, NULL);
        buf_puts(b, "</td><td class=\"num\">");
        if (f) {
            html_money(b, num(f, "lowerConfidenceLimit"), NULL);
            buf_puts(b, "..");
            html_money(b, num(f, "upperConfidenceLimit"), NULL);
        }
        buf_printf(b, "</td><td%s>%s</td></tr>", spend >= limit || pred >= limit ? " class=\"bad\"" : "",
                   spend >= limit ? "over" : f && pred >= limit ? "forecast over" : "within");
    }
    buf_puts(b, "</tbody></table></div>");
}

void dash_budgets(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    json_t *ans;
    kt_err err = {0};
    if (budget_answers(s, now, &app->limits, &ans, &err)) {
        dash_error(r, err.code == KT_EINPUT ? 400 : 500, "Budgets", err.msg);
        return;
    }
    const json_t *data = json_object_get(ans, "data");
    kt_buf *b = &r->body;
    resp_set(r, 200, "text/html; charset=utf-8");
    html_begin(b, "Budgets", "budgets");
    buf_printf(b, "<p class=\"window\">%zu budgets; the forecast (Holt-Winters, weekly season) "
               "projects each to its period's end. <a href=\"/budgets\">/budgets</a> (JSON)</p>", json_array_size(data));
    if (!json_array_size(data))
        buf_puts(b, "<p>No budgets yet: POST /budget, or budgets: in serve --config (docs/alerts.md).</p>");
    else
        budgets_table(b, data);
    buf_puts(b, "<div class=\"charts\">");
    size_t i;
    const json_t *x;
    json_array_foreach(data, i, x) if (i < MAX_CHARTS) budget_chart(b, x, now);
    buf_puts(b, "</div>");
    html_end(b);
    json_decref(ans);
}

static void alerts_rows(kt_buf *b, const json_t *alerts, int firing)
{
    buf_printf(b, "<div class=\"tablewrap\"><table id=\"%s\"><thead><tr><th>alert</th><th>what</th><th>since</th>"
               "%s</tr></thead><tbody>", firing ? "firing" : "resolved", firing ? "" : "<th>resolved</th>");
    size_t i, n = 0;
    const json_t *x;
    json_array_foreach(alerts, i, x) {
        if (json_is_true(json_object_get(x, "firing")) != firing)
            continue;
        char since[32], res[32];
        time_format(json_integer_value(json_object_get(x, "since")), since);
        time_format(json_integer_value(json_object_get(x, "resolvedAt")), res);
        buf_puts(b, "<tr><td class=\"name\">");
        html_escape(b, str(x, "id"));
        buf_puts(b, "</td><td class=\"name\">");
        if (json_object_get(x, "summary")) {
            html_escape(b, str(x, "summary"));
        } else {
            buf_puts(b, "budget ");
            html_escape(b, str(x, "budget"));
            buf_printf(b, ": %g %%%s of ", num(x, "percentage"), json_is_true(json_object_get(x, "forecast"))
                                                                   ? " (forecast)" : "");
            html_money(b, num(x, "spendLimit"), NULL);
        }
        buf_printf(b, "</td><td>%s</td>", since);
        if (!firing)
            buf_printf(b, "<td>%s</td>", res);
        buf_puts(b, "</tr>");
        n++;
    }
    buf_printf(b, "</tbody></table></div><p class=\"window\">%zu %s</p>", n, firing ? "firing" : "resolved");
}

static void notes_table(kt_buf *b, const json_t *notes)
{
    buf_puts(b, "<div class=\"tablewrap\"><table id=\"notifications\"><thead><tr><th>id</th><th>alert</th>"
                "<th>event</th><th>receiver</th><th>status</th><th class=\"num\">attempts</th><th>created</th>"
                "<th>delivered</th><th>last error</th></tr></thead><tbody>");
    size_t i;
    const json_t *x;
    json_array_foreach(notes, i, x) {
        char c[32], d[32] = "-";
        time_format(json_integer_value(json_object_get(x, "createdAt")), c);
        if (json_integer_value(json_object_get(x, "deliveredAt")))
            time_format(json_integer_value(json_object_get(x, "deliveredAt")), d);
        const char *st = str(x, "status");
        buf_printf(b, "<tr><td>%s</td><td class=\"name\">", str(x, "id"));
        html_escape(b, str(x, "alert"));
        buf_printf(b, "</td><td>%s</td><td>", str(x, "event"));
        html_escape(b, str(x, "receiver"));
        buf_printf(b, "</td><td%s>%s</td><td class=\"num\">%lld</td><td>%s</td><td>%s</td><td class=\"name\">",
                   strcmp(st, "failed") ? "" : " class=\"bad\"", st,
                   (long long)json_integer_value(json_object_get(x, "attempts")), c, d);
        html_escape(b, str(x, "lastError"));
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table></div>");
}

void dash_alerts(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    json_t *ans;
    kt_err err = {0};
    if (alerts_status(s, &ans, &err)) {
        dash_error(r, 500, "Alerts", err.msg);
        return;
    }
    const json_t *data = json_object_get(ans, "data"), *x;
    kt_buf *b = &r->body;
    resp_set(r, 200, "text/html; charset=utf-8");
    html_begin(b, "Alerts", "alerts");
    buf_puts(b, "<p class=\"window\"><a href=\"/alerts\">/alerts</a> (JSON)</p><h2>Firing</h2>");
    alerts_rows(b, json_object_get(data, "alerts"), 1);
    buf_puts(b, "<h2>Resolved</h2>");
    alerts_rows(b, json_object_get(data, "alerts"), 0);
    buf_puts(b, "<h2>Rules</h2><div class=\"tablewrap\"><table id=\"rules\"><thead><tr><th>rule</th><th>type</th>"
                "<th>window</th><th>last run</th><th>next run</th><th>last error</th></tr></thead><tbody>");
    size_t i;
    json_array_foreach(json_object_get(data, "rules"), i, x) {
        buf_puts(b, "<tr><td>");
        html_escape(b, str(x, "id"));
        buf_printf(b, "</td><td>%s</td><td>", str(x, "type"));
        html_escape(b, str(x, "window"));
        buf_printf(b, "</td><td>%s</td><td>%s</td><td class=\"name\">", str(x, "lastRun"), str(x, "nextRun"));
        html_escape(b, str(x, "lastError"));
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table></div><h2>Notifications</h2>");
    notes_table(b, json_object_get(data, "notifications"));
    html_end(b);
    json_decref(ans);
    (void)app, (void)p, (void)now;
}

/* dash_posture.c — /ui/posture: the fleet's Polaris score and each
 * cluster's, health scores, the worst namespaces, and the residency and
 * resilience findings, each linking to the cost explorer filtered to that
 * namespace or workload.  It reads the posture service's ready answers
 * (posture_api.h), so the page shows exactly what /posture and /health
 * return. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/dash.h"
#include "http/html.h"
#include "http/posture_api.h"

/* Link to /ui/cost for a namespace, or a workload in it. */
static void cost_link(kt_buf *b, const char *ns, const char *controller)
{
    kt_buf f = {0};
    buf_printf(&f, "namespace:\"%s\"", ns);
    if (controller)
        buf_printf(&f, "+controllerName:\"%s\"", controller);
    const char *kv[] = {"window", "7d", "aggregate", controller ? "pod" : "controller", "filter", f.data};
    buf_puts(b, "<a href=\"");
    html_href(b, "/ui/cost", kv, 3);
    buf_puts(b, "\">cost</a>");
    buf_free(&f);
}

static int by_score(const void *a, const void *b)
{
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    return (int)(json_integer_value(json_object_get(x, "score")) - json_integer_value(json_object_get(y, "score")));
}

static void scores(kt_buf *b, json_t *posture, json_t *health)
{
    kt_chart_bar bars[24];
    int n = 0;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(posture, "ClusterScores"), i, c)
        if (n < 24)
            bars[n++] = (kt_chart_bar){json_string_value(json_object_get(c, "cluster")),
                                       (double)json_integer_value(json_object_get(c, "score"))};
    buf_printf(b, "<p class=\"window\" id=\"fleet-score\">Fleet Polaris score %lld</p><div class=\"charts\">",
               (long long)json_integer_value(json_object_get(posture, "Score")));
    if (n)
        svg_hbars(b, "Polaris score by cluster", bars, n, NULL);
    n = 0;
    json_array_foreach(json_object_get(health, "clusters"), i, c)
        if (n < 24)
            bars[n++] = (kt_chart_bar){json_string_value(json_object_get(c, "cluster")),
                                       (double)json_integer_value(json_object_get(c, "score"))};
    if (n)
        svg_hbars(b, "Health score by cluster", bars, n, NULL);
    buf_puts(b, "</div>");
}

static void worst_namespaces(kt_buf *b, json_t *posture)
{
    json_t *ns = json_object_get(posture, "NamespaceScores");
    size_t n = json_array_size(ns);
    json_t **v = calloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = json_array_get(ns, i);
    qsort(v, n, sizeof *v, by_score);
    buf_puts(b, "<h2>Worst namespaces</h2><div class=\"tablewrap\"><table id=\"namespaces\"><thead><tr>"
                "<th>Namespace</th><th>Score</th><th>Dangers</th><th>Warnings</th><th>Passed</th><th></th></tr>"
                "</thead><tbody>\n");
    for (size_t i = 0; i < n && i < 10; i++) {
        const char *name = json_string_value(json_object_get(v[i], "namespace"));
        buf_puts(b, "<tr><td class=\"name\">");
        html_escape(b, name && *name ? name : "(cluster-wide)");
        buf_printf(b, "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
                      "<td class=\"num\">%lld</td><td>",
                   (long long)json_integer_value(json_object_get(v[i], "score")),
                   (long long)json_integer_value(json_object_get(v[i], "dangers")),
                   (long long)json_integer_value(json_object_get(v[i], "warnings")),
                   (long long)json_integer_value(json_object_get(v[i], "passed")));
        if (name && *name)
            cost_link(b, name, NULL);
        buf_puts(b, "</td></tr>\n");
    }
    buf_puts(b, "</tbody></table></div>\n");
    free(v);
}

static void findings(kt_buf *b, json_t *posture)
{
    json_t *f = json_object_get(posture, "Findings");
    buf_printf(b, "<h2>Residency and resilience</h2><p>%zu findings</p><div class=\"tablewrap\"><table id=\"findings\">"
                  "<thead><tr><th>Severity</th><th>Check</th><th>Object</th><th>Detail</th><th></th></tr></thead>"
                  "<tbody>\n",
               json_array_size(f));
    size_t i;
    json_t *x;
    json_array_foreach(f, i, x) {
        const char *ns = json_string_value(json_object_get(x, "namespace"));
        const char *kind = json_string_value(json_object_get(x, "kind"));
        const char *name = json_string_value(json_object_get(x, "name"));
        const char *fields[] = {"severity", "check"};
        buf_puts(b, "<tr>");
        for (int k = 0; k < 2; k++) {
            buf_puts(b, "<td>");
            html_escape(b, json_string_value(json_object_get(x, fields[k])));
            buf_puts(b, "</td>");
        }
        buf_puts(b, "<td class=\"name\">");
        html_escape(b, kind);
        buf_putc(b, ' ');
        html_escape(b, ns);
        buf_putc(b, '/');
        html_escape(b, name);
        buf_puts(b, "</td><td>");
        html_escape(b, json_string_value(json_object_get(x, "detail")));
        buf_puts(b, "</td><td>");
        if (ns && *ns)   /* a workload's own cost; a pod or claim's namespace */
            cost_link(b, ns, kind && strcmp(kind, "Pod") && strcmp(kind, "PersistentVolumeClaim") ? name : NULL);
        buf_puts(b, "</td></tr>\n");
    }
    buf_puts(b, "</tbody></table></div>\n");
}

void dash_posture(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    if (!app->posture) {
        dash_error(r, 404, "Posture", "posture is not configured: start serve with --posture-file or a cluster flag");
        return;
    }
    kt_buf pj = {0}, hj = {0};
    kt_err err = {0};
    if (posture_service_answer(app->posture, s, now, 0, &pj, &err) ||
        posture_service_answer(app->posture, s, now, 1, &hj, &err)) {
        dash_error(r, 503, "Posture", err.msg);
        buf_free(&pj);
        buf_free(&hj);
        return;
    }
    json_t *posture = json_loadb(pj.data, pj.len, 0, NULL), *health = json_loadb(hj.data, hj.len, 0, NULL);
    kt_buf *b = &r->body;
    resp_set(r, 200, "text/html; charset=utf-8");
    html_begin(b, "Posture", "posture");
    scores(b, posture, health);
    worst_namespaces(b, posture);
    findings(b, posture);
    buf_puts(b, "<p><a href=\"/posture\">/posture</a> · <a href=\"/health\">/health</a> (JSON)</p>");
    html_end(b);
    json_decref(posture);
    json_decref(health);
    buf_free(&pj);
    buf_free(&hj);
}

/* HTTP pure parts: query-string parsing and validation, routing (no path
 * traversal), --listen parsing, query-cost limits, HTML/URL escaping,
 * dashboard drill-down links and filter clauses. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "http/app.h"
#include "http/dash.h"
#include "http/html.h"
#include "http/params.h"
#include "http/server.h"

static int parse(const char *q, kt_http_params *p)
{
    http_params_init(p);
    return http_params_parse_query(p, q);
}

TEST(query_decoding)
{
    kt_http_params p;
    CHECK(parse("window=7d&aggregate=label%3Ateam&filter=namespace%3A%22a+b%22&idle", &p) == 0);
    CHECK_STR(http_params_get(&p, "window"), "7d");
    CHECK_STR(http_params_get(&p, "aggregate"), "label:team");
    CHECK_STR(http_params_get(&p, "filter"), "namespace:\"a b\"");
    CHECK_STR(http_params_get(&p, "idle"), "");
    CHECK(http_params_get(&p, "step") == NULL);
    http_params_free(&p);
    CHECK(parse("a=1&&b=2&", &p) == 0 && p.n == 2);
    http_params_free(&p);
}

TEST(query_refusals)
{
    kt_http_params p;
    const char *bad[] = {"window=7d&window=1d", "window=%ZZ", "window=%2", "window=a%00b", "win%20dow=1",
                         "window=a%0Ab", "=x", "w%C3%A9=1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK(parse(bad[i], &p) == -1);
        CHECK(p.failed);
        http_params_free(&p);
    }
    CHECK(parse("window=7d&window=1d", &p) == -1);
    CHECK(strstr(p.err.msg, "window: given more than once") != NULL);
    http_params_free(&p);
    /* too long a value, too many parameters */
    char *big = malloc(KT_HTTP_MAX_VALUE + 20);
    strcpy(big, "filter=");
    memset(big + 7, 'x', KT_HTTP_MAX_VALUE + 1);
    big[7 + KT_HTTP_MAX_VALUE + 1] = 0;
    CHECK(parse(big, &p) == -1 && strstr(p.err.msg, "filter: longer than"));
    http_params_free(&p);
    free(big);
    kt_buf many = {0};
    for (int i = 0; i < KT_HTTP_MAX_PARAMS + 1; i++)
        buf_printf(&many, "p%d=1&", i);
    CHECK(parse(many.data, &p) == -1 && strstr(p.err.msg, "too many parameters"));
    http_params_free(&p);
    buf_free(&many);
}

TEST(allowed_parameters)
{
    static const char *const allowed[] = {"window", "aggregate", NULL};
    kt_http_params p;
    kt_err err = {0};
    parse("window=7d&aggregate=namespace", &p);
    CHECK(http_params_check(&p, allowed, &err) == 0);
    http_params_free(&p);
    parse("window=7d&agregate=namespace", &p);
    CHECK(http_params_check(&p, allowed, &err) == -1);
    CHECK(strstr(err.msg, "agregate: unknown parameter; this endpoint accepts window, aggregate") != NULL);
    http_params_free(&p);
    parse("window=1&window=2", &p); /* an add failure is reported by check */
    CHECK(http_params_check(&p, allowed, &err) == -1 && strstr(err.msg, "more than once"));
    http_params_free(&p);
}

TEST(routing)
{
    int i = -1;
    CHECK(http_route_find("/allocation", &i) != NULL && i == 0);
    CHECK(http_route_find("/allocation/compute", NULL)->handler == http_route_find("/allocation", NULL)->handler);
    CHECK(http_route_find("/model/allocation", NULL) == http_route_find("/allocation", NULL));
    CHECK(http_route_find("/healthz", NULL)->public_);
    CHECK(!http_route_find("/metrics", NULL)->public_);
    CHECK(!http_route_find("/", NULL)->public_);
    /* answers that change with every request are never cached */
    CHECK(!http_route_find("/metrics", NULL)->cacheable && !http_route_find("/readyz", NULL)->cacheable);
    CHECK(http_route_find("/allocation", NULL)->cacheable && http_route_find("/ui/cost", NULL)->cacheable);
    CHECK(http_route_find("/ui/cost", NULL)->page && !http_route_find("/allocation", NULL)->page);
    const char *none[] = {"/allocation/", "/../etc/passwd", "/static/../../etc/passwd", "/static/app.css/..",
                          "/ALLOCATION", "/allocation%2F..", "", "/static/", "/model", "//allocation"};
    for (size_t k = 0; k < sizeof none / sizeof *none; k++)
        CHECK(http_route_find(none[k], NULL) == NULL);
    int n;
    const kt_route *r = http_routes(&n);
    CHECK(n < KT_ROUTES_MAX);
    for (int k = 0; k < n; k++)
        CHECK(r[k].params != NULL && (r[k].handler != NULL || r[k].write != NULL));
}

TEST(listen_address)
{
    char host[64];
    unsigned port;
    kt_err err;
    CHECK(http_parse_listen("127.0.0.1:9003", host, sizeof host, &port, &err) == 0);
    CHECK_STR(host, "127.0.0.1");
    CHECK(port == 9003);
    CHECK(http_parse_listen("[::1]:0", host, sizeof host, &port, &err) == 0);
    CHECK_STR(host, "::1");
    CHECK(port == 0);
    const char *bad[] = {"9003", "127.0.0.1:", "127.0.0.1:70000", ":9003", "127.0.0.1:90x", "[::1:9003"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
        CHECK(http_parse_listen(bad[k], host, sizeof host, &port, &err) == -1);
}

TEST(query_cost_limits)
{
    kt_http_limits l;
    kt_err err;
    http_limits_default(&l);
    int64_t d = 86400;
    CHECK(engine_check_cost(&l, (kt_window){0, 7 * d}, 0, 0, &err) == 0);
    CHECK(engine_check_cost(&l, (kt_window){0, 7 * d}, 3600, 10000, &err) == 0);
    CHECK(engine_check_cost(&l, (kt_window){0, 7 * d}, 3600, 100000, &err) == -1);
    CHECK(engine_check_cost(&l, (kt_window){0, 500 * d}, 0, 0, &err) == -1 && strstr(err.msg, "window:"));
    CHECK(engine_check_cost(&l, (kt_window){0, 90 * d}, 3600, 0, &err) == -1 && strstr(err.msg, "step:"));
    CHECK(engine_check_cost(&l, (kt_window){0, 60 * d}, 3600, 20000, &err) == -1 && strstr(err.msg, "containers"));
    CHECK(err.code == KT_EINPUT);
}

TEST(escaping)
{
    kt_buf b = {0};
    html_escape(&b, "<script>alert('x')</script> & \"q\"");
    CHECK_STR(b.data, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
    buf_reset(&b);
    url_escape(&b, "namespace:\"a b\"+label[x]&é");
    CHECK_STR(b.data, "namespace%3A%22a%20b%22%2Blabel%5Bx%5D%26%C3%A9");
    buf_reset(&b);
    const char *kv[] = {"window", "7d", "filter", "", "aggregate", "a&b"};
    html_href(&b, "/ui/cost", kv, 3);
    CHECK_STR(b.data, "/ui/cost?window=7d&amp;aggregate=a%26b");
    buf_free(&b);
}

TEST(drill_down)
{
    kt_buf f = {0};
    const char *next = NULL;
    CHECK(dash_drill("provider", "aws", NULL, &f, &next) == 0);
    CHECK_STR(f.data, "provider:\"aws\"");
    CHECK_STR(next, "cluster");
    CHECK(dash_drill("controller", "we\"b\\x", "namespace:\"a\"", &f, &next) == 0);
    CHECK_STR(f.data, "namespace:\"a\"+controllerName:\"we\\\"b\\\\x\"");
    CHECK_STR(next, "pod");
    CHECK(dash_drill("label:team", "growth", NULL, &f, &next) == 0);
    CHECK_STR(f.data, "label[team]:\"growth\"");
    CHECK_STR(next, "namespace");
    CHECK(dash_drill("namespace", "__idle__", NULL, &f, &next) == -1);
    CHECK(dash_drill("cluster", "aws-1/__idle__", NULL, &f, &next) == -1);
    CHECK(dash_drill("cluster,namespace", "a/b", NULL, &f, &next) == -1);
    CHECK(dash_drill("container", "app", NULL, &f, &next) == -1);
    CHECK(dash_drill("label:a]b", "x", NULL, &f, &next) == -1);
    buf_free(&f);
}

TEST(charts_escape_labels)
{
    kt_buf b = {0};
    kt_chart_bar bars[] = {{"<img src=x onerror=alert(1)>", 2}, {"b", 1}};
    svg_hbars(&b, "t<", bars, 2, "USD");
    CHECK(!strstr(b.data, "<img") && strstr(b.data, "&lt;img"));
    CHECK(strstr(b.data, "width=\"230.0\"")); /* the biggest bar spans the plot */
    buf_reset(&b);
    const char *cols[] = {"11-01", "11-02"}, *series[] = {"a\"b"};
    double v[] = {1, 3};
    svg_columns(&b, "cost", cols, 2, series, 1, v, "EUR");
    CHECK(!strstr(b.data, "a\"b") && strstr(b.data, "a&quot;b"));
    CHECK(strstr(b.data, "3.00 EUR"));
    buf_free(&b);
}

TEST(loopback_hosts)
{
    const char *yes[] = {"127.0.0.1:9003", "127.0.0.1", "127.1.2.3:80", "localhost", "LOCALHOST:9003", "[::1]:9003",
                         "[::1]", NULL};
    const char *no[] = {"evil.example", "evil.example:9003", "127.0.0.1.evil.example", "localhost.evil.example",
                        "128.0.0.1", "10.0.0.1:9003", "[::2]:9003", "[::1", "", ":9003", "127.0.0.256", NULL};
    for (int i = 0; yes[i]; i++)
        CHECK(http_loopback_host(yes[i]));
    for (int i = 0; no[i]; i++)
        CHECK(!http_loopback_host(no[i]));
    CHECK(http_loopback_host(NULL));
}

TEST(allowed_proxy_hosts)
{
    const char *list = "model,opencost.opencost.svc";
    CHECK(http_host_allowed(list, "model"));
    CHECK(http_host_allowed(list, "MODEL:9003"));
    CHECK(http_host_allowed(list, "opencost.opencost.svc:80"));
    CHECK(!http_host_allowed(list, "mode"));
    CHECK(!http_host_allowed(list, "models"));
    CHECK(!http_host_allowed(list, "model.evil.example"));
    CHECK(!http_host_allowed(list, "opencost"));
    CHECK(!http_host_allowed(list, ""));
    CHECK(!http_host_allowed(list, NULL));
    CHECK(!http_host_allowed("", "model"));
    CHECK(!http_host_allowed(NULL, "model"));
    kt_err err = {0};
    CHECK(http_host_list_check(list, &err) == 0);
    CHECK(http_host_list_check("*.example", &err) == -1 && strstr(err.msg, "--allow-host"));
    CHECK(http_host_list_check("", &err) == -1);
}

static void collect(void *ctx, const char *c, size_t len, size_t end)
{
    kt_buf *b = ctx;
    buf_printf(b, "[%.*s|%zu]", (int)len, c, end);
}

TEST(filter_clauses)
{
    kt_buf b = {0};
    const char *f = "provider:\"a+b\"+cluster:\"x\\\"+y\"+(namespace:a|namespace:b)";
    CHECK(dash_filter_clauses(f, collect, &b) == 3);
    CHECK_STR(b.data, "[provider:\"a+b\"|14][cluster:\"x\\\"+y\"|30][(namespace:a|namespace:b)|56]");
    CHECK(dash_filter_clauses("", collect, &b) == 0);
    CHECK(dash_filter_clauses(NULL, collect, &b) == 0);
    CHECK_STR(dash_clause_next("cluster:\"x\"", 11), "namespace");
    CHECK_STR(dash_clause_next("controllerName:\"x\"", 18), "pod");
    CHECK_STR(dash_clause_next("label[team]:\"x\"", 15), "namespace");
    CHECK(dash_clause_next("bogus:\"x\"", 9) == NULL);
    buf_free(&b);
}

/* Issue 17: 2,000 parameters went unanswered; the count is taken from the
 * raw target so the server can refuse before splitting it. */
TEST(too_many_in_target)
{
    CHECK(!http_query_too_many("/allocation"));
    CHECK(!http_query_too_many("/allocation?"));
    CHECK(!http_query_too_many("/allocation?a=1&b=2"));
    char t[20000] = "/allocation?window=7d";
    for (int i = 0; i < 23; i++)
        strcat(t, "&a=1");
    CHECK(!http_query_too_many(t)); /* 24 */
    strcat(t, "&b");
    CHECK(http_query_too_many(t));  /* 25 */
    for (int i = 0; i < 1975; i++)
        strcat(t, "&c=1");
    CHECK(http_query_too_many(t));  /* 2,000 */
}

int main(void)
{
    RUN(too_many_in_target);
    RUN(query_decoding);
    RUN(query_refusals);
    RUN(allowed_parameters);
    RUN(routing);
    RUN(listen_address);
    RUN(query_cost_limits);
    RUN(escaping);
    RUN(drill_down);
    RUN(charts_escape_labels);
    RUN(loopback_hosts);
    RUN(allowed_proxy_hosts);
    RUN(filter_clauses);
    return check_done();
}

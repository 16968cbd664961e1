/* test_engine_window_filter.c — windows in every OpenCost form, durations,
 * the filter language (including errors that name the column), aggregate
 * keys and query parameters. */
#include "check.h"
#include "engine/filter.h"
#include "engine/query.h"
#include "engine/window.h"

/* 2026-11-24T14:30:00Z, a Tuesday */
#define NOW 1795530600LL
#define DAY 86400LL
#define TODAY (NOW - NOW % DAY)

static kt_window W(const char *s)
{
    kt_window w = {0, 0};
    kt_err err = {0};
    if (window_parse(s, NOW, &w, &err))
        fprintf(stderr, "window %s: %s\n", s, err.msg);
    return w;
}

TEST(windows)
{
    CHECK(W("today").start == TODAY && W("today").end == TODAY + DAY);
    CHECK(W("yesterday").start == TODAY - DAY && W("yesterday").end == TODAY);
    /* week starts Sunday 2026-11-22 */
    CHECK(W("week").start == TODAY - 2 * DAY && W("week").end == NOW);
    CHECK(W("lastweek").start == TODAY - 9 * DAY && W("lastweek").end == TODAY - 2 * DAY);
    CHECK(W("month").start == 1793491200LL && W("month").end == NOW);            /* 2026-11-01 */
    CHECK(W("lastmonth").start == 1790812800LL && W("lastmonth").end == 1793491200LL); /* October */
    /* 7d: ends at the end of today, 7 days long (OpenCost's alignment) */
    CHECK(W("7d").end == TODAY + DAY && W("7d").start == TODAY - 6 * DAY);
    /* 12h: ends at the end of the current hour */
    CHECK(W("12h").end == NOW - NOW % 3600 + 3600 && W("12h").start == W("12h").end - 12 * 3600);
    CHECK(W("30m").end == NOW + 60 && W("30m").start == NOW + 60 - 1800);
    CHECK(W("2w").end == TODAY + DAY && W("2w").start == TODAY + DAY - 14 * DAY);
    CHECK(W("7d offset 1d").end == NOW - DAY && W("7d offset 1d").start == NOW - 8 * DAY);
    CHECK(W("2026-11-01T00:00:00Z,2026-11-08T00:00:00Z").start == 1793491200LL);
    CHECK(W("2026-11-01T00:00:00Z,2026-11-08T00:00:00Z").end == 1793491200LL + 7 * DAY);
    CHECK(W("1793577600,1794182400").end == 1794182400LL);
    CHECK(W("1793577600-1794182400").start == 1793577600LL);
    CHECK(W("2026-11-01T02:00:00+02:00,2026-11-02T00:00:00Z").start == 1793491200LL);
}

TEST(bad_windows)
{
    const char *bad[] = {"", "7x", "d7", "-7d", "0d", "7d offset", "7d offset x", "2026-11-08T00:00:00Z,2026-11-01T00:00:00Z",
                         "2026-13-01T00:00:00Z,2026-11-08T00:00:00Z", "lastyear", "1,", "99999999999999999999d"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        kt_window w;
        kt_err err = {0};
        CHECK(window_parse(bad[i], NOW, &w, &err) == -1);
        CHECK(err.code == KT_EINPUT && strstr(err.msg, "window") != NULL);
    }
}

typedef struct row { const char *ns, *pod, *app; const char *svcs[3]; } row;

static const char *get(void *ctx, enum kt_field f, const char *key, int idx)
{
    row *r = ctx;
    if (f == F_SERVICES)
        return idx < 3 ? r->svcs[idx] : NULL;
    if (idx > 0)
        return NULL;
    switch (f) {
    case F_NAMESPACE: return r->ns;
    case F_POD: return r->pod;
    case F_LABEL: return !strcmp(key, "app") ? r->app : "";
    case F_CLUSTER: return "aws-1";
    default: return "";
    }
}

static int M(const char *text, row *r)
{
    kt_filter *f;
    kt_err err = {0};
    if (filter_parse(text, &f, &err)) {
        fprintf(stderr, "filter %s: %s\n", text, err.msg);
        return -1;
    }
    int m = filter_match(f, get, r);
    filter_free(f);
    return m;
}

TEST(filters)
{
    row r = {"kube-system", "coredns-5d8", "dns", {"kube-dns", NULL, NULL}};
    CHECK(M("namespace:\"kube-system\"", &r) == 1);
    CHECK(M("namespace!:\"kube-system\"", &r) == 0);
    CHECK(M("namespace:\"a\",\"kube-system\"", &r) == 1);
    CHECK(M("namespace!:\"a\",\"kube-system\"", &r) == 0);
    CHECK(M("pod~:\"dns\"", &r) == 1);
    CHECK(M("pod!~:\"dns\"", &r) == 0);
    CHECK(M("pod<~:\"coredns\"", &r) == 1);
    CHECK(M("pod!<~:\"coredns\"", &r) == 0);
    CHECK(M("pod~>:\"5d8\"", &r) == 1);
    CHECK(M("pod!~>:\"5d8\"", &r) == 0);
    CHECK(M("label[app]:\"dns\"", &r) == 1);
    CHECK(M("label[team]:\"\"", &r) == 1); /* missing label */
    CHECK(M("services:\"kube-dns\"", &r) == 1);
    CHECK(M("namespace:\"x\" | cluster:\"aws-1\" + pod~:\"core\"", &r) == 1);
    CHECK(M("(namespace:\"x\" | cluster:\"aws-1\") + pod~:\"nope\"", &r) == 0);
    CHECK(M("namespace:kube-system", &r) == 1); /* bare words too */
    CHECK(M("", &r) == 1);
}

static const char *E(const char *text)
{
    static kt_err err;
    kt_filter *f = NULL;
    memset(&err, 0, sizeof err);
    if (filter_parse(text, &f, &err) == 0) {
        filter_free(f);
        return "";
    }
    return err.msg;
}

TEST(filter_errors_name_the_column)
{
    CHECK(strstr(E("namespace:\"a\" + bogus:\"x\""), "column 17: unknown field 'bogus'") != NULL);
    CHECK(strstr(E("namespace=\"a\""), "column 10: expected an operator") != NULL);
    CHECK(strstr(E("namespace:\"a"), "unterminated") != NULL);
    CHECK(strstr(E("(namespace:\"a\""), "expected ')'") != NULL);
    CHECK(strstr(E("label:\"a\""), "expected '['") != NULL);
    CHECK(strstr(E("namespace:\"a\" extra"), "column 15") != NULL);
    char deep[400];
    memset(deep, '(', 300);
    deep[300] = 0;
    CHECK(strstr(E(deep), "too deeply nested") != NULL);
}

TEST(aggregates)
{
    kt_aggregate a;
    kt_err err = {0};
    CHECK(aggregate_parse("namespace,label:team", &a, &err) == 0 && a.n == 2 && a.props[1] == A_LABEL);
    CHECK_STR(a.keys[1], "team");
    CHECK(aggregate_parse("cluster, controllerKind ,annotation:owner", &a, &err) == 0 && a.n == 3);
    CHECK(aggregate_parse("namespcae", &a, &err) == -1 && strstr(err.msg, "unknown property 'namespcae'"));
    CHECK(aggregate_parse("label:", &a, &err) == -1);
    CHECK(aggregate_parse("namespace,,pod", &a, &err) == -1);
}


TEST(query_params)
{
    kt_alloc_query q;
    kt_query_holder h;
    kt_err err = {0};
    kv ok = {{"window", "shareSplit", "shareCost", "idle", "step"}, {"7d", "even", "300", "false", "1d"}, 5};
    CHECK(alloc_query_parse(kv_get, &ok, NOW, &q, &h, &err) == 0);
    CHECK(q.share_even == 1 && q.share_cost_monthly == 300 && q.include_idle == 0 && q.step == DAY);
    query_holder_free(&h);
    const char *bad[][2] = {{"shareCost", "-1"}, {"shareCost", "1e400"}, {"shareSplit", "half"},
                            {"shareIdle", "maybe"}, {"step", "0h"}, {"aggregate", "nope"}, {"filter", "x:"}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        kv b = {{"window", bad[i][0]}, {"7d", bad[i][1]}, 2};
        memset(&err, 0, sizeof err);
        CHECK(alloc_query_parse(kv_get, &b, NOW, &q, &h, &err) == -1);
        CHECK(err.code == KT_EINPUT);
        query_holder_free(&h);
    }
    kv none = {{"aggregate"}, {"namespace"}, 1};
    CHECK(alloc_query_parse(kv_get, &none, NOW, &q, &h, &err) == -1 && strstr(err.msg, "window: required"));
    query_holder_free(&h);
}

int main(void)
{
    RUN(windows);
    RUN(bad_windows);
    RUN(filters);
    RUN(filter_errors_name_the_column);
    RUN(aggregates);
    RUN(query_params);
    return check_done();
}

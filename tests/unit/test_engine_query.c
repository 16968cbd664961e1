/* test_engine_query.c — OpenCost's accumulate options, v1 filters and the
 * query plan (query.h).  Dates worked out by hand:
 *   2026-11-01T00:00:00Z = 1793491200, a Sunday (2026-01-01 was a Thursday,
 *   304 days earlier = 43 weeks + 3 days).  2026-10-01 = 1790812800,
 *   2027-01-01 = 1798761600. */
#include <stdlib.h>

#include "check.h"
#include "engine/query.h"

#define DAY 86400LL
#define NOV1 1793491200LL /* Sunday */
#define OCT1 1790812800LL
#define DEC1 (NOV1 + 30 * DAY)
#define JAN1 1798761600LL

TEST(accumulate_values)
{
    enum kt_accumulate a;
    kt_err err = {0};
    const struct { const char *v; enum kt_accumulate want; } ok[] = {
        {"true", KT_ACC_ALL}, {"", KT_ACC_ALL}, {"all", KT_ACC_ALL}, {"false", KT_ACC_NONE}, {"hour", KT_ACC_HOUR},
        {"day", KT_ACC_DAY}, {"Week", KT_ACC_WEEK}, {"weeknow", KT_ACC_WEEKNOW}, {"month", KT_ACC_MONTH},
        {"quarter", KT_ACC_QUARTER}};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        CHECK(accumulate_parse("accumulate", ok[i].v, &a, &err) == 0 && a == ok[i].want);
    CHECK(accumulate_parse("accumulateBy", "fortnight", &a, &err) == -1 && strstr(err.msg, "accumulateBy: expected"));
}

static size_t cut(kt_window w, enum kt_accumulate acc, kt_window **v)
{
    size_t n = 0;
    kt_err err = {0};
    CHECK(accumulate_windows(w, acc, 0, v, &n, &err) == 0);
    return n;
}

TEST(calendar_sets)
{
    kt_window *v;
    /* Wed 2026-11-04 .. Wed 2026-11-18: Wed–Sat, Sun–Sat, Sun–Tue */
    kt_window w = {NOV1 + 3 * DAY, NOV1 + 17 * DAY};
    CHECK(cut(w, KT_ACC_WEEK, &v) == 3);
    CHECK(v[0].start == NOV1 + 3 * DAY && v[0].end == NOV1 + 7 * DAY);
    CHECK(v[1].start == NOV1 + 7 * DAY && v[1].end == NOV1 + 14 * DAY);
    CHECK(v[2].start == NOV1 + 14 * DAY && v[2].end == NOV1 + 17 * DAY);
    free(v);
    /* weeknow: 14 days back from the end in 7-day sets: 2 sets */
    CHECK(cut(w, KT_ACC_WEEKNOW, &v) == 2);
    CHECK(v[0].start == w.start && v[0].end == w.end - 7 * DAY && v[1].end == w.end);
    free(v);
    /* 10 days: the first weeknow set is 3 days */
    kt_window w10 = {NOV1, NOV1 + 10 * DAY};
    CHECK(cut(w10, KT_ACC_WEEKNOW, &v) == 2);
    CHECK(v[0].start == NOV1 && v[0].end == NOV1 + 3 * DAY && v[1].start == NOV1 + 3 * DAY);
    free(v);
    /* Oct 15 .. Jan 1 by month: Oct 15–Nov 1, Nov, Dec; by quarter: Oct 15–Jan 1 */
    kt_window q = {OCT1 + 14 * DAY, JAN1};
    CHECK(cut(q, KT_ACC_MONTH, &v) == 3);
    CHECK(v[0].end == NOV1 && v[1].start == NOV1 && v[1].end == DEC1 && v[2].start == DEC1 && v[2].end == JAN1);
    free(v);
    CHECK(cut(q, KT_ACC_QUARTER, &v) == 1);
    CHECK(v[0].start == OCT1 + 14 * DAY && v[0].end == JAN1);
    free(v);
    kt_window q2 = {NOV1, JAN1 + 40 * DAY};
    CHECK(cut(q2, KT_ACC_QUARTER, &v) == 2 && v[0].end == JAN1 && v[1].end == JAN1 + 40 * DAY);
    free(v);
    /* hours on a window starting at :30 */
    kt_window h = {NOV1 + 1800, NOV1 + 3 * 3600};
    CHECK(cut(h, KT_ACC_HOUR, &v) == 3);
    CHECK(v[0].end == NOV1 + 3600 && v[1].end == NOV1 + 7200 && v[2].end == NOV1 + 10800);
    free(v);
    kt_err err = {0};
    size_t n;
    kt_window big = {NOV1, NOV1 + 400 * DAY};
    CHECK(accumulate_windows(big, KT_ACC_HOUR, 2000, &v, &n, &err) == -1 && strstr(err.msg, "accumulate: more than 2000"));
}

static const char *props[F_COUNT];
static const char *lab_team, *lab_app;
static const char *get(void *ctx, enum kt_field f, const char *key, int idx)
{
    if (idx > 0)
        return NULL;
    if (f == F_LABEL)
        return !strcmp(key, "team") ? lab_team : !strcmp(key, "app") ? lab_app : "";
    return props[f] ? props[f] : "";
}

static int matches(kv *p)
{
    kt_alloc_query q;
    kt_query_holder h;
    kt_err err = {0};
    int rc = alloc_query_parse(kv_get, p, NOV1, &q, &h, &err);
    CHECK(rc == 0);
    if (rc)
        fprintf(stderr, "  %s\n", err.msg);
    int m = rc ? -1 : filter_match(q.filter, get, NULL);
    query_holder_free(&h);
    return m;
}

TEST(v1_filters)
{
    props[F_NAMESPACE] = "kube-system";
    props[F_CLUSTER] = "eks-1";
    props[F_CONTROLLER_KIND] = "deployment";
    props[F_CONTROLLER] = "coredns";
    lab_team = "infra";
    lab_app = "dns";
    kv all = {{"window", "filterNamespaces"}, {"7d", ""}, 2}; /* kubectl-cost's "no filter" */
    CHECK(matches(&all) == 1);
    kv ns = {{"window", "filterNamespaces"}, {"7d", "default, kube-system"}, 2};
    CHECK(matches(&ns) == 1);
    kv ns_no = {{"window", "filterNamespaces"}, {"7d", "default,payments"}, 2};
    CHECK(matches(&ns_no) == 0);
    kv wild = {{"window", "filterNamespaces"}, {"7d", "kube*"}, 2};
    CHECK(matches(&wild) == 1);
    kv both = {{"window", "filterNamespaces", "filterClusters"}, {"7d", "kube-system", "gke-1"}, 3};
    CHECK(matches(&both) == 0);
    kv ctl = {{"window", "filterControllers"}, {"7d", "deployment:coredns"}, 2};
    CHECK(matches(&ctl) == 1);
    kv ctl_kind = {{"window", "filterControllers"}, {"7d", "statefulset:coredns"}, 2};
    CHECK(matches(&ctl_kind) == 0);
    kv labels = {{"window", "filterLabels"}, {"7d", "team:web,app:dns"}, 2};
    CHECK(matches(&labels) == 1);
    kv labels_no = {{"window", "filterLabels"}, {"7d", "team:web"}, 2};
    CHECK(matches(&labels_no) == 0);
    /* a v2 filter with '|' is kept whole: (ns=a | ns=kube-system) + cluster=gke-1 is false */
    kv mixed = {{"window", "filter", "filterClusters"}, {"7d", "namespace:\"a\" | namespace:\"kube-system\"", "gke-1"}, 3};
    CHECK(matches(&mixed) == 0);
    kv quote = {{"window", "filterPods"}, {"7d", "we\"ird\\"}, 2};
    CHECK(matches(&quote) == 0);
    kv bad = {{"window", "filterLabels"}, {"7d", "nocolon"}, 2};
    kt_alloc_query q;
    kt_query_holder h;
    kt_err err = {0};
    CHECK(alloc_query_parse(kv_get, &bad, NOV1, &q, &h, &err) == -1 && strstr(err.msg, "filterLabels: expected key:value"));
    query_holder_free(&h);
}

TEST(plan)
{
    kt_alloc_query q;
    kt_query_holder h;
    kt_err err = {0};
    kt_ask *asks;
    size_t n;
    /* day on an aligned window: one question stepped by a day */
    kv day = {{"window", "accumulate", "metrics"}, {"2026-11-01T00:00:00Z,2026-11-08T00:00:00Z", "day", "totalCost"}, 3};
    CHECK(alloc_query_parse(kv_get, &day, NOV1, &q, &h, &err) == 0);
    CHECK(alloc_query_plan(&q, &h, 0, &asks, &n, &err) == 0 && n == 1 && asks[0].alloc.step == DAY && !asks[0].alloc.accumulate);
    free(asks);
    query_holder_free(&h);
    /* accumulateBy=week wins over accumulate=true: Sun Nov 1 .. Sun Nov 15 + 3 days = 3 questions */
    kv week = {{"window", "accumulate", "accumulateBy"}, {"2026-11-01T00:00:00Z,2026-11-18T00:00:00Z", "true", "week"}, 3};
    CHECK(alloc_query_parse(kv_get, &week, NOV1, &q, &h, &err) == 0 && h.accumulate == KT_ACC_WEEK);
    CHECK(alloc_query_plan(&q, &h, 0, &asks, &n, &err) == 0 && n == 3);
    CHECK(asks[2].alloc.window.start == NOV1 + 14 * DAY && asks[2].alloc.window.end == NOV1 + 17 * DAY);
    free(asks);
    query_holder_free(&h);
    kv all = {{"window", "accumulate"}, {"7d", "all"}, 2};
    CHECK(alloc_query_parse(kv_get, &all, NOV1, &q, &h, &err) == 0 && q.accumulate == 1);
    query_holder_free(&h);
    kv badm = {{"window", "metrics"}, {"7d", "total cost;"}, 2};
    CHECK(alloc_query_parse(kv_get, &badm, NOV1, &q, &h, &err) == -1 && strstr(err.msg, "metrics:"));
    query_holder_free(&h);
}

int main(void)
{
    RUN(accumulate_values);
    RUN(calendar_sets);
    RUN(v1_filters);
    RUN(plan);
    return check_done();
}

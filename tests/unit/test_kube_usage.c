/* test_kube_usage.c — metrics.k8s.io PodMetricsList into meter samples. */
#include <jansson.h>

#include "check.h"
#include "kube/usage.h"

TEST(go_durations)
{
    CHECK(kube_parse_go_duration("30s") == 30);
    CHECK(kube_parse_go_duration("1m0s") == 60);
    CHECK(kube_parse_go_duration("1m30s") == 90);
    CHECK(kube_parse_go_duration("1h") == 3600);
    CHECK(kube_parse_go_duration("1.5s") == 2);   /* rounded up */
    CHECK(kube_parse_go_duration("500ms") == 1);  /* at least one second */
    CHECK(kube_parse_go_duration("") == 0);
    CHECK(kube_parse_go_duration("30") == 0);     /* no unit */
    CHECK(kube_parse_go_duration("-5s") == 0);
    CHECK(kube_parse_go_duration("5x") == 0);
    CHECK(kube_parse_go_duration(NULL) == 0);
}

TEST(pod_metrics_list)
{
    const char *doc =
        "{\"kind\":\"PodMetricsList\",\"items\":["
        " {\"metadata\":{\"name\":\"web-1\",\"namespace\":\"shop\"},\"timestamp\":\"2026-11-24T10:00:00Z\","
        "  \"window\":\"30s\",\"containers\":["
        "   {\"name\":\"app\",\"usage\":{\"cpu\":\"250000000n\",\"memory\":\"128Mi\"}},"
        "   {\"name\":\"proxy\",\"usage\":{\"cpu\":\"12m\",\"memory\":\"1Gi\"}},"
        "   {\"name\":\"bad\",\"usage\":{\"cpu\":\"lots\",\"memory\":\"1Gi\"}}]},"
        " {\"metadata\":{\"name\":\"no-time\",\"namespace\":\"shop\"},\"containers\":[]},"
        " {\"metadata\":{\"name\":\"job-1\",\"namespace\":\"batch\"},\"timestamp\":\"2026-11-24T10:00:05Z\","
        "  \"window\":\"1m0s\",\"containers\":[{\"name\":\"main\",\"usage\":{\"cpu\":\"2\",\"memory\":\"0\"}}]}]}";
    json_t *j = json_loads(doc, 0, NULL);
    kt_strtab s;
    strtab_init(&s);
    kt_usage_batch b = {0};
    CHECK(kube_usage_decode(j, &s, &b) == 0);
    CHECK(b.n == 3);
    CHECK(b.skipped == 2); /* the unparseable cpu and the pod without a timestamp */
    if (b.n == 3) {
        CHECK_STR(strtab_get(&s, b.s[0].namespace_), "shop");
        CHECK_STR(strtab_get(&s, b.s[0].pod), "web-1");
        CHECK_STR(strtab_get(&s, b.s[0].container), "app");
        CHECK_NEAR(b.s[0].cpu_cores, 0.25, 1e-12);          /* 250,000,000 n = 0.25 cores */
        CHECK_NEAR(b.s[0].ram_bytes, 134217728.0, 1e-12);   /* 128 × 2^20 */
        CHECK(b.s[0].t == 1795514400);                      /* 2026-11-24T10:00:00Z */
        CHECK(b.s[0].window == 30);
        CHECK_NEAR(b.s[1].cpu_cores, 0.012, 1e-12);         /* 12m */
        CHECK_STR(strtab_get(&s, b.s[2].container), "main");
        CHECK(b.s[2].window == 60 && b.s[2].t == 1795514405);
    }
    json_t *notlist = json_loads("{\"kind\":\"Status\",\"code\":404}", 0, NULL);
    CHECK(kube_usage_decode(notlist, &s, &b) == -1);
    json_decref(notlist);
    json_decref(j);
    kube_usage_free(&b);
    strtab_free(&s);
}

int main(void)
{
    RUN(go_durations);
    RUN(pod_metrics_list);
    return check_done();
}

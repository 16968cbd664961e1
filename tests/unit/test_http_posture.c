/* test_http_posture.c — GET /posture, GET /health and their /metrics
 * series from a posture service over our fixtures, at
 * 2026-11-29T12:00:00Z: the numbers are those worked out in
 * test_posture_health.c (health 35) and test_posture_fixtures.c. */
#include <jansson.h>
#include <pthread.h>
#include <string.h>

#include "check.h"
#include "engine/window.h"
#include "http/posture_api.h"

#define FIX "tests/fixtures/posture"

static kt_posture_service *service(const char *const *files, size_t n, const char *rules, const char *config)
{
    kt_posture_service_opts o = {files, n, NULL, rules, config, PSS_BASELINE, PSS_LATEST_MINOR, 300};
    kt_posture_service *svc = NULL;
    kt_err err = {0};
    CHECK(posture_service_new(&o, &svc, &err) == 0);
    return svc;
}

TEST(routes_and_metrics)
{
    const char *files[] = {FIX "/cluster-dump.yaml", FIX "/workloads.yaml"};
    kt_posture_service *svc = service(files, 2, FIX "/rules.yaml", FIX "/polaris-config.yaml");
    if (!svc)
        return;
    kt_http_app app;
    memset(&app, 0, sizeof app);
    app.posture = svc;
    int64_t now;
    CHECK(time_parse_rfc3339("2026-11-29T12:00:00Z", &now) == 0);
    kt_http_resp r;
    memset(&r, 0, sizeof r);
    api_health(&app, NULL, NULL, now, &r);
    CHECK(r.status == 200);
    json_t *j = json_loads(r.body.data ? r.body.data : "", 0, NULL);
    json_t *c0 = json_array_get(json_object_get(j, "clusters"), 0);
    CHECK(json_array_size(json_object_get(j, "clusters")) == 2);
    CHECK(json_integer_value(json_object_get(c0, "score")) == 35);   /* test_posture_health.c */
    json_decref(j);
    buf_reset(&r.body);
    api_posture(&app, NULL, NULL, now, &r);
    CHECK(r.status == 200);
    j = json_loads(r.body.data ? r.body.data : "", 0, NULL);
    /* residency 2 + resilience 6 on the dump; none on workloads.yaml (its
     * Deployments are not marked critical, its namespace has no residency
     * label) → 8 */
    CHECK(json_array_size(json_object_get(j, "Findings")) == 8);
    CHECK(json_array_size(json_object_get(j, "ClusterScores")) == 2);
    json_decref(j);
    kt_buf m = {0};
    posture_service_metrics(svc, now, &m);
    CHECK(m.data && strstr(m.data, "kubetally_health_score{cluster=\"" FIX "/cluster-dump.yaml\"} 35\n"));
    /* workloads.yaml with this config: score 75 (test_posture_fixtures.c) */
    CHECK(m.data && strstr(m.data, "kubetally_posture_score{cluster=\"" FIX "/workloads.yaml\"} 75\n"));
    CHECK(m.data && strstr(m.data, "kubetally_health_findings{cluster=\"" FIX "/cluster-dump.yaml\",check=\"OOMKilled\"} 1\n"));
    buf_free(&m);
    buf_free(&r.body);

    /* the dashboard page, drawn from the same answers: the fleet score,
     * the worst namespaces, and the 8 findings, each with a cost link */
    memset(&r, 0, sizeof r);
    dash_posture(&app, NULL, NULL, now, &r);
    CHECK(r.status == 200 && r.body.data);
    CHECK(r.body.data && strstr(r.body.data, "id=\"fleet-score\""));
    CHECK(r.body.data && strstr(r.body.data, "<p>8 findings</p>"));
    CHECK(r.body.data && strstr(r.body.data, "residency/eu"));
    /* the critical Deployment web links to its pods' cost */
    CHECK(r.body.data && strstr(r.body.data, "controllerName%3A%22web%22"));
    buf_free(&r.body);
    posture_service_free(svc);

    /* not configured: 404 with a message saying how to turn it on */
    app.posture = NULL;
    memset(&r, 0, sizeof r);
    api_posture(&app, NULL, NULL, now, &r);
    CHECK(r.status == 404 && r.body.data && strstr(r.body.data, "--posture-file"));
    buf_free(&r.body);
}

/* Four requests at once on a fresh service: one refreshes, the others wait
 * for that first answer; all get the same 200 body. */
typedef struct req {
    kt_http_app *app;
    int64_t now;
    kt_http_resp r;
} req;

static void *ask(void *arg)
{
    req *q = arg;
    api_health(q->app, NULL, NULL, q->now, &q->r);
    return NULL;
}

TEST(concurrent_first_requests)
{
    const char *files[] = {FIX "/cluster-dump.yaml"};
    kt_posture_service *svc = service(files, 1, NULL, NULL);
    if (!svc)
        return;
    kt_http_app app;
    memset(&app, 0, sizeof app);
    app.posture = svc;
    req q[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        memset(&q[i], 0, sizeof q[i]);
        q[i].app = &app;
        CHECK(time_parse_rfc3339("2026-11-29T12:00:00Z", &q[i].now) == 0);
        pthread_create(&t[i], NULL, ask, &q[i]);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 4; i++) {
        CHECK(q[i].r.status == 200);
        CHECK(q[i].r.body.len == q[0].r.body.len && !memcmp(q[i].r.body.data, q[0].r.body.data, q[0].r.body.len));
    }
    for (int i = 0; i < 4; i++)
        buf_free(&q[i].r.body);
    posture_service_free(svc);
}

int main(void)
{
    RUN(routes_and_metrics);
    RUN(concurrent_first_requests);
    return check_done();
}

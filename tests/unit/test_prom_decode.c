/* test_prom_decode.c — Prometheus API answers: good, malformed, errors, partial, limits. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "prom/series.h"

static int decode(const char *body, const kt_prom_decode_opts *o, kt_prom_result *r, kt_err *e)
{
    memset(e, 0, sizeof *e);
    return prom_decode(body, strlen(body), o, r, e);
}

TEST(matrix_answer)
{
    const char *body =
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
        "{\"metric\":{\"__name__\":\"kube_pod_container_resource_requests\",\"namespace\":\"web\",\"resource\":\"cpu\"},"
        "\"values\":[[1700000300,\"0.5\"],[1700000600.000,\"0.25\"],[1700000900,\"NaN\"]]},"
        "{\"metric\":{\"namespace\":\"web\",\"pod\":\"p\"},\"values\":[[1700000300,\"+Inf\"]]}]}}";
    kt_prom_result r;
    kt_err e;
    CHECK(decode(body, NULL, &r, &e) == 0);
    CHECK(r.n == 2);
    CHECK(r.series[0].n == 3);
    CHECK(r.series[0].t[1] == 1700000600);
    CHECK_NEAR(r.series[0].v[1], 0.25, 1e-12);
    CHECK(isnan(r.series[0].v[2]));
    CHECK(isinf(r.series[1].v[0]));
    CHECK_STR(prom_label(&r.series[0], "resource"), "cpu");
    CHECK_STR(prom_label(&r.series[0], "absent"), "");
    /* label strings are interned: both series share one "web" */
    CHECK(prom_label(&r.series[0], "namespace") == prom_label(&r.series[1], "namespace"));
    prom_result_free(&r);
}

TEST(vector_and_scalar)
{
    kt_prom_result r;
    kt_err e;
    CHECK(decode("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                 "{\"metric\":{\"namespace\":\"a\"},\"value\":[1700000000,\"3\"]}]}}", NULL, &r, &e) == 0);
    CHECK(r.n == 1 && r.series[0].n == 1);
    CHECK_NEAR(r.series[0].v[0], 3, 0);
    prom_result_free(&r);
    CHECK(decode("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1700000000,\"42\"]}}",
                 NULL, &r, &e) == 0);
    CHECK(r.n == 1 && r.series[0].n_labels == 0);
    CHECK_NEAR(r.series[0].v[0], 42, 0);
    prom_result_free(&r);
    CHECK(decode("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}", NULL, &r, &e) == 0);
    CHECK(r.n == 0);
    prom_result_free(&r);
}

TEST(error_status)
{
    kt_prom_result r;
    kt_err e;
    CHECK(decode("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error at char 5\"}", NULL, &r,
                 &e) == -1);
    CHECK(strstr(e.msg, "bad_data") && strstr(e.msg, "parse error at char 5"));
    CHECK(e.code == KT_ERUNTIME);
    CHECK(r.n == 0 && r.series == NULL);
}

TEST(malformed)
{
    const char *bad[] = {
        "<html><body>Sign in</body></html>",
        "",
        "[1,2]",
        "{\"data\":{}}",
        "{\"status\":\"success\"}",
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\"}}",
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":[[1,2]]}]}}",
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"a\":1},\"values\":[]}]}}",
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":[[1,\"x\"]]}]}}",
        "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":[]}}",
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{}, \"values\":[[1,\"1\"]]},{\"metric\":{}}]}}",
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"a\":\"b\"},\"values\":[[1,\"1\"],[2,",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        kt_prom_result r;
        kt_err e;
        int rc = decode(bad[i], NULL, &r, &e);
        CHECK(rc == -1);
        CHECK(e.msg[0] != 0);
        CHECK(r.n == 0);
        if (rc == 0) prom_result_free(&r);
    }
    kt_prom_result r;
    kt_err e;
    decode("<html><body>Sign in</body></html>", NULL, &r, &e);
    CHECK(strstr(e.msg, "not a Prometheus API response") && strstr(e.msg, "Sign in"));
}

TEST(partial_and_limits)
{
    const char *partial = "{\"status\":\"success\",\"warnings\":[\"store 10.0.0.9 unavailable\"],"
                          "\"data\":{\"resultType\":\"vector\",\"result\":[]}}";
    kt_prom_result r;
    kt_err e;
    CHECK(decode(partial, NULL, &r, &e) == -1);
    CHECK(strstr(e.msg, "partial response") && strstr(e.msg, "store 10.0.0.9 unavailable"));
    kt_prom_decode_opts allow = {0, 1};
    CHECK(decode(partial, &allow, &r, &e) == 0);
    prom_result_free(&r);
    const char *three = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                        "{\"metric\":{},\"value\":[1,\"1\"]},{\"metric\":{},\"value\":[1,\"1\"]},"
                        "{\"metric\":{},\"value\":[1,\"1\"]}]}}";
    kt_prom_decode_opts lim = {2, 0};
    CHECK(decode(three, &lim, &r, &e) == -1);
    CHECK(strstr(e.msg, "3 series") && strstr(e.msg, "--max-series"));
    lim.max_series = 3;
    CHECK(decode(three, &lim, &r, &e) == 0);
    prom_result_free(&r);
}

int main(void)
{
    RUN(matrix_answer);
    RUN(vector_and_scalar);
    RUN(error_status);
    RUN(malformed);
    RUN(partial_and_limits);
    return check_done();
}

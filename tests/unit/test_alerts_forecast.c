/* test_alerts_forecast.c — a budget's projection at the period's end and
 * actions on it (forecast: true), on a fleet whose money is plain:
 *   k1 (aws) node n1 at 0.05 $/core-h and 0.01 $/GiB-h; pod pay-1 in
 *   namespace payments, 1 core + 1 GiB, running every hour from
 *   2026-02-01 → 0.06 $/h = 1.44 $/day, flat.
 * At NOW = 2026-03-11T13:20Z, the March budget has spent
 *   10 days × 1.44 + 13⅓ h × 0.06 = 14.40 + 0.80 = 15.20,
 * and a flat history forecasts 1.44 a day with no spread, so the
 * projection at 04-01 is 15.20 + 10⅔ h × 0.06 + 20 × 1.44 = 15.20 + 0.64 +
 * 28.80 = 44.64 (= 31 × 1.44), with both bounds equal to it. */
#include <stdlib.h>
#include <string.h>

#include "alerts/alert.h"
#include "alerts/budget_store.h"
#include "check.h"

#define H 3600
#define D 86400
static const int64_t FEB1 = 1769904000;                          /* 2026-02-01T00:00:00Z */
static const int64_t NOW = 1772323200 + 10 * D + 13 * H + 1200; /* 2026-03-11T13:20Z */
static const kt_engine_limits nolim = {0};
static char dir[] = "/tmp/kt-test-bfc-XXXXXX", dbpath[300];

static int write_fleet(void)
{
    kt_store *s;
    kt_err err = {0};
    if (store_open(dbpath, KT_STORE_CREATE, &s, &err) || store_begin(s, &err))
        return -1;
    kt_cluster_rec c = {"k1", "aws", "r1", "USD", "test"};
    kt_node_rec n = {.name = "n1", .provider = "aws", .region = "r1", .cpu_cores = 2, .ram_bytes = 4.0 * (1 << 30)};
    int64_t cl, node, pid, cid;
    kt_kv labels[] = {{"team", "payments"}};
    kt_pod_rec p = {.namespace = "payments", .name = "pay-1", .uid = "pay-1", .labels = labels, .n_labels = 1};
    if (store_put_cluster(s, &c, &cl, &err))
        return -1;
    n.cluster_id = cl;
    if (store_put_node(s, &n, &node, &err))
        return -1;
    p.cluster_id = cl, p.node_id = node;
    if (store_put_pod(s, &p, &pid, &err) || store_put_container(s, pid, "main", &cid, &err))
        return -1;
    for (int64_t t = FEB1; t < NOW; t += H) {
        kt_node_hour nh = {node, t, 1, 0.05, 0.01, 0, 0.14, "test"};
        double ram = 1 << 30;
        kt_container_hour ch = {.container_id = cid, .t = t, .seconds = 3600, .cpu_req = 1, .cpu_use = 1,
                                .cpu_alloc = 1, .ram_req = ram, .ram_use = ram, .ram_alloc = ram,
                                .usage_measured = 1};
        if (store_put_node_hour(s, &nh, &err) || store_put_container_hour(s, &ch, &err))
            return -1;
    }
    int rc = store_commit(s, &err);
    store_close(s);
    return rc;
}

static const char *budget_json =
    "{\"id\":\"pay\",\"name\":\"payments\",\"values\":{\"namespace\":[\"payments\"]},\"interval\":\"monthly\","
    "\"spendLimit\":50,\"actions\":[{\"percentage\":80,\"forecast\":true},{\"percentage\":100,\"forecast\":true},"
    "{\"percentage\":100}]}";

TEST(projection_at_period_end)
{
    kt_store *s;
    kt_err err = {0};
    kt_budget b;
    json_t *j = json_loads(budget_json, 0, NULL);
    CHECK(!budget_from_json(j, &b, NULL, &err));
    json_decref(j);
    CHECK(!store_open(dbpath, 0, &s, &err));
    kt_budget_status st;
    CHECK(!budgets_status(s, &b, 1, NOW, &nolim, &st, &err));
    CHECK_NEAR(st.spend, 15.20, 1e-9);
    CHECK(st.has_forecast);
    CHECK_NEAR(st.forecast, 44.64, 1e-6);
    CHECK_NEAR(st.forecast_lower, 44.64, 1e-6);
    CHECK_NEAR(st.forecast_upper, 44.64, 1e-6);
    CHECK(!budget_save(s, &b, &err));
    budget_free(&b);
    /* 80 % forecast: 40 ≤ 44.64 fires; 100 % forecast: 50 > 44.64 and 100 % actual: 50 > 15.20 do not */
    kt_alert_opts o = {NULL, 0, 3, 10, 15, &nolim, NULL, 0, NULL, NULL};
    kt_alert_stats as = {0};
    CHECK(!alerts_evaluate(s, &o, NOW, &as, &err));
    CHECK(as.fired == 1 && as.resolved == 0);
    char *body = NULL;
    CHECK(store_get_record(s, KT_ALERT_KIND, "pay/80/forecast", &body, &err) == 1);
    json_t *state = body ? json_loads(body, 0, NULL) : NULL;
    CHECK_NEAR(json_number_value(json_object_get(state, "forecastSpend")), 44.64, 1e-6);
    CHECK_STR(json_string_value(json_object_get(json_object_get(state, "labels"), "basis")), "forecast");
    json_decref(state);
    free(body);
    /* GET /budgets's answer carries the projection and the action's lastFired */
    json_t *ans;
    CHECK(!budget_answers(s, NOW, &nolim, &ans, &err));
    json_t *b0 = json_array_get(json_object_get(ans, "data"), 0);
    CHECK_NEAR(json_number_value(json_object_get(json_object_get(b0, "forecast"), "predictedSpend")), 44.64, 1e-6);
    CHECK(json_object_get(json_array_get(json_object_get(b0, "actions"), 0), "lastFired"));
    CHECK(!json_object_get(json_array_get(json_object_get(b0, "actions"), 1), "lastFired"));
    json_decref(ans);
    store_close(s);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    snprintf(dbpath, sizeof dbpath, "sqlite:%s/b.db", dir);
    if (write_fleet()) {
        fprintf(stderr, "fleet failed\n");
        return 1;
    }
    RUN(projection_at_period_end);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {}
    return check_done();
}

/* test_alerts_hourly.c — an anomaly rule with window 1h (rule.h): each hour
 * against a forecast learnt from the 48 hours before it, on a fleet whose
 * money is worked out here:
 *   cluster k1 (aws), node n1: 2 cores, 4 GiB at 0.05 $/core-h, 0.01 $/GiB-h
 *   steady (namespace steady): 1 core + 1 GiB, fully used: 0.06 $/h throughout
 *   spiky (namespace spiky): 0.5 core + 1 GiB: 0.035 $/h, except 03-10 05:00–06:00
 *       when it runs 1 core + 2 GiB: 0.07 $/h
 *   every hour from 03-08 00:00 to 03-10 06:00.
 * A flat history forecasts itself exactly (level = the mean, no trend, no
 * season), with a zero-width interval, so only the 1 % slack counts.
 * The rule is seen at 03-10 04:30 (scheduled for 05:00):
 *   run at 05:00 over 04:00–05:00: spiky 0.035, steady 0.06, both as forecast: nothing fires
 *   run at 06:00 over 05:00–06:00: spiky 0.07 against 0.035 fires; steady does not
 * and the hour after (06:00–07:00, nothing ran: 0 against 0.035 and 0.06)
 * both are outside: spiky stays firing, steady fires. */
#include <stdlib.h>
#include <string.h>

#include "alerts/alert.h"
#include "alerts/config.h"
#include "alerts/rule_eval.h"
#include "alerts_round.h"
#include "check.h"

#define H 3600
#define D 86400
static const int64_t MAR8 = 1772928000, MAR10 = 1772928000 + 2 * D; /* 2026-03-08, 2026-03-10 */
static const kt_engine_limits nolim = {0};
static char dir[] = "/tmp/kt-test-hourly-XXXXXX", dbpath[300];
static kt_receiver hook = {.name = "down", .kind = KT_RECV_WEBHOOK, .url = "http://127.0.0.1:9/hook"};
static kt_alerts_config cfg;

static int put(kt_store *s, int64_t cid, int64_t t, double cores, double gib)
{
    kt_err err;
    double b = gib * (1 << 30);
    kt_container_hour ch = {.container_id = cid, .t = t, .seconds = 3600, .cpu_req = cores, .cpu_use = cores,
                            .cpu_alloc = cores, .ram_req = b, .ram_use = b, .ram_alloc = b, .usage_measured = 1};
    return store_put_container_hour(s, &ch, &err);
}

static int write_fleet(void)
{
    kt_store *s;
    kt_err err = {0};
    if (store_open(dbpath, KT_STORE_CREATE, &s, &err) || store_begin(s, &err))
        return -1;
    int64_t cl, node, ctr[2], pid;
    const char *ns[2] = {"steady", "spiky"};
    kt_cluster_rec c = {"k1", "aws", "r1", "USD", "test"};
    kt_node_rec n = {.name = "n1", .provider = "aws", .region = "r1", .cpu_cores = 2, .ram_bytes = 4.0 * (1 << 30)};
    if (store_put_cluster(s, &c, &cl, &err))
        return -1;
    n.cluster_id = cl;
    if (store_put_node(s, &n, &node, &err))
        return -1;
    for (int i = 0; i < 2; i++) {
        kt_pod_rec p = {.cluster_id = cl, .node_id = node, .namespace = ns[i], .name = ns[i], .uid = ns[i]};
        if (store_put_pod(s, &p, &pid, &err) || store_put_container(s, pid, "main", &ctr[i], &err))
            return -1;
    }
    for (int64_t t = MAR8; t < MAR10 + 6 * H; t += H) {
        kt_node_hour nh = {node, t, 1, 0.05, 0.01, 0, 0.14, "test"};
        int spike = t == MAR10 + 5 * H;
        if (store_put_node_hour(s, &nh, &err) || put(s, ctr[0], t, 1, 1) || put(s, ctr[1], t, spike ? 1 : 0.5,
                                                                                 spike ? 2 : 1))
            return -1;
    }
    int rc = store_commit(s, &err);
    store_close(s);
    return rc;
}

static kt_alert_stats round_at(int64_t t)
{
    kt_alert_opts o = {&hook, 1, 3, 10, 15, &nolim, cfg.rules, cfg.n_rules, NULL, NULL};
    return alerts_round(dbpath, &o, t);
}

static json_t *state_of(const char *key) { return alert_state(dbpath, key); }
static int firing(const char *key) { return alert_firing(dbpath, key); }

TEST(an_hour_outside_its_forecast_fires)
{
    kt_alert_stats st = round_at(MAR10 + 4 * H + 1800); /* first seen: scheduled for 05:00 */
    CHECK(st.fired == 0);
    st = round_at(MAR10 + 5 * H + 60); /* 04:00–05:00: as forecast */
    CHECK(st.fired == 0 && st.resolved == 0);
    st = round_at(MAR10 + 6 * H + 60); /* 05:00–06:00: the spike */
    CHECK(st.fired == 1 && st.resolved == 0);
    CHECK(firing("rule:hourly/spiky") && !firing("rule:hourly/steady"));
    json_t *j = state_of("rule:hourly/spiky");
    CHECK_NEAR(json_number_value(json_object_get(j, "actual")), 0.07, 1e-9);
    CHECK_NEAR(json_number_value(json_object_get(j, "predictedCost")), 0.035, 1e-9);
    CHECK(strstr(json_string_value(json_object_get(j, "summary")), "in the hour from 2026-03-10T05:00") != NULL);
    json_decref(j);
    st = round_at(MAR10 + 7 * H + 60); /* 06:00–07:00: nothing ran */
    CHECK(st.fired == 1 && st.resolved == 0);
    CHECK(firing("rule:hourly/spiky") && firing("rule:hourly/steady"));
}

TEST(anomaly_windows_are_a_day_or_an_hour)
{
    const char *bad = "alerts:\n  - {type: anomaly, window: 2h}\n";
    kt_alerts_config c;
    kt_err err = {0};
    CHECK(alerts_config_parse(bad, strlen(bad), "t.yaml", &c, &err) == -1);
    CHECK(strstr(err.msg, "t.yaml:2: alerts[0].window: an anomaly rule looks at each day") != NULL);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    snprintf(dbpath, sizeof dbpath, "sqlite:%s/h.db", dir);
    const char *config = "alerts:\n  - {id: hourly, type: anomaly, window: 1h, aggregation: namespace}\n";
    kt_err err = {0};
    if (write_fleet() || alerts_config_parse(config, strlen(config), "t.yaml", &cfg, &err)) {
        fprintf(stderr, "setup failed: %s\n", err.msg);
        return 1;
    }
    RUN(an_hour_outside_its_forecast_fires);
    RUN(anomaly_windows_are_a_day_or_an_hour);
    alerts_config_free(&cfg);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {
    }
    return check_done();
}

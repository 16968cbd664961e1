/* test_alerts_rules.c — efficiency, spendChange, anomaly, recurringUpdate
 * and health rules (rule.h) on a fleet whose money is worked out here:
 *   cluster k1 (aws), node n1: 2 cores, 4 GiB at 0.05 $/core-h, 0.01 $/GiB-h
 *   lazy (namespace lazy): requests 1 core + 1 GiB, uses 0.1 of each:
 *       0.06 $/h = 1.44 $/day, efficiency 0.1, from 02-01 to 03-11
 *   busy (namespace busy): 0.5 core + 1 GiB fully used: 0.035 $/h = 0.84 $/day,
 *       except 03-10 when it runs 1 core + 2 GiB: 0.07 $/h = 1.68 $/day
 *   cluster k2 (gcp), node n2: one hour (03-10 11:00) priced at nothing.
 * Rules are seen first at T0 = 03-10 12:00 (scheduled for 03-11 00:00) and
 * run at T1 = 03-11 00:05 over 03-10:
 *   efficiency (< 0.5 while > 1.00 spent): lazy fires (0.1, 1.44); busy not (1.0)
 *   spendChange (1d against 7d, +50 %): busy 1.68 vs 0.84 a day = +100 % fires; lazy 0 %
 *   anomaly: busy 1.68 against a flat 0.84 forecast fires; lazy 1.44 as forecast
 *   recurringUpdate: one report, lazy 1.44 + busy 1.68 = 3.12
 * Health runs every round: at T0 k1 silent 60 min > 10 min, k2's collector
 * in error, k2's node unpriced; at T1 all three recovered. */
#include <stdlib.h>
#include <string.h>

#include "alerts/alert.h"
#include "alerts/config.h"
#include "alerts/rule_eval.h"
#include "alerts/rule_store.h"
#include "alerts_round.h"
#include "check.h"

#define H 3600
#define D 86400
static const int64_t FEB1 = 1769904000, MAR10 = 1769904000 + 37 * D; /* 2026-02-01, 2026-03-10 */
static const int64_t T0 = 1769904000 + 37 * D + 12 * H, T1 = 1769904000 + 38 * D + 300;
static const kt_engine_limits nolim = {0};
static char dir[] = "/tmp/kt-test-rules-XXXXXX", dbpath[300];
static int64_t cl[2];
static kt_receiver hook = {.name = "down", .kind = KT_RECV_WEBHOOK, .url = "http://127.0.0.1:9/hook"};

static int put(kt_store *s, int64_t cid, int64_t t, double cores, double gib, double use)
{
    kt_err err;
    double b = gib * (1 << 30);
    kt_container_hour ch = {.container_id = cid, .t = t, .seconds = 3600, .cpu_req = cores, .cpu_use = cores * use,
                            .cpu_alloc = cores, .ram_req = b, .ram_use = b * use, .ram_alloc = b,
                            .usage_measured = 1};
    return store_put_container_hour(s, &ch, &err);
}

static int write_fleet(void)
{
    kt_store *s;
    kt_err err = {0};
    if (store_open(dbpath, KT_STORE_CREATE, &s, &err) || store_begin(s, &err))
        return -1;
    int64_t node[2], ctr[2], pid;
    const char *cn[2] = {"k1", "k2"}, *prov[2] = {"aws", "gcp"}, *ns[2] = {"lazy", "busy"};
    for (int i = 0; i < 2; i++) {
        kt_cluster_rec c = {cn[i], prov[i], "r1", "USD", "test"};
        kt_node_rec n = {.name = i ? "n2" : "n1", .provider = prov[i], .region = "r1", .cpu_cores = 2,
                         .ram_bytes = 4.0 * (1 << 30)};
        if (store_put_cluster(s, &c, &cl[i], &err))
            return -1;
        n.cluster_id = cl[i];
        kt_pod_rec p = {.cluster_id = cl[0], .namespace = ns[i], .name = ns[i], .uid = ns[i]};
        if (store_put_node(s, &n, &node[i], &err))
            return -1;
        p.node_id = node[0];
        if (store_put_pod(s, &p, &pid, &err) || store_put_container(s, pid, "main", &ctr[i], &err))
            return -1;
    }
    for (int64_t t = FEB1; t < MAR10 + D; t += H) {
        kt_node_hour nh = {node[0], t, 1, 0.05, 0.01, 0, 0.14, "test"};
        int spike = t >= MAR10;
        if (store_put_node_hour(s, &nh, &err) || put(s, ctr[0], t, 1, 1, 0.1) ||
            put(s, ctr[1], t, spike ? 1 : 0.5, spike ? 2 : 1, 1))
            return -1;
    }
    kt_node_hour unpriced = {node[1], T0 - H, 1, 0, 0, 0, 0, "test"};
    int rc = store_put_node_hour(s, &unpriced, &err) || store_commit(s, &err);
    store_close(s);
    return rc;
}

static const char *config =
    "alerts:\n"
    "  - {id: eff, type: efficiency, window: 1d, aggregation: namespace, efficiencyThreshold: 0.5, "
    "spendThreshold: 1}\n"
    "  - {id: jump, type: spendChange, window: 1d, aggregation: namespace, baselineWindow: 7d, "
    "relativeThreshold: 0.5}\n"
    "  - {id: odd, type: anomaly, aggregation: namespace}\n"
    "  - {id: daily, type: recurringUpdate, window: daily, aggregation: namespace}\n"
    "  - {id: up, type: health, window: 10m}\n";

static kt_alerts_config cfg;

static kt_alert_stats round_at(int64_t t)
{
    kt_alert_opts o = {&hook, 1, 3, 10, 15, &nolim, cfg.rules, cfg.n_rules, NULL, NULL};
    return alerts_round(dbpath, &o, t);
}

static json_t *state_of(const char *key) { return alert_state(dbpath, key); }
static int firing(const char *key) { return alert_firing(dbpath, key); }

static void contact(int i, int64_t when, const char *error)
{
    kt_store *s;
    kt_err err = {0};
    CHECK(!store_open(dbpath, 0, &s, &err) && !store_set_cluster_contact(s, cl[i], when, error, &err));
    store_close(s);
}

TEST(config_names_the_line)
{
    kt_alerts_config c;
    kt_err err = {0};
    const char *bad = "alerts:\n  - type: spendChange\n    window: 1d\n    relativeThreshold: 0.2\n";
    CHECK(alerts_config_parse(bad, strlen(bad), "k.yaml", &c, &err) == -1);
    CHECK_STR(err.msg, "k.yaml:2: alerts[0].baselineWindow: required, <N>d with N from 1 to 90");
    const char *bad2 = "alerts:\n  - type: efficiency\n    window: 9d\n";
    CHECK(alerts_config_parse(bad2, strlen(bad2), "k.yaml", &c, &err) == -1);
    CHECK(strstr(err.msg, "k.yaml:3: alerts[0].window:") != NULL);
}

TEST(schedule_follows_kubecost)
{
    kt_rule r = {.type = KT_RULE_EFFICIENCY, .cal = KT_CAL_HOURS, .window_s = 7 * H};
    /* a 7h rule seen at 22:00 runs next at 04:00 (0, 7, 14, 21, 28 h from 00:00) */
    CHECK(rule_next_run(&r, MAR10 + 22 * H) == MAR10 + 28 * H);
    r.cal = KT_CAL_DAYS, r.window_s = 2 * D; /* 2d: 00:00 two days on */
    CHECK(rule_next_run(&r, MAR10 + 5 * H) == MAR10 + 2 * D);
    r.cal = KT_CAL_WEEKLY; /* 2026-03-10 is a Tuesday: the next Monday is 03-16 */
    CHECK(rule_next_run(&r, MAR10 + 5 * H) == MAR10 + 6 * D);
    r.cal = KT_CAL_MONTHLY;
    CHECK(rule_next_run(&r, MAR10 + 5 * H) == FEB1 + 28 * D + 31 * D); /* 04-01 */
}

TEST(rules_fire_once_and_resolve)
{
    contact(0, T0 - H, "");
    contact(1, T0 - 60, "watch failed");
    kt_alert_stats st = round_at(T0); /* only health runs: three fire */
    CHECK(st.fired == 3 && st.resolved == 0 && st.queued == 3);
    CHECK(firing("rule:up/silent/k1") && firing("rule:up/error/k2") && firing("rule:up/prices/k2"));
    CHECK(!firing("rule:eff/lazy"));
    contact(0, T1 - 60, "");
    contact(1, T1 - 60, "");
    st = round_at(T1); /* the daily rules run over 03-10; health recovers */
    CHECK(st.fired == 3 && st.resolved == 3 && st.queued == 7); /* 6 transitions + the report */
    CHECK(firing("rule:eff/lazy") && !firing("rule:eff/busy"));
    CHECK(firing("rule:jump/busy") && !firing("rule:jump/lazy"));
    CHECK(firing("rule:odd/busy") && !firing("rule:odd/lazy"));
    json_t *j = state_of("rule:eff/lazy");
    CHECK_NEAR(json_number_value(json_object_get(j, "efficiency")), 0.1, 1e-9);
    CHECK_NEAR(json_number_value(json_object_get(j, "totalCost")), 1.44, 1e-9);
    CHECK_STR(json_string_value(json_object_get(json_object_get(j, "labels"), "namespace")), "lazy");
    json_decref(j);
    j = state_of("rule:jump/busy");
    CHECK_NEAR(json_number_value(json_object_get(j, "relativeChange")), 1.0, 1e-9);
    CHECK_NEAR(json_number_value(json_object_get(j, "baselineDailyAverage")), 0.84, 1e-9);
    json_decref(j);
    j = state_of("rule:odd/busy");
    CHECK_NEAR(json_number_value(json_object_get(j, "actual")), 1.68, 1e-9);
    CHECK_NEAR(json_number_value(json_object_get(j, "predictedCost")), 0.84, 1e-6);
    json_decref(j);
    /* not due again, and across a restart (a fresh handle): nothing repeats */
    st = round_at(T1 + 300);
    CHECK(st.fired == 0 && st.resolved == 0 && st.queued == 0);
    /* the schedule is kept: the next run is 03-12 00:00 */
    kt_store *s;
    kt_err err = {0};
    CHECK(!store_open(dbpath, KT_STORE_READONLY, &s, &err));
    json_t *runs = rules_status(s);
    store_close(s);
    CHECK(json_array_size(runs) == 5);
    size_t i;
    json_t *r;
    json_array_foreach(runs, i, r) if (!strcmp(json_string_value(json_object_get(r, "id")), "eff")) {
        CHECK_STR(json_string_value(json_object_get(r, "nextRun")), "2026-03-12T00:00:00Z");
        CHECK_STR(json_string_value(json_object_get(r, "lastRun")), "2026-03-11T00:00:00Z");
    }
    json_decref(runs);
    /* 03-12: nothing ran on 03-11, so efficiency and spendChange recover, lazy's empty day is an anomaly too */
    contact(0, T1 + D - 60, ""); /* the collectors still report */
    contact(1, T1 + D - 60, "");
    st = round_at(T1 + D);
    CHECK(st.fired == 1 && st.resolved == 2);
    CHECK(firing("rule:odd/lazy") && firing("rule:odd/busy") && !firing("rule:eff/lazy") &&
          !firing("rule:jump/busy"));
}

TEST(rules_over_the_api)
{
    kt_store *s;
    kt_err err = {0};
    char id[64];
    CHECK(!store_open(dbpath, 0, &s, &err));
    /* a stored rule runs beside the file's; one reusing a file's id is left out */
    json_t *extra = json_pack("{s:s, s:s, s:s}", "id", "extra", "type", "recurringUpdate", "window", "daily");
    json_t *clash = json_pack("{s:s, s:s}", "id", "eff", "type", "health");
    json_t *bad = json_pack("{s:s, s:s}", "type", "spendChange", "window", "1d");
    CHECK(!rule_save_json(s, extra, id, &err) && !strcmp(id, "extra"));
    CHECK(!rule_save_json(s, clash, id, &err));
    CHECK(rule_save_json(s, bad, id, &err) == -1 && strstr(err.msg, "baselineWindow"));
    json_decref(extra), json_decref(clash), json_decref(bad);
    /* a Slack URL holds its token: GET /alerts/configs shows it hidden, and
     * the hidden form posted back keeps the stored URL */
    json_t *hook = json_pack("{s:s, s:s, s:s, s:s}", "id", "hook", "type", "recurringUpdate", "window", "daily",
                             "slackWebhookUrl", "https://hooks.slack.com/services/T0/B1/s3cr3t");
    CHECK(!rule_save_json(s, hook, id, &err));
    json_t *cfgs;
    CHECK(!rule_configs(s, &cfgs, &err));
    char *shown = json_dumps(cfgs, JSON_COMPACT);
    CHECK(shown && !strstr(shown, "s3cr3t") && strstr(shown, "\"slackWebhookUrl\":\"https://hooks.slack.com/hidden\""));
    free(shown);
    json_decref(cfgs);
    json_object_set_new(hook, "slackWebhookUrl", json_string("https://hooks.slack.com/hidden"));
    json_object_set_new(hook, "window", json_string("weekly"));
    CHECK(!rule_save_json(s, hook, id, &err));
    char *body = NULL;
    CHECK(store_get_record(s, KT_RULE_KIND, "hook", &body, &err) == 1);
    CHECK(body && strstr(body, "s3cr3t") && strstr(body, "weekly"));
    free(body);
    CHECK(rule_delete(s, "hook", &err) == 1);
    json_decref(hook);
    store_close(s);
    round_at(T1 + 2 * D);
    CHECK(!store_open(dbpath, KT_STORE_READONLY, &s, &err));
    json_t *runs = rules_status(s);
    size_t i, n_extra = 0;
    json_t *r;
    json_array_foreach(runs, i, r) {
        n_extra += !strcmp(json_string_value(json_object_get(r, "id")), "extra");
        if (!strcmp(json_string_value(json_object_get(r, "id")), "eff"))
            CHECK_STR(json_string_value(json_object_get(r, "type")), "efficiency"); /* the file's */
    }
    CHECK(json_array_size(runs) == 6 && n_extra == 1);
    json_decref(runs);
    store_close(s);
    CHECK(!store_open(dbpath, 0, &s, &err) && rule_delete(s, "extra", &err) == 1 && rule_delete(s, "extra", &err) == 0);
    store_close(s);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    snprintf(dbpath, sizeof dbpath, "sqlite:%s/r.db", dir);
    kt_err err = {0};
    if (write_fleet() || alerts_config_parse(config, strlen(config), "t.yaml", &cfg, &err)) {
        fprintf(stderr, "setup failed: %s\n", err.msg);
        return 1;
    }
    RUN(config_names_the_line);
    RUN(schedule_follows_kubecost);
    RUN(rules_fire_once_and_resolve);
    RUN(rules_over_the_api);
    alerts_config_free(&cfg);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {}
    return check_done();
}

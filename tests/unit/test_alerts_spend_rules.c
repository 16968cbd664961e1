/* test_alerts_spend_rules.c — Kubecost's threshold alerts (rule.h): budget
 * (allocations), assetBudget, cloudCostBudget (each costMetric) and the
 * cloudReport summary, plus scheduledOn, on alerts_fleet.h's fleet and a
 * three-row cloud bill, every number worked out here.
 *
 * The fleet on 2026-03-02 00:00–10:00 (10 h), idle left out:
 *   allocations by namespace: payments = pay-1 + pay-2 = 2 × 0.060 × 10 = $1.20
 *                             search   = 0.045 × 10                    = $0.45
 *   assets by cluster: each node $0.14/h × 10 h = $1.40 (k1 and k2)
 *   assets by provider: aws $1.40, gcp $1.40; $2.80 in all
 * The bill for 03-02 (List / Billed / Effective):
 *   AmazonEC2 (aws)       8.00 / 6.00 / 5.00
 *   AmazonS3 (aws)        0.60 / 0.50 / 0.50
 *   Compute Engine (gcp)  4.00 / 3.00 / 3.00
 * Rules seen at T0 = 03-02 12:00 are scheduled for 03-03 00:00 and run at
 * T1 = 03-03 00:05 over 03-02:
 *   alloc (budget, namespace, > 0.50):              payments 1.20 fires; search 0.45 not
 *   nodes (assetBudget, cluster, filter k1, > 1.00): k1 1.40 fires; k2 1.40 not watched
 *   net (cloudCostBudget, service, NetCost, > 5.50):  AmazonEC2 6.00 fires (effective 5.00 would not)
 *   amort (cloudCostBudget, default AmortizedNetCost, > 4.50): AmazonEC2 5.00 fires; Compute Engine 3.00 not
 *   assets (cloudReport, provider): one report, aws 1.40 + gcp 1.40 = 2.80
 * Four alerts fire: four notifications, plus the report = 5 to the one receiver.
 *
 * Asset and cloud budgets (Kubecost's budget types "asset" and "cloud") at
 * NOW = 03-11 13:20 (alerts_fleet.h; the fleet also runs 03-10 08:00–12:00):
 *   asset, monthly from the 1st, cluster k1 + type Node: 0.14 × (10 + 4) h = $1.96,
 *     projected at its run rate: 1.96 × 744 h (March) / 253⅓ h elapsed
 *   asset, weekly from Monday 03-09, type Node: 2 nodes × 0.14 × 4 h = $1.12;
 *     asked at 03-10 11:00 instead: today so far, 08:00–11:00, 2 × 0.14 × 3 = $0.84
 *   cloud, monthly, service AmazonEC2 or AmazonS3: 5.00 + 0.50 = $5.50 (effective)
 *   cloud, monthly, label team:web: Compute Engine's 3.00 */
#include <stdlib.h>
#include <string.h>

#include "alerts/alert.h"
#include "alerts/budget.h"
#include "alerts/config.h"
#include "alerts/rule_eval.h"
#include "alerts_fleet.h"
#include "bills/import.h"
#include "alerts_round.h"
#include "check.h"

static const int64_t T0 = 1772323200 + D + 12 * H, T1 = 1772323200 + 2 * D + 300; /* 03-02 12:00, 03-03 00:05 */
static char dir[] = "/tmp/kt-test-spend-rules-XXXXXX";
static kt_receiver hook = {.name = "down", .kind = KT_RECV_WEBHOOK, .url = "http://127.0.0.1:9/hook"};
static kt_alerts_config cfg;

static const char *config =
    "alerts:\n"
    "  - {id: alloc, type: budget, window: 1d, aggregation: namespace, threshold: 0.5}\n"
    "  - {id: nodes, type: assetBudget, window: 1d, aggregation: cluster, filter: k1, threshold: 1}\n"
    "  - {id: net, type: cloudCostBudget, window: 1d, aggregation: service, threshold: 5.5, costMetric: NetCost}\n"
    "  - {id: amort, type: cloudCostBudget, window: daily, aggregation: service, threshold: 4.5}\n"
    "  - {id: assets, type: cloudReport, window: daily, aggregation: provider}\n";

static int import_bill(void)
{
    char path[400];
    snprintf(path, sizeof path, "%s/bill.csv", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs("BillingAccountId,SubAccountId,ProviderName,ServiceName,ServiceCategory,RegionId,ResourceId,"
          "ChargeCategory,BillingCurrency,BillingPeriodStart,ChargePeriodStart,ChargePeriodEnd,ListCost,"
          "BilledCost,EffectiveCost,Tags\n", f);
    const char *rows[3][5] = {{"A1", "AWS", "AmazonEC2", "8.00,6.00,5.00", "Compute"},
                              {"A1", "AWS", "AmazonS3", "0.60,0.50,0.50", "Storage"},
                              {"G1", "Google Cloud", "Compute Engine", "4.00,3.00,3.00", "Compute"}};
    for (int i = 0; i < 3; i++)
        fprintf(f, "%s,%s,%s,%s,%s,r1,,Usage,USD,2026-03-01T00:00:00Z,2026-03-02T00:00:00Z,2026-03-03T00:00:00Z,"
                   "%s,%s\n", rows[i][0], rows[i][0], rows[i][1], rows[i][2], rows[i][4], rows[i][3],
                i == 2 ? "\"{\"\"team\"\":\"\"web\"\"}\"" : "{}");
    fclose(f);
    kt_store *s;
    kt_err err = {0};
    const char *paths[] = {path};
    kt_bill_import_opts o = {paths, 1, KT_METRIC_EFFECTIVE, NULL, NULL};
    kt_bill_import_result r;
    int rc = store_open(dbpath, 0, &s, &err) || bill_import(s, &o, &r, &err);
    if (rc)
        fprintf(stderr, "bill: %s\n", err.msg);
    store_close(s);
    return rc;
}

static kt_alert_stats round_at(int64_t t)
{
    kt_alert_opts o = {&hook, 1, 3, 10, 15, &nolim, cfg.rules, cfg.n_rules, NULL, NULL};
    return alerts_round(dbpath, &o, t);
}

static json_t *state_of(const char *key) { return alert_state(dbpath, key); }

/* The alert's totalCost when it is firing, else -1. */
static double firing_cost(const char *key)
{
    json_t *j = state_of(key);
    double v = j && json_is_true(json_object_get(j, "firing")) ? json_number_value(json_object_get(j, "totalCost"))
                                                                : -1;
    json_decref(j);
    return v;
}

TEST(threshold_rules_fire_on_hand_computed_spend)
{
    kt_alert_stats st = round_at(T0); /* first seen: scheduled, nothing runs */
    CHECK(st.fired == 0 && st.queued == 0);
    st = round_at(T1);
    CHECK(st.fired == 4 && st.resolved == 0 && st.queued == 5);
    CHECK_NEAR(firing_cost("rule:alloc/payments"), 1.20, 1e-9);
    CHECK(firing_cost("rule:alloc/search") < 0);
    CHECK_NEAR(firing_cost("rule:nodes/k1"), 1.40, 1e-9);
    CHECK(firing_cost("rule:nodes/k2") < 0);
    CHECK_NEAR(firing_cost("rule:net/AmazonEC2"), 6.00, 1e-9);
    CHECK(firing_cost("rule:net/AmazonS3") < 0);
    CHECK_NEAR(firing_cost("rule:amort/AmazonEC2"), 5.00, 1e-9);
    CHECK(firing_cost("rule:amort/Compute Engine") < 0);
    json_t *j = state_of("rule:net/AmazonEC2");
    CHECK_STR(json_string_value(json_object_get(j, "costMetric")), "NetCost");
    CHECK_STR(json_string_value(json_object_get(json_object_get(j, "labels"), "service")), "AmazonEC2");
    CHECK_STR(json_string_value(json_object_get(json_object_get(j, "labels"), "type")), "cloudCostBudget");
    json_decref(j);
}

TEST(scheduled_on_is_the_first_sight)
{
    kt_store *s;
    kt_err err = {0};
    CHECK(!store_open(dbpath, KT_STORE_READONLY, &s, &err));
    json_t *runs = rules_status(s);
    store_close(s);
    CHECK(json_array_size(runs) == 5);
    size_t i;
    json_t *r;
    json_array_foreach(runs, i, r) {
        CHECK_STR(json_string_value(json_object_get(r, "scheduledOn")), "2026-03-02T12:00:00Z");
        CHECK_STR(json_string_value(json_object_get(r, "lastRun")), "2026-03-03T00:00:00Z");
        CHECK_STR(json_string_value(json_object_get(r, "nextRun")), "2026-03-04T00:00:00Z");
    }
    json_decref(runs);
}

TEST(bad_threshold_rules_name_the_field)
{
    static const struct { const char *yaml, *msg; } cases[] = {
        {"alerts:\n  - {type: assetBudget, window: 1d}\n", "t.yaml:2: alerts[0].threshold: required"},
        {"alerts:\n  - {type: cloudCostBudget, window: 3h, threshold: 1}\n", "t.yaml:2: alerts[0].window: <N>d"},
        {"alerts:\n  - {type: cloudCostBudget, window: 1d, threshold: 1, costMetric: Gross}\n",
         "t.yaml:2: alerts[0].costMetric: ListCost"},
        {"alerts:\n  - {type: budget, window: 1d, threshold: 1, costMetric: NetCost}\n",
         "t.yaml:2: alerts[0].costMetric: only for cloudCostBudget"},
        {"alerts:\n  - {type: assetBudget, window: 1d, threshold: 1, aggregation: namespace}\n",
         "t.yaml:2: alerts[0].aggregation: type, cluster"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        kt_alerts_config c;
        kt_err err = {0};
        CHECK(alerts_config_parse(cases[i].yaml, strlen(cases[i].yaml), "t.yaml", &c, &err) == -1);
        if (strncmp(err.msg, cases[i].msg, strlen(cases[i].msg))) {
            fprintf(stderr, "case %zu: %s\n", i, err.msg);
            CHECK(0);
        }
    }
}

static double budget_spend_at(const char *json, int64_t now, double *forecast)
{
    kt_budget b;
    kt_err err = {0};
    kt_store *s = NULL;
    kt_budget_status st = {0};
    json_t *j = json_loads(json, 0, NULL);
    int rc = budget_from_json(j, &b, NULL, &err) || store_open(dbpath, KT_STORE_READONLY, &s, &err) ||
             budgets_status(s, &b, 1, now, &nolim, &st, &err);
    if (rc)
        fprintf(stderr, "budget %s: %s\n", json, err.msg);
    store_close(s);
    budget_free(&b);
    json_decref(j);
    if (forecast)
        *forecast = st.forecast;
    return rc ? -1 : st.spend;
}

TEST(asset_and_cloud_budgets)
{
    double fc;
    CHECK_NEAR(budget_spend_at("{\"name\": \"k1 nodes\", \"type\": \"asset\", \"interval\": \"monthly\", "
                               "\"spendLimit\": 10, \"values\": {\"cluster\": [\"k1\"], \"type\": [\"Node\"]}}",
                               NOW, &fc), 1.96, 1e-9);
    CHECK_NEAR(fc, 1.96 * 744 / (253 + 1.0 / 3), 1e-9);
    const char *weekly = "{\"name\": \"nodes\", \"type\": \"asset\", \"interval\": \"weekly\", \"intervalDay\": 1, "
                         "\"spendLimit\": 10, \"values\": {\"type\": [\"Node\"]}}";
    CHECK_NEAR(budget_spend_at(weekly, NOW, NULL), 1.12, 1e-9);
    CHECK_NEAR(budget_spend_at(weekly, MAR1 + 9 * D + 11 * H, NULL), 0.84, 1e-9);
    CHECK_NEAR(budget_spend_at("{\"name\": \"aws\", \"type\": \"cloud\", \"interval\": \"monthly\", "
                               "\"spendLimit\": 10, \"values\": {\"service\": [\"AmazonEC2\", \"AmazonS3\"]}}",
                               NOW, NULL), 5.50, 1e-9);
    CHECK_NEAR(budget_spend_at("{\"name\": \"web\", \"type\": \"cloud\", \"interval\": \"monthly\", "
                               "\"spendLimit\": 10, \"values\": {\"label\": [\"team:web\"]}}", NOW, NULL), 3.00, 1e-9);
    /* categories are checked per type */
    kt_budget b;
    kt_err err = {0};
    json_t *j = json_loads("{\"name\": \"x\", \"type\": \"asset\", \"interval\": \"weekly\", \"spendLimit\": 1, "
                           "\"values\": {\"namespace\": [\"a\"]}}", 0, NULL);
    CHECK(budget_from_json(j, &b, NULL, &err) == -1 && strstr(err.msg, "for an asset budget"));
    budget_free(&b);
    json_decref(j);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    snprintf(dbpath, sizeof dbpath, "sqlite:%s/r.db", dir);
    kt_err err = {0};
    if (write_fleet() || import_bill() || alerts_config_parse(config, strlen(config), "t.yaml", &cfg, &err)) {
        fprintf(stderr, "setup failed: %s\n", err.msg);
        return 1;
    }
    RUN(threshold_rules_fire_on_hand_computed_spend);
    RUN(scheduled_on_is_the_first_sight);
    RUN(bad_threshold_rules_name_the_field);
    RUN(asset_and_cloud_budgets);
    alerts_config_free(&cfg);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {
    }
    return check_done();
}

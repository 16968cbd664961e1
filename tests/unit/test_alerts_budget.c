/* test_alerts_budget.c — budgets (src/alerts/budget*.c): validation, the
 * period each interval gives, persistence in the store, and current spend
 * asked through engine_ask on a tiny fleet whose money is computed by hand.
 *
 * The fleet: two clusters, one node each (2 cores, 4 GiB; $0.05 per
 * core-hour, $0.01 per GiB-hour, $0.14 per hour), three pods using exactly
 * what they request (so settlement charges the request in full):
 *   k1 (aws):  pay-1   namespace payments, team=payments: 1 core, 1 GiB → 0.05 + 0.01 = $0.060/h
 *              search-1 namespace search,  team=search:   0.5 core, 2 GiB → 0.025 + 0.02 = $0.045/h
 *   k2 (gcp):  pay-2   namespace payments, team=payments: 1 core, 1 GiB → $0.060/h
 * Every pod runs in the same hours:
 *   2026-02-27 10:00–15:00 (5 h), 2026-03-02 00:00–10:00 (10 h), 2026-03-10 08:00–12:00 (4 h).
 * "Now" is 2026-03-11T13:20Z, a Wednesday. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "alerts/budget.h"
#include "alerts/budget_store.h"
#include "alerts/webhook_secret.h"
#include "alerts_fleet.h"
#include "check.h"
#include "store/store.h"
#include "util/time.h"

static char dir[] = "/tmp/kt-test-budget-XXXXXX";

static int parse(const char *text, kt_budget *b, kt_err *err)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    if (!j) {
        fprintf(stderr, "bad test JSON: %s\n", je.text);
        return -1;
    }
    int rc = budget_from_json(j, b, NULL, err);
    json_decref(j);
    return rc;
}

/* Spend of a budget given as JSON, over the period holding NOW. */
static double spend_of(const char *text, kt_window *w)
{
    kt_budget b;
    kt_err err = {0};
    kt_store *s;
    double spend = -1;
    if (parse(text, &b, &err) || store_open(dbpath, KT_STORE_READONLY, &s, &err)) {
        fprintf(stderr, "spend: %s\n", err.msg);
        budget_free(&b);
        return -1;
    }
    if (budget_spend(s, &b, NOW, &nolim, &spend, w, &err))
        fprintf(stderr, "spend: %s\n", err.msg);
    store_close(s);
    budget_free(&b);
    return spend;
}

TEST(spend_by_team_namespace_cluster_provider)
{
    kt_window w;
    /* March so far: pay-1 and pay-2, 10 h + 4 h each: 2 × 14 × 0.06 = 1.68 */
    CHECK_NEAR(spend_of("{\"name\":\"pay\",\"values\":{\"label\":[\"team:payments\"]},\"interval\":\"monthly\","
                        "\"spendLimit\":2}", &w), 1.68, 1e-9);
    CHECK(w.start == MAR1 && w.end == MAR1 + 31 * D);
    /* the week from Monday 03-09: every pod, 4 h × (0.06 + 0.045 + 0.06) = 0.66 */
    CHECK_NEAR(spend_of("{\"name\":\"all\",\"values\":{},\"interval\":\"weekly\",\"intervalDay\":1,"
                        "\"spendLimit\":1}", &w), 0.66, 1e-9);
    CHECK(w.start == MAR1 + 8 * D && w.end == MAR1 + 15 * D);
    /* cluster k1 from 02-27: pay-1 + search-1, (5 + 10 + 4) h × 0.105 = 1.995 */
    CHECK_NEAR(spend_of("{\"name\":\"k1\",\"values\":{\"cluster\":[\"k1\"]},\"interval\":\"monthly\","
                        "\"intervalDay\":27,\"spendLimit\":5}", &w), 1.995, 1e-9);
    CHECK(w.start == MAR1 - 2 * D && w.end == MAR1 + 26 * D);
    /* provider gcp in March: pay-2, 14 h × 0.06 = 0.84 */
    CHECK_NEAR(spend_of("{\"name\":\"gcp\",\"values\":{\"provider\":[\"gcp\"]},\"interval\":\"monthly\","
                        "\"spendLimit\":5}", NULL), 0.84, 1e-9);
    /* namespaces payments or search, AND team search: search-1, 14 h × 0.045 = 0.63 */
    CHECK_NEAR(spend_of("{\"name\":\"s\",\"values\":{\"namespace\":[\"payments\",\"search\"],"
                        "\"label\":[\"team:search\"]},\"interval\":\"monthly\",\"spendLimit\":5}", NULL), 0.63, 1e-9);
    /* the week from Wednesday 03-11: nothing ran yet */
    CHECK_NEAR(spend_of("{\"name\":\"w\",\"values\":{},\"interval\":\"weekly\",\"intervalDay\":3,"
                        "\"spendLimit\":5}", &w), 0, 1e-12);
    CHECK(w.start == MAR1 + 10 * D);
}

TEST(periods_clamp_to_the_month)
{
    kt_budget b;
    kt_err err;
    CHECK(parse("{\"name\":\"x\",\"values\":{},\"interval\":\"monthly\",\"intervalDay\":31,\"spendLimit\":1}",
                &b, &err) == 0);
    /* day 31 of March is ahead, so the period began on February's last day
     * (the 28th) and ends on March 31 */
    kt_window w = budget_period(&b, NOW);
    CHECK(w.start == MAR1 - D && w.end == MAR1 + 30 * D);
    /* on March 31 itself a new period starts, ending April 30 (its last day) */
    w = budget_period(&b, MAR1 + 30 * D + 5);
    CHECK(w.start == MAR1 + 30 * D && w.end == MAR1 + 60 * D);
    budget_free(&b);
    /* weekly on Sunday (0): March 1 was a Sunday, so at NOW the week began 03-08 */
    CHECK(parse("{\"name\":\"x\",\"values\":{},\"interval\":\"weekly\",\"spendLimit\":1}", &b, &err) == 0);
    w = budget_period(&b, NOW);
    CHECK(w.start == MAR1 + 7 * D && w.end == MAR1 + 14 * D);
    budget_free(&b);
}

TEST(validation_names_the_field)
{
    static const struct { const char *json, *field, *msg; } cases[] = {
        {"{\"values\":{},\"interval\":\"weekly\",\"spendLimit\":1}", "name", "required"},
        {"{\"name\":\"a\",\"values\":{},\"interval\":\"daily\",\"spendLimit\":1}", "interval", "weekly or monthly"},
        {"{\"name\":\"a\",\"values\":{},\"interval\":\"weekly\",\"intervalDay\":7,\"spendLimit\":1}", "intervalDay",
         "0 (Sunday) to 6"},
        {"{\"name\":\"a\",\"values\":{},\"interval\":\"monthly\",\"spendLimit\":0}", "spendLimit", "above 0"},
        {"{\"name\":\"a\",\"values\":{\"team\":[\"x\"]},\"interval\":\"monthly\",\"spendLimit\":1}", "values",
         "unknown category 'team'"},
        {"{\"name\":\"a\",\"values\":{\"label\":[\"x\"]},\"interval\":\"monthly\",\"spendLimit\":1}", "values",
         "key:value"},
        {"{\"name\":\"a\",\"values\":{\"namespace\":[\"a\\\"b\"]},\"interval\":\"monthly\",\"spendLimit\":1}",
         "values", "quotes"},
        {"{\"name\":\"a\",\"values\":{},\"interval\":\"monthly\",\"spendLimit\":1,\"actions\":[{\"percentage\":-1}]}",
         "actions", "percentage"},
        {"{\"name\":\"a\",\"values\":{},\"interval\":\"monthly\",\"spendLimit\":1,\"limit\":3}", "limit",
         "unknown field"},
        {"{\"name\":\"a\",\"type\":\"collections\",\"values\":{},\"interval\":\"monthly\",\"spendLimit\":1}", "type",
         "collections budgets are not kept"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        json_t *j = json_loads(cases[i].json, 0, NULL);
        kt_budget b;
        kt_err err = {0};
        const char *field = NULL;
        CHECK(j && budget_from_json(j, &b, &field, &err) == -1);
        CHECK_STR(field, cases[i].field);
        CHECK(strstr(err.msg, cases[i].field) && strstr(err.msg, cases[i].msg));
        if (!strstr(err.msg, cases[i].msg))
            fprintf(stderr, "  case %zu: %s\n", i, err.msg);
        budget_free(&b);
        json_decref(j);
    }
}

TEST(saved_listed_updated_deleted)
{
    kt_store *s;
    kt_err err = {0};
    kt_budget b, *list;
    size_t n;
    CHECK(store_open(dbpath, 0, &s, &err) == 0);
    CHECK(parse("{\"name\":\"pay\",\"values\":{\"label\":[\"team:payments\"]},\"interval\":\"monthly\","
                "\"spendLimit\":2,\"actions\":[{\"percentage\":80,\"emails\":[\"a@example.com\"]}]}",
                &b, &err) == 0);
    CHECK(budget_save(s, &b, &err) == 0 && strlen(b.id) == 16);
    char id[64];
    snprintf(id, sizeof id, "%s", b.id);
    b.spend_limit = 3; /* an update keeps the id */
    CHECK(budget_save(s, &b, &err) == 0 && !strcmp(b.id, id));
    budget_free(&b);
    CHECK(budget_list(s, &list, &n, &err) == 0 && n == 1);
    if (n == 1) {
        CHECK_STR(list[0].id, id);
        CHECK_NEAR(list[0].spend_limit, 3, 1e-12);
        CHECK(json_array_size(list[0].actions) == 1);
        kt_budget_status st = {.period = {MAR1, MAR1 + 31 * D}, .spend = 1.68};
        json_t *a = budget_answer_json(&list[0], &st);
        CHECK_STR(json_string_value(json_object_get(json_object_get(a, "window"), "start")),
                  "2026-03-01T00:00:00Z");
        CHECK_STR(json_string_value(json_object_get(a, "interval")), "monthly");
        CHECK_NEAR(json_number_value(json_object_get(a, "currentSpend")), 1.68, 1e-12);
        json_decref(a);
    }
    budget_list_free(list, n);
    CHECK(budget_delete(s, id, &err) == 1);
    CHECK(budget_delete(s, id, &err) == 0);
    CHECK(budget_list(s, &list, &n, &err) == 0 && n == 0);
    budget_list_free(list, n);
    store_close(s);
    /* a read-only handle refuses to save, naming why */
    CHECK(store_open(dbpath, KT_STORE_READONLY, &s, &err) == 0);
    CHECK(parse("{\"name\":\"x\",\"values\":{},\"interval\":\"weekly\",\"spendLimit\":1}", &b, &err) == 0);
    CHECK(budget_save(s, &b, &err) == -1 && strstr(err.msg, "read-only"));
    budget_free(&b);
    store_close(s);
}

/* Chat webhook URLs hold their token in the path: answers show
 * scheme://host/hidden, and an update that posts the hidden form back (as
 * Kubecost's UI does with what GET /budgets gave it) keeps the stored URL,
 * while a new URL replaces it. */
TEST(webhook_urls_hidden_and_kept)
{
    char h[128];
    webhook_hidden("https://hooks.slack.com/services/T0/B1/s3cr3t", h, sizeof h);
    CHECK_STR(h, "https://hooks.slack.com/hidden");
    webhook_hidden("https://bot:pw@teams.example:8443/webhookb2/s3cr3t?x=1", h, sizeof h);
    CHECK_STR(h, "https://teams.example:8443/hidden");
    webhook_hidden("s3cr3t", h, sizeof h);
    CHECK_STR(h, "hidden");

    kt_store *s;
    kt_err err = {0};
    kt_budget b, *list;
    size_t n;
    CHECK(store_open(dbpath, 0, &s, &err) == 0);
    CHECK(parse("{\"name\":\"hook\",\"values\":{},\"interval\":\"weekly\",\"spendLimit\":5,\"actions\":["
                "{\"percentage\":50,\"slackWebhooks\":[\"https://hooks.slack.com/services/T0/B1/s3cr3t\"],"
                "\"msTeamsWebhooks\":[\"https://teams.example/webhookb2/t0k3n\"]}]}",
                &b, &err) == 0);
    CHECK(budget_save(s, &b, &err) == 0);
    kt_budget_status st = {.period = {MAR1, MAR1 + 7 * D}, .spend = 1};
    json_t *a = budget_answer_json(&b, &st);
    char *text = json_dumps(a, JSON_COMPACT);
    CHECK(text && !strstr(text, "s3cr3t") && !strstr(text, "t0k3n"));
    CHECK(text && strstr(text, "\"slackWebhooks\":[\"https://hooks.slack.com/hidden\"]"));
    /* the answer posted back with a raised limit and one new Teams URL */
    json_t *acts = json_object_get(a, "actions");
    json_array_set_new(json_object_get(json_array_get(acts, 0), "msTeamsWebhooks"), 0,
                       json_string("https://teams.example/webhookb2/n3w"));
    json_object_set_new(a, "spendLimit", json_real(6));
    kt_budget b2;
    CHECK(budget_from_json(a, &b2, NULL, &err) == 0);
    CHECK(budget_save(s, &b2, &err) == 0 && !strcmp(b2.id, b.id));
    CHECK(budget_list(s, &list, &n, &err) == 0);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i].id, b.id)) {
            json_t *act = json_array_get(list[i].actions, 0);
            CHECK_STR(json_string_value(json_array_get(json_object_get(act, "slackWebhooks"), 0)),
                      "https://hooks.slack.com/services/T0/B1/s3cr3t");
            CHECK_STR(json_string_value(json_array_get(json_object_get(act, "msTeamsWebhooks"), 0)),
                      "https://teams.example/webhookb2/n3w");
            CHECK_NEAR(list[i].spend_limit, 6, 1e-12);
        }
    budget_list_free(list, n);
    CHECK(budget_delete(s, b.id, &err) == 1);
    free(text);
    json_decref(a);
    budget_free(&b);
    budget_free(&b2);
    store_close(s);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    snprintf(dbpath, sizeof dbpath, "sqlite:%s/budget.db", dir);
    if (write_fleet())
        return 1;
    RUN(spend_by_team_namespace_cluster_provider);
    RUN(periods_clamp_to_the_month);
    RUN(validation_names_the_field);
    RUN(saved_listed_updated_deleted);
    RUN(webhook_urls_hidden_and_kept);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {
    }
    return check_done();
}

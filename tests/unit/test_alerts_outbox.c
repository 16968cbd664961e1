/* test_alerts_outbox.c — alert state and the outbox (src/alerts/evaluate.c,
 * deliver.c) on the tiny fleet of alerts_fleet.h: an alert fires once when
 * its budget crosses, is not told again while it stays over (also after
 * the store is closed and opened again, as after a restart), resolves when
 * a new period starts, and a notification nobody accepts is retried with
 * doubling backoff and then marked failed with its error.  Receivers here
 * are unreachable on purpose (127.0.0.1 port 9, discard, closed): the
 * integration test (tests/integration/alerts) delivers to real ones. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts/alert.h"
#include "alerts/budget_store.h"
#include "alerts_fleet.h"
#include "check.h"

static char dir[] = "/tmp/kt-test-outbox-XXXXXX";
static kt_receiver recv_closed = {.name = "down", .kind = KT_RECV_WEBHOOK, .url = "http://127.0.0.1:9/hook"};

static kt_alert_opts opts(void)
{
    kt_alert_opts o = {&recv_closed, 1, 3, 10, 15, &nolim, NULL, 0, NULL, NULL};
    return o;
}

static kt_alert_stats evaluate_with(int64_t t, const kt_engine_limits *lim)
{
    kt_store *s;
    kt_err err = {0};
    kt_alert_stats st = {0};
    kt_alert_opts o = opts();
    if (lim)
        o.lim = lim;
    /* a fresh handle each time, as serve after a restart */
    if (store_open(dbpath, 0, &s, &err) || alerts_evaluate(s, &o, t, &st, &err))
        fprintf(stderr, "evaluate: %s\n", err.msg);
    store_close(s);
    return st;
}

static kt_alert_stats evaluate_at(int64_t t) { return evaluate_with(t, NULL); }

static kt_alert_stats deliver_at(int64_t t)
{
    kt_store *s;
    kt_err err = {0};
    kt_alert_stats st = {0};
    kt_alert_opts o = opts();
    if (store_open(dbpath, 0, &s, &err) || alerts_deliver(s, &o, t, &st, &err))
        fprintf(stderr, "deliver: %s\n", err.msg);
    store_close(s);
    return st;
}

static json_t *status(void)
{
    kt_store *s;
    kt_err err = {0};
    json_t *j = NULL;
    if (store_open(dbpath, KT_STORE_READONLY, &s, &err) || alerts_status(s, &j, &err))
        fprintf(stderr, "status: %s\n", err.msg);
    store_close(s);
    return json_object_get(j, "data") ? j : json_pack("{s:{s:[], s:[]}}", "data", "alerts", "notifications");
}

TEST(hmac_matches_rfc4231)
{
    /* RFC 4231 test case 2 */
    char hex[65];
    receiver_sign((const unsigned char *)"Jefe", 4, "what do ya want for nothing?", 28, hex);
    CHECK_STR(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(fires_once_resolves_once)
{
    kt_store *s;
    kt_err err = {0};
    kt_budget b;
    json_t *j = json_loads("{\"id\":\"pay\",\"name\":\"payments\",\"values\":{\"label\":[\"team:payments\"],"
                           "\"cluster\":[\"k1\",\"k2\"]},\"interval\":\"monthly\",\"spendLimit\":2,\"actions\":["
                           "{\"percentage\":50},{\"percentage\":80},{\"percentage\":100}]}", 0, NULL);
    CHECK(j && budget_from_json(j, &b, NULL, &err) == 0);
    json_decref(j);
    CHECK(store_open(dbpath, 0, &s, &err) == 0 && budget_save(s, &b, &err) == 0);
    store_close(s);
    budget_free(&b);

    /* March 1, before anything ran in March: spend 0, nothing fires */
    kt_alert_stats st = evaluate_at(MAR1 + 60);
    CHECK(st.budgets == 1 && st.fired == 0 && st.queued == 0);
    /* March 2, 00:00: still nothing in March (whole days: March 2's hourly
     * rows are past the 3-day retention, its daily row stays) */
    st = evaluate_at(MAR1 + D);
    CHECK(st.fired == 0);
    /* March 3, 00:00: 2 pods × 10 h × 0.06 = 1.20 ≥ 1.00 (50 % of 2): the 50 % alert fires, one notification */
    st = evaluate_at(MAR1 + 2 * D);
    CHECK(st.fired == 1 && st.queued == 1);
    /* March 11 (NOW): 1.68 ≥ 1.60: 80 % fires; 50 % stays firing and is not told again; 100 % (2.00) not */
    st = evaluate_at(NOW);
    CHECK(st.fired == 1 && st.resolved == 0 && st.queued == 1);
    st = evaluate_at(NOW + 60);
    CHECK(st.fired == 0 && st.resolved == 0 && st.queued == 0);
    /* GET /budgets shows when each action's alert fired (Kubecost's lastFired) */
    json_t *ans = NULL;
    CHECK(store_open(dbpath, KT_STORE_READONLY, &s, &err) == 0 && budget_answers(s, NOW, &nolim, &ans, &err) == 0);
    store_close(s);
    json_t *acts = json_object_get(json_array_get(json_object_get(ans, "data"), 0), "actions");
    CHECK_STR(json_string_value(json_object_get(json_array_get(acts, 0), "lastFired")), "2026-03-03T00:00:00Z");
    CHECK_STR(json_string_value(json_object_get(json_array_get(acts, 1), "lastFired")), "2026-03-11T13:20:00Z");
    CHECK(!json_object_get(json_array_get(acts, 2), "lastFired"));
    json_decref(ans);
    /* April 1: a new period, spend 0: both resolve, one notification each */
    st = evaluate_at(MAR1 + 31 * D + 60);
    CHECK(st.fired == 0 && st.resolved == 2 && st.queued == 2);
    st = evaluate_at(MAR1 + 31 * D + 120);
    CHECK(st.queued == 0);

    json_t *js = status();
    json_t *alerts = json_object_get(json_object_get(js, "data"), "alerts"),
           *notes = json_object_get(json_object_get(js, "data"), "notifications");
    CHECK(json_array_size(alerts) == 2 && json_array_size(notes) == 4);
    const char *events[4] = {"firing", "firing", "resolved", "resolved"};
    for (size_t i = 0; i < json_array_size(notes) && i < 4; i++) {
        json_t *n = json_array_get(notes, i);
        CHECK_STR(json_string_value(json_object_get(n, "event")), events[i]);
        CHECK_STR(json_string_value(json_object_get(n, "status")), "pending");
        CHECK(!json_object_get(n, "body")); /* the listing never shows what was sent */
    }
    json_t *a0 = json_array_get(alerts, 0);
    CHECK_STR(json_string_value(json_object_get(a0, "id")), "pay/50");
    json_t *labels = json_object_get(a0, "labels");
    CHECK_STR(json_string_value(json_object_get(labels, "team")), "payments");
    CHECK_STR(json_string_value(json_object_get(labels, "cluster")), "k1,k2");
    CHECK_STR(json_string_value(json_object_get(labels, "severity")), "warning");
    CHECK(json_is_false(json_object_get(a0, "firing")));
    json_decref(js);
}

TEST(retries_back_off_then_fail)
{
    int64_t t = MAR1 + 40 * D;
    /* 4 pending, all due: each attempt fails (nothing listens on port 9) */
    kt_alert_stats st = deliver_at(t);
    CHECK(st.sent == 0 && st.retried == 4 && st.gave_up == 0);
    /* first wait: initial backoff 10 s */
    CHECK(st.next_attempt == t + 10);
    st = deliver_at(t + 9);
    CHECK(st.retried == 0 && st.next_attempt == t + 10);
    /* second failure at t+10: wait 20 s, capped at maxBackoff 15 s */
    st = deliver_at(t + 10);
    CHECK(st.retried == 4 && st.next_attempt == t + 25);
    /* third attempt = maxAttempts: failed, nothing left pending */
    st = deliver_at(t + 25);
    CHECK(st.gave_up == 4 && st.next_attempt == 0);
    /* nothing more is tried; the one queued on March 3 is over 30 days old (April 10 − March 3) and goes */
    st = deliver_at(t + 1000);
    CHECK(st.retried == 0 && st.gave_up == 0 && st.sent == 0 && st.pruned == 1);
    json_t *js = status();
    json_t *n = json_array_get(json_object_get(json_object_get(js, "data"), "notifications"), 0);
    CHECK_STR(json_string_value(json_object_get(n, "status")), "failed");
    CHECK(json_integer_value(json_object_get(n, "attempts")) == 3);
    const char *e = json_string_value(json_object_get(n, "lastError"));
    /* names the receiver, never its URL */
    CHECK(e && strstr(e, "webhook down") && !strstr(e, "127.0.0.1"));
    json_decref(js);
    /* the one of March 11 goes 30 days later; the two of April 1 (00:01) a second after 30 days */
    st = deliver_at(MAR1 + 31 * D + 60 + 30 * D - 1);
    CHECK(st.pruned == 1);
    st = deliver_at(MAR1 + 31 * D + 120 + 30 * D);
    CHECK(st.pruned == 2);
    js = status();
    CHECK(json_array_size(json_object_get(json_object_get(js, "data"), "notifications")) == 0);
    json_decref(js);
}

TEST(deleting_a_budget_resolves_its_alerts)
{
    kt_store *s;
    kt_err err = {0};
    kt_budget b;
    /* the whole fleet in March up to NOW: 14 h × (0.06 + 0.045 + 0.06) = 2.31 ≥ 2.00 */
    json_t *j = json_loads("{\"id\":\"all\",\"name\":\"all\",\"values\":{},\"interval\":\"monthly\","
                           "\"spendLimit\":2,\"actions\":[{\"percentage\":100,"
                           "\"slackWebhooks\":[\"http://127.0.0.1:9/s\"],\"msTeamsWebhooks\":[\"http://127.0.0.1:9/t\"]}]}",
                           0, NULL);
    CHECK(j && budget_from_json(j, &b, NULL, &err) == 0);
    json_decref(j);
    /* without the earlier test's budget (its alerts are resolved: going says nothing) */
    CHECK(store_open(dbpath, 0, &s, &err) == 0 && budget_delete(s, "pay", &err) == 1);
    CHECK(budget_save(s, &b, &err) == 0);
    store_close(s);
    budget_free(&b);
    /* the receiver, and the action's Slack and Teams webhooks: 3 notifications */
    kt_alert_stats st = evaluate_at(NOW);
    CHECK(st.fired == 1 && st.resolved == 0 && st.queued == 3);
    json_t *js = status();
    json_t *notes = json_object_get(json_object_get(js, "data"), "notifications");
    size_t nn = json_array_size(notes);
    CHECK(nn >= 2);
    if (nn >= 2) {
        CHECK_STR(json_string_value(json_object_get(json_array_get(notes, nn - 2), "receiver")), "slack:1");
        CHECK_STR(json_string_value(json_object_get(json_array_get(notes, nn - 1), "receiver")), "msteams:1");
        CHECK(!json_object_get(json_array_get(notes, nn - 1), "url")); /* the URL holds the token */
    }
    json_decref(js);
    /* when the spend cannot be asked (here: windows over an hour refused),
     * the alert is left firing, not taken for gone */
    static const kt_engine_limits tight = {3600, 0, 0, 0, 0, 0};
    st = evaluate_with(NOW + 30, &tight);
    CHECK(st.budgets == 1 && st.fired == 0 && st.resolved == 0 && st.queued == 0);
    CHECK(store_open(dbpath, 0, &s, &err) == 0 && budget_delete(s, "all", &err) == 1);
    char *body = NULL;
    store_close(s);
    /* the budget is gone, and its action's webhooks with it: the receiver alone is told */
    st = evaluate_at(NOW + 60);
    CHECK(st.fired == 0 && st.resolved == 1 && st.queued == 1);
    /* its state is gone with it, so nothing more is ever said about it */
    CHECK(store_open(dbpath, KT_STORE_READONLY, &s, &err) == 0);
    CHECK(store_get_record(s, KT_ALERT_KIND, "all/100", &body, &err) == 0 && !body);
    store_close(s);
    st = evaluate_at(NOW + 120);
    CHECK(st.resolved == 0 && st.queued == 0);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    snprintf(dbpath, sizeof dbpath, "sqlite:%s/outbox.db", dir);
    if (write_fleet())
        return 1;
    RUN(hmac_matches_rfc4231);
    RUN(fires_once_resolves_once);
    RUN(retries_back_off_then_fail);
    RUN(deleting_a_budget_resolves_its_alerts);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {
    }
    return check_done();
}

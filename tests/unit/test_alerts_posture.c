/* test_alerts_posture.c — posture rules and the health rule's findings
 * (rule.h) over a posture feed written here by hand, as serve's posture
 * service would hand it in (alerts/posture_feed.h).
 *
 * Feed A (rounds 1 and 2):
 *   posture eu1 shop/Deployment web  privilegeEscalationAllowed  danger
 *   posture eu1 shop/Deployment web  cpuLimitsMissing            warning
 *   posture eu1 shop/Pod db-0        residency/eu                danger
 *   posture us1 shop/Pod x           pss-baseline/privileged     danger
 *   posture (fleet) shop/Deployment api resilience/single-cloud  warning
 *   health  eu1 shop/Pod web-1       CrashLoopBackOff            warning
 *   health  eu1 shop/Pod web-2       ImagePullBackOff            warning
 *   scores: eu1 Polaris 75, health 85; us1 Polaris 90, health 100; fleet Polaris 65
 * Rules and what feed A fires:
 *   pos   posture (danger, every check, every cluster): privilegeEscalationAllowed,
 *         residency/eu, pss-baseline/privileged                          3
 *   posw  posture, severity warning, checks [residency, pss], filter eu1:
 *         residency/eu (pss is in us1; the fleet-wide finding is not in eu1;
 *         cpuLimitsMissing is not among the checks)                      1
 *   score posture, threshold 80, severity none: eu1 (75 < 80)            1
 *   fleet posture, aggregation fleet, threshold 70, severity none: 65   1
 *   hl    health, threshold 90, checks [CrashLoopBackOff, NodeNotReady]:
 *         web-1 CrashLoopBackOff, eu1's health score 85 < 90             2
 *   = 8 fired, one webhook notification each.  Round 2 (the same feed):
 *   nothing.  Feed B (round 3): db-0 moved to an EU node, web-1 fixed, eu1's
 *   Polaris score 85: 4 resolve (pos and posw residency, score eu1, the
 *   crash loop); eu1's health score stays 85 (< 90).  Round 4: no feed (the
 *   service failed): nothing changes, the rules keep the error. */
#include <stdlib.h>
#include <string.h>

#include "alerts/alert.h"
#include "alerts/config.h"
#include "alerts/posture_feed.h"
#include "alerts/rule_eval.h"
#include "alerts_round.h"
#include "check.h"

static const int64_t T = 1773144000; /* 2026-03-10 12:00 UTC */
static const kt_engine_limits nolim = {0};
static char dir[] = "/tmp/kt-test-postalert-XXXXXX", dbpath[300];
static kt_receiver hook = {.name = "down", .kind = KT_RECV_WEBHOOK, .url = "http://127.0.0.1:9/hook"};
static kt_alerts_config cfg;
static kt_posture_feed *current; /* what the fake service hands in; NULL: it failed */
static int asked;

static const char *config =
    "alerts:\n"
    "  - {id: pos, type: posture}\n"
    "  - {id: posw, type: posture, severity: warning, checks: [residency, pss], filter: eu1}\n"
    "  - {id: score, type: posture, threshold: 80, severity: none}\n"
    "  - {id: fleet, type: posture, aggregation: fleet, threshold: 70, severity: none}\n"
    "  - {id: hl, type: health, threshold: 90, checks: [CrashLoopBackOff, NodeNotReady]}\n";

static int feed_fn(void *ud, kt_store *s, int64_t now, kt_posture_feed **out, kt_err *err)
{
    asked++;
    *out = posture_feed_ref(current);
    return *out ? 0 : kt_fail(err, KT_ERUNTIME, "cluster eu1: connection refused");
}

static kt_alert_stats round_at(int64_t t)
{
    kt_alert_opts o = {&hook, 1, 3, 10, 15, &nolim, cfg.rules, cfg.n_rules, feed_fn, NULL};
    return alerts_round(dbpath, &o, t);
}

static kt_posture_feed *feed(int fixed)
{
    kt_posture_feed *f = posture_feed_new(T);
    posture_feed_add(f, KT_FEED_POSTURE, 2, "eu1", "shop", "Deployment", "web", "privilegeEscalationAllowed",
                     "Privilege escalation should not be allowed; container web");
    posture_feed_add(f, KT_FEED_POSTURE, 1, "eu1", "shop", "Deployment", "web", "cpuLimitsMissing",
                     "CPU limits should be set");
    if (!fixed)
        posture_feed_add(f, KT_FEED_POSTURE, 2, "eu1", "shop", "Pod", "db-0", "residency/eu",
                         "runs on node n3 in region us-east-1 (aws); rule eu allows only eu-*");
    posture_feed_add(f, KT_FEED_POSTURE, 2, "us1", "shop", "Pod", "x", "pss-baseline/privileged",
                     "privileged (container \"x\" must not set securityContext.privileged=true)");
    posture_feed_add(f, KT_FEED_POSTURE, 1, "", "shop", "Deployment", "api", "resilience/single-cloud",
                     "runs in 2 clusters, all its Ready pods in one cloud (aws)");
    if (!fixed)
        posture_feed_add(f, KT_FEED_HEALTH, 1, "eu1", "shop", "Pod", "web-1", "CrashLoopBackOff",
                         "container web restarting (5 restarts)");
    posture_feed_add(f, KT_FEED_HEALTH, 1, "eu1", "shop", "Pod", "web-2", "ImagePullBackOff", "image nope:1");
    posture_feed_score(f, "eu1", fixed ? 85 : 75, 85);
    posture_feed_score(f, "us1", 90, 100);
    posture_feed_score(f, "", 65, -1);
    return f;
}

static int firing(const char *key) { return alert_firing(dbpath, key); }

TEST(config_checks_posture_fields)
{
    static const char *const bad[][2] = {
        {"alerts:\n  - {type: posture, window: 1d}\n", "k.yaml:2: alerts[0].window: not for posture rules"},
        {"alerts:\n  - {type: posture, severity: high}\n", "k.yaml:2: alerts[0].severity: danger, warning or none"},
        {"alerts:\n  - {type: posture, threshold: 150}\n", "k.yaml:2: alerts[0].threshold: a score from 0 to 100"},
        {"alerts:\n  - {type: health, severity: danger}\n", "k.yaml:2: alerts[0].severity: only for posture"},
        {"alerts:\n  - {type: posture, aggregation: namespace}\n", "k.yaml:2: alerts[0].aggregation: cluster"},
        {"alerts:\n  - {type: efficiency, checks: [x]}\n", "k.yaml:2: alerts[0].checks: only for posture"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        kt_alerts_config c;
        kt_err err = {0};
        CHECK(alerts_config_parse(bad[i][0], strlen(bad[i][0]), "k.yaml", &c, &err) == -1);
        CHECK(!strncmp(err.msg, bad[i][1], strlen(bad[i][1])));
        if (strncmp(err.msg, bad[i][1], strlen(bad[i][1])))
            fprintf(stderr, "  got: %s\n", err.msg);
    }
}

TEST(check_families)
{
    kt_rule r = {.type = KT_RULE_POSTURE};
    snprintf(r.checks, sizeof r.checks, "polaris,pss-restricted,residency/eu");
    CHECK(rule_keeps_check(&r, "hostPIDSet", 1));
    CHECK(rule_keeps_check(&r, "pss-restricted/runAsNonRoot", 0));
    CHECK(!rule_keeps_check(&r, "pss-baseline/privileged", 0));
    CHECK(rule_keeps_check(&r, "residency/eu", 0));
    CHECK(!rule_keeps_check(&r, "residency/us", 0));
    CHECK(!rule_keeps_check(&r, "resilience/pdb", 0));
    snprintf(r.checks, sizeof r.checks, "pss,resilience");
    CHECK(rule_keeps_check(&r, "pss-baseline/privileged", 0) && rule_keeps_check(&r, "resilience/pdb", 0));
    CHECK(!rule_keeps_check(&r, "hostPIDSet", 1));
}

TEST(findings_fire_once_and_resolve)
{
    kt_posture_feed *a = feed(0), *b = feed(1);
    current = a;
    kt_alert_stats st = round_at(T);
    CHECK(st.fired == 8 && st.resolved == 0 && st.queued == 8);
    CHECK(asked == 1); /* once a round, however many rules read it */
    CHECK(firing("rule:pos/privilegeEscalationAllowed/eu1/shop/Deployment/web"));
    CHECK(firing("rule:pos/residency/eu/eu1/shop/Pod/db-0"));
    CHECK(firing("rule:pos/pss-baseline/privileged/us1/shop/Pod/x"));
    CHECK(!firing("rule:pos/cpuLimitsMissing/eu1/shop/Deployment/web")); /* a warning */
    CHECK(firing("rule:posw/residency/eu/eu1/shop/Pod/db-0"));
    CHECK(!firing("rule:posw/pss-baseline/privileged/us1/shop/Pod/x"));
    CHECK(!firing("rule:posw/resilience/single-cloud//shop/Deployment/api"));
    CHECK(firing("rule:score/score/eu1") && !firing("rule:score/score/us1"));
    CHECK(firing("rule:fleet/score"));
    CHECK(firing("rule:hl/CrashLoopBackOff/eu1/shop/Pod/web-1") && firing("rule:hl/score/eu1"));
    CHECK(!firing("rule:hl/ImagePullBackOff/eu1/shop/Pod/web-2"));
    json_t *j = alert_state(dbpath, "rule:pos/residency/eu/eu1/shop/Pod/db-0"), *l = json_object_get(j, "labels");
    CHECK_STR(json_string_value(json_object_get(l, "alertname")), "KubetallyPosture");
    CHECK_STR(json_string_value(json_object_get(l, "severity")), "critical");
    CHECK_STR(json_string_value(json_object_get(l, "check")), "residency/eu");
    CHECK_STR(json_string_value(json_object_get(l, "cluster")), "eu1");
    CHECK_STR(json_string_value(json_object_get(l, "namespace")), "shop");
    CHECK_STR(json_string_value(json_object_get(l, "kind")), "Pod");
    CHECK_STR(json_string_value(json_object_get(l, "name")), "db-0");
    CHECK_STR(json_string_value(json_object_get(j, "findingSeverity")), "danger");
    CHECK(strstr(json_string_value(json_object_get(j, "summary")), "us-east-1") != NULL);
    json_decref(j);
    j = alert_state(dbpath, "rule:score/score/eu1");
    CHECK(json_integer_value(json_object_get(j, "score")) == 75);
    CHECK_NEAR(json_number_value(json_object_get(j, "threshold")), 80, 1e-9);
    json_decref(j);

    st = round_at(T + 60); /* the same findings: told once */
    CHECK(st.fired == 0 && st.resolved == 0 && st.queued == 0);

    current = b; /* fixed: db-0 moved, web-1 healthy, eu1's Polaris score 85 */
    st = round_at(T + 120);
    CHECK(st.fired == 0 && st.resolved == 4 && st.queued == 4);
    CHECK(!firing("rule:pos/residency/eu/eu1/shop/Pod/db-0") && !firing("rule:posw/residency/eu/eu1/shop/Pod/db-0"));
    CHECK(!firing("rule:score/score/eu1") && !firing("rule:hl/CrashLoopBackOff/eu1/shop/Pod/web-1"));
    CHECK(firing("rule:hl/score/eu1") && firing("rule:pos/privilegeEscalationAllowed/eu1/shop/Deployment/web"));

    current = NULL; /* the service has nothing to give: every alert stays as it is */
    st = round_at(T + 180);
    CHECK(st.fired == 0 && st.resolved == 0 && st.queued == 0);
    CHECK(firing("rule:pos/privilegeEscalationAllowed/eu1/shop/Deployment/web") && firing("rule:fleet/score"));
    kt_store *s;
    kt_err err = {0};
    CHECK(!store_open(dbpath, KT_STORE_READONLY, &s, &err));
    json_t *runs = rules_status(s), *r;
    store_close(s);
    size_t i;
    json_array_foreach(runs, i, r) CHECK(strstr(json_string_value(json_object_get(r, "lastError")),
                                                "connection refused") != NULL);
    json_decref(runs);
    posture_feed_unref(a);
    posture_feed_unref(b);
}

TEST(long_identities_stay_distinct)
{
    /* two 240-character names that differ only in their last letter: the
     * identities are cut to fit the key and end in a hash of the whole */
    char a[241], b[241];
    memset(a, 'x', 240), memset(b, 'x', 240);
    a[240] = b[240] = 0;
    b[239] = 'y';
    kt_posture_feed *f = posture_feed_new(T);
    posture_feed_add(f, KT_FEED_POSTURE, 2, "eu1", "shop", "Pod", a, "hostPIDSet", "");
    posture_feed_add(f, KT_FEED_POSTURE, 2, "eu1", "shop", "Pod", b, "hostPIDSet", "");
    kt_rule r = {.id = "pos", .type = KT_RULE_POSTURE, .min_severity = 2};
    kt_rule_run run = {.rule = &r, .run_at = T};
    rule_judge_feed(&run, f);
    CHECK(run.n == 2);
    if (run.n == 2) {
        CHECK(strcmp(run.f[0].key, run.f[1].key) != 0);
        CHECK(strlen(run.f[0].key) < 200 && !strncmp(run.f[0].key, "rule:pos/hostPIDSet/eu1/shop/Pod/xxx", 36));
    }
    rule_runs_free(&run, 1);
    posture_feed_unref(f);
}

TEST(posture_rule_without_a_service)
{
    kt_alert_opts o = {&hook, 1, 3, 10, 15, &nolim, cfg.rules, cfg.n_rules, NULL, NULL};
    /* serve without a posture service: posture rules fail and keep their
     * alerts; the health rule checks only what it can without one (silence,
     * errors, prices), so its score alert for eu1 resolves */
    kt_alert_stats st = alerts_round(dbpath, &o, T + 240);
    CHECK(st.fired == 0 && st.resolved == 1);
    CHECK(firing("rule:pos/privilegeEscalationAllowed/eu1/shop/Deployment/web") && !firing("rule:hl/score/eu1"));
}

int main(void)
{
    kt_err err = {0};
    kt_store *s;
    if (!mkdtemp(dir))
        return 1;
    snprintf(dbpath, sizeof dbpath, "%s/kt.db", dir);
    if (store_open(dbpath, KT_STORE_CREATE, &s, &err) ||
        alerts_config_parse(config, strlen(config), "test.yaml", &cfg, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    store_close(s);
    RUN(config_checks_posture_fields);
    RUN(check_families);
    RUN(findings_fire_once_and_resolve);
    RUN(posture_rule_without_a_service);
    RUN(long_identities_stay_distinct);
    alerts_config_free(&cfg);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd))
        return 1;
    return check_done();
}

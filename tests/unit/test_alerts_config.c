/* test_alerts_config.c — the alerting configuration file (src/alerts/config.c):
 * the repository's commented example loads, types follow YAML's plain and
 * quoted scalars, and every error names the file and the line at fault. */
#include <stdio.h>
#include <string.h>

#include "alerts/config.h"
#include "check.h"

#include <stdlib.h>

static int parse(const char *text, kt_alerts_config *c, kt_err *err)
{
    return alerts_config_parse(text, strlen(text), "k.yaml", c, err);
}

TEST(the_example_loads)
{
    kt_alerts_config c;
    kt_err err = {0};
    /* tests run from the checkout's root (make test) */
    int rc = alerts_config_load("deploy/kubetally.example.yaml", &c, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    CHECK(rc == 0);
    CHECK(c.evaluate_every == 60 && c.n_budgets == 5);
    if (c.n_budgets == 5) {
        CHECK_STR(c.budgets[0].id, "payments-monthly");
        CHECK_NEAR(c.budgets[0].spend_limit, 500, 1e-12);
        CHECK(json_array_size(c.budgets[0].actions) == 2);
        CHECK_STR(c.budgets[1].id, "prod-eks-weekly"); /* no id: the name */
        CHECK(c.budgets[1].weekly && c.budgets[1].interval_day == 1);
        CHECK(c.budgets[2].interval_day == 1); /* monthly default */
        CHECK_STR(c.budgets[3].type, "asset");
        CHECK_STR(c.budgets[4].type, "cloud");
    }
    alerts_config_free(&c);
}

TEST(errors_name_the_line)
{
    static const struct { const char *yaml, *want; } cases[] = {
        {"budgets:\n  - name: a\n    values: {}\n    interval: monthly\n    spendLimit: many\n",
         "k.yaml:5: budgets[0].spendLimit: required, a number above 0"},
        {"budgets:\n  - name: a\n    values: {}\n    spendLimit: 3\n", "k.yaml:2: budgets[0].interval: required"},
        {"evaluateEvery: 1m\nbudget: []\n", "k.yaml:2: unknown key 'budget'"},
        {"evaluateEvery: 5s\n", "k.yaml:1: evaluateEvery: between 30s and 1d"},
        {"budgets:\n  - name: a\n    values: {}\n    interval: weekly\n    spendLimit: 1\n"
         "  - name: a\n    values: {}\n    interval: weekly\n    spendLimit: 1\n",
         "k.yaml:6: budgets[1]: id 'a' is used twice"},
        {"budgets:\n  - name: a\n    values:\n      team: [x]\n    interval: weekly\n    spendLimit: 1\n",
         "k.yaml:3: budgets[0].values: unknown category 'team'"},
        {"budgets: [\n", "k.yaml:2: "},
        {"receivers:\n  - name: mail\n    type: email\n    url: smtp://127.0.0.1:25\n",
         "k.yaml:2: receivers[0].from: required"},
        {"receivers:\n  - name: mail\n    type: email\n    url: http://x\n    from: a@b\n",
         "k.yaml:2: receivers[0].url: required, smtp://"},
        {"receivers:\n  - name: mail\n    type: email\n    url: smtp://x\n    from: a@b\n    tls: maybe\n",
         "k.yaml:2: receivers[0].tls: required (STARTTLS on smtp://) or none"},
        {"receivers:\n  - name: h\n    type: webhook\n    url: http://x\n    secretFile: /nonexistent/s\n",
         "k.yaml:2: receivers[0].secretFile /nonexistent/s: No such file"},
        /* a quoted number is a string, and a limit must be a number */
        {"budgets:\n- name: a\n  values: {}\n  interval: weekly\n  spendLimit: \"5\"\n",
         "k.yaml:5: budgets[0].spendLimit"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        kt_alerts_config c;
        kt_err err = {0};
        CHECK(parse(cases[i].yaml, &c, &err) == -1);
        if (strncmp(err.msg, cases[i].want, strlen(cases[i].want))) {
            CHECK(!"message");
            fprintf(stderr, "  case %zu: got '%s'\n  want '%s…'\n", i, err.msg, cases[i].want);
        }
        alerts_config_free(&c);
    }
}

TEST(empty_and_plain_scalars)
{
    kt_alerts_config c;
    kt_err err = {0};
    CHECK(parse("", &c, &err) == 0 && c.n_budgets == 0 && c.evaluate_every == 60);
    alerts_config_free(&c);
    CHECK(parse("evaluateEvery: 5m\nbudgets:\n- {name: \"007\", values: {namespace: [\"1\"]}, interval: weekly, "
                "intervalDay: 6, spendLimit: 1.5}\n", &c, &err) == 0);
    CHECK(c.evaluate_every == 300 && c.n_budgets == 1);
    if (c.n_budgets == 1) {
        CHECK_STR(c.budgets[0].name, "007");
        CHECK(c.budgets[0].interval_day == 6);
        CHECK_NEAR(c.budgets[0].spend_limit, 1.5, 1e-12);
    }
    alerts_config_free(&c);
    CHECK(alerts_config_load("/nonexistent/k.yaml", &c, &err) == -1 && strstr(err.msg, "/nonexistent/k.yaml"));
}

TEST(secrets_from_the_environment)
{
    kt_alerts_config c;
    kt_err err = {0};
    setenv("KT_TEST_HOOK_KEY", "s3cret-key", 1);
    setenv("KT_TEST_SLACK_URL", "https://hooks.slack.example/T0/B0/tok", 1);
    unsetenv("KT_TEST_MISSING");
    const char *ok = "receivers:\n  - {name: hook, type: webhook, url: http://127.0.0.1:1/h, secretEnv: KT_TEST_HOOK_KEY}\n"
                     "  - {name: chat, type: webhook, urlEnv: KT_TEST_SLACK_URL}\n";
    CHECK(alerts_config_parse(ok, strlen(ok), "k.yaml", &c, &err) == 0);
    CHECK(c.n_receivers == 2 && c.receivers[0].secret_len == 10 && !memcmp(c.receivers[0].secret, "s3cret-key", 10));
    CHECK_STR(c.receivers[1].url, "https://hooks.slack.example/T0/B0/tok");
    alerts_config_free(&c);
    /* a missing variable is named; no value is ever in a message */
    const char *bad = "receivers:\n  - {name: hook, type: webhook, url: http://127.0.0.1:1/h, secretEnv: KT_TEST_MISSING}\n";
    CHECK(alerts_config_parse(bad, strlen(bad), "k.yaml", &c, &err) == -1);
    CHECK_STR(err.msg, "k.yaml:2: receivers[0].secretEnv KT_TEST_MISSING: expected a variable holding 1 to 256 bytes");
    setenv("KT_TEST_HOOK_KEY", "", 1);
    const char *empty = "receivers:\n  - {name: h, type: webhook, url: http://x/h, secretEnv: KT_TEST_HOOK_KEY}\n";
    CHECK(alerts_config_parse(empty, strlen(empty), "k.yaml", &c, &err) == -1 && !strstr(err.msg, "s3cret"));
}

int main(void)
{
    RUN(the_example_loads);
    RUN(errors_name_the_line);
    RUN(empty_and_plain_scalars);
    RUN(secrets_from_the_environment);
    return check_done();
}

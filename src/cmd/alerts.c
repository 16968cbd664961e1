/* alerts.c — `kubetally alerts`: every budget alert (firing or resolved)
 * and every notification with its delivery status, attempts and last
 * error (the same answer as GET /alerts). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts/alert.h"
#include "alerts/config.h"
#include "cmd/answer.h"
#include "cmd/cmd.h"
#include "cmd/flags.h"
#include "util/buf.h"
#include "util/time.h"

static const kt_flag flags[] = {
    {"--output", "output", 0, "-o"},
    {"--db", "db", 0, NULL},
    {"--test", "test", 0, NULL},
    {"--evaluate", "evaluate", 1, NULL},
    {"--at", "at", 0, NULL},
    {"--config", "config", 0, NULL},
    {NULL, NULL, 0, NULL},
};

/* --test RECEIVER --config FILE: send one test notification now, outside
 * the outbox (nothing is kept), and say whether the receiver took it. */
static int send_test(const char *name, const char *config)
{
    kt_alerts_config c;
    kt_err err = {0};
    if (!config) {
        kt_fail(&err, KT_EINPUT, "--test needs --config FILE, where the receiver '%s' is described", name);
        return cmd_report("alerts", &err);
    }
    if (alerts_config_load(config, &c, &err))
        return cmd_report("alerts", &err);
    const kt_receiver *r = NULL;
    for (size_t i = 0; i < c.n_receivers; i++)
        if (!strcmp(c.receivers[i].name, name))
            r = &c.receivers[i];
    int rc = 0;
    if (!r) {
        kt_fail(&err, KT_EINPUT, "--test: no receiver named '%s' in %s", name, config);
        rc = cmd_report("alerts", &err);
    } else {
        char *body = alerts_test_body(r->kind, r->name, (int64_t)time(NULL));
        /* an email receiver is tested by writing to its own From address */
        if (r->kind == KT_RECV_EMAIL ? receiver_send_mail(r, r->from, body, &err) : receiver_send(r, body, "test", &err))
            rc = cmd_report("alerts", &err);
        else
            printf("sent a test notification to %s\n", r->name);
        free(body);
    }
    alerts_config_free(&c);
    return rc;
}

/* --evaluate [--config FILE] [--at T]: one round of what serve does every
 * evaluateEvery (the file's budgets saved, every budget and due rule
 * evaluated, the outbox delivered), with its counts and time. */
static int evaluate_once(const char *db, const char *config, const char *at)
{
    kt_alerts_config c;
    kt_err err = {0};
    int64_t now;
    memset(&c, 0, sizeof c);
    if (cmd_parse_at(at, &now, &err) || (config && alerts_config_load(config, &c, &err)))
        return cmd_report("alerts", &err);
    kt_store *s;
    struct timespec t0, t1;
    kt_alert_stats st = {0};
    kt_alert_opts o = {c.receivers, c.n_receivers, c.max_attempts ? c.max_attempts : 8,
                       c.backoff_initial ? c.backoff_initial : 10, c.backoff_max ? c.backoff_max : 600, &cmd_limits,
                       c.rules, c.n_rules, NULL, NULL};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = store_open(db, 0, &s, &err);
    if (!rc) {
        rc = alerts_config_apply(&c, s, &err) || alerts_evaluate(s, &o, now, &st, &err) ||
             alerts_deliver(s, &o, now, &st, &err);
        store_close(s);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    alerts_config_free(&c);
    if (rc)
        return cmd_report("alerts", &err);
    printf("%d budgets, %zu rules: %d fired, %d resolved, %d queued, %d sent; %.3f s\n", st.budgets, o.n_rules,
           st.fired, st.resolved, st.queued, st.sent,
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    return 0;
}

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s && *s ? s : "-";
}

static void when(const json_t *o, const char *k, char *buf)
{
    json_int_t t = json_integer_value(json_object_get(o, k));
    if (t > 0)
        time_format(t, buf);
    else
        snprintf(buf, 21, "-");
}

static void table(const json_t *data, kt_buf *b)
{
    const json_t *alerts = json_object_get(data, "alerts"), *notes = json_object_get(data, "notifications"), *x;
    size_t i;
    char t1[32], t2[32];
    buf_printf(b, "%-28s %-24s %5s %-8s %12s %12s %-20s\n", "ALERT", "BUDGET", "PCT", "STATE", "SPEND", "LIMIT",
               "SINCE");
    json_array_foreach(alerts, i, x) {
        when(x, "since", t1);
        if (json_object_get(x, "summary")) { /* an alert rule's: its summary says it */
            buf_printf(b, "%-28s %-24s %5s %-8s %-20s %s\n", str(x, "id"), str(x, "type"), "",
                       json_is_true(json_object_get(x, "firing")) ? "firing" : "resolved", t1, str(x, "summary"));
            continue;
        }
        buf_printf(b, "%-28s %-24s %5g %-8s %12.2f %12.2f %-20s\n", str(x, "id"), str(x, "budget"),
                   json_number_value(json_object_get(x, "percentage")),
                   json_is_true(json_object_get(x, "firing")) ? "firing" : "resolved",
                   json_number_value(json_object_get(x, "currentSpend")),
                   json_number_value(json_object_get(x, "spendLimit")), t1);
    }
    if (!json_array_size(alerts))
        buf_puts(b, "(no alerts yet)\n");
    buf_printf(b, "\n%-12s %-28s %-8s %-16s %-9s %3s %-20s %-20s %s\n", "NOTIFICATION", "ALERT", "EVENT", "RECEIVER",
               "STATUS", "TRY", "CREATED", "DELIVERED", "LAST ERROR");
    json_array_foreach(notes, i, x) {
        when(x, "createdAt", t1);
        when(x, "deliveredAt", t2);
        buf_printf(b, "%-12s %-28s %-8s %-16s %-9s %3lld %-20s %-20s %s\n", str(x, "id"), str(x, "alert"),
                   str(x, "event"), str(x, "receiver"), str(x, "status"),
                   (long long)json_integer_value(json_object_get(x, "attempts")), t1, t2, str(x, "lastError"));
    }
    if (!json_array_size(notes))
        buf_puts(b, "(no notifications)\n");
    const json_t *rules = json_object_get(data, "rules");
    if (json_array_size(rules))
        buf_printf(b, "\n%-20s %-16s %-8s %-20s %-20s %s\n", "RULE", "TYPE", "WINDOW", "LAST RUN", "NEXT RUN",
                   "LAST ERROR");
    json_array_foreach(rules, i, x)
        buf_printf(b, "%-20s %-16s %-8s %-20s %-20s %s\n", str(x, "id"), str(x, "type"), str(x, "window"),
                   str(x, "lastRun"), str(x, "nextRun"), str(x, "lastError"));
}

int cmd_alerts(int argc, char **argv)
{
    kt_params p;
    kt_err err = {0};
    enum kt_output out = KT_OUT_TABLE;
    if (flags_parse(flags, argc, argv, &p, &err))
        return cmd_report("alerts", &err);
    if (p.help) {
        flags_usage("alerts", "Budget alerts (firing, resolved) and every notification with its delivery status, "
                    "attempts and last error.\n--test RECEIVER --config FILE sends a test notification now.\n"
                    "--evaluate [--config FILE] [--at T] runs one round of serve's evaluation and delivery now.", flags);
        return 0;
    }
    if (params_get(&p, "test"))
        return send_test(params_get(&p, "test"), params_get(&p, "config"));
    const char *ev = params_get(&p, "evaluate");
    if (ev && cmd_parse_bool(ev) == 1)
        return evaluate_once(params_get(&p, "db"), params_get(&p, "config"), params_get(&p, "at"));
    const char *o = params_get(&p, "output");
    if (cmd_table_or_json(o, &out, &err))
        return cmd_report("alerts", &err);
    kt_store *s;
    json_t *answer;
    if (store_open(params_get(&p, "db"), KT_STORE_READONLY, &s, &err))
        return cmd_report("alerts", &err);
    int rc = alerts_status(s, &answer, &err);
    store_close(s);
    if (rc)
        return cmd_report("alerts", &err);
    cmd_print_answer(answer, out, table);
    return 0;
}

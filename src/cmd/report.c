/* report.c — `kubetally report NAME --config FILE`: build the saved report
 * NAME now and send it (its emails and webhook through the outbox, then
 * delivered at once; its folder written); with --print csv|html, print it
 * instead of sending. */
#include <stdio.h>
#include <string.h>

#include "cmd/answer.h"
#include "cmd/cmd.h"
#include "cmd/flags.h"
#include "report/report.h"

static const kt_flag flags[] = {
    {"--config", "config", 0, NULL},
    {"--print", "print", 0, NULL},
    {"--at", "at", 0, NULL},
    {"--db", "db", 0, NULL},
    {NULL, NULL, 0, NULL},
};

static int run(const kt_report *r, const kt_alerts_config *c, const char *db, const char *print, int64_t now,
               kt_err *err)
{
    kt_store *s;
    if (store_open(db, print ? KT_STORE_READONLY : 0, &s, err))
        return -1;
    int rc;
    if (print) {
        kt_report_out o;
        if (!(rc = report_build(s, r, now, &cmd_limits, &o, err))) {
            const kt_buf *b = !strcmp(print, "csv") ? &o.csv : &o.html;
            fwrite(b->data, 1, b->len, stdout);
            report_out_free(&o);
        }
    } else {
        kt_alert_stats st = {0};
        kt_alert_opts o = {c->receivers, c->n_receivers, c->max_attempts, c->backoff_initial, c->backoff_max,
                           &cmd_limits, c->rules, c->n_rules, NULL, NULL};
        rc = report_send(s, r, c, now, &cmd_limits, &st, err) || alerts_deliver(s, &o, now, &st, err);
        if (!rc)
            printf("report %s: %d notifications queued, %d delivered%s%s%s\n", r->name, st.queued, st.sent,
                   r->folder[0] ? "; written to " : "", r->folder, st.sent < st.queued
                   ? " (the rest stay in the outbox: kubetally alerts; serve retries them)" : "");
    }
    store_close(s);
    return rc;
}

int cmd_report_send(int argc, char **argv)
{
    kt_params p;
    kt_err err = {0};
    /* kubetally report NAME [flags]: the name first, then flags as usual */
    const char *name = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
    if (flags_parse(flags, name ? argc - 1 : argc, name ? argv + 1 : argv, &p, &err))
        return cmd_report("report", &err);
    if (p.help || !name) {
        flags_usage("report NAME", "Build the saved report NAME (reports: in --config) now and send it: its emails "
                    "and webhook, its folder.  --print csv|html prints it instead.", flags);
        return p.help ? 0 : 2;
    }
    const char *path = params_get(&p, "config"), *print = params_get(&p, "print");
    int64_t now;
    kt_alerts_config c;
    if (cmd_parse_at(params_get(&p, "at"), &now, &err))
        return cmd_report("report", &err);
    if (print && strcmp(print, "csv") && strcmp(print, "html")) {
        kt_fail(&err, KT_EINPUT, "--print: csv or html, got '%s'", print);
        return cmd_report("report", &err);
    }
    if (!path) {
        kt_fail(&err, KT_EINPUT, "--config FILE is required: the file whose reports: name %s", name);
        return cmd_report("report", &err);
    }
    if (alerts_config_load(path, &c, &err))
        return cmd_report("report", &err);
    const kt_report *r = NULL;
    for (size_t i = 0; i < c.n_reports; i++)
        if (!strcmp(c.reports[i].name, name))
            r = &c.reports[i];
    int rc = r ? run(r, &c, params_get(&p, "db"), print, now, &err)
               : kt_fail(&err, KT_EINPUT, "no report named '%s' in %s", name, path);
    alerts_config_free(&c);
    return rc ? cmd_report("report", &err) : 0;
}

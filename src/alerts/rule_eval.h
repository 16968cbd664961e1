/* rule_eval.h — running the alert rules that are due (rule.h): what each
 * finds, for evaluate.c to turn into fired / resolved alerts and
 * notifications like budget alerts (alert.h).
 *
 * A run of a rule lists every alert it finds over its threshold, keyed
 * "rule:ID/VALUE" (VALUE: the aggregate's value; health: "silent/CLUSTER",
 * "error/CLUSTER", "prices/CLUSTER"; a feed's finding, health or posture:
 * "CHECK/CLUSTER/NAMESPACE/KIND/NAME", a score "score/CLUSTER", the
 * fleet's "score").  A kept alert of a rule that ran but
 * is not in its list has recovered.  A rule that is not due, or whose
 * question failed (error kept, shown by `kubetally alerts`), leaves its
 * alerts as they are.  The schedule lives in the store (records of kind
 * "alertrun": lastRun, nextRun, lastError), written in the same
 * transaction as the transitions, so a restart neither repeats nor skips
 * a run. */
#ifndef KT_ALERTS_RULE_EVAL_H
#define KT_ALERTS_RULE_EVAL_H

#include <jansson.h>

#include "alerts/posture_feed.h"
#include "alerts/rule.h"
#include "engine/engine.h"
#include "store/store.h"

#define KT_ALERTRUN_KIND "alertrun"

typedef struct kt_finding {
    char key[256];
    json_t *state; /* owned: labels, summary, rule, type, value and the numbers */
} kt_finding;

typedef struct kt_rule_run {
    const kt_rule *rule;
    int ran;             /* its findings are complete */
    int64_t last_run, next_run, run_at;
    int64_t scheduled_on; /* when the rule was first scheduled (Kubecost's scheduledOn) */
    kt_finding *f;
    size_t n, cap;
    json_t *report;      /* recurringUpdate: the summary to send (owned) */
    char error[256];
} kt_rule_run;

/* The round's posture feed as the rules see it: error NULL ⇒ no posture
 * service (posture rules fail, health rules check what they check without
 * one); error "" ⇒ feed is the latest audit; else why there is none (the
 * posture and health rules leave their alerts as they are). */
typedef struct kt_feed_view {
    const kt_posture_feed *feed;
    const char *error;
} kt_feed_view;

/* Run the rules due at `now` (reads only; runs[i] for rules[i]); cache
 * (may be NULL) shares reads with the round's other questions. */
void rules_run(kt_store *s, const kt_rule *rules, size_t n, int64_t now, const kt_engine_limits *lim,
               kt_engine_cache *cache, const kt_feed_view *fv, kt_rule_run *runs);
/* Add a finding to run: key rule:ID/VALUE, its state (rule, type, value,
 * summary, labels {alertname, rule, type, severity, …}, period) returned
 * for the caller to add to (borrowed). */
json_t *rule_finding_add(kt_rule_run *run, const char *value, const char *alertname, const char *severity,
                         const char *summary);
/* A posture or health rule's findings from the feed (rule_posture.c). */
void rule_judge_feed(kt_rule_run *run, const kt_posture_feed *f);
/* Write each rule's schedule (inside the caller's transaction). */
int rules_save_schedule(kt_store *s, const kt_rule_run *runs, size_t n, kt_err *err);
void rule_runs_free(kt_rule_run *runs, size_t n);
/* Every rule's schedule as GET /alerts shows it (Kubecost's /alerts/status
 * names): [{id, type, window, scheduledOn, lastRun, nextRun, lastError}], times RFC3339,
 * 0001-01-01T00:00:00Z when never. */
json_t *rules_status(kt_store *s);

#endif

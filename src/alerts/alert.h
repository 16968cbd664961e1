/* alert.h — budget alerts: their state, the outbox of notifications, and
 * the two steps serve runs (evaluate, then deliver).
 *
 * State.  Each action of each budget is one alert, keyed
 * "BUDGETID/PERCENTAGE" (store records of kind "alert").  It is over when
 * the current spend is at least percentage % of spendLimit.  Evaluation
 * compares with the kept state: not firing → over fires it, firing → not
 * over (a new period began, the limit rose, the budget or action went)
 * resolves it.  Nothing else sends anything, so an alert that stays over
 * is told once.
 *
 * Outbox.  A transition writes the new state and one notification per
 * receiver (records of kind "outbox", ids from a counter in meta) in ONE
 * transaction: a crash or kill -9 keeps both or neither, so no transition
 * is lost or told twice.  The body is built then and never changes, so a
 * retry sends the same bytes (Alertmanager deduplicates by labels, a
 * webhook receiver by X-Kubetally-Delivery).  Delivery marks a
 * notification delivered after its receiver answered 2xx; failures are
 * retried with doubling backoff (initial … max) until max_attempts, then
 * the notification is "failed" and stays listed with its last error
 * (delivered and failed ones are dropped 30 days after they were queued).  A
 * kill -9 between a receiver's 2xx and the mark means that one
 * notification is sent again after the restart (at least once), with the
 * same delivery id.
 *
 * Alertmanager alerts carry labels alertname=KubetallyBudget, budget,
 * budget_id, percentage, severity (warning below 100 %, critical from
 * 100 %), and cluster, namespace, team when the budget's values name them
 * (comma-joined); startsAt is when it fired, endsAt the period's end while
 * firing and the resolution time once resolved. */
#ifndef KT_ALERTS_ALERT_H
#define KT_ALERTS_ALERT_H

#include <stdint.h>

#include <jansson.h>

#include "alerts/posture_feed.h"
#include "alerts/receiver.h"
#include "engine/engine.h"
#include "store/store.h"

#define KT_ALERT_KIND "alert"
#define KT_OUTBOX_KIND "outbox"
#define KT_OUTBOX_KEEP (30 * 86400) /* delivered and failed notifications are kept this long */

typedef struct kt_alert_opts {
    const kt_receiver *receivers;
    size_t n_receivers;
    int max_attempts;
    int64_t backoff_initial, backoff_max; /* seconds */
    const kt_engine_limits *lim;
    const struct kt_rule *rules; /* alert rules (rule.h) besides budgets */
    size_t n_rules;
    kt_posture_feed_fn feed;     /* the posture service's findings for posture and health rules; NULL: none */
    void *feed_ud;
} kt_alert_opts;

typedef struct kt_alert_stats {
    int budgets, fired, resolved, queued; /* evaluate */
    int sent, retried, gave_up, pruned;   /* deliver */
    int64_t next_attempt;                 /* earliest pending retry after deliver; 0 ⇒ none */
} kt_alert_stats;

/* Evaluate every budget at `now` and queue what changed (see above). */
int alerts_evaluate(kt_store *s, const kt_alert_opts *o, int64_t now, kt_alert_stats *st, kt_err *err);
/* Queue one notification (inside the caller's transaction) for the
 * receiver named `receiver`; extra (owned, may be NULL) carries {"to",
 * "via"} for a mail (via: the email receiver).  Delivered, retried and
 * listed like every other. */
int alerts_outbox_put(kt_store *s, const char *key, const char *event, const char *receiver, json_t *extra,
                      const char *body, int64_t now, kt_alert_stats *st, kt_err *err);
/* Send every pending notification whose time has come, oldest first. */
int alerts_deliver(kt_store *s, const kt_alert_opts *o, int64_t now, kt_alert_stats *st, kt_err *err);
/* What `kubetally alerts` and GET /alerts show: {"code": 200, "data":
 * {"alerts": [state…], "notifications": [outbox entry without body…],
 * "rules": [schedule…] (rule_eval.h)}}. */
int alerts_status(kt_store *s, json_t **out, kt_err *err);
/* The body of a test notification for a receiver of `kind` (malloc'd):
 * alertname KubetallyTest, severity info, ending five minutes after now. */
char *alerts_test_body(enum kt_receiver_kind kind, const char *receiver, int64_t now);

#endif

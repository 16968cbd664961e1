/* runner.h — the thread `serve` runs for alerts: evaluate every budget,
 * then deliver the outbox; again after evaluateEvery, at once when woken
 * (a budget changed over the API), and when the earliest retry is due.
 *
 * It opens its own writable store handle per round (a handle belongs to
 * one thread) and keeps nothing in memory that the store does not also
 * keep, so a restart carries on where the last committed round left off. */
#ifndef KT_ALERTS_RUNNER_H
#define KT_ALERTS_RUNNER_H

#include "alerts/config.h"
#include "alerts/posture_feed.h"
#include "engine/engine.h"

typedef struct kt_alert_runner kt_alert_runner;

/* Something more to do each round with the round's store handle, after
 * evaluating and before delivering (serve sends scheduled reports). */
typedef void (*kt_round_hook)(kt_store *s, const kt_alerts_config *cfg, int64_t now, const kt_engine_limits *lim);

/* Where posture and health rules get their findings (alert.h's feed):
 * serve's posture service; fn NULL when it has none. */
typedef struct kt_feed_source_cb {
    kt_posture_feed_fn fn;
    void *ud;
} kt_feed_source_cb;

/* cfg must outlive the runner (its receivers are used by reference), and
 * feed's ud too; hook may be NULL. */
int alert_runner_start(const char *db_url, const kt_alerts_config *cfg, const kt_engine_limits *lim,
                       kt_round_hook hook, kt_feed_source_cb feed, kt_alert_runner **out, kt_err *err);
/* Evaluate now (signature fits kt_http_app.budgets_changed). */
void alert_runner_wake(void *runner);
/* Finish the round in progress, then stop. */
void alert_runner_stop(kt_alert_runner *r);

#endif

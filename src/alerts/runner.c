/* runner.c — the alerts thread of serve; see runner.h. */
#include "alerts/runner.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "alerts/alert.h"
#include "util/buf.h"
#include "util/log.h"

struct kt_alert_runner {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int stop, woken;
    const char *db;
    kt_alert_opts opts;
    kt_engine_limits lim;
    int64_t every;
    int rounds;
    const kt_alerts_config *cfg;
    kt_round_hook hook;
};

/* One round; returns when the next retry is due (0 ⇒ none). */
static int64_t round_once(kt_alert_runner *r)
{
    kt_store *s;
    kt_err err = {0};
    kt_alert_stats st = {0};
    int64_t now = (int64_t)time(NULL);
    if (store_open(r->db, 0, &s, &err)) {
        log_warn("alerts: %s", err.msg);
        return 0;
    }
    if (alerts_evaluate(s, &r->opts, now, &st, &err))
        log_warn("alerts: evaluating budgets: %s", err.msg);
    else if (st.fired || st.resolved)
        log_info("alerts: %d budgets, %d fired, %d resolved, %d notifications queued", st.budgets, st.fired,
                 st.resolved, st.queued);
    if (r->hook)
        r->hook(s, r->cfg, now, &r->lim);
    if (alerts_deliver(s, &r->opts, (int64_t)time(NULL), &st, &err))
        log_warn("alerts: delivering: %s", err.msg);
    store_close(s);
    /* said once, so an operator (and the integration test) knows the state
     * kept from before a restart has been looked at */
    if (!r->rounds++)
        log_info("alerts: first round done: %d budgets, %d notifications sent", st.budgets, st.sent);
    return st.next_attempt;
}

static void *loop(void *arg)
{
    kt_alert_runner *r = arg;
    pthread_mutex_lock(&r->lock);
    int64_t next_eval = 0;
    while (!r->stop) {
        int64_t now = (int64_t)time(NULL), retry = 0;
        if (r->woken || now >= next_eval) {
            r->woken = 0;
            pthread_mutex_unlock(&r->lock);
            retry = round_once(r);
            pthread_mutex_lock(&r->lock);
            next_eval = (int64_t)time(NULL) + r->every;
        }
        struct timespec until = {.tv_sec = (time_t)(retry && retry < next_eval ? retry : next_eval)};
        /* a retry due before the next evaluation runs a round early: evaluation is idempotent */
        if (retry && retry < next_eval)
            next_eval = retry;
        while (!r->stop && !r->woken && pthread_cond_timedwait(&r->wake, &r->lock, &until) == 0)
            ;
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

int alert_runner_start(const char *db_url, const kt_alerts_config *cfg, const kt_engine_limits *lim,
                       kt_round_hook hook, kt_feed_source_cb feed, kt_alert_runner **out, kt_err *err)
{
    assert(cfg && lim && out);
    kt_alert_runner *r = xcalloc(1, sizeof *r);
    r->cfg = cfg, r->hook = hook;
    r->db = db_url;
    r->lim = *lim;
    r->every = cfg->evaluate_every > 0 ? cfg->evaluate_every : 60;
    r->opts = (kt_alert_opts){cfg->receivers, cfg->n_receivers, cfg->max_attempts ? cfg->max_attempts : 8,
                              cfg->backoff_initial ? cfg->backoff_initial : 10,
                              cfg->backoff_max ? cfg->backoff_max : 600, &r->lim, cfg->rules, cfg->n_rules,
                              feed.fn, feed.ud};
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->wake, NULL);
    if (pthread_create(&r->thread, NULL, loop, r)) {
        free(r);
        return kt_fail(err, KT_ERUNTIME, "cannot start the alerts thread");
    }
    *out = r;
    return 0;
}

void alert_runner_wake(void *runner)
{
    kt_alert_runner *r = runner;
    if (!r)
        return;
    pthread_mutex_lock(&r->lock);
    r->woken = 1;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
}

void alert_runner_stop(kt_alert_runner *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->lock);
    r->stop = 1;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
    pthread_join(r->thread, NULL);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->wake);
    free(r);
}

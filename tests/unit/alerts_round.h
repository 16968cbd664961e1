/* alerts_round.h — for the alert-rule unit tests: one evaluation round on
 * a store, and an alert's stored state read back. */
#ifndef KT_TEST_ALERTS_ROUND_H
#define KT_TEST_ALERTS_ROUND_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "alerts/alert.h"
#include "store/store.h"

/* One round of alerts_evaluate at time t on the store at `db`. */
static inline kt_alert_stats alerts_round(const char *db, const kt_alert_opts *o, int64_t t)
{
    kt_store *s;
    kt_err err = {0};
    kt_alert_stats st = {0};
    if (store_open(db, 0, &s, &err) || alerts_evaluate(s, o, t, &st, &err))
        fprintf(stderr, "evaluate: %s\n", err.msg);
    store_close(s);
    return st;
}

/* The stored state of alert `key` (NULL when none); the caller decrefs. */
static inline json_t *alert_state(const char *db, const char *key)
{
    kt_store *s;
    kt_err err = {0};
    char *body = NULL;
    json_t *j = NULL;
    if (!store_open(db, KT_STORE_READONLY, &s, &err) && store_get_record(s, KT_ALERT_KIND, key, &body, &err) == 1)
        j = json_loads(body, 0, NULL);
    free(body);
    store_close(s);
    return j;
}

static inline int alert_firing(const char *db, const char *key)
{
    json_t *j = alert_state(db, key);
    int f = j && json_is_true(json_object_get(j, "firing"));
    json_decref(j);
    return f;
}

#endif

/* deliver.c — sending the outbox, retrying with backoff, and the status
 * listing; see alert.h. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/alert.h"
#include "alerts/rule_eval.h"
#include "util/buf.h"
#include "util/log.h"

typedef struct pending {
    char id[32];
    json_t *n; /* the outbox entry (owned) */
} pending;

typedef struct pendings {
    pending *p;
    size_t n, cap;
    int64_t now, next; /* next: earliest later attempt */
    char (*old)[32];   /* delivered or failed notifications past KT_OUTBOX_KEEP */
    size_t n_old, cap_old;
} pendings;

static int due(void *ctx, const char *id, const char *body)
{
    pendings *l = ctx;
    json_t *j = json_loads(body, 0, NULL);
    if (!j || strcmp(json_string_value(json_object_get(j, "status")) ?: "", "pending")) {
        if (j && json_integer_value(json_object_get(j, "createdAt")) < l->now - KT_OUTBOX_KEEP) {
            grow_array((void **)&l->old, &l->cap_old, l->n_old, sizeof *l->old);
            snprintf(l->old[l->n_old++], sizeof *l->old, "%s", id);
        }
        json_decref(j);
        return 0;
    }
    int64_t at = json_integer_value(json_object_get(j, "nextAttempt"));
    if (at > l->now) {
        if (!l->next || at < l->next)
            l->next = at;
        json_decref(j);
        return 0;
    }
    grow_array((void **)&l->p, &l->cap, l->n, sizeof *l->p);
    snprintf(l->p[l->n].id, sizeof l->p[l->n].id, "%s", id);
    l->p[l->n++].n = j;
    return 0;
}

static const kt_receiver *receiver_named(const kt_alert_opts *o, const char *name)
{
    for (size_t i = 0; i < o->n_receivers; i++)
        if (!strcmp(o->receivers[i].name, name))
            return &o->receivers[i];
    return NULL;
}

/* Wait before attempt k+1 after k failures: initial × 2^(k−1), at most max. */
static int64_t backoff(const kt_alert_opts *o, int failures)
{
    int64_t d = o->backoff_initial;
    for (int i = 1; i < failures && d < o->backoff_max; i++)
        d *= 2;
    return d < o->backoff_max ? d : o->backoff_max;
}

static void attempt(kt_store *s, const kt_alert_opts *o, pending *p, int64_t now, kt_alert_stats *st,
                    int64_t *next)
{
    json_t *n = p->n;
    const kt_receiver *r = receiver_named(o, json_string_value(json_object_get(n, "receiver")) ?: "");
    kt_receiver chat = {.kind = KT_RECV_CHAT};
    const char *url = json_string_value(json_object_get(n, "url"));
    if (url) { /* a chat webhook of the budget's action, carried in the entry */
        snprintf(chat.name, sizeof chat.name, "%s", json_string_value(json_object_get(n, "receiver")) ?: "chat");
        snprintf(chat.url, sizeof chat.url, "%s", url);
        r = &chat;
    }
    kt_err e = {0};
    int attempts = (int)json_integer_value(json_object_get(n, "attempts")) + 1;
    const char *to = json_string_value(json_object_get(n, "to"));
    if (to) /* a mail: through the email receiver it was queued for */
        r = receiver_named(o, json_string_value(json_object_get(n, "via")) ?: "");
    const char *body = json_string_value(json_object_get(n, "body")) ?: "";
    int rc = !r    ? kt_fail(&e, KT_EINPUT, "receiver %s is no longer configured",
                             json_string_value(json_object_get(n, to ? "via" : "receiver")))
             : to ? receiver_send_mail(r, to, body, &e)
                  : receiver_send(r, body, p->id, &e);
    json_object_set_new(n, "attempts", json_integer(attempts));
    json_object_set_new(n, "lastAttempt", json_integer(now));
    if (!rc) {
        json_object_set_new(n, "status", json_string("delivered"));
        json_object_set_new(n, "deliveredAt", json_integer(now));
        json_object_set_new(n, "lastError", json_string(""));
        st->sent++;
    } else {
        json_object_set_new(n, "lastError", json_string(e.msg));
        if (!r || attempts >= o->max_attempts) {
            json_object_set_new(n, "status", json_string("failed"));
            st->gave_up++;
            log_warn("notification %s: gave up after %d attempts: %s", p->id, attempts, e.msg);
        } else {
            int64_t at = now + backoff(o, attempts);
            json_object_set_new(n, "nextAttempt", json_integer(at));
            if (!*next || at < *next)
                *next = at;
            st->retried++;
            log_warn("notification %s: attempt %d failed (%s); next in %llds", p->id, attempts, e.msg,
                     (long long)(at - now));
        }
    }
    receiver_wipe(&chat);
    char *text = json_dumps(n, JSON_COMPACT);
    kt_err se = {0};
    if (store_put_record(s, KT_OUTBOX_KIND, p->id, text, &se))
        log_warn("notification %s: %s", p->id, se.msg); /* stays pending: sent again next time */
    free(text);
}

int alerts_deliver(kt_store *s, const kt_alert_opts *o, int64_t now, kt_alert_stats *st, kt_err *err)
{
    assert(s && o && st);
    pendings l = {.now = now};
    if (store_list_records(s, KT_OUTBOX_KIND, due, &l, err))
        return -1;
    for (size_t i = 0; i < l.n; i++) {
        attempt(s, o, &l.p[i], now, st, &l.next);
        json_decref(l.p[i].n);
    }
    free(l.p);
    st->next_attempt = l.next;
    /* the outbox keeps a month of history, not all of it */
    for (size_t i = 0; i < l.n_old; i++)
        if (store_del_record(s, KT_OUTBOX_KIND, l.old[i], err) == 1)
            st->pruned++;
    free(l.old);
    return 0;
}

static int list_into(void *ctx, const char *id, const char *body)
{
    json_t *arr = ctx, *j = json_loads(body, 0, NULL);
    if (!j)
        return 0;
    json_object_del(j, "body"); /* what was sent stays in the store; the listing says what happened */
    json_object_del(j, "url");  /* a chat webhook's URL holds its token */
    json_object_set_new(j, "id", json_string(id)); /* alert states are keyed by the record id alone */
    json_array_append_new(arr, j);
    return 0;
}

int alerts_status(kt_store *s, json_t **out, kt_err *err)
{
    assert(s && out);
    json_t *alerts = json_array(), *notes = json_array();
    *out = NULL;
    if (store_list_records(s, KT_ALERT_KIND, list_into, alerts, err) ||
        store_list_records(s, KT_OUTBOX_KIND, list_into, notes, err)) {
        json_decref(alerts);
        json_decref(notes);
        return -1;
    }
    *out = json_pack("{s:i, s:{s:o, s:o, s:o}}", "code", 200, "data", "alerts", alerts, "notifications", notes,
                     "rules", rules_status(s));
    return 0;
}

/* webhook_secret.c — hiding chat webhook URLs in answers; see
 * webhook_secret.h. */
#include "alerts/webhook_secret.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

void webhook_hidden(const char *url, char *out, size_t n)
{
    assert(url && out && n);
    const char *sep = strstr(url, "://");
    if (!sep || sep - url > 16) {
        snprintf(out, n, "hidden");
        return;
    }
    const char *host = sep + 3;
    size_t len = strcspn(host, "/?#");
    const char *at = memchr(host, '@', len); /* userinfo is a secret too */
    if (at) {
        len -= (size_t)(at + 1 - host);
        host = at + 1;
    }
    snprintf(out, n, "%.*s://%.*s/hidden", (int)(sep - url), url, (int)len, host);
}

/* The webhook lists of one object: its own *Url strings and, for budgets,
 * each action's lists.  fn is called with (list or holder, key). */
typedef void (*field_fn)(json_t *holder, const char *key, const json_t *stored_holder);

static void each_field(json_t *obj, const json_t *stored, field_fn fn)
{
    static const char *const urls[] = {"slackWebhookUrl", "msTeamsWebhookUrl"};
    static const char *const lists[] = {"slackWebhooks", "msTeamsWebhooks"};
    if (!json_is_object(obj))
        return;
    for (int k = 0; k < 2; k++)
        fn(obj, urls[k], stored);
    size_t i;
    json_t *a;
    const json_t *sa = json_object_get(stored, "actions");
    json_array_foreach(json_object_get(obj, "actions"), i, a)
        for (int k = 0; k < 2; k++) {
            /* an action's lists matched against every stored action's: the
             * client may reorder actions */
            size_t j;
            json_t *s;
            if (!json_array_size(sa))
                fn(a, lists[k], NULL);
            json_array_foreach(sa, j, s)
                fn(a, lists[k], s);
        }
}

static void hide_value(json_t *holder, const char *key, json_t *v)
{
    char h[300];
    webhook_hidden(json_string_value(v), h, sizeof h);
    if (json_is_object(holder))
        json_object_set_new(holder, key, json_string(h));
    else
        json_string_set(v, h);
}

static void hide_field(json_t *holder, const char *key, const json_t *unused)
{
    (void)unused;
    json_t *v = json_object_get(holder, key);
    size_t i;
    json_t *e;
    if (json_is_string(v))
        hide_value(holder, key, v);
    json_array_foreach(json_is_array(v) ? v : NULL, i, e)
        if (json_is_string(e))
            hide_value(NULL, NULL, e);
}

void webhooks_hide(json_t *obj)
{
    each_field(obj, NULL, hide_field);
}

/* The stored URL whose hidden form `shown` is, among `stored` (a string or
 * a list of strings); NULL when none. */
static const char *stored_for(const char *shown, const json_t *stored)
{
    char h[300];
    size_t i;
    const json_t *e;
    if (json_is_string(stored)) {
        webhook_hidden(json_string_value(stored), h, sizeof h);
        return strcmp(h, shown) ? NULL : json_string_value(stored);
    }
    json_array_foreach(stored, i, e) {
        const char *u = json_string_value(e);
        if (u && (webhook_hidden(u, h, sizeof h), !strcmp(h, shown)))
            return u;
    }
    return NULL;
}

static void keep_field(json_t *holder, const char *key, const json_t *stored_holder)
{
    json_t *v = json_object_get(holder, key);
    const json_t *sv = json_object_get(stored_holder, key);
    const char *u;
    size_t i;
    json_t *e;
    if (!sv)
        return;
    if (json_is_string(v) && (u = stored_for(json_string_value(v), sv)))
        json_object_set_new(holder, key, json_string(u));
    json_array_foreach(json_is_array(v) ? v : NULL, i, e)
        if (json_is_string(e) && (u = stored_for(json_string_value(e), sv)))
            json_string_set(e, u);
}

void webhooks_keep(json_t *incoming, const json_t *stored)
{
    if (json_is_object(stored))
        each_field(incoming, stored, keep_field);
}

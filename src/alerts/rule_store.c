/* rule_store.c — alert rules kept in the store; see rule_store.h. */
#include "alerts/rule_store.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "alerts/webhook_secret.h"
#include "util/buf.h"
#include "util/log.h"

int rule_save_json(kt_store *s, const json_t *j, char *id, kt_err *err)
{
    assert(s && id);
    kt_rule r;
    const char *field;
    json_t *c = json_is_object(j) ? json_deep_copy(j) : NULL;
    if (c && !json_object_get(c, "id")) {
        unsigned char b[6];
        char hex[13];
        if (RAND_bytes(b, sizeof b) != 1) {
            json_decref(c);
            return kt_fail(err, KT_ERUNTIME, "alert: no random bytes for a new id");
        }
        for (size_t i = 0; i < sizeof b; i++)
            snprintf(hex + 2 * i, 3, "%02x", b[i]);
        char nid[64];
        snprintf(nid, sizeof nid, "%.40s-%s", json_string_value(json_object_get(c, "type")) ?: "alert", hex);
        json_object_set_new(c, "id", json_string(nid));
    }
    int rc = rule_from_json(c ? c : j, 0, &r, &field, err);
    if (!rc) {
        snprintf(id, 64, "%s", r.id);
        char *old = NULL;
        if (store_get_record(s, KT_RULE_KIND, r.id, &old, NULL) == 1) { /* an update: hidden URLs sent back */
            json_t *o = json_loads(old, 0, NULL);
            webhooks_keep(c, o);
            json_decref(o);
        }
        free(old);
        char *body = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
        rc = store_put_record(s, KT_RULE_KIND, r.id, body, err);
        free(body);
    }
    rule_free(&r);
    json_decref(c);
    return rc;
}

int rule_delete(kt_store *s, const char *id, kt_err *err)
{
    assert(s && id);
    return store_del_record(s, KT_RULE_KIND, id, err);
}

typedef struct list_ctx {
    kt_rule *r;
    size_t n, cap;
    json_t *configs;
} list_ctx;

static int collect(void *ctx, const char *id, const char *body)
{
    list_ctx *l = ctx;
    json_t *j = json_loads(body, 0, NULL);
    kt_rule r;
    const char *field;
    kt_err e = {0};
    if (!j || rule_from_json(j, 0, &r, &field, &e)) {
        log_warn("alerts: stored rule %s skipped: %s", id, j ? e.msg : "not JSON");
        json_decref(j);
        return 0;
    }
    if (l->configs) {
        webhooks_hide(j);
        json_array_append(l->configs, j);
        rule_free(&r);
    } else {
        grow_array((void **)&l->r, &l->cap, l->n, sizeof *l->r);
        l->r[l->n++] = r;
    }
    json_decref(j);
    return 0;
}

int rule_list(kt_store *s, kt_rule **out, size_t *n, kt_err *err)
{
    assert(s && out && n);
    list_ctx l = {0};
    int rc = store_list_records(s, KT_RULE_KIND, collect, &l, err);
    if (rc) {
        rule_list_free(l.r, l.n);
        l.r = NULL, l.n = 0;
    }
    *out = l.r, *n = l.n;
    return rc;
}

void rule_list_free(kt_rule *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rule_free(&r[i]);
    free(r);
}

int rule_configs(kt_store *s, json_t **out, kt_err *err)
{
    assert(s && out);
    list_ctx l = {.configs = json_array()};
    if (store_list_records(s, KT_RULE_KIND, collect, &l, err)) {
        json_decref(l.configs);
        return -1;
    }
    *out = json_pack("{s:i, s:o}", "code", 200, "data", l.configs);
    return 0;
}

/* config.c — loading the alerting configuration file; see config.h.
 *
 * The YAML document is turned into JSON node by node (so budgets are
 * validated by the same budget_from_json the API uses), keeping the YAML
 * nodes beside it to find the line of whatever key the validator names. */
#include "alerts/config.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "alerts/budget_store.h"
#include "engine/window.h"
#include "util/buf.h"

static int line_of(const yaml_node_t *n) { return (int)n->start_mark.line + 1; }

/* Plain scalars that read as JSON numbers, booleans or null become those;
 * everything quoted stays a string (so "007" can be a name). */
static json_t *scalar_json(const yaml_node_t *n)
{
    const char *v = (const char *)n->data.scalar.value;
    if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return json_string(v);
    if (!strcmp(v, "true") || !strcmp(v, "false"))
        return json_boolean(!strcmp(v, "true"));
    if (!strcmp(v, "null") || !strcmp(v, "~") || !*v)
        return json_null();
    char *end;
    errno = 0;
    long long i = strtoll(v, &end, 10);
    if (!*end && !errno)
        return json_integer(i);
    double d = strtod(v, &end);
    if (!*end && isfinite(d))
        return json_real(d);
    return json_string(v);
}

static json_t *to_json(yaml_document_t *d, yaml_node_t *n, int depth)
{
    if (!n || depth > 32)
        return json_null();
    if (n->type == YAML_SCALAR_NODE)
        return scalar_json(n);
    if (n->type == YAML_SEQUENCE_NODE) {
        json_t *a = json_array();
        for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++)
            json_array_append_new(a, to_json(d, yaml_document_get_node(d, *i), depth + 1));
        return a;
    }
    json_t *o = json_object();
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(d, p->key);
        if (k && k->type == YAML_SCALAR_NODE)
            json_object_set_new(o, (const char *)k->data.scalar.value,
                                to_json(d, yaml_document_get_node(d, p->value), depth + 1));
    }
    return o;
}

/* The key node named `key` in a mapping, or NULL. */
static yaml_node_t *key_node(yaml_document_t *d, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(d, p->key);
        if (k && k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key))
            return k;
    }
    return NULL;
}

static yaml_node_t *value_node(yaml_document_t *d, yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(d, p->key);
        if (k && k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key))
            return yaml_document_get_node(d, p->value);
    }
    return NULL;
}

/* One item of a list section, parsed into the config; on error *field
 * names its key at fault ("" for the item itself) and e says why. */
typedef int (*item_fn)(kt_alerts_config *c, json_t *j, size_t i, const char **field, kt_err *e);

static int load_list(yaml_document_t *d, yaml_node_t *seq, const char *name, const char *section, item_fn fn,
                     kt_alerts_config *c, kt_err *err)
{
    if (seq->type != YAML_SEQUENCE_NODE)
        return kt_fail(err, KT_EINPUT, "%s:%d: %s: expected a list of %s", name, line_of(seq), section, section);
    size_t i = 0;
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++, i++) {
        yaml_node_t *n = yaml_document_get_node(d, *it);
        json_t *j = to_json(d, n, 0);
        kt_err e = {0};
        const char *field = "";
        int rc = fn(c, j, i, &field, &e);
        json_decref(j);
        if (rc) {
            yaml_node_t *k = *field ? key_node(d, n, field) : NULL;
            return kt_fail(err, KT_EINPUT, "%s:%d: %s[%zu]%s%s", name, line_of(k ? k : n), section, i,
                           *field ? "." : ": ", e.msg);
        }
    }
    return 0;
}

static int budget_item(kt_alerts_config *c, json_t *j, size_t i, const char **field, kt_err *e)
{
    kt_budget b;
    /* a budget from the file is named by its id, else its name, so
     * loading the file again updates the same budget */
    if (json_is_object(j) && !json_object_get(j, "id") && json_is_string(json_object_get(j, "name")))
        json_object_set(j, "id", json_object_get(j, "name"));
    int rc = budget_from_json(j, &b, field, e);
    for (size_t o = 0; !rc && o < c->n_budgets; o++)
        if (!strcmp(c->budgets[o].id, b.id))
            rc = kt_fail(e, KT_EINPUT, "id '%s' is used twice", b.id), *field = "";
    if (rc) {
        budget_free(&b);
        return -1;
    }
    c->budgets = xrealloc(c->budgets, (c->n_budgets + 1) * sizeof *c->budgets);
    c->budgets[c->n_budgets++] = b;
    (void)i;
    return 0;
}

static int rule_item(kt_alerts_config *c, json_t *j, size_t i, const char **field, kt_err *e)
{
    kt_rule r;
    int rc = rule_from_json(j, i, &r, field, e);
    for (size_t o = 0; !rc && o < c->n_rules; o++)
        if (!strcmp(c->rules[o].id, r.id))
            rc = kt_fail(e, KT_EINPUT, "id '%s' is used twice", r.id), *field = "";
    if (rc) {
        rule_free(&r);
        return -1;
    }
    c->rules = xrealloc(c->rules, (c->n_rules + 1) * sizeof *c->rules);
    c->rules[c->n_rules++] = r;
    return 0;
}

static int report_item(kt_alerts_config *c, json_t *j, size_t i, const char **field, kt_err *e)
{
    kt_report r;
    int rc = report_from_json(j, &r, field, e);
    for (size_t o = 0; !rc && o < c->n_reports; o++)
        if (!strcmp(c->reports[o].name, r.name))
            rc = kt_fail(e, KT_EINPUT, "name: '%s' is used twice", r.name), *field = "name";
    if (rc) {
        report_free(&r);
        return -1;
    }
    c->reports = xrealloc(c->reports, (c->n_reports + 1) * sizeof *c->reports);
    c->reports[c->n_reports++] = r;
    (void)i;
    return 0;
}

static const char *scalar_of(yaml_document_t *d, yaml_node_t *map, const char *key)
{
    yaml_node_t *v = value_node(d, map, key);
    return v && v->type == YAML_SCALAR_NODE ? (const char *)v->data.scalar.value : NULL;
}

static int only_keys(yaml_document_t *d, yaml_node_t *map, const char *const *keys, const char *name,
                     const char *where, kt_err *err)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(d, p->key);
        const char *key = k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
        int ok = 0;
        for (int i = 0; keys[i]; i++)
            ok |= !strcmp(keys[i], key);
        if (!ok)
            return kt_fail(err, KT_EINPUT, "%s:%d: %s: unknown key '%s'", name, line_of(k), where, key);
    }
    return 0;
}

/* from (required), username, passwordFile, tls (required | none) of an email receiver. */
static int load_mail(yaml_document_t *d, yaml_node_t *n, kt_receiver *r, kt_err *err)
{
    const char *from = scalar_of(d, n, "from"), *user = scalar_of(d, n, "username"),
               *pass = scalar_of(d, n, "passwordFile"), *tls = scalar_of(d, n, "tls");
    if (!from || !strchr(from, '@') || strlen(from) >= sizeof r->from || strpbrk(from, "<>\r\n"))
        return kt_fail(err, KT_EINPUT, "from: required, an address such as kubetally@example.com");
    snprintf(r->from, sizeof r->from, "%s", from);
    if (user && strlen(user) >= sizeof r->username)
        return kt_fail(err, KT_EINPUT, "username: up to 127 characters");
    snprintf(r->username, sizeof r->username, "%s", user ? user : "");
    if (tls && strcmp(tls, "required") && strcmp(tls, "none"))
        return kt_fail(err, KT_EINPUT, "tls: required (STARTTLS on smtp://) or none");
    r->tls = tls && !strcmp(tls, "none") ? KT_TLS_NONE : KT_TLS_REQUIRED;
    return pass ? receiver_read_secret(pass, r, err) : 0;
}

static int load_receivers(yaml_document_t *d, yaml_node_t *seq, const char *name, kt_alerts_config *c,
                          kt_err *err)
{
    static const char *const keys[] = {"name", "type", "url", "urlEnv", "secretFile", "secretEnv", "from",
                                       "username", "passwordFile", "passwordEnv", "tls", NULL};
    if (seq->type != YAML_SEQUENCE_NODE)
        return kt_fail(err, KT_EINPUT, "%s:%d: receivers: expected a list", name, line_of(seq));
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
        yaml_node_t *n = yaml_document_get_node(d, *it);
        size_t i = c->n_receivers;
        char where[32];
        snprintf(where, sizeof where, "receivers[%zu]", i);
        if (n->type != YAML_MAPPING_NODE)
            return kt_fail(err, KT_EINPUT, "%s:%d: %s: expected name, type and url", name, line_of(n), where);
        if (i == KT_MAX_RECEIVERS)
            return kt_fail(err, KT_EINPUT, "%s:%d: at most %d receivers", name, line_of(n), KT_MAX_RECEIVERS);
        if (only_keys(d, n, keys, name, where, err))
            return -1;
        kt_receiver *r = &c->receivers[i];
        const char *nm = scalar_of(d, n, "name"), *type = scalar_of(d, n, "type"), *url = scalar_of(d, n, "url"),
                   *secret = scalar_of(d, n, "secretFile"), *url_env = scalar_of(d, n, "urlEnv"),
                   *secret_env = scalar_of(d, n, "secretEnv") ?: scalar_of(d, n, "passwordEnv");
        if (url_env && !url) { /* the URL itself is the secret (a token in its path) */
            if (receiver_url_env(url_env, r, err))
                return kt_wrap(err, "%s:%d: %s.", name, line_of(n), where);
            url = r->url;
        }
        if (!nm || !*nm || strlen(nm) >= sizeof r->name)
            return kt_fail(err, KT_EINPUT, "%s:%d: %s.name: required, up to 63 characters", name, line_of(n),
                           where);
        if (!type || (strcmp(type, "alertmanager") && strcmp(type, "webhook") && strcmp(type, "email")))
            return kt_fail(err, KT_EINPUT, "%s:%d: %s.type: alertmanager, webhook or email", name, line_of(n),
                           where);
        int mail = !strcmp(type, "email");
        /* the URL is a secret for chat webhooks: say what is wrong, not what it was */
        if (!url || strlen(url) >= sizeof r->url ||
            (mail ? strncmp(url, "smtp://", 7) && strncmp(url, "smtps://", 8)
                  : strncmp(url, "http://", 7) && strncmp(url, "https://", 8)))
            return kt_fail(err, KT_EINPUT, "%s:%d: %s.url: required, %s", name, line_of(n), where,
                           mail ? "smtp://HOST:PORT or smtps://HOST:PORT" : "an http:// or https:// URL");
        if (mail && load_mail(d, n, r, err)) {
            receiver_wipe(r);
            return kt_wrap(err, "%s:%d: %s.", name, line_of(n), where);
        }
        for (size_t o = 0; o < i; o++)
            if (!strcmp(c->receivers[o].name, nm))
                return kt_fail(err, KT_EINPUT, "%s:%d: %s.name: '%s' is used twice", name, line_of(n), where, nm);
        snprintf(r->name, sizeof r->name, "%s", nm);
        r->kind = mail ? KT_RECV_EMAIL : !strcmp(type, "alertmanager") ? KT_RECV_ALERTMANAGER : KT_RECV_WEBHOOK;
        if (url != r->url)
            snprintf(r->url, sizeof r->url, "%s", url);
        size_t ul = strlen(r->url);
        while (ul && r->url[ul - 1] == '/')
            r->url[--ul] = 0; /* Alertmanager's path is appended */
        c->n_receivers++;
        if ((secret && receiver_read_secret(secret, r, err)) || (secret_env && receiver_secret_env(secret_env, r, err)))
            return kt_wrap(err, "%s:%d: %s.", name, line_of(n), where);
    }
    return 0;
}

static int duration_in(yaml_document_t *d, yaml_node_t *map, const char *key, int64_t lo, int64_t hi,
                       int64_t *out, const char *name, kt_err *err)
{
    yaml_node_t *v = value_node(d, map, key);
    kt_err e = {0};
    if (!v)
        return 0;
    if (v->type != YAML_SCALAR_NODE || duration_parse((const char *)v->data.scalar.value, out, &e) || *out < lo ||
        *out > hi)
        return kt_fail(err, KT_EINPUT, "%s:%d: delivery.%s: a duration from %llds to %llds", name, line_of(v), key,
                       (long long)lo, (long long)hi);
    return 0;
}

static int load_delivery(yaml_document_t *d, yaml_node_t *map, const char *name, kt_alerts_config *c, kt_err *err)
{
    static const char *const keys[] = {"maxAttempts", "initialBackoff", "maxBackoff", NULL};
    if (map->type != YAML_MAPPING_NODE)
        return kt_fail(err, KT_EINPUT, "%s:%d: delivery: expected maxAttempts, initialBackoff, maxBackoff", name,
                       line_of(map));
    if (only_keys(d, map, keys, name, "delivery", err))
        return -1;
    const char *n = scalar_of(d, map, "maxAttempts");
    char *end;
    if (n) {
        long v = strtol(n, &end, 10);
        if (*end || v < 1 || v > 100)
            return kt_fail(err, KT_EINPUT, "%s:%d: delivery.maxAttempts: 1 to 100", name,
                           line_of(value_node(d, map, "maxAttempts")));
        c->max_attempts = (int)v;
    }
    return duration_in(d, map, "initialBackoff", 1, 86400, &c->backoff_initial, name, err) ||
                   duration_in(d, map, "maxBackoff", 1, 86400, &c->backoff_max, name, err)
               ? -1
               : 0;
}

static int load_root(yaml_document_t *d, const char *name, kt_alerts_config *c, kt_err *err)
{
    yaml_node_t *root = yaml_document_get_root_node(d);
    if (!root)
        return 0; /* an empty file configures nothing */
    if (root->type != YAML_MAPPING_NODE)
        return kt_fail(err, KT_EINPUT, "%s:%d: expected a mapping with evaluateEvery and budgets", name,
                       line_of(root));
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(d, p->key);
        const char *key = k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
        if (strcmp(key, "evaluateEvery") && strcmp(key, "budgets") && strcmp(key, "receivers") &&
            strcmp(key, "delivery") && strcmp(key, "alerts") && strcmp(key, "reports"))
            return kt_fail(err, KT_EINPUT, "%s:%d: unknown key '%s'; expected evaluateEvery, budgets, alerts, "
                           "reports, receivers or delivery", name, line_of(k), key);
    }
    yaml_node_t *every = value_node(d, root, "evaluateEvery");
    if (every) {
        kt_err e = {0};
        if (every->type != YAML_SCALAR_NODE ||
            duration_parse((const char *)every->data.scalar.value, &c->evaluate_every, &e))
            return kt_fail(err, KT_EINPUT, "%s:%d: evaluateEvery: expected a duration such as 1m%s%s", name,
                           line_of(every), e.msg[0] ? "; " : "", e.msg);
        if (c->evaluate_every < 30 || c->evaluate_every > 86400)
            return kt_fail(err, KT_EINPUT, "%s:%d: evaluateEvery: between 30s and 1d", name, line_of(every));
    }
    yaml_node_t *budgets = value_node(d, root, "budgets"), *recv = value_node(d, root, "receivers"),
                *del = value_node(d, root, "delivery"), *rules = value_node(d, root, "alerts"),
                *reps = value_node(d, root, "reports");
    return (budgets && load_list(d, budgets, name, "budgets", budget_item, c, err)) ||
                   (recv && load_receivers(d, recv, name, c, err)) ||
                   (rules && load_list(d, rules, name, "alerts", rule_item, c, err)) ||
                   (reps && load_list(d, reps, name, "reports", report_item, c, err)) ||
                   (del && load_delivery(d, del, name, c, err))
               ? -1
               : 0;
}

int alerts_config_parse(const char *text, size_t len, const char *name, kt_alerts_config *c, kt_err *err)
{
    assert(text && name && c);
    memset(c, 0, sizeof *c);
    c->evaluate_every = 60;
    c->max_attempts = 8;
    c->backoff_initial = 10;
    c->backoff_max = 600;
    yaml_parser_t p;
    yaml_document_t d;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    if (!yaml_parser_load(&p, &d)) {
        kt_fail(err, KT_EINPUT, "%s:%zu: %s", name, p.problem_mark.line + 1, p.problem ? p.problem : "bad YAML");
        yaml_parser_delete(&p);
        return -1;
    }
    int rc = load_root(&d, name, c, err);
    yaml_document_delete(&d);
    yaml_parser_delete(&p);
    if (rc)
        alerts_config_free(c);
    return rc;
}

int alerts_config_load(const char *path, kt_alerts_config *c, kt_err *err)
{
    assert(path && c);
    memset(c, 0, sizeof *c);
    FILE *f = fopen(path, "rb");
    if (!f)
        return kt_fail(err, KT_EINPUT, "--config %s: %s", path, strerror(errno));
    kt_buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < (1u << 20))
        buf_add(&b, chunk, n);
    int bad = ferror(f) || b.len >= (1u << 20);
    fclose(f);
    int rc = bad ? kt_fail(err, KT_EINPUT, "--config %s: unreadable or over 1 MiB", path)
                 : alerts_config_parse(b.data ? b.data : "", b.len, path, c, err);
    buf_free(&b);
    return rc;
}

void alerts_config_free(kt_alerts_config *c)
{
    if (!c)
        return;
    budget_list_free(c->budgets, c->n_budgets);
    for (size_t i = 0; i < c->n_rules; i++)
        rule_free(&c->rules[i]);
    free(c->rules);
    c->rules = NULL;
    c->n_rules = 0;
    for (size_t i = 0; i < c->n_reports; i++)
        report_free(&c->reports[i]);
    free(c->reports);
    c->reports = NULL;
    c->n_reports = 0;
    for (size_t i = 0; i < c->n_receivers; i++)
        receiver_wipe(&c->receivers[i]);
    c->n_receivers = 0;
    c->budgets = NULL;
    c->n_budgets = 0;
}

int alerts_config_apply(const kt_alerts_config *c, kt_store *s, kt_err *err)
{
    assert(c && s);
    if (!c->n_budgets)
        return 0;
    if (store_begin(s, err))
        return -1;
    for (size_t i = 0; i < c->n_budgets; i++)
        if (budget_save(s, &c->budgets[i], err)) {
            store_rollback(s);
            return kt_wrap(err, "budget %s from the config file: ", c->budgets[i].id);
        }
    return store_commit(s, err);
}

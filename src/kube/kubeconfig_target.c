/* kubeconfig_target.c — one selected context of the merged kubeconfig
 * (kubeconfig.c) into a kt_kube_target: its cluster's server and TLS
 * settings, its user's credentials, checked the way client-go checks them
 * before use (one auth method, certificate with key, no CA together with
 * insecure-skip-tls-verify, a supported exec plugin).
 *
 * Every error names the file, line, entry and field; never a value that
 * could be a secret. */
#include "kube/kubeconfig_yaml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/base64.h"

yaml_node_t *kc_get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        const char *k = kc_scalar(yaml_document_get_node(d, p->key));
        if (k && !strcmp(k, key))
            return yaml_document_get_node(d, p->value);
    }
    return NULL;
}

const char *kc_scalar(yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

int kc_is_null(yaml_node_t *n)
{
    if (!n)
        return 1;
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    const char *v = (const char *)n->data.scalar.value;
    return !*v || !strcmp(v, "~") || !strcasecmp(v, "null");
}

int kc_line(yaml_node_t *n)
{
    return n ? (int)n->start_mark.line + 1 : 0;
}

/* Where a field lives, for messages: `user "alice"` in file f. */
typedef struct kc_at {
    const kc_entry *e;
    const char *kind;  /* "cluster", "user", "context" */
    yaml_document_t *d;
} kc_at;

static int field_fail(const kc_at *a, yaml_node_t *at, const char *field, kt_err *err, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int field_fail(const kc_at *a, yaml_node_t *at, const char *field, kt_err *err, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return kt_fail(err, KT_EINPUT, "kubeconfig %s line %d: %s \"%s\": %s %s", a->e->f->path,
                   at ? kc_line(at) : a->e->line, a->kind, a->e->name, field, msg);
}

/* A string field: *out is NULL when absent, null or empty (Go's zero value). */
static int get_str(const kc_at *a, yaml_node_t *map, const char *key, const char **out, kt_err *err)
{
    yaml_node_t *n = kc_get(a->d, map, key);
    *out = NULL;
    if (kc_is_null(n))
        return 0;
    if (n->type != YAML_SCALAR_NODE)
        return field_fail(a, n, key, err, "must be a string");
    *out = kc_scalar(n);
    return 0;
}

static int get_dup(const kc_at *a, yaml_node_t *map, const char *key, char **out, kt_err *err)
{
    const char *v;
    if (get_str(a, map, key, &v, err))
        return -1;
    *out = v ? xstrdup(v) : NULL;
    return 0;
}

/* YAML 1.1 booleans, as Go's YAML reader takes them. */
static int get_bool(const kc_at *a, yaml_node_t *map, const char *key, int *out, kt_err *err)
{
    static const char *yes[] = {"true", "yes", "on", "y"}, *no[] = {"false", "no", "off", "n"};
    yaml_node_t *n = kc_get(a->d, map, key);
    *out = 0;
    if (kc_is_null(n))
        return 0;
    const char *v = kc_scalar(n) && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? kc_scalar(n) : NULL;
    for (size_t i = 0; v && i < 4; i++) {
        if (!strcasecmp(v, yes[i]))
            return *out = 1, 0;
        if (!strcasecmp(v, no[i]))
            return 0;
    }
    return field_fail(a, n, key, err, "must be true or false");
}

/* A *-data field: base64 of PEM bytes. */
static int get_data(const kc_at *a, yaml_node_t *map, const char *key, char **out, size_t *len, kt_err *err)
{
    const char *v;
    *out = NULL;
    *len = 0;
    if (get_str(a, map, key, &v, err))
        return -1;
    if (!v)
        return 0;
    unsigned char *bytes;
    if (b64_decode(v, strlen(v), &bytes, len))
        return field_fail(a, kc_get(a->d, map, key), key, err, "is not valid base64");
    *out = (char *)bytes;
    return 0;
}

/* A file path field, relative to the kubeconfig's folder; must be readable. */
static int get_path(const kc_at *a, yaml_node_t *map, const char *key, int check, char **out, kt_err *err)
{
    const char *v;
    *out = NULL;
    if (get_str(a, map, key, &v, err))
        return -1;
    if (!v)
        return 0;
    kt_buf p = {0};
    if (v[0] == '/')
        buf_puts(&p, v);
    else
        buf_printf(&p, "%s/%s", a->e->f->dir, v);
    if (check && access(p.data, R_OK)) {
        field_fail(a, kc_get(a->d, map, key), key, err, "%s: cannot read it (%m)", p.data);
        buf_free(&p);
        return -1;
    }
    *out = buf_steal(&p);
    return 0;
}

static int fill_cluster(const kc_at *a, kt_kube_target *t, kt_err *err)
{
    yaml_node_t *m = a->e->body;
    const char *server;
    if (get_str(a, m, "server", &server, err))
        return -1;
    if (!server)
        return field_fail(a, m, "server", err, "is missing");
    kt_buf s = {0};
    if (!strstr(server, "://")) /* client-go assumes https for a bare host:port */
        buf_puts(&s, "https://");
    buf_puts(&s, server);
    while (s.len && s.data[s.len - 1] == '/')
        s.data[--s.len] = 0;
    t->server = buf_steal(&s);
    CURLU *u = curl_url();
    char *scheme = NULL;
    int bad = curl_url_set(u, CURLUPART_URL, t->server, 0) || curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ||
              (strcmp(scheme, "https") && strcmp(scheme, "http"));
    curl_free(scheme);
    curl_url_cleanup(u);
    if (bad)
        return field_fail(a, kc_get(a->d, m, "server"), "server", err, "\"%s\" is not an http(s) URL", server);
    if (get_data(a, m, "certificate-authority-data", &t->ca_data, &t->ca_data_len, err) ||
        (!t->ca_data && get_path(a, m, "certificate-authority", 1, &t->ca_file, err)) ||
        get_bool(a, m, "insecure-skip-tls-verify", &t->insecure, err) ||
        get_bool(a, m, "disable-compression", &t->disable_compression, err) ||
        get_dup(a, m, "tls-server-name", &t->tls_server_name, err) || get_dup(a, m, "proxy-url", &t->proxy_url, err))
        return -1;
    if (t->insecure && (t->ca_data || t->ca_file)) /* client-go refuses this pair too */
        return field_fail(a, kc_get(a->d, m, "insecure-skip-tls-verify"), "insecure-skip-tls-verify", err,
                          "is set together with a certificate-authority; remove one of them");
    return 0;
}

static int get_list(const kc_at *a, yaml_node_t *m, const char *key, char ***out, size_t *n, kt_err *err)
{
    yaml_node_t *seq = kc_get(a->d, m, key);
    if (kc_is_null(seq))
        return 0;
    if (seq->type != YAML_SEQUENCE_NODE)
        return field_fail(a, seq, key, err, "must be a list");
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
        yaml_node_t *item = yaml_document_get_node(a->d, *it);
        kt_buf v = {0};
        if (item && item->type == YAML_SCALAR_NODE) { /* args: plain strings */
            buf_puts(&v, kc_scalar(item));
        } else { /* env: {name, value} */
            const char *name = kc_scalar(kc_get(a->d, item, "name"));
            const char *value = kc_scalar(kc_get(a->d, item, "value"));
            if (!name || !*name || strchr(name, '='))
                return field_fail(a, item, key, err, "entries need a name (without '=') and a value");
            buf_printf(&v, "%s=%s", name, value ? value : "");
        }
        *out = xrealloc(*out, (*n + 1) * sizeof **out);
        (*out)[(*n)++] = buf_steal(&v);
    }
    return 0;
}

static int fill_exec(const kc_at *a, yaml_node_t *m, kt_kube_target *t, kt_err *err)
{
    if (m->type != YAML_MAPPING_NODE)
        return field_fail(a, m, "exec", err, "must be a mapping");
    kt_exec_cfg *x = t->exec = xcalloc(1, sizeof *x);
    const char *cmd;
    if (get_dup(a, m, "apiVersion", &x->api_version, err) || get_str(a, m, "command", &cmd, err) ||
        get_list(a, m, "args", &x->args, &x->n_args, err) || get_list(a, m, "env", &x->env, &x->n_env, err) ||
        get_bool(a, m, "provideClusterInfo", &x->provide_cluster_info, err) ||
        get_dup(a, m, "interactiveMode", &x->interactive_mode, err))
        return -1;
    if (!cmd)
        return field_fail(a, m, "exec.command", err, "is missing");
    /* like client-go: a relative path with a slash starts at the file's
     * folder; a bare name is looked up on PATH when the plugin runs */
    kt_buf c = {0};
    if (cmd[0] != '/' && strchr(cmd, '/'))
        buf_printf(&c, "%s/%s", a->e->f->dir, cmd);
    else
        buf_puts(&c, cmd);
    x->command = buf_steal(&c);
    int v1 = x->api_version && !strcmp(x->api_version, "client.authentication.k8s.io/v1");
    if (!v1 && !(x->api_version && !strcmp(x->api_version, "client.authentication.k8s.io/v1beta1")))
        return field_fail(a, kc_get(a->d, m, "apiVersion"), "exec.apiVersion", err,
                          "must be client.authentication.k8s.io/v1 or client.authentication.k8s.io/v1beta1");
    if (!x->interactive_mode) {
        if (v1)
            return field_fail(a, m, "exec.interactiveMode", err,
                              "must be set with client.authentication.k8s.io/v1 (kubectl requires it too); use Never");
        x->interactive_mode = xstrdup("IfAvailable"); /* v1beta1's default */
    }
    yaml_node_t *im = kc_get(a->d, m, "interactiveMode");
    if (!strcmp(x->interactive_mode, "Always"))
        return field_fail(a, im, "exec.interactiveMode", err,
                          "is Always, but kubetally never has a terminal to give the plugin; use Never or IfAvailable");
    if (strcmp(x->interactive_mode, "Never") && strcmp(x->interactive_mode, "IfAvailable"))
        return field_fail(a, im, "exec.interactiveMode", err, "must be Never, IfAvailable or Always");
    return 0;
}

static int fill_user(const kc_at *a, kt_kube_target *t, kt_err *err)
{
    yaml_node_t *m = a->e->body;
    if (!m)
        return 0;
    if (get_dup(a, m, "token", &t->token, err) || get_path(a, m, "tokenFile", 0, &t->token_file, err) ||
        get_data(a, m, "client-certificate-data", &t->cert_data, &t->cert_data_len, err) ||
        get_data(a, m, "client-key-data", &t->key_data, &t->key_data_len, err) ||
        (!t->cert_data && get_path(a, m, "client-certificate", 1, &t->cert_file, err)) ||
        (!t->key_data && get_path(a, m, "client-key", 1, &t->key_file, err)) ||
        get_dup(a, m, "username", &t->username, err) || get_dup(a, m, "password", &t->password, err))
        return -1;
    if (t->token && strpbrk(t->token, "\r\n"))
        return field_fail(a, kc_get(a->d, m, "token"), "token", err, "contains a line break");
    if (t->token_file) { /* client-go reads it once up front: fail early, by name */
        char *tok = NULL;
        if (kube_read_token_file(t->token_file, "", &tok, err))
            return field_fail(a, kc_get(a->d, m, "tokenFile"), "tokenFile", err, "%s", err ? err->msg : "");
        kube_free_secret(tok, tok ? strlen(tok) : 0);
    }
    int has_cert = t->cert_data || t->cert_file, has_key = t->key_data || t->key_file;
    if (has_cert != has_key)
        return field_fail(a, m, has_cert ? "client-key" : "client-certificate", err,
                          "(or its -data form) is missing: a client certificate needs both");
    int methods = (t->token || t->token_file) + (t->username || t->password);
    if (methods > 1)
        return field_fail(a, m, "token", err, "and username/password are both set; keep one authentication method");
    yaml_node_t *ap = kc_get(a->d, m, "auth-provider");
    if (!kc_is_null(ap))
        return field_fail(a, ap, "auth-provider", err,
                          "is not supported (kubectl dropped gcp and azure); use an exec plugin such as "
                          "gke-gcloud-auth-plugin or kubelogin");
    static const char *imp[] = {"as", "as-groups", "as-uid", "as-user-extra"};
    for (size_t i = 0; i < 4; i++)
        if (!kc_is_null(kc_get(a->d, m, imp[i])))
            return field_fail(a, kc_get(a->d, m, imp[i]), imp[i], err, "(impersonation) is not supported yet");
    yaml_node_t *ex = kc_get(a->d, m, "exec");
    return kc_is_null(ex) ? 0 : fill_exec(a, ex, t, err);
}

static int build(kc_config *c, const kc_entry *ctx, kt_kube_target *t, kt_err *err)
{
    kc_at at = {ctx, "context", &ctx->f->doc};
    const char *cname, *uname;
    if (get_str(&at, ctx->body, "cluster", &cname, err) || get_str(&at, ctx->body, "user", &uname, err))
        return -1;
    if (!cname)
        return field_fail(&at, ctx->body, "cluster", err, "is missing");
    const kc_entry *cl = kc_find(&c->clusters, cname), *us = uname ? kc_find(&c->users, uname) : NULL;
    if (!cl || (uname && !us)) {
        kt_buf known = {0};
        kc_names(cl ? &c->users : &c->clusters, &known);
        field_fail(&at, kc_get(at.d, ctx->body, cl ? "user" : "cluster"), cl ? "user" : "cluster", err,
                   "\"%s\" is not defined; %s: %s", cl ? uname : cname, cl ? "users" : "clusters", known.data);
        buf_free(&known);
        return -1;
    }
    kc_at cat = {cl, "cluster", &cl->f->doc};
    if (fill_cluster(&cat, t, err))
        return -1;
    if (!us)
        return 0;
    kc_at uat = {us, "user", &us->f->doc};
    return fill_user(&uat, t, err);
}

int kc_build_target(kc_config *c, const kc_entry *ctx, kt_kube_target *t, kt_err *err)
{
    t->name = xstrdup(ctx->name);
    if (!build(c, ctx, t, err))
        return 0;
    return kt_wrap(err, "context \"%s\": ", ctx->name);
}

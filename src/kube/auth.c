/* auth.c — put a target's TLS settings and credentials on a curl handle:
 * kube_auth_apply, kube_auth_invalidate, kube_url (see kubeconfig.h), and
 * the credential decision behind them (kubeconfig_int.h). */
#include "kube/kubeconfig_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/base64.h"
#include "util/buf.h"

void kube_free_secret(char *s, size_t len)
{
    if (!s)
        return;
    explicit_bzero(s, len);
    free(s);
}

void kube_wipe_buf(kt_buf *b)
{
    if (b->data)
        explicit_bzero(b->data, b->len);
    buf_free(b);
}

static void free_str(char **s)
{
    kube_free_secret(*s, *s ? strlen(*s) : 0);
    *s = NULL;
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free_str(&v[i]);
    free(v);
}

void kube_target_clear(kt_kube_target *t)
{
    char **strs[] = {&t->name, &t->server, &t->ca_file, &t->tls_server_name, &t->proxy_url, &t->token,
                     &t->token_file, &t->cert_file, &t->key_file, &t->username, &t->password,
                     &t->exec_token, &t->exec_cert, &t->exec_key};
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
        free_str(strs[i]);
    kube_free_secret(t->ca_data, t->ca_data_len);
    kube_free_secret(t->cert_data, t->cert_data_len);
    kube_free_secret(t->key_data, t->key_data_len);
    if (t->exec) {
        free(t->exec->command);
        free_strv(t->exec->args, t->exec->n_args);
        free_strv(t->exec->env, t->exec->n_env);
        free(t->exec->api_version);
        free(t->exec->interactive_mode);
        free(t->exec);
    }
    curl_slist_free_all(t->connect_to);
    memset(t, 0, sizeof *t);
}

int kube_read_token_file(const char *path, const char *what, char **out, kt_err *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return kt_fail(err, KT_EINPUT, "%s%s%s: %s", what, *what ? " " : "", path, strerror(errno));
    char buf[16384];
    size_t n = fread(buf, 1, sizeof buf, f);
    int big = n == sizeof buf, bad = ferror(f);
    fclose(f);
    size_t a = 0;
    while (a < n && isspace((unsigned char)buf[a]))
        a++;
    while (n > a && isspace((unsigned char)buf[n - 1]))
        n--;
    int ctl = 0;
    for (size_t i = a; i < n; i++)
        ctl |= buf[i] < 0x20 || buf[i] == 0x7f;
    int rc = 0;
    if (bad || big || ctl || n == a)
        rc = kt_fail(err, KT_EINPUT, "%s%s%s: %s", what, *what ? " " : "", path,
                     bad ? "read error" : big ? "larger than 16 KiB, not a token"
                         : ctl ? "expected one token on one line" : "empty");
    else
        *out = strndup(buf + a, n - a);
    explicit_bzero(buf, sizeof buf);
    return rc;
}

enum kube_cred kube_auth_kind(const kt_kube_target *t)
{
    if (t->token_file)
        return KUBE_CRED_TOKEN_FILE;
    if (t->token)
        return KUBE_CRED_TOKEN;
    if (t->username || t->password)
        return KUBE_CRED_BASIC;
    if (t->exec)
        return KUBE_CRED_EXEC;
    return KUBE_CRED_NONE;
}

static char *bearer(const char *token)
{
    kt_buf h = {0};
    buf_printf(&h, "Authorization: Bearer %s", token);
    return buf_steal(&h);
}

int kube_auth_header(kt_kube_target *t, int64_t now, char **out, kt_err *err)
{
    *out = NULL;
    switch (kube_auth_kind(t)) {
    case KUBE_CRED_TOKEN_FILE: {
        char *tok;
        if (kube_read_token_file(t->token_file, "token file", &tok, err)) {
            if (!t->token) /* client-go falls back to the static token too */
                return kt_wrap(err, "context \"%s\": ", t->name);
            *out = bearer(t->token);
            return 0;
        }
        *out = bearer(tok);
        kube_free_secret(tok, strlen(tok));
        return 0;
    }
    case KUBE_CRED_TOKEN:
        *out = bearer(t->token);
        return 0;
    case KUBE_CRED_BASIC: {
        kt_buf up = {0}, h = {0};
        buf_printf(&up, "%s:%s", t->username ? t->username : "", t->password ? t->password : "");
        char *enc = b64_encode((const unsigned char *)up.data, up.len);
        buf_printf(&h, "Authorization: Basic %s", enc);
        kube_free_secret(enc, strlen(enc));
        kube_wipe_buf(&up);
        *out = buf_steal(&h);
        return 0;
    }
    case KUBE_CRED_EXEC:
        if ((!t->exec_token && !t->exec_cert) || (t->exec_expiry && t->exec_expiry - 10 <= now))
            if (kube_exec_run(t, err))
                return -1;
        if (t->exec_token)
            *out = bearer(t->exec_token);
        return 0;
    case KUBE_CRED_NONE:
        break;
    }
    return 0;
}

/* The server's host and port (default port filled in), and with the host
 * replaced by tls-server-name when asked.  curl writes IPv6 hosts with []. */
static int server_parts(const kt_kube_target *t, const char *new_host, char **host, char **port, char **url)
{
    CURLU *u = curl_url();
    int rc = curl_url_set(u, CURLUPART_URL, t->server, 0) ||
             (host && curl_url_get(u, CURLUPART_HOST, host, 0)) ||
             (port && curl_url_get(u, CURLUPART_PORT, port, CURLU_DEFAULT_PORT)) ||
             (new_host && curl_url_set(u, CURLUPART_HOST, new_host, 0)) ||
             (url && curl_url_get(u, CURLUPART_URL, url, 0));
    curl_url_cleanup(u);
    return rc ? -1 : 0;
}

char *kube_url(const kt_kube_target *t, const char *path)
{
    kt_buf b = {0};
    char *u = NULL;
    if (t->tls_server_name && !server_parts(t, t->tls_server_name, NULL, NULL, &u))
        buf_puts(&b, u);
    else
        buf_puts(&b, t->server);
    curl_free(u);
    while (b.len && b.data[b.len - 1] == '/') /* curl adds "/" to a bare host */
        b.data[--b.len] = 0;
    buf_puts(&b, path ? path : "");
    return buf_steal(&b);
}

/* tls-server-name: kube_url names that host, so TLS verifies (and SNI
 * sends) it, and CONNECT_TO sends the connection to the real server. */
static int connect_to(kt_kube_target *t, kt_err *err)
{
    if (t->connect_to)
        return 0;
    char *host = NULL, *port = NULL;
    if (server_parts(t, NULL, &host, &port, NULL)) {
        curl_free(host);
        curl_free(port);
        return kt_fail(err, KT_EINPUT, "context \"%s\": server %s is not a URL", t->name, t->server);
    }
    kt_buf m = {0};
    buf_printf(&m, "%s:%s:%s:%s", t->tls_server_name, port, host, port);
    t->connect_to = curl_slist_append(NULL, m.data);
    buf_free(&m);
    curl_free(host);
    curl_free(port);
    return 0;
}

static void set_blob(CURL *h, CURLoption opt, const char *data, size_t len)
{
    struct curl_blob b = {(void *)data, len, CURL_BLOB_COPY};
    curl_easy_setopt(h, opt, &b);
}

int kube_auth_apply(kt_kube_target *t, CURL *h, struct curl_slist **headers, int64_t now, kt_err *err)
{
    char *hdr;
    if (kube_auth_header(t, now, &hdr, err))
        return -1;
    if (hdr) {
        *headers = curl_slist_append(*headers, hdr);
        kube_free_secret(hdr, strlen(hdr));
    }
    /* only the cluster's CA is trusted when one is given, as kubectl does:
     * clear curl's default bundle and folder */
    if (t->ca_data || t->ca_file) {
        curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
        curl_easy_setopt(h, CURLOPT_CAINFO, t->ca_file);
        if (t->ca_data)
            set_blob(h, CURLOPT_CAINFO_BLOB, t->ca_data, t->ca_data_len);
    }
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, t->insecure ? 0L : 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, t->insecure ? 0L : 2L);
    if (t->tls_server_name) {
        if (connect_to(t, err))
            return -1;
        curl_easy_setopt(h, CURLOPT_CONNECT_TO, t->connect_to);
    }
    if (t->proxy_url)
        curl_easy_setopt(h, CURLOPT_PROXY, t->proxy_url);
    /* a client certificate from the kubeconfig wins over the plugin's */
    if (t->cert_data)
        set_blob(h, CURLOPT_SSLCERT_BLOB, t->cert_data, t->cert_data_len);
    else if (t->cert_file)
        curl_easy_setopt(h, CURLOPT_SSLCERT, t->cert_file);
    else if (t->exec_cert && t->exec_key)
        set_blob(h, CURLOPT_SSLCERT_BLOB, t->exec_cert, strlen(t->exec_cert));
    if (t->key_data)
        set_blob(h, CURLOPT_SSLKEY_BLOB, t->key_data, t->key_data_len);
    else if (t->key_file)
        curl_easy_setopt(h, CURLOPT_SSLKEY, t->key_file);
    else if (!t->cert_data && !t->cert_file && t->exec_cert && t->exec_key)
        set_blob(h, CURLOPT_SSLKEY_BLOB, t->exec_key, strlen(t->exec_key));
    return 0;
}

void kube_auth_invalidate(kt_kube_target *t)
{
    free_str(&t->exec_token);
    free_str(&t->exec_cert);
    free_str(&t->exec_key);
    t->exec_expiry = 0;
}

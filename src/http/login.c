/* login.c — dashboard sessions; see login.h. */
#include "http/login.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/html.h"

static const char cookie_name[] = "kt_session=";

typedef struct session {
    unsigned char sha[32]; /* SHA-256 of the id: the table never holds a cookie */
    int64_t expires;
} session;

struct kt_sessions {
    pthread_mutex_t mu;
    session s[KT_SESSIONS_MAX];
    int n;
};

kt_sessions *sessions_new(void)
{
    kt_sessions *s = xcalloc(1, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    return s;
}

void sessions_free(kt_sessions *s)
{
    if (!s)
        return;
    pthread_mutex_destroy(&s->mu);
    OPENSSL_cleanse(s, sizeof *s);
    free(s);
}

static void drop(kt_sessions *s, int i)
{
    s->s[i] = s->s[--s->n];
}

void sessions_issue(kt_sessions *s, int64_t now, char out[KT_SESSION_HEX])
{
    unsigned char id[32];
    if (RAND_bytes(id, sizeof id) != 1)
        abort(); /* no randomness: no session could be safe */
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", id[i]);
    pthread_mutex_lock(&s->mu);
    for (int i = s->n - 1; i >= 0; i--)
        if (s->s[i].expires <= now)
            drop(s, i);
    if (s->n == KT_SESSIONS_MAX) { /* full: the session that expires first goes */
        int old = 0;
        for (int i = 1; i < s->n; i++)
            if (s->s[i].expires < s->s[old].expires)
                old = i;
        drop(s, old);
    }
    SHA256((const unsigned char *)out, 64, s->s[s->n].sha);
    s->s[s->n++].expires = now + KT_SESSION_TTL;
    pthread_mutex_unlock(&s->mu);
    OPENSSL_cleanse(id, sizeof id);
}

/* Index of the header's session in the table, or -1; call locked.  Every
 * entry is compared, in constant time, whatever matches. */
static int find(kt_sessions *s, const char *h)
{
    char v[KT_SESSION_HEX];
    unsigned char d[32];
    if (!login_cookie_value(h, v))
        return -1;
    SHA256((const unsigned char *)v, 64, d);
    int at = -1;
    for (int i = 0; i < s->n; i++)
        if (CRYPTO_memcmp(d, s->s[i].sha, sizeof d) == 0)
            at = i;
    OPENSSL_cleanse(v, sizeof v);
    return at;
}

int sessions_check(kt_sessions *s, const char *h, int64_t now)
{
    pthread_mutex_lock(&s->mu);
    int i = find(s, h), ok = i >= 0 && s->s[i].expires > now;
    pthread_mutex_unlock(&s->mu);
    return ok;
}

void sessions_revoke(kt_sessions *s, const char *h)
{
    pthread_mutex_lock(&s->mu);
    int i = find(s, h);
    if (i >= 0)
        drop(s, i);
    pthread_mutex_unlock(&s->mu);
}

int login_cookie_value(const char *h, char out[KT_SESSION_HEX])
{
    for (const char *p = h; p && *p;) {
        while (*p == ' ' || *p == ';')
            p++;
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == sizeof cookie_name - 1 + 64 && !strncmp(p, cookie_name, sizeof cookie_name - 1)) {
            memcpy(out, p + sizeof cookie_name - 1, 64);
            out[64] = 0;
            return 1;
        }
        p += len;
    }
    return 0;
}

void login_page(kt_http_resp *r, int status, const char *message)
{
    buf_reset(&r->body);
    resp_set(r, status, "text/html; charset=utf-8");
    html_begin(&r->body, "Sign in", "");
    if (message) {
        buf_puts(&r->body, "<p class=\"error\" role=\"alert\">");
        html_escape(&r->body, message);
        buf_puts(&r->body, "</p>");
    }
    buf_puts(&r->body, "<form class=\"controls\" method=\"post\" action=\"/login\"><label class=\"wide\">Access token "
                       "<input type=\"password\" name=\"token\" id=\"token\" autocomplete=\"current-password\" "
                       "required></label><button type=\"submit\">Sign in</button></form>"
                       "<p class=\"window\">The token is the one in the server's --auth-token-file. "
                       "API clients send it as <code>Authorization: Bearer …</code> instead.</p>");
    html_end(&r->body);
}

static void see_other(kt_http_resp *r, const char *where)
{
    buf_reset(&r->body);
    resp_set(r, 303, "text/plain; charset=utf-8");
    snprintf(r->location, sizeof r->location, "%s", where);
    buf_printf(&r->body, "see %s\n", where);
}

void login_grant(kt_http_resp *r, const char *session, int secure)
{
    see_other(r, "/");
    snprintf(r->cookie, sizeof r->cookie, "%s%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200%s", cookie_name,
             session, secure ? "; Secure" : "");
}

void login_revoke(kt_http_resp *r, int secure)
{
    see_other(r, "/login");
    snprintf(r->cookie, sizeof r->cookie, "%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s", cookie_name,
             secure ? "; Secure" : "");
}

void login_redirect(kt_http_resp *r)
{
    see_other(r, "/login");
}

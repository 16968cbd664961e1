/* login.c — dashboard sessions; see login.h. */
#include "http/login.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

#include "http/html.h"

static const char cookie_name[] = "kt_session=";

void login_session(const unsigned char token_sha256[32], char out[KT_SESSION_HEX])
{
    static const char msg[] = "kubetally dashboard session v1";
    unsigned char mac[32];
    unsigned int n = sizeof mac;
    HMAC(EVP_sha256(), token_sha256, 32, (const unsigned char *)msg, sizeof msg - 1, mac, &n);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", mac[i]);
    OPENSSL_cleanse(mac, sizeof mac);
}

int login_cookie_matches(const char *h, const char *session)
{
    size_t want = strlen(session);
    for (const char *p = h; p && *p;) {
        while (*p == ' ' || *p == ';')
            p++;
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == sizeof cookie_name - 1 + want && !strncmp(p, cookie_name, sizeof cookie_name - 1) &&
            CRYPTO_memcmp(p + sizeof cookie_name - 1, session, want) == 0)
            return 1;
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

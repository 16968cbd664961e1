/* login.h — a dashboard session for browsers when --auth-token-file is set.
 *
 * Browsers cannot add "Authorization: Bearer" to a link, so GET /login shows
 * a form, POST /login (the only POST the server takes, body ≤ 4 KiB) checks
 * the token and sets a cookie, GET /logout clears it.  The cookie holds
 * HMAC-SHA256(SHA-256(token), "kubetally dashboard session v1") in hex: it
 * proves knowledge of the token without being the token, and changing the
 * token file invalidates every session.  It is HttpOnly, SameSite=Strict
 * (no cross-site request carries it) and Secure under TLS.  Checks are
 * constant-time. */
#ifndef KT_HTTP_LOGIN_H
#define KT_HTTP_LOGIN_H

#include "http/app.h"

#define KT_SESSION_HEX 65 /* 64 hex digits + NUL */

void login_session(const unsigned char token_sha256[32], char out[KT_SESSION_HEX]);
/* Does the Cookie header carry kt_session=SESSION?  NULL header ⇒ no. */
int login_cookie_matches(const char *cookie_header, const char *session);
/* The sign-in page; status 200, or 401 with a message after a wrong token. */
void login_page(kt_http_resp *r, int status, const char *message);
/* 303 to / with the session cookie; or 303 to /login clearing it. */
void login_grant(kt_http_resp *r, const char *session, int secure);
void login_revoke(kt_http_resp *r, int secure);
/* 303 to /login (a dashboard page asked for without a session). */
void login_redirect(kt_http_resp *r);

#endif

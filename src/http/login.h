/* login.h — a dashboard session for browsers when --auth-token-file is set.
 *
 * Browsers cannot add "Authorization: Bearer" to a link, so GET /login shows
 * a form, POST /login (the only POST the server takes, body ≤ 4 KiB) checks
 * the token and sets a cookie, GET /logout revokes it.  The cookie holds a
 * random session id (32 bytes from OpenSSL's RAND_bytes, in hex) that the
 * server keeps, as its SHA-256, in a table (kt_sessions): it is not the
 * token and says nothing about it; /logout deletes it from the table, so a
 * copied cookie stops working too; it expires after 12 hours, and a
 * restart forgets every session.  At most KT_SESSIONS_MAX are kept (the
 * oldest is dropped).  The cookie is HttpOnly, SameSite=Strict (no
 * cross-site request carries it) and Secure under TLS.  Checks are
 * constant-time. */
#ifndef KT_HTTP_LOGIN_H
#define KT_HTTP_LOGIN_H

#include "http/app.h"

#define KT_SESSION_HEX 65 /* 64 hex digits + NUL */

#define KT_SESSIONS_MAX 1024
#define KT_SESSION_TTL (12 * 3600)

/* The sessions of one server; thread-safe. */
typedef struct kt_sessions kt_sessions;
kt_sessions *sessions_new(void);
void sessions_free(kt_sessions *s);
/* A new session id, valid until now + KT_SESSION_TTL. */
void sessions_issue(kt_sessions *s, int64_t now, char out[KT_SESSION_HEX]);
/* Is the kt_session cookie in this Cookie header a live session?  NULL
 * header ⇒ no. */
int sessions_check(kt_sessions *s, const char *cookie_header, int64_t now);
/* Forget the session in this Cookie header (nothing when it has none). */
void sessions_revoke(kt_sessions *s, const char *cookie_header);
/* The kt_session cookie's value, when it is 64 characters; pure. */
int login_cookie_value(const char *cookie_header, char out[KT_SESSION_HEX]);
/* The sign-in page; status 200, or 401 with a message after a wrong token. */
void login_page(kt_http_resp *r, int status, const char *message);
/* 303 to / with the session cookie; or 303 to /login clearing it. */
void login_grant(kt_http_resp *r, const char *session, int secure);
void login_revoke(kt_http_resp *r, int secure);
/* 303 to /login (a dashboard page asked for without a session). */
void login_redirect(kt_http_resp *r);

#endif

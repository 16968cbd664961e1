/* Dashboard sessions: random ids kept by the server, revoked by /logout,
 * expiring after 12 h, matched exactly in a Cookie header. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "http/login.h"

/* Issue 17: /logout left the cookie valid.  Sessions are random ids the
 * server keeps; revoking one makes the same cookie fail. */
TEST(sessions_revoke_and_expire)
{
    kt_sessions *ss = sessions_new();
    char a[KT_SESSION_HEX], b[KT_SESSION_HEX], h[256], hb[256];
    sessions_issue(ss, 1000, a);
    sessions_issue(ss, 1000, b);
    CHECK(strlen(a) == 64 && strcmp(a, b) != 0);
    snprintf(h, sizeof h, "theme=dark; kt_session=%s; other=1", a);
    snprintf(hb, sizeof hb, "kt_session=%s", b);
    CHECK(sessions_check(ss, h, 1001));
    CHECK(sessions_check(ss, hb, 1001));
    sessions_revoke(ss, h);
    CHECK(!sessions_check(ss, h, 1002));  /* the revoked cookie, presented again */
    CHECK(sessions_check(ss, hb, 1002));  /* another browser's session lives on */
    CHECK(!sessions_check(ss, hb, 1000 + KT_SESSION_TTL)); /* 12 h later */
    CHECK(!sessions_check(ss, NULL, 1001));
    CHECK(!sessions_check(ss, "kt_session=", 1001));
    /* a full table drops the session that expires first */
    char first[KT_SESSION_HEX], x[KT_SESSION_HEX];
    sessions_issue(ss, 2000, first);
    for (int i = 0; i < KT_SESSIONS_MAX; i++)
        sessions_issue(ss, 2001 + i, x);
    snprintf(h, sizeof h, "kt_session=%s", first);
    CHECK(!sessions_check(ss, h, 3000));
    snprintf(h, sizeof h, "kt_session=%s", x);
    CHECK(sessions_check(ss, h, 3000));
    sessions_free(ss);
}

TEST(cookie_header)
{
    char s[KT_SESSION_HEX] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", v[KT_SESSION_HEX], h[256];
    snprintf(h, sizeof h, "kt_session=%s", s);
    CHECK(login_cookie_value(h, v) && !strcmp(v, s));
    snprintf(h, sizeof h, "theme=dark; kt_session=%s; other=1", s);
    CHECK(login_cookie_value(h, v) && !strcmp(v, s));
    snprintf(h, sizeof h, "kt_session=%sx", s); /* longer */
    CHECK(!login_cookie_value(h, v));
    snprintf(h, sizeof h, "kt_session=%.63s", s); /* shorter */
    CHECK(!login_cookie_value(h, v));
    snprintf(h, sizeof h, "xkt_session=%s", s);
    CHECK(!login_cookie_value(h, v));
    CHECK(!login_cookie_value(NULL, v));
    CHECK(!login_cookie_value("", v));
    CHECK(!login_cookie_value("kt_session=", v));
}

TEST(responses)
{
    kt_http_resp r = {0};
    login_grant(&r, "abc", 1);
    CHECK(r.status == 303);
    CHECK_STR(r.location, "/");
    CHECK(strstr(r.cookie, "kt_session=abc; Path=/; HttpOnly; SameSite=Strict") && strstr(r.cookie, "; Secure"));
    login_revoke(&r, 0);
    CHECK_STR(r.location, "/login");
    CHECK(strstr(r.cookie, "Max-Age=0") && !strstr(r.cookie, "Secure"));
    login_page(&r, 401, "<wrong>");
    CHECK(r.status == 401 && strstr(r.body.data, "&lt;wrong&gt;") && strstr(r.body.data, "type=\"password\""));
    buf_free(&r.body);
}

int main(void)
{
    RUN(sessions_revoke_and_expire);
    RUN(cookie_header);
    RUN(responses);
    return check_done();
}

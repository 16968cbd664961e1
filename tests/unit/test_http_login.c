/* Dashboard sessions: the cookie value is derived from the token (not the
 * token), differs per token, and is matched exactly in a Cookie header. */
#include <openssl/sha.h>
#include <string.h>

#include "check.h"
#include "http/login.h"

static void session_for(const char *token, char out[KT_SESSION_HEX])
{
    unsigned char d[32];
    SHA256((const unsigned char *)token, strlen(token), d);
    login_session(d, out);
}

TEST(session_value)
{
    char a[KT_SESSION_HEX], b[KT_SESSION_HEX], a2[KT_SESSION_HEX];
    session_for("0123456789abcdef-token-one", a);
    session_for("0123456789abcdef-token-two", b);
    session_for("0123456789abcdef-token-one", a2);
    CHECK(strlen(a) == 64);
    CHECK(strcmp(a, b) != 0);
    CHECK_STR(a, a2);
    CHECK(!strstr(a, "token"));
}

TEST(cookie_header)
{
    char s[KT_SESSION_HEX], h[256];
    session_for("0123456789abcdef-token-one", s);
    snprintf(h, sizeof h, "kt_session=%s", s);
    CHECK(login_cookie_matches(h, s));
    snprintf(h, sizeof h, "theme=dark; kt_session=%s; other=1", s);
    CHECK(login_cookie_matches(h, s));
    snprintf(h, sizeof h, "kt_session=%sx", s); /* longer */
    CHECK(!login_cookie_matches(h, s));
    snprintf(h, sizeof h, "kt_session=%.63s", s); /* shorter */
    CHECK(!login_cookie_matches(h, s));
    snprintf(h, sizeof h, "xkt_session=%s", s);
    CHECK(!login_cookie_matches(h, s));
    CHECK(!login_cookie_matches(NULL, s));
    CHECK(!login_cookie_matches("", s));
    CHECK(!login_cookie_matches("kt_session=", s));
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
    RUN(session_value);
    RUN(cookie_header);
    RUN(responses);
    return check_done();
}

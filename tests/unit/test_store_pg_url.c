/* test_store_pg_url.c — the PostgreSQL URL without a server (the backend
 * itself is tested against a real one in tests/integration/postgres):
 *   - store_open picks the backend by the scheme (postgresql://, postgres://);
 *   - a password never appears in the message, whether in the user part or
 *     as ?password=, and the message names the URL without it;
 *   - a bare '@' in the user part is refused before libpq could print part
 *     of the password as a host name;
 *   - agents are a PostgreSQL feature: grant-agent on SQLite is refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "store/store.h"

/* Open url (nothing listens on port 1) and return the message. */
static const char *fail_msg(const char *url, int *code)
{
    static kt_err err;
    kt_store *s = NULL;
    memset(&err, 0, sizeof err);
    int rc = store_open(url, KT_STORE_READONLY, &s, &err);
    CHECK(rc == -1 && s == NULL);
    *code = err.code;
    return err.msg;
}

TEST(password_in_user_part_is_never_shown)
{
    int code;
    const char *m = fail_msg("postgresql://kt:hunter2secret@127.0.0.1:1/db?connect_timeout=2", &code);
    CHECK(strstr(m, "postgresql://kt@127.0.0.1:1/db") != NULL);
    CHECK(strstr(m, "cannot connect") != NULL);
    CHECK(strstr(m, "hunter2secret") == NULL);
    CHECK(code == KT_EINPUT);
}

TEST(password_parameter_is_masked)
{
    int code;
    const char *m = fail_msg("postgres://kt@127.0.0.1:1/db?password=hunter2secret&connect_timeout=2", &code);
    CHECK(strstr(m, "password=***") != NULL);
    CHECK(strstr(m, "hunter2secret") == NULL);
}

TEST(bare_at_sign_is_refused)
{
    int code;
    const char *m = fail_msg("postgresql://kt:hun@ter2secret@127.0.0.1:1/db", &code);
    CHECK(strstr(m, "%40") != NULL);
    CHECK(strstr(m, "ter2secret") == NULL && strstr(m, "hun@") == NULL);
    CHECK(code == KT_EINPUT);
}

TEST(grant_agent_needs_postgresql)
{
    char dir[] = "/tmp/kt-test-pgurl-XXXXXX", url[128];
    if (!mkdtemp(dir)) {
        CHECK(0);
        return;
    }
    snprintf(url, sizeof url, "sqlite:%s/s.db", dir);
    kt_store *s;
    kt_err err = {0};
    CHECK(store_open(url, KT_STORE_CREATE, &s, &err) == 0);
    if (s) {
        CHECK(store_grant_agent(s, "a", "kt_agent_a", "password-of-agent", &err) == -1);
        CHECK(strstr(err.msg, "PostgreSQL") != NULL && err.code == KT_EINPUT);
        store_close(s);
    }
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {}
}

int main(void)
{
    RUN(password_in_user_part_is_never_shown);
    RUN(password_parameter_is_masked);
    RUN(bare_at_sign_is_refused);
    RUN(grant_agent_needs_postgresql);
    return check_done();
}

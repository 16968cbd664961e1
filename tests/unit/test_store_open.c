/* Opening the SQLite store: two writers creating the same new database
 * (issue 17: the loser failed with "table meta already exists"), and what
 * a failed open leaves behind (nothing it created). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "store/store.h"

static char dir[256];

static int exists(const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return access(p, F_OK) == 0;
}

/* 8 processes create one new database at once, 5 times over: every one
 * opens it (the loser of the schema transaction waits and finds it made). */
TEST(concurrent_create)
{
    for (int round = 0; round < 5; round++) {
        char path[512];
        snprintf(path, sizeof path, "sqlite:%s/race%d/kt.db", dir, round);
        pid_t kids[8];
        for (int i = 0; i < 8; i++) {
            kids[i] = fork();
            if (kids[i] == 0) {
                kt_store *s;
                kt_err e = {0};
                int rc = store_open(path, KT_STORE_CREATE, &s, &e);
                if (rc)
                    fprintf(stderr, "child %d: %s\n", i, e.msg);
                else
                    store_close(s);
                _exit(rc ? 1 : 0);
            }
        }
        int failed = 0;
        for (int i = 0; i < 8; i++) {
            int st = 0;
            waitpid(kids[i], &st, 0);
            failed += !WIFEXITED(st) || WEXITSTATUS(st) != 0;
        }
        CHECK(failed == 0);
    }
}

/* A file that is no database: one error, and no -wal/-shm beside it. */
TEST(failed_open_leaves_nothing)
{
    char path[512], url[600];
    snprintf(path, sizeof path, "%s/junk.db", dir);
    FILE *f = fopen(path, "w");
    fputs("SQLite format 3", f); /* 15 bytes: not even a header */
    fclose(f);
    snprintf(url, sizeof url, "sqlite:%s", path);
    kt_store *s;
    kt_err e = {0};
    CHECK(store_open(url, KT_STORE_CREATE, &s, &e) == -1 && e.code == KT_EINPUT);
    CHECK(strstr(e.msg, "not a usable kubetally database"));
    CHECK(exists("junk.db") && !exists("junk.db-wal") && !exists("junk.db-shm"));
    /* a folder named as the database */
    snprintf(url, sizeof url, "sqlite:%s", dir);
    CHECK(store_open(url, KT_STORE_CREATE, &s, &e) == -1 && e.code == KT_EINPUT && strstr(e.msg, "is a folder"));
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s/kt-open-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return 1;
    RUN(concurrent_create);
    RUN(failed_open_leaves_nothing);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd)) {}
    return check_done();
}

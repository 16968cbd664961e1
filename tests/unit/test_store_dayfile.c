/* test_store_dayfile.c — day and block files are a cache that can never
 * change an answer: every file of a small demo store is damaged in turn
 * (a flipped byte anywhere, a count or offset set huge, truncation, garbage
 * appended, a file from another day) and each question must still give the
 * rows' answer, to a relative 1e-12, without crashing (run under ASan in CI).
 * Also: `db cache` rebuilds missing files, and a stale file (its day rolled
 * up again) is not used. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "demo/fleet.h"
#include "store/store.h"

static const int64_t DAY0 = 1773187200; /* 2026-03-11T00:00:00Z */
static kt_store *store;
static char days_dir[400];

static double total(const kt_dataset *ds)
{
    double t = 0;
    for (size_t i = 0; i < ds->n_cfacts; i++)
        t += ds->cfacts[i].cost[0] + ds->cfacts[i].cost[1] + ds->cfacts[i].cost[2] + ds->cfacts[i].fee;
    for (size_t i = 0; i < ds->n_nfacts; i++)
        t += ds->nfacts[i].idle[0] + ds->nfacts[i].idle[1] + ds->nfacts[i].idle[2];
    for (size_t i = 0; i < ds->n_pvfacts; i++)
        t += ds->pvfacts[i].cost;
    return t;
}

static double summed(int64_t a, int64_t b)
{
    kt_dataset ds;
    kt_err err;
    if (store_load_summed(store, a, b, &ds, &err))
        return -1;
    double t = total(&ds);
    CHECK(ds.n_cfacts > 0 && ds.n_pods > 0);
    ds_free(&ds);
    return t;
}

static size_t slurp(const char *path, char **out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    *out = malloc((size_t)n + 1);
    size_t got = fread(*out, 1, (size_t)n, f);
    fclose(f);
    return got;
}

static void spit(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(data, 1, n, f);
        fclose(f);
    }
}

static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}

TEST(damaged_files_never_change_an_answer)
{
    const int64_t a = DAY0 - 4 * 86400, b = DAY0;
    setenv("KUBETALLY_NO_DAYFILES", "1", 1);
    double want = summed(a, b);
    unsetenv("KUBETALLY_NO_DAYFILES");
    CHECK(want > 0);
    CHECK_NEAR(summed(a, b), want, 1e-12 * want);
    DIR *d = opendir(days_dir);
    CHECK(d != NULL);
    if (!d)
        return;
    struct dirent *e;
    int files = 0, tries = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[800], *orig = NULL;
        snprintf(path, sizeof path, "%s/%s", days_dir, e->d_name);
        size_t n = slurp(path, &orig);
        files++;
        for (int k = 0; k < 40 && n > 16; k++, tries++) {
            char *m = malloc(n + 64);
            memcpy(m, orig, n);
            size_t len = n;
            switch (k % 5) {
            case 0: m[next() % n] ^= (char)(1 + next() % 255); break;           /* a flipped byte */
            case 1: memset(m + 24 + next() % 200, 0xff, 8); break;                /* a header count huge */
            case 2: len = next() % n; break;                                      /* truncated */
            case 3: memset(m + n, 'x', 64), len = n + 64; break;                  /* garbage appended */
            default: m[next() % 64] ^= 0x10; break;                               /* the header itself */
            }
            spit(path, m, len);
            double got = summed(a, b);
            if (fabs(got - want) > 1e-12 * want) {
                fprintf(stderr, "%s mutation %d: %.12f vs %.12f\n", e->d_name, k % 5, got, want);
                CHECK(0);
            }
            free(m);
        }
        spit(path, orig, n);
        free(orig);
    }
    closedir(d);
    CHECK(files >= 5 && tries >= 200);
}

TEST(a_stale_file_is_not_used_and_db_cache_rebuilds)
{
    const int64_t a = DAY0 - 4 * 86400, b = DAY0;
    double want = summed(a, b);
    /* another day's file under this day's name: wrong day in its header */
    char x[800], y[800], *buf = NULL;
    snprintf(x, sizeof x, "%s/%lld.ktd", days_dir, (long long)(DAY0 - 86400));
    snprintf(y, sizeof y, "%s/%lld.ktd", days_dir, (long long)(DAY0 - 2 * 86400));
    size_t n = slurp(y, &buf);
    spit(x, buf, n);
    free(buf);
    CHECK_NEAR(summed(a, b), want, 1e-12 * want);
    /* every file gone, then rebuilt by `db cache` */
    char cmd[900];
    snprintf(cmd, sizeof cmd, "rm -rf %s", days_dir);
    CHECK(system(cmd) == 0);
    CHECK_NEAR(summed(a, b), want, 1e-12 * want);
    kt_err err;
    long files = 0;
    CHECK(store_rebuild_cache(store, &files, &err) == 0);
    CHECK(files >= 5);
    struct stat st;
    CHECK(stat(x, &st) == 0);
    CHECK_NEAR(summed(a, b), want, 1e-12 * want);
}

int main(void)
{
    char dir[] = "/tmp/kt-test-dayfile-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char url[300];
    snprintf(url, sizeof url, "sqlite:%s/d.db", dir);
    snprintf(days_dir, sizeof days_dir, "%s/d.db.days", dir);
    kt_err err;
    kt_demo_stats st;
    kt_demo_opts o = {5, 80, 3, DAY0 + 13 * 3600, 1, NULL};
    if (store_open(url, KT_STORE_CREATE, &store, &err) || demo_write(store, &o, &st, &err)) {
        fprintf(stderr, "demo: %s\n", err.msg);
        return 1;
    }
    RUN(damaged_files_never_change_an_answer);
    RUN(a_stale_file_is_not_used_and_db_cache_rebuilds);
    store_close(store);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {}
    return check_done();
}

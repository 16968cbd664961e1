/* The answer cache: hits only for the same key and stamp, a changed store
 * file or minute invalidates, only 200s are kept, eviction by age and size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "http/cache.h"

static kt_http_resp answer(int status, const char *body)
{
    kt_http_resp r = {0};
    r.status = status;
    r.content_type = "application/json";
    buf_puts(&r.body, body);
    return r;
}

TEST(hit_and_miss)
{
    kt_http_cache *c = cache_new(4, 1 << 20);
    kt_cache_stamp st = {.minute = 1, .db_ino = 7, .db_size = 100};
    kt_http_resp a = answer(200, "{\"code\":200}"), got = {0};
    CHECK(!cache_get(c, "/allocation\x1fwindow=7d", &st, &got));
    cache_put(c, "/allocation\x1fwindow=7d", &st, &a);
    CHECK(cache_get(c, "/allocation\x1fwindow=7d", &st, &got));
    CHECK(got.status == 200 && !strcmp(got.body.data, "{\"code\":200}"));
    CHECK_STR(got.content_type, "application/json");
    CHECK(!cache_get(c, "/allocation\x1fwindow=1d", &st, &got));
    kt_cache_stamp later = st;
    later.minute = 2;
    CHECK(!cache_get(c, "/allocation\x1fwindow=7d", &later, &got)); /* next minute */
    CHECK(!cache_get(c, "/allocation\x1fwindow=7d", &st, &got));    /* and the stale entry is gone */
    cache_put(c, "k", &st, &a);
    kt_cache_stamp written = st;
    written.wal_size = 4096;
    CHECK(!cache_get(c, "k", &written, &got)); /* a commit grew the WAL */
    kt_http_resp e = answer(400, "{\"code\":400}");
    cache_put(c, "bad", &st, &e);
    CHECK(!cache_get(c, "bad", &st, &got)); /* errors are not kept */
    unsigned long hits, misses;
    size_t bytes;
    cache_counts(c, &hits, &misses, &bytes);
    CHECK(hits == 1 && misses == 6);
    buf_free(&a.body), buf_free(&e.body), buf_free(&got.body);
    cache_free(c);
}

TEST(eviction)
{
    kt_http_cache *c = cache_new(3, 1000);
    kt_cache_stamp st = {.minute = 1};
    kt_http_resp small = answer(200, "x"), got = {0};
    cache_put(c, "a", &st, &small);
    cache_put(c, "b", &st, &small);
    cache_put(c, "c", &st, &small);
    cache_put(c, "d", &st, &small); /* evicts the oldest, a */
    CHECK(!cache_get(c, "a", &st, &got));
    CHECK(cache_get(c, "d", &st, &got) && cache_get(c, "b", &st, &got));
    char big[300];
    memset(big, 'y', sizeof big - 1);
    big[sizeof big - 1] = 0;
    kt_http_resp large = answer(200, big);
    cache_put(c, "big", &st, &large); /* over a quarter of max_bytes: not kept */
    CHECK(!cache_get(c, "big", &st, &got));
    buf_free(&small.body), buf_free(&large.body), buf_free(&got.body);
    cache_free(c);
}

TEST(stamps)
{
    char path[] = "/tmp/kt-cache-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    kt_cache_stamp a, b;
    CHECK(cache_stamp(path, 120, &a) == 0 && a.minute == 2 && a.wal_ino == -1);
    CHECK(write(fd, "data", 4) == 4);
    CHECK(cache_stamp(path, 121, &b) == 0 && memcmp(&a, &b, sizeof a) != 0);
    CHECK(cache_stamp("postgresql://…", 120, &a) == -1);
    CHECK(cache_stamp("/nonexistent/kt.db", 120, &a) == -1);
    close(fd);
    unlink(path);
}

int main(void)
{
    RUN(hit_and_miss);
    RUN(eviction);
    RUN(stamps);
    return check_done();
}

/* test_engine_hostile_input.c — random and adversarial text into every
 * parser a query parameter reaches (window, duration, filter, aggregate,
 * shareCost…).  Each must return 0 or -1 with a message, never crash, hang
 * or read out of bounds (this test matters most under `make asan`). */
#include "check.h"
#include "engine/filter.h"
#include "engine/query.h"
#include "engine/window.h"

static uint64_t rng = 88172645463325252ULL;
static unsigned next(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (unsigned)rng;
}

/* Random strings biased toward the languages' own characters. */
static void random_text(char *buf, size_t cap)
{
    static const char alphabet[] = "namespacelbrt[]()\"\\:!~<>+|,= 0123456789dhmwTZ-offset\x01\xff";
    size_t n = next() % (cap - 1);
    for (size_t i = 0; i < n; i++)
        buf[i] = next() % 8 ? alphabet[next() % (sizeof alphabet - 1)] : (char)(next() % 255 + 1);
    buf[n] = 0;
}

static const char *no_field(void *ctx, enum kt_field f, const char *key, int idx)
{
    (void)ctx, (void)f, (void)key;
    return idx ? NULL : "x";
}

TEST(random_strings)
{
    char buf[300];
    int parsed = 0;
    for (int i = 0; i < 200000; i++) {
        random_text(buf, sizeof buf);
        kt_err err = {0};
        kt_window w;
        int64_t d;
        kt_filter *f = NULL;
        kt_aggregate a;
        int r1 = window_parse(buf, 1795530600, &w, &err);
        int r2 = duration_parse(buf, &d, &err);
        int r3 = filter_parse(buf, &f, &err);
        int r4 = aggregate_parse(buf, &a, &err);
        if (!r3) {
            filter_match(f, no_field, NULL);
            parsed++;
        }
        filter_free(f);
        CHECK(r1 >= -1 && r1 <= 0 && r2 >= -1 && r2 <= 0 && r4 >= -1 && r4 <= 0);
        if (r1 || r2 || r3 || r4)
            CHECK(err.msg[0] != 0);
    }
    CHECK(parsed > 100); /* the generator does reach valid filters */
}

TEST(adversarial)
{
    static char huge[20000];
    memset(huge, '(', sizeof huge - 1);
    kt_filter *f;
    kt_err err;
    CHECK(filter_parse(huge, &f, &err) == -1);
    memset(huge, 'a', sizeof huge - 1);
    kt_window w;
    CHECK(window_parse(huge, 0, &w, &err) == -1);
    kt_aggregate a;
    CHECK(aggregate_parse(huge, &a, &err) == -1);
    CHECK(aggregate_parse("label:a,label:b,label:c,label:d,label:e,label:f,label:g,label:h,label:i", &a, &err) == -1);
    const char *windows[] = {"9223372036854775807d", "99999999999m", "1,", ",1", "1-", "-", "1--2",
                             "2026-02-30T00:00:00Z,2026-03-01T00:00:00Z", "7d offset 99999999999w",
                             "2026-01-01T00:00:00+99:99,2026-01-02T00:00:00Z"};
    for (size_t i = 0; i < sizeof windows / sizeof *windows; i++) {
        int rc = window_parse(windows[i], 1795530600, &w, &err);
        CHECK(rc == -1 || w.end > w.start);
    }
    kv q = {{"window", "shareCost"}, {"7d", "nan"}, 2};
    kt_alloc_query aq;
    kt_query_holder h;
    CHECK(alloc_query_parse(kv_get, &q, 0, &aq, &h, &err) == -1);
    query_holder_free(&h);
    kv q2 = {{"window", "shareNamespaces"}, {"7d", huge}, 2};
    CHECK(alloc_query_parse(kv_get, &q2, 0, &aq, &h, &err) == -1);
    query_holder_free(&h);
}

int main(void)
{
    RUN(random_strings);
    RUN(adversarial);
    return check_done();
}

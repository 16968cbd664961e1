/* test_util.c — interning, the u64 map, buffers and JSON escaping, errors. */
#include "check.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/strtab.h"

TEST(interning)
{
    kt_strtab t;
    strtab_init(&t);
    CHECK(strtab_intern(&t, "") == 0);
    uint32_t a = strtab_intern(&t, "kube-system"), b = strtab_intern(&t, "default");
    CHECK(a != b && strtab_intern(&t, "kube-system") == a);
    char name[32];
    for (int i = 0; i < 100000; i++) { /* forces rehashes and new chunks */
        snprintf(name, sizeof name, "pod-%d", i);
        strtab_intern(&t, name);
    }
    CHECK(t.n == 100003);
    CHECK_STR(strtab_get(&t, a), "kube-system");
    CHECK(strtab_find(&t, "pod-99999") != UINT32_MAX && strtab_find(&t, "pod-100000") == UINT32_MAX);
    strtab_free(&t);
}

TEST(u64map)
{
    kt_u64map m;
    u64map_init(&m);
    for (uint64_t i = 0; i < 50000; i++)
        u64map_put(&m, i * 7919, i);
    u64map_put(&m, 7919, 42); /* replace */
    uint64_t v = 0;
    CHECK(u64map_get(&m, 7919, &v) && v == 42);
    CHECK(u64map_get(&m, 49999ULL * 7919, &v) && v == 49999);
    CHECK(!u64map_get(&m, 3, &v));
    CHECK(m.n == 50000);
    u64map_free(&m);
}

TEST(json_text)
{
    kt_buf b = {0};
    buf_json_str(&b, "a\"b\\c\n<script>&\x01");
    CHECK_STR(b.data, "\"a\\\"b\\\\c\\n\\u003cscript\\u003e\\u0026\\u0001\"");
    buf_reset(&b);
    buf_json_num(&b, 1.234567891);
    buf_putc(&b, ' ');
    buf_json_num(&b, 0.0 / 0.0);
    buf_putc(&b, ' ');
    buf_json_num(&b, -0.000001);
    /* full precision (15 significant digits) so printed rows add up to the
     * printed totals; NaN is null as in OpenCost */
    CHECK_STR(b.data, "1.234567891 null -1e-06");
    buf_reset(&b);
    buf_json_num(&b, -0.0);
    CHECK_STR(b.data, "0");
    buf_free(&b);
}

TEST(errors)
{
    kt_err e = {0};
    CHECK(kt_fail(&e, KT_EINPUT, "window '%s' bad", "7x") == -1 && e.code == KT_EINPUT);
    kt_wrap(&e, "step: ");
    CHECK_STR(e.msg, "step: window '7x' bad");
    char big[2000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    kt_fail(&e, KT_ERUNTIME, "%s", big);
    kt_wrap(&e, "prefix: ");
    CHECK(strlen(e.msg) == sizeof e.msg - 1);
    CHECK(kt_fail(NULL, 1, "ignored") == -1);
}

int main(void)
{
    RUN(interning);
    RUN(u64map);
    RUN(json_text);
    RUN(errors);
    return check_done();
}

/* test_kube_quantity.c — Kubernetes quantity strings to base units. */
#include "check.h"
#include "kube/quantity.h"

static double q(const char *s)
{
    double v = -12345;
    return kube_parse_quantity(s, &v) ? -1 : v;
}

TEST(decimal_and_si)
{
    CHECK_NEAR(q("250m"), 0.25, 1e-15);             /* 250 × 10^-3 */
    CHECK_NEAR(q("1.5"), 1.5, 0);
    CHECK_NEAR(q("2e3"), 2000, 0);                  /* 2 × 10^3 */
    CHECK_NEAR(q("2E3"), 2000, 0);
    CHECK_NEAR(q("1e-3"), 0.001, 1e-15);
    CHECK_NEAR(q("129M"), 129e6, 0);
    CHECK_NEAR(q("128974848"), 128974848, 0);
    CHECK_NEAR(q("1E"), 1e18, 0);                   /* exa, not an exponent */
    CHECK_NEAR(q("3k"), 3000, 0);
    CHECK_NEAR(q("2G"), 2e9, 0);
    CHECK_NEAR(q("1T"), 1e12, 0);
    CHECK_NEAR(q("5P"), 5e15, 0);
    CHECK_NEAR(q("100n"), 1e-7, 1e-15);
    CHECK_NEAR(q("7u"), 7e-6, 1e-15);
    CHECK_NEAR(q("+4"), 4, 0);
    CHECK_NEAR(q(".5"), 0.5, 0);
    CHECK_NEAR(q("0"), 0, 0);
    CHECK_NEAR(q("0.001"), 0.001, 1e-15);
    /* more than 19 significant digits still lands near the value */
    CHECK_NEAR(q("123456789012345678901234"), 1.23456789012345678901234e23, 1e-15);
}

TEST(binary)
{
    CHECK_NEAR(q("1Gi"), 1073741824, 0);            /* 2^30 */
    CHECK_NEAR(q("100Ki"), 102400, 0);              /* 100 × 1024 */
    CHECK_NEAR(q("0.5Gi"), 536870912, 0);           /* 2^29 */
    CHECK_NEAR(q("70Mi"), 73400320, 0);             /* 70 × 1048576 */
    CHECK_NEAR(q("1959264Ki"), 2006286336, 0);      /* 1959264 × 1024 */
    CHECK_NEAR(q("2Ti"), 2199023255552.0, 0);       /* 2 × 2^40 */
    CHECK_NEAR(q("1Pi"), 1125899906842624.0, 0);    /* 2^50 */
    CHECK_NEAR(q("1Ei"), 1152921504606846976.0, 0); /* 2^60 */
}

TEST(rejected)
{
    static const char *bad[] = {"", "garbage", "-1", "-0.5Gi", "1Gix", "NaN", "nan", "inf", "Infinity", "1 Gi",
                                " 1", "1K", "1e", "1e+", "e3", "Gi", ".", "1..2", "0x10", "1,5", "1Mi ",
                                "1e999999", "9Ei9", "1.5.5", "++1", "1m1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v = 7;
        int rc = kube_parse_quantity(bad[i], &v);
        CHECK(rc == -1);
        CHECK(v == 7); /* out untouched on failure */
        if (rc != -1)
            fprintf(stderr, "accepted \"%s\" as %g\n", bad[i], v);
    }
    CHECK(kube_parse_quantity(NULL, NULL) == -1);
    CHECK(kube_parse_quantity("1", NULL) == 0); /* out may be NULL: a validity check */
}

int main(void)
{
    RUN(decimal_and_si);
    RUN(binary);
    RUN(rejected);
    return check_done();
}

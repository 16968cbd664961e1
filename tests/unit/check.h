/* check.h — the tiny test harness every tests/unit/test_*.c uses.
 *
 *   TEST(name) { CHECK(x == 1); CHECK_NEAR(cost, 1.23, 1e-9); CHECK_STR(a, "b"); }
 *   int main(void) { RUN(name); return check_done(); }
 *
 * A failed check prints file:line and the values, and the program exits 1
 * at the end.  CHECK_NEAR is relative for large values, absolute near 0. */
#ifndef KT_CHECK_H
#define KT_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_failures, check_count;

#define TEST(name) static void name(void)
#define RUN(name) do { int before_ = check_failures; name(); \
    printf("%s %s\n", check_failures == before_ ? "ok  " : "FAIL", #name); } while (0)

#define CHECK(cond) do { check_count++; if (!(cond)) { check_failures++; \
    fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); } } while (0)

#define CHECK_NEAR(got, want, tol) do { check_count++; double g_ = (got), w_ = (want); \
    double scale_ = fabs(w_) > 1 ? fabs(w_) : 1; \
    if (!(fabs(g_ - w_) <= (tol) * scale_)) { check_failures++; \
    fprintf(stderr, "%s:%d: %s = %.12g, want %.12g\n", __FILE__, __LINE__, #got, g_, w_); } } while (0)

#define CHECK_STR(got, want) do { check_count++; const char *g_ = (got), *w_ = (want); \
    if (!g_ || strcmp(g_, w_)) { check_failures++; \
    fprintf(stderr, "%s:%d: %s = \"%s\", want \"%s\"\n", __FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_); } } while (0)

/* Named parameters for code that reads them through a getter (query.h). */
typedef struct kv { const char *k[8], *v[8]; int n; } kv;
static inline const char *kv_get(void *p, const char *name)
{
    kv *q = p;
    for (int i = 0; i < q->n; i++)
        if (!strcmp(q->k[i], name))
            return q->v[i];
    return NULL;
}

static inline int check_done(void)
{
    printf("%d checks, %d failed\n", check_count, check_failures);
    return check_failures ? 1 : 0;
}

#endif

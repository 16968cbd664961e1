/* quantity.c — Kubernetes resource quantities; see quantity.h.
 *
 * Parsed by hand rather than with strtod: strtod follows the C locale's
 * decimal point, accepts "inf", "nan" and hex, and would swallow the "E" of
 * an exa suffix ("1E") as an exponent marker. */
#include "kube/quantity.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* Powers of ten a double holds exactly, so mant / 10^k rounds once. */
static const double pow10_exact[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                     1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static double scale10(double mant, long exp)
{
    if (exp >= 0 && exp <= 22)
        return mant * pow10_exact[exp];
    if (exp < 0 && exp >= -22)
        return mant / pow10_exact[-exp];
    return mant * pow(10.0, (double)exp);
}

/* The unsigned decimal number at *sp ("12", "0.5", ".5", "5."); advances *sp.
 * Digits past the 19th only move the exponent (a uint64 holds 19). */
static int parse_number(const char **sp, uint64_t *mant, long *exp10)
{
    const char *s = *sp;
    uint64_t m = 0;
    long e = 0;
    int digits = 0, sig = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++) {
        if (sig < 19) {
            m = m * 10 + (uint64_t)(*s - '0');
            if (m)
                sig++;
        } else {
            e++;
        }
    }
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++, digits++) {
            if (sig < 19) {
                m = m * 10 + (uint64_t)(*s - '0');
                e--;
                if (m)
                    sig++;
            }
        }
    }
    if (!digits)
        return -1;
    *sp = s;
    *mant = m;
    *exp10 = e;
    return 0;
}

/* "e3", "E-2", "e+6": a decimal exponent filling the rest of s. */
static int parse_exponent(const char *s, long *out)
{
    int neg = 0;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    if (!*s)
        return -1;
    long v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        if (v < 100000) /* beyond this the value is 0 or Inf anyway */
            v = v * 10 + (*s - '0');
    }
    *out = neg ? -v : v;
    return 0;
}

static int suffix_multiplier(const char *s, double *mul, long *exp10)
{
    static const struct { const char *sfx; double mul; long exp10; } tab[] = {
        {"", 1, 0}, {"n", 1, -9}, {"u", 1, -6}, {"m", 1, -3}, {"k", 1, 3}, {"M", 1, 6},
        {"G", 1, 9}, {"T", 1, 12}, {"P", 1, 15}, {"E", 1, 18},
        {"Ki", 1024.0, 0}, {"Mi", 1048576.0, 0}, {"Gi", 1073741824.0, 0},
        {"Ti", 1099511627776.0, 0}, {"Pi", 1125899906842624.0, 0}, {"Ei", 1152921504606846976.0, 0},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (!strcmp(s, tab[i].sfx)) {
            *mul = tab[i].mul;
            *exp10 = tab[i].exp10;
            return 0;
        }
    /* "1E" is exa (above); "1E3" / "2e3" is a decimal exponent */
    if ((s[0] == 'e' || s[0] == 'E') && s[1]) {
        *mul = 1;
        return parse_exponent(s + 1, exp10);
    }
    return -1;
}

int kube_parse_quantity(const char *s, double *out)
{
    if (!s)
        return -1;
    if (*s == '+')
        s++;
    uint64_t mant;
    long e, se;
    double mul;
    if (parse_number(&s, &mant, &e) || suffix_multiplier(s, &mul, &se))
        return -1;
    double v = scale10((double)mant, e + se) * mul;
    if (!isfinite(v) || v < 0)
        return -1;
    if (out)
        *out = v;
    return 0;
}

/* time.c — UTC formatting and RFC3339 parsing; see time.h. */
#include "util/time.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void time_format(int64_t t, char *buf)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int time_parse_rfc3339(const char *s, int64_t *t)
{
    struct tm tm = {0};
    int used = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec, &used) != 6 || used != 19)
        return -1;
    if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
        tm.tm_min > 59 || tm.tm_sec > 60)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    int64_t v = (int64_t)timegm(&tm);
    const char *z = s + 19;
    if (*z == '.') /* fractional seconds are accepted and dropped */
        while (isdigit((unsigned char)*++z)) {}
    if (!strcmp(z, "Z")) {
        *t = v;
        return 0;
    }
    int hh, mm;
    if ((z[0] == '+' || z[0] == '-') && sscanf(z + 1, "%2d:%2d", &hh, &mm) == 2 && strlen(z) == 6) {
        int64_t off = hh * 3600 + mm * 60;
        *t = z[0] == '+' ? v - off : v + off;
        return 0;
    }
    return -1;
}

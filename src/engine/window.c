/* window.c — parsing windows the way OpenCost does, in UTC; see window.h. */
#include "engine/window.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t unit_seconds(char u)
{
    switch (u) {
    case 's': return 1;
    case 'm': return 60;
    case 'h': return 3600;
    case 'd': return 86400;
    case 'w': return 7 * 86400;
    default: return 0;
    }
}

/* "<digits><unit>" with unit in `units`; returns seconds or 0. */
static int64_t parse_span(const char *s, size_t len, const char *units, int64_t *count)
{
    size_t i = 0;
    int64_t n = 0;
    while (i < len && isdigit((unsigned char)s[i])) {
        if (n > 100000000)
            return 0;
        n = n * 10 + (s[i++] - '0');
    }
    if (i == 0 || i + 1 != len || !strchr(units, s[i]) || n <= 0)
        return 0;
    if (count)
        *count = n;
    return n * unit_seconds(s[i]);
}

int duration_parse(const char *s, int64_t *seconds, kt_err *err)
{
    int64_t v = parse_span(s, strlen(s), "smhdw", NULL);
    if (!v)
        return kt_fail(err, KT_EINPUT, "duration '%s': expected a positive number and a unit (m, h, d or w), like 1h or 1d", s);
    *seconds = v;
    return 0;
}

/* Monday is 1 … Sunday 0 (as C's tm_wday); weeks start on Sunday like OpenCost. */
static int weekday(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    return tm.tm_wday;
}

static int64_t month_start(int64_t t, int back)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    tm.tm_mday = 1;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_mon -= back;
    return (int64_t)timegm(&tm);
}

static int named_window(const char *s, int64_t now, kt_window *w)
{
    int64_t today = day_floor(now);
    if (!strcmp(s, "today")) *w = (kt_window){today, today + 86400};
    else if (!strcmp(s, "yesterday")) *w = (kt_window){today - 86400, today};
    else if (!strcmp(s, "week")) *w = (kt_window){today - 86400LL * weekday(today), now};
    else if (!strcmp(s, "lastweek")) {
        int64_t st = today - 86400LL * (weekday(today) + 7);
        *w = (kt_window){st, st + 7 * 86400};
    } else if (!strcmp(s, "month")) *w = (kt_window){month_start(now, 0), now};
    else if (!strcmp(s, "lastmonth")) *w = (kt_window){month_start(now, 1), month_start(now, 0)};
    else return 0;
    return 1;
}

static int pair_window(const char *s, kt_window *w)
{
    const char *sep = strchr(s, ',');
    char a[64], b[64];
    if (sep && (size_t)(sep - s) < sizeof a && strlen(sep + 1) < sizeof b) {
        memcpy(a, s, (size_t)(sep - s));
        a[sep - s] = 0;
        strcpy(b, sep + 1);
        if (!time_parse_rfc3339(a, &w->start) && !time_parse_rfc3339(b, &w->end))
            return 1;
    }
    /* unix pair: digits [,-] digits */
    char *end;
    if (!isdigit((unsigned char)s[0]))
        return 0;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (errno || (*end != ',' && *end != '-'))
        return 0;
    const char *p = end + 1;
    if (!isdigit((unsigned char)*p))
        return 0;
    long long y = strtoll(p, &end, 10);
    if (errno || *end)
        return 0;
    *w = (kt_window){x, y};
    return 1;
}

static int parse_window(const char *s, int64_t now, kt_window *w, kt_err *err);

/* Every window lies in [1970, 10000): beyond that no fact exists and the
 * arithmetic on steps and hours would overflow. */
int window_parse(const char *s, int64_t now, kt_window *w, kt_err *err)
{
    if (parse_window(s, now, w, err))
        return -1;
    if (w->start < 0 || w->end > KT_TIME_MAX)
        return kt_fail(err, KT_EINPUT, "window '%.100s': outside 1970-01-01 … 9999-12-31", s);
    return 0;
}

static int parse_window(const char *s, int64_t now, kt_window *w, kt_err *err)
{
    if (!s || !*s)
        return kt_fail(err, KT_EINPUT, "window is empty; use e.g. 7d, today, lastweek or an RFC3339 pair");
    if (strlen(s) > 100)
        return kt_fail(err, KT_EINPUT, "window is too long (%zu characters)", strlen(s));
    if (named_window(s, now, w))
        return 0;
    const char *off = strstr(s, " offset ");
    int64_t count;
    int64_t span = parse_span(s, off ? (size_t)(off - s) : strlen(s), "mhdw", &count);
    if (span && off) {
        int64_t back = parse_span(off + 8, strlen(off + 8), "mhdw", NULL);
        if (!back)
            return kt_fail(err, KT_EINPUT, "window '%s': offset must look like 1d, 12h, 30m or 1w", s);
        *w = (kt_window){now - back - span, now - back};
        return 0;
    }
    if (span) {
        char unit = s[strlen(s) - 1];
        int64_t u = unit_seconds(unit);
        int64_t end = unit == 'w' ? day_floor(now) + 86400 : now - ((now % u) + u) % u + u;
        *w = (kt_window){end - span, end};
        return 0;
    }
    if (pair_window(s, w)) {
        if (w->end <= w->start)
            return kt_fail(err, KT_EINPUT, "window '%s': end must be after start", s);
        return 0;
    }
    return kt_fail(err, KT_EINPUT,
                   "window '%s' not understood; use today, yesterday, week, month, lastweek, lastmonth, "
                   "30m, 12h, 7d, 2w, '7d offset 1d', an RFC3339 pair or a unix-seconds pair", s);
}

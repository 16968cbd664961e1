/* log.c — see log.h. */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static enum kt_log_level min_level = KT_LOG_INFO;

void kt_log_set_level(enum kt_log_level level) { min_level = level; }

void kt_log_init(void)
{
    const char *v = getenv("KUBETALLY_LOG");
    if (!v)
        return;
    if (!strcmp(v, "debug")) min_level = KT_LOG_DEBUG;
    else if (!strcmp(v, "warn")) min_level = KT_LOG_WARN;
    else if (!strcmp(v, "error")) min_level = KT_LOG_ERROR;
}

void kt_log(enum kt_log_level level, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    if (level < min_level)
        return;
    char line[2048], stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s %s %s\n", stamp, names[level], line);
}

/* window.h — OpenCost's window language, in UTC.
 *
 *   today, yesterday, week, month, lastweek, lastmonth
 *   30m, 12h, 7d, 2w       aligned like OpenCost: "7d" ends at the end of
 *                          today and starts 7 days before; "12h" ends at the
 *                          end of the current hour; "2w" ends at the end of today
 *   7d offset 1d           the same span ending `offset` before now
 *   2026-11-01T00:00:00Z,2026-11-08T00:00:00Z   RFC3339 pair
 *   1762000000,1762600000  unix-seconds pair (',' or '-')
 *
 * Durations: "30m", "1h", "1d", "1w" for --step and --resolution. */
#ifndef KT_WINDOW_H
#define KT_WINDOW_H

#include <stdint.h>

#include "util/err.h"
#include "util/time.h"

/* 10000-01-01T00:00:00Z: no window reaches past it. */
#define KT_TIME_MAX 253402300800LL

typedef struct kt_window {
    int64_t start, end; /* [start, end) unix seconds */
} kt_window;

/* Parse `s` relative to `now`.  Errors name the text and what was expected. */
int window_parse(const char *s, int64_t now, kt_window *w, kt_err *err);
/* Parse "90s", "30m", "1h", "1d", "1w" into seconds (> 0). */
int duration_parse(const char *s, int64_t *seconds, kt_err *err);

#endif

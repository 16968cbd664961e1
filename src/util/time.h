/* time.h — UTC time helpers every layer shares: RFC3339 formatting and
 * parsing, and flooring to the hour and the day.  No time zones: kubetally
 * works in UTC throughout, as OpenCost does. */
#ifndef KT_UTIL_TIME_H
#define KT_UTIL_TIME_H

#include <stdint.h>

/* Format unix seconds as RFC3339 UTC ("2026-11-24T00:00:00Z"); buf >= 21 bytes. */
void time_format(int64_t t, char *buf);
/* Parse RFC3339 "YYYY-MM-DDTHH:MM:SS(.frac)?(Z|±HH:MM)" into unix seconds; -1 on error. */
int time_parse_rfc3339(const char *s, int64_t *t);
/* Start of the UTC day / hour holding t (also for negative t). */
static inline int64_t day_floor(int64_t t) { return t - ((t % 86400) + 86400) % 86400; }
static inline int64_t hour_floor(int64_t t) { return t - ((t % 3600) + 3600) % 3600; }

#endif

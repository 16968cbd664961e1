/* clock.h — the monotonic clock, for timeouts, backoff and latency: never
 * the wall clock, which can jump (NTP, a suspended laptop). */
#ifndef KT_CLOCK_H
#define KT_CLOCK_H

#include <stdint.h>

/* Milliseconds and seconds since an arbitrary fixed point. */
int64_t kt_mono_ms(void);
double kt_mono_s(void);

#endif

/* clock.c — the monotonic clock; see clock.h. */
#include "util/clock.h"

#include <time.h>

static struct timespec mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts;
}

int64_t kt_mono_ms(void)
{
    struct timespec ts = mono();
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double kt_mono_s(void)
{
    struct timespec ts = mono();
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* OpenCost windows ("7d", "lastweek", "2026-11-01T00:00:00Z,…", unix pairs) and durations. */
#include "engine/window.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_str(data, size);
    kt_window w;
    int64_t d;
    kt_err e = {0};
    window_parse(s, 1795000000, &w, &e);
    duration_parse(s, &d, &e);
    free(s);
    return 0;
}

/* The Prometheus HTTP API answer decoder (vector and matrix results). */
#include "fuzz.h"
#include "prom/series.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kt_prom_decode_opts o = {1000, (int)(size & 1)};
    kt_prom_result r;
    kt_err e = {0};
    if (prom_decode((const char *)data, size, &o, &r, &e) == 0)
        prom_result_free(&r);
    return 0;
}

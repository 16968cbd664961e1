/* --pricing FILE: OpenCost's custom CSV sheet or the rates JSON (the first
 * byte decides, as in custom_load). */
#include "fuzz.h"
#include "pricing/custom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, ".prices");
    kt_custom c;
    kt_err e = {0};
    if (custom_load(path, &c, &e) == 0)
        custom_free(&c);
    unlink(path);
    return 0;
}

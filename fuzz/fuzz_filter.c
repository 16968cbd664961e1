/* OpenCost filter expressions (namespace:"a" + label[team]~:"x" | …). */
#include "engine/filter.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_str(data, size);
    kt_filter *f = NULL;
    kt_err e = {0};
    if (filter_parse(s, &f, &e) == 0)
        filter_free(f);
    free(s);
    return 0;
}

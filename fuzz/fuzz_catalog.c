/* The price catalog format (data/NAME.prices, stored price lists). */
#include "fuzz.h"
#include "pricing/catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kt_catalog c;
    catalog_init(&c);
    kt_mem_src m;
    kt_err e = {0};
    catalog_parse(&c, reader_mem(&m, (const char *)data, size, "fuzz"), &e);
    catalog_free(&c);
    return 0;
}

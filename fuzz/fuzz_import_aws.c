/* The aws price-list importer (src/pricing/import_aws.c), one page. */
#include "import_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_import(&imp_aws, data, size);
}

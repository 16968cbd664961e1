/* The azure price-list importer (src/pricing/import_azure.c), one page. */
#include "import_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_import(&imp_azure, data, size);
}

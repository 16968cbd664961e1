/* The posture manifest reader: YAML or JSON documents, Lists, any kind. */
#include "fuzz.h"
#include "posture/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kt_manifest m;
    memset(&m, 0, sizeof m);
    kt_err e = {0};
    manifest_load_text(&m, "fuzz.yaml", (const char *)data, size, &e);
    manifest_free(&m);
    return 0;
}

/* Kubernetes resource quantities ("250m", "1.5Gi", "1e3", "0.1Ki"). */
#include "fuzz.h"
#include "kube/quantity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_str(data, size);
    double v;
    kube_parse_quantity(s, &v);
    free(s);
    return 0;
}

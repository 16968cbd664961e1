/* The kubeconfig loader: YAML, aliases, merge rules, every field check. */
#include "fuzz.h"
#include "kube/kubeconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, ".kubeconfig");
    kt_kube_targets ts;
    kt_err e = {0};
    if (kubeconfig_load(path, NULL, 0, 1, &ts, &e) == 0)
        kube_targets_free(&ts);
    unlink(path);
    return 0;
}

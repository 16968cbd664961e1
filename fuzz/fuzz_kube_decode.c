/* The Kubernetes object decoder: the first byte picks the kind, the rest
 * is the object's JSON (as a list item or a watch event's "object"). */
#include <jansson.h>

#include "fuzz.h"
#include "kube/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    enum kt_kind kind = (enum kt_kind)(data[0] % K_KIND_COUNT);
    json_t *j = json_loadb((const char *)data + 1, size - 1, JSON_DECODE_ANY, NULL);
    if (!j)
        return 0;
    kt_strtab strs;
    strtab_init(&strs);
    kt_decoder *d = kube_decoder_new(&strs);
    kt_object o;
    kt_err e = {0};
    kube_decode(d, kind, j, &o, &e);
    kube_decoder_free(d);
    strtab_free(&strs);
    json_decref(j);
    return 0;
}

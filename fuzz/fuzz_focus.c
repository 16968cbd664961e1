/* kubetally import focus: a FOCUS cost export (CSV, or gzip when the bytes
 * say so), read row by row; each delivered row's strings are touched so a
 * pointer past its buffer shows.  Then the resource key of every
 * ResourceId, as the reconciler derives it. */
#include "bills/focus.h"
#include "fuzz.h"

static int on_row(void *ctx, const kt_focus_row *r, kt_err *err)
{
    size_t *n = ctx;
    const char *s[] = {r->provider, r->account, r->sub_account, r->service, r->category, r->region,
                       r->resource_id, r->resource_type, r->charge_category, r->charge_class, r->currency,
                       r->tags, r->extras};
    for (size_t i = 0; i < sizeof s / sizeof *s; i++)
        *n += s[i] ? strlen(s[i]) : 0;
    char key[512];
    focus_resource_key(r->resource_id ? r->resource_id : "", key, sizeof key);
    *n += strlen(key);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, ".csv");
    size_t n = 0;
    kt_focus_stats st;
    kt_err e = {0};
    focus_read(path, on_row, NULL, &n, &st, &e);
    unlink(path);
    return 0;
}

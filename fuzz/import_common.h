/* One price-list page through an importer (imp_ops): create, page, finish. */
#include "fuzz.h"
#include "pricing/import.h"

static int fuzz_import(const imp_ops *ops, const uint8_t *data, size_t size)
{
    kt_import_stats st;
    memset(&st, 0, sizeof st);
    imp_result res;
    memset(&res, 0, sizeof res);
    res.st = &st;
    kt_mem_src m;
    kt_err e = {0};
    void *state = ops->create();
    if (ops->page(state, reader_mem(&m, (const char *)data, size, "fuzz"), &res, &e) == 0)
        ops->finish(state, &res, &e);
    ops->destroy(state);
    buf_free(&res.body);
    return 0;
}

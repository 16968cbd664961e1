/* pg.c — the PostgreSQL backend (placeholder until it lands). */
#include "store/store_backend.h"

int pgs_open(const char *url, int flags, kt_store **out, kt_err *err)
{
    (void)url, (void)flags, (void)out;
    return kt_fail(err, KT_EINPUT, "store: the PostgreSQL backend is not in this build yet; use sqlite:PATH");
}

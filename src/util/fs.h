/* fs.h — the few file-system steps several parts need done the same
 * careful way. */
#ifndef KT_FS_H
#define KT_FS_H

#include <stddef.h>

#include "util/err.h"

/* mkdir -p with `mode` for the folders it makes. */
int fs_mkdirs(const char *dir, int mode, kt_err *err);
/* Write `n` bytes to `path` atomically and durably: a temp file beside it
 * (".tmp-" + its base name, mode 0600), fsync, rename over path, fsync of
 * the folder.  After a crash path holds the old bytes or the new ones; a
 * temp file may be left (callers remove ".tmp-*" they find). */
int fs_write_atomic(const char *path, const void *data, size_t n, kt_err *err);

#endif

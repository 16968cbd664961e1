/* err.h — the one error type every kubetally function returns through.
 *
 * Contract: a function that can fail takes `kt_err *err` last and returns
 * 0 on success, -1 on failure after filling err with a message a user can act
 * on ("window '7x': unknown unit 'x'; use m, h, d or w").  err may be NULL when
 * the caller does not care.  Messages never contain secrets: callers pass
 * names of things (a file path, a cluster name), never token values.
 * code is the process exit status the CLI should use: 2 for bad input
 * (flags, windows, filters, files), 1 for runtime failures. */
#ifndef KT_ERR_H
#define KT_ERR_H

#include <stdarg.h>

enum { KT_EINPUT = 2, KT_ERUNTIME = 1 };

typedef struct kt_err {
    int code;
    char msg[512];
} kt_err;

/* Fill err (if non-NULL) and return -1, so callers can `return kt_fail(...)`. */
int kt_fail(kt_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix an existing message: "store: " + msg. Returns -1. */
int kt_wrap(kt_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

/* base64.h — standard base64 (RFC 4648, "+/" alphabet, "=" padding), as
 * Kubernetes stores the *-data fields of a kubeconfig.
 *
 * Decoding is strict about the alphabet and padding but skips whitespace
 * (CR, LF, space, tab), since kubeconfig writers wrap long values; it returns
 * -1 on anything else so callers can name the bad field.  Output buffers are
 * malloc'd and NUL-terminated (PEM text can then be used as a C string). */
#ifndef KT_BASE64_H
#define KT_BASE64_H

#include <stddef.h>

/* Decode n bytes of in; *out gets len bytes plus a NUL. 0 or -1. */
int b64_decode(const char *in, size_t n, unsigned char **out, size_t *len);

/* Encode n bytes; a malloc'd NUL-terminated string. */
char *b64_encode(const unsigned char *in, size_t n);

#endif

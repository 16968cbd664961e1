/* base64.c — see base64.h. */
#include "util/base64.h"

#include <stdlib.h>

#include "util/buf.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int sextet(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

int b64_decode(const char *in, size_t n, unsigned char **out, size_t *len)
{
    unsigned char *o = xmalloc(n / 4 * 3 + 4);
    size_t k = 0, quad = 0, pad = 0;
    unsigned acc = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        if (c == '=') {
            /* padding only completes a quad of 2 or 3 symbols */
            if (quad < 2)
                goto bad;
            pad++;
            quad++;
            if (quad == 4) {
                if (pad > 2)
                    goto bad;
                if (pad == 1) { /* 3 symbols: 18 bits, 2 bytes */
                    o[k++] = (unsigned char)(acc >> 10);
                    o[k++] = (unsigned char)(acc >> 2);
                } else { /* 2 symbols: 12 bits, 1 byte */
                    o[k++] = (unsigned char)(acc >> 4);
                }
                quad = 0;
            }
            continue;
        }
        int v = sextet(c);
        if (v < 0 || pad)
            goto bad;
        acc = (acc << 6 | (unsigned)v) & 0xffffff;
        if (++quad == 4) {
            o[k++] = (unsigned char)(acc >> 16);
            o[k++] = (unsigned char)(acc >> 8);
            o[k++] = (unsigned char)acc;
            quad = 0;
        }
    }
    /* an unfinished quad (missing padding) is malformed */
    if (quad != 0)
        goto bad;
    o[k] = 0;
    *out = o;
    *len = k;
    return 0;
bad:
    free(o);
    return -1;
}

char *b64_encode(const unsigned char *in, size_t n)
{
    char *o = xmalloc((n + 2) / 3 * 4 + 1), *p = o;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        *p++ = alphabet[v >> 18 & 63];
        *p++ = alphabet[v >> 12 & 63];
        *p++ = i + 1 < n ? alphabet[v >> 6 & 63] : '=';
        *p++ = i + 2 < n ? alphabet[v & 63] : '=';
    }
    *p = 0;
    return o;
}

/* redact.c — kube_redact: quote a credential plugin's stderr in an error
 * message without quoting a secret it may have printed (plugins echo
 * tokens, signed URLs and passwords in their failures).  See
 * kubeconfig_int.h.  Over-redacting a harmless word is the accepted cost. */
#include "kube/kubeconfig_int.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static int token_char(unsigned char c)
{
    return isalnum(c) || strchr("-._~+/=%", c);
}

/* The end of a word that follows a marker: up to a space, quote or
 * separator. */
static size_t word_end(const char *s, size_t i, size_t n)
{
    while (i < n && !isspace((unsigned char)s[i]) && !strchr("\"',;)}]&", s[i]))
        i++;
    return i;
}

/* If a secret marker ends at s[i] ("token", then optional quote, ':' or
 * '=' or a space after bearer/basic), the index where its value starts. */
static size_t marker_value(const char *s, size_t i, size_t n)
{
    static const char *marks[] = {"token", "password", "passwd", "secret", "key", "authorization",
                                  "credential", "signature", "bearer", "basic"};
    for (size_t m = 0; m < sizeof marks / sizeof *marks; m++) {
        size_t k = strlen(marks[m]);
        if (i < k || strncasecmp(s + i - k, marks[m], k))
            continue;
        size_t j = i;
        int sep = m >= 8; /* bearer/basic: the next word is the secret */
        while (j < n && (s[j] == '"' || s[j] == '\''))
            j++;
        while (j < n && s[j] == ' ')
            j++;
        if (j < n && (s[j] == ':' || s[j] == '=')) {
            sep = 1;
            j++;
        }
        while (j < n && (s[j] == ' ' || s[j] == '"' || s[j] == '\''))
            j++;
        if (sep && j < n && j > i && word_end(s, j, n) > j)
            return j;
    }
    return 0;
}

void kube_redact(const char *in, kt_buf *out)
{
    size_t n = strcspn(in, "\r\n"), i = 0;
    if (n > 200)
        n = 200;
    buf_puts(out, "");
    while (i < n) {
        size_t v = i ? marker_value(in, i, n) : 0;
        if (v) { /* keep the marker and separator, drop the value */
            buf_add(out, in + i, v - i);
            buf_puts(out, "[redacted]");
            i = word_end(in, v, n);
            continue;
        }
        if (token_char((unsigned char)in[i]) && (!i || !token_char((unsigned char)in[i - 1]))) {
            size_t j = i;
            int digit = 0, alpha = 0;
            for (; j < n && token_char((unsigned char)in[j]); j++) {
                digit |= isdigit((unsigned char)in[j]) != 0;
                alpha |= isalpha((unsigned char)in[j]) != 0;
            }
            if (j - i >= 16 && digit && alpha) { /* JWTs, API keys, signed strings */
                buf_puts(out, "[redacted]");
                i = j;
                continue;
            }
        }
        buf_putc(out, in[i++]);
    }
}

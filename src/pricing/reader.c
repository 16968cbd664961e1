/* reader.c — see reader.h. */
#include "pricing/reader.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

static long file_read(void *ctx, char *buf, size_t n)
{
    size_t got = fread(buf, 1, n, ctx);
    return got == 0 && ferror((FILE *)ctx) ? -1 : (long)got;
}

kt_reader reader_file(FILE *f, const char *name)
{
    return (kt_reader){file_read, f, name};
}

static long mem_read(void *ctx, char *buf, size_t n)
{
    kt_mem_src *m = ctx;
    size_t left = (size_t)(m->end - m->p);
    if (n > left)
        n = left;
    memcpy(buf, m->p, n);
    m->p += n;
    return (long)n;
}

kt_reader reader_mem(kt_mem_src *m, const char *data, size_t len, const char *name)
{
    m->p = data;
    m->end = data + len;
    return (kt_reader){mem_read, m, name};
}

void lines_init(kt_lines *l, kt_reader r, size_t max_line)
{
    memset(l, 0, offsetof(kt_lines, in));
    l->r = r;
    l->max_line = max_line;
    l->in_pos = l->in_len = 0;
    l->lineno = 0;
    l->eof = 0;
}

void lines_free(kt_lines *l)
{
    free(l->buf);
    l->buf = NULL;
}

int lines_next(kt_lines *l, char **line, kt_err *err)
{
    size_t len = 0;
    for (;;) {
        if (l->in_pos == l->in_len) {
            if (l->eof)
                break;
            long got = l->r.read(l->r.ctx, l->in, sizeof l->in);
            if (got < 0)
                return kt_fail(err, KT_ERUNTIME, "%s: read error", l->r.name);
            if (got == 0) {
                l->eof = 1;
                break;
            }
            l->in_pos = 0, l->in_len = (size_t)got;
        }
        char *s = l->in + l->in_pos, *nl = memchr(s, '\n', l->in_len - l->in_pos);
        size_t take = nl ? (size_t)(nl - s) : l->in_len - l->in_pos;
        if (len + take > l->max_line)
            return kt_fail(err, KT_EINPUT, "%s:%ld: line longer than %zu bytes; not a price file",
                           l->r.name, l->lineno + 1, l->max_line);
        if (len + take + 1 > l->cap) {
            l->cap = len + take + 1 < 256 ? 256 : (len + take + 1) * 2;
            l->buf = xrealloc(l->buf, l->cap);
        }
        memcpy(l->buf + len, s, take);
        len += take;
        l->in_pos += take + (nl ? 1 : 0);
        if (nl)
            goto done;
    }
    if (len == 0 && l->eof)
        return 0;
done:
    if (!l->buf)
        l->buf = xcalloc(1, 1);
    l->buf[len] = 0;
    if (len && l->buf[len - 1] == '\r')
        l->buf[len - 1] = 0;
    l->lineno++;
    *line = l->buf;
    return 1;
}

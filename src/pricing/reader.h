/* reader.h — byte sources for the price-list parsers, and a bounded line
 * reader on top of them.
 *
 * Why a callback and not FILE*: the importers must run in bounded memory
 * over multi-hundred-megabyte files and over inputs that never end a line;
 * tests feed them synthetic endless sources through the same interface. */
#ifndef KT_PRICING_READER_H
#define KT_PRICING_READER_H

#include <stddef.h>
#include <stdio.h>

#include "util/err.h"

typedef struct kt_reader {
    /* Read up to n bytes into buf; return the count, 0 at end, -1 on error. */
    long (*read)(void *ctx, char *buf, size_t n);
    void *ctx;
    const char *name; /* for messages: the file or URL (never with secrets) */
} kt_reader;

/* A reader over an open FILE (not closed by the reader). */
kt_reader reader_file(FILE *f, const char *name);

/* A reader over a NUL-terminated string (the compiled-in catalog). */
typedef struct kt_mem_src {
    const char *p, *end;
} kt_mem_src;
kt_reader reader_mem(kt_mem_src *m, const char *data, size_t len, const char *name);

/* Buffered line reader: lines longer than max_line are an error rather than
 * a reason to grow without bound. */
typedef struct kt_lines {
    kt_reader r;
    char *buf;          /* holds the current line, NUL-terminated */
    size_t cap, max_line;
    char in[65536];
    size_t in_pos, in_len;
    long lineno;
    int eof;
} kt_lines;

void lines_init(kt_lines *l, kt_reader r, size_t max_line);
/* 1 with *line set (no trailing \n or \r), 0 at end, -1 on error. */
int lines_next(kt_lines *l, char **line, kt_err *err);
void lines_free(kt_lines *l);

#endif

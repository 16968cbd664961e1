/* catalog_data.h — the built-in catalog files, compiled in from data/ with
 * .incbin (see catalog_data.c), so the binary prices every cloud offline. */
#ifndef KT_CATALOG_DATA_H
#define KT_CATALOG_DATA_H

#include <stddef.h>

typedef struct kt_builtin_file {
    const char *name; /* "data/aws.prices" */
    const char *data;
    size_t len;
} kt_builtin_file;

#define KT_BUILTIN_FILES 3
/* Fill out[] and return how many files there are. */
size_t catalog_builtin_files(kt_builtin_file out[KT_BUILTIN_FILES]);

#endif

/* posture_shared.h — where the conformance tests find ../shared/data, and
 * a helper to read one manifest file.  Tests that need shared data print a
 * "skip" note and pass when it is absent. */
#ifndef KT_POSTURE_SHARED_H
#define KT_POSTURE_SHARED_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "posture/manifest.h"

/* KUBETALLY_SHARED when set (so KUBETALLY_SHARED=/nonexistent runs the
 * tests as if shared/ were absent), else ../shared/data (a clone beside
 * shared/), else /work/shared/data; NULL when it is not a directory. */
static inline const char *shared_data(void)
{
    static const char *cands[] = {"../shared/data", "/work/shared/data"};
    struct stat st;
    const char *env = getenv("KUBETALLY_SHARED");
    if (env)
        return !stat(env, &st) && S_ISDIR(st.st_mode) ? env : NULL;
    for (size_t i = 0; i < 2; i++)
        if (!stat(cands[i], &st) && S_ISDIR(st.st_mode))
            return cands[i];
    return NULL;
}

static inline int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted file names in dir (caller frees each and the array); -1 when unreadable. */
static inline int list_dir(const char *dir, char ***out, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *e;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (*n == cap)
            *out = realloc(*out, (cap = cap ? cap * 2 : 64) * sizeof **out);
        (*out)[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(*out, *n, sizeof **out, name_cmp);
    return 0;
}

static inline void free_list(char **l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(l[i]);
    free(l);
}

/* Load dir/file into m; prints the error and returns -1 when it fails. */
static inline int load_in(const char *dir, const char *file, kt_manifest *m)
{
    char path[1400];
    kt_err err = {0};
    snprintf(path, sizeof path, "%s/%s", dir, file);
    memset(m, 0, sizeof *m);
    if (manifest_load_file(m, path, &err) == 0)
        return 0;
    fprintf(stderr, "%s\n", err.msg);
    return -1;
}

#endif

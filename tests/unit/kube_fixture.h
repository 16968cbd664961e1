/* kube_fixture.h — temp folders and files for the kubeconfig and auth
 * tests (test_kube_kubeconfig.c, test_kube_auth.c). */
#ifndef KT_KUBE_FIXTURE_H
#define KT_KUBE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FIX "tests/fixtures/kube/config"

static char fx_dir[256];

/* A fresh folder under $TMPDIR, removed by fx_cleanup. */
static inline const char *fx_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    snprintf(fx_dir, sizeof fx_dir, "%s/kt-kube-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(fx_dir))
        abort();
    return fx_dir;
}

static inline void fx_cleanup(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx_dir);
    if (fx_dir[0] && system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", fx_dir);
}

/* Write text to fx_dir/name (mode 0755 when exec); returns the full path
 * in a static buffer (copy it before the next call). */
static inline const char *fx_write(const char *name, const char *text, int exec)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", fx_dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
    chmod(path, exec ? 0755 : 0644);
    return path;
}

/* The whole of a file (malloc'd), or NULL. */
static inline char *fx_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *s = calloc(1, 65536);
    size_t n = fread(s, 1, 65535, f);
    s[n] = 0;
    fclose(f);
    return s;
}

/* No error message collected in errs may hold any of the secrets; the
 * errs must be non-trivial (a check that saw nothing proves nothing). */
#define FX_CHECK_NO_SECRETS(errs, secrets, min_len) do { \
    CHECK((errs)->len > (min_len)); \
    for (size_t i_ = 0; i_ < sizeof(secrets) / sizeof *(secrets); i_++) \
        CHECK(!strstr((errs)->data, (secrets)[i_])); \
    buf_free(errs); } while (0)

#endif

/* import.c — bill_import; see import.h. */
#include "bills/import.h"

#include <assert.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/bills.h"
#include "util/buf.h"

typedef struct files {
    char **v;
    size_t n, cap;
    int64_t bytes;
} files;

static int is_bill_name(const char *name)
{
    size_t n = strlen(name);
    return (n > 4 && !strcmp(name + n - 4, ".csv")) || (n > 7 && !strcmp(name + n - 7, ".csv.gz"));
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int add_file(files *f, const char *path, int64_t size, kt_err *err)
{
    if (f->n >= BILL_MAX_FILES)
        return kt_fail(err, KT_EINPUT, "more than %d bill files; import them in several calls", BILL_MAX_FILES);
    grow_array((void **)&f->v, &f->cap, f->n, sizeof *f->v);
    f->v[f->n++] = xstrdup(path);
    f->bytes += size;
    return 0;
}

/* A file as given, or a folder's .csv/.csv.gz files (recursively, sorted). */
static int collect(files *f, const char *path, int depth, kt_err *err)
{
    struct stat sb;
    if (stat(path, &sb))
        return kt_fail(err, KT_EINPUT, "%s: no such file or folder", path);
    if (!S_ISDIR(sb.st_mode))
        return add_file(f, path, (int64_t)sb.st_size, err);
    if (depth > 8)
        return 0;
    DIR *d = opendir(path);
    if (!d)
        return kt_fail(err, KT_EINPUT, "%s: cannot read the folder", path);
    files here = {0};
    struct dirent *e;
    int rc = 0;
    while (!rc && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        kt_buf p = {0};
        buf_printf(&p, "%s/%s", path, e->d_name);
        struct stat cb;
        if (!stat(p.data, &cb) && (S_ISDIR(cb.st_mode) || is_bill_name(e->d_name)))
            rc = add_file(&here, p.data, 0, err);
        buf_free(&p);
    }
    closedir(d);
    if (here.n)
        qsort(here.v, here.n, sizeof *here.v, cmp_str);
    for (size_t i = 0; i < here.n; i++) {
        if (!rc)
            rc = collect(f, here.v[i], depth + 1, err);
        free(here.v[i]);
    }
    free(here.v);
    return rc;
}

typedef struct ctx {
    kt_bill_import *im;
    const kt_bill_import_opts *o;
    kt_bill_progress p;
    int64_t before; /* bytes of the files done */
    long rows_before;
} ctx;

static int on_row(void *ud, const kt_focus_row *r, kt_err *err)
{
    ctx *c = ud;
    char rkey[512];
    focus_resource_key(r->resource_id, rkey, sizeof rkey);
    kt_bill_row b = {r->provider, r->account, r->sub_account, r->service, r->category, r->region,
                     r->charge_category, r->currency, r->tags, r->resource_id, rkey, r->resource_type, r->extras,
                     r->start, r->end, r->period_start, r->billed, r->effective, r->list, r->problems};
    return store_bill_put(c->im, &b, err);
}

static void on_progress(void *ud, const kt_focus_stats *st)
{
    ctx *c = ud;
    c->p.bytes_done = c->before + st->bytes_done;
    c->p.rows = c->rows_before + st->rows;
    if (c->o->progress)
        c->o->progress(c->o->progress_ctx, &c->p);
}

static void note_version(kt_bill_import_result *r, const char *v)
{
    if (!strstr(r->versions, v))
        snprintf(r->versions + strlen(r->versions), sizeof r->versions - strlen(r->versions), "%s%s",
                 r->versions[0] ? "," : "", v);
}

static int read_all(kt_store *s, const files *f, const kt_bill_import_opts *o, kt_bill_import_result *r,
                    kt_err *err)
{
    kt_buf names = {0};
    for (size_t i = 0; i < f->n && names.len < 4000; i++)
        buf_printf(&names, "%s%s", i ? "," : "", f->v[i]);
    ctx c = {.o = o, .p = {0, f->bytes, 0, 0, (long)f->n}};
    int rc = store_bill_import_begin(s, names.data ? names.data : "", &c.im, err);
    buf_free(&names);
    for (size_t i = 0; !rc && i < f->n; i++) {
        kt_focus_stats st;
        rc = focus_read(f->v[i], on_row, on_progress, &c, &st, err);
        c.before += st.bytes_total, c.rows_before += st.rows, c.p.files_done++;
        r->files++, r->rows += st.rows, r->broken += st.broken, r->extra_columns += st.extra_columns;
        for (int k = 0; k < FOCUS_P_COUNT; k++)
            r->by_problem[k] += st.by_problem[k];
        if (!rc) {
            note_version(r, st.version);
            if (st.ignored[0] && !r->ignored[0])
                snprintf(r->ignored, sizeof r->ignored, "%s", st.ignored);
        }
    }
    if (rc) {
        store_bill_import_abort(c.im);
        return -1;
    }
    kt_bill_import_stats is;
    if (store_bill_import_end(c.im, &is, err))
        return -1;
    r->periods = is.periods, r->periods_replaced = is.periods_replaced;
    return 0;
}

int bill_import(kt_store *s, const kt_bill_import_opts *o, kt_bill_import_result *r, kt_err *err)
{
    assert(s && o && r);
    memset(r, 0, sizeof *r);
    files f = {0};
    int rc = 0;
    for (size_t i = 0; !rc && i < o->n_paths; i++)
        rc = collect(&f, o->paths[i], 0, err);
    if (!rc && !f.n)
        rc = kt_fail(err, KT_EINPUT, "no .csv or .csv.gz files in %s", o->n_paths ? o->paths[0] : "(nothing)");
    if (!rc && !(rc = store_begin(s, err))) {
        rc = read_all(s, &f, o, r, err) || bill_reconcile(s, o->metric, &r->recon, err) ? -1 : 0;
        if (rc)
            store_rollback(s);
        else
            rc = store_commit(s, err);
    }
    for (size_t i = 0; i < f.n; i++)
        free(f.v[i]);
    free(f.v);
    return rc;
}

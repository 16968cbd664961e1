/* spool.c — the spool's folder: its files in order, the bound, writing
 * one file per spooled transaction, replaying them; see spool.h. */
#include "store/spool_internal.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "util/fs.h"
#include "util/log.h"

static const char MAGIC[8] = {'K', 'T', 'S', 'P', 'O', 'O', 'L', '1'};
/* A file larger than this is not ours, whatever the bound says. */
#define FILE_CAP ((uint64_t)1 << 32)

typedef struct sp_file {
    uint64_t seq, bytes;
    int64_t h0, h1, written;
    int mine; /* written by this handle (spool.h: superseded files) */
} sp_file;

struct kt_spool {
    sp_writer w; /* first: spool_store hands out &sp->w as a kt_store */
    char *dir;
    uint64_t max_bytes, bytes, next_seq;
    sp_file *f;  /* in write order */
    size_t n, cap;
    long dropped, replayed;
};

static void file_path(const kt_spool *sp, uint64_t seq, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%016" PRIu64 ".kts", sp->dir, seq);
}

static uint64_t get_le(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void set_le(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* --- opening: what is there ------------------------------------------------ */

static int by_seq(const void *a, const void *b)
{
    uint64_t x = ((const sp_file *)a)->seq, y = ((const sp_file *)b)->seq;
    return x < y ? -1 : x > y;
}

/* Add file `name` (seq) to the list with what its header says (a header
 * that does not read is judged at replay, where the checksum is). */
static void add_found(kt_spool *sp, uint64_t seq, const struct stat *st)
{
    char path[1300];
    unsigned char h[SPOOL_HEADER];
    file_path(sp, seq, path, sizeof path);
    sp_file f = {seq, (uint64_t)st->st_size, INT64_MAX, INT64_MIN, (int64_t)st->st_mtime, 0};
    FILE *fp = fopen(path, "rb");
    if (fp && fread(h, 1, sizeof h, fp) == sizeof h && !memcmp(h, MAGIC, 8)) {
        f.h0 = (int64_t)get_le(h + 16, 8), f.h1 = (int64_t)get_le(h + 24, 8);
        f.written = (int64_t)get_le(h + 32, 8);
    }
    if (fp)
        fclose(fp);
    grow_array((void **)&sp->f, &sp->cap, sp->n, sizeof *sp->f);
    sp->f[sp->n++] = f;
    sp->bytes += f.bytes;
    if (seq >= sp->next_seq)
        sp->next_seq = seq + 1;
}

static int scan(kt_spool *sp, kt_err *err)
{
    DIR *d = opendir(sp->dir);
    if (!d)
        return kt_fail(err, KT_ERUNTIME, "spool %s: %s", sp->dir, strerror(errno));
    struct dirent *e;
    while ((e = readdir(d))) {
        char path[1300], tail[8];
        unsigned long long seq;
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", sp->dir, e->d_name);
        if (!strncmp(e->d_name, ".tmp-", 5)) { /* a write a kill interrupted: never renamed, never counted */
            unlink(path);
            continue;
        }
        if (sscanf(e->d_name, "%16llu%7s", &seq, tail) == 2 && !strcmp(tail, ".kts") && strlen(e->d_name) == 20 &&
            !stat(path, &st) && S_ISREG(st.st_mode))
            add_found(sp, seq, &st);
    }
    closedir(d);
    if (sp->n > 1) /* (an empty list may be NULL) */
        qsort(sp->f, sp->n, sizeof *sp->f, by_seq);
    return 0;
}

int spool_open(const char *dir, uint64_t max_bytes, kt_spool **out, kt_err *err)
{
    assert(dir && out);
    if (max_bytes < SPOOL_OVERHEAD)
        return kt_fail(err, KT_EINPUT, "spool %s: a bound of %" PRIu64 " bytes holds nothing", dir, max_bytes);
    if (fs_mkdirs(dir, 0700, err))
        return kt_wrap(err, "spool: ");
    kt_spool *sp = xcalloc(1, sizeof *sp);
    sp->dir = xstrdup(dir);
    sp->max_bytes = max_bytes;
    sp->next_seq = 1;
    sp_writer_init(&sp->w, sp);
    if (scan(sp, err)) {
        spool_close(sp);
        return -1;
    }
    if (sp->n)
        log_info("spool %s: %zu flushes (%" PRIu64 " bytes) wait for the database", dir, sp->n, sp->bytes);
    *out = sp;
    return 0;
}

void spool_close(kt_spool *sp)
{
    if (!sp)
        return;
    buf_free(&sp->w.payload);
    free(sp->f);
    free(sp->dir);
    free(sp);
}

const char *spool_dir(const kt_spool *sp) { return sp->dir; }
kt_store *spool_store(kt_spool *sp) { return (kt_store *)(void *)&sp->w; }
long spool_pending(const kt_spool *sp) { return (long)sp->n; }

void spool_stats(const kt_spool *sp, kt_spool_stats *st)
{
    assert(sp && st);
    st->bytes = sp->bytes;
    st->files = (long)sp->n;
    st->dropped = sp->dropped;
    st->replayed = sp->replayed;
    st->oldest = sp->n ? sp->f[0].written : 0;
}

/* --- removing ------------------------------------------------------------------ */

static void remove_at(kt_spool *sp, size_t i)
{
    char path[1300];
    file_path(sp, sp->f[i].seq, path, sizeof path);
    if (unlink(path) && errno != ENOENT)
        log_warn("spool %s: cannot delete %s: %s", sp->dir, path, strerror(errno));
    sp->bytes -= sp->f[i].bytes;
    memmove(sp->f + i, sp->f + i + 1, (sp->n - i - 1) * sizeof *sp->f);
    sp->n--;
}

/* Will a new file of this handle starting at hour h0 rewrite file i whole? */
static int superseded(const sp_file *f, int64_t h0) { return f->mine && f->h0 >= h0; }

static void hours_text(const sp_file *f, char *buf, size_t n)
{
    if (f->h0 > f->h1) {
        snprintf(buf, n, "no hours");
        return;
    }
    time_t a = (time_t)f->h0, b = (time_t)f->h1;
    struct tm ta, tb;
    gmtime_r(&a, &ta), gmtime_r(&b, &tb);
    char sa[32], sb[32];
    strftime(sa, sizeof sa, "%Y-%m-%dT%H:00Z", &ta);
    strftime(sb, sizeof sb, "%Y-%m-%dT%H:00Z", &tb);
    snprintf(buf, n, "hours %s to %s", sa, sb);
}

/* Make room for `need` bytes: the oldest files go first (each named in one
 * warning line); files the new one supersedes are not counted. */
static void make_room(kt_spool *sp, uint64_t need, int64_t h0)
{
    uint64_t kept = 0;
    for (size_t i = 0; i < sp->n; i++)
        if (!superseded(&sp->f[i], h0))
            kept += sp->f[i].bytes;
    for (size_t i = 0; i < sp->n && kept + need > sp->max_bytes;) {
        if (superseded(&sp->f[i], h0)) {
            i++;
            continue;
        }
        char hours[80];
        hours_text(&sp->f[i], hours, sizeof hours);
        log_warn("spool %s: full (%" PRIu64 " bytes allowed): dropped the oldest spooled flush (%s), which is lost",
                 sp->dir, sp->max_bytes, hours);
        kept -= sp->f[i].bytes;
        remove_at(sp, i);
        sp->dropped++;
    }
}

/* --- writing ------------------------------------------------------------------- */

int sp_write_file(kt_spool *sp, const sp_writer *w, kt_err *err)
{
    assert(sp && w);
    uint64_t size = SPOOL_OVERHEAD + (uint64_t)w->payload.len;
    if (size > sp->max_bytes || size > FILE_CAP)
        return kt_fail(err, KT_ERUNTIME, "spool %s: this flush needs %" PRIu64 " bytes, more than the spool's bound "
                       "of %" PRIu64 " (--spool-max-mb)", sp->dir, size, sp->max_bytes);
    make_room(sp, size, w->h0);
    unsigned char *b = xmalloc((size_t)size);
    memcpy(b, MAGIC, 8);
    set_le(b + 8, 1, 4);
    set_le(b + 12, w->records, 4);
    set_le(b + 16, (uint64_t)w->h0, 8);
    set_le(b + 24, (uint64_t)w->h1, 8);
    sp_file f = {sp->next_seq, size, w->h0, w->h1, (int64_t)time(NULL), 1};
    set_le(b + 32, (uint64_t)f.written, 8);
    set_le(b + 40, w->payload.len, 8);
    if (w->payload.len)
        memcpy(b + SPOOL_HEADER, w->payload.data, w->payload.len);
    uLong crc = crc32(0L, b, (uInt)(size - SPOOL_TRAILER));
    set_le(b + size - SPOOL_TRAILER, crc, 4);
    char path[1300];
    file_path(sp, f.seq, path, sizeof path);
    int rc = fs_write_atomic(path, b, (size_t)size, err);
    free(b);
    if (rc)
        return kt_wrap(err, "spool: ");
    sp->next_seq++;
    for (size_t i = 0; i < sp->n;) /* rewritten whole by the new file */
        if (superseded(&sp->f[i], f.h0))
            remove_at(sp, i);
        else
            i++;
    grow_array((void **)&sp->f, &sp->cap, sp->n, sizeof *sp->f);
    sp->f[sp->n++] = f;
    sp->bytes += size;
    return 0;
}

/* --- replaying ----------------------------------------------------------------- */

/* Read file i whole and check it; NULL (why in `why`) when it is not a
 * whole spool file. */
static unsigned char *read_checked(kt_spool *sp, size_t i, size_t *len, uint32_t *records, char *why, size_t wn)
{
    char path[1300];
    file_path(sp, sp->f[i].seq, path, sizeof path);
    FILE *fp = fopen(path, "rb");
    struct stat st;
    if (!fp || fstat(fileno(fp), &st) || (uint64_t)st.st_size < SPOOL_OVERHEAD || (uint64_t)st.st_size > FILE_CAP) {
        snprintf(why, wn, fp ? "shorter than a header or too large" : "cannot be opened");
        if (fp)
            fclose(fp);
        return NULL;
    }
    size_t n = (size_t)st.st_size;
    unsigned char *b = xmalloc(n);
    int got = fread(b, 1, n, fp) == n;
    fclose(fp);
    if (!got)
        snprintf(why, wn, "cannot be read");
    else if (memcmp(b, MAGIC, 8) || get_le(b + 8, 4) != 1)
        snprintf(why, wn, "not a version-1 spool file");
    else if (get_le(b + 40, 8) != n - SPOOL_OVERHEAD)
        snprintf(why, wn, "truncated (length %" PRIu64 ", file %zu bytes)", get_le(b + 40, 8), n);
    else if (get_le(b + n - SPOOL_TRAILER, 4) != crc32(0L, b, (uInt)(n - SPOOL_TRAILER)))
        snprintf(why, wn, "checksum mismatch");
    else {
        *len = n;
        *records = (uint32_t)get_le(b + 12, 4);
        return b;
    }
    free(b);
    return NULL;
}

static void skip_corrupt(kt_spool *sp, size_t i, const char *why)
{
    log_warn("spool %s: %016" PRIu64 ".kts is corrupt (%s): skipped and deleted", sp->dir, sp->f[i].seq, why);
    remove_at(sp, i);
    sp->dropped++;
}

int spool_replay(kt_spool *sp, kt_store *dst, int consume, kt_err *err)
{
    assert(sp && dst);
    for (size_t i = 0; i < sp->n;) {
        char why[160];
        size_t n = 0;
        uint32_t records = 0;
        unsigned char *b = read_checked(sp, i, &n, &records, why, sizeof why);
        if (!b) {
            skip_corrupt(sp, i, why);
            continue;
        }
        kt_err e = {0};
        int rc = store_begin(dst, &e);
        if (!rc) {
            rc = sp_apply(b + SPOOL_HEADER, n - SPOOL_OVERHEAD, records, dst, &e);
            if (!rc && store_commit(dst, &e))
                rc = -1;
            if (rc)
                store_rollback(dst);
        }
        free(b);
        if (rc == -2) {
            skip_corrupt(sp, i, e.msg);
            continue;
        }
        if (rc) {
            kt_fail(err, e.code ? e.code : KT_ERUNTIME, "%s", e.msg);
            return kt_wrap(err, "spool %s: replaying %016" PRIu64 ".kts: ", sp->dir, sp->f[i].seq);
        }
        if (consume) {
            remove_at(sp, i);
            sp->replayed++;
        } else {
            i++;
        }
    }
    return 0;
}

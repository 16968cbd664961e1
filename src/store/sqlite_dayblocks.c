/* sqlite_dayblocks.c — questions over many days from the day files:
 * aligned 4-, 8- and 16-day blocks (each a day file's format holding the
 * sum of its days, valid while those days' generations are the ones it was
 * built from), which files answer a window, and reading them into one
 * summed dataset.  One file's format, writer and reader are
 * sqlite_daycache.c's (sqlite_dayfile.h). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/sqlite_dayfile.h"
#include "util/buf.h"
#include "util/log.h"

/* --- blocks: 4, 8, 16 aligned days summed in one file ------------------
 * A 30-day question reads ~5 files instead of 30, each container once per
 * file.  A block is built once all its days are over (from the smaller
 * blocks or days it covers) and is valid while its days' generations are
 * the ones it was built from (their hash is its "generation"). */
#define MAX_LEVEL 4
#define GEN_EMPTY (-1) /* gens(): a day without rows (roll-ups number generations from 1) */
/* No 2-day blocks: they saved one file of two at the cost of a third more
 * disk; 4-, 8- and 16-day blocks keep a 30-day question at ~6 files. */
#define MIN_LEVEL 2

static void block_of(const kt_store *s, int64_t lo, int level, char *buf, size_t n)
{
    if (level == 0)
        dc_file_of(s, lo, buf, n);
    else
        snprintf(buf, n, "%s.days/%lld-%d.ktb", s->url, (long long)lo, 1 << level);
}

static int64_t block_gen(const int64_t *g, size_t n, int level)
{
    return level == 0 ? g[0] : (int64_t)(kt_hash_bytes(g, n * sizeof *g) >> 1);
}

typedef struct piece {
    char path[1100];
    int64_t day, gen;
} piece;

/* Which files answer [start, end): at each day the largest valid aligned
 * block that fits, else the day file.  g: the days' generations. */
static piece *plan_pieces(kt_store *s, int64_t start, int64_t end, const int64_t *g, int max_level, size_t *n)
{
    piece *p = xmalloc(((size_t)((end - start) / 86400) + 1) * sizeof *p);
    *n = 0;
    for (int64_t day = start; day < end;) {
        size_t i = (size_t)((day - start) / 86400);
        if (g[i] == GEN_EMPTY) { /* a day without rows: no file to read */
            day += 86400;
            continue;
        }
        int level = max_level;
        piece *x = &p[(*n)++];
        for (; level >= MIN_LEVEL; level--) {
            int64_t span = 86400LL << level;
            if ((day / 86400) % (1 << level) == 0 && day + span <= end) {
                block_of(s, day, level, x->path, sizeof x->path);
                if (dc_file_valid(x->path, day, block_gen(g + i, (size_t)1 << level, level)))
                    break;
            }
        }
        if (level < MIN_LEVEL)
            level = 0;
        block_of(s, day, level, x->path, sizeof x->path);
        x->day = day, x->gen = block_gen(g + i, (size_t)1 << level, level);
        day += 86400LL << level;
    }
    return p;
}

/* Room for what the files hold (an upper bound: things repeat across them). */
static void reserve_for(dc_reader *R, const piece *p, size_t n)
{
    uint64_t cf = 0, pods = 0, ctrs = 0, kvs = 0, svcs = 0;
    for (size_t i = 0; i < n; i++) {
        dc_counts c;
        if (!dc_file_counts(p[i].path, &c))
            cf += c.cfacts, pods += c.pods, ctrs += c.containers, kvs += c.kvs, svcs += c.svcs;
    }
    if (cf < (1u << 28) && pods < (1u << 28) && kvs < (1u << 28))
        ds_reserve(R->ds, (size_t)cf, (size_t)pods, (size_t)ctrs, (size_t)kvs, (size_t)svcs);
}

static int read_range(dc_reader *R, kt_store *s, int64_t start, int64_t end, const int64_t *g, int max_level)
{
    size_t n;
    piece *p = plan_pieces(s, start, end, g, max_level, &n);
    reserve_for(R, p, n);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++)
        if ((rc = dc_read_file(R, p[i].path, p[i].day, p[i].gen)))
            log_debug("day file %s not usable (missing, stale or damaged): reading the database", p[i].path);
    free(p);
    return rc;
}

/* Does day hold no rows at all, daily or hourly?  (Then it has no
 * generation and needs no file; a day with hours but no roll-up is not
 * empty: it sends the question to the rows.) */
static int day_empty(kt_store *s, int64_t day)
{
    return !sq_day_has_rows(s, day, 'd') && !sq_day_has_rows(s, day, 'h');
}

/* Generations of the days [start, end) (GEN_EMPTY for a day without rows),
 * or NULL when a day with rows has none. */
static int64_t *gens(kt_store *s, int64_t start, int64_t end)
{
    size_t n = (size_t)((end - start) / 86400);
    int64_t *g = xcalloc(n + 1, sizeof *g);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT key, value FROM meta WHERE key >= 'day_gen:' AND key < 'day_gen;'", -1, &st,
                           NULL) != SQLITE_OK) {
        free(g);
        return NULL;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t day = atoll((const char *)sqlite3_column_text(st, 0) + 8);
        if (day >= start && day < end && (day - start) % 86400 == 0)
            g[(day - start) / 86400] = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    for (size_t i = 0; i < n; i++)
        if (g[i] <= 0 && !day_empty(s, start + (int64_t)i * 86400)) {
            free(g);
            return NULL;
        } else if (g[i] <= 0) {
            g[i] = GEN_EMPTY;
        }
    return g;
}

/* The summed dataset of [start, end) from files, and (ids) the database id
 * of each thing in it. */
static int load_range(kt_store *s, int64_t start, int64_t end, const int64_t *g, int max_level, kt_dataset *ds,
                      sq_ids *ids)
{
    dc_reader R;
    memset(&R, 0, sizeof R);
    R.ds = ds;
    R.daily = max_level < 0; /* day files only, each day's facts kept */
    if (R.daily)
        max_level = 0;
    ds_init(ds);
    ds->start = start, ds->end = end;
    u64map_init(&R.ns_seen);
    if (!R.daily)
        ds_sum_begin(&R.sum);
    int rc = read_range(&R, s, start, end, g, max_level);
    if (!R.daily)
        ds_sum_end(ds, &R.sum);
    if (!rc && ids) {
        int64_t **out[6] = {&ids->cluster, &ids->node, &ids->pod, &ids->container, &ids->volume, &ids->lb};
        size_t n[6] = {ds->n_clusters, ds->n_nodes, ds->n_pods, ds->n_containers, ds->n_volumes, ds->n_lbs};
        for (int k = 0; k < 6; k++) {
            *out[k] = xcalloc(n[k] + 1, sizeof **out[k]);
            for (size_t id = 0; id < R.seen[k].cap; id++)
                if (R.seen[k].v[id] < n[k])
                    (*out[k])[R.seen[k].v[id]] = (int64_t)id;
        }
    }
    for (int k = 0; k < 6; k++)
        free(R.seen[k].v);
    u64map_free(&R.ns_seen);
    if (rc) {
        ds_free(ds);
        return -1;
    }
    ds_link_namespaces(ds);
    return 0;
}

static int64_t *gens_locked(kt_store *s, int64_t start, int64_t end)
{
    int own = !s->in_txn;
    if (own && sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return NULL;
    int64_t *g = gens(s, start, end);
    if (own)
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    return g;
}

int sq_daycache_load(kt_store *s, int64_t start, int64_t end, int daily, kt_dataset *ds)
{
    assert(s && ds);
    if (start % 86400 || end % 86400 || end <= start || end - start > 3700LL * 86400)
        return -1;
    int64_t *g = gens_locked(s, start, end);
    if (!g) {
        log_debug("day files: a day of [%lld, %lld) has no roll-up generation: reading the database",
                  (long long)start, (long long)end);
        return -1;
    }
    int rc = load_range(s, start, end, g, daily ? -1 : MAX_LEVEL, ds, NULL);
    free(g);
    return rc;
}

/* Build (or rebuild) the blocks over days that are over: those holding a
 * day just rolled up, and those the newest day just completed. */
int sq_daycache_blocks(kt_store *s, int64_t today)
{
    char path[1100];
    for (int level = MIN_LEVEL; level <= MAX_LEVEL; level++) {
        int64_t span = 86400LL << level;
        /* the last few complete blocks of this level: rebuilt only when stale */
        int64_t last = (today / span) * span;
        for (int64_t lo = last - 2 * span; lo < last; lo += span) {
            if (lo < 0)
                continue;
            int64_t *g = gens_locked(s, lo, lo + span);
            int empty = 0;
            for (size_t i = 0; g && i < (size_t)1 << level; i++)
                empty |= g[i] == GEN_EMPTY;
            if (!g || empty) { /* a day without rows: no block */
                free(g);
                continue;
            }
            int64_t gen = block_gen(g, (size_t)1 << level, level);
            block_of(s, lo, level, path, sizeof path);
            kt_dataset ds;
            sq_ids ids;
            if (!dc_file_valid(path, lo, gen) && !load_range(s, lo, lo + span, g, level - 1, &ds, &ids)) {
                kt_buf b = {0};
                if (dc_serialize(&ds, &ids, lo, gen, &b) || dc_write_file(path, &b))
                    unlink(path);
                buf_free(&b);
                sq_ids_free(&ids);
                ds_free(&ds);
            }
            free(g);
        }
    }
    return 0;
}

int sq_rebuild_cache(kt_store *s, long *files, kt_err *err)
{
    sqlite3_stmt *st;
    *files = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT DISTINCT t FROM node_d ORDER BY t", -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "listing days", err);
    int64_t *days = NULL;
    size_t n = 0, cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        grow_array((void **)&days, &cap, n, sizeof *days);
        days[n++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    for (size_t i = 0; i < n; i++) {
        if (!sq_daycache_write(s, days[i]))
            (*files)++;
        sq_daycache_blocks(s, days[i] + 86400); /* the blocks this day completes */
    }
    free(days);
    return 0;
}

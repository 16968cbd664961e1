/* sqlite_bills.c — writing imported bill rows (bills.h).
 *
 * Rows stream in one by one; the import keeps two small maps so a row
 * costs one INSERT: billing periods seen in this import (the first sight of
 * a period deletes its older rows — that is the restatement rule) and a
 * bounded cache of dimension sets (provider … tags) → bill_dims id.
 *
 * A big import does not keep bill_rows' three secondary indexes (time,
 * resource key, long charges) up to date row by row: each deleted or
 * inserted row costs a random b-tree step in each.  When it writes into an
 * empty table, or replaces a period holding an eighth of the table or
 * more, it drops them and builds them again at its end — one sort each.
 * In the transaction: a refused import rolls the drop back too. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/bills.h"
#include "store/sqlite_internal.h"
#include "store/store_backend.h"
#include "util/buf.h"

enum { DIM_CACHE_MAX = 200000 };

typedef struct sq_bill_import {
    kt_store *s;
    int64_t id;
    kt_strtab periods, dims;     /* interned keys */
    kt_u64map period_id, dim_id; /* strtab id → row id */
    sqlite3_stmt *ins_row, *ins_dim, *get_dim, *get_period, *ins_period, *del_period, *own_period, *del_days;
    int deferred; /* bill_rows' secondary indexes dropped until the end */
    kt_buf key;
    kt_bill_import_stats st;
} sq_bill_import;

static int prep(kt_store *s, sqlite3_stmt **st, const char *sql, kt_err *err)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
        return sq_fail(s, "importing a bill", err);
    return 0;
}

enum { DEFER_MIN_ROWS = 10000 };

static int64_t count_rows(kt_store *s, const char *sql, int64_t arg)
{
    sqlite3_stmt *st;
    int64_t n = -1;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (arg >= 0)
        sqlite3_bind_int64(st, 1, arg);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static int defer_indexes(sq_bill_import *im, kt_err *err)
{
    if (im->deferred)
        return 0;
    im->deferred = 1;
    return sq_exec(im->s, "DROP INDEX IF EXISTS bill_rows_t0; DROP INDEX IF EXISTS bill_rows_rkey;"
                   " DROP INDEX IF EXISTS bill_rows_long;", "importing a bill", err);
}

/* Replacing a period of `n` rows: drop the indexes when rebuilding them
 * over the table costs less than touching them for its n deleted and
 * about n new rows (a sort step is several times cheaper than a random
 * b-tree step). */
static int maybe_defer(sq_bill_import *im, int64_t period, kt_err *err)
{
    if (im->deferred)
        return 0;
    int64_t n = count_rows(im->s, "SELECT count(*) FROM bill_rows WHERE period_id = ?1", period);
    if (n < DEFER_MIN_ROWS)
        return 0;
    int64_t all = count_rows(im->s, "SELECT count(*) FROM bill_rows", -1);
    return all >= 0 && n * 8 >= all ? defer_indexes(im, err) : 0;
}

void sq_bill_import_abort(void *vim)
{
    sq_bill_import *im = vim;
    if (!im)
        return;
    sqlite3_stmt *sts[] = {im->ins_row, im->ins_dim, im->get_dim, im->get_period, im->ins_period, im->del_period,
                           im->own_period, im->del_days};
    for (size_t i = 0; i < sizeof sts / sizeof *sts; i++)
        sqlite3_finalize(sts[i]);
    strtab_free(&im->periods), strtab_free(&im->dims);
    u64map_free(&im->period_id), u64map_free(&im->dim_id);
    buf_free(&im->key);
    free(im);
}

int sq_bill_import_begin(kt_store *s, const char *files, void **out, kt_err *err)
{
    assert(s && files && out);
    *out = NULL;
    if (!s->in_txn)
        return kt_fail(err, KT_ERUNTIME, "bill import needs an open transaction (store_begin)");
    /* A big import touches the rows table and three indexes at random
     * places: a 64 MiB page cache (bounded) keeps most of that in memory
     * instead of spilling pages to the WAL and reading them back. */
    if (sq_exec(s, "PRAGMA cache_size = -65536", "importing a bill", err))
        return -1;
    sq_bill_import *im = xcalloc(1, sizeof *im);
    im->s = s;
    strtab_init(&im->periods), strtab_init(&im->dims);
    u64map_init(&im->period_id), u64map_init(&im->dim_id);
    sqlite3_stmt *st = NULL;
    int rc = prep(s, &st, "INSERT INTO bill_imports (at, files, rows, broken) VALUES (?1, ?2, 0, 0)", err);
    if (!rc) {
        sqlite3_bind_int64(st, 1, (int64_t)time(NULL));
        sqlite3_bind_text(st, 2, files, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = sq_fail(s, "recording the import", err);
        sqlite3_finalize(st);
    }
    im->id = sqlite3_last_insert_rowid(s->db);
    if (rc ||
        prep(s, &im->ins_row, "INSERT INTO bill_rows VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
             err) ||
        prep(s, &im->ins_dim, "INSERT OR IGNORE INTO bill_dims (provider, account, sub_account, service, category,"
             " region, charge_category, currency, tags) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", err) ||
        prep(s, &im->get_dim, "SELECT id FROM bill_dims WHERE provider = ?1 AND account = ?2 AND sub_account = ?3"
             " AND service = ?4 AND category = ?5 AND region = ?6 AND charge_category = ?7 AND currency = ?8"
             " AND tags = ?9", err) ||
        prep(s, &im->get_period, "SELECT id FROM bill_periods WHERE provider = ?1 AND account = ?2 AND start = ?3",
             err) ||
        prep(s, &im->ins_period, "INSERT INTO bill_periods (provider, account, start, import_id)"
             " VALUES (?1, ?2, ?3, ?4)", err) ||
        prep(s, &im->del_period, "DELETE FROM bill_rows WHERE period_id = ?1", err) ||
        prep(s, &im->own_period, "UPDATE bill_periods SET import_id = ?2 WHERE id = ?1", err) ||
        prep(s, &im->del_days, "DELETE FROM bill_day WHERE period_id = ?1", err)) {
        sq_bill_import_abort(im);
        return -1;
    }
    if (count_rows(s, "SELECT NOT EXISTS (SELECT 1 FROM bill_rows)", -1) == 1 && defer_indexes(im, err)) {
        sq_bill_import_abort(im);
        return -1;
    }
    *out = im;
    return 0;
}

static void bind_texts(sqlite3_stmt *st, const char *const *v, int n)
{
    sqlite3_reset(st);
    for (int i = 0; i < n; i++)
        sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_STATIC);
}

/* The period's id; its older rows deleted on first sight in this import. */
static int period(sq_bill_import *im, const kt_bill_row *r, int64_t *id, kt_err *err)
{
    buf_reset(&im->key);
    buf_printf(&im->key, "%s\x1f%s\x1f%lld", r->provider, r->account, (long long)r->period_start);
    uint32_t k = strtab_intern(&im->periods, im->key.data);
    uint64_t v;
    if (u64map_get(&im->period_id, k, &v)) {
        *id = (int64_t)v;
        return 0;
    }
    const char *t[] = {r->provider, r->account};
    bind_texts(im->get_period, t, 2);
    sqlite3_bind_int64(im->get_period, 3, r->period_start);
    int rc = sqlite3_step(im->get_period);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(im->get_period, 0);
        sqlite3_reset(im->get_period);
        if (maybe_defer(im, *id, err))
            return -1;
        sqlite3_reset(im->del_period), sqlite3_reset(im->own_period), sqlite3_reset(im->del_days);
        sqlite3_bind_int64(im->del_period, 1, *id), sqlite3_bind_int64(im->del_days, 1, *id);
        sqlite3_bind_int64(im->own_period, 1, *id), sqlite3_bind_int64(im->own_period, 2, im->id);
        if (sqlite3_step(im->del_period) != SQLITE_DONE || sqlite3_step(im->del_days) != SQLITE_DONE ||
            sqlite3_step(im->own_period) != SQLITE_DONE)
            return sq_fail(im->s, "replacing a restated billing period", err);
        im->st.periods_replaced++;
    } else if (rc == SQLITE_DONE) {
        bind_texts(im->ins_period, t, 2);
        sqlite3_bind_int64(im->ins_period, 3, r->period_start);
        sqlite3_bind_int64(im->ins_period, 4, im->id);
        if (sqlite3_step(im->ins_period) != SQLITE_DONE)
            return sq_fail(im->s, "recording a billing period", err);
        *id = sqlite3_last_insert_rowid(im->s->db);
    } else {
        return sq_fail(im->s, "reading billing periods", err);
    }
    im->st.periods++;
    u64map_put(&im->period_id, k, (uint64_t)*id);
    return 0;
}

static int dim(sq_bill_import *im, const kt_bill_row *r, int64_t *id, kt_err *err)
{
    const char *v[] = {r->provider, r->account, r->sub_account, r->service, r->category, r->region,
                       r->charge_category, r->currency, r->tags};
    buf_reset(&im->key);
    for (int i = 0; i < 9; i++)
        buf_printf(&im->key, "%s\x1f", v[i]);
    uint32_t k = strtab_intern(&im->dims, im->key.data);
    uint64_t got;
    if (u64map_get(&im->dim_id, k, &got)) {
        *id = (int64_t)got;
        return 0;
    }
    bind_texts(im->ins_dim, v, 9);
    if (sqlite3_step(im->ins_dim) != SQLITE_DONE)
        return sq_fail(im->s, "recording bill dimensions", err);
    if (sqlite3_changes(im->s->db)) {
        *id = sqlite3_last_insert_rowid(im->s->db);
        im->st.dims++;
    } else {
        bind_texts(im->get_dim, v, 9);
        if (sqlite3_step(im->get_dim) != SQLITE_ROW)
            return sq_fail(im->s, "reading bill dimensions", err);
        *id = sqlite3_column_int64(im->get_dim, 0);
        sqlite3_reset(im->get_dim);
    }
    if (im->dims.n > DIM_CACHE_MAX) { /* bound the cache: start it again */
        strtab_free(&im->dims), u64map_free(&im->dim_id);
        strtab_init(&im->dims), u64map_init(&im->dim_id);
        k = strtab_intern(&im->dims, im->key.data);
    }
    u64map_put(&im->dim_id, k, (uint64_t)*id);
    return 0;
}

int sq_bill_put(void *vim, const kt_bill_row *r, kt_err *err)
{
    sq_bill_import *im = vim;
    assert(im && r);
    int64_t pid = 0, did = 0;
    if (period(im, r, &pid, err) || dim(im, r, &did, err))
        return -1;
    sqlite3_stmt *st = im->ins_row;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, pid), sqlite3_bind_int64(st, 2, did);
    sqlite3_bind_int64(st, 3, r->t0), sqlite3_bind_int64(st, 4, r->t1);
    sqlite3_bind_text(st, 5, r->rkey, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, r->resource_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, r->resource_type, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 8, r->billed), sqlite3_bind_double(st, 9, r->effective);
    sqlite3_bind_double(st, 10, r->list);
    sqlite3_bind_int(st, 11, (int)r->problems);
    if (strcmp(r->extras, "{}"))
        sqlite3_bind_text(st, 12, r->extras, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 12);
    if (sqlite3_step(st) != SQLITE_DONE)
        return sq_fail(im->s, "storing a bill row", err);
    im->st.rows++;
    return 0;
}

/* The daily sums of the periods this import brought (their rows that fit
 * in one UTC day; the others are read whole, bill_rows_long). */
static int sum_days(sq_bill_import *im, kt_err *err)
{
    char sql[400];
    for (size_t i = 0; i < im->period_id.cap; i++) {
        if (im->period_id.keys[i] == UINT64_MAX)
            continue;
        snprintf(sql, sizeof sql, "INSERT INTO bill_day SELECT t0 - t0 %% 86400, dim_id, period_id, sum(billed),"
                 " sum(effective), sum(list) FROM bill_rows WHERE period_id = %lld AND t1 <= t0 - t0 %% 86400 + 86400"
                 " GROUP BY 1, 2, 3", (long long)im->period_id.vals[i]);
        if (sq_exec(im->s, sql, "summing the bill per day", err))
            return -1;
    }
    return 0;
}

int sq_bill_import_end(void *vim, kt_bill_import_stats *st, kt_err *err)
{
    sq_bill_import *im = vim;
    assert(im);
    char sql[160];
    snprintf(sql, sizeof sql, "UPDATE bill_imports SET rows = %ld WHERE id = %lld", im->st.rows, (long long)im->id);
    int rc = (im->deferred && sq_exec(im->s, sq_bill_rows_indexes, "indexing the bill", err)) || sum_days(im, err) ||
                     sq_exec(im->s, sql, "recording the import", err) ? -1 : 0;
    if (st)
        *st = im->st;
    sq_bill_import_abort(im);
    return rc;
}

const kt_bill_ops sq_bill_ops = {
    sq_bill_import_begin, sq_bill_put, sq_bill_import_end, sq_bill_import_abort, sq_bill_sums, sq_bill_days,
    sq_bill_span, sq_bill_assets, sq_bill_set_k8s, sq_bill_asset_days, sq_bill_charges, sq_bill_apply,
    sq_bill_unapply, sq_bill_forget, sq_bill_recons,
};

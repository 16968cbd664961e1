/* sqlite_bills_daily.c — SQLite's port for reconciling a day past hourly
 * retention (the computation is bills_daily.c, shared with PostgreSQL):
 * runs its statements, and marks the day dirty and rescaled so the commit
 * re-shares it and renews its day file (sqlite_rollup.c). */
#include <assert.h>
#include <stdio.h>

#include "store/bills.h"
#include "store/bills_daily.h"
#include "store/sqlite_internal.h"
#include "util/time.h"

/* $1…$n bound by name: a statement may name them in any order. */
static sqlite3_stmt *prepare(kt_store *s, const char *sql, int n, const kt_sql_arg *a, kt_err *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        sq_fail(s, "repricing a past day to the bill", err);
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof name, "$%d", i + 1);
        int at = sqlite3_bind_parameter_index(st, name);
        if (at && a[i].is_int)
            sqlite3_bind_int64(st, at, a[i].i);
        else if (at)
            sqlite3_bind_double(st, at, a[i].d);
    }
    return st;
}

static int port_exec(void *h, const char *sql, int n, const kt_sql_arg *a, kt_err *err)
{
    kt_store *s = h;
    sqlite3_stmt *st = prepare(s, sql, n, a, err);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : sq_fail(s, "repricing a past day to the bill", err);
}

static int port_rows(void *h, const char *sql, int n, const kt_sql_arg *a, int ncols, kt_sql_row_fn fn, void *ctx,
                     kt_err *err)
{
    kt_store *s = h;
    assert(ncols >= 1 && ncols <= 16);
    sqlite3_stmt *st = prepare(s, sql, n, a, err);
    if (!st)
        return -1;
    int rc, stop = 0;
    double v[16];
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 1; i < ncols; i++)
            v[i - 1] = sqlite3_column_double(st, i);
        stop = fn(ctx, sqlite3_column_int64(st, 0), v, ncols - 1);
    }
    sqlite3_finalize(st);
    return !stop && rc != SQLITE_DONE ? sq_fail(s, "re-sharing a past day", err) : 0;
}

static kt_sql_port port(kt_store *s) { return (kt_sql_port){s, port_exec, port_rows}; }

int sq_bill_scale_daily(kt_store *s, int kind, int64_t id, int64_t day, double factor, kt_err *err)
{
    assert(s && s->in_txn && day == day_floor(day));
    kt_sql_port p = port(s);
    if (store_bill_daily_scale(&p, kind, id, day, factor, err))
        return -1;
    sq_mark_dirty(s, 0, day); /* a bill is fleet-wide: the whole day */
    if (kind == KT_BILL_NODE)
        u64map_put(&s->rescaled, (uint64_t)day, 1);
    return 0;
}

int sq_bill_reshare_day(kt_store *s, int64_t day, kt_err *err)
{
    assert(s && s->in_txn && day == day_floor(day));
    kt_sql_port p = port(s);
    return store_bill_daily_reshare(&p, day, 0, err);
}

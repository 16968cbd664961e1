/* pg_bills.c — imported bills on PostgreSQL (bills.h): the import and the
 * sums cloud-cost questions read.  Same rules and answers as SQLite's
 * sqlite_bills.c and sqlite_bills_query.c; tables from schema v4.
 *
 * The import streams every row with COPY into a temporary stage carrying
 * its dimension texts and billing period, and settles everything at the
 * end in a few set statements: new dimension sets, the periods (a period
 * already stored is emptied and passes to this import — the restatement
 * rule: never doubled, never mixed), the rows, their daily sums.  All in
 * the caller's transaction; imports take an advisory lock so two at once
 * cannot both create a period or a dimension set.
 *
 * Bills are fleet-wide: an agent's role (confined to one cluster) is
 * refused before it touches them; its grants do not include them anyway.
 * pg_copy_in, COPY of a buffer, shares the import's COPY code. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/bills.h"
#include "store/pg_internal.h"
#include "util/time.h"

#define LOCK_BILLS "7302650002"
#define STAGE "kt_bill_stage"
/* The stage's columns, in COPY order. */
#define DIMS "provider, account, sub_account, service, category, region, charge_category, currency, tags"
#define SAME_DIMS                                                                                               \
    "d.provider = s.provider AND d.account = s.account AND d.sub_account = s.sub_account AND d.service ="      \
    " s.service AND d.category = s.category AND d.region = s.region AND d.charge_category = s.charge_category" \
    " AND d.currency = s.currency AND d.tags = s.tags"

typedef struct pg_bill_import {
    pg_store *s;
    int64_t id;
    const char *table, *what; /* COPY target (the stage); for messages */
    int copying;       /* the COPY is open */
    kt_buf b;    /* COPY text not yet sent */
    kt_bill_import_stats st;
} pg_bill_import;


int pgb_import_begin(kt_store *ks, const char *files, void **out, kt_err *err)
{
    pg_store *s = PGS(ks);
    assert(s && files && out);
    *out = NULL;
    const char *what = "importing a bill";
    if (s->agent)
        return kt_fail(err, KT_EINPUT, "store %s: bills are fleet-wide; import them as the schema's owner "
                       "(the central service's role), not an agent's", s->url);
    if (!s->in_txn)
        return kt_fail(err, KT_ERUNTIME, "bill import needs an open transaction (store_begin)");
    char at[32];
    snprintf(at, sizeof at, "%lld", (long long)time(NULL));
    const char *p[] = {at, files};
    int64_t id = 0;
    if (pg_exec(s, "SELECT pg_advisory_xact_lock(" LOCK_BILLS ")", 0, NULL, what, err) ||
        pg_exec(s, "CREATE TEMP TABLE IF NOT EXISTS " STAGE " (" DIMS ", period_start, t0, t1, rkey, resource_id,"
                " resource_type, billed, effective, list, problems, extras) ON COMMIT DROP AS SELECT " DIMS
                ", 0::bigint, t0, t1, rkey, resource_id, resource_type, billed, effective, list, problems, extras"
                " FROM bill_dims, bill_rows WITH NO DATA", 0, NULL, what, err) ||
        pg_exec(s, "TRUNCATE " STAGE, 0, NULL, what, err) ||
        pg_scalar(s, "INSERT INTO bill_imports (at, files, rows, broken) VALUES ($1::bigint, $2, 0, 0) RETURNING id",
                  2, p, &id, what, err))
        return -1;
    pg_bill_import *im = xcalloc(1, sizeof *im);
    im->s = s, im->id = id, im->table = STAGE, im->what = what;
    *out = im;
    return 0;
}

static int send_rows(pg_bill_import *im, kt_err *err)
{
    if (!im->copying) {
        char sql[96];
        snprintf(sql, sizeof sql, "COPY %s FROM STDIN", im->table);
        PGresult *r = PQexec(im->s->conn, sql);
        int ok = PQresultStatus(r) == PGRES_COPY_IN;
        PQclear(r);
        if (!ok)
            return pg_fail(im->s, NULL, im->what, err);
        im->copying = 1;
    }
    int rc = PQputCopyData(im->s->conn, im->b.data, (int)im->b.len) == 1 ? 0 : pg_fail(im->s, NULL, im->what, err);
    buf_reset(&im->b);
    return rc;
}

/* End the COPY (aborted: the transaction is rolled back by the caller). */
static int end_copy(pg_bill_import *im, int abort, kt_err *err)
{
    int rc = 0;
    if (!abort && im->b.len)
        rc = send_rows(im, err);
    if (!im->copying)
        return rc;
    im->copying = 0;
    if (PQputCopyEnd(im->s->conn, abort || rc ? "aborted" : NULL) != 1 && !rc)
        rc = pg_fail(im->s, NULL, im->what, err);
    PGresult *r;
    while ((r = PQgetResult(im->s->conn))) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && !rc && !abort)
            rc = pg_fail(im->s, r, im->what, err);
        PQclear(r);
    }
    return rc;
}

int pgb_put(void *vim, const kt_bill_row *r, kt_err *err)
{
    pg_bill_import *im = vim;
    assert(im && r);
    const char *t[] = {r->provider, r->account, r->sub_account, r->service, r->category, r->region,
                       r->charge_category, r->currency, r->tags};
    for (int i = 0; i < 9; i++)
        pg_copy_text(&im->b, t[i]), buf_putc(&im->b, '\t');
    buf_printf(&im->b, "%lld\t%lld\t%lld\t", (long long)r->period_start, (long long)r->t0, (long long)r->t1);
    const char *u[] = {r->rkey, r->resource_id, r->resource_type};
    for (int i = 0; i < 3; i++)
        pg_copy_text(&im->b, u[i]), buf_putc(&im->b, '\t');
    buf_printf(&im->b, "%.17g\t%.17g\t%.17g\t%d\t", r->billed, r->effective, r->list, (int)r->problems);
    if (strcmp(r->extras, "{}"))
        pg_copy_text(&im->b, r->extras);
    else
        buf_puts(&im->b, "\\N");
    buf_putc(&im->b, '\n');
    im->st.rows++;
    return im->b.len > (1 << 16) ? send_rows(im, err) : 0;
}

void pgb_import_abort(void *vim)
{
    pg_bill_import *im = vim;
    if (!im)
        return;
    end_copy(im, 1, NULL);
    buf_free(&im->b);
    free(im);
}

/* One statement with the import's id as $1; rows it touched in *n. */
static int step(pg_bill_import *im, const char *sql, long *n, kt_err *err)
{
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)im->id);
    const char *p[] = {id};
    PGresult *r = pg_query(im->s, sql, strstr(sql, "$1") ? 1 : 0, p, im->what, err);
    if (!r)
        return -1;
    if (n)
        *n = PQresultStatus(r) == PGRES_TUPLES_OK ? (long)pg_int(r, 0, 0) : atol(PQcmdTuples(r));
    PQclear(r);
    return 0;
}

#define MINE "kt_bill_p n WHERE p.provider = n.provider AND p.account = n.account AND p.start = n.start"

static int settle_import(pg_bill_import *im, kt_err *err)
{
    long replaced = 0;
    return step(im, "INSERT INTO bill_dims (" DIMS ") SELECT DISTINCT " DIMS " FROM " STAGE " s WHERE NOT EXISTS"
                " (SELECT 1 FROM bill_dims d WHERE " SAME_DIMS ")", &im->st.dims, err) ||
           step(im, "CREATE TEMP TABLE kt_bill_p ON COMMIT DROP AS SELECT DISTINCT provider, account, period_start"
                " AS start FROM " STAGE, &im->st.periods, err) ||
           step(im, "SELECT count(*) FROM bill_periods p, " MINE, &replaced, err) ||
           step(im, "DELETE FROM bill_rows r USING bill_periods p, " MINE " AND r.period_id = p.id", NULL, err) ||
           step(im, "DELETE FROM bill_day r USING bill_periods p, " MINE " AND r.period_id = p.id", NULL, err) ||
           step(im, "UPDATE bill_periods p SET import_id = $1::bigint FROM " MINE, NULL, err) ||
           step(im, "INSERT INTO bill_periods (provider, account, start, import_id) SELECT provider, account, start,"
                " $1::bigint FROM kt_bill_p ON CONFLICT (provider, account, start) DO NOTHING", NULL, err) ||
           step(im, "INSERT INTO bill_rows SELECT p.id, d.id, s.t0, s.t1, s.rkey, s.resource_id, s.resource_type,"
                " s.billed, s.effective, s.list, s.problems, s.extras FROM " STAGE " s JOIN bill_periods p ON"
                " p.provider = s.provider AND p.account = s.account AND p.start = s.period_start JOIN bill_dims d"
                " ON " SAME_DIMS, NULL, err) ||
           /* the daily sums of the periods brought (rows within one UTC day; the others are read whole) */
           step(im, "INSERT INTO bill_day SELECT r.t0 - r.t0 % 86400, r.dim_id, r.period_id, sum(r.billed),"
                " sum(r.effective), sum(r.list) FROM bill_rows r JOIN bill_periods p ON p.id = r.period_id,"
                " " MINE " AND r.t1 <= r.t0 - r.t0 % 86400 + 86400 GROUP BY 1, 2, 3", NULL, err) ||
           step(im, "DROP TABLE kt_bill_p", NULL, err) || (im->st.periods_replaced = replaced, 0);
}

int pgb_import_end(void *vim, kt_bill_import_stats *st, kt_err *err)
{
    pg_bill_import *im = vim;
    assert(im);
    char sql[160];
    snprintf(sql, sizeof sql, "UPDATE bill_imports SET rows = %ld WHERE id = $1::bigint", im->st.rows);
    int rc = end_copy(im, 0, err) || settle_import(im, err) || step(im, sql, NULL, err) ? -1 : 0;
    if (st)
        *st = im->st;
    pgb_import_abort(im);
    return rc;
}

/* The three parts of sqlite_bills_query.c's sums, in PostgreSQL's words:
 * $1 lo, $2 hi, $3 first whole day, $4 end of the whole days, $5 lo's day. */
#define PART                                                                                                     \
    "CASE WHEN r.t1 > r.t0 THEN (least(r.t1, $2::bigint) - greatest(r.t0, $1::bigint))::float8 / (r.t1 - r.t0)" \
    " ELSE 1.0 END"
#define MEETS "(r.t1 > $1::bigint OR (r.t1 = r.t0 AND r.t0 >= $1::bigint))"
#define SHORT "r.t1 <= r.t0 - r.t0 % 86400 + 86400"
#define LONG "r.t1 > r.t0 - r.t0 % 86400 + 86400"
#define SUMS "sum(r.billed * " PART "), sum(r.effective * " PART "), sum(r.list * " PART ")"

static const char *const sums_sql =
    "WITH t (dim_id, b, e, l) AS ("
    "  SELECT dim_id, sum(billed), sum(effective), sum(list) FROM bill_day WHERE day >= $3::bigint AND"
    "   day < $4::bigint GROUP BY dim_id"
    "  UNION ALL SELECT r.dim_id, " SUMS " FROM bill_rows r WHERE ((r.t0 >= $5::bigint AND r.t0 < $3::bigint) OR"
    "   (r.t0 >= $4::bigint AND r.t0 < $2::bigint)) AND " SHORT " AND " MEETS " GROUP BY r.dim_id"
    "  UNION ALL SELECT r.dim_id, " SUMS " FROM bill_rows r WHERE " LONG " AND r.t0 < $2::bigint AND " MEETS
    "   GROUP BY r.dim_id),"
    " k (dim_id, b, e, l) AS (SELECT r.dim_id, " SUMS " FROM bill_k8s k JOIN bill_rows r ON r.rkey = k.rkey"
    "  WHERE r.rkey <> '' AND r.t0 < $2::bigint AND " MEETS " GROUP BY r.dim_id),"
    " g (dim_id, b, e, l) AS (SELECT dim_id, sum(b), sum(e), sum(l) FROM t GROUP BY dim_id)"
    " SELECT d.provider, d.account, d.sub_account, d.service, d.category, d.region, d.charge_category, d.currency,"
    " d.tags, g.b, g.e, g.l, coalesce(k.b, 0), coalesce(k.e, 0), coalesce(k.l, 0)"
    " FROM g JOIN bill_dims d ON d.id = g.dim_id LEFT JOIN k ON k.dim_id = g.dim_id";

typedef struct sums_ctx {
    kt_bill_sum_fn fn;
    void *ctx;
} sums_ctx;

static int on_sum(void *vc, const PGresult *r)
{
    sums_ctx *c = vc;
    double t[3], k[3];
    for (int i = 0; i < 3; i++)
        t[i] = pg_num(r, 0, 9 + i), k[i] = pg_num(r, 0, 12 + i);
    const char *v[9];
    for (int i = 0; i < 9; i++)
        v[i] = PQgetvalue(r, 0, i);
    kt_bill_sum b = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], 0, t[0] - k[0], t[1] - k[1], t[2] - k[2]};
    int stop = c->fn(c->ctx, &b);
    if (!stop && (k[0] != 0 || k[1] != 0 || k[2] != 0)) {
        b.k8s = 1, b.billed = k[0], b.effective = k[1], b.list = k[2];
        stop = c->fn(c->ctx, &b);
    }
    return stop;
}

int pgb_sums(kt_store *ks, int64_t lo, int64_t hi, kt_bill_sum_fn fn, void *ctx, kt_err *err)
{
    assert(ks && fn && lo < hi);
    int64_t d0 = day_floor(lo) == lo ? lo : day_floor(lo) + 86400, d1 = day_floor(hi);
    if (d0 >= d1) /* no whole day: every row from the rows */
        d0 = d1 = hi;
    int64_t v[] = {lo, hi, d0, d1, day_floor(lo)};
    char b[5][32];
    const char *p[5];
    for (int i = 0; i < 5; i++)
        snprintf(b[i], sizeof b[i], "%lld", (long long)v[i]), p[i] = b[i];
    sums_ctx c = {fn, ctx};
    return pg_each(PGS(ks), sums_sql, 5, p, on_sum, &c, "summing the bill", err) < 0 ? -1 : 0;
}

typedef struct days_ctx {
    kt_bill_day_fn fn;
    void *ctx;
} days_ctx;

static int on_day(void *vc, const PGresult *r)
{
    days_ctx *c = vc;
    return c->fn(c->ctx, PQgetvalue(r, 0, 0), pg_int(r, 0, 1));
}

int pgb_days(kt_store *ks, int64_t lo, int64_t hi, kt_bill_day_fn fn, void *ctx, kt_err *err)
{
    assert(ks && fn);
    char a[32], b[32];
    snprintf(a, sizeof a, "%lld", (long long)day_floor(lo));
    snprintf(b, sizeof b, "%lld", (long long)hi);
    const char *p[] = {a, b};
    days_ctx c = {fn, ctx};
    return pg_each(PGS(ks), "SELECT DISTINCT d.provider, b.day FROM bill_day b JOIN bill_dims d ON d.id = b.dim_id"
                   " WHERE b.day >= $1::bigint AND b.day < $2::bigint", 2, p, on_day, &c, "reading billed days",
                   err) < 0 ? -1 : 0;
}

int pg_copy_in(pg_store *s, const char *table, const kt_buf *b, const char *what, kt_err *err)
{
    assert(s && table && b && s->in_txn);
    pg_bill_import im = {.s = s, .table = table, .what = what};
    buf_add(&im.b, b->data, b->len);
    int rc = end_copy(&im, 0, err);
    buf_free(&im.b);
    return rc;
}

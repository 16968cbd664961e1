/* sqlite_bills_query.c — store_bill_sums: the bill over a window, summed
 * per dimension set (bills.h).
 *
 * One pass over the rows whose charge period meets the window, grouped by
 * dimension id (a few thousand sets even for millions of rows), each row
 * prorated by the part of its charge period inside the window, so a
 * monthly charge counts a third in a ten-day window.  A row with an empty
 * period (an instant: a purchase, a credit) counts when it falls inside. */
#include <assert.h>

#include "store/bills.h"
#include "store/sqlite_internal.h"

static const char *col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

int store_bill_sums(kt_store *s, int64_t lo, int64_t hi, kt_bill_sum_fn fn, void *ctx, kt_err *err)
{
    assert(s && fn && lo < hi);
    static const char *q =
        "WITH g AS (SELECT r.dim_id, k.rkey IS NOT NULL AS k8s,"
        "  sum(r.billed * CASE WHEN r.t1 > r.t0 THEN (min(r.t1, ?2) - max(r.t0, ?1)) * 1.0 / (r.t1 - r.t0) ELSE 1.0 END)"
        "   AS billed,"
        "  sum(r.effective * CASE WHEN r.t1 > r.t0 THEN (min(r.t1, ?2) - max(r.t0, ?1)) * 1.0 / (r.t1 - r.t0) ELSE 1.0"
        "   END) AS effective,"
        "  sum(r.list * CASE WHEN r.t1 > r.t0 THEN (min(r.t1, ?2) - max(r.t0, ?1)) * 1.0 / (r.t1 - r.t0) ELSE 1.0 END)"
        "   AS list"
        "  FROM bill_rows r LEFT JOIN bill_k8s k ON r.rkey <> '' AND k.rkey = r.rkey"
        "  WHERE r.t0 < ?2 AND (r.t1 > ?1 OR (r.t1 = r.t0 AND r.t0 >= ?1))"
        "  GROUP BY r.dim_id, k8s)"
        " SELECT d.provider, d.account, d.sub_account, d.service, d.category, d.region, d.charge_category,"
        " d.currency, d.tags, g.k8s, g.billed, g.effective, g.list FROM g JOIN bill_dims d ON d.id = g.dim_id";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, q, -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "summing the bill", err);
    sqlite3_bind_int64(st, 1, lo);
    sqlite3_bind_int64(st, 2, hi);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        kt_bill_sum b = {col(st, 0), col(st, 1), col(st, 2), col(st, 3), col(st, 4), col(st, 5), col(st, 6),
                         col(st, 7), col(st, 8), sqlite3_column_int(st, 9), sqlite3_column_double(st, 10),
                         sqlite3_column_double(st, 11), sqlite3_column_double(st, 12)};
        stop = fn(ctx, &b);
    }
    sqlite3_finalize(st);
    return !stop && rc != SQLITE_DONE ? sq_fail(s, "summing the bill", err) : 0;
}

/* sqlite_records.c — the records table (schema v3): small JSON documents by
 * kind and id, for the parts above the store that keep their own state
 * (budgets).  See store.h.  Statements are prepared per call: records are
 * few and written by people, not by the meter, so caching buys nothing. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/sqlite_internal.h"

static sqlite3_stmt *prep(kt_store *s, const char *sql, const char *what, kt_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        sq_fail(s, what, err);
        return NULL;
    }
    return st;
}

int sq_put_record(kt_store *s, const char *kind, const char *id, const char *body, kt_err *err)
{
    assert(s && kind && id && body);
    if (s->readonly)
        return kt_fail(err, KT_EINPUT, "store %s: opened read-only; cannot save a %s", s->url, kind);
    sqlite3_stmt *st = prep(s, "INSERT OR REPLACE INTO records (kind, id, body, updated) VALUES (?,?,?,?)",
                            "saving a record", err);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, body, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL));
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sq_fail(s, "saving a record", err);
    sqlite3_finalize(st);
    return rc;
}

int sq_get_record(kt_store *s, const char *kind, const char *id, char **body, kt_err *err)
{
    assert(s && kind && id && body);
    *body = NULL;
    sqlite3_stmt *st = prep(s, "SELECT body FROM records WHERE kind = ? AND id = ?", "reading a record", err);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    int step = sqlite3_step(st), rc;
    if (step == SQLITE_ROW) {
        *body = strdup((const char *)sqlite3_column_text(st, 0));
        rc = 1;
    } else {
        rc = step == SQLITE_DONE ? 0 : sq_fail(s, "reading a record", err);
    }
    sqlite3_finalize(st);
    return rc;
}

int sq_del_record(kt_store *s, const char *kind, const char *id, kt_err *err)
{
    assert(s && kind && id);
    if (s->readonly)
        return kt_fail(err, KT_EINPUT, "store %s: opened read-only; cannot delete a %s", s->url, kind);
    sqlite3_stmt *st = prep(s, "DELETE FROM records WHERE kind = ? AND id = ?", "deleting a record", err);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? sqlite3_changes(s->db) > 0 : sq_fail(s, "deleting a record", err);
    sqlite3_finalize(st);
    return rc;
}

int sq_list_records(kt_store *s, const char *kind, kt_record_fn fn, void *ctx, kt_err *err)
{
    assert(s && kind && fn);
    sqlite3_stmt *st = prep(s, "SELECT id, body FROM records WHERE kind = ? ORDER BY id", "listing records", err);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    int step, rc = 0;
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW)
        rc = fn(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1));
    if (!rc && step != SQLITE_DONE)
        rc = sq_fail(s, "listing records", err);
    sqlite3_finalize(st);
    return rc;
}

/* sqlite_meta.c — small named settings and markers in the meta table
 * (store_get_meta / store_set_meta); see store.h. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite_internal.h"

int sq_get_meta(kt_store *s, const char *key, char *buf, size_t n, kt_err *err)
{
    sqlite3_stmt *st;
    int found = 0;
    if (n) buf[0] = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "reading meta", err);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(st, 0);
        snprintf(buf, n, "%s", v ? (const char *)v : "");
        found = 1;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sq_fail(s, "reading meta", err);
    return found;
}

int sq_set_meta(kt_store *s, const char *key, const char *value, kt_err *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO meta VALUES (?1, ?2)", -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "writing meta", err);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : sq_fail(s, "writing meta", err);
}

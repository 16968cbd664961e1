/* sqlite.c — the embedded store: opening, schema migrations, transactions.
 *
 * One file, WAL journal (readers never block the collector), synchronous=
 * NORMAL (a power cut may lose the last commit, never corrupt the file; a
 * kill -9 loses nothing committed).  The schema version lives in
 * meta('schema_version'); a newer one than KT_SCHEMA_VERSION is refused
 * before anything is written. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/sqlite_internal.h"
#include "util/buf.h"
#include "util/time.h"

const char *const sq_fact_table[FT_COUNT] = {"container", "node", "volume", "pod_volume",
                                             "lb", "pod_lb", "fee", "network"};

/* Columns of each fact table after t and the key columns. */
static const char *const fact_schema[FT_COUNT] = {
    "t INTEGER NOT NULL, container_id INTEGER NOT NULL, seconds REAL, cpu_req REAL, cpu_use REAL, "
    "cpu_alloc REAL, ram_req REAL, ram_use REAL, ram_alloc REAL, gpu REAL, cpu_peak REAL, ram_peak REAL, "
    "measured INTEGER, PRIMARY KEY (t, container_id)",
    "t INTEGER NOT NULL, node_id INTEGER NOT NULL, hours REAL, cpu_price REAL, ram_price REAL, "
    "gpu_price REAL, hourly REAL, source TEXT, PRIMARY KEY (t, node_id)",
    "t INTEGER NOT NULL, volume_id INTEGER NOT NULL, hours REAL, bytes REAL, price REAL, source TEXT, "
    "PRIMARY KEY (t, volume_id)",
    "t INTEGER NOT NULL, pod_id INTEGER NOT NULL, volume_id INTEGER NOT NULL, hours REAL, "
    "PRIMARY KEY (t, pod_id, volume_id)",
    "t INTEGER NOT NULL, lb_id INTEGER NOT NULL, hours REAL, hourly REAL, source TEXT, PRIMARY KEY (t, lb_id)",
    "t INTEGER NOT NULL, pod_id INTEGER NOT NULL, lb_id INTEGER NOT NULL, hours REAL, "
    "PRIMARY KEY (t, pod_id, lb_id)",
    "t INTEGER NOT NULL, cluster_id INTEGER NOT NULL, hours REAL, hourly REAL, kind TEXT, "
    "PRIMARY KEY (t, cluster_id)",
    "t INTEGER NOT NULL, pod_id INTEGER NOT NULL, tx_internet REAL, tx_region REAL, tx_zone REAL, rx REAL, "
    "cost_internet REAL, cost_region REAL, cost_zone REAL, PRIMARY KEY (t, pod_id)",
};

static const char *const schema_v1 =
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE clusters (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, provider TEXT, region TEXT,"
    " currency TEXT, source TEXT, last_contact INTEGER, last_error TEXT);"
    "CREATE TABLE nodes (id INTEGER PRIMARY KEY, cluster_id INTEGER NOT NULL, name TEXT NOT NULL,"
    " provider TEXT, region TEXT, zone TEXT, instance_type TEXT, pool TEXT, provider_id TEXT, gpu_type TEXT,"
    " arch TEXT, os TEXT, spot INTEGER, cpu_cores REAL, ram_bytes REAL, gpus REAL, UNIQUE (cluster_id, name));"
    "CREATE TABLE pods (id INTEGER PRIMARY KEY, cluster_id INTEGER NOT NULL, node_id INTEGER,"
    " namespace TEXT NOT NULL, name TEXT NOT NULL, uid TEXT, controller_kind TEXT, controller TEXT,"
    " UNIQUE (cluster_id, namespace, name));"
    /* kind: 0 label, 1 annotation, 2 service */
    "CREATE TABLE pod_labels (pod_id INTEGER NOT NULL, kind INTEGER NOT NULL, key TEXT NOT NULL, value TEXT,"
    " PRIMARY KEY (pod_id, kind, key)) WITHOUT ROWID;"
    "CREATE TABLE containers (id INTEGER PRIMARY KEY, pod_id INTEGER NOT NULL, name TEXT NOT NULL,"
    " UNIQUE (pod_id, name));"
    "CREATE TABLE namespaces (id INTEGER PRIMARY KEY, cluster_id INTEGER NOT NULL, name TEXT NOT NULL,"
    " UNIQUE (cluster_id, name));"
    "CREATE TABLE namespace_labels (ns_id INTEGER NOT NULL, kind INTEGER NOT NULL, key TEXT NOT NULL,"
    " value TEXT, PRIMARY KEY (ns_id, kind, key)) WITHOUT ROWID;"
    "CREATE TABLE volumes (id INTEGER PRIMARY KEY, cluster_id INTEGER NOT NULL, name TEXT NOT NULL,"
    " storage_class TEXT, claim_namespace TEXT, claim_name TEXT, provider_id TEXT, volume_type TEXT,"
    " UNIQUE (cluster_id, name));"
    "CREATE TABLE lbs (id INTEGER PRIMARY KEY, cluster_id INTEGER NOT NULL, namespace TEXT NOT NULL,"
    " name TEXT NOT NULL, ip TEXT, private_ip INTEGER, UNIQUE (cluster_id, namespace, name));"
    "CREATE TABLE dirty_days (day INTEGER PRIMARY KEY);";

int sq_fail(kt_store *s, const char *what, kt_err *err)
{
    int code = sqlite3_errcode(s->db);
    const char *msg = sqlite3_errmsg(s->db);
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        return kt_fail(err, KT_EINPUT, "store %s: %s: the database is locked by another kubetally; try again",
                       s->url, what);
    if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
        return kt_fail(err, KT_EINPUT, "store %s: not a usable kubetally database (%s)", s->url, msg);
    return kt_fail(err, KT_ERUNTIME, "store %s: %s: %s", s->url, what, msg);
}

int sq_exec(kt_store *s, const char *sql, const char *what, kt_err *err)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return sq_fail(s, what, err);
    return 0;
}

sqlite3_stmt *sq_stmt(kt_store *s, int slot, const char *sql, kt_err *err)
{
    sqlite3_stmt *st = s->stmt[slot];
    if (!st) {
        if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[slot], NULL) != SQLITE_OK) {
            sq_fail(s, "prepare", err);
            return NULL;
        }
        return s->stmt[slot];
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

int sq_step(kt_store *s, sqlite3_stmt *st, const char *what, kt_err *err)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        sq_fail(s, what, err);
        sqlite3_reset(st);
        return -1;
    }
    return rc;
}

static int read_version(kt_store *s, int *version, kt_err *err)
{
    sqlite3_stmt *st;
    *version = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_master WHERE name='meta'", -1, &st, NULL))
        return sq_fail(s, "reading the schema", err);
    int has_meta = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
    if (!has_meta)
        return 0;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key='schema_version'", -1, &st, NULL))
        return sq_fail(s, "reading the schema version", err);
    if (sqlite3_step(st) == SQLITE_ROW)
        *version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return 0;
}

static int rollup_pending(kt_store *s, kt_err *err);
static int migrate_readonly(kt_store *s, kt_err *err);

/* bill_rows' secondary indexes (sqlite_internal.h). */
const char sq_bill_rows_indexes[] =
    "CREATE INDEX IF NOT EXISTS bill_rows_t0 ON bill_rows (t0);"
    "CREATE INDEX IF NOT EXISTS bill_rows_rkey ON bill_rows (rkey) WHERE rkey <> '';"
    /* rows whose charge period runs past their first UTC day (monthly
     * charges, purchases): the few the daily sums cannot hold */
    "CREATE INDEX IF NOT EXISTS bill_rows_long ON bill_rows (t0) WHERE t1 > t0 - t0 % 86400 + 86400;";

/* v4: cloud bills (src/bills; sqlite_bills.c).  A bill row keeps the
 * columns kubetally uses; its repeated dimensions live once in bill_dims.
 * A billing period (provider, account, start) belongs to the import that
 * last brought it: a restated period replaces the old rows.  bill_day
 * holds the rows that fit in one UTC day summed per day, so a month's
 * question reads thousands of sums, not millions of rows.  bill_k8s names
 * the resource keys that are cluster assets; bill_recon records, per asset
 * and day, the estimate the bill replaced and what was billed. */
static void schema_v4_bills(kt_buf *sql)
{
    buf_puts(sql,
        "CREATE TABLE IF NOT EXISTS bill_imports (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, files TEXT,"
        " rows INTEGER, broken INTEGER);"
        "CREATE TABLE IF NOT EXISTS bill_periods (id INTEGER PRIMARY KEY, provider TEXT NOT NULL, account TEXT NOT NULL,"
        " start INTEGER NOT NULL, import_id INTEGER NOT NULL, UNIQUE (provider, account, start));"
        "CREATE TABLE IF NOT EXISTS bill_dims (id INTEGER PRIMARY KEY, provider TEXT NOT NULL, account TEXT NOT NULL,"
        " sub_account TEXT NOT NULL, service TEXT NOT NULL, category TEXT NOT NULL, region TEXT NOT NULL,"
        " charge_category TEXT NOT NULL, currency TEXT NOT NULL, tags TEXT NOT NULL, UNIQUE (provider, account,"
        " sub_account, service, category, region, charge_category, currency, tags));"
        "CREATE TABLE IF NOT EXISTS bill_rows (period_id INTEGER NOT NULL, dim_id INTEGER NOT NULL, t0 INTEGER NOT NULL,"
        " t1 INTEGER NOT NULL, rkey TEXT NOT NULL, resource_id TEXT NOT NULL, resource_type TEXT NOT NULL,"
        " billed REAL NOT NULL, effective REAL NOT NULL, list REAL NOT NULL, problems INTEGER NOT NULL, extras TEXT);"
        "CREATE INDEX IF NOT EXISTS bill_rows_period ON bill_rows (period_id);");
    buf_puts(sql, sq_bill_rows_indexes);
    buf_puts(sql,
        /* the other rows summed per period, dimension set and day */
        "CREATE TABLE IF NOT EXISTS bill_day (day INTEGER NOT NULL, dim_id INTEGER NOT NULL, period_id INTEGER NOT NULL,"
        " billed REAL NOT NULL, effective REAL NOT NULL, list REAL NOT NULL, PRIMARY KEY (day, dim_id, period_id))"
        " WITHOUT ROWID;"
        "CREATE INDEX IF NOT EXISTS bill_day_period ON bill_day (period_id);"
        "CREATE TABLE IF NOT EXISTS bill_k8s (rkey TEXT PRIMARY KEY, kind INTEGER NOT NULL, asset_id INTEGER NOT NULL)"
        " WITHOUT ROWID;"
        "CREATE TABLE IF NOT EXISTS bill_recon (kind INTEGER NOT NULL, asset_id INTEGER NOT NULL, day INTEGER NOT NULL,"
        " estimate REAL NOT NULL, billed REAL NOT NULL, effective REAL NOT NULL, list REAL NOT NULL,"
        " applied REAL NOT NULL, currency TEXT NOT NULL, metric TEXT NOT NULL, PRIMARY KEY (kind, asset_id, day))"
        " WITHOUT ROWID;");
}

/* v5, what the kubelet Summary API brings: the used bytes of claimed
 * volumes, per volume and UTC day (store_put_volume_usage) — not an hourly
 * fact table, because only each day's peak matters (PV right-sizing) and a
 * day row keeps its maximum however often it is written; and pods' bytes
 * sent to unknown destinations (network tx_other, appended: the hourly
 * insert is positional, and the daily row ends with it after the v2
 * settlement columns, which network has none of). */
static void schema_v5_volume_usage(kt_buf *sql)
{
    /* and network bytes sent whose destination the source does not tell */
    buf_puts(sql, "ALTER TABLE network_h ADD COLUMN tx_other REAL DEFAULT 0;"
                  "ALTER TABLE network_d ADD COLUMN tx_other REAL DEFAULT 0;");
    buf_puts(sql, "CREATE TABLE IF NOT EXISTS volume_usage (day INTEGER NOT NULL, volume_id INTEGER NOT NULL,"
                  " used_peak REAL NOT NULL, used_avg REAL NOT NULL, samples INTEGER NOT NULL, capacity REAL NOT NULL,"
                  " PRIMARY KEY (day, volume_id)) WITHOUT ROWID;");
}

int sq_migrate(kt_store *s, kt_err *err)
{
    int version;
    if (read_version(s, &version, err))
        return -1;
    if (version > KT_SCHEMA_VERSION)
        return kt_fail(err, KT_EINPUT, "store %s: written by a newer kubetally (schema %d, this one knows %d); "
                       "upgrade kubetally, the database was not touched", s->url, version, KT_SCHEMA_VERSION);
    if (version == KT_SCHEMA_VERSION)
        return 0;
    if (s->readonly && version == 0)
        return kt_fail(err, KT_EINPUT, "store %s: no kubetally data yet; run `kubetally demo` or "
                       "`kubetally collect` first", s->url);
    if (s->readonly) /* an older schema: upgrade it once, then read */
        return migrate_readonly(s, err);
    /* Read the version again inside the write transaction: two processes
     * creating the same new database both saw version 0 above; the second
     * waits here for the first to commit, then finds the schema made. */
    if (sq_exec(s, "BEGIN IMMEDIATE", "creating the schema", err))
        return -1;
    if (read_version(s, &version, err)) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    if (version >= KT_SCHEMA_VERSION) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return version > KT_SCHEMA_VERSION ? sq_migrate(s, err) : 0;
    }
    kt_buf sql = {0};
    if (version < 1) {
        buf_puts(&sql, schema_v1);
        for (int f = 0; f < FT_COUNT; f++)
            buf_printf(&sql, "CREATE TABLE %s_h (%s) WITHOUT ROWID; CREATE TABLE %s_d (%s) WITHOUT ROWID;",
                       sq_fact_table[f], fact_schema[f], sq_fact_table[f], fact_schema[f]);
        buf_puts(&sql, "INSERT INTO meta VALUES ('retention_hourly_days','3'),('retention_daily_days','1095');");
    }
    if (version < 2) { /* v2: daily rows carry their settlement; every day with hours is rolled up again */
        for (int f = 0; f < FT_COUNT; f++)
            for (int c = 0; c < 10 && sq_daily_extra[f][c]; c++)
                buf_printf(&sql, "ALTER TABLE %s_d ADD COLUMN %s REAL DEFAULT 0;", sq_fact_table[f],
                           sq_daily_extra[f][c]);
        if (version >= 1)
            buf_puts(&sql, "INSERT OR IGNORE INTO dirty_days SELECT DISTINCT t - t % 86400 FROM node_h;");
    }
    if (version < 3) /* v3: small JSON records by kind and id (budgets; src/alerts) */
        buf_puts(&sql, "CREATE TABLE IF NOT EXISTS records (kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, "
                       "updated INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (kind, id)) WITHOUT ROWID;");
    if (version < 4)
        schema_v4_bills(&sql);
    if (version < 5)
        schema_v5_volume_usage(&sql);
    /* Later versions append their steps here: if (version < 6) { … } */
    buf_printf(&sql, "INSERT OR REPLACE INTO meta VALUES ('schema_version','%d'); COMMIT;", KT_SCHEMA_VERSION);
    int rc = sq_exec(s, sql.data, "creating the schema", err);
    if (rc)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    buf_free(&sql);
    return rc ? rc : rollup_pending(s, err);
}

/* Days a migration marked (dirty_days) are rolled up again, in one
 * transaction; a crash before it ends leaves them marked for next time. */
static int rollup_pending(kt_store *s, kt_err *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT day FROM dirty_days", -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "reading days to roll up", err);
    if (store_begin(s, err)) {
        sqlite3_finalize(st);
        return -1;
    }
    while (sqlite3_step(st) == SQLITE_ROW)
        sq_mark_dirty(s, 0, sqlite3_column_int64(st, 0));
    sqlite3_finalize(st);
    if (sq_exec(s, "DELETE FROM dirty_days", "rolling up", err)) {
        store_rollback(s);
        return -1;
    }
    return store_commit(s, err);
}

/* Opened read-only on an older schema: reopen writable to upgrade (the
 * upgrade is what any writer would do first), then read-only again. */
static int migrate_readonly(kt_store *s, kt_err *err)
{
    sqlite3_close(s->db);
    s->db = NULL;
    s->readonly = 0;
    int rc = sqlite3_open_v2(s->url, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK
                 ? kt_fail(err, KT_EINPUT, "store %s: written by an older kubetally and not writable here; run "
                           "any kubetally command that writes (collect, demo) once to upgrade it", s->url)
                 : sq_migrate(s, err);
    sqlite3_close(s->db);
    s->readonly = 1;
    if (sqlite3_open_v2(s->url, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK && !rc)
        rc = sq_fail(s, "open", err);
    sqlite3_busy_timeout(s->db, 3000);
    return rc;
}

/* Create the missing folders above path; *made gets the outermost one
 * created ("" when none), so a failed open can remove what it made. */
static void make_parent_dirs(const char *path, char *made, size_t n)
{
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", path);
    made[0] = 0;
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(tmp, 0700) == 0 && !made[0])
                snprintf(made, n, "%s", tmp);
            *p = '/';
        }
}

/* Undo what a failed open created: the -wal and -shm files SQLite made
 * next to path, the file itself when it was new, and new folders.  A
 * file that existed before is never removed. */
static void undo_create(const char *path, const int had[3], const char *made)
{
    static const char *const sfx[3] = {"", "-wal", "-shm"};
    char p[1100];
    for (int i = 2; i >= 0; i--)
        if (!had[i]) {
            snprintf(p, sizeof p, "%s%s", path, sfx[i]);
            unlink(p);
        }
    if (!made[0])
        return;
    snprintf(p, sizeof p, "%s", path);
    for (char *slash = strrchr(p, '/'); slash && slash > p; slash = strrchr(p, '/')) {
        *slash = 0;
        if (rmdir(p) || !strcmp(p, made))
            break;
    }
}

/* What the user named must be a database file we may use: refuse a
 * folder, an unreadable or unwritable file, and a file that is not SQLite,
 * by name, before SQLite touches it (it would say "disk I/O error", or
 * create -wal/-shm files beside a file that is not a database). */
static int check_file(kt_store *s, const char *path, kt_err *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return kt_fail(err, KT_EINPUT, "store %s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return kt_fail(err, KT_EINPUT, "store %s: is a folder; --db names the database file in it, "
                       "e.g. sqlite:%s/kubetally.db", path, path);
    if (!S_ISREG(st.st_mode))
        return kt_fail(err, KT_EINPUT, "store %s: not a regular file", path);
    int fd = open(path, s->readonly ? O_RDONLY : O_RDWR);
    if (fd < 0)
        return kt_fail(err, KT_EINPUT, "store %s: cannot %s it: %s", path, s->readonly ? "read" : "write",
                       strerror(errno));
    char head[16] = {0};
    ssize_t got = read(fd, head, sizeof head);
    close(fd);
    if (st.st_size > 0 && (got != (ssize_t)sizeof head || memcmp(head, "SQLite format 3", 16)))
        return kt_fail(err, KT_EINPUT, "store %s: not a usable kubetally database (not an SQLite file)", path);
    return 0;
}

/* journal_mode=WAL needs a moment alone with the file, and SQLite answers
 * BUSY at once (no busy handler) while another process is creating the
 * same database: retry for up to the busy timeout. */
static int enable_wal(kt_store *s, kt_err *err)
{
    for (int i = 0; i < 200; i++) {
        int rc = sqlite3_exec(s->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            return 0;
        if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
            break;
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return sq_fail(s, "enabling WAL", err);
}

static int open_db(kt_store *s, const char *path, kt_err *err)
{
    int oflags = s->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        return sq_fail(s, "open", err);
    sqlite3_busy_timeout(s->db, s->readonly ? 3000 : 10000);
    sqlite3_stmt *st;
    /* Touch the file header now so a corrupt file fails here, clearly. */
    if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "reading", err);
    int rc = sqlite3_step(st);
    int empty = rc == SQLITE_ROW && sqlite3_column_int(st, 0) == 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return sq_fail(s, "reading", err);
    /* A new database gives pruned hours' pages back to the file system
     * (sq_auto_prune); must be set before the first table exists. */
    if (empty && !s->readonly && sq_exec(s, "PRAGMA auto_vacuum=INCREMENTAL", "setting auto_vacuum", err))
        return -1;
    if (!s->readonly && (enable_wal(s, err) ||
                         sq_exec(s, "PRAGMA synchronous=NORMAL", "setting synchronous", err)))
        return -1;
    return sq_migrate(s, err);
}

static int open_sqlite(kt_store *s, const char *path, int flags, kt_err *err)
{
    if (!*path)
        return kt_fail(err, KT_EINPUT, "store: empty sqlite path");
    int exists = access(path, F_OK) == 0;
    if (!exists && !(flags & KT_STORE_CREATE))
        return kt_fail(err, KT_EINPUT, "store: no database at %s; run `kubetally demo` or `kubetally collect` "
                       "first, or pass --db", path);
    if (exists && check_file(s, path, err))
        return -1;
    char made[1024] = "", side[1100];
    int had[3] = {exists, 0, 0};
    snprintf(side, sizeof side, "%s-wal", path);
    had[1] = access(side, F_OK) == 0;
    snprintf(side, sizeof side, "%s-shm", path);
    had[2] = access(side, F_OK) == 0;
    if (!exists)
        make_parent_dirs(path, made, sizeof made);
    int rc = open_db(s, path, err);
    if (rc) {
        /* only what nobody else can be using: a file that is no database,
         * or the empty file this open created (another process creating the
         * same database writes its header before any data) */
        int code = s->db ? sqlite3_errcode(s->db) : 0;
        struct stat st;
        int unusable = code == SQLITE_NOTADB || code == SQLITE_CORRUPT;
        int empty_new = !exists && stat(path, &st) == 0 && st.st_size == 0;
        if (s->db)
            sqlite3_close(s->db);
        s->db = NULL;
        if (unusable || empty_new)
            undo_create(path, had, made);
    }
    return rc;
}

static int sq_grant_agent(kt_store *s, const char *cluster, const char *role, const char *password, kt_err *err)
{
    (void)cluster, (void)role, (void)password;
    return kt_fail(err, KT_EINPUT, "store %s: agents write to a PostgreSQL store; pass --db postgresql://…", s->url);
}

static const kt_store_ops sq_ops = {
    "sqlite", sq_close, sq_describe, sq_begin, sq_commit, sq_rollback, sq_put_cluster, sq_put_node, sq_put_pod,
    sq_put_container, sq_put_volume, sq_put_lb, sq_put_namespace, sq_put_container_hour, sq_put_node_hour,
    sq_put_volume_hour, sq_put_pod_volume_hour, sq_put_lb_hour, sq_put_pod_lb_hour, sq_put_fee_hour,
    sq_put_pod_network_hour, sq_load, sq_load_summed, sq_rebuild_cache, sq_load_raw, sq_get_retention,
    sq_set_retention, sq_prune, sq_cluster_status, sq_set_cluster_contact, sq_get_meta, sq_set_meta,
    sq_put_record, sq_get_record, sq_del_record, sq_list_records, sq_reprice, sq_reprice_window, sq_grant_agent,
    sq_put_volume_usage, sq_volume_usage,
    &sq_bill_ops,
};

/* url: "sqlite:PATH", "sqlite://PATH" or a bare path (store_open). */
int sq_open(const char *url, int flags, kt_store **out, kt_err *err)
{
    kt_store *s = xcalloc(1, sizeof *s);
    s->ops = &sq_ops;
    s->readonly = (flags & KT_STORE_READONLY) != 0;
    u64map_init(&s->dirty);
    u64map_init(&s->rescaled);
    for (int k = 0; k < SQK_COUNT; k++)
        u64map_init(&s->cluster_of[k]);
    const char *path = !strncmp(url, "sqlite:", 7) ? url + 7 : url;
    if (!strncmp(path, "//", 2))
        path += 2;
    snprintf(s->url, sizeof s->url, "%s", path);
    if (open_sqlite(s, path, flags, err)) {
        sq_close(s);
        return -1;
    }
    *out = s;
    return 0;
}

void sq_close(kt_store *s)
{
    if (!s)
        return;
    if (s->in_txn)
        sq_rollback(s);
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(s->stmt[i]);
    if (s->db)
        sqlite3_close(s->db);
    u64map_free(&s->dirty);
    u64map_free(&s->rescaled);
    for (int k = 0; k < SQK_COUNT; k++)
        u64map_free(&s->cluster_of[k]);
    free(s);
}

const char *sq_describe(const kt_store *s) { return s->url; }

void store_limit_cache_memory(int64_t bytes)
{
    assert(bytes >= 0);
    sqlite3_soft_heap_limit64(bytes);
}

/* A transaction's bookkeeping, emptied at its ends: the days to roll up,
 * and the things' clusters (a cache that would otherwise hold every pod
 * and container of the cluster between flushes). */
static void forget_txn(kt_store *s)
{
    u64map_free(&s->dirty), u64map_free(&s->rescaled);
    u64map_init(&s->dirty), u64map_init(&s->rescaled);
    for (int k = 0; k < SQK_COUNT; k++)
        u64map_free(&s->cluster_of[k]), u64map_init(&s->cluster_of[k]);
}

int sq_begin(kt_store *s, kt_err *err)
{
    if (s->readonly)
        return kt_fail(err, KT_EINPUT, "store %s: opened read-only", s->url);
    if (sq_exec(s, "BEGIN IMMEDIATE", "begin", err))
        return -1;
    s->in_txn = 1;
    forget_txn(s);
    return 0;
}

/* The days just rolled up get their day files (a cache: failure only
 * means questions over those days read the rows); a day several clusters
 * touched is written once.  A day that is not over yet (by the clock) gets
 * none: a live collector rolls today up at every flush, and rewriting a
 * file that holds every cluster's day each time was the largest memory
 * peak of a many-cluster serve (docs/decisions.md); questions over today
 * read its rows.  Yesterday's file is written by the first commit that
 * finds it missing or stale, whichever cluster's flush that is. */
static void write_day_files(kt_store *s)
{
    kt_u64map days;
    u64map_init(&days);
    int64_t newest = 0, today = day_floor((int64_t)time(NULL));
    uint64_t seen;
    for (size_t i = 0; i < s->dirty.cap; i++) {
        if (s->dirty.keys[i] == UINT64_MAX)
            continue;
        int64_t day = sq_dirty_day(s->dirty.keys[i]);
        if (u64map_get(&days, (uint64_t)day, &seen))
            continue;
        u64map_put(&days, (uint64_t)day, 1);
        if (day < today)
            sq_daycache_write(s, day);
        if (day > newest)
            newest = day;
    }
    u64map_free(&days);
    if (newest) {
        if (newest >= today)
            sq_daycache_refresh(s, today - 86400);
        sq_daycache_blocks(s, newest);
    }
}

int sq_commit(kt_store *s, kt_err *err)
{
    if (sq_rollup_dirty(s, err) || sq_auto_prune(s, err) || sq_exec(s, "COMMIT", "commit", err)) {
        store_rollback(s);
        return -1;
    }
    s->in_txn = 0;
    write_day_files(s);
    forget_txn(s);
    return 0;
}

void sq_rollback(kt_store *s)
{
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_txn = 0;
    forget_txn(s);
}

/* pg.c — the PostgreSQL backend: connection, transactions, the ops table.
 *
 * The URL is libpq's (postgresql://user:password@host[:port][,host2…]/db?…),
 * so multi-host failover URLs work as they do for psql.  A writer whose URL
 * names several hosts and no target_session_attrs gets
 * target_session_attrs=read-write, so it always lands on the primary.
 * The password is only ever given to libpq: every message names the URL
 * with the password removed (pg_redact).
 *
 * Connection loss: a lost connection is re-established with backoff
 * (0.25 s doubling to 4 s, for at most KUBETALLY_PG_RETRY_SECONDS, default
 * 30) at the next transaction or read; a transaction that was open is gone
 * with its connection (the server rolled it back, so no hour is half
 * written) and its commit fails, so the writer's next flush rewrites it. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/pg_internal.h"

static void pg_close(kt_store *s);
static const char *pg_describe(const kt_store *s);
static int pg_begin(kt_store *s, kt_err *err);
static int pg_commit(kt_store *s, kt_err *err);
static void pg_rollback(kt_store *s);

static const kt_store_ops pg_ops = {
    "postgresql", pg_close, pg_describe, pg_begin, pg_commit, pg_rollback, pgs_put_cluster, pgs_put_node,
    pgs_put_pod, pgs_put_container, pgs_put_volume, pgs_put_lb, pgs_put_namespace, pgs_put_container_hour,
    pgs_put_node_hour, pgs_put_volume_hour, pgs_put_pod_volume_hour, pgs_put_lb_hour, pgs_put_pod_lb_hour,
    pgs_put_fee_hour, pgs_put_pod_network_hour, pgs_load, pgs_load_summed, pgs_rebuild_cache, pgs_load_raw,
    pgs_get_retention, pgs_set_retention, pgs_prune, pgs_cluster_status, pgs_set_cluster_contact, pgs_get_meta,
    pgs_set_meta, pgs_put_record, pgs_get_record, pgs_del_record, pgs_list_records, pgs_reprice,
    NULL, /* reprice_window: store.c goes day by day */
    pgs_grant_agent,
    pgs_put_volume_usage, pgs_volume_usage,
    &pg_bill_ops,
};

/* The URL with any password (user:PASSWORD@ or ?password=…) removed. */
static void pg_redact(const char *url, char *out, size_t n)
{
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", url);
    char *rest = strstr(tmp, "://");
    if (rest) {
        rest += 3;
        size_t auth = strcspn(rest, "/?");
        char *at = NULL;
        for (size_t i = 0; i < auth; i++)
            if (rest[i] == '@')
                at = rest + i;
        char *colon = at ? memchr(rest, ':', (size_t)(at - rest)) : NULL;
        if (colon)
            memmove(colon, at, strlen(at) + 1);
    }
    for (char *p = strstr(tmp, "password="); p; p = strstr(p + 1, "password=")) {
        char *end = p + 9 + strcspn(p + 9, "&");
        if (end > p + 9) {
            memmove(p + 9 + 3, end, strlen(end) + 1);
            memcpy(p + 9, "***", 3);
        }
    }
    snprintf(out, n, "%s", tmp);
}

static void quiet_notices(void *arg, const PGresult *r) { (void)arg, (void)r; }

static int connect_once(pg_store *s)
{
    if (s->conn)
        PQfinish(s->conn);
    s->conn = PQconnectdb(s->conninfo);
    if (PQstatus(s->conn) != CONNECTION_OK)
        return -1;
    PQsetNoticeReceiver(s->conn, quiet_notices, NULL);
    PGresult *r = PQexec(s->conn, "SET extra_float_digits = 3; SET client_min_messages = warning; "
                                  "SET application_name = 'kubetally'");
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok ? 0 : -1;
}

/* Reconnect after the connection was lost, with backoff; 0 once connected. */
static int reconnect(pg_store *s, kt_err *err)
{
    if (s->conn && PQstatus(s->conn) == CONNECTION_OK)
        return 0;
    const char *env = getenv("KUBETALLY_PG_RETRY_SECONDS");
    double budget = env && *env ? atof(env) : 30, waited = 0, delay = 0.25;
    for (;;) {
        if (!connect_once(s))
            return 0;
        if (waited >= budget)
            break;
        struct timespec ts = {(time_t)delay, (long)((delay - (double)(time_t)delay) * 1e9)};
        nanosleep(&ts, NULL);
        waited += delay;
        delay = delay * 2 > 4 ? 4 : delay * 2;
    }
    return pg_fail(s, NULL, "connecting", err);
}

/* One line from libpq's message (they end in newlines and may carry a
 * DETAIL line); never holds the password (libpq does not print it). */
static void first_line(const char *msg, char *out, size_t n)
{
    snprintf(out, n, "%s", msg && *msg ? msg : "unknown error");
    out[strcspn(out, "\n")] = 0;
    if (!strncmp(out, "ERROR:  ", 8) || !strncmp(out, "FATAL:  ", 8))
        memmove(out, out + 8, strlen(out + 8) + 1);
}

int pg_fail(pg_store *s, PGresult *r, const char *what, kt_err *err)
{
    char line[400];
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    first_line(r ? PQresultErrorMessage(r) : PQerrorMessage(s->conn), line, sizeof line);
    if (state && !strcmp(state, "25006"))
        return kt_fail(err, KT_EINPUT, "store %s: %s: the database is read-only (a standby?); point --db at the "
                       "primary or add target_session_attrs=read-write", s->url, what);
    if (state && !strcmp(state, "42501"))
        return kt_fail(err, KT_EINPUT, "store %s: %s: permission denied (%s)", s->url, what, line);
    if (!r || PQstatus(s->conn) != CONNECTION_OK)
        return kt_fail(err, KT_ERUNTIME, "store %s: %s: cannot reach PostgreSQL (%s)", s->url, what, line);
    return kt_fail(err, KT_ERUNTIME, "store %s: %s: %s", s->url, what, line);
}

PGresult *pg_query(pg_store *s, const char *sql, int n, const char *const *params, const char *what, kt_err *err)
{
    if (!s->in_txn && reconnect(s, err))
        return NULL;
    PGresult *r = PQexecParams(s->conn, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return r;
    if (!s->in_txn && PQstatus(s->conn) != CONNECTION_OK && !reconnect(s, NULL)) { /* lost between calls: once more */
        PQclear(r);
        return pg_query(s, sql, n, params, what, err);
    }
    pg_fail(s, r, what, err);
    PQclear(r);
    return NULL;
}

int pg_exec(pg_store *s, const char *sql, int n, const char *const *params, const char *what, kt_err *err)
{
    PGresult *r = pg_query(s, sql, n, params, what, err);
    PQclear(r);
    return r ? 0 : -1;
}

int pg_scalar(pg_store *s, const char *sql, int n, const char *const *params, int64_t *out, const char *what,
              kt_err *err)
{
    PGresult *r = pg_query(s, sql, n, params, what, err);
    if (!r)
        return -1;
    *out = PQntuples(r) ? pg_int(r, 0, 0) : 0;
    PQclear(r);
    return 0;
}

int pg_each(pg_store *s, const char *sql, int n, const char *const *params, pg_row_fn fn, void *ctx,
            const char *what, kt_err *err)
{
    if (!s->in_txn && reconnect(s, err))
        return -1;
    if (!PQsendQueryParams(s->conn, sql, n, NULL, params, NULL, NULL, 0) || !PQsetSingleRowMode(s->conn))
        return pg_fail(s, NULL, what, err);
    int rc = 0, stop = 0;
    PGresult *r;
    while ((r = PQgetResult(s->conn))) {
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_SINGLE_TUPLE && !stop && !rc)
            stop = fn(ctx, r);
        else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && !rc)
            rc = pg_fail(s, r, what, err);
        PQclear(r);
    }
    return rc ? rc : stop;
}

/* libpq connection string for the URL: a writer on several hosts goes to
 * the primary unless the URL says otherwise. */
static char *conninfo_for(const char *url, int readonly)
{
    kt_buf b = {0};
    buf_puts(&b, url);
    const char *hosts = strstr(url, "://");
    size_t hl = hosts ? strcspn(hosts + 3, "/?") : 0;
    int multi = hosts && memchr(hosts + 3, ',', hl) != NULL;
    if (!readonly && multi && !strstr(url, "target_session_attrs="))
        buf_puts(&b, strchr(url, '?') ? "&target_session_attrs=read-write" : "?target_session_attrs=read-write");
    if (!strstr(url, "connect_timeout="))
        buf_puts(&b, strchr(b.data, '?') ? "&connect_timeout=10" : "?connect_timeout=10");
    return buf_steal(&b);
}

/* More than one '@' before the path: libpq splits at the first, so part of
 * a password would become a host name in its error message. */
static int ambiguous_userinfo(const char *url)
{
    const char *rest = strstr(url, "://");
    if (!rest)
        return 0;
    rest += 3;
    size_t auth = strcspn(rest, "/?"), ats = 0;
    for (size_t i = 0; i < auth; i++)
        ats += rest[i] == '@';
    return ats > 1;
}

int pgs_open(const char *url, int flags, kt_store **out, kt_err *err)
{
    if (ambiguous_userinfo(url))
        return kt_fail(err, KT_EINPUT, "store: the PostgreSQL URL's user or password holds '@'; write it as %%40");
    pg_store *s = xcalloc(1, sizeof *s);
    s->ops = &pg_ops;
    s->readonly = (flags & KT_STORE_READONLY) != 0;
    pg_redact(url, s->url, sizeof s->url);
    s->conninfo = conninfo_for(url, s->readonly);
    u64map_init(&s->dirty);
    u64map_init(&s->rescaled);
    u64map_init(&s->parts);
    u64map_init(&s->things);
    for (int k = 0; k < PK_COUNT; k++)
        u64map_init(&s->cluster_of[k]);
    strtab_init(&s->texts);
    int rc = 0;
    if (connect_once(s)) {
        char line[400];
        first_line(PQerrorMessage(s->conn), line, sizeof line);
        rc = kt_fail(err, KT_EINPUT, "store %s: cannot connect: %s", s->url, line);
    }
    if (!rc && !s->readonly) {
        int64_t ro = 0;
        rc = pg_scalar(s, "SELECT (current_setting('transaction_read_only') = 'on')::int", 0, NULL, &ro,
                       "connecting", err);
        if (!rc && ro)
            rc = kt_fail(err, KT_EINPUT, "store %s: the database is read-only (a standby?); point --db at the "
                         "primary or add target_session_attrs=read-write", s->url);
    }
    if (!rc)
        rc = pg_migrate(s, err);
    int64_t agent = 0;
    if (!rc && !pg_scalar(s, "SELECT coalesce(kt_agent_cluster(), 0)", 0, NULL, &agent, "connecting", err))
        s->agent = agent != 0; /* an agent neither prunes nor grants */
    if (rc) {
        pg_close((kt_store *)s);
        return -1;
    }
    *out = (kt_store *)s;
    return 0;
}

static void pg_close(kt_store *ks)
{
    pg_store *s = PGS(ks);
    if (s->in_txn)
        pg_rollback(ks);
    if (s->conn)
        PQfinish(s->conn);
    free(s->conninfo);
    u64map_free(&s->dirty);
    u64map_free(&s->rescaled);
    u64map_free(&s->parts);
    u64map_free(&s->things);
    for (int k = 0; k < PK_COUNT; k++)
        u64map_free(&s->cluster_of[k]);
    pg_facts_reset(s);
    for (int f = 0; f < PF_COUNT; f++)
        free(s->facts[f].rows);
    strtab_free(&s->texts);
    free(s);
}

static const char *pg_describe(const kt_store *s) { return ((const pg_store *)(const void *)s)->url; }

static int pg_begin(kt_store *ks, kt_err *err)
{
    pg_store *s = PGS(ks);
    assert(!s->in_txn);
    if (s->readonly)
        return kt_fail(err, KT_EINPUT, "store %s: opened read-only", s->url);
    if (reconnect(s, err))
        return -1;
    /* today's partitions, outside the transaction (it then needs no DDL) */
    int64_t now = (int64_t)time(NULL);
    if (pg_ensure_partitions(s, now, err) || pg_ensure_partitions(s, now + 3600, err))
        return -1;
    if (pg_exec(s, "BEGIN", 0, NULL, "begin", err))
        return -1;
    s->in_txn = 1;
    u64map_free(&s->dirty), u64map_free(&s->rescaled);
    u64map_init(&s->dirty), u64map_init(&s->rescaled);
    pg_facts_reset(s);
    return 0;
}

/* The flush: buffered facts, the roll-ups of the days they touched, then
 * COMMIT — all or nothing. */
static int pg_commit(kt_store *ks, kt_err *err)
{
    pg_store *s = PGS(ks);
    assert(s->in_txn);
    if (pg_flush_facts(s, err) || pg_rollup_dirty(s, err) || pg_exec(s, "COMMIT", 0, NULL, "commit", err)) {
        pg_rollback(ks);
        return -1;
    }
    s->in_txn = 0;
    pg_facts_reset(s);
    pg_auto_prune(s);
    return 0;
}

static void pg_rollback(kt_store *ks)
{
    pg_store *s = PGS(ks);
    if (s->conn && PQstatus(s->conn) == CONNECTION_OK)
        PQclear(PQexec(s->conn, "ROLLBACK"));
    s->in_txn = 0;
    pg_facts_reset(s);
    u64map_free(&s->dirty), u64map_free(&s->rescaled);
    u64map_init(&s->dirty), u64map_init(&s->rescaled);
    /* ids remembered in the rolled-back transaction may not exist */
    for (int k = 0; k < PK_COUNT; k++) {
        u64map_free(&s->cluster_of[k]);
        u64map_init(&s->cluster_of[k]);
    }
    u64map_free(&s->parts);
    u64map_init(&s->parts);
    u64map_free(&s->things);
    u64map_init(&s->things);
}

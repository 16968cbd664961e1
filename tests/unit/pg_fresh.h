/* pg_fresh.h — for unit tests that also run on PostgreSQL when
 * KUBETALLY_TEST_PG=postgresql://… names a role that may create databases
 * (tests/integration/postgres/run.sh starts a server and sets it). */
#ifndef KT_TEST_PG_FRESH_H
#define KT_TEST_PG_FRESH_H

#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

/* A fresh database NAME on the server of KUBETALLY_TEST_PG; its URL in url. */
static inline int pg_fresh(const char *base, const char *name, char *url, size_t n)
{
    PGconn *c = PQconnectdb(base);
    char sql[200];
    int ok = PQstatus(c) == CONNECTION_OK;
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", name);
    PQclear(ok ? PQexec(c, sql) : NULL);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    PGresult *r = ok ? PQexec(c, sql) : NULL;
    ok = ok && PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        fprintf(stderr, "KUBETALLY_TEST_PG: %s", PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    const char *path = strstr(base, "://");
    path = path ? strchr(path + 3, '/') : NULL;
    const char *query = strchr(base, '?');
    if (!path)
        path = query ? query : base + strlen(base);
    snprintf(url, n, "%.*s/%s%s", (int)(path - base), base, name, query ? query : "");
    return ok ? 0 : -1;
}

#endif

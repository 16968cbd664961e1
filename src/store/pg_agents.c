/* pg_agents.c — database roles for in-cluster agents (store_grant_agent).
 *
 * An agent's login role is a member of kubetally_agent (the privileges:
 * read and write the things and history tables, make partitions through
 * kt_ensure_day) and has a row in kt_agents naming its cluster, which the
 * row-level security policies of schema v2 (pg_schema.c) confine it to: it
 * sees only its cluster's rows, and writing any other cluster's row is an
 * error.  Run by the schema's owner (the central service's role), in one
 * transaction: roles are transactional in PostgreSQL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg_internal.h"

static const char *const granted_tables =
    "clusters, nodes, pods, pod_labels, containers, namespaces, namespace_labels, volumes, lbs, meta, "
    "container_h, container_d, node_h, node_d, volume_h, volume_d, pod_volume_h, pod_volume_d, lb_h, lb_d, "
    "pod_lb_h, pod_lb_d, fee_h, fee_d, network_h, network_d, volume_usage";

static int grant_sql(pg_store *s, const char *cluster, const char *role, const char *password, kt_buf *b,
                     kt_err *err)
{
    char *r = PQescapeIdentifier(s->conn, role, strlen(role));
    char *pw = PQescapeLiteral(s->conn, password, strlen(password));
    char *rl = PQescapeLiteral(s->conn, role, strlen(role));
    char *cl = PQescapeLiteral(s->conn, cluster, strlen(cluster));
    if (!r || !pw || !rl || !cl) {
        PQfreemem(r), PQfreemem(pw), PQfreemem(rl), PQfreemem(cl);
        return kt_fail(err, KT_EINPUT, "db grant-agent: role or cluster name not usable");
    }
    buf_printf(b,
        "DO $g$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kubetally_agent') THEN"
        " CREATE ROLE kubetally_agent NOLOGIN; END IF;"
        " IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s) THEN"
        "  EXECUTE format('ALTER ROLE %%I LOGIN PASSWORD %%L', %s, %s);"
        " ELSE EXECUTE format('CREATE ROLE %%I LOGIN PASSWORD %%L', %s, %s); END IF;"
        " EXECUTE format('GRANT USAGE ON SCHEMA %%I TO kubetally_agent', current_schema()); END $g$;"
        "GRANT kubetally_agent TO %s;"
        "GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO kubetally_agent;"
        "GRANT USAGE ON ALL SEQUENCES IN SCHEMA %s TO kubetally_agent;"
        "GRANT EXECUTE ON FUNCTION kt_ensure_day(bigint), kt_agent_cluster(), kt_agent_cluster_name()"
        " TO kubetally_agent;"
        "INSERT INTO clusters (name, provider, region, currency, source) VALUES (%s, '', '', 'USD', 'agent')"
        " ON CONFLICT (name) DO NOTHING;"
        "INSERT INTO kt_agents SELECT %s, id FROM clusters WHERE name = %s"
        " ON CONFLICT (role) DO UPDATE SET cluster_id = EXCLUDED.cluster_id;",
        rl, rl, pw, rl, pw, r, granted_tables, "current_schema()", cl, rl, cl);
    PQfreemem(r), PQfreemem(pw), PQfreemem(rl), PQfreemem(cl);
    return 0;
}

int pgs_grant_agent(kt_store *ks, const char *cluster, const char *role, const char *password, kt_err *err)
{
    pg_store *s = PGS(ks);
    if (s->readonly || s->in_txn)
        return kt_fail(err, KT_ERUNTIME, "db grant-agent: needs a writable handle outside a transaction");
    if (s->agent)
        return kt_fail(err, KT_EINPUT, "store %s: an agent's role cannot grant agents; connect as the schema's owner",
                       s->url);
    kt_buf b = {0};
    if (grant_sql(s, cluster, role, password, &b, err))
        return -1;
    /* GRANT … IN SCHEMA takes a name, not an expression */
    char *at = strstr(b.data, "IN SCHEMA current_schema()");
    PGresult *r = PQexec(s->conn, "SELECT current_schema()");
    int rc = 0;
    if (PQresultStatus(r) != PGRES_TUPLES_OK || !PQntuples(r) || PQgetisnull(r, 0, 0))
        rc = pg_fail(s, r, "granting an agent", err);
    kt_buf full = {0};
    if (!rc && at) {
        char *schema = PQescapeIdentifier(s->conn, PQgetvalue(r, 0, 0), strlen(PQgetvalue(r, 0, 0)));
        buf_puts(&full, "BEGIN;");
        buf_add(&full, b.data, (size_t)(at - b.data));
        buf_printf(&full, "IN SCHEMA %s%s COMMIT;", schema, at + strlen("IN SCHEMA current_schema()"));
        PQfreemem(schema);
    }
    PQclear(r);
    if (!rc) {
        r = PQexec(s->conn, full.data); /* holds the password: never in a message (pg_fail prints libpq's line) */
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            rc = pg_fail(s, r, "granting an agent", err);
            PQclear(PQexec(s->conn, "ROLLBACK"));
        }
        PQclear(r);
    }
    buf_free(&b), buf_free(&full);
    return rc;
}

/* bills_daily.c — reconciling a day past hourly retention, whose daily
 * rows are all that is left of it, on any backend (bills_daily.h).
 *
 * A day with hours is reconciled by scaling its hourly prices and settling
 * the hours again (sqlite_bills_recon.c, pg_bills_recon.c).  Without hours
 * that is impossible, but most of settlement is linear in one node's
 * prices: within each of its hours, the settled quantities do not depend
 * on price, and the node's cost, its idle (and the parts left unshared),
 * and each of its containers' cost and share of the node's idle are price
 * × something price-free.  So scaling an asset's prices by f scales all of
 * those, summed over the day, by exactly f — the same numbers the hourly
 * path gives.  Volumes and load balancers likewise: their pods' costs are
 * hours × price.
 *
 * Two shares are not linear in one node: a container's share of its
 * cluster's idle and of its cluster's fee (both by cost among the whole
 * cluster, hour by hour).  Those are scaled with the container's node
 * first, then re-shared per cluster-day at commit (store_bill_daily_reshare)
 * so they add up to the cluster's shareable idle and fee again:
 * conservation holds exactly, and the result equals the hourly one
 * whenever a cluster's nodes share one factor or its hours share one shape
 * (the demo, a bill with one discount rate); otherwise it is the day-level
 * split of the same total (docs/decisions.md).
 *
 * Every statement is written once for both backends: arguments $n inside
 * CAST (SQLite binds them by name, PostgreSQL reads their text), joins
 * through nodes/pods/containers rather than a cluster_id column SQLite's
 * daily tables lack. */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/bills.h"
#include "store/bills_daily.h"
#include "store/store_backend.h"
#include "util/buf.h"
#include "util/time.h"

#define FACTOR "CAST($1 AS float8)"
#define ID "CAST($2 AS bigint)"
#define DAY "CAST($3 AS bigint)"
/* store_daily_extra's rows for these tables (its order: container, node, …) */
enum { EXTRA_CONTAINER = 0, EXTRA_NODE = 1 };

/* "first, a = a * $1, b = b * $1, …" over a daily table's settlement columns. */
static void scaled_cols(kt_buf *b, int table, const char *first)
{
    buf_puts(b, first);
    for (int c = 0; c < 10 && store_daily_extra[table][c]; c++)
        buf_printf(b, "%s%s = %s * " FACTOR, b->len && b->data[b->len - 1] != ' ' ? ", " : "",
                   store_daily_extra[table][c], store_daily_extra[table][c]);
}

static int run(const kt_sql_port *p, const char *sql, double factor, int64_t id, int64_t day, kt_err *err)
{
    kt_sql_arg a[3] = {{0, 0, factor}, {1, id, 0}, {1, day, 0}};
    return p->exec(p->h, sql, 3, a, err);
}

int store_bill_daily_scale(const kt_sql_port *p, int kind, int64_t id, int64_t day, double factor, kt_err *err)
{
    assert(p && p->exec && kind >= 0 && kind < KT_BILL_KINDS && factor >= 0 && day == day_floor(day));
    if (kind == KT_BILL_VOLUME)
        return run(p, "UPDATE volume_d SET price = price * " FACTOR " WHERE volume_id = " ID " AND t = " DAY, factor,
                   id, day, err) ||
               run(p, "UPDATE pod_volume_d SET cost = cost * " FACTOR " WHERE volume_id = " ID " AND t = " DAY,
                   factor, id, day, err) ? -1 : 0;
    if (kind == KT_BILL_LB)
        return run(p, "UPDATE lb_d SET hourly = hourly * " FACTOR " WHERE lb_id = " ID " AND t = " DAY, factor, id,
                   day, err) ||
               run(p, "UPDATE pod_lb_d SET cost = cost * " FACTOR " WHERE lb_id = " ID " AND t = " DAY, factor, id,
                   day, err) ? -1 : 0;
    kt_buf b = {0};
    buf_puts(&b, "UPDATE node_d SET ");
    scaled_cols(&b, EXTRA_NODE, "cpu_price = cpu_price * " FACTOR ", ram_price = ram_price * " FACTOR ","
                " gpu_price = gpu_price * " FACTOR ", hourly = hourly * " FACTOR);
    buf_puts(&b, " WHERE node_id = " ID " AND t = " DAY);
    int rc = run(p, b.data, factor, id, day, err);
    /* every settled column of its containers: costs and idle shares
     * exactly, the cluster-level shares as weights for the re-share */
    b.len = 0;
    buf_puts(&b, "UPDATE container_d SET ");
    scaled_cols(&b, EXTRA_CONTAINER, "");
    buf_puts(&b, " WHERE t = " DAY " AND container_id IN (SELECT c.id FROM containers c JOIN pods p"
             " ON p.id = c.pod_id WHERE p.node_id = " ID ")");
    rc = rc || run(p, b.data, factor, id, day, err);
    buf_free(&b);
    return rc ? -1 : 0;
}

/* Per cluster on the day ($1; $2 one cluster or 0): shareable idle per
 * resource (idle − what no allocation could take), shareable fee, and what
 * the containers hold of each now. */
static const char *const totals_sql =
    "SELECT k, sum(a), sum(b), sum(c), sum(f), sum(ha), sum(hb), sum(hc), sum(hf) FROM ("
    " SELECT n.cluster_id AS k, d.idle_cpu - d.left_cl_cpu AS a, d.idle_ram - d.left_cl_ram AS b,"
    " d.idle_gpu - d.left_cl_gpu AS c, 0 AS f, 0 AS ha, 0 AS hb, 0 AS hc, 0 AS hf FROM node_d d"
    " JOIN nodes n ON n.id = d.node_id WHERE d.t = CAST($1 AS bigint)"
    " UNION ALL SELECT cluster_id, 0, 0, 0, hours * hourly - unshared, 0, 0, 0, 0 FROM fee_d"
    " WHERE t = CAST($1 AS bigint)"
    " UNION ALL SELECT p.cluster_id, 0, 0, 0, 0, x.idle_cl_cpu, x.idle_cl_ram, x.idle_cl_gpu, x.fee FROM container_d x"
    " JOIN containers c ON c.id = x.container_id JOIN pods p ON p.id = c.pod_id WHERE x.t = CAST($1 AS bigint)) u"
    " WHERE CAST($2 AS bigint) = 0 OR k = CAST($2 AS bigint) GROUP BY k";

/* What nobody in the cluster can take stays where it is: all of a
 * resource's idle left unshared, or the whole fee (as settlement does for
 * an hour with no allocation).  $1 day, $2 cluster. */
#define IN_CLUSTER " WHERE t = CAST($1 AS bigint) AND node_id IN (SELECT id FROM nodes WHERE cluster_id = CAST($2 AS bigint))"
static const char *const left_sql[4] = {
    "UPDATE node_d SET left_cl_cpu = idle_cpu" IN_CLUSTER,
    "UPDATE node_d SET left_cl_ram = idle_ram" IN_CLUSTER,
    "UPDATE node_d SET left_cl_gpu = idle_gpu" IN_CLUSTER,
    "UPDATE fee_d SET unshared = hours * hourly WHERE t = CAST($1 AS bigint) AND cluster_id = CAST($2 AS bigint)",
};

static int reshare_cluster(const kt_sql_port *p, int64_t day, int64_t cluster, const double *want,
                           const double *held, kt_err *err)
{
    kt_sql_arg a[6] = {{0}};
    int change = 0;
    for (int i = 0; i < 4; i++) {
        double w = want[i] > 0 ? want[i] : 0;
        a[i].d = held[i] > 0 ? w / held[i] : 1;
        change |= fabs(a[i].d - 1) > 1e-12;
        kt_sql_arg dc[2] = {{1, day, 0}, {1, cluster, 0}};
        if (held[i] <= 0 && w > 0 && p->exec(p->h, left_sql[i], 2, dc, err))
            return -1;
    }
    if (!change) /* one factor for the whole cluster: the shares are right already */
        return 0;
    a[4] = (kt_sql_arg){1, day, 0}, a[5] = (kt_sql_arg){1, cluster, 0};
    return p->exec(p->h, "UPDATE container_d SET idle_cl_cpu = idle_cl_cpu * CAST($1 AS float8),"
                   " idle_cl_ram = idle_cl_ram * CAST($2 AS float8), idle_cl_gpu = idle_cl_gpu * CAST($3 AS float8),"
                   " fee = fee * CAST($4 AS float8) WHERE t = CAST($5 AS bigint) AND container_id IN"
                   " (SELECT c.id FROM containers c JOIN pods p ON p.id = c.pod_id WHERE p.cluster_id ="
                   " CAST($6 AS bigint))", 6, a, err);
}

typedef struct sums {
    int64_t id;
    double v[8];
} sums;
typedef struct sums_list {
    sums *c;
    size_t n, cap;
} sums_list;

static int on_sums(void *ctx, int64_t key, const double *v, int n)
{
    sums_list *l = ctx;
    assert(n == 8);
    grow_array((void **)&l->c, &l->cap, l->n, sizeof *l->c);
    l->c[l->n].id = key;
    for (int i = 0; i < 8; i++)
        l->c[l->n].v[i] = v[i];
    l->n++;
    return 0;
}

int store_bill_daily_reshare(const kt_sql_port *p, int64_t day, int64_t cluster, kt_err *err)
{
    assert(p && p->exec && p->rows && day == day_floor(day) && cluster >= 0);
    /* read the sums first: the updates change the tables the query reads */
    kt_sql_arg a[2] = {{1, day, 0}, {1, cluster, 0}};
    sums_list l = {0};
    int rc = p->rows(p->h, totals_sql, 2, a, 9, on_sums, &l, err);
    for (size_t i = 0; !rc && i < l.n; i++)
        rc = reshare_cluster(p, day, l.c[i].id, l.c[i].v, l.c[i].v + 4, err);
    free(l.c);
    return rc ? -1 : 0;
}

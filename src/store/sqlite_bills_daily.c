/* sqlite_bills_daily.c — reconciling a day past hourly retention, whose
 * daily rows are all that is left of it (sqlite_internal.h).
 *
 * A day with hours is reconciled by scaling its hourly prices and settling
 * the hours again (sqlite_bills_recon.c, sqlite_settle.c).  Without hours
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
 * first, then re-shared per cluster-day at commit (sq_bill_reshare_day) so
 * they add up to the cluster's shareable idle and fee again: conservation
 * holds exactly, and the result equals the hourly one whenever a cluster's
 * nodes share one factor or its hours share one shape (the demo, a bill
 * with one discount rate); otherwise it is the day-level split of the same
 * total (docs/decisions.md). */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/bills.h"
#include "store/sqlite_internal.h"
#include "util/buf.h"
#include "util/time.h"

/* "a = a * ?1, b = b * ?1, …" over a daily table's settlement columns. */
static void scaled_cols(char *buf, size_t n, int table, const char *first)
{
    size_t len = (size_t)snprintf(buf, n, "%s", first);
    for (int c = 0; c < 10 && sq_daily_extra[table][c] && len < n; c++)
        len += (size_t)snprintf(buf + len, n - len, "%s%s = %s * ?1", len ? ", " : "", sq_daily_extra[table][c],
                                sq_daily_extra[table][c]);
}

/* Run one statement bound (?1 factor, ?2 id, ?3 day). */
static int run3(kt_store *s, const char *sql, double factor, int64_t id, int64_t day, kt_err *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "repricing a past day to the bill", err);
    sqlite3_bind_double(st, 1, factor);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_int64(st, 3, day);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : sq_fail(s, "repricing a past day to the bill", err);
}

int sq_bill_scale_daily(kt_store *s, int kind, int64_t id, int64_t day, double factor, kt_err *err)
{
    assert(s && s->in_txn && kind >= 0 && kind < KT_BILL_KINDS && factor >= 0 && day == day_floor(day));
    char cols[600], sql[900];
    int rc = 0;
    if (kind == KT_BILL_NODE) {
        scaled_cols(cols, sizeof cols, FT_NODE, "cpu_price = cpu_price * ?1, ram_price = ram_price * ?1,"
                    " gpu_price = gpu_price * ?1, hourly = hourly * ?1");
        snprintf(sql, sizeof sql, "UPDATE node_d SET %s WHERE node_id = ?2 AND t = ?3", cols);
        rc = run3(s, sql, factor, id, day, err);
        /* every settled column of its containers: costs and idle shares
         * exactly, the cluster-level shares as weights for the re-share */
        scaled_cols(cols, sizeof cols, FT_CONTAINER, "");
        snprintf(sql, sizeof sql, "UPDATE container_d SET %s WHERE t = ?3 AND container_id IN (SELECT c.id FROM"
                 " containers c JOIN pods p ON p.id = c.pod_id WHERE p.node_id = ?2)", cols);
        rc = rc || run3(s, sql, factor, id, day, err);
    } else if (kind == KT_BILL_VOLUME) {
        rc = run3(s, "UPDATE volume_d SET price = price * ?1 WHERE volume_id = ?2 AND t = ?3", factor, id, day, err) ||
             run3(s, "UPDATE pod_volume_d SET cost = cost * ?1 WHERE volume_id = ?2 AND t = ?3", factor, id, day, err);
    } else {
        rc = run3(s, "UPDATE lb_d SET hourly = hourly * ?1 WHERE lb_id = ?2 AND t = ?3", factor, id, day, err) ||
             run3(s, "UPDATE pod_lb_d SET cost = cost * ?1 WHERE lb_id = ?2 AND t = ?3", factor, id, day, err);
    }
    if (rc)
        return -1;
    u64map_put(&s->dirty, (uint64_t)day, 1);
    if (kind == KT_BILL_NODE)
        u64map_put(&s->rescaled, (uint64_t)day, 1);
    return 0;
}

/* Per cluster on the day: shareable idle per resource (idle − what no
 * allocation could take), shareable fee, and what the containers hold of
 * each now. */
static const char *const totals_sql =
    "SELECT k, sum(a), sum(b), sum(c), sum(f), sum(ha), sum(hb), sum(hc), sum(hf) FROM ("
    " SELECT n.cluster_id k, d.idle_cpu - d.left_cl_cpu a, d.idle_ram - d.left_cl_ram b, d.idle_gpu - d.left_cl_gpu c,"
    " 0 f, 0 ha, 0 hb, 0 hc, 0 hf FROM node_d d JOIN nodes n ON n.id = d.node_id WHERE d.t = ?1"
    " UNION ALL SELECT cluster_id, 0, 0, 0, hours * hourly - unshared, 0, 0, 0, 0 FROM fee_d WHERE t = ?1"
    " UNION ALL SELECT p.cluster_id, 0, 0, 0, 0, x.idle_cl_cpu, x.idle_cl_ram, x.idle_cl_gpu, x.fee FROM container_d x"
    " JOIN containers c ON c.id = x.container_id JOIN pods p ON p.id = c.pod_id WHERE x.t = ?1) GROUP BY k";

/* What nobody in the cluster can take stays where it is: all of a
 * resource's idle left unshared, or the whole fee (as settlement does for
 * an hour with no allocation). */
static const char *const left_sql[4] = {
    "UPDATE node_d SET left_cl_cpu = idle_cpu WHERE t = ?1 AND node_id IN (SELECT id FROM nodes WHERE cluster_id = ?2)",
    "UPDATE node_d SET left_cl_ram = idle_ram WHERE t = ?1 AND node_id IN (SELECT id FROM nodes WHERE cluster_id = ?2)",
    "UPDATE node_d SET left_cl_gpu = idle_gpu WHERE t = ?1 AND node_id IN (SELECT id FROM nodes WHERE cluster_id = ?2)",
    "UPDATE fee_d SET unshared = hours * hourly WHERE t = ?1 AND cluster_id = ?2",
};

static int reshare_cluster(kt_store *s, int64_t day, int64_t cluster, const double *want, const double *held,
                           kt_err *err)
{
    double k[4];
    int change = 0;
    for (int i = 0; i < 4; i++) {
        double w = want[i] > 0 ? want[i] : 0;
        k[i] = held[i] > 0 ? w / held[i] : 1;
        change |= fabs(k[i] - 1) > 1e-12;
        if (held[i] <= 0 && w > 0) {
            sqlite3_stmt *st;
            if (sqlite3_prepare_v2(s->db, left_sql[i], -1, &st, NULL) != SQLITE_OK)
                return sq_fail(s, "re-sharing a past day", err);
            sqlite3_bind_int64(st, 1, day);
            sqlite3_bind_int64(st, 2, cluster);
            int rc = sqlite3_step(st);
            sqlite3_finalize(st);
            if (rc != SQLITE_DONE)
                return sq_fail(s, "re-sharing a past day", err);
        }
    }
    if (!change) /* one factor for the whole cluster: the shares are right already */
        return 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "UPDATE container_d SET idle_cl_cpu = idle_cl_cpu * ?1, idle_cl_ram = idle_cl_ram * ?2,"
                           " idle_cl_gpu = idle_cl_gpu * ?3, fee = fee * ?4 WHERE t = ?5 AND container_id IN"
                           " (SELECT c.id FROM containers c JOIN pods p ON p.id = c.pod_id WHERE p.cluster_id = ?6)",
                           -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "re-sharing a past day", err);
    for (int i = 0; i < 4; i++)
        sqlite3_bind_double(st, i + 1, k[i]);
    sqlite3_bind_int64(st, 5, day);
    sqlite3_bind_int64(st, 6, cluster);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : sq_fail(s, "re-sharing a past day", err);
}

int sq_bill_reshare_day(kt_store *s, int64_t day, kt_err *err)
{
    assert(s && s->in_txn && day == day_floor(day));
    /* read the sums first: the updates change the tables the query reads */
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, totals_sql, -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "re-sharing a past day", err);
    sqlite3_bind_int64(st, 1, day);
    typedef struct { int64_t id; double v[8]; } sums;
    sums *c = NULL;
    size_t n = 0, cap = 0;
    int rc = 0, step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        grow_array((void **)&c, &cap, n, sizeof *c);
        c[n].id = sqlite3_column_int64(st, 0);
        for (int i = 0; i < 8; i++)
            c[n].v[i] = sqlite3_column_double(st, 1 + i);
        n++;
    }
    sqlite3_finalize(st);
    if (step != SQLITE_DONE)
        rc = sq_fail(s, "re-sharing a past day", err);
    for (size_t i = 0; !rc && i < n; i++)
        rc = reshare_cluster(s, day, c[i].id, c[i].v, c[i].v + 4, err);
    free(c);
    return rc ? -1 : 0;
}

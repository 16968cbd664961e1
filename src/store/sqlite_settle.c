/* sqlite_settle.c — writing a day's settlement into its daily rows.
 *
 * The SQL roll-up (sqlite_rollup.c) sums a day's hourly quantities; this
 * loads the same hours as a dataset, settles each hour (settle.h) and
 * writes the sums of what settlement gave — settled core- and byte-hours,
 * costs, idle, shares of idle and fee, capped volume/LB hours — over the
 * daily rows.  So a daily row carries exactly the money of its 24 settled
 * hours, and every resolution agrees.  One cluster's rows at a time when a
 * flush wrote one cluster: only its things' rows are loaded and updated. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_internal.h"
#include "util/buf.h"

enum { C_CPU_ALLOC, C_RAM_ALLOC, C_COST, C_IDLE_NODE = C_COST + R_N, C_IDLE_CL = C_IDLE_NODE + R_N,
       C_FEE = C_IDLE_CL + R_N, C_N };
enum { N_IDLE, N_LEFT_NODE = N_IDLE + R_N, N_LEFT_CL = N_LEFT_NODE + R_N, N_N = N_LEFT_CL + R_N };

/* Run `sql` once per row of vals (n_cols doubles), binding them as ?1…,
 * then t and the key ids. */
static int update_rows(kt_store *s, const char *sql, int64_t day, const double *vals, int n_cols, size_t n_rows,
                       const int64_t *key1, const int64_t *key2, const unsigned char *used, kt_err *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "settling a day", err);
    int rc = 0;
    for (size_t i = 0; i < n_rows && !rc; i++) {
        if (!used[i])
            continue;
        sqlite3_reset(st);
        for (int c = 0; c < n_cols; c++)
            sqlite3_bind_double(st, c + 1, vals[i * (size_t)n_cols + (size_t)c]);
        sqlite3_bind_int64(st, n_cols + 1, day);
        sqlite3_bind_int64(st, n_cols + 2, key1[i]);
        if (key2)
            sqlite3_bind_int64(st, n_cols + 3, key2[i]);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = sq_fail(s, "settling a day", err);
    }
    sqlite3_finalize(st);
    return rc;
}

static int settle_containers(kt_store *s, int64_t day, const kt_dataset *ds, const sq_ids *ids, kt_err *err)
{
    double *v = xcalloc(ds->n_containers * C_N + 1, sizeof *v);
    unsigned char *used = xcalloc(ds->n_containers + 1, 1);
    for (size_t i = 0; i < ds->n_cfacts; i++) {
        const ds_container_fact *f = &ds->cfacts[i];
        double *r = &v[(size_t)f->container * C_N];
        used[f->container] = 1;
        r[C_CPU_ALLOC] += f->cpu_alloc, r[C_RAM_ALLOC] += f->ram_alloc, r[C_FEE] += f->fee;
        for (int k = 0; k < R_N; k++)
            r[C_COST + k] += f->cost[k], r[C_IDLE_NODE + k] += f->idle_node[k], r[C_IDLE_CL + k] += f->idle_cluster[k];
    }
    int rc = update_rows(s, "UPDATE container_d SET cpu_alloc=?1, ram_alloc=?2, cpu_cost=?3, ram_cost=?4,"
                            " gpu_cost=?5, idle_node_cpu=?6, idle_node_ram=?7, idle_node_gpu=?8, idle_cl_cpu=?9,"
                            " idle_cl_ram=?10, idle_cl_gpu=?11, fee=?12 WHERE t=?13 AND container_id=?14",
                         day, v, C_N, ds->n_containers, ids->container, NULL, used, err);
    free(v), free(used);
    return rc;
}

static int settle_nodes_fees(kt_store *s, int64_t day, const kt_dataset *ds, const sq_ids *ids, kt_err *err)
{
    double *v = xcalloc(ds->n_nodes * N_N + 1, sizeof *v);
    unsigned char *used = xcalloc(ds->n_nodes + ds->n_clusters + 1, 1);
    for (size_t i = 0; i < ds->n_nfacts; i++) {
        const ds_node_fact *f = &ds->nfacts[i];
        double *r = &v[(size_t)f->node * N_N];
        used[f->node] = 1;
        for (int k = 0; k < R_N; k++)
            r[N_IDLE + k] += f->idle[k], r[N_LEFT_NODE + k] += f->idle_left_node[k],
                r[N_LEFT_CL + k] += f->idle_left_cluster[k];
    }
    int rc = update_rows(s, "UPDATE node_d SET idle_cpu=?1, idle_ram=?2, idle_gpu=?3, left_node_cpu=?4,"
                            " left_node_ram=?5, left_node_gpu=?6, left_cl_cpu=?7, left_cl_ram=?8, left_cl_gpu=?9"
                            " WHERE t=?10 AND node_id=?11", day, v, N_N, ds->n_nodes, ids->node, NULL, used, err);
    double *fee = xcalloc(ds->n_clusters + 1, sizeof *fee);
    unsigned char *fused = used + ds->n_nodes;
    for (size_t i = 0; i < ds->n_feefacts; i++)
        fee[ds->feefacts[i].cluster] += ds->feefacts[i].unshared, fused[ds->feefacts[i].cluster] = 1;
    if (!rc)
        rc = update_rows(s, "UPDATE fee_d SET unshared=?1 WHERE t=?2 AND cluster_id=?3", day, fee, 1,
                         ds->n_clusters, ids->cluster, NULL, fused, err);
    free(v), free(used), free(fee);
    return rc;
}

/* Pod-volume or pod-LB pairs: settled hours and cost per (pod, thing). */
static int settle_pairs(kt_store *s, int64_t day, const char *sql, size_t n, const uint32_t *pod,
                        const uint32_t *thing, const double *hours, const double *cost, size_t stride,
                        const int64_t *pod_ids, const int64_t *thing_ids, kt_err *err)
{
    kt_u64map at;
    u64map_init(&at);
    double *v = xcalloc(2 * n + 1, sizeof *v);
    int64_t *k1 = xcalloc(n + 1, sizeof *k1), *k2 = xcalloc(n + 1, sizeof *k2);
    unsigned char *used = xcalloc(n + 1, 1);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t p = *(const uint32_t *)((const char *)pod + i * stride);
        uint32_t t = *(const uint32_t *)((const char *)thing + i * stride);
        uint64_t slot;
        if (!u64map_get(&at, (uint64_t)p << 32 | t, &slot)) {
            slot = m++;
            u64map_put(&at, (uint64_t)p << 32 | t, slot);
            k1[slot] = pod_ids[p], k2[slot] = thing_ids[t], used[slot] = 1;
        }
        v[2 * slot] += *(const double *)((const char *)hours + i * stride);
        v[2 * slot + 1] += *(const double *)((const char *)cost + i * stride);
    }
    int rc = update_rows(s, sql, day, v, 2, m, k1, k2, used, err);
    u64map_free(&at);
    free(v), free(k1), free(k2), free(used);
    return rc;
}

int sq_settle_day(kt_store *s, int64_t cluster, int64_t day, kt_err *err)
{
    kt_dataset ds;
    sq_ids ids;
    if (sq_load_cluster_rows(s, "h", day, day + 86400, cluster, &ds, &ids, err))
        return -1;
    int rc = settle_containers(s, day, &ds, &ids, err);
    if (!rc)
        rc = settle_nodes_fees(s, day, &ds, &ids, err);
    if (!rc && ds.n_pvfacts)
        rc = settle_pairs(s, day, "UPDATE pod_volume_d SET hours=?1, cost=?2 WHERE t=?3 AND pod_id=?4 AND volume_id=?5",
                          ds.n_pvfacts, &ds.pvfacts[0].pod, &ds.pvfacts[0].volume, &ds.pvfacts[0].hours,
                          &ds.pvfacts[0].cost, sizeof *ds.pvfacts, ids.pod, ids.volume, err);
    if (!rc && ds.n_plbfacts)
        rc = settle_pairs(s, day, "UPDATE pod_lb_d SET hours=?1, cost=?2 WHERE t=?3 AND pod_id=?4 AND lb_id=?5",
                          ds.n_plbfacts, &ds.plbfacts[0].pod, &ds.plbfacts[0].lb, &ds.plbfacts[0].hours,
                          &ds.plbfacts[0].cost, sizeof *ds.plbfacts, ids.pod, ids.lb, err);
    sq_ids_free(&ids);
    ds_free(&ds);
    return rc;
}

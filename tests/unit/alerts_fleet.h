/* alerts_fleet.h — the tiny fleet the alerts tests share, written into a
 * real SQLite store; its money is worked out by hand in test_alerts_budget.c:
 *   k1 (aws):  pay-1    namespace payments, team=payments: 1 core, 1 GiB  → $0.060/h
 *              search-1 namespace search,   team=search:   0.5 core, 2 GiB → $0.045/h
 *   k2 (gcp):  pay-2    namespace payments, team=payments: 1 core, 1 GiB  → $0.060/h
 * all running 2026-02-27 10:00–15:00, 03-02 00:00–10:00 and 03-10 08:00–12:00. */
#ifndef KT_TEST_ALERTS_FLEET_H
#define KT_TEST_ALERTS_FLEET_H

#include <stdio.h>

#include "engine/engine.h"
#include "store/store.h"

#define H 3600
#define D 86400
static const int64_t MAR1 = 1772323200;          /* 2026-03-01T00:00:00Z, a Sunday */
static const int64_t NOW = 1772323200 + 10 * D + 13 * H + 1200; /* 2026-03-11T13:20Z */
static const kt_engine_limits nolim = {0, 0, 0, 0, 0, 0};
static char dbpath[300];

static int64_t pod(kt_store *s, int64_t cl, int64_t node, const char *ns, const char *name, const char *team,
                   kt_err *err)
{
    kt_kv labels[] = {{"team", team}};
    kt_pod_rec p = {.cluster_id = cl, .node_id = node, .namespace = ns, .name = name, .uid = name,
                    .labels = labels, .n_labels = 1};
    int64_t pid, cid;
    if (store_put_pod(s, &p, &pid, err) || store_put_container(s, pid, "main", &cid, err))
        return -1;
    return cid;
}

static int write_fleet(void)
{
    kt_store *s;
    kt_err err = {0};
    if (store_open(dbpath, KT_STORE_CREATE, &s, &err) || store_begin(s, &err)) {
        fprintf(stderr, "fleet: %s\n", err.msg);
        return -1;
    }
    int64_t cl[2], node[2], ctr[3];
    const char *names[2] = {"k1", "k2"}, *prov[2] = {"aws", "gcp"};
    for (int i = 0; i < 2; i++) {
        kt_cluster_rec c = {names[i], prov[i], "r1", "USD", "test"};
        kt_node_rec n = {.name = "n1", .provider = prov[i], .region = "r1", .cpu_cores = 2,
                         .ram_bytes = 4.0 * (1 << 30)};
        if (store_put_cluster(s, &c, &cl[i], &err))
            return -1;
        n.cluster_id = cl[i];
        if (store_put_node(s, &n, &node[i], &err))
            return -1;
    }
    ctr[0] = pod(s, cl[0], node[0], "payments", "pay-1", "payments", &err);
    ctr[1] = pod(s, cl[0], node[0], "search", "search-1", "search", &err);
    ctr[2] = pod(s, cl[1], node[1], "payments", "pay-2", "payments", &err);
    const double cores[3] = {1, 0.5, 1}, gib[3] = {1, 2, 1};
    const struct { int64_t start; int hours; } runs[3] = {
        {MAR1 - 2 * D + 10 * H, 5}, {MAR1 + D, 10}, {MAR1 + 9 * D + 8 * H, 4}};
    for (int r = 0; r < 3; r++)
        for (int h = 0; h < runs[r].hours; h++) {
            int64_t t = runs[r].start + h * H;
            for (int i = 0; i < 2; i++) {
                kt_node_hour nh = {node[i], t, 1, 0.05, 0.01, 0, 0.14, "test"};
                if (store_put_node_hour(s, &nh, &err))
                    return -1;
            }
            for (int c = 0; c < 3; c++) {
                double ram = gib[c] * (1 << 30);
                kt_container_hour ch = {.container_id = ctr[c], .t = t, .seconds = 3600, .cpu_req = cores[c],
                                        .cpu_use = cores[c], .cpu_alloc = cores[c], .ram_req = ram,
                                        .ram_use = ram, .ram_alloc = ram, .usage_measured = 1};
                if (store_put_container_hour(s, &ch, &err))
                    return -1;
            }
        }
    int rc = store_commit(s, &err);
    if (rc)
        fprintf(stderr, "fleet: %s\n", err.msg);
    store_close(s);
    return rc;
}

#endif

/* assets.h — what the fleet's assets cost over a window: nodes, disks, load
 * balancers, cluster management fees and network.  A pure function over a
 * kt_dataset, like allocation.h; the totals equal allocation's assets_cost.
 *
 * Asset names follow OpenCost: "<cluster>/<type>/<name>" before grouping;
 * aggregate "type", "cluster", "provider" (or a comma list) groups them.
 * Only facts starting inside w count, whatever window the dataset was loaded for. */
#ifndef KT_ASSETS_H
#define KT_ASSETS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/window.h"
#include "store/dataset.h"
#include "util/err.h"

enum kt_asset_type { AS_NODE, AS_DISK, AS_LB, AS_MGMT, AS_NETWORK };

typedef struct kt_asset {
    char *name;
    enum kt_asset_type type;  /* of the members when they agree */
    int mixed_type;
    /* string ids (the cluster's name too); 0 when the members differ */
    uint32_t cluster, provider, region, zone, node, instance_type, provider_id, source, storage_class;
    uint32_t claim_ns, claim_name, pool;
    int64_t start, end;
    double hours;                      /* asset-hours (summed over members) */
    double cpu_cores, ram_bytes, gpus; /* node capacity (summed) */
    double cpu_core_hours, ram_byte_hours, gpu_hours, byte_hours;
    double cpu_used_core_hours, ram_used_byte_hours; /* nodes: the containers' measured usage on them */
    double cpu_cost, ram_cost, gpu_cost, cost; /* cost = total */
    double carbon_cost;                /* kg CO2e (pricing/carbon.h); 0 for load balancers and fees */
    double preemptible;                /* 1 spot, 0 on-demand, fraction when mixed */
    double hourly;                     /* list price per hour (nodes, lbs, fees) */
    int members;
} kt_asset;

typedef struct kt_asset_result {
    kt_window window;
    kt_asset *items; size_t n, cap;
    double total;
    double total_carbon;               /* kg CO2e */
    char currency[8];
    const kt_dataset *ds;
} kt_asset_result;

/* aggregate: NULL/"" per asset, else comma list of type, cluster, provider,
 * region, node (unknown ⇒ error naming the valid ones). */
int assets_compute(const kt_dataset *ds, kt_window w, const char *aggregate, kt_asset_result *out, kt_err *err);
void assets_free(kt_asset_result *r);
const char *asset_type_name(enum kt_asset_type t); /* "Node", "Disk", "LoadBalancer", "ClusterManagement", "Network" */

#endif

/* fleet.h — the built-in demo fleet: a deterministic, realistic multi-cloud
 * Kubernetes estate written into the store as if collected.
 *
 * Four clusters (AWS EKS us-east-1, GCP GKE europe-west1, Azure AKS
 * westeurope, an on-premises cluster), on-demand and spot nodes of real
 * instance types priced like live clusters are (pricing.h: the built-in
 * catalog of the clouds' published prices, or the user's sheet; on-prem at
 * default or sheet rates), ~30 namespaces owned by teams, Deployments that
 * autoscale with a daily and weekly cycle, StatefulSets with volumes,
 * DaemonSets, hourly CronJobs, LoadBalancer services, pods using more than
 * they request, and idle capacity.  The same seed gives the same fleet. */
#ifndef KT_FLEET_H
#define KT_FLEET_H

#include <stdint.h>

#include "pricing/pricing.h"
#include "store/store.h"

typedef struct kt_demo_opts {
    int days;      /* history length, ending at the current hour */
    int pods;      /* concurrently running pods, on average */
    uint64_t seed;
    int64_t now;   /* unix seconds; history ends at its hour */
    int quiet;     /* no progress on stderr */
    const kt_pricing *pricing; /* NULL ⇒ OpenCost's default rates */
} kt_demo_opts;

typedef struct kt_demo_stats {
    long clusters, nodes, pods, container_hours;
} kt_demo_stats;

int demo_write(kt_store *s, const kt_demo_opts *o, kt_demo_stats *stats, kt_err *err);

#endif

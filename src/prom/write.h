/* write.h — one chunk's model into the store as hourly facts.  Internal to
 * src/prom.
 *
 * Called inside the caller's transaction; a failure leaves the transaction
 * for the caller to roll back.  Every hour the chunk covers is written
 * whole (puts REPLACE rows), so writing the same chunk twice changes
 * nothing.  Prices come from pricing.h (cl->pricing): nodes by cloud,
 * region and instance type, disks by storage class and region, load
 * balancers by region, each with its source; `kubetally reprice` can
 * redo them later. */
#ifndef KT_PROM_WRITE_H
#define KT_PROM_WRITE_H

#include "prom/model.h"
#include "store/store.h"

/* State that lives across chunks: cluster ids and what is known of them. */
typedef struct pm_clusters {
    kt_strtab names;      /* cluster name → index + 1 */
    kt_strtab seen;       /* node and pod keys written, for counting */
    int64_t *id;
    char (*provider)[32], (*region)[64];
    size_t cap;
    const struct kt_pricing *pricing; /* NULL ⇒ OpenCost's default rates */
} pm_clusters;

typedef struct pm_stats {
    long clusters, nodes, pods, container_hours, node_hours, volume_hours, lb_hours;
} pm_stats;

void pm_clusters_init(pm_clusters *c);
void pm_clusters_free(pm_clusters *c);

int pm_write(kt_prom_model *m, kt_store *s, pm_clusters *cl, pm_stats *st, kt_err *err);

/* Hourly price of a node from its cloud facts and capacity (pricing.h;
 * p NULL ⇒ OpenCost's default per-resource rates, source "default"). */
typedef struct kt_prom_price {
    double hourly, cpu, ram, gpu; /* $/h, $/core-h, $/GiB-h, $/GPU-h */
    const char *source;
} kt_prom_price;
kt_prom_price prom_price_node(const struct kt_pricing *p, const char *cluster, const char *name,
                              const char *provider_id, const kt_node_facts *f, double cores, double ram_bytes,
                              double gpus);

#endif

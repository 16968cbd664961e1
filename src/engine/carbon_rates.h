/* carbon_rates.h — kg CO2e of a dataset's asset facts, and the rates that
 * hand them to allocations the way money is handed out.
 *
 * Emissions belong to assets (pricing/carbon.h): a node by its hours, a
 * disk by its byte-hours, network by its bytes sent; load balancers and
 * management fees have none (CCF has no coefficient for them).  An
 * allocation carries a node's or a volume's emissions in proportion to the
 * money it carries of it: kg per unit of cost, per node (per cluster for
 * idle shared by cluster) and per volume, over the whole dataset.  Summed
 * over the window, allocations + idle + unmounted then hold exactly the
 * assets' emissions (when a node's price changes inside the window, one
 * step's split is the window's average; the window's total is exact).  A
 * node or volume that costs nothing hands nothing out: its emissions stay
 * on idle / __unmounted__. */
#ifndef KT_CARBON_RATES_H
#define KT_CARBON_RATES_H

#include "store/dataset.h"

typedef struct kt_carbon_rates {
    double *node_kg_h;     /* per node: kg per hour it runs */
    double *node_per_cost; /* per node: kg per unit of its cost */
    double *cl_per_cost;   /* per cluster: kg per unit of its nodes' cost */
    double *vol_per_cost;  /* per volume: kg per unit of its cost */
    double *vfact_kg;      /* per volume fact: its kg (carbon_vfact_kg), worked out once */
    double *netfact_kg;    /* per network fact: its kg (carbon_netfact_kg), worked out once */
} kt_carbon_rates;

/* Per node: kg per hour it runs (malloc'd, n_nodes + 1). */
double *carbon_node_kg_h(const kt_dataset *ds);
void carbon_rates_build(const kt_dataset *ds, kt_carbon_rates *r);
void carbon_rates_free(kt_carbon_rates *r);

/* kg of one (prorated) fact, before any further cut. */
double carbon_nfact_kg(const kt_carbon_rates *r, const ds_node_fact *f);
double carbon_vfact_kg(const kt_dataset *ds, const ds_volume_fact *f);
double carbon_netfact_kg(const kt_dataset *ds, const ds_network_fact *f);
/* kg per unit of cost of the node a pod ran on (0 unscheduled). */
double carbon_pod_node_rate(const kt_dataset *ds, const kt_carbon_rates *r, uint32_t pod, int by_cluster);

#endif

/* settle.h — settlement: turning a period's metered quantities into final
 * money, per node and per resource (DESIGN.md "Cost model").
 *
 * For each node-period (a node's fact and the container facts on that node
 * starting at the same time with the same span) and each of CPU, RAM, GPU:
 *   cap = capacity × node hours; R = Σ requests; E = Σ (allocated − request)
 *   - requests are paid in full when they fit (R ≤ cap), else scaled to cap;
 *   - usage above request is paid out of the unrequested capacity cap − R,
 *     scaled down proportionally when the excesses add up to more;
 *   - cost = settled quantity × the node's price for the period;
 *   - idle = node cost − Σ settled cost, so never negative.
 * Then each container's share of idle (by node and by cluster, by cost), of
 * the cluster's management fee (by compute cost; an hour with no compute
 * leaves the fee unshared), and volume / load-balancer hours: the pods of a
 * volume- or LB-period never hold more hours than it ran (scaled down), and
 * their cost is hours × the asset's price.
 *
 * A container with no priced node in the period costs nothing (there is no
 * asset to pay it from).  Settlement is per period, so daily roll-ups are
 * the sum of settled hours and every resolution gives the same money. */
#ifndef KT_SETTLE_H
#define KT_SETTLE_H

#include <stdint.h>

#include "store/dataset.h"

/* Settle every fact of `ds` whose span is `dur` seconds (3600 for hourly
 * rows), in place: fills the cost, idle and fee fields, rewrites
 * cpu_alloc/ram_alloc to the settled quantities and caps pod volume/LB
 * hours.  Facts of other spans are left alone. */
void settle(kt_dataset *ds, int32_t dur);

/* Only the asset costs (node cost by resource, volume, load balancer and fee
 * cost) of facts spanning `dur`, from their rates: for rows that were
 * settled when they were rolled up and carry their other costs already. */
void settle_asset_costs(kt_dataset *ds, int32_t dur);

#endif

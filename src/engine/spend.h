/* spend.h — the spend of many filters over one window in one pass
 * (KT_ASK_SPEND): what budgets and alerts ask, so 1,000 budgets cost one
 * allocation computation per distinct window, not 1,000.
 *
 * The allocation is computed once, unfiltered, grouped by exactly the
 * properties the filters read (cluster, node, namespace, controller,
 * controllerKind, pod, container, provider, region, the label and
 * annotation keys they name); every distinct row is matched against every
 * filter once, and its cost added to the filters it matches.  A row's
 * cost does not depend on the filter (costs are settled per node-hour
 * before the engine, fees shared by compute weight hour by hour), so each
 * total equals the allocation total asked with that filter: a unit test
 * holds it to 1e-9.  Idle, unmounted and shared rows count only for
 * filters that read nothing but cluster or node fields, as in
 * allocation.c.  Filters reading zone or services (not properties of a
 * row) are computed one by one — correct, just not shared.
 *
 * With days > 0 the window must be whole UTC days: each filter also gets
 * its daily series and a forecast of `days` days (forecast.h). */
#ifndef KT_ENGINE_SPEND_H
#define KT_ENGINE_SPEND_H

#include "engine/allocation.h"
#include "engine/forecast.h"

typedef struct kt_spend_result {
    size_t n;                       /* filters */
    double *total;                  /* [n] Σ totalCost over the window */
    kt_forecast_series *forecast;   /* [n] when days > 0, keyed by index ("0", "1", …) */
    double *daily;                  /* [n × n_days] when days > 0: every day of the window, as spent */
    size_t n_days;
    int shared_pass;                /* 1 ⇒ one computation served every filter */
} kt_spend_result;

/* q: window, idle and sharing options (its filter, aggregate and step are
 * ignored).  filters[i] may be NULL (everything). */
int spend_compute(const kt_dataset *ds, const kt_alloc_query *q, const kt_filter *const *filters, size_t n,
                  int days, kt_spend_result *out, kt_err *err);
void spend_result_free(kt_spend_result *r);

#endif

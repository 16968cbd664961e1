/* alloc_internal.h — pieces of the allocation engine shared by its files
 * (aggregate.c, allocation.c, alloc_set.c, alloc_share.c).  Not an API. */
#ifndef KT_ALLOC_INTERNAL_H
#define KT_ALLOC_INTERNAL_H

#include "engine/allocation.h"
#include "util/buf.h"

/* Name of the group a container belongs to (see aggregate.c). */
void aggregate_key(const kt_dataset *ds, const kt_aggregate *agg, uint32_t container, kt_buf *out);
/* Name of an idle/unmounted row for a cluster (node = KT_NONE) or node;
 * returns 1 when every aggregate property is one such a row has. */
int aggregate_idle_key(const kt_dataset *ds, const kt_aggregate *agg, uint32_t cluster, uint32_t node,
                       const char *suffix, kt_buf *out);

/* Find or add the row named `name` in the set; `index` maps name ids to
 * rows for this set (grown as needed). */
typedef struct set_index {
    kt_strtab names;
    int32_t *row;   /* name id -> row, -1 when absent */
    size_t cap;
} set_index;
void set_index_init(set_index *x);
void set_index_free(set_index *x);
void set_index_clear(set_index *x);
kt_alloc *set_row(kt_alloc_set *s, set_index *x, const char *name, enum kt_alloc_kind kind);

/* Merge a pod's properties into a row (intersection of all members). */
void alloc_merge_pod(kt_alloc *a, const kt_dataset *ds, uint32_t pod, uint32_t container);
/* Widen a row's time span with a fact [t, t+dur) that ran `seconds`. */
void alloc_span(kt_alloc *a, int64_t t, int32_t dur, double seconds, int64_t lo, int64_t hi);
/* The same for a run known exactly: [first, last), longest single run. */
void alloc_run(kt_alloc *a, int64_t first, int64_t last, double longest, int64_t lo, int64_t hi);
/* Add a named sub-cost (pv or lb) to a row's list. */
void alloc_add_named(kt_named_cost **list, size_t *n, const char *name, double hours, double byte_hours,
                     double cost);
void alloc_free_row(kt_alloc *a);

/* Distribute `amount` over the NORMAL rows of a set as sharedCost, by
 * weight or evenly; returns the part that found no row. */
double alloc_share_over(kt_alloc_set *s, double amount, int even);
/* The same into carbonCost (kg CO2e), with the same weights. */
double alloc_share_carbon(kt_alloc_set *s, double kg, int even);

#endif

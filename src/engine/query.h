/* query.h — one parser for allocation query parameters, shared by the CLI
 * flags and the HTTP API so both accept and reject exactly the same things.
 *
 * Parameter names are the API's (OpenCost + Kubecost):
 *   window aggregate step accumulate idle includeIdle shareIdle idleByNode
 *   filter shareNamespaces shareLabels shareCost shareSplit shareTenancyCosts
 *   resolution (accepted, informational: kubetally's resolution is its rows)
 * `get` returns a parameter's value or NULL when absent.  Errors name the
 * parameter: "window: …", "aggregate: …", "shareCost: must be a number ≥ 0". */
#ifndef KT_QUERY_H
#define KT_QUERY_H

#include "engine/allocation.h"

typedef const char *(*kt_param_get)(void *ctx, const char *name);

/* Owns what the parsed query points at (the filter). */
typedef struct kt_query_holder {
    kt_filter *filter;
    char share_namespaces[1024], share_labels[1024];
} kt_query_holder;

int alloc_query_parse(kt_param_get get, void *ctx, int64_t now, kt_alloc_query *q, kt_query_holder *h,
                      kt_err *err);
void query_holder_free(kt_query_holder *h);

/* True when the query needs hourly rows: some step boundary is not at
 * midnight UTC (a step that is not whole days, or whole-day steps from a
 * window starting inside a day).  Window edges need no hours asked: the
 * store reads the edge days from hours anyway. */
int alloc_query_needs_hours(const kt_alloc_query *q);

#endif

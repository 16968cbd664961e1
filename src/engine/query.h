/* query.h — one parser for allocation query parameters, shared by the CLI
 * flags and the HTTP API so both accept and reject exactly the same things.
 *
 * Parameter names are the API's (OpenCost + Kubecost):
 *   window aggregate step accumulate accumulateBy idle includeIdle shareIdle
 *   idleByNode filter shareNamespaces shareLabels shareCost shareSplit
 *   shareTenancyCosts
 *   OpenCost's v1 filters filterClusters filterNodes filterNamespaces
 *   filterControllerKinds filterControllers filterPods filterContainers
 *   filterServices filterLabels filterAnnotations: translated into the v2
 *   filter language (filter.h) and joined to `filter` with "+"
 *   resolution, metrics (accepted, informational: kubetally's resolution is
 *   its rows and it always returns every field)
 * `get` returns a parameter's value or NULL when absent.  Errors name the
 * parameter: "window: …", "aggregate: …", "shareCost: must be a number ≥ 0". */
#ifndef KT_QUERY_H
#define KT_QUERY_H

#include "engine/allocation.h"
#include "engine/engine.h"

typedef const char *(*kt_param_get)(void *ctx, const char *name);

/* How the sets of an answer are cut (OpenCost's `accumulate`/`accumulateBy`):
 *   NONE     one set per `step` (the whole window without one)
 *   ALL      one set for the window (accumulate=true|all)
 *   HOUR     one set per UTC hour, DAY per UTC day
 *   WEEK     calendar weeks, Sunday 00:00 to Saturday 24:00 UTC
 *   WEEKNOW  7-day sets counted back from the window's end (the first may be shorter)
 *   MONTH    calendar months, QUARTER calendar quarters (Jan, Apr, Jul, Oct)
 * Sets are cut at these boundaries and at the window's edges. */
enum kt_accumulate {
    KT_ACC_NONE, KT_ACC_ALL, KT_ACC_HOUR, KT_ACC_DAY, KT_ACC_WEEK, KT_ACC_WEEKNOW, KT_ACC_MONTH, KT_ACC_QUARTER
};

/* Owns what the parsed query points at (the filter) and what the parse
 * found that is not a kt_alloc_query field (how to cut the sets). */
typedef struct kt_query_holder {
    kt_filter *filter;
    char share_namespaces[1024], share_labels[1024];
    enum kt_accumulate accumulate;
} kt_query_holder;

/* Parse an accumulate value: true, false, 1, 0, "" (true), all, hour, day,
 * week, weeknow, month, quarter (case-insensitive). */
int accumulate_parse(const char *name, const char *v, enum kt_accumulate *out, kt_err *err);

/* The set boundaries of window w cut by acc: *n windows in *out (malloc'd),
 * in order, covering w exactly.  NONE and ALL give w itself.  At most `max`
 * sets (0 ⇒ 10000); more is an input error naming `accumulate`. */
int accumulate_windows(kt_window w, enum kt_accumulate acc, size_t max, kt_window **out, size_t *n, kt_err *err);

/* The engine questions answering a parsed query: one question when the
 * sets are equal steps (NONE, ALL, HOUR/DAY on aligned windows), else one
 * per set.  *asks is malloc'd; the replies' sets, in order, are the answer. */
int alloc_query_plan(const kt_alloc_query *q, const kt_query_holder *h, size_t max_sets, kt_ask **asks,
                     size_t *n, kt_err *err);
/* Plan and ask the engine (sets capped by lim->max_steps): what the CLI and
 * the API call, so both cut sets the same way. */
int alloc_query_run(kt_store *s, const kt_alloc_query *q, const kt_query_holder *h, const kt_engine_limits *lim,
                    kt_answer *out, kt_err *err);

int alloc_query_parse(kt_param_get get, void *ctx, int64_t now, kt_alloc_query *q, kt_query_holder *h,
                      kt_err *err);
void query_holder_free(kt_query_holder *h);

/* True when the query needs hourly rows: some step boundary is not at
 * midnight UTC (a step that is not whole days, or whole-day steps from a
 * window starting inside a day).  Window edges need no hours asked: the
 * store reads the edge days from hours anyway. */
int alloc_query_needs_hours(const kt_alloc_query *q);

#endif

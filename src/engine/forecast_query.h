/* forecast_query.h — parsing a forecast question (CLI flags and the
 * /forecast API share it, like query.h for allocations).
 *
 * Parameters: the allocation query's (window, aggregate, filter, idle,
 * share…; not step or accumulate: a forecast is daily), plus
 *   predictionWindow  Kubecost's "<N>d": days to predict (default 30)
 *   days              the same as a bare number (the CLI's --days N)
 *   backtest          true: also backtest every series
 * aggregate defaults to cluster (not OpenCost's one row per container),
 * idle to false (a forecast of what workloads spend, as budgets count it;
 * idle=true forecasts the whole bill).
 * window is the history to learn from (default 100d, the history
 * Kubecost's model reads), cut to whole UTC days ending at today's
 * midnight at the latest: the first predicted day is today. */
#ifndef KT_FORECAST_QUERY_H
#define KT_FORECAST_QUERY_H

#include "engine/query.h"

#define KT_FORECAST_HISTORY "100d"
#define KT_FORECAST_DAYS 30
#define KT_FORECAST_AGGREGATE "cluster"

/* Fill ask (kind KT_ASK_FORECAST); h owns the filter (query_holder_free). */
int forecast_query_parse(kt_param_get get, void *ctx, int64_t now, kt_ask *ask, kt_query_holder *h, kt_err *err);

#endif

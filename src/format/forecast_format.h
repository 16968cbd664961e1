/* forecast_format.h — a forecast as Kubecost's forecast API answers it,
 * and as a table for `kubetally forecast`.
 *
 * JSON: {"code": 200, "data": {"<model>/<aggregate>": {TotalPredictedCost,
 * aggregate, model, status ("trained"; "insufficient data" under three
 * days), bestCasePredicted, worstCasePredicted, predictions: {<key>:
 * [{predictedCost, window {start, end}, confidenceInterval
 * {confidenceLevel, lowerConfidenceLimit, upperConfidenceLimit}}]}}}} with
 * the sum of every key under "total" — plus, when backtested, backtest
 * {<key>: {mape, seasonalNaiveMape, linearMape, points}} (fractions). */
#ifndef KT_FORECAST_FORMAT_H
#define KT_FORECAST_FORMAT_H

#include <jansson.h>

#include "engine/forecast.h"
#include "util/buf.h"

/* aggregate: the query's text ("" or NULL ⇒ "total"). */
json_t *format_forecast_json(const kt_forecast_result *r, const char *aggregate);
/* One row per key: total, best and worst case, the first day's bounds;
 * with backtest, MAPE of the model, seasonal-naive and linear instead. */
void format_forecast_table(const kt_forecast_result *r, const char *aggregate, int backtest, kt_buf *out);

#endif

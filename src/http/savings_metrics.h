/* savings_metrics.h — the savings series of /metrics (savings_metrics.c). */
#ifndef KT_HTTP_SAVINGS_METRICS_H
#define KT_HTTP_SAVINGS_METRICS_H

#include "engine/savings.h"
#include "http/app.h"

/* Pure: the series of a savings answer. */
void savings_metrics_render(const kt_savings_result *r, kt_buf *out);
/* Ask (or reuse the cached text) and append. */
void savings_metrics(kt_http_app *app, kt_store *s, int64_t now, kt_buf *out);

#endif

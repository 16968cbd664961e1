/* report.h — building a saved report (alerts/report_def.h) and sending
 * it: the query asked through engine_ask (alloc_query_parse + run, as the
 * API does), its CSV (format_alloc_csv: the API's CSV) and a self-contained
 * HTML summary (format/report_html.h).  Mail (through the first email
 * receiver, a multipart message: the HTML summary, then the CSV as an
 * attachment) and webhooks ({"event": "report", report, window, totalCost,
 * csv, html}) go through the alerts outbox, so they are retried, never
 * doubled and listed by `kubetally alerts`; a folder gets NAME-DATE.csv and
 * NAME-DATE.html (written whole, then renamed).
 *
 * This is an output module (it formats), so it lives beside cmd and http:
 * src/alerts may not include format. */
#ifndef KT_REPORT_H
#define KT_REPORT_H

#include "alerts/alert.h"
#include "alerts/config.h"
#include "engine/engine.h"
#include "util/buf.h"

typedef struct kt_report_out {
    kt_buf csv, html;
    kt_window window;
    double total;
} kt_report_out;

int report_build(kt_store *s, const kt_report *r, int64_t now, const kt_engine_limits *lim, kt_report_out *out,
                 kt_err *err);
void report_out_free(kt_report_out *o);
/* Build and send now: queue its notifications (one transaction) and write
 * its folder.  st counts what was queued. */
int report_send(kt_store *s, const kt_report *r, const kt_alerts_config *c, int64_t now,
                const kt_engine_limits *lim, kt_alert_stats *st, kt_err *err);
/* Send the scheduled reports that are due (schedules in the store, records
 * of kind "reportrun"; first seen: scheduled, not sent).  Errors are logged
 * and kept in the schedule's lastError. */
void reports_round(kt_store *s, const kt_alerts_config *c, int64_t now, const kt_engine_limits *lim);

#endif

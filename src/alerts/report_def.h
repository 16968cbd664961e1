/* report_def.h — a saved report (the `reports:` list of the config
 * file): an allocation query sent as CSV plus an HTML summary, on a
 * schedule or on demand (`kubetally report NAME`).  Building and sending
 * it is src/report's (it formats); this is its definition and schedule.
 *
 *   reports:
 *     - name: showback            [A-Za-z0-9_.-], up to 63
 *       query:                    allocation parameters, as the API takes them
 *         window: lastmonth
 *         aggregate: label:team
 *         shareIdle: true
 *       schedule: monthly         daily (00:00 UTC) | weekly (Monday) | monthly (the 1st) | none (default)
 *       emails: [finance@example.com]   through the first email receiver
 *       webhook: finops-hook      a webhook receiver's name
 *       folder: /var/lib/kubetally/reports   NAME-DATE.csv and NAME-DATE.html
 */
#ifndef KT_ALERTS_REPORT_DEF_H
#define KT_ALERTS_REPORT_DEF_H

#include <stdint.h>

#include <jansson.h>

#include "util/err.h"

#define KT_REPORTRUN_KIND "reportrun"

enum kt_report_schedule { KT_REPORT_NONE, KT_REPORT_DAILY, KT_REPORT_WEEKLY, KT_REPORT_MONTHLY };

typedef struct kt_report {
    char name[64];
    json_t *query;   /* owned: {param: string} */
    enum kt_report_schedule schedule;
    json_t *emails;  /* owned: [address] */
    char webhook[64];
    char folder[512];
} kt_report;

int report_from_json(const json_t *j, kt_report *r, const char **field, kt_err *err);
void report_free(kt_report *r);
/* The first scheduled time after t (0 for none). */
int64_t report_next_run(const kt_report *r, int64_t t);

#endif

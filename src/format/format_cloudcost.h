/* format_cloudcost.h — cloud costs (engine/cloudcost.h) as OpenCost's
 * /cloudCost JSON, CSV or a table, and the reconciliation report.  The CLI
 * (`kubetally cloudcost`) and the API (/cloudCost) call the same functions,
 * so `-o json` and the API give identical bytes. */
#ifndef KT_FORMAT_CLOUDCOST_H
#define KT_FORMAT_CLOUDCOST_H

#include "engine/cloudcost.h"
#include "format/format.h"
#include "util/buf.h"

void format_cloudcost_json(const kt_cloud_result *r, kt_buf *b);
void format_cloudcost_csv(const kt_cloud_result *r, kt_buf *b);
void format_cloudcost_table(const kt_cloud_result *r, kt_buf *b);
/* Reconciliation: per cluster and provider, then the assets not on the bill. */
void format_recon_table(const kt_cloud_result *r, kt_buf *b);
/* {"code":200,"data":{"assets":[{cluster, provider, type, name, currency,
 * matched, days, estimate, billed, billedCost, effectiveCost, listCost}]}} */
void format_recon_json(const kt_cloud_result *r, kt_buf *b);

#endif

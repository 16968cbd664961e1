/* report_html.h — a report's self-contained HTML summary: one file with
 * no external links (inline style, an inline SVG bar chart of the
 * largest rows, then every row with its cost, share and efficiency),
 * readable in a mail client or from a folder.  Rows are the answer's
 * allocations summed over its sets by name (format_alloc_name). */
#ifndef KT_FORMAT_REPORT_HTML_H
#define KT_FORMAT_REPORT_HTML_H

#include "engine/engine.h"
#include "util/buf.h"

/* title and subtitle are plain text (escaped here).  *total gets the sum. */
void format_report_html(const kt_answer *a, const kt_aggregate *agg, const char *title, const char *subtitle,
                        double *total, kt_buf *out);

#endif

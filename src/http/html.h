/* html.h — building dashboard pages: layout, links, tables, SVG charts.
 *
 * Everything that reaches a page goes through html_escape (text) or
 * url_escape (query values), so a namespace called <script> is shown, never
 * run.  Pages use classes only, no inline style or script: the server's CSP
 * allows styles and scripts from /static/ alone. */
#ifndef KT_HTTP_HTML_H
#define KT_HTTP_HTML_H

#include "http/params.h"
#include "util/buf.h"

/* <!doctype html>…<main>: title, and which nav item is current
 * ("overview", "cost", "assets", "prices"). */
void html_begin(kt_buf *b, const char *title, const char *nav);
void html_end(kt_buf *b);

/* A link target "path?k1=v1&amp;k2=v2" from {key, value} pairs, escaped for
 * an HTML attribute; NULL or "" values are left out. */
void html_href(kt_buf *b, const char *path, const char *const *kv, int n);

/* Money as the CLI prints it ("$1,234.56"), escaped. */
void html_money(kt_buf *b, double v, const char *currency);

/* A horizontal bar chart: one bar per label, values ≥ 0. */
typedef struct kt_chart_bar {
    const char *label;
    double value;
} kt_chart_bar;
/* currency NULL: the values are plain numbers (scores), not money. */
void svg_hbars(kt_buf *b, const char *title, const kt_chart_bar *bars, int n, const char *currency);

/* A stacked column chart: n_cols columns (labels), n_series series;
 * values[s * n_cols + c]. */
void svg_columns(kt_buf *b, const char *title, const char *const *col_labels, int n_cols,
                 const char *const *series, int n_series, const double *values, const char *currency);

#endif

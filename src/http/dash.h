/* dash.h — pieces the dashboard pages share (dash_*.c).
 *
 * The pages are views over the same engine calls as the API: a page's
 * parameters go through alloc_query_parse, and every table links to the API
 * URL with the same parameters plus format=csv, so a download holds exactly
 * the numbers on screen. */
#ifndef KT_HTTP_DASH_H
#define KT_HTTP_DASH_H

#include <stddef.h>
#include <stdint.h>

#include "http/app.h"
#include "store/dataset.h"
#include "util/buf.h"

/* Drill-down: a row named `value` under grouping `aggregate` becomes the
 * filter `filter + field:"value"` with the next grouping of
 * fleet → provider → cluster → namespace → controller → pod → container
 * (labels, nodes, regions drill to namespaces or clusters).  Returns -1
 * when the grouping or the row cannot be drilled (idle, unallocated,
 * several properties, container level). */
int dash_drill(const char *aggregate, const char *value, const char *filter, kt_buf *new_filter,
               const char **next_aggregate);
/* Split a filter at top-level '+' (outside quotes) into clauses: calls
 * fn(ctx, clause, len, end_offset) for each, end_offset = bytes of the
 * filter up to and including the clause.  Returns the count. */
int dash_filter_clauses(const char *filter, void (*fn)(void *, const char *, size_t, size_t), void *ctx);
/* The grouping that a clause's field drills from ("cluster:\"x\"" ⇒ the
 * page that lists namespaces of x shows aggregate "namespace"); NULL when
 * unknown. */
const char *dash_clause_next(const char *clause, size_t len);

/* A page's parameters with defaults, readable through kt_param_get. */
typedef struct dash_params {
    const char *name[8], *value[8];
    int n;
} dash_params;
const char *dash_params_get(void *ctx, const char *name);
/* Take `name` from the request, else `def` (NULL ⇒ absent). */
void dash_param(dash_params *d, const kt_http_params *p, const char *name, const char *def);

/* Form with window / aggregate / filter; `label_keys` feed the grouping
 * suggestions (NULL-terminated, may be NULL). */
void dash_form(kt_buf *b, const char *action, const char *window, const char *aggregate, const char *filter,
               const char *const *aggregates, const char *const *label_keys, int show_filter);
/* Distinct pod label keys in ds as "label:KEY" strings, NULL-terminated;
 * free with free() (one block). */
char **dash_label_keys(const kt_dataset *ds, int max);
/* A headline card: label, value, a note (escaped). */
void dash_card(kt_buf *b, const char *id, const char *label, const char *value, const char *note);
/* Page-level error: status 400/500 with a readable message. */
void dash_error(kt_http_resp *r, int status, const char *title, const char *message);
/* The newest hour with facts (0 when none); shared with /metrics. */
int64_t dash_latest_hour(kt_store *s, kt_err *err);

#endif

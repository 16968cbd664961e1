/* filter.h — Kubecost's filter language (v2) for allocations.
 *
 *   namespace:"kube-system"            equals           !:   not equals
 *   pod~:"api"                         contains         !~:  does not contain
 *   node<~:"gke-"                      starts with      !<~: does not start with
 *   container~>:"-sidecar"             ends with        !~>: does not end with
 *   cluster:"a","b"                    any of the values (negated ops: none of them)
 *   label[app]:"web"  annotation[owner]:"x"  label[team]:""  (empty = missing)
 *   a + b   both;   a | b   either;   ( … ) grouping; + binds tighter than |.
 *
 * Fields: cluster, node, namespace, controllerName (controller),
 * controllerKind, container, pod, services (service), provider, region,
 * zone, label[K], annotation[K].  Values are double-quoted (\" escapes) or
 * bare words.  A syntax error names the 1-based column. */
#ifndef KT_FILTER_H
#define KT_FILTER_H

#include <stddef.h>

#include "util/err.h"

enum kt_field {
    F_CLUSTER, F_NODE, F_NAMESPACE, F_CONTROLLER, F_CONTROLLER_KIND, F_CONTAINER, F_POD,
    F_SERVICES, F_PROVIDER, F_REGION, F_ZONE, F_LABEL, F_ANNOTATION, F_COUNT
};

typedef struct kt_filter kt_filter;

/* Resolves a field of the thing being filtered.  For F_SERVICES it returns
 * the idx-th service (NULL after the last); other fields ignore idx > 0
 * (return NULL).  key is the label/annotation name.  A missing value is "". */
typedef const char *(*kt_filter_get)(void *ctx, enum kt_field field, const char *key, int idx);

/* Parse; an empty or NULL text gives a NULL filter, which matches everything. */
int filter_parse(const char *text, kt_filter **out, kt_err *err);
void filter_free(kt_filter *f);
int filter_match(const kt_filter *f, kt_filter_get get, void *ctx);
/* Does the filter only look at fields in the mask (1 << field)?  Used to
 * decide whether idle rows, which only have cluster/node facts, can be
 * tested. */
int filter_only_uses(const kt_filter *f, unsigned mask);

/* The fields the filter reads, as a mask (1 << field); 0 for NULL. */
unsigned filter_fields(const kt_filter *f);
/* Add the keys of `field` (F_LABEL or F_ANNOTATION) the filter reads to
 * keys[n..], each once, up to max; returns the new count.  The strings
 * belong to the filter. */
size_t filter_keys(const kt_filter *f, enum kt_field field, const char **keys, size_t n, size_t max);

#endif

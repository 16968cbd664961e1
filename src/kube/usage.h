/* usage.h — container usage from metrics.k8s.io (PodMetricsList) as
 * usage samples (objects.h) for the meter.
 *
 * GET /apis/metrics.k8s.io/v1beta1/pods answers, per pod, a timestamp, a
 * window (Go duration, "30s", "1m0s") and per container usage.cpu (cores,
 * a quantity such as "12m" or "250000n") and usage.memory (working-set
 * bytes).  Items missing a name, a time or a parseable quantity are skipped
 * (counted in *skipped), never fatal. */
#ifndef KT_KUBE_USAGE_H
#define KT_KUBE_USAGE_H

#include <jansson.h>
#include <stddef.h>

#include "kube/objects.h"

typedef struct kt_usage_batch {
    kt_usage_sample *s;
    size_t n, cap;
    size_t skipped;
} kt_usage_batch;

/* Decode a PodMetricsList into b (appending); strings interned in strs.
 * Returns -1 when the document is not a list (no items array). */
int kube_usage_decode(json_t *list, kt_strtab *strs, kt_usage_batch *b);
void kube_usage_free(kt_usage_batch *b);

/* Go duration ("30s", "1m30s", "1.5s", "500ms") to whole seconds (rounded
 * up, at least 1); 0 when malformed. */
long kube_parse_go_duration(const char *s);

#endif

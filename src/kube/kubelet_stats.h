/* kubelet_stats.h — the kubelet Summary API (GET /stats/summary, read
 * through the API server's node proxy) as source facts for the meter.
 *
 * Per pod in "pods": podRef namespace/name; per container cpu.usageNanoCores
 * (cores × 1e9, the kubelet's own average over its housekeeping period)
 * and memory.workingSetBytes, stamped with cpu.time (memory.time when cpu
 * has none) — usage samples exactly like metrics.k8s.io's, held over
 * `window` seconds (the poll interval: each sample stands for the time
 * since the previous one); network rxBytes/txBytes summed over
 * network.interfaces (the top-level default interface when there is no
 * list), cumulative; volumes with a pvcRef: usedBytes and capacityBytes.
 * Anything missing a name, a time or a number is skipped (counted in
 * skipped), never fatal; numbers must be finite and non-negative. */
#ifndef KT_KUBE_KUBELET_STATS_H
#define KT_KUBE_KUBELET_STATS_H

#include <jansson.h>
#include <stddef.h>

#include "kube/objects.h"
#include "kube/usage.h"

typedef struct kt_kubelet_batch {
    kt_usage_batch usage;             /* containers */
    kt_net_sample *net;               /* pods */
    size_t n_net, cap_net;
    kt_volume_sample *vol;            /* claims */
    size_t n_vol, cap_vol;
    size_t skipped;
} kt_kubelet_batch;

/* Decode one node's Summary into b (appending); strings interned in strs.
 * Returns -1 when the document has no "pods" array. */
int kube_kubelet_decode(json_t *summary, long window, kt_strtab *strs, kt_kubelet_batch *b);
void kube_kubelet_reset(kt_kubelet_batch *b);   /* empty, keeping the arrays */
void kube_kubelet_free(kt_kubelet_batch *b);

#endif

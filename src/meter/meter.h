/* meter.h — one cluster's live inventory, integrated exactly into the
 * store's hourly facts.
 *
 * The collector's per-cluster thread (collector/cluster.h) hands it what
 * the cluster's watcher (kube/watcher.h) reports: decoded objects
 * (kube/objects.h) through meter_sink(), usage samples through
 * meter_usage(); every minute (and at shutdown) it calls meter_flush(), which
 * writes, in ONE store transaction, every hour from the first hour not yet
 * final up to `now`.  A meter belongs to one thread (its cluster's); it
 * shares that cluster's strtab with the decoder.
 *
 * What is metered (times are unix seconds; [a, b) intervals):
 *  - Containers run over the intervals Kubernetes reports: state.running
 *    since startedAt (open), state.terminated [startedAt, finishedAt).  A
 *    new startedAt closes the previous open interval there.  A pod deleted
 *    (on_delete, or absent from a relist: on_resync) closes its open
 *    intervals at `now` (or finishedAt when the object says).  Only
 *    scheduled pods (spec.nodeName set) are metered.  Because intervals come
 *    from Kubernetes' own timestamps, a watch that drops for a minute loses
 *    nothing and a relist doubles nothing: the same interval is simply seen
 *    again.
 *  - Each container-hour: seconds = |run ∩ hour ∩ [since, now)|,
 *    cpu_req = request cores × seconds/3600, ram_req likewise, gpu = GPUs ×
 *    seconds/3600.  Usage (meter_usage) holds over (previous sample of that
 *    container, t] (at most `window` seconds back); per hour the meter keeps
 *    measured seconds, ∫use and ∫max(request, use), so
 *      cpu_use   = ∫use   + request × (seconds − measured)/3600
 *      cpu_alloc = ∫max(request, use) + request × (seconds − measured)/3600
 *    (usage unknown ⇒ request, DESIGN.md), peaks are the largest sample
 *    (the request when none), usage_measured = any sample in the hour.
 *  - Nodes: present from max(creationTimestamp, since) until deleted;
 *    node-hours with pricing_node()'s hourly price and split.
 *  - Volumes (PVs): present from first seen (≥ since) until deleted; bytes =
 *    capacity; price pricing_volume_gib_hour(cluster provider, region,
 *    storage class provisioner, type).  Each moment a volume exists is split
 *    evenly among the running pods whose claims bind to it (pod-volume
 *    hours); moments with no such pod stay with the volume (__unmounted__).
 *    Used bytes (meter_volume_stats, kubelet stats only): the day's peak.
 *  - LoadBalancer services: present from first seen until deleted or no
 *    longer type LoadBalancer; pricing_lb_hourly(); split like volumes among
 *    the running pods in the service's namespace matching its selector.
 *  - Cluster fee: pricing_cluster_fee(provider, region) for every second
 *    metered (provider/region: the most common among the cluster's nodes).
 *  - Namespaces with labels/annotations; pods with controller resolved
 *    through ReplicaSet → Deployment and Job → CronJob owners, services
 *    selecting them, labels and annotations.
 *
 * Restarts: facts REPLACE whole hours (store.h), so the meter must never
 * write an hour it only partly knows.  `since` is when live metering of
 * this cluster began (the caller keeps it in store meta
 * "live_since:<cluster>"; first run: now), and `resume` the last flush of a
 * previous process (0 when none).  The first flush rewrites hours from
 * hour_floor(max(since, resume)) — an hour a previous process flushed is
 * recomputed whole from Kubernetes' intervals — and later flushes rewrite
 * from the hour of the previous flush.  Usage accumulated by a previous
 * process in that hour is lost (it falls back to request), requests are not.
 *
 * Memory: a pod costs its strings (interned) plus a few hundred bytes;
 * deleted pods are dropped once every hour they touch is final. */
#ifndef KT_METER_H
#define KT_METER_H

#include <stddef.h>
#include <stdint.h>

#include "kube/objects.h"
#include "pricing/pricing.h"
#include "store/store.h"

typedef struct kt_meter kt_meter;

typedef struct kt_meter_opts {
    const char *cluster;          /* the cluster's name in kubetally (context name) */
    const kt_pricing *pricing;    /* NULL ⇒ default rates */
    int64_t since, resume;        /* see above */
} kt_meter_opts;

kt_meter *meter_new(const kt_meter_opts *o, kt_strtab *strs);
void meter_free(kt_meter *m);

/* The sink the watcher calls (objects.h contract). */
kt_kube_sink meter_sink(kt_meter *m);

/* Usage samples (kube/objects.h kt_usage_sample) from metrics.k8s.io. */
void meter_usage(kt_meter *m, const kt_usage_sample *s, size_t n);

/* Pods' network counters (kube/objects.h kt_net_sample) from the kubelet
 * Summary API: the growth between two samples of a pod (the new value
 * when a counter went back: the pod's network was remade) is spread
 * evenly over the time between them, by hour, and written as the hour's
 * network fact (received bytes, and sent bytes as tx_other: the kubelet
 * does not tell destinations).  The first sample of a pod only sets the
 * baseline.  Hours already final, before `since` or before `resume` get
 * nothing (the hour a restarted process resumes counts from the restart). */
void meter_pod_network(kt_meter *m, const kt_net_sample *s, size_t n);

/* Claims' filesystem stats (kube/objects.h kt_volume_sample) from the
 * kubelet Summary API: the bound volume's largest used bytes per UTC day
 * is kept and written with each flush (store_put_volume_usage).  A claim
 * the meter does not know (yet) bound to a volume is skipped. */
void meter_volume_stats(kt_meter *m, const kt_volume_sample *s, size_t n);

/* Write every non-final hour up to now in one transaction (store_begin …
 * store_commit, rolled back on failure; a failed flush changes neither the
 * store nor what the next flush will write).  Also upserts the cluster
 * record (source "kube"), nodes, namespaces, pods, containers, volumes and
 * load balancers that changed, and sets meta "live_since:<cluster>". */
int meter_flush(kt_meter *m, kt_store *s, int64_t now, kt_err *err);

/* The next flush goes to another store than the last one (the agent's
 * spool, store/spool.h, or back to the database): forget the ids the last
 * store gave, so the next flush describes every thing again. */
void meter_forget_store(kt_meter *m);
/* Read the hour this meter resumes (see Restarts) from s now, instead of
 * at the first flush: for a writer whose first flush may go to a store
 * that cannot be read (the spool).  0 when there is nothing to resume. */
int meter_load_resumed_hour(kt_meter *m, kt_store *s, kt_err *err);

typedef struct kt_meter_counts {
    long nodes, pods, running_containers;
    const char *provider, *region;   /* summary of the nodes ("" unknown) */
    size_t bytes;                    /* memory held by the meter */
    int64_t last_flush;
} kt_meter_counts;
void meter_counts(const kt_meter *m, kt_meter_counts *c);

#endif

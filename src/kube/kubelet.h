/* kubelet.h — usage from every node's kubelet Summary API, read through
 * the API server's node proxy (GET /api/v1/nodes/NAME/proxy/stats/summary;
 * RBAC: get on nodes/proxy), on the watcher's curl multi handle.
 *
 * The poller knows the cluster's nodes from the watcher (it forwards every
 * node upsert, delete and relist here, before the meter sees them).  Every
 * `interval` seconds a round starts: the nodes then known are asked, at
 * most KT_KUBELET_PARALLEL at a time, and each answer is decoded
 * (kubelet_stats.h) and reported at once through `report`, so one slow or
 * unreachable kubelet delays nothing but itself.  A round still running
 * when the next is due finishes first.
 *
 * Failures: HTTP 403 on the proxy means the ClusterRole granting
 * nodes/proxy is not bound — logged once, and the cluster is asked again
 * only every 10 minutes (costing by requests meanwhile); any other failure
 * of one node (its kubelet down, 404 for a node gone, a malformed answer)
 * skips that node this round and is logged when the message changes.
 *
 * Threads: the watcher's thread only. */
#ifndef KT_KUBE_KUBELET_H
#define KT_KUBE_KUBELET_H

#include <stdint.h>

#include <curl/curl.h>

#include "kube/kubeconfig.h"
#include "kube/kubelet_stats.h"

#define KT_KUBELET_PARALLEL 4

typedef struct kt_kubelet kt_kubelet;

/* One node's decoded answer; valid during the call. */
typedef void (*kt_kubelet_report)(void *ud, const kt_kubelet_batch *b);

typedef struct kt_kubelet_opts {
    int interval, request_timeout, connect_timeout; /* seconds, all > 0 */
    kt_kubelet_report report;
    void *ud;
} kt_kubelet_opts;

kt_kubelet *kubelet_new(kt_kube_target *t, const kt_kubelet_opts *o, kt_strtab *strs);
/* Abort transfers in flight (removing them from multi) and free. */
void kubelet_free(kt_kubelet *k, CURLM *multi);

/* The node set, fed from the watcher's node stream (names are ids in the
 * cluster strtab): seen on every upsert, gone on delete, listed after a
 * (re)list: nodes not seen since the previous list are dropped. */
void kubelet_node_seen(kt_kubelet *k, uint32_t name);
void kubelet_node_gone(kt_kubelet *k, uint32_t name);
void kubelet_nodes_listed(kt_kubelet *k);

/* Start a round when due and requests while slots are free. */
void kubelet_poll(kt_kubelet *k, CURLM *multi, int64_t now_ms);
/* A finished transfer: returns 1 when it was one of ours (handled). */
int kubelet_done(kt_kubelet *k, CURLM *multi, CURL *h, CURLcode rc, int64_t now_ms);
/* Did any kubelet answer in the last finished round (or this one)? */
int kubelet_answering(const kt_kubelet *k);
/* Milliseconds until kubelet_poll has something to start (0: now). */
int64_t kubelet_due_in(const kt_kubelet *k, int64_t now_ms);

#endif

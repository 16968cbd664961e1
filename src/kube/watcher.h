/* watcher.h — one cluster's connection to its API server: every resource
 * kubetally needs, listed and watched, and container usage sampled, on one
 * curl multi handle driven by the caller's thread.
 *
 * Informer-style, per resource (stream.h): paginated list (limit/continue),
 * then a watch from the list's resourceVersion with allowWatchBookmarks;
 * a dropped watch resumes from the last resourceVersion seen (bookmarks
 * keep it fresh); 410 Gone relists; failures back off exponentially with
 * jitter (1 s doubling to 60 s); a watch with no bytes for stall_timeout is
 * abandoned and resumed.  All streams share one curl multi handle (one
 * kept-alive HTTP/1.1 connection each).
 *
 * Usage comes from metrics.k8s.io PodMetrics every usage_interval when the
 * cluster serves it (a 404, 403 or 503 marks the cluster request-only,
 * logged once and re-checked every 10 minutes) — or, with kubelet_stats,
 * from every node's kubelet Summary API through the node proxy instead
 * (kubelet.h): the same container samples, plus pods' network counters and
 * claims' used bytes (on_kubelet).
 *
 * With posture (kt_watch_opts.posture) it also watches the posture-only
 * kinds (objects.h; a 403 or 404 on one of them skips it, stream.h) and
 * reads /version at start and every 10 minutes (on_version).
 *
 * The watcher knows nothing of what is done with what it reads: it reports
 * through kt_watch_hooks, synchronously, on the thread that calls
 * watcher_turn.  Callbacks rather than a queue because a 100,000-pod list
 * must not be copied: each decoded object lives in the decoder's scratch
 * only for the duration of its on_upsert call (objects.h).
 *
 * Threads: everything but watcher_wakeup belongs to one thread, the one
 * that calls watcher_turn; the decoder, the strtab it interns into and
 * whatever the hooks touch therefore need no locks. */
#ifndef KT_KUBE_WATCHER_H
#define KT_KUBE_WATCHER_H

#include <stddef.h>
#include <stdint.h>

#include "kube/kubeconfig.h"
#include "kube/objects.h"

/* Zero fields take the defaults shown. */
typedef struct kt_watch_opts {
    int usage_interval;               /* seconds; default 30; < 0 disables usage */
    int request_timeout;              /* seconds per list/metrics request; default 60 */
    int connect_timeout;              /* seconds; default 10 */
    int watch_timeout;                /* server-side watch timeoutSeconds; default 300 */
    int stall_timeout;                /* no bytes on a watch for this long ⇒ resume; default watch_timeout + 60 */
    int page_size;                    /* list limit; default 500 */
    int kubelet_stats;                /* usage from the kubelet Summary API, not metrics.k8s.io */
    int posture;                      /* decode posture texts too (decode.h: kube_decoder_keep_posture),
                                         watch the posture-only kinds, read /version */
} kt_watch_opts;

/* What the watcher reports; every callback gets `ud`.  The sink (objects.h
 * contract) may be set after creation, see watcher_set_sink. */
typedef struct kt_watch_hooks {
    kt_kube_sink sink;
    /* A decoded PodMetricsList (n may be 0); samples valid during the call. */
    void (*on_usage)(void *ud, const kt_usage_sample *s, size_t n);
    /* kubelet_stats only (NULL otherwise allowed): one node's pod network
     * counters and claim volume stats; valid during the call.  Its
     * containers' samples come through on_usage first. */
    void (*on_kubelet)(void *ud, const kt_net_sample *net, size_t n_net, const kt_volume_sample *vol, size_t n_vol);
    /* An error talking to the cluster (already free of secrets); `log`
     * says the stream's message changed, so a retry loop logs once. */
    void (*on_error)(void *ud, const char *msg, int log);
    /* posture only (NULL allowed): the body of GET /version (valid during
     * the call), or NULL when the server answered another status than 200. */
    void (*on_version)(void *ud, const char *body, size_t len);
    /* A usable answer from the API server at unix time `now`. */
    void (*on_contact)(void *ud, int64_t now);
    void *ud;
} kt_watch_hooks;

/* Counters since creation, for health reporting. */
typedef struct kt_watch_stats {
    long restarts, relists, events;   /* summed over the streams */
    int synced;                       /* every resource listed at least once */
    int usage;                        /* metrics.k8s.io (or a kubelet) answered last time asked */
} kt_watch_stats;

typedef struct kt_watcher kt_watcher;

/* A watcher for `t` (borrowed: must outlive it) interning strings into
 * `strs` (borrowed; the caller shares it with whoever reads the objects).
 * Starts no request: the first watcher_turn does. */
kt_watcher *watcher_new(kt_kube_target *t, const kt_watch_opts *o, kt_strtab *strs, const kt_watch_hooks *h);
/* Abort transfers in flight and free. */
void watcher_free(kt_watcher *w);
/* Set the object sink before the first watcher_turn (its owner may only
 * exist once the driving thread has started). */
void watcher_set_sink(kt_watcher *w, kt_kube_sink sink);

/* One turn, never blocking: resume stalled watches, start requests that
 * are due, move bytes, and report what finished through the hooks. */
void watcher_turn(kt_watcher *w);
/* Sleep until a transfer has data, a stream may start again, or 250 ms
 * pass (so the caller notices stop requests and its own timers). */
void watcher_wait(kt_watcher *w);
/* End a watcher_wait early; the only call safe from any thread. */
void watcher_wakeup(kt_watcher *w);

/* Every resource listed and none waiting to retry after a failure. */
int watcher_healthy(const kt_watcher *w);
void watcher_stats(const kt_watcher *w, kt_watch_stats *s);

#endif

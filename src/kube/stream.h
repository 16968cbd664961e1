/* stream.h — list-then-watch of one resource kind on one cluster: the
 * state machine behind watcher.h, driven by the watcher's curl multi loop.
 *
 *   LIST page (limit, continue) … last page ⇒ sink.on_resync ⇒ WATCH from
 *   the list's resourceVersion ⇒ events ⇒ (server closes) WATCH again from
 *   the last resourceVersion seen ⇒ … ; errors ⇒ WAIT (backoff) ⇒ WATCH, or
 *   LIST when the resourceVersion is gone (410) or unknown.  A posture-only
 *   kind (objects.h) answered 403 or 404 counts as listed empty and is
 *   asked again every 10 minutes.
 *
 * The stream never blocks: stream_start adds a request to the multi handle,
 * the write callback consumes bytes (watch events are decoded line by line
 * as they arrive), stream_done interprets the finished transfer. */
#ifndef KT_KUBE_STREAM_H
#define KT_KUBE_STREAM_H

#include <stdint.h>

#include <curl/curl.h>

#include "kube/decode.h"
#include "kube/kubeconfig.h"
#include "util/buf.h"

enum kt_stream_state { ST_WAIT, ST_LIST, ST_WATCH };

/* What a stream needs from its cluster. */
typedef struct kt_stream_env {
    kt_kube_target *target;
    kt_decoder *decoder;
    kt_kube_sink sink;
    int page_size, watch_timeout, request_timeout, connect_timeout, stall_timeout;
    /* Record an error for this cluster (already free of secrets); log it
     * when `log` (the stream's message changed, so a retry loop logs once). */
    void (*error)(void *ud, const char *msg, int log);
    void (*contact)(void *ud, int64_t now);
    void *ud;
} kt_stream_env;

typedef struct kt_stream {
    enum kt_kind kind;
    enum kt_stream_state state;
    kt_stream_env *env;
    CURL *h;                          /* transfer in flight, or NULL */
    struct curl_slist *headers;
    kt_buf body;                      /* list page, or the watch's unfinished line */
    kt_buf spare;                     /* the page being decoded while the next arrives in body */
    char rv[64];                      /* resourceVersion to watch from ("" ⇒ must list) */
    char *cont;                       /* list continue token */
    int64_t wait_until_ms, last_byte_ms;
    int backoff_ms;
    int listed;                       /* a full list has completed (or a posture-only kind was skipped) */
    int skipped;                      /* a posture-only kind not served or not allowed (403/404): waits 10 min */
    int failed;                       /* the transfer failed in a way already reported */
    int relist_now;                   /* we ended the watch on a 410 event: relist at once */
    int unreachable;                  /* the last failure was a transport one (server down) */
    long restarts, relists, events;
    char last_msg[512];               /* the last error logged for this stream */
} kt_stream;

void stream_init(kt_stream *s, enum kt_kind kind, kt_stream_env *env);
void stream_free(kt_stream *s, CURLM *multi);
/* Start the next request when due; returns 1 when one was added. */
int stream_poll(kt_stream *s, CURLM *multi, int64_t now_ms);
/* A transfer of this stream finished with curl result `rc`. */
void stream_done(kt_stream *s, CURLM *multi, CURLcode rc, int64_t now_ms);
/* Abort a watch that has been silent too long; returns 1 if it did. */
int stream_check_stall(kt_stream *s, CURLM *multi, int64_t now_ms);

/* Shared with the usage poller: a GET of `path` on the target with auth,
 * TLS and timeouts (timeout_s 0 = none, for watches); the body goes to
 * write(ptr, 1, n, ud).  Returns NULL with err on an auth failure (exec
 * plugin, token file).  *headers must be freed after the transfer. */
CURL *kube_request(kt_kube_target *t, const char *path, curl_write_callback write, void *ud,
                   struct curl_slist **headers, int timeout_s, int connect_timeout_s, kt_err *err);
/* Whether to ask this target for gzip-compressed answers: not when its
 * kubeconfig says disable-compression, nor for a server on loopback. */
int kube_wants_gzip(const kt_kube_target *t);
/* A write callback appending to the kt_buf `ud`, refusing bodies past
 * 512 MiB (a list page that large means a misconfigured page size). */
size_t kube_write_buf(char *p, size_t size, size_t n, void *ud);

#endif

/* guard.h — what keeps one client from taking the server from everyone.
 *
 * Contract:
 *  - Request deadline: a connection must deliver a whole request (line,
 *    headers and body) within KT_HTTP_REQUEST_DEADLINE seconds of being
 *    accepted or of its previous answer; otherwise a watcher thread shuts
 *    its socket down — unless bytes of it wait unread in the kernel: then
 *    its pool thread is busy answering another connection (each pool
 *    thread serves several), and the wait is ours, not the client's.  A request being answered is not timed (the answer
 *    is bounded by the query limits, and a client that stops reading hits
 *    libmicrohttpd's idle timeout).  Slow-header ("slowloris") and idle
 *    keep-alive connections therefore cannot hold slots.
 *  - Expensive queries (store reads the answer cache missed): at most
 *    `running` at once, at most `waiting` more wait (up to
 *    KT_HTTP_QUEUE_WAIT s) for a turn; past that, 503 with Retry-After.
 *    The server sizes these so at least one pool thread is always free
 *    for /healthz, /readyz, /metrics and static files.
 *  - After a big answer, once no expensive query runs, the watcher gives
 *    the freed heap back to the system (malloc_trim).
 * Thread-safe. */
#ifndef KT_HTTP_GUARD_H
#define KT_HTTP_GUARD_H

#include <stddef.h>

#define KT_HTTP_REQUEST_DEADLINE 15
#define KT_HTTP_QUEUE_WAIT 20

typedef struct kt_guard kt_guard;
typedef struct kt_conn_watch kt_conn_watch;

kt_guard *guard_new(unsigned running, unsigned waiting);
/* Stops the watcher thread; call after the daemon has stopped. */
void guard_free(kt_guard *g);

/* A connection was accepted (socket fd) / closed. */
kt_conn_watch *guard_conn_open(kt_guard *g, int fd);
void guard_conn_close(kt_guard *g, kt_conn_watch *w);
/* The connection's request has fully arrived / its answer is done. */
void guard_request_arrived(kt_guard *g, kt_conn_watch *w);
void guard_request_done(kt_guard *g, kt_conn_watch *w);

/* One pass of the watcher at monotonic time `now` (kt_mono_s); the
 * watcher thread calls it every second, tests call it directly. */
void guard_sweep(kt_guard *g, double now);

/* 1 when the caller may run an expensive query now (then guard_leave),
 * 0 when the server is saturated (answer 503). */
int guard_enter(kt_guard *g);
/* answer_bytes: its size, so big answers lead to a malloc_trim. */
void guard_leave(kt_guard *g, size_t answer_bytes);

#endif

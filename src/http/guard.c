/* guard.c — request deadlines, the expensive-query gate and giving memory
 * back; see guard.h.
 *
 * The watcher shuts a late socket down (shutdown(2), not close): the fd
 * stays libmicrohttpd's, which then sees the connection fail and cleans up
 * as for any client that went away.  libmicrohttpd closes a socket only
 * after its "closed" notification, which takes g->mu, so the watcher never
 * touches an fd number that has been reused. */
#include "http/guard.h"

#include <assert.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>

#include "util/buf.h"
#include "util/clock.h"
#include "util/log.h"

struct kt_conn_watch {
    int fd;
    double since;  /* monotonic: accepted, or the previous answer done */
    int answering; /* a whole request arrived; not timed */
    kt_conn_watch *prev, *next;
};

struct kt_guard {
    pthread_mutex_t mu;
    pthread_cond_t turn, stop_cv;
    kt_conn_watch *conns;
    unsigned running, waiting, max_running, max_waiting;
    int trim; /* sweeps left that malloc_trim, after a big answer */
    int stop;
    pthread_t th;
};

/* Past this many bytes an answer is worth a malloc_trim afterwards. */
#define TRIM_AFTER (4u << 20)

/* Bytes the kernel holds that libmicrohttpd has not read yet: the
 * connection's pool thread is busy answering another connection, so the
 * delay is the server's, not the client's. */
static int unread_bytes(int fd)
{
    int n = 0;
    return ioctl(fd, FIONREAD, &n) == 0 && n > 0;
}

static void sweep(kt_guard *g, double now)
{
    for (kt_conn_watch *w = g->conns; w; w = w->next)
        if (!w->answering && now - w->since > KT_HTTP_REQUEST_DEADLINE && !unread_bytes(w->fd)) {
            shutdown(w->fd, SHUT_RDWR);
            w->since = now + 1e9; /* once */
        }
    if (g->trim && !g->running) { /* a few sweeps: the answer may still be on its way out */
        g->trim--;
        malloc_trim(0);
    }
}

void guard_sweep(kt_guard *g, double now)
{
    assert(g);
    pthread_mutex_lock(&g->mu);
    sweep(g, now);
    pthread_mutex_unlock(&g->mu);
}

static void *watcher(void *arg)
{
    kt_guard *g = arg;
    pthread_mutex_lock(&g->mu);
    while (!g->stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        pthread_cond_timedwait(&g->stop_cv, &g->mu, &ts);
        if (!g->stop)
            sweep(g, kt_mono_s());
    }
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

kt_guard *guard_new(unsigned running, unsigned waiting)
{
    assert(running >= 1);
    kt_guard *g = xcalloc(1, sizeof *g);
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->turn, NULL);
    pthread_cond_init(&g->stop_cv, NULL);
    g->max_running = running;
    g->max_waiting = waiting;
    if (pthread_create(&g->th, NULL, watcher, g)) {
        log_error("http: cannot start the connection watcher");
        abort();
    }
    return g;
}

void guard_free(kt_guard *g)
{
    if (!g)
        return;
    pthread_mutex_lock(&g->mu);
    g->stop = 1;
    pthread_cond_broadcast(&g->stop_cv);
    pthread_mutex_unlock(&g->mu);
    pthread_join(g->th, NULL);
    while (g->conns)
        guard_conn_close(g, g->conns);
    pthread_cond_destroy(&g->turn);
    pthread_cond_destroy(&g->stop_cv);
    pthread_mutex_destroy(&g->mu);
    free(g);
}

kt_conn_watch *guard_conn_open(kt_guard *g, int fd)
{
    kt_conn_watch *w = xcalloc(1, sizeof *w);
    w->fd = fd;
    w->since = kt_mono_s();
    pthread_mutex_lock(&g->mu);
    w->next = g->conns;
    if (g->conns)
        g->conns->prev = w;
    g->conns = w;
    pthread_mutex_unlock(&g->mu);
    return w;
}

void guard_conn_close(kt_guard *g, kt_conn_watch *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&g->mu);
    if (w->prev)
        w->prev->next = w->next;
    else
        g->conns = w->next;
    if (w->next)
        w->next->prev = w->prev;
    pthread_mutex_unlock(&g->mu);
    free(w);
}

void guard_request_arrived(kt_guard *g, kt_conn_watch *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&g->mu);
    w->answering = 1;
    pthread_mutex_unlock(&g->mu);
}

void guard_request_done(kt_guard *g, kt_conn_watch *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&g->mu);
    w->answering = 0;
    w->since = kt_mono_s();
    pthread_mutex_unlock(&g->mu);
}

int guard_enter(kt_guard *g)
{
    pthread_mutex_lock(&g->mu);
    int ok = 1;
    if (g->running >= g->max_running) {
        if (g->waiting >= g->max_waiting) {
            ok = 0;
        } else {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += KT_HTTP_QUEUE_WAIT;
            g->waiting++;
            while (g->running >= g->max_running && ok)
                ok = pthread_cond_timedwait(&g->turn, &g->mu, &ts) == 0 || g->running < g->max_running;
            g->waiting--;
        }
    }
    if (ok)
        g->running++;
    pthread_mutex_unlock(&g->mu);
    return ok;
}

void guard_leave(kt_guard *g, size_t answer_bytes)
{
    pthread_mutex_lock(&g->mu);
    assert(g->running > 0);
    g->running--;
    if (answer_bytes > TRIM_AFTER)
        g->trim = 5;
    pthread_cond_signal(&g->turn);
    pthread_mutex_unlock(&g->mu);
}

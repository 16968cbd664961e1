/* The request deadline (http/guard.h): a connection that has not delivered
 * its request in KT_HTTP_REQUEST_DEADLINE seconds is shut down, unless its
 * bytes wait unread in the kernel — then its libmicrohttpd pool thread is
 * busy answering another connection, and the client is not the slow one.
 * (Under ASan on a loaded machine, two of eight concurrent expensive
 * queries sharing a pool thread were shut down this way and got no status.)
 * Each case is a socketpair: `ours` stands for the server's socket, `peer`
 * for the client; the peer reads EOF once the watcher shut `ours` down. */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "http/guard.h"
#include "util/clock.h"

typedef struct pair { int ours, peer; } pair;

static pair open_pair(void)
{
    int fd[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fd)) {
        perror("socketpair");
        _exit(1);
    }
    fcntl(fd[1], F_SETFL, O_NONBLOCK);
    return (pair){fd[0], fd[1]};
}

/* 1 when the server side was shut down: the client reads end of file. */
static int was_shut(const pair *p)
{
    char c;
    return read(p->peer, &c, 1) == 0;
}

TEST(deadline_spares_requests_waiting_on_a_busy_thread)
{
    kt_guard *g = guard_new(1, 0);
    pair quiet = open_pair(), queued = open_pair(), fresh = open_pair(), served = open_pair();
    kt_conn_watch *wq = guard_conn_open(g, quiet.ours);
    kt_conn_watch *wb = guard_conn_open(g, queued.ours);
    double t0 = kt_mono_s();
    /* opened later than the sweep's deadline minus 1 s: not late yet */
    kt_conn_watch *wf = guard_conn_open(g, fresh.ours);
    kt_conn_watch *ws = guard_conn_open(g, served.ours);
    guard_request_arrived(g, ws); /* being answered: never timed */
    /* the queued client sent its whole request; nobody read it yet */
    const char req[] = "GET /allocation?window=7d HTTP/1.1\r\nHost: x\r\n\r\n";
    CHECK(write(queued.peer, req, sizeof req - 1) == (ssize_t)(sizeof req - 1));

    guard_sweep(g, t0 + KT_HTTP_REQUEST_DEADLINE - 1); /* nobody late yet */
    CHECK(!was_shut(&quiet) && !was_shut(&queued) && !was_shut(&fresh) && !was_shut(&served));

    guard_sweep(g, t0 + KT_HTTP_REQUEST_DEADLINE + 1);
    CHECK(was_shut(&quiet));   /* sent nothing for 16 s: the slow client */
    CHECK(!was_shut(&queued)); /* its request waits on us */
    CHECK(!was_shut(&served));
    /* `fresh` was opened at most a few ms after t0, so it is late too: the
     * deadline counts from each connection's own start */
    CHECK(was_shut(&fresh));

    /* once the busy thread reads the request, the bytes are gone; a client
     * that then sends nothing more is timed again from its last answer */
    char sink[256];
    CHECK(read(queued.ours, sink, sizeof sink) > 0);
    guard_request_arrived(g, wb);
    guard_request_done(g, wb);
    guard_sweep(g, kt_mono_s() + KT_HTTP_REQUEST_DEADLINE - 1);
    CHECK(!was_shut(&queued));
    guard_sweep(g, kt_mono_s() + KT_HTTP_REQUEST_DEADLINE + 1);
    CHECK(was_shut(&queued));

    guard_conn_close(g, wq);
    guard_conn_close(g, wb);
    guard_conn_close(g, wf);
    guard_conn_close(g, ws);
    guard_free(g);
    pair all[] = {quiet, queued, fresh, served};
    for (int i = 0; i < 4; i++) {
        close(all[i].ours);
        close(all[i].peer);
    }
}

int main(void)
{
    RUN(deadline_spares_requests_waiting_on_a_busy_thread);
    return check_done();
}

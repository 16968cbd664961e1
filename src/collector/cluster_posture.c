/* cluster_posture.c — handing the thread's posture state to another
 * thread (cluster.h: cluster_posture).  The lists are built on the
 * cluster's thread because only it may read the strtab the decoder interns
 * into; the asking thread waits on the cluster's condition variable. */
#include "collector/cluster_int.h"

#include <assert.h>
#include <errno.h>
#include <time.h>

int cluster_posture(kt_cluster *c, int timeout_s, json_t *out[])
{
    assert(c && out && timeout_s > 0);
    if (!c->keep)
        return -1;
    pthread_mutex_lock(&c->lock);
    if (!c->health.synced || !c->posture_version || c->stop) {
        pthread_mutex_unlock(&c->lock);
        return -1;
    }
    c->posture_asked = 1;
    pthread_mutex_unlock(&c->lock);
    watcher_wakeup(c->watcher);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += timeout_s;
    pthread_mutex_lock(&c->lock);
    int rc = 0;
    while (!c->posture_ready && !c->stop && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&c->posture_cv, &c->lock, &until);
    int ok = c->posture_ready;
    for (int i = 0; i < KT_POSTURE_PARTS; i++) {
        out[i] = ok ? c->posture_lists[i] : NULL;
        c->posture_lists[i] = NULL;
    }
    c->posture_ready = c->posture_asked = 0; /* answered, or given up on */
    pthread_mutex_unlock(&c->lock);
    return ok ? 0 : -1;
}

void cluster_posture_serve(kt_cluster *c)
{
    pthread_mutex_lock(&c->lock);
    int asked = c->posture_asked && !c->posture_ready;
    pthread_mutex_unlock(&c->lock);
    if (!asked)
        return;
    json_t *l[KT_POSTURE_PARTS];
    posture_keep_lists(c->keep, l);
    pthread_mutex_lock(&c->lock);
    if (c->posture_asked && !c->posture_ready) {
        for (int i = 0; i < KT_POSTURE_PARTS; i++)
            c->posture_lists[i] = l[i], l[i] = NULL;
        c->posture_ready = 1;
        pthread_cond_broadcast(&c->posture_cv);
    }
    pthread_mutex_unlock(&c->lock);
    for (int i = 0; i < KT_POSTURE_PARTS; i++)
        json_decref(l[i]); /* nobody waits any more */
}

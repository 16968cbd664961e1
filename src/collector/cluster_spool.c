/* cluster_spool.c — a cluster thread's spool (store/spool.h): the flushes
 * the database could not take, kept on disk and replayed in order; see
 * cluster.h and cluster_int.h. */
#include "collector/cluster_int.h"

#include <assert.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"

/* DIR/NAME, with every byte of the cluster's name outside [A-Za-z0-9._-]
 * as %XX: context names hold '/' and ':' (EKS ARNs), and two clusters
 * must never share a folder. */
static void folder(const kt_cluster *c, const char *leaf, char *buf, size_t n)
{
    size_t at = (size_t)snprintf(buf, n, "%s/", c->o.spool_dir);
    for (const unsigned char *p = (const unsigned char *)c->t->name; *p && at + 4 < n; p++) {
        int plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                    *p == '.' || *p == '_' || *p == '-';
        at += plain && !(p == (const unsigned char *)c->t->name && *p == '.')
                  ? (size_t)snprintf(buf + at, n - at, "%c", *p)
                  : (size_t)snprintf(buf + at, n - at, "%%%02X", *p);
    }
    if (leaf && at < n)
        snprintf(buf + at, n - at, "/%s", leaf);
}

void cluster_spool_open(kt_cluster *c)
{
    assert(c);
    if (!c->o.spool_dir || c->spool)
        return;
    char dir[1200];
    kt_err err = {0};
    folder(c, NULL, dir, sizeof dir);
    if (spool_open(dir, c->o.spool_max_bytes ? c->o.spool_max_bytes : (uint64_t)256 << 20, &c->spool, &err)) {
        cluster_note_error(c, err.msg, 1); /* metering goes on; only an outage will lose hours */
        c->spool = NULL;
    }
    cluster_spool_publish(c);
}

void cluster_spool_publish(kt_cluster *c)
{
    kt_spool_stats st = {0};
    if (c->spool)
        spool_stats(c->spool, &st);
    pthread_mutex_lock(&c->lock);
    c->health.spool = c->spool != NULL;
    c->health.spool_bytes = st.bytes;
    c->health.spool_files = st.files;
    c->health.spool_dropped = st.dropped;
    c->health.spool_replayed = st.replayed;
    c->health.spool_oldest = st.oldest;
    pthread_mutex_unlock(&c->lock);
}

int cluster_spool_replay(kt_cluster *c)
{
    assert(c && c->store);
    kt_err err = {0};
    if (!c->spool || !spool_pending(c->spool))
        return 0;
    long before = spool_pending(c->spool);
    int rc = spool_replay(c->spool, c->store, 1, &err);
    if (rc)
        cluster_note_error(c, err.msg, 1);
    else
        log_info("cluster %s: %ld spooled flushes replayed into %s", c->t->name, before, store_describe(c->store));
    cluster_spool_publish(c);
    return rc;
}

void cluster_spool_flush(kt_cluster *c, int64_t now)
{
    assert(c && c->spool && c->meter);
    kt_err err = {0};
    /* ids the database gave mean nothing in a spool file, and the file's
     * own mean nothing to the next flush: every spooled flush describes
     * every thing it refers to */
    meter_forget_store(c->meter);
    int rc = meter_flush(c->meter, spool_store(c->spool), now, &err);
    meter_forget_store(c->meter);
    if (rc)
        cluster_note_error(c, err.msg, 1);
    else if (!c->spooling)
        log_warn("cluster %s: the database is unreachable: flushes are spooled in %s until it returns", c->t->name,
                 spool_dir(c->spool));
    c->spooling = !rc;
    cluster_spool_publish(c);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)ftw;
    return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void rm_tree(const char *dir)
{
    if (access(dir, F_OK) == 0)
        nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

kt_store *cluster_spool_replica(kt_cluster *c)
{
    assert(c);
    if (!c->spool || !spool_pending(c->spool))
        return NULL;
    char dir[1200], url[1300];
    kt_err err = {0};
    kt_store *r = NULL;
    folder(c, "replica", dir, sizeof dir);
    rm_tree(dir); /* a replica left by a kill: the spool is what counts */
    snprintf(url, sizeof url, "sqlite:%s/kt.db", dir);
    if (store_open(url, KT_STORE_CREATE, &r, &err) || spool_replay(c->spool, r, 0, &err)) {
        cluster_note_error(c, err.msg, 1);
        cluster_spool_replica_drop(c, r);
        return NULL;
    }
    log_info("cluster %s: the database is unreachable: metering resumes from the spool (%ld flushes)", c->t->name,
             spool_pending(c->spool));
    return r;
}

void cluster_spool_replica_drop(kt_cluster *c, kt_store *r)
{
    char dir[1200];
    store_close(r);
    folder(c, "replica", dir, sizeof dir);
    rm_tree(dir);
}

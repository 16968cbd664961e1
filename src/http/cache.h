/* cache.h — answers kept for repeated requests, valid while the store is
 * unchanged and for at most the rest of the current minute.
 *
 * Why: a dashboard reloads the same few queries, and Grafana/scripts poll
 * the same /allocation URL; each costs a store load and an engine run, while
 * the answer only changes when a writer commits (hourly facts, every few
 * minutes at most).
 *
 * Validity, both must hold:
 *  - the stamp of the store files is unchanged: (inode, size, mtime) of the
 *    SQLite database and of its -wal file, so a commit by any process
 *    invalidates every entry;
 *  - the same UTC minute: relative windows ("7d", "today", "12h") and the
 *    clock-prorated shareCost are computed from now, and every window edge
 *    falls on a minute, so within one minute they cannot move (a coarse
 *    file clock missing a commit is bounded by the same minute).
 * Only 200 answers are kept; at most max_entries and max_bytes, oldest
 * evicted first.  Thread-safe (one mutex; work happens outside it). */
#ifndef KT_HTTP_CACHE_H
#define KT_HTTP_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "http/app.h"

typedef struct kt_cache_stamp {
    int64_t minute;
    int64_t db_ino, db_size, db_mtime_ns, wal_ino, wal_size, wal_mtime_ns;
} kt_cache_stamp;

typedef struct kt_http_cache kt_http_cache;

kt_http_cache *cache_new(size_t max_entries, size_t max_bytes);
void cache_free(kt_http_cache *c);
/* Stamp the store at `path` (a SQLite file) for time `now`; -1 when the
 * store is not a local file (then nothing is cached). */
int cache_stamp(const char *path, int64_t now, kt_cache_stamp *out);
/* On a hit fill r (status 200, content type, filename, a copy of the body)
 * and return 1. */
int cache_get(kt_http_cache *c, const char *key, const kt_cache_stamp *st, kt_http_resp *r);
void cache_put(kt_http_cache *c, const char *key, const kt_cache_stamp *st, const kt_http_resp *r);
void cache_counts(kt_http_cache *c, unsigned long *hits, unsigned long *misses, size_t *bytes);

#endif

/* cache.c — answers for repeated requests; see cache.h. */
#include "http/cache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct entry {
    char *key;
    kt_cache_stamp stamp;
    const char *content_type;
    char filename[96];
    char *body;
    size_t len;
    uint64_t used; /* insertion order, for eviction */
} entry;

struct kt_http_cache {
    pthread_mutex_t lock;
    entry *e;
    size_t n, max_entries, max_bytes, bytes;
    uint64_t clock;
    unsigned long hits, misses;
};

kt_http_cache *cache_new(size_t max_entries, size_t max_bytes)
{
    kt_http_cache *c = xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    c->max_entries = max_entries ? max_entries : 1;
    c->max_bytes = max_bytes;
    c->e = xcalloc(c->max_entries, sizeof *c->e);
    return c;
}

static void drop(kt_http_cache *c, size_t i)
{
    c->bytes -= c->e[i].len;
    free(c->e[i].key);
    free(c->e[i].body);
    c->e[i] = c->e[--c->n];
}

void cache_free(kt_http_cache *c)
{
    if (!c)
        return;
    while (c->n)
        drop(c, 0);
    free(c->e);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static void stamp_file(const char *path, int64_t *ino, int64_t *size, int64_t *mtime)
{
    struct stat st;
    if (stat(path, &st)) {
        *ino = *size = *mtime = -1;
        return;
    }
    *ino = (int64_t)st.st_ino;
    *size = (int64_t)st.st_size;
    *mtime = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
}

int cache_stamp(const char *path, int64_t now, kt_cache_stamp *out)
{
    char wal[1100];
    memset(out, 0, sizeof *out);
    if (!path || !*path || strstr(path, "://") || strlen(path) > 1000)
        return -1;
    out->minute = now / 60;
    stamp_file(path, &out->db_ino, &out->db_size, &out->db_mtime_ns);
    snprintf(wal, sizeof wal, "%s-wal", path);
    stamp_file(wal, &out->wal_ino, &out->wal_size, &out->wal_mtime_ns);
    return out->db_ino < 0 ? -1 : 0;
}

static long find(kt_http_cache *c, const char *key)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->e[i].key, key))
            return (long)i;
    return -1;
}

int cache_get(kt_http_cache *c, const char *key, const kt_cache_stamp *st, kt_http_resp *r)
{
    int hit = 0;
    pthread_mutex_lock(&c->lock);
    long i = find(c, key);
    if (i >= 0 && memcmp(&c->e[i].stamp, st, sizeof *st)) {
        drop(c, (size_t)i); /* stale: the store changed or the minute moved on */
        i = -1;
    }
    if (i >= 0) {
        entry *e = &c->e[i];
        buf_reset(&r->body);
        buf_add(&r->body, e->body, e->len);
        resp_set(r, 200, e->content_type);
        memcpy(r->filename, e->filename, sizeof r->filename);
        hit = 1;
        c->hits++;
    } else {
        c->misses++;
    }
    pthread_mutex_unlock(&c->lock);
    return hit;
}

void cache_put(kt_http_cache *c, const char *key, const kt_cache_stamp *st, const kt_http_resp *r)
{
    if (r->status != 200 || r->location[0] || r->cookie[0] || r->body.len > c->max_bytes / 4)
        return;
    pthread_mutex_lock(&c->lock);
    long i = find(c, key);
    if (i >= 0)
        drop(c, (size_t)i);
    while (c->n && (c->n == c->max_entries || c->bytes + r->body.len > c->max_bytes)) {
        size_t old = 0;
        for (size_t k = 1; k < c->n; k++)
            if (c->e[k].used < c->e[old].used)
                old = k;
        drop(c, old);
    }
    entry *e = &c->e[c->n++];
    memset(e, 0, sizeof *e);
    e->key = xstrdup(key);
    e->stamp = *st;
    e->content_type = r->content_type;
    memcpy(e->filename, r->filename, sizeof e->filename);
    e->body = xmalloc(r->body.len + 1);
    memcpy(e->body, r->body.data ? r->body.data : "", r->body.len);
    e->len = r->body.len;
    e->used = ++c->clock;
    c->bytes += e->len;
    pthread_mutex_unlock(&c->lock);
}

void cache_counts(kt_http_cache *c, unsigned long *hits, unsigned long *misses, size_t *bytes)
{
    pthread_mutex_lock(&c->lock);
    *hits = c->hits, *misses = c->misses, *bytes = c->bytes;
    pthread_mutex_unlock(&c->lock);
}

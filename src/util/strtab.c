/* strtab.c — interning and the u64 map; see strtab.h. */
#include "util/strtab.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

uint64_t kt_hash_bytes(const void *p, size_t n)
{
    /* eight bytes a step: names are 10-60 bytes, and a byte loop was a
     * visible share of reading a month */
    const unsigned char *s = p;
    uint64_t h = 1469598103934665603ULL ^ (n * 0x9e3779b97f4a7c15ULL);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    uint64_t w = 0;
    memcpy(&w, s + i, n - i);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 29);
}

static char *arena_copy(kt_strtab *t, const char *s, size_t len)
{
    if (t->chunk_used + len + 1 > t->chunk_cap) {
        size_t cap = len + 1 > 65536 ? len + 1 : 65536;
        t->chunk = xmalloc(cap);
        t->chunk_cap = cap;
        t->chunk_used = 0;
        grow_array((void **)&t->chunks, &t->chunks_cap, t->nchunks, sizeof *t->chunks);
        t->chunks[t->nchunks++] = t->chunk;
    }
    char *d = t->chunk + t->chunk_used;
    memcpy(d, s, len);
    d[len] = 0;
    t->chunk_used += len + 1;
    return d;
}

static void rehash(kt_strtab *t)
{
    size_t ns = t->nslots ? t->nslots * 2 : 1024;
    uint64_t *slots = xcalloc(ns, sizeof *slots);
    for (size_t k = 0; k < t->nslots; k++) {
        uint64_t e = t->slots[k];
        if (!e)
            continue;
        size_t i = (size_t)(e >> 32) & (ns - 1);
        while (slots[i])
            i = (i + 1) & (ns - 1);
        slots[i] = e;
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = ns;
}

void strtab_init(kt_strtab *t)
{
    memset(t, 0, sizeof *t);
    strtab_intern(t, "");
}

void strtab_free(kt_strtab *t)
{
    for (size_t i = 0; i < t->nchunks; i++)
        free(t->chunks[i]);
    free(t->chunks);
    free(t->strs);
    free(t->lens);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

/* 32 bits of the string's hash; the slot index is taken from the same bits. */
static uint32_t hash32(const char *s, size_t len)
{
    uint64_t h = kt_hash_bytes(s, len);
    return (uint32_t)(h ^ h >> 32);
}

static uint32_t lookup(const kt_strtab *t, const char *s, size_t len, uint32_t h, size_t *slot)
{
    if (!t->nslots)
        return UINT32_MAX;
    size_t i = h & (t->nslots - 1);
    while (t->slots[i]) {
        uint64_t e = t->slots[i];
        uint32_t id = (uint32_t)e - 1;
        if ((uint32_t)(e >> 32) == h && t->lens[id] == len && !memcmp(t->strs[id], s, len))
            return id;
        i = (i + 1) & (t->nslots - 1);
    }
    if (slot)
        *slot = i;
    return UINT32_MAX;
}

uint32_t strtab_intern_n(kt_strtab *t, const char *s, size_t len)
{
    if ((t->n + 1) * 2 > t->nslots)
        rehash(t);
    size_t slot = 0;
    uint32_t h = hash32(s, len);
    uint32_t id = lookup(t, s, len, h, &slot);
    if (id != UINT32_MAX)
        return id;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 256;
        t->strs = xrealloc(t->strs, t->cap * sizeof *t->strs);
        t->lens = xrealloc(t->lens, t->cap * sizeof *t->lens);
    }
    id = (uint32_t)t->n++;
    t->strs[id] = arena_copy(t, s, len);
    t->lens[id] = (uint32_t)len;
    t->slots[slot] = (uint64_t)h << 32 | (id + 1);
    return id;
}

uint32_t strtab_intern(kt_strtab *t, const char *s) { return strtab_intern_n(t, s ? s : "", s ? strlen(s) : 0); }

uint32_t strtab_find(const kt_strtab *t, const char *s)
{
    size_t len = strlen(s);
    return lookup(t, s, len, hash32(s, len), NULL);
}

size_t strtab_bytes(const kt_strtab *t)
{
    size_t b = t->cap * (sizeof *t->strs + sizeof *t->lens) + t->nslots * sizeof *t->slots;
    for (size_t i = 0; i < t->nchunks; i++)
        b += i + 1 == t->nchunks ? t->chunk_cap : 65536;
    return b;
}

void u64map_init(kt_u64map *m) { memset(m, 0, sizeof *m); }

void u64map_free(kt_u64map *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static void u64map_grow(kt_u64map *m)
{
    size_t nc = m->cap ? m->cap * 2 : 1024;
    uint64_t *k = xmalloc(nc * sizeof *k), *v = xmalloc(nc * sizeof *v);
    memset(k, 0xff, nc * sizeof *k);
    for (size_t i = 0; i < m->cap; i++) {
        if (m->keys[i] == UINT64_MAX)
            continue;
        size_t j = kt_hash_u64(m->keys[i]) & (nc - 1);
        while (k[j] != UINT64_MAX)
            j = (j + 1) & (nc - 1);
        k[j] = m->keys[i];
        v[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = k;
    m->vals = v;
    m->cap = nc;
}

void u64map_put(kt_u64map *m, uint64_t key, uint64_t val)
{
    if ((m->n + 1) * 2 > m->cap)
        u64map_grow(m);
    size_t j = kt_hash_u64(key) & (m->cap - 1);
    while (m->keys[j] != UINT64_MAX && m->keys[j] != key)
        j = (j + 1) & (m->cap - 1);
    if (m->keys[j] == UINT64_MAX)
        m->n++;
    m->keys[j] = key;
    m->vals[j] = val;
}

int u64map_get(const kt_u64map *m, uint64_t key, uint64_t *val)
{
    if (!m->cap)
        return 0;
    size_t j = kt_hash_u64(key) & (m->cap - 1);
    while (m->keys[j] != UINT64_MAX) {
        if (m->keys[j] == key) {
            *val = m->vals[j];
            return 1;
        }
        j = (j + 1) & (m->cap - 1);
    }
    return 0;
}

/* meter_map.c — a uint64 → uint32 hash map that can delete, and slabs of
 * fixed-size items found by key (see meter_internal.h).
 *
 * Why not kt_u64map: the meter forgets pods, nodes and volumes once their
 * hours are final, so it needs deletion.  Linear probing with backward-shift
 * deletion keeps lookups tombstone-free however long the collector runs. */
#include <stdlib.h>
#include <string.h>

#include "meter/meter_internal.h"
#include "util/buf.h"

void mtm_free(mt_map *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static size_t slot_of(const mt_map *m, uint64_t key) { return (size_t)kt_hash_u64(key) & (m->cap - 1); }

int mtm_get(const mt_map *m, uint64_t key, uint32_t *val)
{
    if (!m->cap)
        return 0;
    for (size_t i = slot_of(m, key);; i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == UINT64_MAX)
            return 0;
        if (m->keys[i] == key) {
            *val = m->vals[i];
            return 1;
        }
    }
}

static void grow(mt_map *m)
{
    mt_map old = *m;
    m->cap = old.cap ? old.cap * 2 : 64;
    m->keys = xmalloc(m->cap * sizeof *m->keys);
    m->vals = xmalloc(m->cap * sizeof *m->vals);
    memset(m->keys, 0xff, m->cap * sizeof *m->keys);
    m->n = 0;
    for (size_t i = 0; i < old.cap; i++)
        if (old.keys[i] != UINT64_MAX)
            mtm_put(m, old.keys[i], old.vals[i]);
    free(old.keys);
    free(old.vals);
}

void mtm_put(mt_map *m, uint64_t key, uint32_t val)
{
    if ((m->n + 1) * 4 > m->cap * 3)
        grow(m);
    size_t i = slot_of(m, key);
    while (m->keys[i] != UINT64_MAX && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    if (m->keys[i] == UINT64_MAX)
        m->n++;
    m->keys[i] = key;
    m->vals[i] = val;
}

void mtm_del(mt_map *m, uint64_t key)
{
    if (!m->cap)
        return;
    size_t i = slot_of(m, key), mask = m->cap - 1;
    while (m->keys[i] != key) {
        if (m->keys[i] == UINT64_MAX)
            return;
        i = (i + 1) & mask;
    }
    /* Backward shift: move later entries of the probe run into the hole
     * when their home slot does not lie between the hole and them. */
    for (size_t j = (i + 1) & mask;; j = (j + 1) & mask) {
        if (m->keys[j] == UINT64_MAX)
            break;
        size_t home = slot_of(m, m->keys[j]);
        if (((j - home) & mask) >= ((j - i) & mask)) {
            m->keys[i] = m->keys[j];
            m->vals[i] = m->vals[j];
            i = j;
        }
    }
    m->keys[i] = UINT64_MAX;
    m->n--;
}

size_t mtm_bytes(const mt_map *m) { return m->cap * (sizeof *m->keys + sizeof *m->vals); }

void slab_init(mt_slab *s, size_t item_size)
{
    memset(s, 0, sizeof *s);
    s->size = item_size;
}

void slab_free(mt_slab *s)
{
    free(s->items);
    free(s->free_ids);
    mtm_free(&s->map);
    memset(s, 0, sizeof *s);
}

uint32_t slab_find(const mt_slab *s, uint64_t key)
{
    uint32_t i;
    return mtm_get(&s->map, key, &i) ? i : MT_NONE;
}

uint32_t slab_add(mt_slab *s, uint64_t key)
{
    uint32_t i;
    if (s->n_free)
        i = s->free_ids[--s->n_free];
    else {
        if (s->n == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 16;
            s->items = xrealloc(s->items, s->cap * s->size);
        }
        i = (uint32_t)s->n++;
    }
    memset(slab_at(s, i), 0, s->size);
    mt_hdr *h = slab_hdr(s, i);
    h->key = key;
    h->used = 1;
    mtm_put(&s->map, key, i);
    return i;
}

void slab_drop(mt_slab *s, uint32_t i)
{
    mt_hdr *h = slab_hdr(s, i);
    if (!h->used)
        return;
    mtm_del(&s->map, h->key);
    h->used = 0;
    grow_array((void **)&s->free_ids, &s->cap_free, s->n_free, sizeof *s->free_ids);
    s->free_ids[s->n_free++] = i;
}

size_t slab_bytes(const mt_slab *s)
{
    return s->cap * s->size + s->cap_free * sizeof *s->free_ids + mtm_bytes(&s->map);
}

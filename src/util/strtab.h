/* strtab.h — string interning: each distinct string gets a small id (uint32).
 *
 * Why: the engine and the collector hold millions of references to a few
 * thousand names (namespaces, nodes, label keys); an id is 4 bytes, compares
 * with ==, and hashes for free.  Id 0 is always the empty string, so a zeroed
 * struct means "no value".  Strings live in chunks that never move: a pointer
 * from strtab_get stays valid until strtab_free. */
#ifndef KT_STRTAB_H
#define KT_STRTAB_H

#include <stddef.h>
#include <stdint.h>

typedef struct kt_strtab {
    char **strs;          /* id -> string */
    uint32_t *lens;       /* id -> length */
    size_t n, cap;
    uint64_t *slots;      /* open addressing: hash high bits << 32 | id+1; 0 = empty (the hash
                           * bits spare most probes a trip to the string) */
    size_t nslots;
    char *chunk;          /* current arena chunk */
    size_t chunk_used, chunk_cap;
    char **chunks;        /* all chunks, for freeing */
    size_t nchunks, chunks_cap;
} kt_strtab;

void strtab_init(kt_strtab *t);
void strtab_free(kt_strtab *t);
uint32_t strtab_intern(kt_strtab *t, const char *s);
uint32_t strtab_intern_n(kt_strtab *t, const char *s, size_t len);
/* Look up without adding; returns UINT32_MAX when absent. */
uint32_t strtab_find(const kt_strtab *t, const char *s);
static inline const char *strtab_get(const kt_strtab *t, uint32_t id) { return t->strs[id]; }
/* Bytes held (arena + tables), for memory accounting. */
size_t strtab_bytes(const kt_strtab *t);

/* A word-at-a-time multiplicative hash; shared by every hash table in
 * kubetally (in memory only, except block generations of day files). */
uint64_t kt_hash_bytes(const void *p, size_t n);
static inline uint64_t kt_hash_u64(uint64_t x)
{
    x ^= x >> 33; x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* A map from uint64 keys to uint64 values (open addressing, linear probe).
 * Key UINT64_MAX is reserved. */
typedef struct kt_u64map {
    uint64_t *keys, *vals;
    size_t n, cap;
} kt_u64map;

void u64map_init(kt_u64map *m);
void u64map_free(kt_u64map *m);
void u64map_put(kt_u64map *m, uint64_t key, uint64_t val);
/* Returns 1 and sets *val when present. */
int u64map_get(const kt_u64map *m, uint64_t key, uint64_t *val);

#endif

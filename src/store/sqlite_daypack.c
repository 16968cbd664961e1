/* sqlite_daypack.c — what makes day files small (sqlite_dayfile.h): container
 * facts packed, only the fields that are not zero; pods' label, annotation
 * and service lists shared between pods that have the same list.
 *
 * Why: container facts were 60 % of a day file written as raw 200-byte
 * structs, yet a day's fact has no first/last/longest run (set only on
 * summed facts), its span is the file's, GPU fields, GPU cost and GPU idle
 * are zero on almost every container, and a quarter of the other fields
 * equal the previous fact's (replicas of one controller: same requests,
 * same seconds, same node prices).  A packed fact is one word (container
 * index, mask of new fields), a word of fields equal to the previous
 * fact's when there are any, then one word per new field, in the order of
 * cf_field; a field in neither mask is zero.  Every value round-trips bit
 * for bit (money stays double: day files agree with the rows to 1e-12).
 * A fact's start and span are stored only when they differ from the file's
 * (t0, dur0, kept in its header).
 *
 * Lists: a day's 12,000 pods carry ~100 distinct label sets and a handful
 * of annotation sets (one per controller), so a file holds each distinct
 * list once and pods point at it; the reader needs no change (it reads a
 * pod's list at its offset, bounded, as before).
 *
 * Pods and node facts are records of 32-bit fields written the same way
 * (dc_pack_u32),
 * strings are front-coded (dc_pack_strs), database ids varint deltas.
 *
 * The reader trusts nothing: a mask with unknown bits, or a fact running
 * past the section, is refused; the caller bounds the container index and
 * the span as it did for raw facts. */
#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_dayfile.h"
#include "util/strtab.h"

/* The 8-byte fields, in mask-bit order; bits 23 and 24 are t and dur. */
static const size_t cf_field[] = {
    offsetof(ds_container_fact, seconds),         offsetof(ds_container_fact, cpu_req),
    offsetof(ds_container_fact, cpu_use),         offsetof(ds_container_fact, cpu_alloc),
    offsetof(ds_container_fact, ram_req),         offsetof(ds_container_fact, ram_use),
    offsetof(ds_container_fact, ram_alloc),       offsetof(ds_container_fact, gpu),
    offsetof(ds_container_fact, cpu_peak),        offsetof(ds_container_fact, ram_peak),
    offsetof(ds_container_fact, cost[0]),         offsetof(ds_container_fact, cost[1]),
    offsetof(ds_container_fact, cost[2]),         offsetof(ds_container_fact, idle_node[0]),
    offsetof(ds_container_fact, idle_node[1]),    offsetof(ds_container_fact, idle_node[2]),
    offsetof(ds_container_fact, idle_cluster[0]), offsetof(ds_container_fact, idle_cluster[1]),
    offsetof(ds_container_fact, idle_cluster[2]), offsetof(ds_container_fact, fee),
    offsetof(ds_container_fact, first),           offsetof(ds_container_fact, last),
    offsetof(ds_container_fact, longest)};
#define N_FIELDS (sizeof cf_field / sizeof cf_field[0])
#define BIT_T (1u << N_FIELDS)
#define BIT_DUR (1u << (N_FIELDS + 1))
#define BIT_SAME (1u << (N_FIELDS + 2))
#define KNOWN_BITS ((BIT_SAME << 1) - 1)
#define FIELD_BITS (BIT_T - 1)
_Static_assert(N_FIELDS == DCF_FIELDS, "a new container-fact field needs a new day-file magic");
/* every field but container, dur and t is one of the 8-byte ones */
_Static_assert(sizeof(ds_container_fact) == 16 + 8 * N_FIELDS, "container-fact fields out of step with cf_field");
_Static_assert(offsetof(ds_container_fact, seconds) == 16, "the 8-byte fields end the struct");

void dcf_pack(const ds_container_fact *f, size_t n, int64_t t0, int32_t dur0, kt_buf *b)
{
    assert(f || n == 0);
    uint64_t prev[N_FIELDS] = {0};
    for (size_t i = 0; i < n; i++) {
        uint64_t w[N_FIELDS + 4];
        size_t k = 2; /* w[0] head, w[1] same-mask (dropped when empty) */
        uint32_t mask = 0, same = 0;
        for (size_t j = 0; j < N_FIELDS; j++) {
            uint64_t v;
            memcpy(&v, (const char *)(f + i) + cf_field[j], 8);
            if (v && v == prev[j])
                same |= 1u << j;
            else if (v)
                mask |= 1u << j, w[k++] = v;
            prev[j] = v;
        }
        if (f[i].t != t0)
            mask |= BIT_T, memcpy(&w[k++], &f[i].t, 8);
        if (f[i].dur != dur0) {
            int64_t dur = f[i].dur;
            mask |= BIT_DUR, memcpy(&w[k++], &dur, 8);
        }
        if (same)
            mask |= BIT_SAME, w[1] = same;
        w[0] = (uint64_t)mask << 32 | f[i].container;
        buf_add(b, (const char *)w, 8);
        buf_add(b, (const char *)(w + (same ? 1 : 2)), (k - (same ? 1 : 2)) * 8);
    }
}

int dcf_unpack(const uint64_t *w, size_t nw, size_t *pos, int64_t t0, int32_t dur0, uint64_t *prev,
               ds_container_fact *f)
{
    assert(pos && f && prev && *pos <= nw);
    if (*pos >= nw)
        return -1;
    uint64_t head = w[*pos];
    uint32_t mask = (uint32_t)(head >> 32);
    if (mask & ~KNOWN_BITS || (size_t)__builtin_popcount(mask) > nw - *pos - 1)
        return -1;
    const uint64_t *v = w + *pos + 1;
    uint64_t same = 0;
    if (mask & BIT_SAME) {
        same = *v++;
        if (same & ~(uint64_t)FIELD_BITS || same & mask) /* a field is new or the same, not both */
            return -1;
    }
    f->container = (uint32_t)head;
    f->t = t0, f->dur = dur0;
    if ((size_t)(w + nw - v) > N_FIELDS) {
        /* without branches (masks vary fact to fact): a field whose bit is
         * clear reads the next word, masked to 0, and does not advance */
        for (size_t j = 0; j < N_FIELDS; j++) {
            uint64_t bit = mask >> j & 1, x = (*v & (0 - bit)) | (prev[j] & (0 - (same >> j & 1)));
            memcpy((char *)f + cf_field[j], &x, 8);
            prev[j] = x;
            v += bit;
        }
    } else { /* near the section's end: read only the words that are there */
        for (size_t j = 0; j < N_FIELDS; j++) {
            uint64_t x = mask >> j & 1 ? *v++ : same >> j & 1 ? prev[j] : 0;
            memcpy((char *)f + cf_field[j], &x, 8);
            prev[j] = x;
        }
    }
    if (mask & BIT_T)
        memcpy(&f->t, v++, 8);
    if (mask & BIT_DUR) {
        int64_t dur;
        memcpy(&dur, v++, 8);
        if (dur < 0 || dur > INT32_MAX)
            return -1;
        f->dur = (int32_t)dur;
    }
    *pos = (size_t)(v - w);
    return 0;
}

/* --- strings, front-coded --------------------------------------------------
 * A file's strings are mostly names that share a long start with the one
 * written before them (aws-prod-us-east-1-pool-489, then its provider id,
 * then -pool-490 …).  Each string is one byte (how many leading bytes it
 * shares with the previous string, at most 255), its remaining length
 * (LEB128) and those bytes: a third fewer bytes, and no offset table. */

uint64_t dc_pack_strs(const kt_strtab *t, kt_buf *b)
{
    assert(t);
    uint64_t bytes = 0;
    const char *prev = "";
    size_t plen = 0;
    for (size_t i = 0; i < t->n; i++) {
        const char *x = t->strs[i];
        size_t len = t->lens[i], k = 0;
        while (k < len && k < plen && k < 255 && x[k] == prev[k])
            k++;
        unsigned char head[6];
        size_t h = 0, rest = len - k;
        head[h++] = (unsigned char)k;
        do {
            head[h++] = (unsigned char)((rest & 0x7f) | (rest > 0x7f ? 0x80 : 0));
            rest >>= 7;
        } while (rest);
        buf_add(b, (const char *)head, h);
        buf_add(b, x + k, len - k);
        bytes += len + 1;
        prev = x, plen = len;
    }
    return bytes;
}

int dc_unpack_strs(const unsigned char *s, size_t n, uint64_t nstr, uint64_t bytes, char **out, uint32_t **off)
{
    assert(s || n == 0);
    *out = NULL, *off = NULL;
    /* a string takes two bytes at least; each adds at most 255 shared bytes
     * and a NUL; and what a header claims is allocated, so it is bounded by
     * the stream: real tables decode to under 4 times their size (blocks
     * of the demo fleet: 3.8), 16 is refused as damage */
    if (nstr > n / 2 || bytes > nstr * 256 + n || bytes > 16 * (uint64_t)n + 4096 || bytes >= (1u << 30))
        return -1;
    char *buf = xmalloc(bytes + 1);
    uint32_t *o = xmalloc((nstr + 1) * sizeof *o);
    size_t at = 0, pos = 0, plen = 0;
    for (uint64_t i = 0; i < nstr; i++) {
        if (pos >= n)
            goto bad;
        size_t k = s[pos++], len = 0;
        for (int shift = 0;; shift += 7) {
            if (pos >= n || shift > 28)
                goto bad;
            unsigned char c = s[pos++];
            len |= (size_t)(c & 0x7f) << shift;
            if (!(c & 0x80))
                break;
        }
        if (k > plen || len > n - pos || k + len + 1 > bytes - at)
            goto bad;
        if (i)
            memmove(buf + at, buf + o[i - 1], k); /* the previous string's start */
        memcpy(buf + at + k, s + pos, len);
        pos += len;
        o[i] = (uint32_t)at;
        at += k + len;
        buf[at++] = 0;
        plen = k + len;
    }
    if (pos != n || at != bytes)
        goto bad;
    o[nstr] = (uint32_t)at;
    *out = buf, *off = o;
    return 0;
bad:
    free(buf);
    free(o);
    return -1;
}

/* --- database ids, as varint deltas ----------------------------------------
 * Things come in id order mostly (rows are read by id), so the difference
 * from the previous id, zigzagged, takes a byte or two instead of four. */

void dc_pack_ids(const uint32_t *ids, size_t n, kt_buf *b)
{
    assert(ids || n == 0);
    int64_t prev = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t d = (int64_t)ids[i] - prev;
        uint64_t z = d < 0 ? ((uint64_t)(-d) << 1) - 1 : (uint64_t)d << 1;
        unsigned char v[10];
        size_t k = 0;
        do {
            v[k++] = (unsigned char)((z & 0x7f) | (z > 0x7f ? 0x80 : 0));
            z >>= 7;
        } while (z);
        buf_add(b, (const char *)v, k);
        prev = ids[i];
    }
}

int dc_unpack_ids(const unsigned char *s, size_t n, uint64_t count, uint32_t max, uint32_t **out)
{
    assert(s || n == 0);
    *out = NULL;
    if (count > n) /* a byte each at least */
        return -1;
    uint32_t *ids = xmalloc((count + 1) * sizeof *ids);
    size_t pos = 0;
    int64_t prev = 0;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t z = 0;
        for (int shift = 0;; shift += 7) {
            if (pos >= n || shift > 35) {
                free(ids);
                return -1;
            }
            unsigned char c = s[pos++];
            z |= (uint64_t)(c & 0x7f) << shift;
            if (!(c & 0x80))
                break;
        }
        int64_t id = prev + (z & 1 ? -(int64_t)((z + 1) >> 1) : (int64_t)(z >> 1));
        if (id < 0 || id >= max) {
            free(ids);
            return -1;
        }
        ids[i] = (uint32_t)id, prev = id;
    }
    if (pos != n) {
        free(ids);
        return -1;
    }
    *out = ids;
    return 0;
}

/* --- records of 32-bit fields (pods, node facts) ---------------------------
 * A record is a head (masks of its new fields and of those equal to the
 * previous record's) and then its new fields.  Up to 16 fields the head is
 * one word (new in the low 16 bits, same in the high 16); up to 64 it is
 * four (two 64-bit masks).  A day's pod differs from the one before it
 * mostly in its name and node, so 52 bytes become about 12; a node fact
 * (doubles seen as two halves) shares its prices and hours with the nodes
 * of its type before it, and its GPU fields are zero. */

static size_t head_words(size_t nf) { return nf <= 16 ? 1 : 4; }

void dc_pack_u32(const void *recs, size_t n, size_t rec_size, kt_buf *b)
{
    size_t nf = rec_size / 4, hw = head_words(nf);
    assert((recs || n == 0) && rec_size % 4 == 0 && nf <= 64);
    uint32_t prev[64] = {0};
    for (size_t i = 0; i < n; i++) {
        uint32_t r[64], w[68];
        uint64_t fresh = 0, same = 0;
        size_t k = hw;
        memcpy(r, (const char *)recs + i * rec_size, rec_size);
        for (size_t j = 0; j < nf; j++) {
            if (r[j] && r[j] == prev[j])
                same |= 1ULL << j;
            else if (r[j])
                fresh |= 1ULL << j, w[k++] = r[j];
            prev[j] = r[j];
        }
        if (hw == 1)
            w[0] = (uint32_t)(same << 16 | fresh);
        else
            memcpy(w, &fresh, 8), memcpy(w + 2, &same, 8);
        buf_add(b, (const char *)w, k * 4);
    }
}

int dc_unpack_u32(const uint32_t *w, size_t nw, size_t *pos, uint32_t *prev, void *rec, size_t rec_size)
{
    size_t nf = rec_size / 4, hw = head_words(nf);
    assert(pos && prev && rec && rec_size % 4 == 0 && nf <= 64 && *pos <= nw);
    if (nw - *pos < hw)
        return -1;
    uint64_t fresh, same;
    if (hw == 1)
        fresh = w[*pos] & 0xffff, same = w[*pos] >> 16;
    else
        memcpy(&fresh, w + *pos, 8), memcpy(&same, w + *pos + 2, 8);
    if ((nf < 64 && (fresh | same) >> nf) || fresh & same ||
        (size_t)__builtin_popcountll(fresh) > nw - *pos - hw)
        return -1; /* unknown fields, a field both new and the same, or past the section */
    const uint32_t *v = w + *pos + hw;
    for (size_t j = 0; j < nf; j++)
        prev[j] = fresh >> j & 1 ? *v++ : same >> j & 1 ? prev[j] : 0;
    memcpy(rec, prev, rec_size);
    *pos = (size_t)(v - w);
    return 0;
}

/* Offset in out (elements of `elem` bytes) of a list equal to
 * src[off, off + n): an earlier one when the same, else appended. */
static uint32_t share(kt_u64map *seen, const char *src, size_t elem, uint32_t off, uint32_t n, kt_buf *out)
{
    if (n == 0)
        return 0;
    const char *list = src + (size_t)off * elem;
    size_t bytes = (size_t)n * elem;
    uint64_t key = kt_hash_bytes(list, bytes) >> 1, at; /* never UINT64_MAX (reserved) */
    if (u64map_get(seen, key, &at) && at * elem + bytes <= out->len && !memcmp(out->data + at * elem, list, bytes))
        return (uint32_t)at;
    at = out->len / elem;
    buf_add(out, list, bytes);
    if (!u64map_get(seen, key, &(uint64_t){0})) /* a colliding different list keeps the first */
        u64map_put(seen, key, at);
    return (uint32_t)at;
}

void dc_share_lists(const kt_dataset *ds, dc_lists *L)
{
    assert(ds && L);
    memset(L, 0, sizeof *L);
    L->pods = xmalloc((ds->n_pods + 1) * sizeof *L->pods);
    L->namespaces = xmalloc((ds->n_namespaces + 1) * sizeof *L->namespaces);
    kt_u64map kv_seen, svc_seen;
    u64map_init(&kv_seen), u64map_init(&svc_seen);
    const char *kvs = (const char *)ds->kvs, *svcs = (const char *)ds->svcs;
    for (size_t i = 0; i < ds->n_pods; i++) {
        ds_pod p = ds->pods[i];
        p.label_off = share(&kv_seen, kvs, sizeof(ds_kv), p.label_off, p.n_labels, &L->kvs);
        p.ann_off = share(&kv_seen, kvs, sizeof(ds_kv), p.ann_off, p.n_anns, &L->kvs);
        p.svc_off = share(&svc_seen, svcs, sizeof(uint32_t), p.svc_off, p.n_svcs, &L->svcs);
        p.ns_index = 0; /* the dataset's, not the file's: readers link namespaces themselves */
        L->pods[i] = p;
    }
    for (size_t i = 0; i < ds->n_namespaces; i++) {
        ds_namespace x = ds->namespaces[i];
        x.label_off = share(&kv_seen, kvs, sizeof(ds_kv), x.label_off, x.n_labels, &L->kvs);
        x.ann_off = share(&kv_seen, kvs, sizeof(ds_kv), x.ann_off, x.n_anns, &L->kvs);
        L->namespaces[i] = x;
    }
    u64map_free(&kv_seen), u64map_free(&svc_seen);
}

void dc_lists_free(dc_lists *L)
{
    free(L->pods);
    free(L->namespaces);
    buf_free(&L->kvs);
    buf_free(&L->svcs);
}

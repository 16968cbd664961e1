/* sqlite_daycache.c — day files: each UTC day's settled daily rows, with
 * everything they name, as one flat binary file beside the database
 * (PATH.days/DAY.ktd), so a question over whole days reads a few
 * megabytes per day instead of stepping through SQLite rows.
 *
 * A file is a cache, never the truth:
 *  - it is written after the commit that rolled its day up, as a temporary
 *    file renamed into place (readers see the old file or the new one);
 *  - it carries the day's generation (meta 'day_gen:DAY', bumped by every
 *    roll-up, or bill rescale of a day past hourly retention, in the same
 *    transaction as the rows), and is used only when
 *    that matches; a stale, missing, truncated or foreign file sends the
 *    whole question to the rows;
 *  - every count and offset is checked against the file's size before use,
 *    and a checksum of the body catches bytes changed on disk.
 * The layout is this build's structs (dataset.h) written raw, except
 * container facts, which are packed (only their non-zero fields,
 * sqlite_dayfacts.c), and database ids, 32 bits; the header records the
 * structs' sizes, so another build's files are simply not used.
 *
 * The reader folds the days into one dataset with each thing's facts summed
 * (ds_sum_more), deduplicating things by database id, interning a day's
 * strings only for things not seen on an earlier day. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/sqlite_dayfile.h"
#include "util/buf.h"
#include "util/log.h"

#define DC_MAGIC "KTDAY10\n"
#define DC_MAX_FILE (1u << 30) /* a day file over 1 GiB is not one of ours */
/* Database ids index plain arrays (dc_idmap): an id past this (67 M rows of
 * one kind) is taken for damage, and the day is read from the database,
 * rather than sizing an array by it. */
#define DC_MAX_ID ((int64_t)1 << 26)
/* A fact spans at most a block (2^MAX_LEVEL days, sqlite_dayblocks.c) and
 * lies in the years a window may name (1970…9999, util/time). */
#define DC_MAX_SPAN (86400 * 64)
#define DC_MAX_T ((int64_t)253402300800)

/* Sections, in file order. */
enum { S_STRS, S_STRBYTES, S_CLUSTERS, S_NODES, S_PODS, S_KVS, S_SVCS, S_CONTAINERS, S_NAMESPACES, S_VOLUMES,
       S_LBS, S_IDS, S_CF, S_NF, S_VF, S_PVF, S_LBF, S_PLBF, S_FEEF, S_NETF, S_COUNT };

typedef struct dc_header {
    char magic[8];
    int64_t day, gen;
    uint64_t sum;           /* of everything after the header (body_sum): a flipped byte is caught */
    uint32_t elem[S_COUNT]; /* sizeof each element: another build's layout is refused */
    uint64_t n[S_COUNT];    /* elements per section (S_CF: 8-byte words; S_PODS: 4-byte words) */
    uint64_t n_cf, n_pods;  /* container facts packed in S_CF, pods in S_PODS */
    uint64_t n_strs, str_bytes; /* strings front-coded in S_STRS (S_STRBYTES: empty), and their bytes */
    uint64_t n_ids;         /* database ids, varint deltas in S_IDS */
    uint64_t n_nf;          /* node facts packed in S_NF (4-byte words) */
    int64_t cf_t, cf_dur;   /* the span they share, unless a fact gives its own */
} dc_header;

static const uint32_t elem_size[S_COUNT] = {
    1, 1, sizeof(ds_cluster), sizeof(ds_node), sizeof(uint32_t), sizeof(ds_kv), sizeof(uint32_t),
    sizeof(ds_container), sizeof(ds_namespace), sizeof(ds_volume), sizeof(ds_lb), 1,
    sizeof(uint64_t), sizeof(uint32_t), sizeof(ds_volume_fact), sizeof(ds_pod_volume_fact),
    sizeof(ds_lb_fact), sizeof(ds_pod_lb_fact), sizeof(ds_fee_fact), sizeof(ds_network_fact)};

/* A fast word-wise checksum of a body whose length is a multiple of 8
 * (every section is padded): detects corruption, not tampering.  Four
 * independent lanes, so the multiplies overlap.  It is taken as the body
 * is read (sum_upto after each piece), while the bytes are in cache; a
 * mismatch at the end discards everything read from the file. */
typedef struct body_summer {
    const char *p; /* the body */
    size_t n, pos; /* its length; bytes summed so far (a multiple of 32 until the end) */
    uint64_t h[4];
    const char *given; /* of a mapped file: pages before this are given back */
    int mapped;
} body_summer;

static uint64_t mix(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0xff51afd7ed558ccdULL;
    return h ^ (h >> 29);
}

static void sum_init(body_summer *S, const char *p, size_t n, int mapped)
{
    static const uint64_t seed[4] = {0x9e3779b97f4a7c15ULL, 0xc2b2ae3d27d4eb4fULL, 0x165667b19e3779f9ULL,
                                     0x27d4eb2f165667c5ULL};
    memset(S, 0, sizeof *S);
    S->p = p, S->n = n, S->given = p, S->mapped = mapped;
    memcpy(S->h, seed, sizeof seed);
}

/* Sum the body up to `upto` (rounded down to whole 32-byte lanes); pages
 * of a mapped file already summed and read are given back, so a large
 * block is never resident whole. */
static void sum_upto(body_summer *S, const char *upto)
{
    size_t end = upto > S->p + S->n ? S->n : (size_t)(upto - S->p);
    end &= ~(size_t)31;
    for (; S->pos < end; S->pos += 32) {
        uint64_t w[4];
        memcpy(w, S->p + S->pos, 32);
        for (int k = 0; k < 4; k++)
            S->h[k] = mix(S->h[k], w[k]);
    }
    const char *at = S->p + S->pos;
    if (S->mapped && at - S->given >= (1 << 20)) {
        const char *lo = (const char *)(((uintptr_t)S->given + 4095) & ~(uintptr_t)4095);
        const char *hi = (const char *)((uintptr_t)at & ~(uintptr_t)4095);
        if (hi > lo)
            madvise((void *)lo, (size_t)(hi - lo), MADV_DONTNEED);
        S->given = at;
    }
}

static uint64_t sum_final(body_summer *S)
{
    sum_upto(S, S->p + S->n);
    for (; S->pos + 8 <= S->n; S->pos += 8) {
        uint64_t w;
        memcpy(&w, S->p + S->pos, 8);
        S->h[0] = mix(S->h[0], w);
    }
    return mix(mix(mix(S->h[0], S->h[1]), S->h[2]), S->h[3] ^ S->n);
}

static uint64_t body_sum(const char *p, size_t n)
{
    body_summer S;
    sum_init(&S, p, n, 0);
    return sum_final(&S);
}

static void dir_of(const kt_store *s, char *buf, size_t n) { snprintf(buf, n, "%s.days", s->url); }

void dc_file_of(const kt_store *s, int64_t day, char *buf, size_t n)
{
    snprintf(buf, n, "%s.days/%lld.ktd", s->url, (long long)day);
}

/* --- writing -------------------------------------------------------------- */

static int64_t day_gen(kt_store *s, int64_t day)
{
    char key[48], val[32];
    kt_err err;
    snprintf(key, sizeof key, "day_gen:%lld", (long long)day);
    return store_get_meta(s, key, val, sizeof val, &err) == 1 ? atoll(val) : 0;
}

/* Ids of things, in section order: clusters, nodes, pods, containers,
 * volumes, lbs (each dataset's count of them), packed onto b; -1 when one
 * is past what a reader accepts (DC_MAX_ID), and the file is not written. */
static int put_ids(kt_buf *b, const kt_dataset *ds, const sq_ids *ids, uint64_t *count)
{
    const int64_t *of[6] = {ids->cluster, ids->node, ids->pod, ids->container, ids->volume, ids->lb};
    size_t n[6] = {ds->n_clusters, ds->n_nodes, ds->n_pods, ds->n_containers, ds->n_volumes, ds->n_lbs};
    uint32_t *all = xmalloc((n[0] + n[1] + n[2] + n[3] + n[4] + n[5] + 1) * sizeof *all);
    size_t m = 0;
    int rc = 0;
    for (int k = 0; k < 6; k++)
        for (size_t i = 0; i < n[k]; i++) {
            if (of[k][i] < 0 || of[k][i] >= DC_MAX_ID)
                rc = -1;
            all[m++] = (uint32_t)of[k][i];
        }
    dc_pack_ids(all, m, b);
    *count = m;
    free(all);
    return rc;
}

/* Every section starts 8-byte aligned, so its structs can be read in place. */
static void align8(kt_buf *b)
{
    static const char pad[8];
    buf_add(b, pad, (8 - b->len % 8) % 8);
}

int dc_serialize(const kt_dataset *ds, const sq_ids *ids, int64_t day, int64_t gen, kt_buf *b)
{
    assert(ds && ids && b);
    dc_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, DC_MAGIC, 8);
    h.day = day, h.gen = gen;
    memcpy(h.elem, elem_size, sizeof h.elem);
    h.n_cf = ds->n_cfacts;
    h.cf_t = ds->n_cfacts ? ds->cfacts[0].t : day;
    h.cf_dur = ds->n_cfacts ? ds->cfacts[0].dur : 86400;
    h.n_pods = ds->n_pods;
    kt_buf cf = {0}, pods = {0}, nf = {0};
    h.n_nf = ds->n_nfacts;
    dc_pack_u32(ds->nfacts, ds->n_nfacts, sizeof *ds->nfacts, &nf);
    dcf_pack(ds->cfacts, ds->n_cfacts, h.cf_t, (int32_t)h.cf_dur, &cf);
    kt_buf strs = {0};
    h.n_strs = ds->strs.n;
    h.str_bytes = dc_pack_strs(&ds->strs, &strs);
    dc_lists L;
    dc_share_lists(ds, &L);
    dc_pack_u32(L.pods, ds->n_pods, sizeof *L.pods, &pods);
    kt_buf idb = {0};
    int rc = put_ids(&idb, ds, ids, &h.n_ids);
    uint64_t n[S_COUNT] = {strs.len, 0, ds->n_clusters, ds->n_nodes, pods.len / 4, L.kvs.len / sizeof(ds_kv),
                           L.svcs.len / sizeof(uint32_t),
                           ds->n_containers, ds->n_namespaces, ds->n_volumes, ds->n_lbs,
                           idb.len,
                           cf.len / 8, nf.len / 4, ds->n_vfacts, ds->n_pvfacts, ds->n_lbfacts, ds->n_plbfacts,
                           ds->n_feefacts, ds->n_netfacts};
    memcpy(h.n, n, sizeof h.n);
    buf_add(b, (const char *)(&h), sizeof h);
    buf_add(b, strs.data, strs.len);
    align8(b);
#define RAW(arr) (buf_add(b, (const char *)(ds->arr), ds->n_##arr * sizeof *ds->arr), align8(b))
    RAW(clusters), RAW(nodes);
    buf_add(b, pods.data, pods.len), align8(b);
    buf_add(b, L.kvs.data, L.kvs.len), align8(b);
    buf_add(b, L.svcs.data, L.svcs.len), align8(b);
    RAW(containers);
    buf_add(b, (const char *)L.namespaces, ds->n_namespaces * sizeof *L.namespaces), align8(b);
    RAW(volumes), RAW(lbs);
    buf_add(b, idb.data, idb.len);
    align8(b);
    buf_add(b, cf.data, cf.len);
    buf_add(b, nf.data, nf.len), align8(b);
    RAW(vfacts), RAW(pvfacts), RAW(lbfacts), RAW(plbfacts), RAW(feefacts), RAW(netfacts);
#undef RAW
    uint64_t sum = body_sum(b->data + sizeof h, b->len - sizeof h);
    memcpy(b->data + offsetof(dc_header, sum), &sum, sizeof sum);
    buf_free(&strs);
    buf_free(&idb);
    buf_free(&cf);
    buf_free(&pods);
    buf_free(&nf);
    dc_lists_free(&L);
    return rc;
}

int dc_write_file(const char *path, const kt_buf *b)
{
    char tmp[1200];
    /* pid and thread: collector threads of one process may write the same day */
    snprintf(tmp, sizeof tmp, "%s.tmp%d.%d", path, (int)getpid(), (int)gettid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    size_t done = 0;
    while (done < b->len) {
        ssize_t w = write(fd, b->data + done, b->len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    int ok = done == b->len;
    ok = close(fd) == 0 && ok; /* closed once, whatever happened */
    if (!ok || rename(tmp, path)) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

int sq_daycache_write(kt_store *s, int64_t day)
{
    char dir[1100], path[1100];
    kt_err err = {0};
    dir_of(s, dir, sizeof dir);
    dc_file_of(s, day, path, sizeof path);
    mkdir(dir, 0700);
    if (sq_exec(s, "BEGIN", "day file", &err))
        return -1;
    s->in_txn = 1;
    kt_dataset ds;
    sq_ids ids;
    int64_t gen = day_gen(s, day);
    int rc = sq_load_rows(s, "d", day, day + 86400, &ds, &ids, &err);
    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    s->in_txn = 0;
    if (rc) {
        unlink(path); /* a stale file must not outlive its day's rows */
        return -1;
    }
    kt_buf b = {0};
    rc = dc_serialize(&ds, &ids, day, gen, &b);
    if (!rc)
        rc = dc_write_file(path, &b);
    if (rc) {
        unlink(path);
        log_warn("day file %s not written (%s); questions over that day read the database", path, strerror(errno));
    }
    buf_free(&b);
    sq_ids_free(&ids);
    ds_free(&ds);
    return rc;
}

int sq_daycache_refresh(kt_store *s, int64_t day)
{
    char path[1100];
    int64_t gen = day_gen(s, day);
    if (!gen) /* never rolled up: no rows, no file */
        return 0;
    dc_file_of(s, day, path, sizeof path);
    return dc_file_valid(path, day, gen) ? 0 : sq_daycache_write(s, day);
}

/* --- reading -------------------------------------------------------------- */

static uint32_t idmap_get(const dc_idmap *m, int64_t id)
{
    return id >= 0 && (uint64_t)id < m->cap ? m->v[id] : KT_NONE;
}

static void idmap_put(dc_idmap *m, int64_t id, uint32_t val)
{
    assert(id >= 0 && id < DC_MAX_ID); /* parse() checked every id */
    if ((uint64_t)id >= m->cap) {
        size_t cap = m->cap ? m->cap : 4096;
        while (cap <= (uint64_t)id)
            cap *= 2;
        m->v = xrealloc(m->v, cap * sizeof *m->v);
        memset(m->v + m->cap, 0xff, (cap - m->cap) * sizeof *m->v);
        m->cap = cap;
    }
    m->v[id] = val;
}

/* One day file, checked: section pointers into buf. */
typedef struct dayfile {
    const dc_header *h;
    const void *sec[S_COUNT];
    uint32_t *ids;     /* database ids, decoded (malloc'd) */
    uint32_t *str_off; /* the strings, decoded (malloc'd) */
    char *str_bytes;
    uint64_t cnt[S_COUNT]; /* things or facts per section (the header's n but for packed ones) */
    uint32_t *lmap; /* local string id -> dataset id (UINT32_MAX: not interned yet) */
    /* a list's file offset -> its length << 32 | dataset offset + 1 (0: not
     * added yet): pods of a file share lists (sqlite_daypack.c), and so do
     * their copies in the dataset */
    uint64_t *kv_lists, *svc_lists;
    body_summer sum; /* the checksum, taken as the file is read */
} dayfile;

static int parse(const char *buf, size_t len, int64_t day, int64_t gen, dayfile *d)
{
    if (len < sizeof(dc_header))
        return -1;
    d->h = (const dc_header *)buf;
    if (memcmp(d->h->magic, DC_MAGIC, 8) || d->h->day != day || d->h->gen != gen ||
        memcmp(d->h->elem, elem_size, sizeof elem_size))
        return -1;
    if ((len - sizeof(dc_header)) % 8)
        return -1;
    size_t off = sizeof(dc_header);
    for (int i = 0; i < S_COUNT; i++) {
        if (off > len || d->h->n[i] > len / (elem_size[i] ? elem_size[i] : 1))
            return -1;
        size_t size = (size_t)d->h->n[i] * elem_size[i];
        if (size > len - off)
            return -1;
        d->sec[i] = buf + off;
        off += size;
        if (i != S_STRS) /* the strings are followed by the (empty) bytes; every other section ends aligned */
            off = (off + 7) & ~(size_t)7;
    }
    if (off != len || d->h->n[S_STRBYTES] != 0 || d->h->n_strs < 1)
        return -1;
    memcpy(d->cnt, d->h->n, sizeof d->cnt);
    d->cnt[S_CF] = d->h->n_cf, d->cnt[S_PODS] = d->h->n_pods, d->cnt[S_IDS] = d->h->n_ids;
    d->cnt[S_NF] = d->h->n_nf;
    /* each packed fact, pod or node fact is at least a word */
    if (d->h->n_cf > d->h->n[S_CF] || d->h->n_pods > d->h->n[S_PODS] || d->h->n_nf > d->h->n[S_NF])
        return -1;
    const uint64_t *n = d->cnt;
    if (n[S_IDS] != n[S_CLUSTERS] + n[S_NODES] + n[S_PODS] + n[S_CONTAINERS] + n[S_VOLUMES] + n[S_LBS])
        return -1; /* one id per thing, read in step with them */
    /* the facts' shared span is bounded like a fact's own */
    if (d->h->cf_dur < 0 || d->h->cf_dur > DC_MAX_SPAN)
        return -1;
    /* last, as they allocate (the caller frees): every id under DC_MAX_ID,
     * every string inside its bytes */
    if (dc_unpack_ids(d->sec[S_IDS], d->h->n[S_IDS], d->h->n_ids, DC_MAX_ID, &d->ids))
        return -1;
    if (dc_unpack_strs(d->sec[S_STRS], d->h->n[S_STRS], d->h->n_strs, d->h->str_bytes, &d->str_bytes, &d->str_off)) {
        free(d->ids);
        return -1;
    }
    return 0;
}

static uint32_t str(dc_reader *R, dayfile *d, uint32_t local)
{
    if (local >= d->h->n_strs)
        return 0;
    if (d->lmap[local] == UINT32_MAX)
        d->lmap[local] = strtab_intern_n(&R->ds->strs, d->str_bytes + d->str_off[local],
                                         d->str_off[local + 1] - d->str_off[local] - 1);
    return d->lmap[local];
}

/* The dataset index of thing `kind` with database id `id`, or KT_NONE. */
static uint32_t known(const dc_reader *R, int kind, int64_t id) { return idmap_get(&R->seen[kind], id); }

#define SEC(d, i, type) ((const type *)(d)->sec[i])

_Static_assert(sizeof(ds_kv) == 2 * sizeof(uint32_t), "a kv list is read as string ids");
_Static_assert(sizeof(ds_pod) % 4 == 0 && sizeof(ds_pod) <= 64, "pods are packed as 32-bit records");
_Static_assert(sizeof(ds_node_fact) % 4 == 0 && sizeof(ds_node_fact) <= 256, "node facts are packed as 32-bit records");

/* The dataset offset of the file's label/annotation list (kv = 1: n pairs
 * of S_KVS) or service list (kv = 0: n of S_SVCS) at off, bounded by the
 * caller: its strings interned and the list added on first use. */
static uint32_t list_at(dc_reader *R, dayfile *d, int kv, uint32_t off, uint32_t n)
{
    if (n == 0)
        return 0;
    uint64_t *c = kv ? &d->kv_lists[off] : &d->svc_lists[off];
    if (*c && (uint32_t)(*c >> 32) == n)
        return (uint32_t)*c - 1;
    const uint32_t *local = kv ? (const uint32_t *)(SEC(d, S_KVS, ds_kv) + off) : SEC(d, S_SVCS, uint32_t) + off;
    uint32_t ids[256];
    for (uint32_t j = 0; j < (kv ? 2 * n : n); j++) /* a ds_kv is two string ids */
        ids[j] = str(R, d, local[j]);
    uint32_t at = kv ? ds_add_kv_list(R->ds, ids, n) : ds_add_svc_list(R->ds, ids, n);
    if (!*c)
        *c = (uint64_t)n << 32 | (at + 1ULL);
    return at;
}

/* Things of one day into the dataset; lidx[kind][local] = dataset index. */
static int add_things(dc_reader *R, dayfile *d, uint32_t **lidx)
{
    kt_dataset *ds = R->ds;
    const uint32_t *id = d->ids;
    const uint64_t *n = d->cnt;
    static const int sec_of[6] = {S_CLUSTERS, S_NODES, S_PODS, S_CONTAINERS, S_VOLUMES, S_LBS};
    for (int k = 0; k < 6; k++)
        lidx[k] = xmalloc((n[sec_of[k]] + 1) * sizeof **lidx);
    for (uint64_t i = 0; i < n[S_CLUSTERS]; i++, id++) {
        const ds_cluster *c = SEC(d, S_CLUSTERS, ds_cluster) + i;
        uint32_t g = known(R, K_CLUSTER, *id);
        if (g == KT_NONE) {
            g = (uint32_t)ds->n_clusters;
            grow_array((void **)&ds->clusters, &ds->cap_clusters, ds->n_clusters, sizeof *ds->clusters);
            ds->clusters[ds->n_clusters++] = (ds_cluster){str(R, d, c->name), str(R, d, c->provider),
                                                          str(R, d, c->region), str(R, d, c->currency)};
            idmap_put(&R->seen[K_CLUSTER], *id, g);
        }
        lidx[K_CLUSTER][i] = g;
    }
    for (uint64_t i = 0; i < n[S_NODES]; i++, id++) {
        ds_node x = SEC(d, S_NODES, ds_node)[i];
        uint32_t g = known(R, K_NODE, *id);
        if (g == KT_NONE) {
            if (x.cluster >= n[S_CLUSTERS])
                return -1;
            x.cluster = lidx[K_CLUSTER][x.cluster];
            x.name = str(R, d, x.name), x.provider = str(R, d, x.provider), x.region = str(R, d, x.region);
            x.zone = str(R, d, x.zone), x.instance_type = str(R, d, x.instance_type), x.pool = str(R, d, x.pool);
            x.provider_id = str(R, d, x.provider_id);
            g = (uint32_t)ds->n_nodes;
            grow_array((void **)&ds->nodes, &ds->cap_nodes, ds->n_nodes, sizeof *ds->nodes);
            ds->nodes[ds->n_nodes++] = x;
            idmap_put(&R->seen[K_NODE], *id, g);
        }
        lidx[K_NODE][i] = g;
    }
    const ds_kv *kvs = SEC(d, S_KVS, ds_kv);
    const uint32_t *pw = SEC(d, S_PODS, uint32_t);
    size_t ppos = 0;
    uint32_t pprev[64] = {0};
    for (uint64_t i = 0; i < n[S_PODS]; i++, id++) {
        ds_pod pod, *p = &pod; /* decoded whether new or not: each builds on the one before */
        if (dc_unpack_u32(pw, d->h->n[S_PODS], &ppos, pprev, &pod, sizeof pod))
            return -1;
        uint32_t g = known(R, K_POD, *id);
        if (g == KT_NONE) {
            if (p->cluster >= n[S_CLUSTERS] || (p->node != KT_NONE && p->node >= n[S_NODES]) ||
                (uint64_t)p->label_off + p->n_labels > n[S_KVS] || (uint64_t)p->ann_off + p->n_anns > n[S_KVS] ||
                (uint64_t)p->svc_off + p->n_svcs > n[S_SVCS] || p->n_labels > 128 || p->n_anns > 128 || p->n_svcs > 256)
                return -1;
            uint32_t lo = list_at(R, d, 1, p->label_off, p->n_labels), ao = list_at(R, d, 1, p->ann_off, p->n_anns);
            uint32_t so = list_at(R, d, 0, p->svc_off, p->n_svcs);
            g = ds_add_pod_lists(ds, lidx[K_CLUSTER][p->cluster], p->node == KT_NONE ? KT_NONE : lidx[K_NODE][p->node],
                                 str(R, d, p->namespace_), str(R, d, p->name), str(R, d, p->controller_kind),
                                 str(R, d, p->controller), lo, p->n_labels, ao, p->n_anns, so, p->n_svcs);
            idmap_put(&R->seen[K_POD], *id, g);
        }
        lidx[K_POD][i] = g;
    }
    if (ppos != d->h->n[S_PODS]) /* words no pod accounted for */
        return -1;
    for (uint64_t i = 0; i < n[S_CONTAINERS]; i++, id++) {
        const ds_container *c = SEC(d, S_CONTAINERS, ds_container) + i;
        uint32_t g = known(R, K_CONTAINER, *id);
        if (g == KT_NONE) {
            if (c->pod >= n[S_PODS])
                return -1;
            g = ds_add_container_id(ds, lidx[K_POD][c->pod], str(R, d, c->name));
            idmap_put(&R->seen[K_CONTAINER], *id, g);
        }
        lidx[K_CONTAINER][i] = g;
    }
    for (uint64_t i = 0; i < n[S_VOLUMES]; i++, id++) {
        ds_volume v = SEC(d, S_VOLUMES, ds_volume)[i];
        uint32_t g = known(R, K_VOLUME, *id);
        if (g == KT_NONE) {
            if (v.cluster >= n[S_CLUSTERS])
                return -1;
            v.cluster = lidx[K_CLUSTER][v.cluster], v.name = str(R, d, v.name);
            v.storage_class = str(R, d, v.storage_class), v.claim_ns = str(R, d, v.claim_ns);
            v.claim_name = str(R, d, v.claim_name), v.provider_id = str(R, d, v.provider_id);
            g = (uint32_t)ds->n_volumes;
            grow_array((void **)&ds->volumes, &ds->cap_volumes, ds->n_volumes, sizeof *ds->volumes);
            ds->volumes[ds->n_volumes++] = v;
            idmap_put(&R->seen[K_VOLUME], *id, g);
        }
        lidx[K_VOLUME][i] = g;
    }
    for (uint64_t i = 0; i < n[S_LBS]; i++, id++) {
        ds_lb l = SEC(d, S_LBS, ds_lb)[i];
        uint32_t g = known(R, K_LB, *id);
        if (g == KT_NONE) {
            if (l.cluster >= n[S_CLUSTERS])
                return -1;
            l.cluster = lidx[K_CLUSTER][l.cluster], l.namespace_ = str(R, d, l.namespace_);
            l.name = str(R, d, l.name), l.ip = str(R, d, l.ip);
            g = (uint32_t)ds->n_lbs;
            grow_array((void **)&ds->lbs, &ds->cap_lbs, ds->n_lbs, sizeof *ds->lbs);
            ds->lbs[ds->n_lbs++] = l;
            idmap_put(&R->seen[K_LB], *id, g);
        }
        lidx[K_LB][i] = g;
    }
    for (uint64_t i = 0; i < n[S_NAMESPACES]; i++) {
        const ds_namespace *x = SEC(d, S_NAMESPACES, ds_namespace) + i;
        if (x->cluster >= n[S_CLUSTERS] || (uint64_t)x->label_off + x->n_labels > n[S_KVS] ||
            (uint64_t)x->ann_off + x->n_anns > n[S_KVS])
            return -1;
        uint32_t cl = lidx[K_CLUSTER][x->cluster], name = str(R, d, x->name);
        uint64_t key = (uint64_t)cl << 32 | name, v;
        if (u64map_get(&R->ns_seen, key, &v))
            continue;
        const char *lab[258], *ann[258];
        size_t nl = 0, na = 0;
        for (uint32_t j = 0; j < x->n_labels && nl < 256; j++)
            lab[nl++] = strtab_get(&ds->strs, str(R, d, kvs[x->label_off + j].key)),
            lab[nl++] = strtab_get(&ds->strs, str(R, d, kvs[x->label_off + j].value));
        for (uint32_t j = 0; j < x->n_anns && na < 256; j++)
            ann[na++] = strtab_get(&ds->strs, str(R, d, kvs[x->ann_off + j].key)),
            ann[na++] = strtab_get(&ds->strs, str(R, d, kvs[x->ann_off + j].value));
        lab[nl] = ann[na] = NULL;
        u64map_put(&R->ns_seen, key, ds_add_namespace(ds, cl, strtab_get(&ds->strs, name), lab, ann));
    }
    return 0;
}

/* Facts of one day, their references rewritten, appended then folded. */
static int add_facts(dc_reader *R, dayfile *d, uint32_t **lidx)
{
    kt_dataset *ds = R->ds;
    const uint64_t *n = d->cnt;
#define FACTS(sec, type, push, body) \
    for (uint64_t i = 0; i < n[sec]; i++) { type f = SEC(d, sec, type)[i]; body; push(ds, &f); }
#define REF(field, kind, sec) if (f.field >= n[sec]) return -1; f.field = lidx[kind][f.field]
    const uint64_t *words = SEC(d, S_CF, uint64_t);
    size_t pos = 0;
    uint64_t prev[DCF_FIELDS] = {0};
    for (uint64_t i = 0; i < d->h->n_cf; i++) {
        ds_container_fact f;
        if (dcf_unpack(words, d->h->n[S_CF], &pos, d->h->cf_t, (int32_t)d->h->cf_dur, prev, &f))
            return -1;
        REF(container, K_CONTAINER, S_CONTAINERS);
        /* times are turned into integers as facts are folded: a damaged
         * span or run time (found by the checksum only at the end) must not
         * reach them */
        if (f.dur < 0 || f.dur > DC_MAX_SPAN || !(f.seconds >= 0 && f.seconds <= f.dur + 1.0) ||
            f.t < -DC_MAX_T || f.t > DC_MAX_T)
            return -1;
        if (R->daily)
            ds_push_cfact(ds, &f);
        else
            ds_sum_cfact(ds, &R->sum, &f);
        if ((i & 1023) == 1023) /* checksum what was just folded, while it is in cache */
            sum_upto(&d->sum, (const char *)(words + pos));
    }
    if (pos != d->h->n[S_CF]) /* words no fact accounted for */
        return -1;
    size_t npos = 0;
    uint32_t nprev[64] = {0};
    for (uint64_t i = 0; i < n[S_NF]; i++) {
        ds_node_fact f;
        if (dc_unpack_u32(SEC(d, S_NF, uint32_t), d->h->n[S_NF], &npos, nprev, &f, sizeof f))
            return -1;
        REF(node, K_NODE, S_NODES);
        f.source = str(R, d, f.source);
        ds_push_nfact(ds, &f);
    }
    if (npos != d->h->n[S_NF])
        return -1;
    FACTS(S_VF, ds_volume_fact, ds_push_vfact, REF(volume, K_VOLUME, S_VOLUMES); f.source = str(R, d, f.source))
    FACTS(S_PVF, ds_pod_volume_fact, ds_push_pvfact, REF(pod, K_POD, S_PODS); REF(volume, K_VOLUME, S_VOLUMES))
    FACTS(S_LBF, ds_lb_fact, ds_push_lbfact, REF(lb, K_LB, S_LBS); f.source = str(R, d, f.source))
    FACTS(S_PLBF, ds_pod_lb_fact, ds_push_plbfact, REF(pod, K_POD, S_PODS); REF(lb, K_LB, S_LBS))
    FACTS(S_FEEF, ds_fee_fact, ds_push_feefact, REF(cluster, K_CLUSTER, S_CLUSTERS); f.kind = str(R, d, f.kind))
    FACTS(S_NETF, ds_network_fact, ds_push_netfact, REF(pod, K_POD, S_PODS))
#undef FACTS
#undef REF
    if (!R->daily)
        ds_sum_more(ds, &R->sum);
    return 0;
}

/* Map a day file (populated at once: one fault per file, not per page);
 * unmapped after its day, so at most one day is resident at a time. */
static const char *map_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) || st.st_size <= 0 || (uint64_t)st.st_size > DC_MAX_FILE) {
        close(fd);
        return NULL;
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return NULL;
    *len = (size_t)st.st_size;
    return p;
}

int dc_read_file(dc_reader *R, const char *path, int64_t day, int64_t gen)
{
    size_t len;
    dayfile d;
    const char *buf = map_file(path, &len);
    if (!buf)
        return -1;
    if (parse(buf, len, day, gen, &d)) {
        munmap((void *)buf, len);
        return -1;
    }
    d.lmap = xmalloc(d.h->n_strs * sizeof *d.lmap);
    d.kv_lists = xcalloc(d.h->n[S_KVS] + 1, sizeof *d.kv_lists);
    d.svc_lists = xcalloc(d.h->n[S_SVCS] + 1, sizeof *d.svc_lists);
    memset(d.lmap, 0xff, d.h->n_strs * sizeof *d.lmap);
    sum_init(&d.sum, buf + sizeof(dc_header), len - sizeof(dc_header), 1);
    uint32_t *lidx[6] = {NULL};
    int rc = add_things(R, &d, lidx);
    if (!rc)
        rc = add_facts(R, &d, lidx);
    /* a damaged file's facts were folded, but the whole read is discarded */
    if (!rc && sum_final(&d.sum) != d.h->sum)
        rc = -1;
    for (int k = 0; k < 6; k++)
        free(lidx[k]);
    free(d.lmap);
    free(d.str_bytes);
    free(d.str_off);
    free(d.ids);
    free(d.kv_lists);
    free(d.svc_lists);
    munmap((void *)buf, len);
    return rc;
}

int dc_file_valid(const char *path, int64_t day, int64_t gen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    dc_header h;
    if (fd < 0)
        return 0;
    int ok = read(fd, &h, sizeof h) == (ssize_t)sizeof h && !memcmp(h.magic, DC_MAGIC, 8) && h.day == day &&
             h.gen == gen;
    close(fd);
    return ok;
}

int dc_file_counts(const char *path, dc_counts *c)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    dc_header h;
    struct stat st;
    if (fd < 0)
        return -1;
    int ok = fstat(fd, &st) == 0 && read(fd, &h, sizeof h) == (ssize_t)sizeof h && !memcmp(h.magic, DC_MAGIC, 8);
    for (int k = 0; ok && k < S_COUNT; k++) /* counts the file cannot hold are not believed */
        ok = h.n[k] <= (uint64_t)st.st_size / (elem_size[k] ? elem_size[k] : 1);
    close(fd);
    if (!ok || h.n_cf > h.n[S_CF] || h.n_pods > h.n[S_PODS])
        return -1;
    *c = (dc_counts){h.n_cf, h.n_pods, h.n[S_CONTAINERS], h.n[S_KVS], h.n[S_SVCS]};
    return 0;
}

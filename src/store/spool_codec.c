/* spool_codec.c — store puts as spool records and back (spool.h's
 * payload): the writing handle's ops table, and sp_apply, which performs a
 * payload's puts on another store.
 *
 * One table describes each put: its argument struct's fields (offset and
 * type), the kind of thing it makes (its id) and where its hour is, so
 * encoding and decoding are one loop each and cannot drift apart. */
#include "store/spool_internal.h"

#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum { F_STR, F_I64, F_F64, F_INT, F_REF, F_KV, F_STRS };
#define NO_STR 0xffffffffu

typedef struct sp_field {
    unsigned char type, kind; /* kind: of F_REF */
    unsigned short off, off_n; /* off_n: the count of F_KV / F_STRS */
} sp_field;

/* Puts whose arguments are not one struct get one here. */
typedef struct sp_container { int64_t pod_id; const char *name; } sp_container;
typedef struct sp_namespace {
    int64_t cluster_id;
    const char *name;
    const kt_kv *labels;
    size_t n_labels;
    const kt_kv *annotations;
    size_t n_annotations;
} sp_namespace;
typedef struct sp_meta { const char *key, *value; } sp_meta;

#define S(T, m) {F_STR, 0, offsetof(T, m), 0}
#define I(T, m) {F_I64, 0, offsetof(T, m), 0}
#define D(T, m) {F_F64, 0, offsetof(T, m), 0}
#define N(T, m) {F_INT, 0, offsetof(T, m), 0}
#define R(T, m, k) {F_REF, k, offsetof(T, m), 0}
#define KV(T, m, n) {F_KV, 0, offsetof(T, m), offsetof(T, n)}
#define SS(T, m, n) {F_STRS, 0, offsetof(T, m), offsetof(T, n)}

static const sp_field f_cluster[] = {S(kt_cluster_rec, name), S(kt_cluster_rec, provider), S(kt_cluster_rec, region),
                                     S(kt_cluster_rec, currency), S(kt_cluster_rec, source)};
static const sp_field f_node[] = {
    R(kt_node_rec, cluster_id, SPK_CLUSTER), S(kt_node_rec, name), S(kt_node_rec, provider), S(kt_node_rec, region),
    S(kt_node_rec, zone), S(kt_node_rec, instance_type), S(kt_node_rec, pool), S(kt_node_rec, provider_id),
    S(kt_node_rec, gpu_type), S(kt_node_rec, arch), S(kt_node_rec, os), N(kt_node_rec, spot),
    D(kt_node_rec, cpu_cores), D(kt_node_rec, ram_bytes), D(kt_node_rec, gpus)};
static const sp_field f_pod[] = {
    R(kt_pod_rec, cluster_id, SPK_CLUSTER), R(kt_pod_rec, node_id, SPK_NODE), S(kt_pod_rec, namespace),
    S(kt_pod_rec, name), S(kt_pod_rec, uid), S(kt_pod_rec, controller_kind), S(kt_pod_rec, controller),
    KV(kt_pod_rec, labels, n_labels), KV(kt_pod_rec, annotations, n_annotations),
    SS(kt_pod_rec, services, n_services)};
static const sp_field f_container[] = {R(sp_container, pod_id, SPK_POD), S(sp_container, name)};
static const sp_field f_volume[] = {R(kt_volume_rec, cluster_id, SPK_CLUSTER), S(kt_volume_rec, name),
                                    S(kt_volume_rec, storage_class), S(kt_volume_rec, claim_namespace),
                                    S(kt_volume_rec, claim_name), S(kt_volume_rec, provider_id),
                                    S(kt_volume_rec, volume_type)};
static const sp_field f_lb[] = {R(kt_lb_rec, cluster_id, SPK_CLUSTER), S(kt_lb_rec, namespace), S(kt_lb_rec, name),
                                S(kt_lb_rec, ip), N(kt_lb_rec, private_ip)};
static const sp_field f_namespace[] = {R(sp_namespace, cluster_id, SPK_CLUSTER), S(sp_namespace, name),
                                       KV(sp_namespace, labels, n_labels),
                                       KV(sp_namespace, annotations, n_annotations)};
static const sp_field f_ch[] = {
    R(kt_container_hour, container_id, SPK_CONTAINER), I(kt_container_hour, t), D(kt_container_hour, seconds),
    D(kt_container_hour, cpu_req), D(kt_container_hour, cpu_use), D(kt_container_hour, cpu_alloc),
    D(kt_container_hour, ram_req), D(kt_container_hour, ram_use), D(kt_container_hour, ram_alloc),
    D(kt_container_hour, gpu), D(kt_container_hour, cpu_peak), D(kt_container_hour, ram_peak),
    N(kt_container_hour, usage_measured)};
static const sp_field f_nh[] = {R(kt_node_hour, node_id, SPK_NODE), I(kt_node_hour, t), D(kt_node_hour, hours),
                                D(kt_node_hour, cpu_price), D(kt_node_hour, ram_price), D(kt_node_hour, gpu_price),
                                D(kt_node_hour, hourly), S(kt_node_hour, price_source)};
static const sp_field f_vh[] = {R(kt_volume_hour, volume_id, SPK_VOLUME), I(kt_volume_hour, t),
                                D(kt_volume_hour, hours), D(kt_volume_hour, bytes), D(kt_volume_hour, price_gib_hour),
                                S(kt_volume_hour, price_source)};
static const sp_field f_pvh[] = {R(kt_pod_volume_hour, pod_id, SPK_POD), R(kt_pod_volume_hour, volume_id, SPK_VOLUME),
                                 I(kt_pod_volume_hour, t), D(kt_pod_volume_hour, hours)};
static const sp_field f_lh[] = {R(kt_lb_hour, lb_id, SPK_LB), I(kt_lb_hour, t), D(kt_lb_hour, hours),
                                D(kt_lb_hour, hourly), S(kt_lb_hour, price_source)};
static const sp_field f_plh[] = {R(kt_pod_lb_hour, pod_id, SPK_POD), R(kt_pod_lb_hour, lb_id, SPK_LB),
                                 I(kt_pod_lb_hour, t), D(kt_pod_lb_hour, hours)};
static const sp_field f_fh[] = {R(kt_fee_hour, cluster_id, SPK_CLUSTER), I(kt_fee_hour, t), D(kt_fee_hour, hours),
                                D(kt_fee_hour, hourly), S(kt_fee_hour, kind)};
static const sp_field f_nwh[] = {
    R(kt_pod_network_hour, pod_id, SPK_POD), I(kt_pod_network_hour, t), D(kt_pod_network_hour, tx_internet),
    D(kt_pod_network_hour, tx_region), D(kt_pod_network_hour, tx_zone), D(kt_pod_network_hour, rx_bytes),
    D(kt_pod_network_hour, cost_internet), D(kt_pod_network_hour, cost_region), D(kt_pod_network_hour, cost_zone)};
static const sp_field f_meta[] = {S(sp_meta, key), S(sp_meta, value)};

/* --- performing a decoded put on a real store ---------------------------- */

typedef int (*sp_put_fn)(kt_store *s, const void *rec, int64_t *id, kt_err *err);

#define PUT_ID(fn, T) \
    static int a_##fn(kt_store *s, const void *r, int64_t *id, kt_err *e) { return store_##fn(s, (const T *)r, id, e); }
#define PUT_FACT(fn, T) \
    static int a_##fn(kt_store *s, const void *r, int64_t *id, kt_err *e) { (void)id; return store_##fn(s, (const T *)r, e); }
PUT_ID(put_cluster, kt_cluster_rec)
PUT_ID(put_node, kt_node_rec)
PUT_ID(put_pod, kt_pod_rec)
PUT_ID(put_volume, kt_volume_rec)
PUT_ID(put_lb, kt_lb_rec)
PUT_FACT(put_container_hour, kt_container_hour)
PUT_FACT(put_node_hour, kt_node_hour)
PUT_FACT(put_volume_hour, kt_volume_hour)
PUT_FACT(put_pod_volume_hour, kt_pod_volume_hour)
PUT_FACT(put_lb_hour, kt_lb_hour)
PUT_FACT(put_pod_lb_hour, kt_pod_lb_hour)
PUT_FACT(put_fee_hour, kt_fee_hour)
PUT_FACT(put_pod_network_hour, kt_pod_network_hour)

static int a_put_container(kt_store *s, const void *r, int64_t *id, kt_err *e)
{
    const sp_container *c = r;
    return store_put_container(s, c->pod_id, c->name, id, e);
}

static int a_put_namespace(kt_store *s, const void *r, int64_t *id, kt_err *e)
{
    const sp_namespace *n = r;
    (void)id;
    return store_put_namespace(s, n->cluster_id, n->name, n->labels, n->n_labels, n->annotations, n->n_annotations, e);
}

static int a_set_meta(kt_store *s, const void *r, int64_t *id, kt_err *e)
{
    const sp_meta *m = r;
    (void)id;
    return store_set_meta(s, m->key, m->value, e);
}

/* --- the table ----------------------------------------------------------- */

enum { OP_CLUSTER, OP_NODE, OP_POD, OP_CONTAINER, OP_VOLUME, OP_LB, OP_NAMESPACE, OP_CH, OP_NH, OP_VH, OP_PVH,
       OP_LH, OP_PLH, OP_FH, OP_NWH, OP_META, OP_N };

typedef struct sp_op {
    const char *name;
    const sp_field *f;
    size_t n;
    int makes;   /* SPK_* of the id it returns, -1 none */
    int hour;    /* offset of its hour, -1 none */
    sp_put_fn put;
} sp_op;

#define F(a) a, sizeof a / sizeof *a
static const sp_op ops_table[OP_N] = {
    {"cluster", F(f_cluster), SPK_CLUSTER, -1, a_put_cluster},
    {"node", F(f_node), SPK_NODE, -1, a_put_node},
    {"pod", F(f_pod), SPK_POD, -1, a_put_pod},
    {"container", F(f_container), SPK_CONTAINER, -1, a_put_container},
    {"volume", F(f_volume), SPK_VOLUME, -1, a_put_volume},
    {"load balancer", F(f_lb), SPK_LB, -1, a_put_lb},
    {"namespace", F(f_namespace), -1, -1, a_put_namespace},
    {"container hour", F(f_ch), -1, offsetof(kt_container_hour, t), a_put_container_hour},
    {"node hour", F(f_nh), -1, offsetof(kt_node_hour, t), a_put_node_hour},
    {"volume hour", F(f_vh), -1, offsetof(kt_volume_hour, t), a_put_volume_hour},
    {"pod volume hour", F(f_pvh), -1, offsetof(kt_pod_volume_hour, t), a_put_pod_volume_hour},
    {"load balancer hour", F(f_lh), -1, offsetof(kt_lb_hour, t), a_put_lb_hour},
    {"pod load balancer hour", F(f_plh), -1, offsetof(kt_pod_lb_hour, t), a_put_pod_lb_hour},
    {"fee hour", F(f_fh), -1, offsetof(kt_fee_hour, t), a_put_fee_hour},
    {"network hour", F(f_nwh), -1, offsetof(kt_pod_network_hour, t), a_put_pod_network_hour},
    {"meta", F(f_meta), -1, -1, a_set_meta},
};

/* --- encoding ------------------------------------------------------------ */

static void put_u32(kt_buf *b, uint32_t v)
{
    char x[4];
    for (int i = 0; i < 4; i++)
        x[i] = (char)(v >> (8 * i));
    buf_add(b, x, 4);
}

static void put_u64(kt_buf *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}

static void put_str(kt_buf *b, const char *s)
{
    if (!s) {
        put_u32(b, NO_STR);
        return;
    }
    size_t n = strlen(s);
    put_u32(b, (uint32_t)n);
    buf_add(b, s, n + 1); /* with its NUL: the reader points into the payload */
}

#define AT(T, rec, off) (*(T const *)(const void *)((const char *)(rec) + (off)))

static void encode(sp_writer *w, int op, const void *rec)
{
    const sp_op *o = &ops_table[op];
    kt_buf *b = &w->payload;
    buf_putc(b, (char)op);
    for (size_t i = 0; i < o->n; i++) {
        const sp_field *f = &o->f[i];
        switch (f->type) {
        case F_STR: put_str(b, AT(const char *, rec, f->off)); break;
        case F_I64: case F_REF: put_u64(b, (uint64_t)AT(int64_t, rec, f->off)); break;
        case F_F64: { double d = AT(double, rec, f->off); uint64_t u; memcpy(&u, &d, 8); put_u64(b, u); break; }
        case F_INT: put_u32(b, (uint32_t)AT(int, rec, f->off)); break;
        case F_KV: {
            const kt_kv *kv = AT(const kt_kv *, rec, f->off);
            size_t n = AT(size_t, rec, f->off_n);
            put_u32(b, (uint32_t)n);
            for (size_t k = 0; k < n; k++)
                put_str(b, kv[k].key), put_str(b, kv[k].value);
            break;
        }
        default: { /* F_STRS */
            const char *const *v = AT(const char *const *, rec, f->off);
            size_t n = AT(size_t, rec, f->off_n);
            put_u32(b, (uint32_t)n);
            for (size_t k = 0; k < n; k++)
                put_str(b, v[k]);
        }
        }
    }
    w->records++;
    if (o->hour >= 0) {
        int64_t t = AT(int64_t, rec, o->hour);
        if (t < w->h0) w->h0 = t;
        if (t > w->h1) w->h1 = t;
    }
}

/* One put on the writing handle: encode it, and hand out the file's next
 * id of its kind (the reader counts the same way). */
static int w_put(kt_store *s, int op, const void *rec, int64_t *id, kt_err *err)
{
    sp_writer *w = (sp_writer *)(void *)s;
    assert(w && rec && op >= 0 && op < OP_N);
    if (!w->in_txn)
        return kt_fail(err, KT_ERUNTIME, "spool: a put outside a transaction");
    encode(w, op, rec);
    if (ops_table[op].makes >= 0)
        *id = ++w->next_id[ops_table[op].makes];
    return 0;
}

#define W_ID(fn, op, T) \
    static int w_##fn(kt_store *s, const T *r, int64_t *id, kt_err *e) { return w_put(s, op, r, id, e); }
#define W_FACT(fn, op, T) \
    static int w_##fn(kt_store *s, const T *r, kt_err *e) { return w_put(s, op, r, NULL, e); }
W_ID(put_cluster, OP_CLUSTER, kt_cluster_rec)
W_ID(put_node, OP_NODE, kt_node_rec)
W_ID(put_pod, OP_POD, kt_pod_rec)
W_ID(put_volume, OP_VOLUME, kt_volume_rec)
W_ID(put_lb, OP_LB, kt_lb_rec)
W_FACT(put_container_hour, OP_CH, kt_container_hour)
W_FACT(put_node_hour, OP_NH, kt_node_hour)
W_FACT(put_volume_hour, OP_VH, kt_volume_hour)
W_FACT(put_pod_volume_hour, OP_PVH, kt_pod_volume_hour)
W_FACT(put_lb_hour, OP_LH, kt_lb_hour)
W_FACT(put_pod_lb_hour, OP_PLH, kt_pod_lb_hour)
W_FACT(put_fee_hour, OP_FH, kt_fee_hour)
W_FACT(put_pod_network_hour, OP_NWH, kt_pod_network_hour)

static int w_put_container(kt_store *s, int64_t pod_id, const char *name, int64_t *id, kt_err *e)
{
    sp_container c = {pod_id, name};
    return w_put(s, OP_CONTAINER, &c, id, e);
}

static int w_put_namespace(kt_store *s, int64_t cluster_id, const char *name, const kt_kv *labels, size_t n_labels,
                           const kt_kv *annotations, size_t n_annotations, kt_err *e)
{
    sp_namespace n = {cluster_id, name, labels, n_labels, annotations, n_annotations};
    return w_put(s, OP_NAMESPACE, &n, NULL, e);
}

static int w_set_meta(kt_store *s, const char *key, const char *value, kt_err *e)
{
    sp_meta m = {key, value};
    return w_put(s, OP_META, &m, NULL, e);
}

static int w_begin(kt_store *s, kt_err *err)
{
    sp_writer *w = (sp_writer *)(void *)s;
    if (w->in_txn)
        return kt_fail(err, KT_ERUNTIME, "spool: a transaction is already open");
    sp_writer_reset(w);
    w->in_txn = 1;
    return 0;
}

static int w_commit(kt_store *s, kt_err *err)
{
    sp_writer *w = (sp_writer *)(void *)s;
    if (!w->in_txn)
        return kt_fail(err, KT_ERUNTIME, "spool: commit without a transaction");
    int rc = sp_write_file(w->sp, w, err);
    sp_writer_reset(w);
    return rc;
}

static void w_rollback(kt_store *s) { sp_writer_reset((sp_writer *)(void *)s); }

static void w_close(kt_store *s) { (void)s; /* owned by its spool */ }

static const char *w_describe(const kt_store *s) { return spool_dir(((const sp_writer *)(const void *)s)->sp); }

/* Reads: the spool is write-only; its writer (the meter) loads the hour it
 * resumes before its first spooled flush (meter.h). */
static int w_load_raw(kt_store *s, int64_t hour, kt_dataset *out, kt_err *err)
{
    (void)s, (void)hour, (void)out;
    return kt_fail(err, KT_ERUNTIME, "spool: cannot be read back as a store");
}

static int w_get_meta(kt_store *s, const char *key, char *buf, size_t n, kt_err *err)
{
    (void)s, (void)key, (void)buf, (void)n;
    return kt_fail(err, KT_ERUNTIME, "spool: cannot be read back as a store");
}

static const kt_store_ops writer_ops = {
    .name = "spool", .close = w_close, .describe = w_describe, .begin = w_begin, .commit = w_commit,
    .rollback = w_rollback, .put_cluster = w_put_cluster, .put_node = w_put_node, .put_pod = w_put_pod,
    .put_container = w_put_container, .put_volume = w_put_volume, .put_lb = w_put_lb,
    .put_namespace = w_put_namespace, .put_container_hour = w_put_container_hour,
    .put_node_hour = w_put_node_hour, .put_volume_hour = w_put_volume_hour,
    .put_pod_volume_hour = w_put_pod_volume_hour, .put_lb_hour = w_put_lb_hour,
    .put_pod_lb_hour = w_put_pod_lb_hour, .put_fee_hour = w_put_fee_hour,
    .put_pod_network_hour = w_put_pod_network_hour, .load_raw = w_load_raw, .get_meta = w_get_meta,
    .set_meta = w_set_meta,
};

void sp_writer_init(sp_writer *w, kt_spool *sp)
{
    memset(w, 0, sizeof *w);
    w->ops = &writer_ops;
    w->sp = sp;
    sp_writer_reset(w);
}

void sp_writer_reset(sp_writer *w)
{
    buf_reset(&w->payload);
    w->records = 0;
    memset(w->next_id, 0, sizeof w->next_id);
    w->h0 = INT64_MAX, w->h1 = INT64_MIN;
    w->in_txn = 0;
}

/* --- decoding ------------------------------------------------------------ */

typedef struct reader {
    const unsigned char *p;
    size_t n, at;
    int bad;
} reader;

static uint64_t get_n(reader *r, int bytes)
{
    uint64_t v = 0;
    if (r->bad || r->n - r->at < (size_t)bytes) {
        r->bad = 1;
        return 0;
    }
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)r->p[r->at + (size_t)i] << (8 * i);
    r->at += (size_t)bytes;
    return v;
}

static const char *get_str(reader *r)
{
    uint32_t n = (uint32_t)get_n(r, 4);
    if (r->bad || n == NO_STR)
        return NULL;
    if (r->n - r->at < (size_t)n + 1 || r->p[r->at + n]) {
        r->bad = 1;
        return NULL;
    }
    const char *s = (const char *)r->p + r->at;
    r->at += (size_t)n + 1;
    return s;
}

/* A list's count, bounded by what is left (each item is at least 5 bytes). */
static size_t get_count(reader *r)
{
    uint32_t n = (uint32_t)get_n(r, 4);
    if (!r->bad && n > (r->n - r->at) / 5)
        r->bad = 1;
    return r->bad ? 0 : n;
}

/* The real ids of the things the file made so far, by kind. */
typedef struct idmap {
    int64_t *v[SPK_KINDS];
    size_t n[SPK_KINDS], cap[SPK_KINDS];
} idmap;

static int64_t map_ref(reader *r, const idmap *m, int kind, int64_t v)
{
    if (v == 0) /* "none" (an unscheduled pod's node) */
        return 0;
    if (v < 0 || (size_t)v > m->n[kind]) {
        r->bad = 1;
        return 0;
    }
    return m->v[kind][v - 1];
}

#define SET(T, rec, off, val) (*(T *)(void *)((char *)(rec) + (off)) = (val))

/* Decode one record's fields into rec; lists are allocated into lists[]. */
static void decode(reader *r, const sp_op *o, const idmap *m, void *rec, void **lists, int *n_lists)
{
    for (size_t i = 0; i < o->n && !r->bad; i++) {
        const sp_field *f = &o->f[i];
        switch (f->type) {
        case F_STR: SET(const char *, rec, f->off, get_str(r)); break;
        case F_I64: SET(int64_t, rec, f->off, (int64_t)get_n(r, 8)); break;
        case F_REF: SET(int64_t, rec, f->off, map_ref(r, m, f->kind, (int64_t)get_n(r, 8))); break;
        case F_F64: { uint64_t u = get_n(r, 8); double d; memcpy(&d, &u, 8); SET(double, rec, f->off, d); break; }
        case F_INT: SET(int, rec, f->off, (int)(int32_t)get_n(r, 4)); break;
        case F_KV: {
            size_t n = get_count(r);
            kt_kv *kv = lists[(*n_lists)++] = xcalloc(n ? n : 1, sizeof *kv);
            for (size_t k = 0; k < n; k++)
                kv[k].key = get_str(r), kv[k].value = get_str(r);
            SET(const kt_kv *, rec, f->off, kv);
            SET(size_t, rec, f->off_n, n);
            break;
        }
        default: { /* F_STRS */
            size_t n = get_count(r);
            const char **v = lists[(*n_lists)++] = xcalloc(n ? n : 1, sizeof *v);
            for (size_t k = 0; k < n; k++)
                v[k] = get_str(r);
            SET(const char *const *, rec, f->off, v);
            SET(size_t, rec, f->off_n, n);
        }
        }
    }
}

static void map_add(idmap *m, int kind, int64_t id)
{
    grow_array((void **)&m->v[kind], &m->cap[kind], m->n[kind], sizeof *m->v[kind]);
    m->v[kind][m->n[kind]++] = id;
}

int sp_apply(const unsigned char *p, size_t n, uint32_t records, kt_store *dst, kt_err *err)
{
    assert(p && dst);
    reader r = {p, n, 0, 0};
    idmap m;
    memset(&m, 0, sizeof m);
    int rc = 0;
    for (uint32_t i = 0; i < records && !rc; i++) {
        unsigned op = (unsigned)get_n(&r, 1);
        if (r.bad || op >= OP_N) {
            kt_fail(err, KT_EINPUT, "record %u: unknown kind %u", i, op);
            rc = -2;
            break;
        }
        const sp_op *o = &ops_table[op];
        _Alignas(max_align_t) unsigned char rec[256]; /* any put's argument struct */
        _Static_assert(sizeof(kt_node_rec) <= 256 && sizeof(kt_pod_rec) <= 256, "rec holds every struct");
        void *lists[4];
        int n_lists = 0;
        memset(rec, 0, sizeof rec);
        decode(&r, o, &m, rec, lists, &n_lists);
        int64_t id = 0;
        if (r.bad)
            rc = kt_fail(err, KT_EINPUT, "record %u (%s): truncated or refers to nothing", i, o->name) - 1;
        else if (o->put(dst, rec, &id, err))
            rc = -1;
        else if (o->makes >= 0)
            map_add(&m, o->makes, id);
        while (n_lists)
            free(lists[--n_lists]);
    }
    if (!rc && r.at != n)
        rc = kt_fail(err, KT_EINPUT, "%zu bytes after the last record", n - r.at) - 1;
    for (int k = 0; k < SPK_KINDS; k++)
        free(m.v[k]);
    return rc;
}

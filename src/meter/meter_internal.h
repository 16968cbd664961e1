/* meter_internal.h — the meter's state, shared by its files (not a public
 * contract; see meter.h for that).
 *
 *   meter.c            state, the sink's dispatch, resync, counts
 *   meter_map.c        uint64 → uint32 hash map with delete, and slabs of items
 *   meter_pods.c       pods and containers: intervals from objects, usage samples
 *   meter_inventory.c  nodes, volumes, claims, services, namespaces, owners
 *   meter_intervals.c  interval lists and their overlap with an hour
 *   meter_resolve.c    flush-time joins: controllers, services, claims, provider
 *   meter_share.c      splitting a volume's / load balancer's time among pods
 *   meter_flush.c      writing things and hourly facts in one transaction
 *   meter_baseline.c   the resumed hour as a previous process left it
 *
 * Memory: every kind lives in a slab (one array of fixed-size items plus a
 * hash map from its natural key), so a pod costs its item, its containers
 * array and one block of labels/annotations/claims: three allocations. */
#ifndef KT_METER_INTERNAL_H
#define KT_METER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "meter/meter.h"
#include "store/dataset.h"

#define MT_OPEN INT64_MAX   /* end of an interval still running */
#define MT_NONE UINT32_MAX

/* --- maps and slabs (meter_map.c) ---------------------------------------- */

typedef struct mt_map {
    uint64_t *keys; /* UINT64_MAX = empty */
    uint32_t *vals;
    size_t n, cap;
} mt_map;

void mtm_free(mt_map *m);
int mtm_get(const mt_map *m, uint64_t key, uint32_t *val);
void mtm_put(mt_map *m, uint64_t key, uint32_t val);
void mtm_del(mt_map *m, uint64_t key);
size_t mtm_bytes(const mt_map *m);

/* Every slab item starts with this header. */
typedef struct mt_hdr {
    uint64_t key;
    uint8_t used, gen; /* gen: the list generation that last saw the object */
} mt_hdr;

typedef struct mt_slab {
    char *items;
    size_t n, cap, size;
    uint32_t *free_ids;
    size_t n_free, cap_free;
    mt_map map;
} mt_slab;

void slab_init(mt_slab *s, size_t item_size);
void slab_free(mt_slab *s);
/* Index of the item with this key, or MT_NONE. */
uint32_t slab_find(const mt_slab *s, uint64_t key);
/* A zeroed item for a new key (header filled, used = 1). */
uint32_t slab_add(mt_slab *s, uint64_t key);
void slab_drop(mt_slab *s, uint32_t i);
size_t slab_bytes(const mt_slab *s);
static inline void *slab_at(const mt_slab *s, uint32_t i) { return s->items + (size_t)i * s->size; }
static inline mt_hdr *slab_hdr(const mt_slab *s, uint32_t i) { return (mt_hdr *)slab_at(s, i); }

static inline uint64_t mt_key(uint32_t a, uint32_t b) { return (uint64_t)a << 32 | b; }

/* --- intervals (meter_intervals.c) ---------------------------------------- */

typedef struct mt_iv {
    int64_t a, b; /* [a, b); b = MT_OPEN while running; a = 0: empty list */
} mt_iv;

/* The latest interval inline (almost every list has one), earlier ones in
 * `old` (restarts, re-created nodes), oldest first. */
typedef struct mt_ivs {
    mt_iv last;
    mt_iv *old;
    uint32_t n_old;
} mt_ivs;

/* Record that the thing ran from a until b (MT_OPEN: still running).  The
 * start identifies the interval: seeing the same start again updates its
 * end (a relist doubles nothing, a reopened one continues); a later start
 * closes the open interval there and begins a new one; an earlier unknown
 * start is stale news and ignored. */
void ivs_set(mt_ivs *v, int64_t a, int64_t b);
/* Close the open interval (if any) at t (never before its start). */
void ivs_close(mt_ivs *v, int64_t t);
static inline int ivs_open(const mt_ivs *v) { return v->last.a && v->last.b == MT_OPEN; }
/* Seconds of [wa, wb) covered. */
int64_t ivs_overlap(const mt_ivs *v, int64_t wa, int64_t wb);
/* Latest end (MT_OPEN when open, 0 when empty). */
int64_t ivs_end(const mt_ivs *v);
/* Forget earlier intervals ending at or before t. */
void ivs_prune(mt_ivs *v, int64_t t);
void ivs_free(mt_ivs *v);
/* Append the pieces of v inside [wa, wb) to *out (grown as needed). */
void ivs_clip(const mt_ivs *v, int64_t wa, int64_t wb, mt_iv **out, size_t *n, size_t *cap);

/* --- things ----------------------------------------------------------------- */

/* Usage integrated over one hour of one container (a pool entry). */
typedef struct mt_use {
    int64_t hour;
    double measured;             /* seconds with a sample */
    double cpu_use, cpu_alloc;   /* core-hours over the measured seconds */
    double ram_use, ram_alloc;   /* byte-hours */
    double cpu_peak, ram_peak;
    uint32_t next;               /* next entry of the container + 1 (0 = end) */
} mt_use;

typedef struct mt_ctr {
    uint32_t name;
    uint32_t use;                /* first mt_use entry + 1 (0 = none) */
    double cpu_req, ram_req, gpu_req;
    int64_t store_id, last_sample;
    mt_ivs run;
} mt_ctr;

/* Bytes a pod received and sent within one hour (kubelet counters); hour 0: none. */
typedef struct mt_net {
    int64_t hour;
    double rx, tx;
} mt_net;

typedef struct mt_pod {
    mt_hdr h;
    uint32_t ns, name, uid, node, owner_kind, owner;
    uint32_t ctrl_kind, ctrl;    /* resolved controller (lower-case kind), 0 until known */
    uint16_t n_ctrs, n_labels, n_anns, n_claims;
    mt_ctr *ctrs;
    kt_kv_id *kv;                /* labels, annotations, then claims {claim, bound PV or 0} */
    int64_t store_id, deleted;   /* deleted: when (0 = alive) */
    uint32_t rec_hash;           /* of the record last written (0 = write it) */
    double net_rx, net_tx;       /* the kubelet's last counters (meter_pod_network) */
    int64_t net_t;               /* their time; 0: none yet */
    mt_net net[2];               /* the latest hour with traffic, and the one before */
} mt_pod;

typedef struct mt_node {
    mt_hdr h;
    kt_node_obj o;
    mt_ivs present;
    int64_t store_id;
    uint32_t rec_hash;
    int deleted;
} mt_node;

/* The used bytes the kubelet reported for a volume in one UTC day
 * (meter_volume_stats): the largest, their sum and count; day 0: none. */
typedef struct mt_used {
    int64_t day;
    double peak, sum, capacity;
    long samples;
} mt_used;

typedef struct mt_vol {
    mt_hdr h;
    kt_pv_obj o;
    uint32_t provisioner, sc_type; /* from the storage class, kept once known */
    mt_used used[2];               /* the latest day, and the one before until written */
    mt_ivs present;
    int64_t store_id;
    uint32_t rec_hash;
    int deleted;
} mt_vol;

typedef struct mt_svc {
    mt_hdr h;
    uint32_t ns, name, type, ip;
    int internal, deleted;
    kt_kv_id *selector;
    size_t n_selector;
    mt_ivs lb;                     /* while type LoadBalancer */
    int64_t store_id;
    uint32_t rec_hash;
} mt_svc;

typedef struct mt_ns {
    mt_hdr h;
    uint32_t name;
    kt_kv_id *kv;                  /* labels then annotations */
    size_t n_labels, n_anns;
    uint32_t rec_hash;
} mt_ns;

/* PVCs (a = volume, b = storage class), storage classes (a = provisioner,
 * b = type), ReplicaSets and Jobs (a = owner kind, b = owner). */
typedef struct mt_ref {
    mt_hdr h;
    uint32_t a, b;
} mt_ref;

/* meter_baseline.c: the resumed hour's rows for [hour, resume), read once
 * at the first flush after a restart and added to what this process
 * measures over [resume, now) until that hour is final. */
typedef struct mt_base {
    int loaded, done;             /* done: written for good, never load again */
    int64_t hour, resume;
    kt_dataset ds;                /* that hour as stored (this cluster's facts indexed) */
    kt_strtab keys;               /* natural key → fact index, through idx */
    uint32_t *idx;
    size_t cap;
    double fee_hours;
} mt_base;

struct kt_meter {
    char *cluster;
    const kt_pricing *pricing;
    kt_strtab *strs;
    int64_t since, resume;
    int64_t next_hour;            /* first hour not yet final */
    int64_t last_flush;
    int64_t cluster_id;
    mt_slab kinds[K_KIND_COUNT];  /* indexed by enum kt_kind */
    uint8_t gen[K_KIND_COUNT], listing[K_KIND_COUNT], listed[K_KIND_COUNT];
    mt_use *use;                  /* usage pool */
    size_t n_use, cap_use;
    uint32_t use_free;            /* free list head + 1 */
    size_t block_bytes;           /* per-item allocations (containers, labels …) */
    uint32_t s_lb;                /* "LoadBalancer" */
    mt_base base;
};

int base_load(kt_meter *m, kt_store *s, kt_err *err);
void base_free(mt_base *b);
/* The resumed hour is final: free the baseline for good. */
void base_finish(mt_base *b);
/* Is `hour` the resumed hour, to be written as baseline + [resume, now)? */
int base_active(const kt_meter *m, int64_t hour);
void base_add_container(const kt_meter *m, const char *ns, const char *pod, const char *ctr, kt_container_hour *o);
double base_node_hours(const kt_meter *m, const char *node);
double base_volume_hours(const kt_meter *m, const char *vol);
double base_lb_hours(const kt_meter *m, const char *ns, const char *name);
double base_pod_volume_hours(const kt_meter *m, const char *ns, const char *pod, const char *vol);
double base_pod_lb_hours(const kt_meter *m, const char *ns, const char *pod, const char *lb_ns, const char *lb);
double base_fee_hours(const kt_meter *m);

/* meter_resolve.c: flush-time joins, rebuilt every flush (objects may
 * arrive in any order: a ReplicaSet after its pods, a PVC after the pod). */
typedef struct mt_pair {
    uint32_t thing, pod; /* slab indices: volume or service, and pod */
} mt_pair;

typedef struct mt_join {
    uint32_t provider, region;     /* the cluster's place (ids) */
    uint32_t *svc_off, *svc_n;     /* per pod slab index: its services in svcs */
    uint32_t *svcs;                /* service name ids */
    size_t n_svcs, cap_svcs;
    mt_pair *vol_pods, *lb_pods;   /* sorted by thing */
    size_t n_vol_pods, cap_vol_pods, n_lb_pods, cap_lb_pods;
} mt_join;

void join_build(kt_meter *m, mt_join *j);
void join_free(mt_join *j);
/* The pod's controller: lower-case kind ("deployment", "cronjob" …) and name. */
void pod_controller(kt_meter *m, mt_pod *p, uint32_t *kind, uint32_t *name);

/* meter_share.c: a resource's time in a window split evenly, moment by
 * moment, among the members running then. */
typedef struct mt_span {
    int64_t a, b;
    uint32_t who;  /* member index */
} mt_span;

typedef struct mt_scratch {
    mt_span *spans; size_t n_spans, cap_spans;  /* the members' running time */
    mt_iv *iv; size_t n_iv, cap_iv;             /* temporary */
    int64_t *pts; size_t cap_pts;
    int32_t *cnt; size_t cap_cnt;
    uint8_t *on; size_t cap_on;
} mt_scratch;

/* Add the pod's running time inside [wa, wb) (its containers' intervals
 * merged) to sc->spans as member `who`. */
void share_add_pod(mt_scratch *sc, const mt_pod *p, int64_t wa, int64_t wb, uint32_t who);
/* Split the resource's presence inside [wa, wb) among sc->spans: share[who]
 * += hours.  Returns the hours present with no member running. */
double share_split(mt_scratch *sc, int64_t wa, int64_t wb, const mt_ivs *present, double *share);
void share_free(mt_scratch *sc);

/* meter_resolve.c: the most common provider and region among live nodes
 * (all nodes when none is live); ids in m->strs, 0 unknown. */
void mt_place(const kt_meter *m, uint32_t *provider, uint32_t *region);

/* meter_pods.c */
void pod_upsert(kt_meter *m, const kt_pod_obj *o, int64_t now);
void pod_delete(kt_meter *m, uint32_t i, int64_t now);
void pod_free(kt_meter *m, mt_pod *p);
/* Latest end of any container interval (0: never ran). */
int64_t pod_end(const mt_pod *p);
void use_drop_before(kt_meter *m, mt_ctr *c, int64_t hour);
mt_use *use_find(const kt_meter *m, const mt_ctr *c, int64_t hour);

/* meter_inventory.c */
void inv_upsert(kt_meter *m, const kt_object *o, int64_t now);
void inv_delete(kt_meter *m, enum kt_kind k, uint32_t i, int64_t now);
void inv_free(kt_meter *m, enum kt_kind k, uint32_t i);
/* When a thing first seen now began: now, or for the first list after a
 * restart the start of the hour being recomputed (meter_inventory.c). */
int64_t inv_first_seen(const kt_meter *m, enum kt_kind k, int64_t now);

/* Copy a kv array into a new block (NULL when n = 0), counting bytes. */
kt_kv_id *mt_kv_dup(kt_meter *m, const kt_kv_id *a, size_t n, const kt_kv_id *b, size_t nb);
void mt_block_free(kt_meter *m, void *p, size_t bytes);
int mt_kv_same(const kt_kv_id *a, const kt_kv_id *b, size_t n);
uint32_t mt_hash(uint32_t h, const void *p, size_t n);

#endif

/* posture_keep.c — the collector's posture state: a record per object of
 * each kind posture reads, and their texts stored once each; see
 * posture_keep.h.
 *
 * Both records and texts are found through open-addressing indexes of ids
 * (linear probing, deletion by backward shift, so no tombstones pile up as
 * pods come and go). */
#include "collector/posture_keep.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube/decode.h"
#include "util/buf.h"
#include "util/time.h"

/* One table per kind posture reads, in kube_posture_kinds' order. */
enum { T_COUNT = KT_POSTURE_KINDS };

/* A version body longer than this is not a version (the API server's is
 * ~300 bytes): kept as none rather than held. */
#define PK_MAX_VERSION 65536

typedef struct pk_text {
    char *s;
    uint32_t len, refs;   /* refs 0: free, s NULL */
    uint64_t hash;
} pk_text;

/* One object.  shape 0: a free record (node then links the free list). */
typedef struct pk_rec {
    uint32_t ns, name, node, gen;
    int64_t created;
    uint32_t shape, status;   /* text ids + 1; status 0: none */
} pk_rec;

/* Slots hold id + 1; 0 is empty.  Size is a power of two, at most half full. */
typedef struct pk_index {
    uint32_t *slots;
    size_t mask, n;
} pk_index;

typedef uint64_t (*pk_hash_fn)(const void *ctx, uint32_t id);

typedef struct pk_table {
    pk_rec *r;
    size_t n, cap, live;
    uint32_t free_head;       /* record id + 1; 0: none */
    pk_index idx;
    uint32_t gen;
    int listing;
} pk_table;

struct kt_posture_keep {
    const kt_strtab *strs;
    pk_table t[T_COUNT];
    pk_text *texts;
    size_t n_texts, cap_texts;
    uint32_t free_text;       /* text id + 1; 0: none (linked through hash) */
    pk_index text_idx;
    size_t text_bytes;
    char *version;            /* the /version body, NULL: none */
    int version_known;        /* the server answered /version (200 or not) */
};

/* ---- indexes --------------------------------------------------------- */

static void idx_put(pk_index *x, uint32_t id, uint64_t hash)
{
    size_t i = hash & x->mask;
    while (x->slots[i])
        i = (i + 1) & x->mask;
    x->slots[i] = id + 1;
    x->n++;
}

static void idx_reserve(pk_index *x, const void *ctx, pk_hash_fn h)
{
    if (x->slots && (x->n + 1) * 2 <= x->mask + 1)
        return;
    size_t size = x->slots ? (x->mask + 1) * 2 : 64;
    uint32_t *old = x->slots;
    size_t old_size = old ? x->mask + 1 : 0;
    x->slots = xcalloc(size, sizeof *x->slots);
    x->mask = size - 1;
    x->n = 0;
    for (size_t i = 0; i < old_size; i++)
        if (old[i])
            idx_put(x, old[i] - 1, h(ctx, old[i] - 1));
    free(old);
}

/* Empty slot i, moving later entries of the probe run back into place. */
static void idx_del(pk_index *x, size_t i, const void *ctx, pk_hash_fn h)
{
    size_t j = i;
    for (;;) {
        j = (j + 1) & x->mask;
        if (!x->slots[j])
            break;
        size_t k = h(ctx, x->slots[j] - 1) & x->mask;
        if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
            continue; /* its home lies after the hole: it stays */
        x->slots[i] = x->slots[j];
        i = j;
    }
    x->slots[i] = 0;
    x->n--;
}

/* ---- texts ----------------------------------------------------------- */

static uint64_t text_hash(const void *ctx, uint32_t id)
{
    return ((const kt_posture_keep *)ctx)->texts[id].hash;
}

/* The id + 1 of text s, stored once: a new reference. */
static uint32_t text_ref(kt_posture_keep *k, const char *s, size_t len)
{
    uint64_t h = kt_hash_bytes(s, len);
    if (k->text_idx.slots)
        for (size_t i = h & k->text_idx.mask; k->text_idx.slots[i]; i = (i + 1) & k->text_idx.mask) {
            pk_text *t = &k->texts[k->text_idx.slots[i] - 1];
            if (t->hash == h && t->len == len && !memcmp(t->s, s, len)) {
                t->refs++;
                return k->text_idx.slots[i];
            }
        }
    idx_reserve(&k->text_idx, k, text_hash);
    uint32_t id;
    if (k->free_text) {
        id = k->free_text - 1;
        k->free_text = (uint32_t)k->texts[id].hash;
    } else {
        grow_array((void **)&k->texts, &k->cap_texts, k->n_texts, sizeof *k->texts);
        id = (uint32_t)k->n_texts++;
    }
    pk_text *t = &k->texts[id];
    t->s = xmalloc(len + 1);
    memcpy(t->s, s, len);
    t->s[len] = 0;
    t->len = (uint32_t)len;
    t->refs = 1;
    t->hash = h;
    k->text_bytes += len + 1;
    idx_put(&k->text_idx, id, h);
    return id + 1;
}

static void text_unref(kt_posture_keep *k, uint32_t ref)
{
    if (!ref)
        return;
    pk_text *t = &k->texts[ref - 1];
    assert(t->refs > 0);
    if (--t->refs)
        return;
    size_t i = t->hash & k->text_idx.mask;
    while (k->text_idx.slots[i] != ref)
        i = (i + 1) & k->text_idx.mask;
    idx_del(&k->text_idx, i, k, text_hash);
    k->text_bytes -= t->len + 1;
    free(t->s);
    t->s = NULL;
    t->hash = k->free_text;
    k->free_text = ref;
}

/* ---- records --------------------------------------------------------- */

static uint64_t key_hash(uint32_t ns, uint32_t name) { return kt_hash_u64((uint64_t)ns << 32 | name); }

static uint64_t rec_hash(const void *ctx, uint32_t id)
{
    const pk_rec *r = &((const pk_table *)ctx)->r[id];
    return key_hash(r->ns, r->name);
}

/* The index slot of (ns, name), or SIZE_MAX. */
static size_t rec_find(const pk_table *t, uint32_t ns, uint32_t name)
{
    if (!t->idx.slots)
        return SIZE_MAX;
    for (size_t i = key_hash(ns, name) & t->idx.mask; t->idx.slots[i]; i = (i + 1) & t->idx.mask) {
        const pk_rec *r = &t->r[t->idx.slots[i] - 1];
        if (r->ns == ns && r->name == name)
            return i;
    }
    return SIZE_MAX;
}

static pk_rec *rec_add(pk_table *t, uint32_t ns, uint32_t name)
{
    idx_reserve(&t->idx, t, rec_hash);
    uint32_t id;
    if (t->free_head) {
        id = t->free_head - 1;
        t->free_head = t->r[id].node;
    } else {
        grow_array((void **)&t->r, &t->cap, t->n, sizeof *t->r);
        id = (uint32_t)t->n++;
    }
    pk_rec *r = &t->r[id];
    memset(r, 0, sizeof *r);
    r->ns = ns, r->name = name;
    idx_put(&t->idx, id, key_hash(ns, name));
    t->live++;
    return r;
}

static void rec_remove(kt_posture_keep *k, pk_table *t, size_t slot)
{
    uint32_t id = t->idx.slots[slot] - 1;
    pk_rec *r = &t->r[id];
    text_unref(k, r->shape);
    text_unref(k, r->status);
    idx_del(&t->idx, slot, t, rec_hash);
    r->shape = r->status = 0;
    r->node = t->free_head;
    t->free_head = id + 1;
    t->live--;
}

/* The table of kind; -1 for kinds not kept. */
static int table_of(enum kt_kind kind)
{
    for (int i = 0; i < T_COUNT; i++)
        if (kube_posture_kinds[i] == kind)
            return i;
    return -1;
}

/* The table and key of o; -1 for kinds not kept. */
static int key_of(const kt_object *o, uint32_t *ns, uint32_t *name)
{
    *ns = 0;
    switch (o->kind) {
    case K_NODE: *name = o->u.node.name; break;
    case K_NAMESPACE: *name = o->u.ns.name; break;
    case K_POD: *ns = o->u.pod.namespace_, *name = o->u.pod.name; break;
    case K_PV: *name = o->u.pv.name; break;
    case K_PVC: *ns = o->u.pvc.namespace_, *name = o->u.pvc.name; break;
    case K_REPLICASET:
    case K_JOB: *ns = o->u.owner.namespace_, *name = o->u.owner.name; break;
    case K_SERVICE:
    case K_STORAGECLASS: return -1;
    default: *ns = o->u.named.namespace_, *name = o->u.named.name; break;
    }
    return table_of(o->kind);
}

/* ---- the sink's three events ----------------------------------------- */

kt_posture_keep *posture_keep_new(const kt_strtab *strs)
{
    assert(strs);
    kt_posture_keep *k = xcalloc(1, sizeof *k);
    k->strs = strs;
    return k;
}

void posture_keep_free(kt_posture_keep *k)
{
    if (!k)
        return;
    for (int i = 0; i < T_COUNT; i++) {
        free(k->t[i].r);
        free(k->t[i].idx.slots);
    }
    for (size_t i = 0; i < k->n_texts; i++)
        free(k->texts[i].s);
    free(k->texts);
    free(k->text_idx.slots);
    free(k->version);
    free(k);
}

void posture_keep_upsert(kt_posture_keep *k, const kt_object *o)
{
    assert(k && o);
    uint32_t ns, name;
    int ti = key_of(o, &ns, &name);
    if (ti < 0 || !o->posture[0])
        return;
    pk_table *t = &k->t[ti];
    if (!t->listing) {
        t->gen++;
        t->listing = 1;
    }
    /* new texts first: an unchanged text then keeps its copy */
    uint32_t shape = text_ref(k, o->posture[0], o->posture_len[0]);
    uint32_t status = o->posture[1] ? text_ref(k, o->posture[1], o->posture_len[1]) : 0;
    size_t slot = rec_find(t, ns, name);
    pk_rec *r = slot == SIZE_MAX ? rec_add(t, ns, name) : &t->r[t->idx.slots[slot] - 1];
    text_unref(k, r->shape);
    text_unref(k, r->status);
    r->shape = shape, r->status = status;
    r->gen = t->gen;
    r->node = o->kind == K_POD ? o->u.pod.node : 0;
    r->created = o->kind == K_POD ? o->u.pod.created : 0;
}

void posture_keep_delete(kt_posture_keep *k, const kt_object *o)
{
    assert(k && o);
    uint32_t ns, name;
    int ti = key_of(o, &ns, &name);
    if (ti < 0)
        return;
    size_t slot = rec_find(&k->t[ti], ns, name);
    if (slot != SIZE_MAX)
        rec_remove(k, &k->t[ti], slot);
}

void posture_keep_resync(kt_posture_keep *k, enum kt_kind kind)
{
    assert(k);
    int ti = table_of(kind);
    if (ti < 0)
        return;
    pk_table *t = &k->t[ti];
    if (!t->listing)
        t->gen++; /* nothing upserted since the last list: it was empty */
    for (size_t i = 0; i <= t->idx.mask && t->idx.slots;) {
        uint32_t s = t->idx.slots[i];
        if (s && t->r[s - 1].gen != t->gen)
            rec_remove(k, t, i); /* may move a later entry into slot i: look again */
        else
            i++;
    }
    t->listing = 0;
}

void posture_keep_set_version(kt_posture_keep *k, const char *body, size_t len)
{
    assert(k);
    free(k->version);
    k->version = body && len <= PK_MAX_VERSION ? strndup(body, len) : NULL;
    k->version_known = 1;
}

int posture_keep_ready(const kt_posture_keep *k)
{
    assert(k);
    return k->version_known;
}

size_t posture_keep_bytes(const kt_posture_keep *k)
{
    size_t b = sizeof *k + k->cap_texts * sizeof *k->texts + k->text_bytes +
               (k->version ? strlen(k->version) + 1 : 0) +
               (k->text_idx.slots ? (k->text_idx.mask + 1) * sizeof(uint32_t) : 0);
    for (int i = 0; i < T_COUNT; i++)
        b += k->t[i].cap * sizeof(pk_rec) + (k->t[i].idx.slots ? (k->t[i].idx.mask + 1) * sizeof(uint32_t) : 0);
    return b;
}

size_t posture_keep_count(const kt_posture_keep *k, enum kt_kind kind)
{
    int ti = table_of(kind);
    return ti < 0 ? 0 : k->t[ti].live;
}

/* ---- lists ----------------------------------------------------------- */

/* "namespace/name" (or "name") of record a, the order the API lists in. */
static void rec_key(const kt_posture_keep *k, const pk_rec *r, char *buf, size_t n)
{
    const char *ns = strtab_get(k->strs, r->ns), *name = strtab_get(k->strs, r->name);
    snprintf(buf, n, "%s%s%s", ns, *ns ? "/" : "", name);
}

static int by_key(const void *a, const void *b, void *ctx)
{
    const pk_table *t = ((const void **)ctx)[1];
    const kt_posture_keep *k = ((const void **)ctx)[0];
    char ka[600], kb[600];
    rec_key(k, &t->r[*(const uint32_t *)a], ka, sizeof ka);
    rec_key(k, &t->r[*(const uint32_t *)b], kb, sizeof kb);
    return strcmp(ka, kb);
}

/* A text parsed once per list building (cache indexed by text id). */
static json_t *parsed(const kt_posture_keep *k, json_t **cache, uint32_t ref)
{
    if (!cache[ref - 1])
        cache[ref - 1] = json_loadb(k->texts[ref - 1].s, k->texts[ref - 1].len, 0, NULL);
    return cache[ref - 1];
}

/* metadata {name, namespace} and, of the text, metadata's keys and every
 * other member (shared with the cache: the lists are read, never changed). */
static json_t *keyed_item(const kt_posture_keep *k, const pk_rec *r, json_t *text)
{
    json_t *meta = json_object(), *item = json_object(), *v;
    const char *key;
    json_object_set_new(meta, "name", json_string(strtab_get(k->strs, r->name)));
    if (r->ns)
        json_object_set_new(meta, "namespace", json_string(strtab_get(k->strs, r->ns)));
    json_object_foreach(json_object_get(text, "metadata"), key, v)
        json_object_set(meta, key, v);
    json_object_set_new(item, "metadata", meta);
    json_object_foreach(text, key, v)
        if (strcmp(key, "metadata"))
            json_object_set(item, key, v);
    return item;
}

static json_t *pod_item(const kt_posture_keep *k, const pk_rec *r, json_t **cache)
{
    json_t *item = keyed_item(k, r, parsed(k, cache, r->shape));
    if (r->created) {
        char ts[32];
        time_format(r->created, ts);
        json_object_set_new(json_object_get(item, "metadata"), "creationTimestamp", json_string(ts));
    }
    json_t *spec = json_object_get(item, "spec");
    if (spec && r->node) {
        json_t *s = json_copy(spec); /* shallow: children stay shared with the cache */
        json_object_set_new(s, "nodeName", json_string(strtab_get(k->strs, r->node)));
        json_object_set_new(item, "spec", s);
    }
    if (r->status)
        json_object_set(item, "status", parsed(k, cache, r->status));
    return item;
}

/* One kept object as the API server lists it (without kind). */
static json_t *item_of(const kt_posture_keep *k, enum kt_kind kind, const pk_rec *r, json_t **cache)
{
    const pk_text *t = &k->texts[r->shape - 1];
    switch (kind) {
    case K_POD: return pod_item(k, r, cache);
    case K_NODE:
    case K_NAMESPACE: return json_loadb(t->s, t->len, 0, NULL); /* their texts hold their names */
    default: return keyed_item(k, r, parsed(k, cache, r->shape));
    }
}

void posture_keep_lists(const kt_posture_keep *k, json_t *out[KT_POSTURE_PARTS])
{
    assert(k && out);
    json_t **cache = xcalloc(k->n_texts + 1, sizeof *cache);
    for (int ti = 0; ti < T_COUNT; ti++) {
        const pk_table *t = &k->t[ti];
        enum kt_kind kind = kube_posture_kinds[ti];
        uint32_t *ids = xmalloc((t->live + 1) * sizeof *ids);
        size_t n = 0;
        for (size_t i = 0; i < t->n; i++)
            if (t->r[i].shape)
                ids[n++] = (uint32_t)i;
        const void *ctx[2] = {k, t};
        qsort_r(ids, n, sizeof *ids, by_key, ctx);
        json_t *items = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *item = item_of(k, kind, &t->r[ids[i]], cache);
            if (item)
                json_array_append_new(items, item);
        }
        free(ids);
        char list[64];
        snprintf(list, sizeof list, "%sList", kube_kind_object(kind));
        out[ti] = json_pack("{s:s,s:s,s:o}", "kind", list, "apiVersion", kube_kind_api_version(kind), "items", items);
    }
    out[T_COUNT] = k->version ? json_loads(k->version, 0, NULL) : NULL;
    if (out[T_COUNT] && !json_is_object(out[T_COUNT])) {
        json_decref(out[T_COUNT]);
        out[T_COUNT] = NULL;
    }
    for (size_t i = 0; i < k->n_texts; i++)
        json_decref(cache[i]);
    free(cache);
}

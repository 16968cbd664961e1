/* meter.c — the meter's state and the sink the watcher calls (meter.h).
 *
 * Relists (on_resync): the watcher upserts every listed object, then calls
 * on_resync(kind, now).  The meter keeps a list generation per kind, bumped
 * at the first upsert after a resync; every upsert stamps the object with
 * it.  At on_resync, objects of that kind not stamped with the current
 * generation were not listed: they are deleted at `now`.  A resync with no
 * upsert since the previous one means the list was empty. */
#include <stdlib.h>
#include <string.h>

#include "util/time.h"
#include "meter/meter_internal.h"
#include "util/buf.h"

static const size_t item_size[K_KIND_COUNT] = {
    [K_NODE] = sizeof(mt_node), [K_POD] = sizeof(mt_pod), [K_NAMESPACE] = sizeof(mt_ns),
    [K_PV] = sizeof(mt_vol), [K_PVC] = sizeof(mt_ref), [K_SERVICE] = sizeof(mt_svc),
    [K_STORAGECLASS] = sizeof(mt_ref), [K_REPLICASET] = sizeof(mt_ref), [K_JOB] = sizeof(mt_ref),
};

kt_meter *meter_new(const kt_meter_opts *o, kt_strtab *strs)
{
    kt_meter *m = xcalloc(1, sizeof *m);
    m->cluster = xstrdup(o->cluster && *o->cluster ? o->cluster : "default");
    m->pricing = o->pricing;
    m->strs = strs;
    m->since = o->since;
    m->resume = o->resume > 0 ? o->resume : 0;
    int64_t from = m->resume > m->since ? m->resume : m->since;
    m->next_hour = hour_floor(from);
    for (int k = 0; k < K_KIND_COUNT; k++)
        slab_init(&m->kinds[k], item_size[k]);
    m->s_lb = strtab_intern(strs, "LoadBalancer");
    return m;
}

void meter_free(kt_meter *m)
{
    if (!m)
        return;
    for (int k = 0; k < K_KIND_COUNT; k++) {
        mt_slab *s = &m->kinds[k];
        for (uint32_t i = 0; i < s->n; i++)
            if (slab_hdr(s, i)->used)
                inv_free(m, (enum kt_kind)k, i);
        slab_free(s);
    }
    free(m->use);
    base_free(&m->base);
    free(m->cluster);
    free(m);
}

static uint64_t obj_key(const kt_object *o)
{
    switch (o->kind) {
    case K_NODE: return mt_key(0, o->u.node.name);
    case K_POD: return mt_key(o->u.pod.namespace_, o->u.pod.name);
    case K_NAMESPACE: return mt_key(0, o->u.ns.name);
    case K_PV: return mt_key(0, o->u.pv.name);
    case K_PVC: return mt_key(o->u.pvc.namespace_, o->u.pvc.name);
    case K_SERVICE: return mt_key(o->u.svc.namespace_, o->u.svc.name);
    case K_STORAGECLASS: return mt_key(0, o->u.sc.name);
    case K_REPLICASET:
    case K_JOB: return mt_key(o->u.owner.namespace_, o->u.owner.name);
    default: return UINT64_MAX;
    }
}

static void on_upsert(void *ctx, const kt_object *o, int64_t now)
{
    kt_meter *m = ctx;
    if (!o || (unsigned)o->kind >= K_KIND_COUNT)
        return;
    if (!m->listing[o->kind]) {
        m->gen[o->kind]++;
        m->listing[o->kind] = 1;
    }
    if (o->kind == K_POD)
        pod_upsert(m, &o->u.pod, now);
    else
        inv_upsert(m, o, now);
}

/* Already closed: waiting for its hours to become final. */
static int is_deleted(const kt_meter *m, enum kt_kind k, uint32_t i)
{
    const void *it = slab_at(&m->kinds[k], i);
    switch (k) {
    case K_POD: return ((const mt_pod *)it)->deleted != 0;
    case K_NODE: return ((const mt_node *)it)->deleted;
    case K_PV: return ((const mt_vol *)it)->deleted;
    case K_SERVICE: return ((const mt_svc *)it)->deleted;
    default: return 0;
    }
}

static void delete_item(kt_meter *m, enum kt_kind k, uint32_t i, int64_t now)
{
    if (k == K_POD)
        pod_delete(m, i, now);
    else
        inv_delete(m, k, i, now);
}

static void on_delete(void *ctx, const kt_object *o, int64_t now)
{
    kt_meter *m = ctx;
    if (!o || (unsigned)o->kind >= K_KIND_COUNT)
        return;
    if (o->kind == K_POD)
        pod_upsert(m, &o->u.pod, now); /* its last statuses: finishedAt when known */
    uint32_t i = slab_find(&m->kinds[o->kind], obj_key(o));
    if (i != MT_NONE && !is_deleted(m, o->kind, i))
        delete_item(m, o->kind, i, now);
}

static void on_resync(void *ctx, enum kt_kind kind, int64_t now)
{
    kt_meter *m = ctx;
    if ((unsigned)kind >= K_KIND_COUNT)
        return;
    if (!m->listing[kind])
        m->gen[kind]++; /* nothing upserted since the last list: the list was empty */
    mt_slab *s = &m->kinds[kind];
    for (uint32_t i = 0; i < s->n; i++) {
        mt_hdr *h = slab_hdr(s, i);
        if (h->used && h->gen != m->gen[kind] && !is_deleted(m, kind, i))
            delete_item(m, kind, i, now);
    }
    m->listing[kind] = 0;
    m->listed[kind] = 1;
}

kt_kube_sink meter_sink(kt_meter *m)
{
    kt_kube_sink s = {m, on_upsert, on_delete, on_resync};
    return s;
}

void meter_counts(const kt_meter *m, kt_meter_counts *c)
{
    memset(c, 0, sizeof *c);
    const mt_slab *ns = &m->kinds[K_NODE], *ps = &m->kinds[K_POD];
    for (uint32_t i = 0; i < ns->n; i++) {
        const mt_node *n = slab_at(ns, i);
        c->nodes += n->h.used && !n->deleted;
    }
    for (uint32_t i = 0; i < ps->n; i++) {
        const mt_pod *p = slab_at(ps, i);
        if (!p->h.used || p->deleted)
            continue;
        c->pods++;
        for (size_t k = 0; k < p->n_ctrs; k++)
            c->running_containers += ivs_open(&p->ctrs[k].run);
    }
    uint32_t prov, reg;
    mt_place(m, &prov, &reg);
    c->provider = strtab_get(m->strs, prov);
    c->region = strtab_get(m->strs, reg);
    c->bytes = sizeof *m + m->cap_use * sizeof *m->use + m->block_bytes + strtab_bytes(m->strs);
    for (int k = 0; k < K_KIND_COUNT; k++)
        c->bytes += slab_bytes(&m->kinds[k]);
    c->last_flush = m->last_flush;
}

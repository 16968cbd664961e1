/* meter_inventory.c — everything but pods: nodes, volumes (PVs), claims,
 * services, storage classes, namespaces, ReplicaSets and Jobs.
 *
 * Nodes are present from their creationTimestamp (clipped to `since` when
 * hours are computed); volumes and load balancers, which Kubernetes gives
 * no usable start for, from when the meter first saw them — except in the
 * first list after a restart, where they count from the start of the hour
 * being recomputed (the previous process saw them then; see
 * docs/metering.md). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "util/time.h"
#include "meter/meter_internal.h"
#include "util/buf.h"

int64_t inv_first_seen(const kt_meter *m, enum kt_kind k, int64_t now)
{
    if (m->listed[k] || m->resume <= 0)
        return now;
    int64_t t = hour_floor(m->resume);
    if (t < m->since) t = m->since;
    return t < now ? t : now;
}

static uint32_t find_or_add(kt_meter *m, enum kt_kind k, uint64_t key)
{
    uint32_t i = slab_find(&m->kinds[k], key);
    if (i == MT_NONE)
        i = slab_add(&m->kinds[k], key);
    slab_hdr(&m->kinds[k], i)->gen = m->gen[k];
    return i;
}

/* Open the presence interval unless open already. */
static void present_from(mt_ivs *v, int64_t t)
{
    if (!ivs_open(v))
        ivs_set(v, t, MT_OPEN);
}

static void node_upsert(kt_meter *m, const kt_node_obj *o, int64_t now)
{
    mt_node *n = slab_at(&m->kinds[K_NODE], find_or_add(m, K_NODE, mt_key(0, o->name)));
    n->o = *o;
    n->deleted = 0;
    if (o->created > 0 && o->created <= now)
        ivs_set(&n->present, o->created, MT_OPEN); /* a new creationTimestamp: a new node */
    else
        present_from(&n->present, inv_first_seen(m, K_NODE, now));
}

static void pv_upsert(kt_meter *m, const kt_pv_obj *o, int64_t now)
{
    mt_vol *v = slab_at(&m->kinds[K_PV], find_or_add(m, K_PV, mt_key(0, o->name)));
    if (v->o.storage_class != o->storage_class)
        v->provisioner = v->sc_type = 0;
    v->o = *o;
    if (!(v->o.bytes >= 0 && v->o.bytes < 1e18))
        v->o.bytes = 0;
    v->deleted = 0;
    present_from(&v->present, inv_first_seen(m, K_PV, now));
}

static void svc_upsert(kt_meter *m, const kt_service_obj *o, int64_t now)
{
    mt_svc *s = slab_at(&m->kinds[K_SERVICE], find_or_add(m, K_SERVICE, mt_key(o->namespace_, o->name)));
    s->ns = o->namespace_, s->name = o->name, s->type = o->type, s->ip = o->ip, s->internal = o->internal;
    s->deleted = 0;
    if (s->n_selector != o->n_selector || !mt_kv_same(s->selector, o->selector, o->n_selector)) {
        mt_block_free(m, s->selector, s->n_selector * sizeof *s->selector);
        s->selector = mt_kv_dup(m, o->selector, o->n_selector, NULL, 0);
        s->n_selector = o->n_selector;
    }
    if (o->type == m->s_lb)
        present_from(&s->lb, inv_first_seen(m, K_SERVICE, now));
    else
        ivs_close(&s->lb, now); /* no longer a load balancer */
}

static void ns_upsert(kt_meter *m, const kt_namespace_obj *o)
{
    mt_ns *n = slab_at(&m->kinds[K_NAMESPACE], find_or_add(m, K_NAMESPACE, mt_key(0, o->name)));
    n->name = o->name;
    if (n->kv && n->n_labels == o->n_labels && n->n_anns == o->n_annotations &&
        mt_kv_same(n->kv, o->labels, o->n_labels) && mt_kv_same(n->kv + n->n_labels, o->annotations, o->n_annotations))
        return;
    mt_block_free(m, n->kv, (n->n_labels + n->n_anns) * sizeof *n->kv);
    n->kv = mt_kv_dup(m, o->labels, o->n_labels, o->annotations, o->n_annotations);
    n->n_labels = o->n_labels, n->n_anns = o->n_annotations;
    n->rec_hash = 0; /* write it */
}

static void ref_upsert(kt_meter *m, enum kt_kind k, uint32_t ns, uint32_t name, uint32_t a, uint32_t b)
{
    mt_ref *r = slab_at(&m->kinds[k], find_or_add(m, k, mt_key(ns, name)));
    r->a = a, r->b = b;
}

void inv_upsert(kt_meter *m, const kt_object *o, int64_t now)
{
    switch (o->kind) {
    case K_NODE: node_upsert(m, &o->u.node, now); break;
    case K_PV: pv_upsert(m, &o->u.pv, now); break;
    case K_SERVICE: svc_upsert(m, &o->u.svc, now); break;
    case K_NAMESPACE: ns_upsert(m, &o->u.ns); break;
    case K_PVC: ref_upsert(m, K_PVC, o->u.pvc.namespace_, o->u.pvc.name, o->u.pvc.volume, o->u.pvc.storage_class); break;
    case K_STORAGECLASS: ref_upsert(m, K_STORAGECLASS, 0, o->u.sc.name, o->u.sc.provisioner, o->u.sc.type); break;
    case K_REPLICASET:
    case K_JOB:
        ref_upsert(m, o->kind, o->u.owner.namespace_, o->u.owner.name, o->u.owner.owner_kind, o->u.owner.owner);
        break;
    default: break;
    }
}

/* Things with hours stay (closed) until those hours are final; lookups
 * (claims, classes, owners, namespaces) go at once: what they resolved is
 * kept where it was used. */
void inv_delete(kt_meter *m, enum kt_kind k, uint32_t i, int64_t now)
{
    void *it = slab_at(&m->kinds[k], i);
    switch (k) {
    case K_NODE: ivs_close(&((mt_node *)it)->present, now), ((mt_node *)it)->deleted = 1; break;
    case K_PV: ivs_close(&((mt_vol *)it)->present, now), ((mt_vol *)it)->deleted = 1; break;
    case K_SERVICE: ivs_close(&((mt_svc *)it)->lb, now), ((mt_svc *)it)->deleted = 1; break;
    default:
        inv_free(m, k, i);
        slab_drop(&m->kinds[k], i);
        break;
    }
}

void inv_free(kt_meter *m, enum kt_kind k, uint32_t i)
{
    void *it = slab_at(&m->kinds[k], i);
    switch (k) {
    case K_NODE: ivs_free(&((mt_node *)it)->present); break;
    case K_PV: ivs_free(&((mt_vol *)it)->present); break;
    case K_SERVICE: {
        mt_svc *s = it;
        ivs_free(&s->lb);
        mt_block_free(m, s->selector, s->n_selector * sizeof *s->selector);
        s->selector = NULL;
        break;
    }
    case K_NAMESPACE: {
        mt_ns *n = it;
        mt_block_free(m, n->kv, (n->n_labels + n->n_anns) * sizeof *n->kv);
        n->kv = NULL;
        break;
    }
    case K_POD: pod_free(m, it); break;
    default: break;
    }
}

/* --- used bytes of claimed volumes (kubelet stats) ------------------------- */

/* The volume a claim is bound to: the PVC's volumeName, else the PV whose
 * claimRef names it (a PV bound before its claim was seen). */
static uint32_t claim_volume(const kt_meter *m, uint32_t ns, uint32_t claim)
{
    const mt_slab *cs = &m->kinds[K_PVC], *vs = &m->kinds[K_PV];
    uint32_t k = slab_find(cs, mt_key(ns, claim));
    if (k != MT_NONE && ((const mt_ref *)slab_at(cs, k))->a)
        return slab_find(vs, mt_key(0, ((const mt_ref *)slab_at(cs, k))->a));
    for (uint32_t i = 0; i < vs->n; i++) {
        const mt_vol *v = slab_at(vs, i);
        if (v->h.used && v->o.claim_ns == ns && v->o.claim_name == claim)
            return i;
    }
    return MT_NONE;
}

void meter_volume_stats(kt_meter *m, const kt_volume_sample *s, size_t n)
{
    assert(m && (s || !n));
    for (size_t i = 0; i < n; i++) {
        uint32_t vi = claim_volume(m, s[i].namespace_, s[i].claim);
        if (vi == MT_NONE || s[i].t <= 0)
            continue;
        mt_vol *v = slab_at(&m->kinds[K_PV], vi);
        int64_t day = day_floor(s[i].t);
        if (day < v->used[0].day)
            continue; /* older than the day kept: stale news */
        if (day > v->used[0].day) {
            v->used[1] = v->used[0]; /* kept until a flush has written it */
            v->used[0] = (mt_used){day, 0, 0, 0, 0};
        }
        if (s[i].used_bytes >= v->used[0].peak)
            v->used[0].peak = s[i].used_bytes;
        v->used[0].sum += s[i].used_bytes;
        v->used[0].samples++;
        v->used[0].capacity = s[i].capacity_bytes;
    }
}

/* meter_flush.c — one flush: every hour from the first not yet final to
 * hour_floor(now), whole, in one store transaction (meter.h).
 *
 * Things (cluster, nodes, namespaces, pods, containers, volumes, load
 * balancers) are written when new to this process or changed (a hash of
 * the record); hourly facts are written for every hour being rewritten, over
 * [since, now) only.  On any store error the transaction is rolled back and
 * every store id is forgotten, so the next flush writes everything again;
 * the meter's own data (intervals, usage) is untouched, and hours become
 * final (usage dropped, deleted things forgotten) only after a commit. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/time.h"
#include "meter/meter_internal.h"
#include "util/buf.h"

typedef struct flush {
    kt_meter *m;
    kt_store *s;
    kt_err *err;
    int64_t now, h0, h1; /* hours h0 … h1 are written */
    mt_join j;
    mt_scratch sc;
    double *share;
    size_t cap_share;
    kt_kv *kv;           /* record strings, reused */
    size_t cap_kv;
    const char **svcs;
    size_t cap_svcs;
    const char *provider, *region;
} flush;

static const char *str(const flush *f, uint32_t id) { return strtab_get(f->m->strs, id); }

/* The part of hour h being metered: [max(h, since), min(h + 1h, now)); in
 * the resumed hour only from the last flush of the previous process on
 * (the rest is its stored baseline, meter_baseline.c). */
static int hour_window(const flush *f, int64_t h, int64_t *wa, int64_t *wb)
{
    *wa = h > f->m->since ? h : f->m->since;
    if (base_active(f->m, h) && f->m->base.resume > *wa)
        *wa = f->m->base.resume;
    *wb = h + 3600 < f->now ? h + 3600 : f->now;
    return *wb > *wa;
}

/* Does the interval list touch any hour being written? */
static int touches(const flush *f, const mt_ivs *v)
{
    int64_t a = f->h0 > f->m->since ? f->h0 : f->m->since;
    return ivs_overlap(v, a, f->now) > 0;
}

static uint32_t hash_u32s(uint32_t h, const uint32_t *v, size_t n) { return mt_hash(h, v, n * sizeof *v); }
static uint32_t hash_f64(uint32_t h, double d) { return mt_hash(h, &d, sizeof d); }
static uint32_t nonzero(uint32_t h) { return h ? h : 1; }

/* --- cluster and nodes ------------------------------------------------------------ */

static int put_cluster(flush *f)
{
    kt_cluster_rec r = {f->m->cluster, f->provider, f->region, "", "kube"};
    return store_put_cluster(f->s, &r, &f->m->cluster_id, f->err);
}

static kt_node_desc node_desc(const flush *f, const mt_node *n)
{
    const kt_node_obj *o = &n->o;
    kt_node_desc d = {f->m->cluster, str(f, o->name), str(f, o->provider), str(f, o->region), str(f, o->zone),
                      str(f, o->instance_type), str(f, o->provider_id), o->spot, o->cpu_cores, o->ram_bytes, o->gpus};
    return d;
}

static int put_node(flush *f, mt_node *n)
{
    const kt_node_obj *o = &n->o;
    uint32_t ids[] = {o->name, o->uid, o->provider_id, o->provider, o->region, o->zone, o->instance_type, o->pool,
                      o->capacity_type, o->gpu_type, o->arch, o->os, (uint32_t)o->spot};
    uint32_t h = hash_u32s(2166136261u, ids, sizeof ids / sizeof *ids);
    h = nonzero(hash_f64(hash_f64(hash_f64(h, o->cpu_cores), o->ram_bytes), o->gpus));
    if (!n->store_id || h != n->rec_hash) {
        kt_node_rec r = {f->m->cluster_id, str(f, o->name), str(f, o->provider), str(f, o->region), str(f, o->zone),
                         str(f, o->instance_type), str(f, o->pool), str(f, o->provider_id), str(f, o->gpu_type),
                         str(f, o->arch), str(f, o->os), o->spot, o->cpu_cores, o->ram_bytes, o->gpus};
        if (store_put_node(f->s, &r, &n->store_id, f->err))
            return -1;
        n->rec_hash = h;
    }
    kt_node_desc d = node_desc(f, n);
    kt_price p = pricing_node(f->m->pricing, &d);
    for (int64_t t = f->h0, wa, wb; t <= f->h1; t += 3600) {
        int64_t sec = hour_window(f, t, &wa, &wb) ? ivs_overlap(&n->present, wa, wb) : 0;
        kt_node_hour nh = {n->store_id, t, (double)sec / 3600.0, p.cpu, p.ram, p.gpu, p.hourly, p.source};
        if (sec && base_active(f->m, t))
            nh.hours += base_node_hours(f->m, str(f, o->name));
        if (sec && store_put_node_hour(f->s, &nh, f->err))
            return -1;
    }
    return 0;
}

static int put_nodes(flush *f)
{
    mt_slab *s = &f->m->kinds[K_NODE];
    for (uint32_t i = 0; i < s->n; i++) {
        mt_node *n = slab_at(s, i);
        if (n->h.used && touches(f, &n->present) && put_node(f, n))
            return -1;
    }
    return 0;
}

/* --- namespaces and pods -------------------------------------------------------- */

static kt_kv *kv_strings(flush *f, const kt_kv_id *kv, size_t n, size_t at)
{
    if (at + n + 1 > f->cap_kv) {
        f->cap_kv = (at + n + 1) * 2;
        f->kv = xrealloc(f->kv, f->cap_kv * sizeof *f->kv);
    }
    for (size_t i = 0; i < n; i++)
        f->kv[at + i] = (kt_kv){str(f, kv[i].key), str(f, kv[i].value)};
    return f->kv + at;
}

static int put_namespaces(flush *f)
{
    mt_slab *s = &f->m->kinds[K_NAMESPACE];
    for (uint32_t i = 0; i < s->n; i++) {
        mt_ns *n = slab_at(s, i);
        if (!n->h.used || n->rec_hash)
            continue;
        kv_strings(f, n->kv, n->n_labels + n->n_anns, 0);
        if (store_put_namespace(f->s, f->m->cluster_id, str(f, n->name), f->kv, n->n_labels, f->kv + n->n_labels,
                                n->n_anns, f->err))
            return -1;
        n->rec_hash = 1;
    }
    return 0;
}

static int64_t node_store_id(const flush *f, uint32_t node)
{
    uint32_t i = slab_find(&f->m->kinds[K_NODE], mt_key(0, node));
    return i == MT_NONE ? 0 : ((const mt_node *)slab_at(&f->m->kinds[K_NODE], i))->store_id;
}

/* Write the pod's record when new to this process or changed. */
static int ensure_pod(flush *f, mt_pod *p, uint32_t pi)
{
    uint32_t kind, ctrl;
    pod_controller(f->m, p, &kind, &ctrl);
    int64_t node_id = node_store_id(f, p->node);
    const uint32_t *svcs = f->j.svcs + f->j.svc_off[pi];
    size_t n_svcs = f->j.svc_n[pi];
    uint32_t ids[] = {p->uid, kind, ctrl, (uint32_t)node_id, (uint32_t)(node_id >> 32)};
    uint32_t h = hash_u32s(2166136261u, ids, sizeof ids / sizeof *ids);
    h = mt_hash(h, p->kv, ((size_t)p->n_labels + p->n_anns) * sizeof *p->kv);
    h = nonzero(hash_u32s(h, svcs, n_svcs));
    if (p->store_id && h == p->rec_hash)
        return 0;
    kt_kv *kv = kv_strings(f, p->kv, (size_t)p->n_labels + p->n_anns, 0);
    if (n_svcs > f->cap_svcs) {
        f->cap_svcs = n_svcs * 2;
        f->svcs = xrealloc(f->svcs, f->cap_svcs * sizeof *f->svcs);
    }
    for (size_t i = 0; i < n_svcs; i++)
        f->svcs[i] = str(f, svcs[i]);
    kt_pod_rec r = {.cluster_id = f->m->cluster_id, .node_id = node_id, .namespace = str(f, p->ns),
                    .name = str(f, p->name), .uid = str(f, p->uid), .controller_kind = str(f, kind),
                    .controller = str(f, ctrl), .labels = kv, .n_labels = p->n_labels, .annotations = kv + p->n_labels,
                    .n_annotations = p->n_anns, .services = f->svcs, .n_services = n_svcs};
    if (store_put_pod(f->s, &r, &p->store_id, f->err))
        return -1;
    p->rec_hash = h;
    return 0;
}

/* One container-hour over [wa, wb) (meter.h's formulas); 0 when not running. */
static int container_hour(const kt_meter *m, const mt_ctr *c, int64_t t, int64_t wa, int64_t wb, kt_container_hour *o)
{
    int64_t sec = ivs_overlap(&c->run, wa, wb);
    if (!sec)
        return 0;
    const mt_use *u = use_find(m, c, t);
    double s = (double)sec, measured = u ? (u->measured < s ? u->measured : s) : 0;
    double rest = (s - measured) / 3600.0, h = s / 3600.0;
    memset(o, 0, sizeof *o);
    o->t = t;
    o->seconds = s;
    o->cpu_req = c->cpu_req * h;
    o->ram_req = c->ram_req * h;
    o->gpu = c->gpu_req * h;
    o->cpu_use = (u ? u->cpu_use : 0) + c->cpu_req * rest;
    o->cpu_alloc = (u ? u->cpu_alloc : 0) + c->cpu_req * rest;
    o->ram_use = (u ? u->ram_use : 0) + c->ram_req * rest;
    o->ram_alloc = (u ? u->ram_alloc : 0) + c->ram_req * rest;
    /* peaks: the largest sample, and the request for the unmeasured time */
    o->cpu_peak = u ? u->cpu_peak : 0;
    o->ram_peak = u ? u->ram_peak : 0;
    if (rest > 0 && c->cpu_req > o->cpu_peak) o->cpu_peak = c->cpu_req;
    if (rest > 0 && c->ram_req > o->ram_peak) o->ram_peak = c->ram_req;
    o->usage_measured = u && u->measured > 0;
    return 1;
}

static int put_pod_hours(flush *f, mt_pod *p, uint32_t pi)
{
    for (size_t k = 0; k < p->n_ctrs; k++) {
        mt_ctr *c = &p->ctrs[k];
        for (int64_t t = f->h0, wa, wb; t <= f->h1; t += 3600) {
            kt_container_hour ch;
            if (!hour_window(f, t, &wa, &wb) || !container_hour(f->m, c, t, wa, wb, &ch))
                continue;
            if (ensure_pod(f, p, pi) ||
                (!c->store_id && store_put_container(f->s, p->store_id, str(f, c->name), &c->store_id, f->err)))
                return -1;
            ch.container_id = c->store_id;
            if (base_active(f->m, t))
                base_add_container(f->m, str(f, p->ns), str(f, p->name), str(f, c->name), &ch);
            if (store_put_container_hour(f->s, &ch, f->err))
                return -1;
        }
    }
    for (int k = 0; k < 2; k++) { /* traffic the kubelet counted (meter_pod_network) */
        const mt_net *n = &p->net[k];
        if (!n->hour || n->hour < f->h0 || n->hour > f->h1)
            continue;
        kt_pod_network_hour nh = {.t = n->hour, .rx_bytes = n->rx, .tx_other = n->tx};
        if (ensure_pod(f, p, pi))
            return -1;
        nh.pod_id = p->store_id;
        if (store_put_pod_network_hour(f->s, &nh, f->err))
            return -1;
    }
    return 0;
}

static int put_pods(flush *f)
{
    mt_slab *s = &f->m->kinds[K_POD];
    int64_t from = f->h0 > f->m->since ? f->h0 : f->m->since;
    for (uint32_t i = 0; i < s->n; i++) {
        mt_pod *p = slab_at(s, i);
        if (p->h.used && p->node && pod_end(p) > from && put_pod_hours(f, p, i))
            return -1;
    }
    return 0;
}

/* --- volumes and load balancers ----------------------------------------------- */

/* Split thing's presence in each hour among its pods (pairs[lo, hi)) and
 * write the pod's part with put(). */
typedef int (*put_share_fn)(flush *f, int64_t pod_id, int64_t thing_id, int64_t t, double hours);

static int put_pod_volume(flush *f, int64_t pod_id, int64_t vol_id, int64_t t, double hours)
{
    kt_pod_volume_hour r = {pod_id, vol_id, t, hours};
    return store_put_pod_volume_hour(f->s, &r, f->err);
}

static int put_pod_lb(flush *f, int64_t pod_id, int64_t lb_id, int64_t t, double hours)
{
    kt_pod_lb_hour r = {pod_id, lb_id, t, hours};
    return store_put_pod_lb_hour(f->s, &r, f->err);
}

static size_t pairs_from(const mt_pair *v, size_t n, uint32_t thing)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v[mid].thing < thing) lo = mid + 1; else hi = mid;
    }
    return lo;
}

/* The previous process's share of the resumed hour for one pod: of the
 * volume `name`, or of the load balancer `ns/name` when lb_ns is set. */
static double base_share(const flush *f, const mt_pod *p, const char *lb_ns, const char *name)
{
    return lb_ns ? base_pod_lb_hours(f->m, str(f, p->ns), str(f, p->name), lb_ns, name)
                 : base_pod_volume_hours(f->m, str(f, p->ns), str(f, p->name), name);
}

static int put_shares(flush *f, const mt_pair *v, size_t n, uint32_t thing, const mt_ivs *present, int64_t thing_id,
                      int64_t t, int64_t wa, int64_t wb, put_share_fn put, const char *lb_ns, const char *name)
{
    size_t lo = pairs_from(v, n, thing), hi = lo;
    while (hi < n && v[hi].thing == thing)
        hi++;
    if (hi == lo)
        return 0;
    grow_array((void **)&f->share, &f->cap_share, hi - lo, sizeof *f->share);
    memset(f->share, 0, (hi - lo) * sizeof *f->share);
    f->sc.n_spans = 0;
    mt_slab *ps = &f->m->kinds[K_POD];
    for (size_t i = lo; i < hi; i++)
        share_add_pod(&f->sc, slab_at(ps, v[i].pod), wa, wb, (uint32_t)(i - lo));
    share_split(&f->sc, wa, wb, present, f->share);
    for (size_t i = lo; i < hi; i++) {
        mt_pod *p = slab_at(ps, v[i].pod);
        if (f->share[i - lo] <= 0)
            continue;
        if (base_active(f->m, t))
            f->share[i - lo] += base_share(f, p, lb_ns, name);
        if (ensure_pod(f, p, v[i].pod) || put(f, p->store_id, thing_id, t, f->share[i - lo]))
            return -1;
    }
    return 0;
}

static int put_volume(flush *f, mt_vol *v, uint32_t vi)
{
    const kt_pv_obj *o = &v->o;
    uint32_t type = o->volume_type ? o->volume_type : v->sc_type;
    uint32_t ids[] = {o->storage_class, o->claim_ns, o->claim_name, o->provider_id, type};
    uint32_t h = nonzero(hash_u32s(2166136261u, ids, sizeof ids / sizeof *ids));
    if (!v->store_id || h != v->rec_hash) {
        kt_volume_rec r = {f->m->cluster_id, str(f, o->name), str(f, o->storage_class), str(f, o->claim_ns),
                           str(f, o->claim_name), str(f, o->provider_id), str(f, type)};
        if (store_put_volume(f->s, &r, &v->store_id, f->err))
            return -1;
        v->rec_hash = h;
    }
    const char *src = "default";
    uint32_t prov = v->provisioner ? v->provisioner : o->csi_driver;
    double price = pricing_volume_gib_hour(f->m->pricing, f->provider, f->region, str(f, prov),
                                           str(f, v->sc_type ? v->sc_type : o->volume_type), &src);
    for (int64_t t = f->h0, wa, wb; t <= f->h1; t += 3600) {
        int64_t sec = hour_window(f, t, &wa, &wb) ? ivs_overlap(&v->present, wa, wb) : 0;
        kt_volume_hour vh = {v->store_id, t, (double)sec / 3600.0, o->bytes, price, src};
        if (sec && base_active(f->m, t))
            vh.hours += base_volume_hours(f->m, str(f, o->name));
        if (sec && (store_put_volume_hour(f->s, &vh, f->err) ||
                    put_shares(f, f->j.vol_pods, f->j.n_vol_pods, vi, &v->present, v->store_id, t, wa, wb,
                               put_pod_volume, NULL, str(f, o->name))))
            return -1;
    }
    /* used bytes: the day rows keep their maximum, so writing a day again
     * each flush is harmless; the earlier day is forgotten once written
     * (finalize, after the commit) */
    for (int d = 0; d < 2; d++) {
        const mt_used *u = &v->used[d];
        kt_volume_usage vu = {v->store_id, u->day, u->peak, u->samples ? u->sum / (double)u->samples : 0,
                              u->samples, u->capacity};
        if (u->day && store_put_volume_usage(f->s, &vu, f->err))
            return -1;
    }
    return 0;
}

static int put_lb(flush *f, mt_svc *l, uint32_t li)
{
    uint32_t ids[] = {l->ip, (uint32_t)l->internal};
    uint32_t h = nonzero(hash_u32s(2166136261u, ids, 2));
    if (!l->store_id || h != l->rec_hash) {
        kt_lb_rec r = {f->m->cluster_id, str(f, l->ns), str(f, l->name), str(f, l->ip), l->internal};
        if (store_put_lb(f->s, &r, &l->store_id, f->err))
            return -1;
        l->rec_hash = h;
    }
    const char *src = "default";
    double hourly = pricing_lb_hourly(f->m->pricing, f->provider, f->region, &src);
    for (int64_t t = f->h0, wa, wb; t <= f->h1; t += 3600) {
        int64_t sec = hour_window(f, t, &wa, &wb) ? ivs_overlap(&l->lb, wa, wb) : 0;
        kt_lb_hour lh = {l->store_id, t, (double)sec / 3600.0, hourly, src};
        if (sec && base_active(f->m, t))
            lh.hours += base_lb_hours(f->m, str(f, l->ns), str(f, l->name));
        if (sec && (store_put_lb_hour(f->s, &lh, f->err) ||
                    put_shares(f, f->j.lb_pods, f->j.n_lb_pods, li, &l->lb, l->store_id, t, wa, wb, put_pod_lb,
                               str(f, l->ns), str(f, l->name))))
            return -1;
    }
    return 0;
}

static int put_volumes_and_lbs(flush *f)
{
    mt_slab *vs = &f->m->kinds[K_PV], *ss = &f->m->kinds[K_SERVICE];
    for (uint32_t i = 0; i < vs->n; i++) {
        mt_vol *v = slab_at(vs, i);
        if (v->h.used && touches(f, &v->present) && put_volume(f, v, i))
            return -1;
    }
    for (uint32_t i = 0; i < ss->n; i++) {
        mt_svc *l = slab_at(ss, i);
        if (l->h.used && touches(f, &l->lb) && put_lb(f, l, i))
            return -1;
    }
    return 0;
}

/* --- fee, meta ------------------------------------------------------------------ */

static int put_fees(flush *f)
{
    const char *kind = "";
    double hourly = pricing_cluster_fee(f->m->pricing, f->provider, f->region, &kind);
    for (int64_t t = f->h0, wa, wb; kind && *kind && t <= f->h1; t += 3600) {
        kt_fee_hour fh = {f->m->cluster_id, t, 0, hourly, kind};
        if (!hour_window(f, t, &wa, &wb))
            continue;
        fh.hours = (double)(wb - wa) / 3600.0 + (base_active(f->m, t) ? base_fee_hours(f->m) : 0);
        if (store_put_fee_hour(f->s, &fh, f->err))
            return -1;
    }
    return 0;
}

static int put_meta(flush *f)
{
    char key[300], val[32];
    snprintf(key, sizeof key, "live_since:%s", f->m->cluster);
    snprintf(val, sizeof val, "%lld", (long long)f->m->since);
    if (store_set_meta(f->s, key, val, f->err))
        return -1;
    snprintf(key, sizeof key, "live_flush:%s", f->m->cluster);
    snprintf(val, sizeof val, "%lld", (long long)f->now);
    return store_set_meta(f->s, key, val, f->err);
}

/* --- after the transaction -------------------------------------------------------- */

/* A failed flush: what the store may not hold must be written again. */
static void forget_ids(kt_meter *m)
{
    m->cluster_id = 0;
    mt_slab *s = &m->kinds[K_POD];
    for (uint32_t i = 0; i < s->n; i++) {
        mt_pod *p = slab_at(s, i);
        p->store_id = 0, p->rec_hash = 0;
        for (size_t c = 0; c < p->n_ctrs; c++)
            p->ctrs[c].store_id = 0;
    }
    for (uint32_t i = 0; i < m->kinds[K_NODE].n; i++)
        ((mt_node *)slab_at(&m->kinds[K_NODE], i))->store_id = 0;
    for (uint32_t i = 0; i < m->kinds[K_PV].n; i++)
        ((mt_vol *)slab_at(&m->kinds[K_PV], i))->store_id = 0;
    for (uint32_t i = 0; i < m->kinds[K_SERVICE].n; i++)
        ((mt_svc *)slab_at(&m->kinds[K_SERVICE], i))->store_id = 0;
    for (uint32_t i = 0; i < m->kinds[K_NAMESPACE].n; i++)
        ((mt_ns *)slab_at(&m->kinds[K_NAMESPACE], i))->rec_hash = 0;
}

static void drop(kt_meter *m, enum kt_kind k, uint32_t i)
{
    inv_free(m, k, i);
    slab_drop(&m->kinds[k], i);
}

/* A deleted thing whose last hour is final goes; a live one forgets
 * intervals that ended before `final`. */
static void drop_or_prune(kt_meter *m, enum kt_kind k, uint32_t i, mt_ivs *v, int deleted, int64_t final)
{
    if (!slab_hdr(&m->kinds[k], i)->used)
        return;
    if (deleted && ivs_end(v) <= final)
        drop(m, k, i);
    else
        ivs_prune(v, final);
}

/* Hours before `final` will never be written again: forget their usage and
 * intervals, and things deleted before then. */
static void finalize(kt_meter *m, int64_t final)
{
    mt_slab *s = &m->kinds[K_POD];
    for (uint32_t i = 0; i < s->n; i++) {
        mt_pod *p = slab_at(s, i);
        if (!p->h.used)
            continue;
        if (p->deleted && pod_end(p) <= final) {
            drop(m, K_POD, i);
            continue;
        }
        for (int k = 0; k < 2; k++)
            if (p->net[k].hour < final)
                p->net[k].hour = 0; /* committed, and final */
        for (size_t c = 0; c < p->n_ctrs; c++) {
            use_drop_before(m, &p->ctrs[c], final);
            ivs_prune(&p->ctrs[c].run, final);
        }
    }
    for (uint32_t i = 0; i < m->kinds[K_NODE].n; i++) {
        mt_node *n = slab_at(&m->kinds[K_NODE], i);
        drop_or_prune(m, K_NODE, i, &n->present, n->deleted, final);
    }
    for (uint32_t i = 0; i < m->kinds[K_PV].n; i++) {
        mt_vol *v = slab_at(&m->kinds[K_PV], i);
        v->used[1].day = 0; /* committed: the earlier day's peak is in the store */
        drop_or_prune(m, K_PV, i, &v->present, v->deleted, final);
    }
    for (uint32_t i = 0; i < m->kinds[K_SERVICE].n; i++) {
        mt_svc *l = slab_at(&m->kinds[K_SERVICE], i);
        drop_or_prune(m, K_SERVICE, i, &l->lb, l->deleted, final);
    }
}

void meter_forget_store(kt_meter *m)
{
    assert(m);
    forget_ids(m);
}

int meter_load_resumed_hour(kt_meter *m, kt_store *s, kt_err *err)
{
    assert(m && s);
    return base_load(m, s, err);
}

int meter_flush(kt_meter *m, kt_store *s, int64_t now, kt_err *err)
{
    flush f = {.m = m, .s = s, .err = err, .now = now, .h0 = m->next_hour, .h1 = hour_floor(now)};
    join_build(m, &f.j);
    f.provider = strtab_get(m->strs, f.j.provider);
    f.region = strtab_get(m->strs, f.j.region);
    int rc = store_begin(s, err);
    if (!rc) {
        rc = base_load(m, s, err) || put_cluster(&f) || put_nodes(&f) || put_namespaces(&f) || put_pods(&f) || put_volumes_and_lbs(&f) ||
             put_fees(&f) || put_meta(&f) || store_commit(s, err) ? -1 : 0;
        if (rc) {
            store_rollback(s);
            forget_ids(m);
        }
    }
    join_free(&f.j);
    share_free(&f.sc);
    free(f.share), free(f.kv), free(f.svcs);
    if (rc)
        return kt_wrap(err, "meter: cluster %s: flush at %lld", m->cluster, (long long)now);
    if (f.h1 > m->next_hour)
        m->next_hour = f.h1;
    m->last_flush = now;
    finalize(m, m->next_hour);
    if (m->base.loaded && m->next_hour > m->base.hour)
        base_finish(&m->base); /* the resumed hour is final: its baseline is written for good */
    return 0;
}

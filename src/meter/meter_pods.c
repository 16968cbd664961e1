/* meter_pods.c — pods and their containers: run intervals from the
 * containerStatuses Kubernetes reports, and usage samples integrated per
 * hour (meter.h states the rules). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "util/time.h"
#include "meter/meter_internal.h"
#include "util/buf.h"

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

/* --- small shared helpers ---------------------------------------------------- */

uint32_t mt_hash(uint32_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ c[i]) * 16777619u;
    return h;
}

kt_kv_id *mt_kv_dup(kt_meter *m, const kt_kv_id *a, size_t n, const kt_kv_id *b, size_t nb)
{
    if (!n && !nb)
        return NULL;
    kt_kv_id *out = xmalloc((n + nb) * sizeof *out);
    if (n) memcpy(out, a, n * sizeof *out);
    if (nb) memcpy(out + n, b, nb * sizeof *out);
    m->block_bytes += (n + nb) * sizeof *out;
    return out;
}

void mt_block_free(kt_meter *m, void *p, size_t bytes)
{
    if (p) {
        free(p);
        m->block_bytes -= bytes;
    }
}

int mt_kv_same(const kt_kv_id *a, const kt_kv_id *b, size_t n)
{
    return !n || !memcmp(a, b, n * sizeof *a);
}

/* --- pods ---------------------------------------------------------------------- */

/* Labels, annotations and claims in one block; rebuilt only when they change. */
static void pod_set_kv(kt_meter *m, mt_pod *p, const kt_pod_obj *o)
{
    size_t nl = o->n_labels > 65535 ? 65535 : o->n_labels, na = o->n_annotations > 65535 ? 65535 : o->n_annotations;
    size_t nc = o->n_claims > 65535 ? 65535 : o->n_claims;
    int same = p->kv && p->n_labels == nl && p->n_anns == na && p->n_claims == nc &&
               mt_kv_same(p->kv, o->labels, nl) && mt_kv_same(p->kv + nl, o->annotations, na);
    for (size_t i = 0; same && i < nc; i++)
        same = p->kv[nl + na + i].key == o->claims[i];
    if (same || (!nl && !na && !nc && !p->kv))
        return;
    mt_block_free(m, p->kv, ((size_t)p->n_labels + p->n_anns + p->n_claims) * sizeof *p->kv);
    kt_kv_id *kv = mt_kv_dup(m, o->labels, nl, o->annotations, na);
    if (nc) {
        kv = xrealloc(kv, (nl + na + nc) * sizeof *kv);
        m->block_bytes += nc * sizeof *kv;
        for (size_t i = 0; i < nc; i++)
            kv[nl + na + i] = (kt_kv_id){o->claims[i], 0}; /* bound volume resolved at flush */
    }
    p->kv = kv;
    p->n_labels = (uint16_t)nl, p->n_anns = (uint16_t)na, p->n_claims = (uint16_t)nc;
}

/* One container status → its run intervals. */
static void ctr_requests(mt_ctr *c, const kt_container_obj *o)
{
    c->cpu_req = o->cpu_req > 0 && o->cpu_req < 1e9 ? o->cpu_req : 0; /* NaN and garbage ⇒ 0 */
    c->ram_req = o->ram_req > 0 && o->ram_req < 1e18 ? o->ram_req : 0;
    c->gpu_req = o->gpu_req > 0 && o->gpu_req < 1e6 ? o->gpu_req : 0;
}

static void ctr_observe(mt_ctr *c, const kt_container_obj *o, int64_t now)
{
    ctr_requests(c, o);
    if (o->running) {
        ivs_set(&c->run, o->started > 0 ? o->started : now, MT_OPEN);
        return;
    }
    if (o->started > 0 && o->finished > o->started)
        ivs_set(&c->run, o->started, o->finished);
    ivs_close(&c->run, now); /* not running now, whatever we knew */
}

static mt_ctr *find_ctr(mt_ctr *c, size_t n, uint32_t name, size_t hint)
{
    if (hint < n && c[hint].name == name)
        return &c[hint];
    for (size_t i = 0; i < n; i++)
        if (c[i].name == name)
            return &c[i];
    return NULL;
}

/* The containers of o, keeping the state of those already known (matched by
 * name); known containers the object no longer lists stop now. */
static void pod_set_ctrs(kt_meter *m, mt_pod *p, const kt_pod_obj *o, int64_t now)
{
    size_t n = o->n_containers > 4096 ? 4096 : o->n_containers, same = n == p->n_ctrs;
    for (size_t i = 0; same && i < n; i++)
        same = p->ctrs[i].name == o->containers[i].name;
    if (!same) {
        mt_ctr *nc = xcalloc(n + p->n_ctrs + 1, sizeof *nc);
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            mt_ctr *old = find_ctr(p->ctrs, p->n_ctrs, o->containers[i].name, i);
            if (old) {
                nc[k] = *old;
                old->name = MT_NONE; /* taken */
            } else
                nc[k].name = o->containers[i].name;
            k++;
        }
        for (size_t i = 0; i < p->n_ctrs; i++)
            if (p->ctrs[i].name != MT_NONE) {
                nc[k] = p->ctrs[i];
                ivs_close(&nc[k++].run, now);
            }
        mt_block_free(m, p->ctrs, ((size_t)p->n_ctrs + 1) * sizeof *p->ctrs);
        p->ctrs = xrealloc(nc, (k + 1) * sizeof *nc);
        p->n_ctrs = (uint16_t)k;
        m->block_bytes += (k + 1) * sizeof *nc;
    }
    for (size_t i = 0; i < n; i++) {
        mt_ctr *c = find_ctr(p->ctrs, p->n_ctrs, o->containers[i].name, i);
        if (o->node)
            ctr_observe(c, &o->containers[i], now);
        else
            ctr_requests(c, &o->containers[i]); /* not scheduled: not metered */
    }
}

void pod_upsert(kt_meter *m, const kt_pod_obj *o, int64_t now)
{
    mt_slab *s = &m->kinds[K_POD];
    uint64_t key = mt_key(o->namespace_, o->name);
    uint32_t i = slab_find(s, key);
    if (i == MT_NONE)
        i = slab_add(s, key);
    mt_pod *p = slab_at(s, i);
    p->h.gen = m->gen[K_POD];
    /* Another uid under a known name: the pod we knew was deleted and
     * replaced while we were not watching (a relist after 410 Gone).  It
     * was gone before its successor was created (a name is unique at any
     * moment); without this its open run would last until the successor's
     * start, counting the gap between them. */
    if (p->uid && o->uid && p->uid != o->uid && !p->deleted) {
        int64_t gone = o->created > 0 && o->created < now ? o->created : now;
        for (size_t c = 0; c < p->n_ctrs; c++)
            ivs_close(&p->ctrs[c].run, gone);
    }
    p->ns = o->namespace_, p->name = o->name, p->uid = o->uid;
    if (o->node)
        p->node = o->node;
    if (p->owner_kind != o->owner_kind || p->owner != o->owner)
        p->ctrl_kind = p->ctrl = 0; /* resolve again */
    p->owner_kind = o->owner_kind, p->owner = o->owner;
    p->deleted = 0; /* listed again: a StatefulSet pod re-created under its name continues */
    pod_set_kv(m, p, o);
    pod_set_ctrs(m, p, o, now);
}

void pod_delete(kt_meter *m, uint32_t i, int64_t now)
{
    mt_pod *p = slab_at(&m->kinds[K_POD], i);
    for (size_t c = 0; c < p->n_ctrs; c++)
        ivs_close(&p->ctrs[c].run, now);
    p->deleted = now > 0 ? now : 1;
}

int64_t pod_end(const mt_pod *p)
{
    int64_t e = 0;
    for (size_t c = 0; c < p->n_ctrs; c++)
        e = max64(e, ivs_end(&p->ctrs[c].run));
    return e;
}

void pod_free(kt_meter *m, mt_pod *p)
{
    for (size_t c = 0; c < p->n_ctrs; c++) {
        use_drop_before(m, &p->ctrs[c], INT64_MAX);
        ivs_free(&p->ctrs[c].run);
    }
    /* the containers array was counted with one spare slot */
    mt_block_free(m, p->ctrs, ((size_t)p->n_ctrs + 1) * sizeof *p->ctrs);
    mt_block_free(m, p->kv, ((size_t)p->n_labels + p->n_anns + p->n_claims) * sizeof *p->kv);
    p->ctrs = NULL, p->kv = NULL;
}

/* --- usage ------------------------------------------------------------------ */

mt_use *use_find(const kt_meter *m, const mt_ctr *c, int64_t hour)
{
    for (uint32_t u = c->use; u; u = m->use[u - 1].next)
        if (m->use[u - 1].hour == hour)
            return &m->use[u - 1];
    return NULL;
}

static mt_use *use_get(kt_meter *m, mt_ctr *c, int64_t hour)
{
    mt_use *u = use_find(m, c, hour);
    if (u)
        return u;
    uint32_t id;
    if (m->use_free) {
        id = m->use_free;
        m->use_free = m->use[id - 1].next;
    } else {
        grow_array((void **)&m->use, &m->cap_use, m->n_use, sizeof *m->use);
        id = (uint32_t)++m->n_use;
    }
    u = &m->use[id - 1];
    memset(u, 0, sizeof *u);
    u->hour = hour;
    u->next = c->use;
    c->use = id;
    return u;
}

void use_drop_before(kt_meter *m, mt_ctr *c, int64_t hour)
{
    uint32_t *link = &c->use;
    while (*link) {
        uint32_t id = *link;
        mt_use *u = &m->use[id - 1];
        if (u->hour < hour) {
            *link = u->next;
            u->next = m->use_free;
            m->use_free = id;
        } else
            link = &u->next;
    }
}

/* A sample holds over (max(previous sample, t − window), t], counted only
 * while the container ran, only in hours still being written, and never
 * before the previous process's last flush (`resume`: the store's baseline
 * holds what was measured until then, meter_baseline.c). */
static void usage_one(kt_meter *m, const kt_usage_sample *s)
{
    uint32_t i = slab_find(&m->kinds[K_POD], mt_key(s->namespace_, s->pod));
    if (i == MT_NONE || s->t <= 0 || s->window <= 0)
        return;
    mt_pod *p = slab_at(&m->kinds[K_POD], i);
    mt_ctr *c = find_ctr(p->ctrs, p->n_ctrs, s->container, 0);
    if (!c || s->t <= c->last_sample)
        return;
    double cpu = s->cpu_cores > 0 ? s->cpu_cores : 0, ram = s->ram_bytes > 0 ? s->ram_bytes : 0;
    int64_t lo = max64(max64(c->last_sample, s->t - s->window), max64(m->since, m->next_hour));
    lo = max64(lo, m->resume);
    c->last_sample = s->t;
    mt_iv *iv = NULL;
    size_t n = 0, cap = 0;
    ivs_clip(&c->run, lo, s->t, &iv, &n, &cap);
    for (size_t k = 0; k < n; k++)
        for (int64_t h = hour_floor(iv[k].a); h < iv[k].b; h += 3600) {
            int64_t a = max64(iv[k].a, h), b = iv[k].b < h + 3600 ? iv[k].b : h + 3600;
            double sec = (double)(b - a);
            mt_use *u = use_get(m, c, h);
            u->measured += sec;
            u->cpu_use += cpu * sec / 3600;
            u->cpu_alloc += (cpu > c->cpu_req ? cpu : c->cpu_req) * sec / 3600;
            u->ram_use += ram * sec / 3600;
            u->ram_alloc += (ram > c->ram_req ? ram : c->ram_req) * sec / 3600;
            if (cpu > u->cpu_peak) u->cpu_peak = cpu;
            if (ram > u->ram_peak) u->ram_peak = ram;
        }
    free(iv);
}

void meter_usage(kt_meter *m, const kt_usage_sample *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        usage_one(m, &s[i]);
}

/* --- network counters (kubelet stats) ------------------------------------ */

static void net_add(mt_pod *p, int64_t hour, double rx, double tx)
{
    for (int k = 0; k < 2; k++)
        if (p->net[k].hour == hour) {
            p->net[k].rx += rx, p->net[k].tx += tx;
            return;
        }
    if (hour < p->net[0].hour)
        return; /* older than both hours kept: they are final */
    p->net[1] = p->net[0]; /* an unwritten hour before it would need two hours without a flush */
    p->net[0] = (mt_net){hour, rx, tx};
}

static void network_one(kt_meter *m, const kt_net_sample *s)
{
    uint32_t i = slab_find(&m->kinds[K_POD], mt_key(s->namespace_, s->pod));
    if (i == MT_NONE || s->t <= 0)
        return;
    mt_pod *p = slab_at(&m->kinds[K_POD], i);
    if (s->t <= p->net_t)
        return; /* stale or repeated */
    int64_t t0 = p->net_t;
    double rx = s->rx_bytes >= p->net_rx ? s->rx_bytes - p->net_rx : s->rx_bytes;
    double tx = s->tx_bytes >= p->net_tx ? s->tx_bytes - p->net_tx : s->tx_bytes;
    p->net_rx = s->rx_bytes, p->net_tx = s->tx_bytes, p->net_t = s->t;
    if (!t0)
        return; /* a baseline: what the counters hold was sent before we watched */
    int64_t lo = max64(max64(t0, m->since), max64(m->next_hour, m->resume));
    double span = (double)(s->t - t0);
    for (int64_t h = hour_floor(lo); h < s->t; h += 3600) {
        int64_t a = max64(lo, h), b = s->t < h + 3600 ? s->t : h + 3600;
        if (b > a)
            net_add(p, h, rx * (double)(b - a) / span, tx * (double)(b - a) / span);
    }
}

void meter_pod_network(kt_meter *m, const kt_net_sample *s, size_t n)
{
    assert(m && (s || !n));
    for (size_t i = 0; i < n; i++)
        network_one(m, &s[i]);
}

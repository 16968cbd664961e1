/* meter_resolve.c — joins made at flush time, because the watcher delivers
 * kinds in any order: controllers through ReplicaSet → Deployment and
 * Job → CronJob, services selecting pods, claims bound to volumes, and the
 * cluster's provider and region.  What a pod resolved (its controller, the
 * volume each claim bound to) is kept on the pod, so deleting the
 * ReplicaSet or the PVC first changes nothing already known. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "meter/meter_internal.h"
#include "util/buf.h"

/* --- provider and region ------------------------------------------------------ */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The most frequent non-zero id (ties: the smallest id, so the answer is
 * stable); v is sorted in place. */
static uint32_t most_common(uint32_t *v, size_t n)
{
    uint32_t best = 0;
    size_t best_n = 0;
    if (n)
        qsort(v, n, sizeof *v, cmp_u32);
    for (size_t i = 0; i < n;) {
        size_t k = i;
        while (k < n && v[k] == v[i])
            k++;
        if (v[i] && k - i > best_n)
            best = v[i], best_n = k - i;
        i = k;
    }
    return best;
}

void mt_place(const kt_meter *m, uint32_t *provider, uint32_t *region)
{
    const mt_slab *s = &m->kinds[K_NODE];
    uint32_t *p = xcalloc(s->n + 1, sizeof *p), *r = xcalloc(s->n + 1, sizeof *r);
    size_t n = 0;
    for (int pass = 0; pass < 2 && !n; pass++)
        for (uint32_t i = 0; i < s->n; i++) {
            const mt_node *nd = slab_at(s, i);
            if (nd->h.used && (pass || !nd->deleted))
                p[n] = nd->o.provider, r[n++] = nd->o.region;
        }
    /* the region most common among nodes of the most common provider */
    size_t k = 0;
    uint32_t *pc = xmalloc((n + 1) * sizeof *pc);
    memcpy(pc, p, n * sizeof *p);
    *provider = most_common(pc, n);
    free(pc);
    for (size_t i = 0; i < n; i++)
        if (p[i] == *provider)
            r[k++] = r[i];
    *region = most_common(r, k);
    free(p);
    free(r);
}

/* --- controllers ---------------------------------------------------------------- */

static uint32_t lower_id(kt_meter *m, uint32_t kind)
{
    char buf[64];
    const char *s = strtab_get(m->strs, kind);
    size_t i = 0;
    for (; s[i] && i + 1 < sizeof buf; i++)
        buf[i] = (char)tolower((unsigned char)s[i]);
    buf[i] = 0;
    return strtab_intern(m->strs, buf);
}

static int is_kind(const kt_meter *m, uint32_t id, const char *name)
{
    return id && !strcasecmp(strtab_get(m->strs, id), name);
}

void pod_controller(kt_meter *m, mt_pod *p, uint32_t *kind, uint32_t *name)
{
    if (p->ctrl_kind) {
        *kind = p->ctrl_kind, *name = p->ctrl;
        return;
    }
    *kind = p->owner ? lower_id(m, p->owner_kind) : 0;
    *name = p->owner ? p->owner : 0;
    enum kt_kind via = is_kind(m, p->owner_kind, "ReplicaSet") ? K_REPLICASET
                     : is_kind(m, p->owner_kind, "Job") ? K_JOB : K_KIND_COUNT;
    if (via == K_KIND_COUNT) {
        p->ctrl_kind = *kind, p->ctrl = *name; /* final */
        return;
    }
    uint32_t i = slab_find(&m->kinds[via], mt_key(p->ns, p->owner));
    if (i == MT_NONE)
        return; /* its ReplicaSet/Job may still come: ask again next flush */
    const mt_ref *r = slab_at(&m->kinds[via], i);
    if (r->b && is_kind(m, r->a, via == K_REPLICASET ? "Deployment" : "CronJob"))
        *kind = lower_id(m, r->a), *name = r->b;
    p->ctrl_kind = *kind, p->ctrl = *name;
}

/* --- services ------------------------------------------------------------------- */

static int has_label(const mt_pod *p, kt_kv_id kv)
{
    for (size_t i = 0; i < p->n_labels; i++)
        if (p->kv[i].key == kv.key && p->kv[i].value == kv.value)
            return 1;
    return 0;
}

static int selects(const mt_svc *s, const mt_pod *p)
{
    if (!s->n_selector || s->ns != p->ns)
        return 0;
    for (size_t i = 0; i < s->n_selector; i++)
        if (!has_label(p, s->selector[i]))
            return 0;
    return 1;
}

static int by_thing(const void *a, const void *b)
{
    const mt_pair *x = a, *y = b;
    if (x->thing != y->thing)
        return x->thing < y->thing ? -1 : 1;
    return (x->pod > y->pod) - (x->pod < y->pod);
}

static void push_pair(mt_pair **v, size_t *n, size_t *cap, uint32_t thing, uint32_t pod)
{
    grow_array((void **)v, cap, *n, sizeof **v);
    (*v)[(*n)++] = (mt_pair){thing, pod};
}

/* Services by namespace, so a pod is tested only against its own. */
static void join_services(kt_meter *m, mt_join *j)
{
    const mt_slab *ss = &m->kinds[K_SERVICE], *ps = &m->kinds[K_POD];
    mt_pair *byns = NULL; /* thing = namespace, pod = service index */
    size_t n = 0, cap = 0;
    for (uint32_t i = 0; i < ss->n; i++) {
        const mt_svc *s = slab_at(ss, i);
        if (s->h.used && s->n_selector)
            push_pair(&byns, &n, &cap, s->ns, i);
    }
    if (n)
        qsort(byns, n, sizeof *byns, by_thing);
    for (uint32_t i = 0; i < ps->n && n; i++) {
        const mt_pod *p = slab_at(ps, i);
        if (!p->h.used)
            continue;
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (byns[mid].thing < p->ns) lo = mid + 1; else hi = mid;
        }
        j->svc_off[i] = (uint32_t)j->n_svcs;
        for (size_t k = lo; k < n && byns[k].thing == p->ns; k++) {
            const mt_svc *s = slab_at(ss, byns[k].pod);
            if (!selects(s, p))
                continue;
            if (!s->deleted) {
                grow_array((void **)&j->svcs, &j->cap_svcs, j->n_svcs, sizeof *j->svcs);
                j->svcs[j->n_svcs++] = s->name;
                j->svc_n[i]++;
            }
            if (s->lb.last.a)
                push_pair(&j->lb_pods, &j->n_lb_pods, &j->cap_lb_pods, byns[k].pod, i);
        }
    }
    free(byns);
}

/* --- claims --------------------------------------------------------------------- */

static void join_volumes(kt_meter *m, mt_join *j)
{
    const mt_slab *vs = &m->kinds[K_PV], *ps = &m->kinds[K_POD], *cs = &m->kinds[K_PVC];
    mt_map by_claim = {0}; /* PV's claimRef (ns, claim) → volume index */
    for (uint32_t i = 0; i < vs->n; i++) {
        const mt_vol *v = slab_at(vs, i);
        if (v->h.used && v->o.claim_name)
            mtm_put(&by_claim, mt_key(v->o.claim_ns, v->o.claim_name), i);
    }
    for (uint32_t i = 0; i < ps->n; i++) {
        mt_pod *p = slab_at(ps, i);
        if (!p->h.used || !p->n_claims)
            continue;
        kt_kv_id *claims = p->kv + p->n_labels + p->n_anns;
        for (size_t c = 0; c < p->n_claims; c++) {
            uint32_t k = slab_find(cs, mt_key(p->ns, claims[c].key)), v = MT_NONE;
            if (!claims[c].value && k != MT_NONE)
                claims[c].value = ((const mt_ref *)slab_at(cs, k))->a;
            if (!claims[c].value && mtm_get(&by_claim, mt_key(p->ns, claims[c].key), &v))
                claims[c].value = ((const mt_vol *)slab_at(vs, v))->o.name;
            if (claims[c].value && (v = slab_find(vs, mt_key(0, claims[c].value))) != MT_NONE)
                push_pair(&j->vol_pods, &j->n_vol_pods, &j->cap_vol_pods, v, i);
        }
    }
    mtm_free(&by_claim);
    if (j->n_vol_pods)
        qsort(j->vol_pods, j->n_vol_pods, sizeof *j->vol_pods, by_thing);
    /* the storage class, once known, stays with the volume */
    for (uint32_t i = 0; i < vs->n; i++) {
        mt_vol *v = slab_at(vs, i);
        uint32_t k;
        if (v->h.used && !v->provisioner && (k = slab_find(&m->kinds[K_STORAGECLASS], mt_key(0, v->o.storage_class))) != MT_NONE) {
            const mt_ref *sc = slab_at(&m->kinds[K_STORAGECLASS], k);
            v->provisioner = sc->a, v->sc_type = sc->b;
        }
    }
}

void join_build(kt_meter *m, mt_join *j)
{
    memset(j, 0, sizeof *j);
    size_t n = m->kinds[K_POD].n + 1;
    j->svc_off = xcalloc(n, sizeof *j->svc_off);
    j->svc_n = xcalloc(n, sizeof *j->svc_n);
    mt_place(m, &j->provider, &j->region);
    join_services(m, j);
    join_volumes(m, j);
    if (j->n_lb_pods)
        qsort(j->lb_pods, j->n_lb_pods, sizeof *j->lb_pods, by_thing);
}

void join_free(mt_join *j)
{
    free(j->svc_off), free(j->svc_n), free(j->svcs), free(j->vol_pods), free(j->lb_pods);
    memset(j, 0, sizeof *j);
}

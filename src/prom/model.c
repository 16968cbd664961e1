/* model.c — reading Prometheus answers into one chunk's entities; see model.h. */
#include "prom/model.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

void pm_init(kt_prom_model *m, int64_t t0, int64_t step, size_t S, const char *cluster_label,
             const char *default_cluster)
{
    memset(m, 0, sizeof *m);
    m->t0 = t0, m->step = step, m->S = S;
    m->cluster_label = cluster_label, m->default_cluster = default_cluster;
    kt_strtab *tabs[] = {&m->s, &m->k_ctr, &m->k_pod, &m->k_node, &m->k_vol, &m->k_lb, &m->k_ns, &m->k_claim, &m->k_rs};
    for (size_t i = 0; i < sizeof tabs / sizeof *tabs; i++)
        strtab_init(tabs[i]);
}

void pm_free(kt_prom_model *m)
{
    for (size_t i = 0; i < m->n_ctr; i++)
        free(m->ctr[i].v[0]);
    for (size_t i = 0; i < m->n_pod; i++) {
        free(m->pod[i].run), free(m->pod[i].claims), free(m->pod[i].svcs);
        free(m->pod[i].net[0]), free(m->pod[i].net[1]);
        free(m->pod[i].labels.kv), free(m->pod[i].anns.kv);
    }
    for (size_t i = 0; i < m->n_node; i++)
        free(m->node[i].present);
    for (size_t i = 0; i < m->n_vol; i++)
        free(m->vol[i].present);
    for (size_t i = 0; i < m->n_lb; i++)
        free(m->lb[i].present);
    for (size_t i = 0; i < m->n_ns; i++)
        free(m->ns[i].labels.kv);
    for (size_t i = 0; i + 1 < m->k_claim.n; i++) { /* id 0 is "", not a key */
        if (m->claim_present) free(m->claim_present[i]);
        if (m->claim_used) free(m->claim_used[i]);
    }
    free(m->claim_used), free(m->claim_cap);
    free(m->ep);
    free(m->ctr), free(m->pod), free(m->node), free(m->vol), free(m->lb), free(m->ns);
    free(m->claim_vol), free(m->claim_bytes), free(m->claim_present), free(m->rs_kind), free(m->rs_name);
    kt_strtab *tabs[] = {&m->s, &m->k_ctr, &m->k_pod, &m->k_node, &m->k_vol, &m->k_lb, &m->k_ns, &m->k_claim, &m->k_rs};
    for (size_t i = 0; i < sizeof tabs / sizeof *tabs; i++)
        strtab_free(tabs[i]);
}

static uint32_t sid(kt_prom_model *m, const char *s) { return strtab_intern(&m->s, s); }

static const char *cluster_of(const kt_prom_model *m, const kt_prom_series *s)
{
    const char *v = prom_label(s, m->cluster_label);
    return *v ? v : m->default_cluster;
}

/* Index of the entity keyed by parts in tab: existing, new (when create,
 * *isnew set), or -1 when absent and !create.  Keys join parts with 0x1f, a
 * byte no Kubernetes name holds. */
static long key_index(kt_strtab *tab, const char *a, const char *b, const char *c, int create, int *isnew)
{
    char key[1024];
    int n = snprintf(key, sizeof key, "%s\x1f%s\x1f%s", a, b ? b : "", c ? c : "");
    if (n < 0 || (size_t)n >= sizeof key)
        return -1;
    if (!create) {
        uint32_t id = strtab_find(tab, key);
        return id == UINT32_MAX ? -1 : (long)id - 1;
    }
    size_t before = tab->n;
    uint32_t id = strtab_intern(tab, key);
    *isnew = tab->n != before;
    return (long)id - 1;
}

static unsigned char *flags_new(const kt_prom_model *m) { return xcalloc(m->S ? m->S : 1, 1); }

static long pod_at(kt_prom_model *m, const char *cl, const char *ns, const char *name, int create)
{
    int isnew = 0;
    if (!*ns || !*name)
        return -1;
    long i = key_index(&m->k_pod, cl, ns, name, create, &isnew);
    if (isnew) {
        grow_array((void **)&m->pod, &m->cap_pod, (size_t)i, sizeof *m->pod);
        pm_pod *p = &m->pod[i];
        memset(p, 0, sizeof *p);
        p->cluster = sid(m, cl), p->ns = sid(m, ns), p->name = sid(m, name);
        p->run = flags_new(m);
        m->n_pod = (size_t)i + 1;
    }
    return i;
}

static long ctr_at(kt_prom_model *m, const kt_prom_series *s, const char *pod, const char *name)
{
    const char *cl = cluster_of(m, s), *ns = prom_label(s, "namespace");
    if (!*name || !strcmp(name, "POD"))
        return -1;
    long p = pod_at(m, cl, ns, pod, 1);
    if (p < 0)
        return -1;
    char pk[24];
    snprintf(pk, sizeof pk, "%ld", p);
    int isnew = 0;
    long i = key_index(&m->k_ctr, pk, name, NULL, 1, &isnew);
    if (isnew) {
        grow_array((void **)&m->ctr, &m->cap_ctr, (size_t)i, sizeof *m->ctr);
        pm_ctr *c = &m->ctr[i];
        memset(c, 0, sizeof *c);
        c->pod = (uint32_t)p, c->name = sid(m, name);
        double *block = xmalloc(m->S * PM_NV * sizeof(double) + m->S + 1);
        for (size_t k = 0; k < m->S * PM_NV; k++)
            block[k] = NAN;
        for (int r = 0; r < PM_NV; r++)
            c->v[r] = block + (size_t)r * m->S;
        c->run = (unsigned char *)(block + m->S * PM_NV);
        memset(c->run, 0, m->S);
        m->n_ctr = (size_t)i + 1;
    }
    return i;
}

static long node_at(kt_prom_model *m, const char *cl, const char *name, int create)
{
    int isnew = 0;
    if (!*name)
        return -1;
    long i = key_index(&m->k_node, cl, name, NULL, create, &isnew);
    if (isnew) {
        grow_array((void **)&m->node, &m->cap_node, (size_t)i, sizeof *m->node);
        pm_node *n = &m->node[i];
        memset(n, 0, sizeof *n);
        n->cluster = sid(m, cl), n->name = sid(m, name), n->present = flags_new(m);
        m->n_node = (size_t)i + 1;
    }
    return i;
}

static long vol_at(kt_prom_model *m, const char *cl, const char *name, int create)
{
    int isnew = 0;
    if (!*name)
        return -1;
    long i = key_index(&m->k_vol, cl, name, NULL, create, &isnew);
    if (isnew) {
        grow_array((void **)&m->vol, &m->cap_vol, (size_t)i, sizeof *m->vol);
        pm_vol *v = &m->vol[i];
        memset(v, 0, sizeof *v);
        v->cluster = sid(m, cl), v->name = sid(m, name), v->present = flags_new(m);
        m->n_vol = (size_t)i + 1;
    }
    return i;
}

static long claim_at(kt_prom_model *m, const char *cl, const char *ns, const char *name)
{
    int isnew = 0;
    if (!*ns || !*name)
        return -1;
    long i = key_index(&m->k_claim, cl, ns, name, 1, &isnew);
    if (isnew) {
        grow_array((void **)&m->claim_vol, &m->cap_claim, (size_t)i, sizeof *m->claim_vol);
        m->claim_bytes = xrealloc(m->claim_bytes, m->cap_claim * sizeof *m->claim_bytes);
        m->claim_present = xrealloc(m->claim_present, m->cap_claim * sizeof *m->claim_present);
        m->claim_used = xrealloc(m->claim_used, m->cap_claim * sizeof *m->claim_used);
        m->claim_cap = xrealloc(m->claim_cap, m->cap_claim * sizeof *m->claim_cap);
        m->claim_vol[i] = 0, m->claim_bytes[i] = 0, m->claim_present[i] = NULL;
        m->claim_used[i] = NULL, m->claim_cap[i] = 0;
    }
    return i;
}

static long lb_at(kt_prom_model *m, const char *cl, const char *ns, const char *name, int create)
{
    int isnew = 0;
    if (!*ns || !*name)
        return -1;
    long i = key_index(&m->k_lb, cl, ns, name, create, &isnew);
    if (isnew) {
        grow_array((void **)&m->lb, &m->cap_lb, (size_t)i, sizeof *m->lb);
        pm_lb *l = &m->lb[i];
        memset(l, 0, sizeof *l);
        l->cluster = sid(m, cl), l->ns = sid(m, ns), l->name = sid(m, name), l->present = flags_new(m);
        m->n_lb = (size_t)i + 1;
    }
    return i;
}

/* Step index of an evaluation time, or -1 when it is not one of the chunk's. */
static long step_of(const kt_prom_model *m, int64_t t)
{
    int64_t d = t - m->t0;
    if (d <= 0 || d % m->step)
        return -1;
    int64_t k = d / m->step - 1;
    return k < (int64_t)m->S ? (long)k : -1;
}

/* Labels with a prefix ("label_", "annotation_"), prefix removed. */
static void read_kvs(kt_prom_model *m, const kt_prom_series *s, const char *prefix, pm_kvs *out)
{
    free(out->kv);
    out->kv = s->n_labels ? xcalloc(s->n_labels, sizeof *out->kv) : NULL;
    out->n = 0;
    for (size_t i = 0; i < s->n_labels; i++) {
        const char *k = prom_strip_prefix(s->labels[i].key, prefix);
        if (k) {
            out->kv[out->n].key = strtab_get(&m->s, sid(m, k));
            out->kv[out->n++].value = strtab_get(&m->s, sid(m, s->labels[i].value));
        }
    }
}

static void add_range(kt_prom_model *m, enum pm_kind kind, const kt_prom_series *s)
{
    const char *cl = cluster_of(m, s);
    long i;
    if (kind == PQ_REQ || kind == PQ_RUN) {
        enum kt_prom_res r = kind == PQ_REQ ? prom_resource_of(s) : KT_RES_CPU;
        if (r == KT_RES_NONE || (i = ctr_at(m, s, prom_label(s, "pod"), prom_label(s, "container"))) < 0)
            return;
        pm_ctr *c = &m->ctr[i];
        pm_pod *p = &m->pod[c->pod];
        if (!p->node && *prom_label(s, "node"))
            p->node = sid(m, prom_label(s, "node"));
        int idx = r == KT_RES_CPU ? PM_CPU_REQ : r == KT_RES_MEM ? PM_RAM_REQ : PM_GPU;
        if (kind == PQ_RUN)
            c->has_run = 1;
        for (size_t j = 0; j < s->n; j++) {
            long k = step_of(m, s->t[j]);
            if (k < 0) continue;
            if (kind == PQ_RUN) c->run[k] = s->v[j] > 0 ? 2 : 1;
            else c->v[idx][k] = s->v[j];
        }
        return;
    }
    if (kind == PQ_CPU || kind == PQ_MEM) {
        if ((i = ctr_at(m, s, prom_cadvisor_pod(s), prom_cadvisor_container(s))) < 0)
            return;
        double *v = m->ctr[i].v[kind == PQ_CPU ? PM_CPU_USE : PM_RAM_USE];
        for (size_t j = 0; j < s->n; j++) {
            long k = step_of(m, s->t[j]);
            if (k >= 0 && !isnan(s->v[j])) v[k] = s->v[j];
        }
        return;
    }
    unsigned char *present = NULL;
    double *bytes = NULL;
    if (kind == PQ_NODE_CAP) {
        enum kt_prom_res r = prom_resource_of(s);
        if (r == KT_RES_NONE || (i = node_at(m, cl, prom_label(s, "node"), 1)) < 0)
            return;
        present = m->node[i].present;
        bytes = &m->node[i].cap[r == KT_RES_CPU ? 0 : r == KT_RES_MEM ? 1 : 2];
    } else if (kind == PQ_PV_CAP) {
        if ((i = vol_at(m, cl, prom_label(s, "persistentvolume"), 1)) < 0)
            return;
        present = m->vol[i].present, bytes = &m->vol[i].bytes;
    } else if (kind == PQ_PVC_REQ) {
        if ((i = claim_at(m, cl, prom_label(s, "namespace"), prom_label(s, "persistentvolumeclaim"))) < 0)
            return;
        if (!m->claim_present[i])
            m->claim_present[i] = flags_new(m);
        present = m->claim_present[i], bytes = &m->claim_bytes[i];
    } else if (kind == PQ_SVC_LB) {
        if ((i = lb_at(m, cl, prom_label(s, "namespace"), prom_label(s, "service"), 1)) < 0)
            return;
        present = m->lb[i].present;
    } else {
        return;
    }
    for (size_t j = 0; j < s->n; j++) {
        long k = step_of(m, s->t[j]);
        if (k < 0 || isnan(s->v[j]) || (kind == PQ_SVC_LB && s->v[j] <= 0))
            continue;
        present[k] = 1;
        if (bytes && s->v[j] > *bytes) *bytes = s->v[j];
    }
}

static void add_pod_meta(kt_prom_model *m, enum pm_kind kind, const kt_prom_series *s)
{
    const char *cl = cluster_of(m, s), *ns = prom_label(s, "namespace");
    if (kind == PQ_ENDPOINTS) {
        const char *ip = prom_label(s, "ip"), *ep = prom_label(s, "endpoint");
        if (!*ip || !*ep || !strcmp(prom_label(s, "ready"), "false"))
            return;
        grow_array((void **)&m->ep, &m->cap_ep, m->n_ep, sizeof *m->ep);
        m->ep[m->n_ep++] = (pm_ep){sid(m, cl), sid(m, ns), sid(m, ep), sid(m, ip)};
        return;
    }
    if (kind == PQ_RS_OWNER) {
        const char *kind_ = prom_label(s, "owner_kind");
        int isnew = 0;
        if (!*kind_ || !strcmp(kind_, "<none>"))
            return;
        long i = key_index(&m->k_rs, cl, ns, prom_label(s, "replicaset"), 1, &isnew);
        if (isnew) {
            grow_array((void **)&m->rs_kind, &m->cap_rs, (size_t)i, sizeof *m->rs_kind);
            m->rs_name = xrealloc(m->rs_name, m->cap_rs * sizeof *m->rs_name);
        }
        m->rs_kind[i] = sid(m, kind_), m->rs_name[i] = sid(m, prom_label(s, "owner_name"));
        return;
    }
    long i = pod_at(m, cl, ns, prom_label(s, "pod"), 0);
    if (i < 0)
        return; /* metadata of a pod that did not run in this chunk */
    pm_pod *p = &m->pod[i];
    if (kind == PQ_OWNER) {
        const char *k = prom_label(s, "owner_kind");
        /* a pod may list several owners; the controller one wins */
        if (*k && strcmp(k, "<none>") && (!p->owner_kind || !strcmp(prom_label(s, "owner_is_controller"), "true")))
            p->owner_kind = sid(m, k), p->owner_name = sid(m, prom_label(s, "owner_name"));
    } else if (kind == PQ_POD_LABELS) {
        read_kvs(m, s, "label_", &p->labels);
    } else if (kind == PQ_POD_ANN) {
        read_kvs(m, s, "annotation_", &p->anns);
    } else if (kind == PQ_POD_INFO) {
        p->uid = sid(m, prom_label(s, "uid"));
        p->ip = sid(m, prom_label(s, "pod_ip"));
        if (!p->node && *prom_label(s, "node"))
            p->node = sid(m, prom_label(s, "node"));
    } else if (kind == PQ_POD_PVC) {
        const char *claim = prom_label(s, "persistentvolumeclaim");
        if (*claim) {
            p->claims = xrealloc(p->claims, (p->n_claims + 1) * sizeof *p->claims);
            p->claims[p->n_claims++] = sid(m, claim);
        }
    }
}

static void add_fleet_meta(kt_prom_model *m, enum pm_kind kind, const kt_prom_series *s)
{
    const char *cl = cluster_of(m, s), *ns = prom_label(s, "namespace");
    long i;
    if (kind == PQ_NODE_LABELS || kind == PQ_NODE_INFO) {
        if ((i = node_at(m, cl, prom_label(s, "node"), 0)) < 0)
            return;
        if (kind == PQ_NODE_LABELS) m->node[i].labels = s;
        else m->node[i].provider_id = sid(m, prom_label(s, "provider_id"));
    } else if (kind == PQ_NS_LABELS) {
        int isnew = 0;
        if (!*ns || (i = key_index(&m->k_ns, cl, ns, NULL, 1, &isnew)) < 0)
            return;
        if (isnew) {
            grow_array((void **)&m->ns, &m->cap_ns, (size_t)i, sizeof *m->ns);
            memset(&m->ns[i], 0, sizeof m->ns[i]);
            m->ns[i].cluster = sid(m, cl), m->ns[i].name = sid(m, ns);
            m->n_ns = (size_t)i + 1;
        }
        read_kvs(m, s, "label_", &m->ns[i].labels);
    } else if (kind == PQ_PVC_INFO) {
        const char *claim = prom_label(s, "persistentvolumeclaim"), *vol = prom_label(s, "volumename");
        long c = claim_at(m, cl, ns, claim);
        if (c < 0)
            return;
        long v = *vol ? vol_at(m, cl, vol, 1) : -1;
        if (v < 0)
            return;
        m->claim_vol[c] = (uint32_t)v + 1;
        m->vol[v].claim_ns = sid(m, ns), m->vol[v].claim_name = sid(m, claim);
        m->vol[v].storage_class = sid(m, prom_label(s, "storageclass"));
    } else if (kind == PQ_SVC_INFO) {
        if ((i = lb_at(m, cl, ns, prom_label(s, "service"), 0)) < 0)
            return;
        const char *ip = prom_label(s, "load_balancer_ip");
        m->lb[i].ip = sid(m, *ip ? ip : prom_label(s, "cluster_ip"));
    }
}

static double *steps_new(const kt_prom_model *m)
{
    double *v = xmalloc((m->S ? m->S : 1) * sizeof *v);
    for (size_t k = 0; k < m->S; k++)
        v[k] = NAN;
    return v;
}

/* Pods' traffic (bytes/s, summed by pod) and claims' used and capacity
 * bytes (several kubelets may report one claim: the largest is kept). */
static void add_usage(kt_prom_model *m, enum pm_kind kind, const kt_prom_series *s)
{
    const char *cl = cluster_of(m, s);
    double *v = NULL, *cap = NULL;
    long i;
    if (kind == PQ_NET_RX || kind == PQ_NET_TX) {
        if ((i = pod_at(m, cl, prom_label(s, "namespace"), prom_cadvisor_pod(s), 1)) < 0)
            return;
        double **net = &m->pod[i].net[kind == PQ_NET_TX];
        if (!*net)
            *net = steps_new(m);
        v = *net;
    } else {
        if ((i = claim_at(m, cl, prom_label(s, "namespace"), prom_label(s, "persistentvolumeclaim"))) < 0)
            return;
        if (kind == PQ_VOL_CAP) {
            cap = &m->claim_cap[i];
        } else {
            if (!m->claim_used[i])
                m->claim_used[i] = steps_new(m);
            v = m->claim_used[i];
        }
    }
    for (size_t j = 0; j < s->n; j++) {
        long k = step_of(m, s->t[j]);
        if (k < 0 || isnan(s->v[j]) || s->v[j] < 0)
            continue;
        if (cap) {
            if (s->v[j] > *cap) *cap = s->v[j];
        } else if (kind == PQ_VOL_USED) {
            if (isnan(v[k]) || s->v[j] > v[k]) v[k] = s->v[j];
        } else {
            v[k] = isnan(v[k]) ? s->v[j] : v[k] + s->v[j];
        }
    }
}

void pm_add(kt_prom_model *m, enum pm_kind kind, const kt_prom_result *r)
{
    for (size_t i = 0; i < r->n; i++) {
        const kt_prom_series *s = &r->series[i];
        if (kind >= PQ_NET_RX)
            add_usage(m, kind, s);
        else if (kind <= PQ_MEM || (kind >= PQ_NODE_CAP && kind <= PQ_SVC_LB))
            add_range(m, kind, s);
        else if (kind <= PQ_ENDPOINTS)
            add_pod_meta(m, kind, s);
        else
            add_fleet_meta(m, kind, s);
    }
}

static int by_ep(const void *a, const void *b)
{
    const pm_ep *x = a, *y = b;
    if (x->cluster != y->cluster) return x->cluster < y->cluster ? -1 : 1;
    if (x->ns != y->ns) return x->ns < y->ns ? -1 : 1;
    return (x->ip > y->ip) - (x->ip < y->ip);
}

/* Pods behind each endpoint IP (host-network pods share the node's IP, so
 * one IP may stand for several pods: all of them get the service).
 * Endpoints are sorted once so each pod finds its own by bisection. */
static void resolve_services(kt_prom_model *m)
{
    if (!m->n_ep)
        return;
    qsort(m->ep, m->n_ep, sizeof *m->ep, by_ep);
    for (size_t i = 0; i < m->n_pod; i++) {
        pm_pod *p = &m->pod[i];
        if (!p->ip || !*strtab_get(&m->s, p->ip))
            continue;
        pm_ep want = {p->cluster, p->ns, 0, p->ip};
        size_t lo = 0, hi = m->n_ep;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (by_ep(&m->ep[mid], &want) < 0) lo = mid + 1;
            else hi = mid;
        }
        for (size_t e = lo; e < m->n_ep && !by_ep(&m->ep[e], &want); e++) {
            size_t j = 0;
            while (j < p->n_svcs && p->svcs[j] != m->ep[e].name)
                j++;
            if (j == p->n_svcs) {
                p->svcs = xrealloc(p->svcs, (p->n_svcs + 1) * sizeof *p->svcs);
                p->svcs[p->n_svcs++] = m->ep[e].name;
            }
        }
    }
}

void pm_finish(kt_prom_model *m)
{
    for (size_t i = 0; i < m->n_ctr; i++) {
        pm_ctr *c = &m->ctr[i];
        unsigned char *prun = m->pod[c->pod].run;
        for (size_t k = 0; k < m->S; k++) {
            /* no status_running series at all (an exporter that lacks it):
             * running whenever the container has any sample */
            if (!c->has_run)
                for (int r = 0; r < PM_NV && !c->run[k]; r++)
                    if (!isnan(c->v[r][k])) c->run[k] = 2;
            if (c->run[k] == 2) prun[k] = 1;
        }
    }
    for (size_t i = 0; i < m->n_pod; i++) { /* ReplicaSet → its Deployment, as OpenCost reports */
        pm_pod *p = &m->pod[i];
        if (!p->owner_kind || strcmp(strtab_get(&m->s, p->owner_kind), "ReplicaSet"))
            continue;
        long r = key_index(&m->k_rs, strtab_get(&m->s, p->cluster), strtab_get(&m->s, p->ns),
                           strtab_get(&m->s, p->owner_name), 0, NULL);
        if (r >= 0 && (size_t)r < m->cap_rs && m->rs_kind[r])
            p->owner_kind = m->rs_kind[r], p->owner_name = m->rs_name[r];
    }
    /* a claim whose volume has no kube_persistentvolume_capacity_bytes: the
     * claim's request stands for the volume, named after the claim */
    for (size_t c = 0; c + 1 < m->k_claim.n; c++) {
        if (!m->claim_present[c] || (m->claim_vol[c] && m->vol[m->claim_vol[c] - 1].bytes > 0))
            continue;
        const char *key = strtab_get(&m->k_claim, (uint32_t)c + 1);
        char cl[256], ns[256], name[256];
        if (sscanf(key, "%255[^\x1f]\x1f%255[^\x1f]\x1f%255[^\x1f]", cl, ns, name) != 3)
            continue;
        long v = m->claim_vol[c] ? (long)m->claim_vol[c] - 1 : vol_at(m, cl, key, 1);
        if (!m->claim_vol[c]) {
            char vname[520];
            snprintf(vname, sizeof vname, "%s/%s", ns, name);
            m->vol[v].name = sid(m, vname);
            m->vol[v].claim_ns = sid(m, ns), m->vol[v].claim_name = sid(m, name);
            m->claim_vol[c] = (uint32_t)v + 1;
        }
        m->vol[v].bytes = m->claim_bytes[c];
        memcpy(m->vol[v].present, m->claim_present[c], m->S);
    }
    for (size_t i = 0; i < m->n_pod; i++) {
        pm_pod *p = &m->pod[i];
        for (size_t j = 0; j < p->n_claims; j++) {
            long c = key_index(&m->k_claim, strtab_get(&m->s, p->cluster), strtab_get(&m->s, p->ns),
                               strtab_get(&m->s, p->claims[j]), 0, NULL);
            p->claims[j] = c >= 0 ? m->claim_vol[c] : 0;
        }
    }
    resolve_services(m);
}

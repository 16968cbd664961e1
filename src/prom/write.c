/* write.c — a chunk's model into hourly store facts; see write.h. */
#include "prom/write.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pricing/pricing.h"
#include "prom/integrate.h"
#include "util/buf.h"
#include "util/time.h"

void pm_clusters_init(pm_clusters *c)
{
    memset(c, 0, sizeof *c);
    strtab_init(&c->names);
    strtab_init(&c->seen);
}

void pm_clusters_free(pm_clusters *c)
{
    strtab_free(&c->names);
    strtab_free(&c->seen);
    free(c->id), free(c->provider), free(c->region);
    memset(c, 0, sizeof *c);
}

kt_prom_price prom_price_node(const kt_pricing *p, const char *cluster, const char *name, const char *provider_id,
                              const kt_node_facts *f, double cores, double ram_bytes, double gpus)
{
    kt_node_desc d = {cluster, name, f->provider, f->region, f->zone, f->instance_type, provider_id, f->spot,
                      cores, ram_bytes, gpus};
    kt_price pr = pricing_node(p, &d);
    return (kt_prom_price){pr.hourly, pr.cpu, pr.ram, pr.gpu, pr.source};
}

static size_t cluster_index(pm_clusters *c, const char *name)
{
    size_t before = c->names.n;
    size_t i = strtab_intern(&c->names, name) - 1;
    if (c->names.n != before) {
        grow_array((void **)&c->id, &c->cap, i, sizeof *c->id);
        c->provider = xrealloc(c->provider, c->cap * sizeof *c->provider);
        c->region = xrealloc(c->region, c->cap * sizeof *c->region);
        c->id[i] = 0, c->provider[i][0] = 0, c->region[i][0] = 0;
    }
    return i;
}

static int any(const unsigned char *f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (f[i]) return 1;
    return 0;
}

static int count_new(pm_clusters *cl, const char *kind, const char *a, const char *b, const char *c)
{
    char key[800];
    snprintf(key, sizeof key, "%s\x1f%s\x1f%s\x1f%s", kind, a, b, c ? c : "");
    size_t before = cl->seen.n;
    strtab_intern(&cl->seen, key);
    return cl->seen.n != before;
}

/* Clusters: every name the chunk mentions gets an id; provider and region
 * come from the first node that tells, and stick across chunks. */
static int put_clusters(kt_prom_model *m, kt_store *s, pm_clusters *cl, const kt_node_facts *facts, pm_stats *st,
                        kt_err *err)
{
    for (size_t i = 0; i < m->n_node; i++) {
        size_t c = cluster_index(cl, strtab_get(&m->s, m->node[i].cluster));
        if (!cl->provider[c][0] && strcmp(facts[i].provider, "onprem")) {
            snprintf(cl->provider[c], sizeof cl->provider[c], "%s", facts[i].provider);
            snprintf(cl->region[c], sizeof cl->region[c], "%s", facts[i].region);
        }
    }
    for (size_t i = 0; i < m->n_node + m->n_pod + m->n_vol + m->n_lb; i++) {
        uint32_t name = i < m->n_node ? m->node[i].cluster
                      : i < m->n_node + m->n_pod ? m->pod[i - m->n_node].cluster
                      : i < m->n_node + m->n_pod + m->n_vol ? m->vol[i - m->n_node - m->n_pod].cluster
                      : m->lb[i - m->n_node - m->n_pod - m->n_vol].cluster;
        size_t c = cluster_index(cl, strtab_get(&m->s, name));
        if (cl->id[c] > 0)
            continue;
        int onprem = !cl->provider[c][0] && m->n_node;
        kt_cluster_rec r = {strtab_get(&m->s, name), onprem ? "onprem" : cl->provider[c], cl->region[c], "USD",
                            "prometheus"};
        if (store_put_cluster(s, &r, &cl->id[c], err))
            return -1;
        st->clusters++;
    }
    return 0;
}

static int64_t cluster_id(kt_prom_model *m, pm_clusters *cl, uint32_t name)
{
    return cl->id[cluster_index(cl, strtab_get(&m->s, name))];
}

static int put_nodes(kt_prom_model *m, kt_store *s, pm_clusters *cl, const kt_node_facts *facts, int64_t *ids,
                     pm_stats *st, kt_err *err)
{
    size_t P = (size_t)(3600 / m->step), H = m->S / P;
    for (size_t i = 0; i < m->n_node; i++) {
        const pm_node *n = &m->node[i];
        const kt_node_facts *f = &facts[i];
        const char *name = strtab_get(&m->s, n->name);
        kt_node_rec r = {.cluster_id = cluster_id(m, cl, n->cluster), .name = name, .provider = f->provider,
                         .region = f->region, .zone = f->zone, .instance_type = f->instance_type, .pool = f->pool,
                         .provider_id = strtab_get(&m->s, n->provider_id), .gpu_type = f->gpu_type,
                         .arch = f->arch, .os = f->os, .spot = f->spot, .cpu_cores = n->cap[0],
                         .ram_bytes = n->cap[1], .gpus = n->cap[2]};
        if (store_put_node(s, &r, &ids[i], err))
            return -1;
        if (count_new(cl, "node", strtab_get(&m->s, n->cluster), name, NULL))
            st->nodes++;
        kt_prom_price p = prom_price_node(cl->pricing, strtab_get(&m->s, n->cluster), name,
                                          strtab_get(&m->s, n->provider_id), f, n->cap[0], n->cap[1], n->cap[2]);
        for (size_t h = 0; h < H; h++) {
            size_t k = 0;
            for (size_t j = h * P; j < (h + 1) * P; j++)
                k += n->present[j];
            if (!k)
                continue;
            kt_node_hour nh = {ids[i], m->t0 + (int64_t)h * 3600, (double)k * (double)m->step / 3600.0,
                               p.cpu, p.ram, p.gpu, p.hourly, p.source};
            if (store_put_node_hour(s, &nh, err))
                return -1;
            st->node_hours++;
        }
    }
    return 0;
}

static int put_namespaces(kt_prom_model *m, kt_store *s, pm_clusters *cl, kt_err *err)
{
    for (size_t i = 0; i < m->n_ns; i++) {
        const pm_ns *n = &m->ns[i];
        if (store_put_namespace(s, cluster_id(m, cl, n->cluster), strtab_get(&m->s, n->name), n->labels.kv,
                                n->labels.n, NULL, 0, err))
            return -1;
    }
    return 0;
}

/* "ReplicaSet" → "replicaset": the engine's controllerKind values are lower case. */
static const char *lower(const char *s, char *buf, size_t n)
{
    size_t i = 0;
    for (; s[i] && i + 1 < n; i++)
        buf[i] = (char)tolower((unsigned char)s[i]);
    buf[i] = 0;
    return buf;
}

static long node_index(kt_prom_model *m, const pm_pod *p)
{
    if (!p->node)
        return -1;
    char key[800];
    snprintf(key, sizeof key, "%s\x1f%s\x1f", strtab_get(&m->s, p->cluster), strtab_get(&m->s, p->node));
    uint32_t id = strtab_find(&m->k_node, key);
    return id == UINT32_MAX ? -1 : (long)id - 1;
}

static int put_pods(kt_prom_model *m, kt_store *s, pm_clusters *cl, const int64_t *node_ids, int64_t *pod_ids,
                    pm_stats *st, kt_err *err)
{
    for (size_t i = 0; i < m->n_pod; i++) {
        const pm_pod *p = &m->pod[i];
        pod_ids[i] = 0;
        if (!any(p->run, m->S))
            continue;
        long n = node_index(m, p);
        char kind[64];
        const char *svcs[16];
        size_t n_svcs = p->n_svcs < 16 ? p->n_svcs : 16;
        for (size_t j = 0; j < n_svcs; j++)
            svcs[j] = strtab_get(&m->s, p->svcs[j]);
        const char *ns = strtab_get(&m->s, p->ns), *name = strtab_get(&m->s, p->name);
        kt_pod_rec r = {.cluster_id = cluster_id(m, cl, p->cluster), .node_id = n >= 0 ? node_ids[n] : 0,
                        .namespace = ns, .name = name, .uid = strtab_get(&m->s, p->uid),
                        .controller_kind = lower(strtab_get(&m->s, p->owner_kind), kind, sizeof kind),
                        .controller = strtab_get(&m->s, p->owner_name), .labels = p->labels.kv,
                        .n_labels = p->labels.n, .annotations = p->anns.kv, .n_annotations = p->anns.n,
                        .services = svcs, .n_services = n_svcs};
        if (store_put_pod(s, &r, &pod_ids[i], err))
            return -1;
        if (count_new(cl, "pod", strtab_get(&m->s, p->cluster), ns, name))
            st->pods++;
    }
    size_t P = (size_t)(3600 / m->step), H = m->S / P;
    for (size_t i = 0; i < m->n_ctr; i++) {
        const pm_ctr *c = &m->ctr[i];
        int64_t id;
        if (!pod_ids[c->pod] || !memchr(c->run, 2, m->S))
            continue;
        if (store_put_container(s, pod_ids[c->pod], strtab_get(&m->s, c->name), &id, err))
            return -1;
        unsigned char run[3600];
        for (size_t h = 0; h < H; h++) {
            size_t o = h * P;
            for (size_t k = 0; k < P; k++)
                run[k] = c->run[o + k] == 2;
            kt_prom_steps ps = {c->v[PM_CPU_REQ] + o, c->v[PM_CPU_USE] + o, c->v[PM_RAM_REQ] + o,
                                c->v[PM_RAM_USE] + o, c->v[PM_GPU] + o, run, P, (double)m->step};
            kt_container_hour f = {.container_id = id, .t = m->t0 + (int64_t)h * 3600};
            if (!prom_integrate_hour(&ps, &f))
                continue;
            if (store_put_container_hour(s, &f, err))
                return -1;
            st->container_hours++;
        }
    }
    return 0;
}

typedef struct vol_pod {
    uint32_t vol, pod;
} vol_pod;

static int by_vol(const void *a, const void *b)
{
    const vol_pod *x = a, *y = b;
    return x->vol != y->vol ? (x->vol < y->vol ? -1 : 1) : (x->pod > y->pod) - (x->pod < y->pod);
}

/* Each step a volume exists is split evenly among the pods mounting its
 * claim that run in that step; steps nobody mounts stay with the volume
 * (the engine reports them as __unmounted__). */
static int put_pod_volume_hours(kt_prom_model *m, kt_store *s, const int64_t *vol_ids, const int64_t *pod_ids,
                                kt_err *err)
{
    vol_pod *vp = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < m->n_pod; i++)
        for (size_t j = 0; j < m->pod[i].n_claims; j++)
            if (m->pod[i].claims[j] && pod_ids[i]) {
                grow_array((void **)&vp, &cap, n, sizeof *vp);
                vp[n++] = (vol_pod){m->pod[i].claims[j] - 1, (uint32_t)i};
            }
    if (n)
        qsort(vp, n, sizeof *vp, by_vol);
    size_t P = (size_t)(3600 / m->step), H = m->S / P;
    int rc = 0;
    double *share = NULL;
    for (size_t a = 0; a < n && !rc;) {
        size_t b = a;
        while (b < n && vp[b].vol == vp[a].vol)
            b++;
        const pm_vol *v = &m->vol[vp[a].vol];
        share = xrealloc(share, (b - a) * sizeof *share);
        for (size_t h = 0; h < H && !rc; h++) {
            memset(share, 0, (b - a) * sizeof *share);
            for (size_t k = h * P; k < (h + 1) * P; k++) {
                size_t users = 0;
                for (size_t i = a; i < b; i++)
                    users += m->pod[vp[i].pod].run[k];
                for (size_t i = a; i < b && v->present[k] && users; i++)
                    share[i - a] += m->pod[vp[i].pod].run[k] * (double)m->step / 3600.0 / (double)users;
            }
            for (size_t i = a; i < b && !rc; i++) {
                kt_pod_volume_hour f = {pod_ids[vp[i].pod], vol_ids[vp[a].vol], m->t0 + (int64_t)h * 3600,
                                        share[i - a]};
                if (share[i - a] > 0 && (i == a || vp[i].pod != vp[i - 1].pod))
                    rc = store_put_pod_volume_hour(s, &f, err);
            }
        }
        a = b;
    }
    free(share);
    free(vp);
    return rc;
}

/* Pods' traffic: each step's rate × step, summed per hour; received bytes
 * as rx, sent as tx_other (cAdvisor does not tell destinations), written
 * for every hour with a sample (0 bytes included: the pod was measured). */
static int put_network(kt_prom_model *m, kt_store *s, const int64_t *pod_ids, kt_err *err)
{
    size_t P = (size_t)(3600 / m->step), H = m->S / P;
    for (size_t i = 0; i < m->n_pod; i++) {
        const pm_pod *p = &m->pod[i];
        if (!pod_ids[i] || (!p->net[0] && !p->net[1]))
            continue;
        for (size_t h = 0; h < H; h++) {
            double b[2] = {0, 0};
            int seen = 0;
            for (int d = 0; d < 2; d++)
                for (size_t k = h * P; p->net[d] && k < (h + 1) * P; k++)
                    if (!isnan(p->net[d][k]))
                        b[d] += p->net[d][k] * (double)m->step, seen = 1;
            kt_pod_network_hour f = {.pod_id = pod_ids[i], .t = m->t0 + (int64_t)h * 3600, .rx_bytes = b[0],
                                     .tx_other = b[1]};
            if (seen && store_put_pod_network_hour(s, &f, err))
                return -1;
        }
    }
    return 0;
}

/* Claims' used bytes per UTC day of the chunk (the day of each step's
 * start): the day's largest, average and sample count, on the claim's
 * volume.  A day cut by two chunks keeps the larger peak and the average
 * of the chunk with more samples (store.h). */
static int put_volume_usage(kt_prom_model *m, kt_store *s, const int64_t *vol_ids, kt_err *err)
{
    for (size_t c = 0; c + 1 < m->k_claim.n; c++) {
        const double *u = m->claim_used ? m->claim_used[c] : NULL;
        int64_t vid = m->claim_vol[c] ? vol_ids[m->claim_vol[c] - 1] : 0;
        if (!u || !vid)
            continue;
        kt_volume_usage row = {vid, 0, 0, 0, 0, m->claim_cap[c]};
        double sum = 0;
        for (size_t k = 0; k <= m->S; k++) {
            int64_t day = k < m->S ? day_floor(m->t0 + (int64_t)k * m->step) : 0;
            if (row.samples && day != row.day) { /* the day is over (or the chunk) */
                row.avg = sum / (double)row.samples;
                if (row.avg > row.peak) row.avg = row.peak; /* rounding of the mean of equal values */
                if (store_put_volume_usage(s, &row, err))
                    return -1;
                row.peak = 0, row.samples = 0, sum = 0;
            }
            if (k == m->S || isnan(u[k]))
                continue;
            row.day = day;
            if (u[k] > row.peak) row.peak = u[k];
            sum += u[k], row.samples++;
        }
    }
    return 0;
}

static int put_volumes(kt_prom_model *m, kt_store *s, pm_clusters *cl, const int64_t *pod_ids, pm_stats *st,
                       kt_err *err)
{
    size_t P = (size_t)(3600 / m->step), H = m->S / P;
    int64_t *ids = xcalloc(m->n_vol + 1, sizeof *ids);
    int rc = 0;
    for (size_t i = 0; i < m->n_vol && !rc; i++) {
        const pm_vol *v = &m->vol[i];
        if (!any(v->present, m->S))
            continue;
        kt_volume_rec r = {cluster_id(m, cl, v->cluster), strtab_get(&m->s, v->name),
                           strtab_get(&m->s, v->storage_class), strtab_get(&m->s, v->claim_ns),
                           strtab_get(&m->s, v->claim_name), "", ""};
        if ((rc = store_put_volume(s, &r, &ids[i], err)))
            break;
        size_t c = cluster_index(cl, strtab_get(&m->s, v->cluster));
        kt_volume_desc vd = {strtab_get(&m->s, v->cluster), r.name, r.storage_class, cl->provider[c], cl->region[c],
                             NULL, NULL};
        const char *vsrc;
        double vprice = pricing_volume(cl->pricing, &vd, &vsrc);
        for (size_t h = 0; h < H && !rc; h++) {
            size_t k = 0;
            for (size_t j = h * P; j < (h + 1) * P; j++)
                k += v->present[j];
            kt_volume_hour f = {ids[i], m->t0 + (int64_t)h * 3600, (double)k * (double)m->step / 3600.0, v->bytes,
                                vprice, vsrc};
            if (k && !(rc = store_put_volume_hour(s, &f, err)))
                st->volume_hours++;
        }
    }
    if (!rc)
        rc = put_pod_volume_hours(m, s, ids, pod_ids, err);
    if (!rc)
        rc = put_volume_usage(m, s, ids, err);
    free(ids);
    return rc;
}

static int has_svc(const pm_pod *p, uint32_t name)
{
    for (size_t j = 0; j < p->n_svcs; j++)
        if (p->svcs[j] == name) return 1;
    return 0;
}

/* A load balancer's hours are split, step by step, among the running pods
 * behind its service; steps with none stay with the load balancer. */
static int put_pod_lb_hours(kt_prom_model *m, kt_store *s, const pm_lb *l, int64_t lb_id, const int64_t *pod_ids,
                            kt_err *err)
{
    size_t P = (size_t)(3600 / m->step), H = m->S / P, n = 0;
    uint32_t *pods = NULL;
    for (size_t i = 0; i < m->n_pod; i++)
        if (pod_ids[i] && m->pod[i].cluster == l->cluster && m->pod[i].ns == l->ns && has_svc(&m->pod[i], l->name)) {
            pods = xrealloc(pods, (n + 1) * sizeof *pods);
            pods[n++] = (uint32_t)i;
        }
    double *share = xcalloc(n + 1, sizeof *share);
    int rc = 0;
    for (size_t h = 0; h < H && n && !rc; h++) {
        memset(share, 0, n * sizeof *share);
        for (size_t k = h * P; k < (h + 1) * P; k++) {
            size_t users = 0;
            for (size_t i = 0; i < n; i++)
                users += m->pod[pods[i]].run[k];
            for (size_t i = 0; i < n && users && l->present[k]; i++)
                share[i] += m->pod[pods[i]].run[k] * (double)m->step / 3600.0 / (double)users;
        }
        for (size_t i = 0; i < n && !rc; i++) {
            kt_pod_lb_hour f = {pod_ids[pods[i]], lb_id, m->t0 + (int64_t)h * 3600, share[i]};
            if (share[i] > 0)
                rc = store_put_pod_lb_hour(s, &f, err);
        }
    }
    free(share);
    free(pods);
    return rc;
}

static int put_lbs(kt_prom_model *m, kt_store *s, pm_clusters *cl, const int64_t *pod_ids, pm_stats *st, kt_err *err)
{
    size_t P = (size_t)(3600 / m->step), H = m->S / P;
    for (size_t i = 0; i < m->n_lb; i++) {
        const pm_lb *l = &m->lb[i];
        int64_t id;
        if (!any(l->present, m->S))
            continue;
        kt_lb_rec r = {cluster_id(m, cl, l->cluster), strtab_get(&m->s, l->ns), strtab_get(&m->s, l->name),
                       strtab_get(&m->s, l->ip), 0};
        if (store_put_lb(s, &r, &id, err))
            return -1;
        size_t c = cluster_index(cl, strtab_get(&m->s, l->cluster));
        const char *lsrc;
        double lprice = pricing_lb_hourly(cl->pricing, cl->provider[c], cl->region[c], &lsrc);
        for (size_t h = 0; h < H; h++) {
            size_t k = 0;
            for (size_t j = h * P; j < (h + 1) * P; j++)
                k += l->present[j];
            kt_lb_hour f = {id, m->t0 + (int64_t)h * 3600, (double)k * (double)m->step / 3600.0, lprice,
                            lsrc};
            if (!k)
                continue;
            if (store_put_lb_hour(s, &f, err))
                return -1;
            st->lb_hours++;
        }
        if (put_pod_lb_hours(m, s, l, id, pod_ids, err))
            return -1;
    }
    return 0;
}

int pm_write(kt_prom_model *m, kt_store *s, pm_clusters *cl, pm_stats *st, kt_err *err)
{
    kt_node_facts *facts = xcalloc(m->n_node + 1, sizeof *facts);
    int64_t *node_ids = xcalloc(m->n_node + 1, sizeof *node_ids);
    int64_t *pod_ids = xcalloc(m->n_pod + 1, sizeof *pod_ids);
    for (size_t i = 0; i < m->n_node; i++)
        prom_node_facts(m->node[i].labels, strtab_get(&m->s, m->node[i].provider_id), &facts[i]);
    int rc = put_clusters(m, s, cl, facts, st, err) || put_nodes(m, s, cl, facts, node_ids, st, err) ||
             put_namespaces(m, s, cl, err) || put_pods(m, s, cl, node_ids, pod_ids, st, err) ||
             put_network(m, s, pod_ids, err) ||
             put_volumes(m, s, cl, pod_ids, st, err) || put_lbs(m, s, cl, pod_ids, st, err);
    free(facts), free(node_ids), free(pod_ids);
    return rc ? -1 : 0;
}

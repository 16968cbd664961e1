/* settle.c — per-period settlement of metered facts; see settle.h.
 *
 * Passes over the container facts, each O(n) with hash lookups of the
 * node-period and cluster-period they belong to:
 *   1. Σ requests and Σ excess per node-period;
 *   2. settled quantity and cost per container, Σ cost per node-period;
 *   3. node cost and idle, Σ idle / Σ cost per cluster-period;
 *   4. each container's share of idle and fee. */
#include "store/settle.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/strtab.h"

#define GIB 1073741824.0

static uint64_t key(uint32_t thing, int64_t t) { return (uint64_t)thing << 32 | (uint32_t)(t / 60); }

typedef struct period {
    double req[R_N], ex[R_N]; /* Σ requests, Σ allocation above request */
    double kr[R_N], ke[R_N];  /* scale of requests and of excess */
    double alloc[R_N];        /* Σ settled cost */
} period;

typedef struct cperiod {
    double idle[R_N], alloc[R_N], compute;
} cperiod;

typedef struct settler {
    kt_dataset *ds;
    int32_t dur;
    kt_u64map node_at, cluster_at;
    period *np;      /* per node fact */
    cperiod *cp;     /* per cluster-period */
    size_t n_cp;
    uint32_t *cf_np; /* container fact -> node fact (KT_NONE: unpriced) */
    uint32_t *nf_cp; /* node fact -> cluster-period */
} settler;

static uint32_t cluster_period(settler *S, uint32_t cluster, int64_t t)
{
    uint64_t v;
    if (u64map_get(&S->cluster_at, key(cluster, t), &v))
        return (uint32_t)v;
    u64map_put(&S->cluster_at, key(cluster, t), S->n_cp);
    return (uint32_t)S->n_cp++;
}

static double capacity(const ds_node *n, const ds_node_fact *f, int r)
{
    return (r == R_CPU ? n->cpu_cores : r == R_RAM ? n->ram_bytes : n->gpus) * f->hours;
}

static double price(const ds_node_fact *f, int r)
{
    return r == R_CPU ? f->cpu_price : r == R_RAM ? f->ram_price / GIB : f->gpu_price;
}

/* A container fact's requested and allocated quantity of resource r. */
static void quantities(const ds_container_fact *f, int r, double *req, double *alloc)
{
    if (r == R_CPU) *req = f->cpu_req, *alloc = f->cpu_alloc;
    else if (r == R_RAM) *req = f->ram_req, *alloc = f->ram_alloc;
    else *req = *alloc = f->gpu;
    if (*alloc < *req)
        *alloc = *req;
}

/* Pass 1: which node-period each container fact belongs to; Σ R and Σ E. */
static void sum_requests(settler *S)
{
    kt_dataset *ds = S->ds;
    for (size_t i = 0; i < ds->n_cfacts; i++) {
        ds_container_fact *f = &ds->cfacts[i];
        S->cf_np[i] = KT_NONE;
        if (f->dur != S->dur)
            continue;
        memset(f->cost, 0, sizeof f->cost), memset(f->idle_node, 0, sizeof f->idle_node);
        memset(f->idle_cluster, 0, sizeof f->idle_cluster), f->fee = 0;
        uint32_t node = ds->pods[ds->containers[f->container].pod].node;
        uint64_t nf;
        if (node == KT_NONE || !u64map_get(&S->node_at, key(node, f->t), &nf))
            continue;
        S->cf_np[i] = (uint32_t)nf;
        for (int r = 0; r < R_N; r++) {
            double req, alloc;
            quantities(f, r, &req, &alloc);
            S->np[nf].req[r] += req, S->np[nf].ex[r] += alloc - req;
        }
    }
    for (size_t j = 0; j < ds->n_nfacts; j++) {
        const ds_node_fact *nf = &ds->nfacts[j];
        if (nf->dur != S->dur)
            continue;
        period *p = &S->np[j];
        for (int r = 0; r < R_N; r++) {
            double cap = capacity(&ds->nodes[nf->node], nf, r);
            if (p->req[r] >= cap) /* requests alone fill the node: they share it, excess gets nothing */
                p->kr[r] = p->req[r] > 0 ? cap / p->req[r] : 0, p->ke[r] = 0;
            else
                p->kr[r] = 1, p->ke[r] = p->ex[r] > cap - p->req[r] ? (cap - p->req[r]) / p->ex[r] : 1;
        }
    }
}

/* Pass 2: settled quantities and costs. */
static void settle_containers(settler *S)
{
    kt_dataset *ds = S->ds;
    for (size_t i = 0; i < ds->n_cfacts; i++) {
        ds_container_fact *f = &ds->cfacts[i];
        if (S->cf_np[i] == KT_NONE)
            continue;
        period *p = &S->np[S->cf_np[i]];
        const ds_node_fact *nf = &ds->nfacts[S->cf_np[i]];
        for (int r = 0; r < R_N; r++) {
            double req, alloc;
            quantities(f, r, &req, &alloc);
            double q = req * p->kr[r] + (alloc - req) * p->ke[r];
            if (r == R_CPU) f->cpu_alloc = q;
            else if (r == R_RAM) f->ram_alloc = q;
            f->cost[r] = q * price(nf, r);
            p->alloc[r] += f->cost[r];
        }
    }
}

/* Pass 3: node cost and idle; cluster-period sums. */
static void node_idle(settler *S)
{
    kt_dataset *ds = S->ds;
    for (size_t j = 0; j < ds->n_nfacts; j++) {
        ds_node_fact *nf = &ds->nfacts[j];
        if (nf->dur != S->dur)
            continue;
        uint32_t c = S->nf_cp[j] = cluster_period(S, ds->nodes[nf->node].cluster, nf->t);
        assert(S->n_cp <= ds->n_nfacts); /* at most one cluster-period per node fact */
        for (int r = 0; r < R_N; r++) {
            double idle = nf->cost[r] - S->np[j].alloc[r];
            nf->idle[r] = idle > 0 ? idle : 0;
            S->cp[c].idle[r] += nf->idle[r], S->cp[c].alloc[r] += S->np[j].alloc[r];
            S->cp[c].compute += S->np[j].alloc[r];
        }
    }
    for (size_t j = 0; j < ds->n_nfacts; j++) {
        ds_node_fact *nf = &ds->nfacts[j];
        if (nf->dur != S->dur)
            continue;
        for (int r = 0; r < R_N; r++) {
            nf->idle_left_node[r] = S->np[j].alloc[r] > 0 ? 0 : nf->idle[r];
            nf->idle_left_cluster[r] = S->cp[S->nf_cp[j]].alloc[r] > 0 ? 0 : nf->idle[r];
        }
    }
}

/* Pass 4: shares of idle and fee, by cost. */
static void shares(settler *S)
{
    kt_dataset *ds = S->ds;
    double *fee_of = xcalloc(S->n_cp + 1, sizeof *fee_of);
    for (size_t k = 0; k < ds->n_feefacts; k++) {
        ds_fee_fact *fe = &ds->feefacts[k];
        if (fe->dur != S->dur)
            continue;
        uint64_t c;
        if (u64map_get(&S->cluster_at, key(fe->cluster, fe->t), &c) && S->cp[c].compute > 0)
            fee_of[c] = fe->cost, fe->unshared = 0;
        else
            fe->unshared = fe->cost;
    }
    for (size_t i = 0; i < ds->n_cfacts; i++) {
        ds_container_fact *f = &ds->cfacts[i];
        if (S->cf_np[i] == KT_NONE)
            continue;
        const period *p = &S->np[S->cf_np[i]];
        const ds_node_fact *nf = &ds->nfacts[S->cf_np[i]];
        const cperiod *c = &S->cp[S->nf_cp[S->cf_np[i]]];
        double compute = 0;
        for (int r = 0; r < R_N; r++) {
            if (p->alloc[r] > 0) f->idle_node[r] = nf->idle[r] * (f->cost[r] / p->alloc[r]);
            if (c->alloc[r] > 0) f->idle_cluster[r] = c->idle[r] * (f->cost[r] / c->alloc[r]);
            compute += f->cost[r];
        }
        if (c->compute > 0)
            f->fee = fee_of[S->nf_cp[S->cf_np[i]]] * (compute / c->compute);
    }
    free(fee_of);
}

/* Pods of one volume- or LB-period hold at most the hours it ran. */
static void settle_attached(settler *S)
{
    kt_dataset *ds = S->ds;
    kt_u64map at;
    u64map_init(&at);
    double *held = xcalloc(ds->n_vfacts + ds->n_lbfacts + 1, sizeof *held);
    for (size_t v = 0; v < ds->n_vfacts; v++) {
        ds_volume_fact *f = &ds->vfacts[v];
        if (f->dur != S->dur)
            continue;
        u64map_put(&at, key(f->volume, f->t), v);
    }
    for (size_t i = 0; i < ds->n_pvfacts; i++) {
        uint64_t v;
        if (ds->pvfacts[i].dur == S->dur && u64map_get(&at, key(ds->pvfacts[i].volume, ds->pvfacts[i].t), &v))
            held[v] += ds->pvfacts[i].hours;
    }
    for (size_t i = 0; i < ds->n_pvfacts; i++) {
        ds_pod_volume_fact *pf = &ds->pvfacts[i];
        uint64_t v;
        if (pf->dur != S->dur)
            continue;
        pf->cost = 0;
        if (!u64map_get(&at, key(pf->volume, pf->t), &v)) {
            pf->hours = 0; /* no such volume-period: nothing to hold */
            continue;
        }
        const ds_volume_fact *vf = &ds->vfacts[v];
        if (held[v] > vf->hours)
            pf->hours *= vf->hours / held[v];
        pf->cost = pf->hours * vf->bytes / GIB * vf->price_gib_hour;
    }
    u64map_free(&at);
    u64map_init(&at);
    double *lheld = held + ds->n_vfacts;
    for (size_t l = 0; l < ds->n_lbfacts; l++) {
        ds_lb_fact *f = &ds->lbfacts[l];
        if (f->dur != S->dur)
            continue;
        u64map_put(&at, key(f->lb, f->t), l);
    }
    for (size_t i = 0; i < ds->n_plbfacts; i++) {
        uint64_t l;
        if (ds->plbfacts[i].dur == S->dur && u64map_get(&at, key(ds->plbfacts[i].lb, ds->plbfacts[i].t), &l))
            lheld[l] += ds->plbfacts[i].hours;
    }
    for (size_t i = 0; i < ds->n_plbfacts; i++) {
        ds_pod_lb_fact *pf = &ds->plbfacts[i];
        uint64_t l;
        if (pf->dur != S->dur)
            continue;
        pf->cost = 0;
        if (!u64map_get(&at, key(pf->lb, pf->t), &l)) {
            pf->hours = 0;
            continue;
        }
        if (lheld[l] > ds->lbfacts[l].hours)
            pf->hours *= ds->lbfacts[l].hours / lheld[l];
        pf->cost = pf->hours * ds->lbfacts[l].hourly;
    }
    u64map_free(&at);
    free(held);
}

void settle_asset_costs(kt_dataset *ds, int32_t dur)
{
    assert(ds && dur > 0);
    for (size_t j = 0; j < ds->n_nfacts; j++) {
        ds_node_fact *nf = &ds->nfacts[j];
        if (nf->dur == dur)
            for (int r = 0; r < R_N; r++)
                nf->cost[r] = capacity(&ds->nodes[nf->node], nf, r) * price(nf, r);
    }
    for (size_t v = 0; v < ds->n_vfacts; v++)
        if (ds->vfacts[v].dur == dur)
            ds->vfacts[v].cost = ds->vfacts[v].hours * ds->vfacts[v].bytes / GIB * ds->vfacts[v].price_gib_hour;
    for (size_t l = 0; l < ds->n_lbfacts; l++)
        if (ds->lbfacts[l].dur == dur)
            ds->lbfacts[l].cost = ds->lbfacts[l].hours * ds->lbfacts[l].hourly;
    for (size_t k = 0; k < ds->n_feefacts; k++)
        if (ds->feefacts[k].dur == dur)
            ds->feefacts[k].cost = ds->feefacts[k].hours * ds->feefacts[k].hourly;
}

void settle(kt_dataset *ds, int32_t dur)
{
    assert(ds && dur > 0);
    settler S;
    memset(&S, 0, sizeof S);
    S.ds = ds, S.dur = dur;
    settle_asset_costs(ds, dur);
    u64map_init(&S.node_at), u64map_init(&S.cluster_at);
    for (size_t j = 0; j < ds->n_nfacts; j++)
        if (ds->nfacts[j].dur == dur)
            u64map_put(&S.node_at, key(ds->nfacts[j].node, ds->nfacts[j].t), j);
    S.np = xcalloc(ds->n_nfacts + 1, sizeof *S.np);
    S.cp = xcalloc(ds->n_nfacts + 1, sizeof *S.cp);
    S.cf_np = xmalloc((ds->n_cfacts + 1) * sizeof *S.cf_np);
    S.nf_cp = xmalloc((ds->n_nfacts + 1) * sizeof *S.nf_cp);
    sum_requests(&S);
    settle_containers(&S);
    node_idle(&S);
    shares(&S);
    settle_attached(&S);
    u64map_free(&S.node_at), u64map_free(&S.cluster_at);
    free(S.np), free(S.cp), free(S.cf_np), free(S.nf_cp);
}

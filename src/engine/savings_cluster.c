/* savings_cluster.c — cluster right-sizing and the cross-cloud comparison;
 * see savings_cluster.h. */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/container_field.h"
#include "engine/savings.h"
#include "engine/savings_cluster.h"
#include "pricing/node_split.h"
#include "util/buf.h"

#define STR(ds, id) strtab_get(&(ds)->strs, (id))
#define MAX_PAIR_TYPES 60

int cs_profile(const char *name, double *target, int *min_nodes)
{
    if (!strcasecmp(name, "development")) *target = 0.8, *min_nodes = 1;
    else if (!strcasecmp(name, "production")) *target = 0.65, *min_nodes = 2;
    else if (!strcasecmp(name, "high-availability") || !strcasecmp(name, "high availability") ||
             !strcasecmp(name, "highAvailability")) *target = 0.5, *min_nodes = 3;
    else return -1;
    return 0;
}

static int shared_core(const char *name)
{
    static const char *const s[] = {"e2-micro", "e2-small", "e2-medium", "f1-micro", "g1-small"};
    for (size_t i = 0; i < sizeof s / sizeof *s; i++)
        if (!strcasecmp(name, s[i]))
            return 1;
    return 0;
}

/* Nodes of type t needed alone (0 when it cannot hold the largest pod). */
static int pool_count(const kt_cs_cluster *in, const kt_node_offer *t, const kt_cs_params *p, double *ucpu,
                      double *uram)
{
    *ucpu = t->vcpus * p->target - in->ds_vcpus, *uram = t->ram_gib * p->target - in->ds_ram_gib;
    if (*ucpu <= 0 || *uram <= 0 || *ucpu < in->max_pod_vcpus || *uram < in->max_pod_ram_gib)
        return 0;
    double n = fmax(ceil(in->static_vcpus / *ucpu - 1e-9), ceil(in->static_ram_gib / *uram - 1e-9));
    return n < p->min_nodes ? p->min_nodes : (int)n;
}

static void set_plan(kt_cs_plan *pl, const kt_node_offer *a, int na, const kt_node_offer *b, int nb)
{
    memset(pl, 0, sizeof *pl);
    pl->pools[0] = (kt_cs_pool){*a, na};
    pl->n_pools = 1;
    if (b && nb > 0)
        pl->pools[1] = (kt_cs_pool){*b, nb}, pl->n_pools = 2;
    for (int i = 0; i < pl->n_pools; i++) {
        const kt_cs_pool *x = &pl->pools[i];
        pl->monthly += x->count * x->type.hourly * KT_HOURS_PER_MONTH;
        pl->vcpus += x->count * x->type.vcpus, pl->ram_gib += x->count * x->type.ram_gib;
    }
}

typedef struct fit { const kt_node_offer *o; int n; double ucpu, uram, cost; } fit;

static int by_cost(const void *x, const void *y)
{
    const fit *a = x, *b = y;
    return a->cost < b->cost ? -1 : a->cost > b->cost ? 1 : strcmp(a->o->name, b->o->name);
}

void cs_plan(const kt_cs_cluster *in, const kt_node_offer *offers, size_t n, const kt_cs_params *p, kt_cs_plan *single,
             kt_cs_plan *multi)
{
    memset(single, 0, sizeof *single);
    memset(multi, 0, sizeof *multi);
    /* fits: types that hold the largest pod (a pool alone); fill: any type with room */
    fit *f = xmalloc((n + 1) * sizeof *f), *g = xmalloc((n + 1) * sizeof *g);
    size_t nf = 0, ng = 0;
    for (size_t i = 0; i < n; i++) {
        if ((!p->allow_shared_core && shared_core(offers[i].name)) || offers[i].arm != p->arm)
            continue;
        fit x = {&offers[i], 0, 0, 0, 0};
        x.n = pool_count(in, &offers[i], p, &x.ucpu, &x.uram);
        if (x.ucpu > 0 && x.uram > 0) { /* cost per usable vCPU orders the fillers */
            g[ng] = x;
            g[ng++].cost = offers[i].hourly / x.ucpu;
        }
        if (x.n <= 0)
            continue;
        x.cost = x.n * offers[i].hourly;
        f[nf++] = x;
    }
    qsort(f, nf, sizeof *f, by_cost);
    qsort(g, ng, sizeof *g, by_cost);
    if (nf)
        set_plan(single, f[0].o, f[0].n, NULL, 0);
    size_t ma = nf < MAX_PAIR_TYPES ? nf : MAX_PAIR_TYPES, mb = ng < MAX_PAIR_TYPES ? ng : MAX_PAIR_TYPES;
    double best = INFINITY;
    /* a pool of A (holds the largest pod) topped up with B: every count of A below its lone pool */
    for (size_t a = 0; a < ma; a++)
        for (size_t b = 0; b < mb; b++) {
            if (f[a].o == g[b].o)
                continue;
            for (int na = 1; na < f[a].n; na++) {
                double need_c = in->static_vcpus - na * f[a].ucpu, need_r = in->static_ram_gib - na * f[a].uram;
                int nb = (int)fmax(1, fmax(ceil(need_c / g[b].ucpu - 1e-9), ceil(need_r / g[b].uram - 1e-9)));
                if (na + nb < p->min_nodes)
                    nb = p->min_nodes - na;
                double cost = na * f[a].o->hourly + nb * g[b].o->hourly;
                if (cost < best - 1e-12) {
                    best = cost;
                    set_plan(multi, f[a].o, na, g[b].o, nb);
                }
            }
        }
    free(f);
    free(g);
}

/* --- inputs from the dataset --------------------------------------------- */

typedef struct hours24 { double cpu[24], ram[24]; } hours24;

static double peak(const double *v) { double m = 0; for (int k = 0; k < 24; k++) if (v[k] > m) m = v[k]; return m; }

static void inputs(const kt_dataset *ds, const kt_cs_params *p, kt_cs_cluster *C, int64_t end)
{
    int64_t from = savings_recent_from(end);
    hours24 *cl = xcalloc(ds->n_clusters + 1, sizeof *cl), *dsn = xcalloc(ds->n_nodes + 1, sizeof *dsn);
    double *cmax_c = xcalloc(ds->n_containers + 1, sizeof *cmax_c), *cmax_r = xcalloc(ds->n_containers + 1, sizeof *cmax_r);
    double *pod_c = xcalloc(ds->n_pods + 1, sizeof *pod_c), *pod_r = xcalloc(ds->n_pods + 1, sizeof *pod_r);
    double *cost = xcalloc(ds->n_clusters + 1, sizeof *cost);
    uint8_t *seen = xcalloc(ds->n_pods + 1, 1);
    for (size_t i = 0; i < ds->n_cfacts; i++) {
        const ds_container_fact *f = &ds->cfacts[i];
        const ds_pod *pod = &ds->pods[ds->containers[f->container].pod];
        if (f->t + f->dur <= from || f->seconds <= 0)
            continue;
        if (!strcasecmp(STR(ds, pod->controller_kind), "daemonset")) {
            if (pod->node != KT_NONE)
                savings_spread(f, from, dsn[pod->node].cpu, dsn[pod->node].ram, KT_GIB);
            continue;
        }
        kt_container_ref ref = {ds, f->container};
        if (!filter_match(p->filter, container_field, &ref))
            continue;
        savings_spread(f, from, cl[pod->cluster].cpu, cl[pod->cluster].ram, KT_GIB);
        double h = f->seconds / 3600.0;
        if (f->cpu_req / h > cmax_c[f->container]) cmax_c[f->container] = f->cpu_req / h;
        if (f->ram_req / h > cmax_r[f->container]) cmax_r[f->container] = f->ram_req / h;
        cost[pod->cluster] += (f->cost[R_CPU] + f->cost[R_RAM] + f->cost[R_GPU]) * (f->t >= from ? 1 : 0);
        /* (the newest day's cost: × 730 / 24 below) */
        seen[ds->containers[f->container].pod] = 1;
    }
    for (uint32_t c = 0; c < ds->n_containers; c++)
        pod_c[ds->containers[c].pod] += cmax_c[c], pod_r[ds->containers[c].pod] += cmax_r[c] / KT_GIB;
    for (uint32_t i = 0; i < ds->n_clusters; i++) {
        kt_cs_cluster *x = &C[i];
        x->static_vcpus = peak(cl[i].cpu), x->static_ram_gib = peak(cl[i].ram);
        x->current_monthly = p->filter ? cost[i] * KT_HOURS_PER_MONTH / 24 : 0;
    }
    for (uint32_t n = 0; n < ds->n_nodes; n++) {
        kt_cs_cluster *x = &C[ds->nodes[n].cluster];
        if (peak(dsn[n].cpu) > x->ds_vcpus) x->ds_vcpus = peak(dsn[n].cpu);
        if (peak(dsn[n].ram) > x->ds_ram_gib) x->ds_ram_gib = peak(dsn[n].ram);
    }
    for (uint32_t i = 0; i < ds->n_pods; i++) {
        kt_cs_cluster *x = &C[ds->pods[i].cluster];
        if (!seen[i])
            continue;
        x->pods++;
        if (pod_c[i] > x->max_pod_vcpus) x->max_pod_vcpus = pod_c[i];
        if (pod_r[i] > x->max_pod_ram_gib) x->max_pod_ram_gib = pod_r[i];
    }
    free(cl), free(dsn), free(cmax_c), free(cmax_r), free(pod_c), free(pod_r), free(cost), free(seen);
}

/* Today's nodes: current ones, by type, at their newest hourly price. */
static void current_nodes(const kt_dataset *ds, const kt_cs_params *p, kt_cs_cluster *C, int64_t end)
{
    int64_t *last = xcalloc(ds->n_nodes + 1, sizeof *last);
    double *hourly = xcalloc(ds->n_nodes + 1, sizeof *hourly);
    for (size_t i = 0; i < ds->n_nfacts; i++) {
        const ds_node_fact *f = &ds->nfacts[i];
        if (savings_until(f->t, f->hours) >= last[f->node])
            last[f->node] = savings_until(f->t, f->hours), hourly[f->node] = f->hourly;
    }
    for (uint32_t n = 0; n < ds->n_nodes; n++) {
        const ds_node *x = &ds->nodes[n];
        kt_cs_cluster *c = &C[x->cluster];
        if (!last[n] || !savings_present(last[n], end))
            continue;
        c->current_nodes++;
        c->current_vcpus += x->cpu_cores, c->current_ram_gib += x->ram_bytes / KT_GIB;
        if (!p->filter)
            c->current_monthly += hourly[n] * KT_HOURS_PER_MONTH;
        size_t t = 0;
        while (t < c->n_types && strcmp(c->types[t].name, STR(ds, x->instance_type)))
            t++;
        if (t == c->n_types) {
            c->types = xrealloc(c->types, (c->n_types + 1) * sizeof *c->types);
            c->types[c->n_types++] = (kt_cs_nodetype){STR(ds, x->instance_type), STR(ds, x->provider), 0,
                                                       x->cpu_cores, x->ram_bytes / KT_GIB};
        }
        c->types[t].count++;
    }
    free(last), free(hourly);
}

/* One item per cluster and target (its own cloud without `to`). */
static int plan_all(const kt_dataset *ds, const kt_cs_params *p, const kt_cs_cluster *C, kt_cs_result *out,
                    kt_err *err)
{
    for (uint32_t i = 0; i < ds->n_clusters; i++) {
        const char *t = p->to;
        do {
            kt_cs_cluster x = C[i];
            x.types = NULL;
            if (t) {
                size_t len = strcspn(t, ","), colon = strcspn(t, ":");
                if (colon >= len || colon == 0 || len - colon - 1 == 0 || colon >= sizeof x.provider ||
                    len - colon - 1 >= sizeof x.region)
                    return kt_fail(err, KT_EINPUT, "to: expected provider:region[,provider:region…] such as "
                                   "gcp:europe-west1, got '%.*s'", (int)(len > 64 ? 64 : len), t);
                snprintf(x.provider, sizeof x.provider, "%.*s", (int)colon, t);
                snprintf(x.region, sizeof x.region, "%.*s", (int)(len - colon - 1), t + colon + 1);
                t = t[len] ? t + len + 1 : NULL;
            } else {
                snprintf(x.provider, sizeof x.provider, "%s", STR(ds, ds->clusters[i].provider));
                snprintf(x.region, sizeof x.region, "%s", STR(ds, ds->clusters[i].region));
            }
            kt_node_offer *offers;
            size_t n;
            pricing_node_offers(p->pricing, x.provider, x.region, &offers, &n);
            x.offers = n;
            cs_plan(&x, offers, n, p, &x.single, &x.multi);
            free(offers);
            if (!x.pods && !x.current_nodes)
                continue;
            x.types = xmalloc((x.n_types + 1) * sizeof *x.types); /* each item owns its copy */
            if (x.n_types)
                memcpy(x.types, C[i].types, x.n_types * sizeof *x.types);
            out->items = xrealloc(out->items, (out->n + 1) * sizeof *out->items);
            out->items[out->n++] = x;
        } while (t);
    }
    return 0;
}

int savings_cluster_sizing(const kt_dataset *ds, kt_window w, const kt_cs_params *p, kt_cs_result *out,
                           kt_err *err)
{
    assert(ds && p && out);
    memset(out, 0, sizeof *out);
    out->ds = ds, out->target = p->target, out->min_nodes = p->min_nodes;
    if (!(p->target > 0 && p->target <= 1))
        return kt_fail(err, KT_EINPUT, "targetUtilization: must be in (0, 1]");
    if (p->min_nodes < 1 || p->min_nodes > 1000)
        return kt_fail(err, KT_EINPUT, "minNodeCount: must be 1 … 1000");
    int64_t end = savings_data_end(ds);
    kt_cs_cluster *C = xcalloc(ds->n_clusters + 1, sizeof *C);
    for (uint32_t i = 0; i < ds->n_clusters; i++)
        C[i].cluster = STR(ds, ds->clusters[i].name);
    inputs(ds, p, C, end);
    current_nodes(ds, p, C, end);
    int rc = plan_all(ds, p, C, out, err);
    for (uint32_t i = 0; i < ds->n_clusters; i++)
        free(C[i].types);
    free(C);
    if (rc)
        cs_result_free(out);
    return rc;
}

void cs_result_free(kt_cs_result *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->items[i].types);
    free(r->items);
    memset(r, 0, sizeof *r);
}

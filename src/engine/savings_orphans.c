/* savings_orphans.c — the savings kinds that are not request sizing:
 * unclaimed volumes, orphaned load balancers, underused nodes, spot
 * candidates (savings.h).  All judged from the stored facts:
 *   - "now" is the newest asset fact's end in the dataset (data_end); a
 *     thing is current when its newest fact ends within an hour of it, so
 *     a deleted volume, service or node drops out of the list;
 *   - unclaimed volume: current, and no pod held it at any time in the
 *     window (Kubecost's "no pod uses it");
 *   - orphaned load balancer: current, and no pod backed it in its newest
 *     fact (the meter splits a service's hours among its running pods);
 *   - underused node: current; its pods' requests (DaemonSets excluded:
 *     they leave with it) fit in what the cluster's other current nodes
 *     have free below node_target of capacity, and its largest container
 *     fits on one of them; nodes whose pods mount local volumes stay;
 *     tried from the least requested; a node's load is its busiest hour of
 *     the newest day (autoscaled workloads peak by day), CPU and memory
 *     each;
 *   (abandoned workloads: savings_abandoned.c)
 *   - spot candidate: a Deployment (or bare ReplicaSet) averaging at least
 *     spot_min_replicas replicas, none of whose pods held a volume, with
 *     containers on on-demand nodes; saving = that cost per month × (1 −
 *     spot / on-demand price of the node's type), prices from the catalog
 *     or lists (a type without a known spot price is skipped).
 * Monthly amounts are the newest rate × 730 h (volumes, LBs, nodes) or the
 * window's cost scaled to 730 h (workloads). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/carbon_rates.h"
#include "engine/savings.h"
#include "pricing/pricing.h"
#include "util/buf.h"

#define STR(ds, id) strtab_get(&(ds)->strs, (id))

typedef struct octx {
    const kt_dataset *ds;
    const kt_savings_params *p;
    kt_savings_result *out;
    size_t *cap;
    int64_t data_end;
    double *node_kg_h;
} octx;

static void push(octx *c, enum kt_saving_kind k, const char *cluster, const char *ns, const char *name,
                 double monthly, double kg, double detail)
{
    if (monthly <= 0)
        return;
    grow_array((void **)&c->out->items, c->cap, c->out->n, sizeof *c->out->items);
    c->out->items[c->out->n++] = (kt_saving){k, cluster, "", ns, name, monthly, kg, detail};
}

int64_t savings_data_end(const kt_dataset *ds)
{
    int64_t e = 0;
#define NEWEST(arr) for (size_t i = 0; i < ds->n_##arr; i++) \
        if (savings_until(ds->arr[i].t, ds->arr[i].hours) > e) e = savings_until(ds->arr[i].t, ds->arr[i].hours);
    NEWEST(nfacts) NEWEST(vfacts) NEWEST(lbfacts)
#undef NEWEST
    return ds->start < ds->end && e > ds->end ? ds->end : e;
}

void savings_spread(const ds_container_fact *f, int64_t from, double *cpu, double *ram, double ram_unit)
{
    double part = (double)f->dur / 3600.0; /* hours the fact spans: 1, or 24 for a daily row */
    for (int64_t t = f->t < from ? from : f->t; t < f->t + f->dur && t < from + 86400; t += 3600) {
        int k = (int)((t - from) / 3600);
        cpu[k] += f->cpu_req / part, ram[k] += f->ram_req / ram_unit / part;
    }
}

static void unclaimed_volumes(octx *c)
{
    const kt_dataset *ds = c->ds;
    size_t n = ds->n_volumes + 1;
    double *held = xcalloc(n, sizeof *held), *cost = xcalloc(n, sizeof *cost), *hours = xcalloc(n, sizeof *hours);
    double *kg = xcalloc(n, sizeof *kg), *bytes = xcalloc(n, sizeof *bytes);
    int64_t *last = xcalloc(n, sizeof *last);
    for (size_t i = 0; i < ds->n_pvfacts; i++)
        held[ds->pvfacts[i].volume] += ds->pvfacts[i].hours;
    for (size_t i = 0; i < ds->n_vfacts; i++) {
        const ds_volume_fact *f = &ds->vfacts[i];
        cost[f->volume] += f->cost, hours[f->volume] += f->hours, kg[f->volume] += carbon_vfact_kg(ds, f);
        if (savings_until(f->t, f->hours) >= last[f->volume])
            last[f->volume] = savings_until(f->t, f->hours), bytes[f->volume] = f->bytes;
    }
    for (uint32_t v = 0; v < ds->n_volumes; v++) {
        const ds_volume *x = &ds->volumes[v];
        if (held[v] > 0 || hours[v] <= 0 || !savings_present(last[v], c->data_end))
            continue;
        push(c, SK_UNCLAIMED_VOLUME, STR(ds, ds->clusters[x->cluster].name), STR(ds, x->claim_ns), STR(ds, x->name),
             cost[v] / hours[v] * KT_HOURS_PER_MONTH, kg[v] / hours[v] * KT_HOURS_PER_MONTH, bytes[v]);
    }
    free(held), free(cost), free(hours), free(kg), free(bytes), free(last);
}

static void orphaned_lbs(octx *c)
{
    const kt_dataset *ds = c->ds;
    size_t n = ds->n_lbs + 1;
    int64_t *newest = xcalloc(n, sizeof *newest), *last = xcalloc(n, sizeof *last);
    double *hourly = xcalloc(n, sizeof *hourly), *held = xcalloc(n, sizeof *held);
    for (size_t i = 0; i < ds->n_lbfacts; i++) {
        const ds_lb_fact *f = &ds->lbfacts[i];
        if (f->t >= newest[f->lb] && f->hours > 0)
            newest[f->lb] = f->t, hourly[f->lb] = f->hourly;
        if (savings_until(f->t, f->hours) > last[f->lb])
            last[f->lb] = savings_until(f->t, f->hours);
    }
    for (size_t i = 0; i < ds->n_plbfacts; i++)
        if (ds->plbfacts[i].t == newest[ds->plbfacts[i].lb])
            held[ds->plbfacts[i].lb] += ds->plbfacts[i].hours;
    for (uint32_t l = 0; l < ds->n_lbs; l++) {
        const ds_lb *x = &ds->lbs[l];
        if (held[l] > 0 || !newest[l] || !savings_present(last[l], c->data_end))
            continue;
        push(c, SK_ORPHANED_LB, STR(ds, ds->clusters[x->cluster].name), STR(ds, x->namespace_), STR(ds, x->name),
             hourly[l] * KT_HOURS_PER_MONTH, 0, 0);
    }
    free(newest), free(last), free(hourly), free(held);
}

typedef struct nload {
    double cpu, ram, big_cpu, big_ram; /* movable requests at the busiest hour (cores, bytes), largest container */
    double fixed_cpu, fixed_ram;       /* DaemonSet requests at their busiest hour: they stay on every node */
    double hour_cpu[24], hour_ram[24]; /* movable requests per hour of the newest day */
    double hour_fcpu[24], hour_fram[24];
    double hours, hourly;
    int64_t last;
    int pinned, gone;
} nload;

static void node_loads(octx *c, nload *L)
{
    const kt_dataset *ds = c->ds;
    int64_t from = savings_recent_from(c->data_end);
    for (size_t i = 0; i < ds->n_nfacts; i++) {
        const ds_node_fact *f = &ds->nfacts[i];
        nload *x = &L[f->node];
        if (savings_until(f->t, f->hours) > x->last) x->last = savings_until(f->t, f->hours), x->hourly = f->hourly;
        if (f->t + f->dur > from) x->hours += f->hours;
    }
    for (size_t i = 0; i < ds->n_cfacts; i++) {
        const ds_container_fact *f = &ds->cfacts[i];
        const ds_pod *p = &ds->pods[ds->containers[f->container].pod];
        if (p->node == KT_NONE || f->t + f->dur <= from)
            continue;
        nload *x = &L[p->node];
        int fixed = !strcasecmp(STR(ds, p->controller_kind), "daemonset");
        double *hc = fixed ? x->hour_fcpu : x->hour_cpu, *hr = fixed ? x->hour_fram : x->hour_ram;
        savings_spread(f, from, hc, hr, 1);
        double h = fixed ? 0 : f->seconds / 3600.0;
        if (h > 0 && f->cpu_req / h > x->big_cpu) x->big_cpu = f->cpu_req / h;
        if (h > 0 && f->ram_req / h > x->big_ram) x->big_ram = f->ram_req / h;
    }
    for (size_t i = 0; i < ds->n_pvfacts; i++) {
        const ds_pod *p = &ds->pods[ds->pvfacts[i].pod];
        if (p->node != KT_NONE && strcasestr(STR(ds, ds->volumes[ds->pvfacts[i].volume].storage_class), "local"))
            L[p->node].pinned = 1;
    }
    for (size_t n = 0; n < ds->n_nodes; n++)
        for (int k = 0; k < 24; k++) {
            if (L[n].hour_cpu[k] > L[n].cpu) L[n].cpu = L[n].hour_cpu[k];
            if (L[n].hour_ram[k] > L[n].ram) L[n].ram = L[n].hour_ram[k];
            if (L[n].hour_fcpu[k] > L[n].fixed_cpu) L[n].fixed_cpu = L[n].hour_fcpu[k];
            if (L[n].hour_fram[k] > L[n].fixed_ram) L[n].fixed_ram = L[n].hour_fram[k];
        }
}

/* Can node `n`'s movable load go to the other current nodes of its cluster? */
static int drainable(const octx *c, const nload *L, uint32_t n)
{
    const kt_dataset *ds = c->ds;
    double t = c->p->node_target, free_cpu = 0, free_ram = 0, best_cpu = 0, best_ram = 0;
    for (uint32_t m = 0; m < ds->n_nodes; m++) {
        if (m == n || L[m].gone || ds->nodes[m].cluster != ds->nodes[n].cluster || !savings_present(L[m].last, c->data_end))
            continue;
        double fc = ds->nodes[m].cpu_cores * t - L[m].cpu - L[m].fixed_cpu;
        double fr = ds->nodes[m].ram_bytes * t - L[m].ram - L[m].fixed_ram;
        if (fc > 0) free_cpu += fc;
        if (fr > 0) free_ram += fr;
        if (fc > best_cpu) best_cpu = fc;
        if (fr > best_ram) best_ram = fr;
    }
    return L[n].cpu <= free_cpu && L[n].ram <= free_ram && L[n].big_cpu <= best_cpu && L[n].big_ram <= best_ram;
}

/* Spread a drained node's load over the others by their free CPU. */
static void move_load(const octx *c, nload *L, uint32_t n)
{
    const kt_dataset *ds = c->ds;
    double t = c->p->node_target, free_cpu = 0;
    for (uint32_t m = 0; m < ds->n_nodes; m++)
        if (m != n && !L[m].gone && ds->nodes[m].cluster == ds->nodes[n].cluster && savings_present(L[m].last, c->data_end)) {
            double fc = ds->nodes[m].cpu_cores * t - L[m].cpu - L[m].fixed_cpu;
            free_cpu += fc > 0 ? fc : 0;
        }
    for (uint32_t m = 0; m < ds->n_nodes && free_cpu > 0; m++)
        if (m != n && !L[m].gone && ds->nodes[m].cluster == ds->nodes[n].cluster && savings_present(L[m].last, c->data_end)) {
            double fc = ds->nodes[m].cpu_cores * t - L[m].cpu - L[m].fixed_cpu, k = (fc > 0 ? fc : 0) / free_cpu;
            L[m].cpu += L[n].cpu * k, L[m].ram += L[n].ram * k;
        }
    L[n].gone = 1;
}

static void underused_nodes(octx *c)
{
    const kt_dataset *ds = c->ds;
    nload *L = xcalloc(ds->n_nodes + 1, sizeof *L);
    node_loads(c, L);
    uint32_t *order = xmalloc((ds->n_nodes + 1) * sizeof *order);
    size_t n = 0;
    for (uint32_t i = 0; i < ds->n_nodes; i++)
        if (savings_present(L[i].last, c->data_end) && L[i].hours > 0)
            order[n++] = i;
    /* least requested share of CPU first */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0; j--) {
            uint32_t a = order[j - 1], b = order[j];
            double ka = L[a].cpu / (ds->nodes[a].cpu_cores > 0 ? ds->nodes[a].cpu_cores : 1);
            double kb = L[b].cpu / (ds->nodes[b].cpu_cores > 0 ? ds->nodes[b].cpu_cores : 1);
            if (ka <= kb) break;
            order[j - 1] = b, order[j] = a;
        }
    for (size_t i = 0; i < n; i++) {
        uint32_t x = order[i];
        if (L[x].pinned || !drainable(c, L, x))
            continue;
        move_load(c, L, x);
        push(c, SK_UNDERUSED_NODE, STR(ds, ds->clusters[ds->nodes[x].cluster].name), "", STR(ds, ds->nodes[x].name),
             L[x].hourly * KT_HOURS_PER_MONTH, c->node_kg_h[x] * KT_HOURS_PER_MONTH, L[x].cpu);
    }
    free(order);
    free(L);
}

typedef struct wl {
    uint32_t pod; /* first pod: names the workload */
    double bytes, cpu_use, cost;
    double pod_secs, od_cost;    /* Σ pods' running seconds; cost on on-demand nodes × (1 − spot ratio) */
    int stateful, priced;
    int64_t first, last;
    int has_net;
} wl;

/* Pods grouped by controller (a bare pod is its own). */
static uint32_t *workloads(const kt_dataset *ds, wl **out, size_t *n)
{
    uint32_t *first;
    uint32_t *of = savings_workloads(ds, &first, n);
    *out = xcalloc(*n + 1, sizeof **out);
    for (size_t i = 0; i < *n; i++)
        (*out)[i] = (wl){.pod = first[i], .first = INT64_MAX};
    free(first);
    return of;
}

/* Per node: 1 − spot / on-demand for its type (0 when unknown or spot already). */
static double *spot_discounts(const octx *c)
{
    const kt_dataset *ds = c->ds;
    double *d = xcalloc(ds->n_nodes + 1, sizeof *d);
    for (uint32_t n = 0; n < ds->n_nodes; n++) {
        const ds_node *x = &ds->nodes[n];
        if (x->spot)
            continue;
        kt_instance_price od = pricing_instance(c->p->pricing, STR(ds, x->provider), STR(ds, x->region),
                                                STR(ds, x->instance_type), 0);
        kt_instance_price sp = pricing_instance(c->p->pricing, STR(ds, x->provider), STR(ds, x->region),
                                                STR(ds, x->instance_type), 1);
        if (od.known && sp.known && od.price.hourly > 0 && sp.price.hourly < od.price.hourly &&
            strcmp(sp.price.source, "default"))
            d[n] = 1 - sp.price.hourly / od.price.hourly;
    }
    return d;
}

static void spot_candidates(octx *c)
{
    const kt_dataset *ds = c->ds;
    if (!c->p->pricing)
        return;
    wl *W;
    size_t n;
    uint32_t *of = workloads(ds, &W, &n);
    double *disc = spot_discounts(c);
    uint32_t *per_pod = xcalloc(ds->n_pods + 1, sizeof *per_pod);
    for (uint32_t i = 0; i < ds->n_containers; i++)
        per_pod[ds->containers[i].pod]++;
    for (size_t i = 0; i < ds->n_pvfacts; i++)
        W[of[ds->pvfacts[i].pod]].stateful = 1;
    for (size_t i = 0; i < ds->n_cfacts; i++) {
        const ds_container_fact *f = &ds->cfacts[i];
        uint32_t pod = ds->containers[f->container].pod, node = ds->pods[pod].node;
        wl *w = &W[of[pod]];
        w->pod_secs += f->seconds / per_pod[pod];
        if (f->t < w->first) w->first = f->t;
        if (f->t + f->dur > w->last) w->last = f->t + f->dur;
        if (node != KT_NONE && disc[node] > 0)
            w->od_cost += (f->cost[R_CPU] + f->cost[R_RAM] + f->cost[R_GPU]) * disc[node], w->priced = 1;
    }
    for (size_t i = 0; i < n; i++) {
        wl *w = &W[i];
        const ds_pod *p = &ds->pods[w->pod];
        const char *kind = STR(ds, p->controller_kind);
        double secs = w->last > w->first ? (double)(w->last - w->first) : 0;
        if (w->stateful || !w->priced || secs <= 0 || (strcasecmp(kind, "deployment") && strcasecmp(kind, "replicaset")))
            continue;
        double replicas = w->pod_secs / secs;
        if (replicas < c->p->spot_min_replicas)
            continue;
        push(c, SK_SPOT, STR(ds, ds->clusters[p->cluster].name), STR(ds, p->namespace_), STR(ds, p->controller),
             w->od_cost * KT_HOURS_PER_MONTH / (secs / 3600), 0, replicas);
    }
    free(of), free(W), free(disc), free(per_pod);
}

void savings_orphans(const kt_dataset *ds, const kt_savings_params *p, kt_savings_result *out, size_t *cap)
{
    octx c = {ds, p, out, cap, savings_data_end(ds), carbon_node_kg_h(ds)};
    unclaimed_volumes(&c);
    orphaned_lbs(&c);
    underused_nodes(&c);
    spot_candidates(&c);
    free(c.node_kg_h);
}

/* savings_abandoned.c — abandoned workloads (Kubecost's abandonedWorkloads;
 * see savings.h).  A workload (a controller's pods together; a bare pod is
 * its own) is abandoned when the network facts show it exchanged fewer than
 * `bytes_per_s` bytes a second over its time in the window, all replicas
 * together (one busy replica keeps a Deployment), and used less than
 * `cpu_cores` on average (its hours: from its first run's start to its
 * last run's end, ds_guess_run): Kubecost's traffic rule, plus the CPU test the
 * issue asks for so a batch job that computes without talking is kept.
 * Its pods are listed one by one, as Kubecost does; a pod's monthly saving
 * is its cost scaled by 730 h over the WORKLOAD's hours, so the pods of a
 * workload add up to the workload's rate even when pods replaced each other
 * within the window. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/savings.h"
#include "util/buf.h"

#define STR(ds, id) strtab_get(&(ds)->strs, (id))

uint32_t *savings_workloads(const kt_dataset *ds, uint32_t **first_pod, size_t *n)
{
    assert(ds && first_pod && n);
    kt_strtab keys;
    kt_buf b = {0};
    size_t cap = 0;
    strtab_init(&keys);
    uint32_t *of = xmalloc((ds->n_pods + 1) * sizeof *of);
    *first_pod = NULL, *n = 0;
    for (uint32_t i = 0; i < ds->n_pods; i++) {
        const ds_pod *p = &ds->pods[i];
        buf_reset(&b);
        if (*STR(ds, p->controller))
            buf_printf(&b, "%u/%u/%u/%u", p->cluster, p->namespace_, p->controller_kind, p->controller);
        else
            buf_printf(&b, "%u/%u/pod/%u", p->cluster, p->namespace_, p->name);
        of[i] = strtab_intern(&keys, b.data) - 1;
        if (of[i] == *n) {
            grow_array((void **)first_pod, &cap, *n, sizeof **first_pod);
            (*first_pod)[(*n)++] = i;
        }
    }
    strtab_free(&keys);
    buf_free(&b);
    return of;
}

/* What the facts say of one pod, or (summed) one workload. */
typedef struct span {
    double rx, tx, cpu_use, ram_use, cpu_req, ram_req, cpu_alloc, ram_alloc, cost;
    int64_t first, last;
    int has_net;
} span;

/* A fact's run, not its whole span: the live hour's fact spans the hour
 * while its pod may have run for seconds of it. */
static void widen(span *s, int64_t t, int32_t dur, double seconds)
{
    int64_t a, b;
    ds_guess_run(t, dur, seconds, &a, &b);
    if (a < s->first) s->first = a;
    if (b > s->last) s->last = b;
}

static double hours_of(const span *s)
{
    return s->last > s->first ? (double)(s->last - s->first) / 3600 : 0;
}

static void add(span *to, const span *from)
{
    to->rx += from->rx, to->tx += from->tx, to->cpu_use += from->cpu_use, to->cost += from->cost;
    to->has_net |= from->has_net;
    if (from->first < to->first) to->first = from->first;
    if (from->last > to->last) to->last = from->last;
}

/* Per pod: traffic and container facts; facts outside any pod are skipped. */
static span *pod_spans(const kt_dataset *ds)
{
    span *P = xcalloc(ds->n_pods + 1, sizeof *P);
    for (uint32_t i = 0; i < ds->n_pods; i++)
        P[i].first = INT64_MAX, P[i].last = INT64_MIN;
    for (size_t i = 0; i < ds->n_netfacts; i++) {
        const ds_network_fact *f = &ds->netfacts[i];
        span *s = &P[f->pod];
        s->rx += f->rx_bytes, s->tx += f->tx_internet + f->tx_region + f->tx_zone + f->tx_other, s->has_net = 1;
    }
    for (size_t i = 0; i < ds->n_cfacts; i++) {
        const ds_container_fact *f = &ds->cfacts[i];
        span *s = &P[ds->containers[f->container].pod];
        s->cpu_use += f->cpu_use, s->ram_use += f->ram_use, s->cpu_req += f->cpu_req, s->ram_req += f->ram_req;
        s->cpu_alloc += f->cpu_alloc, s->ram_alloc += f->ram_alloc;
        s->cost += f->cost[R_CPU] + f->cost[R_RAM] + f->cost[R_GPU];
        widen(s, f->t, f->dur, f->seconds);
    }
    return P;
}

static void list_pod(const kt_dataset *ds, uint32_t pi, const span *s, double wl_hours, double wl_bps,
                     uint32_t team_key, kt_ab_pod *out)
{
    const ds_pod *p = &ds->pods[pi];
    double h = hours_of(s), secs = h * 3600;
    memset(out, 0, sizeof *out);
    out->cluster = STR(ds, ds->clusters[p->cluster].name);
    out->namespace_ = STR(ds, p->namespace_);
    out->pod = STR(ds, p->name);
    out->node = p->node != KT_NONE ? STR(ds, ds->nodes[p->node].name) : "";
    out->owner_kind = STR(ds, p->controller_kind);
    out->owner = STR(ds, p->controller);
    out->team = team_key != UINT32_MAX ? STR(ds, ds_pod_label(ds, p, team_key, 0)) : "";
    if (secs > 0) {
        out->ingress_bps = s->rx / secs, out->egress_bps = s->tx / secs;
        out->use_cpu = s->cpu_use / h, out->use_ram = s->ram_use / h;
        out->req_cpu = s->cpu_req / h, out->req_ram = s->ram_req / h;
        out->alloc_cpu = s->cpu_alloc / h, out->alloc_ram = s->ram_alloc / h;
    }
    out->workload_bps = wl_bps;
    out->monthly = wl_hours > 0 ? s->cost * KT_HOURS_PER_MONTH / wl_hours : 0;
}

static int by_monthly(const void *x, const void *y)
{
    const kt_ab_pod *a = x, *b = y;
    if (a->monthly != b->monthly)
        return a->monthly < b->monthly ? 1 : -1;
    int c = strcmp(a->cluster, b->cluster);
    if (!c) c = strcmp(a->namespace_, b->namespace_);
    return c ? c : strcmp(a->pod, b->pod);
}

int savings_abandoned(const kt_dataset *ds, const kt_ab_params *p, kt_ab_result *out, kt_err *err)
{
    assert(ds && p && out);
    (void)err;
    memset(out, 0, sizeof *out);
    out->bytes_per_s = p->bytes_per_s;
    snprintf(out->currency, sizeof out->currency, "%s", ds->n_clusters ? STR(ds, ds->clusters[0].currency) : "");
    if (!out->currency[0])
        strcpy(out->currency, "USD");
    uint32_t *first;
    size_t n_wl, cap = 0;
    uint32_t *of = savings_workloads(ds, &first, &n_wl);
    span *P = pod_spans(ds), *W = xcalloc(n_wl + 1, sizeof *W);
    for (size_t w = 0; w < n_wl; w++)
        W[w].first = INT64_MAX, W[w].last = INT64_MIN;
    for (uint32_t i = 0; i < ds->n_pods; i++)
        add(&W[of[i]], &P[i]);
    uint32_t team_key = strtab_find(&ds->strs, p->team_label ? p->team_label : "team");
    for (uint32_t i = 0; i < ds->n_pods; i++) {
        const span *w = &W[of[i]];
        double h = hours_of(w), bps = h > 0 ? (w->rx + w->tx) / (h * 3600) : 0;
        if (!w->has_net || h <= 0 || bps >= p->bytes_per_s || w->cpu_use / h >= p->cpu_cores || hours_of(&P[i]) <= 0)
            continue;
        grow_array((void **)&out->items, &cap, out->n, sizeof *out->items);
        list_pod(ds, i, &P[i], h, bps, team_key, &out->items[out->n]);
        out->total += out->items[out->n++].monthly;
    }
    if (out->n > 1)
        qsort(out->items, out->n, sizeof *out->items, by_monthly);
    free(of), free(first), free(P), free(W);
    return 0;
}

void ab_result_free(kt_ab_result *r)
{
    if (r)
        free(r->items);
}

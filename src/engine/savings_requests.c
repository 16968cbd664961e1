/* savings_requests.c — container request right-sizing; see savings.h.
 *
 * Three passes over the container facts: (1) group them and total what
 * each group requested, used and when it ran; (2) collect each group's
 * samples (CSR layout, one allocation) and derive the recommendation and
 * risk; (3) price the difference at the rates of the nodes each fact ran
 * on.  No per-fact allocation; memory is 20 bytes per sample. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/carbon_rates.h"
#include "engine/container_field.h"
#include "engine/savings.h"
#include "pricing/node_split.h"
#include "util/buf.h"

#define MIB 1048576.0

void rs_params_init(kt_rs_params *p)
{
    memset(p, 0, sizeof *p);
    p->algo_cpu = p->algo_ram = RS_MAX;
    p->q_cpu = p->q_ram = 0.95;
    p->target_cpu = p->target_ram = 0.7;
    p->min_cpu_mcores = 10;
    p->min_ram_bytes = 20 * MIB;
}

double rs_total_savings(const kt_rs_rec *r) { return r->save_cpu + r->save_ram; }

static int by_value(const void *x, const void *y)
{
    float a = ((const kt_sample *)x)->v, b = ((const kt_sample *)y)->v;
    return a < b ? -1 : a > b;
}

double savings_quantile(kt_sample *s, size_t n, double q)
{
    assert(q > 0 && q <= 1);
    if (!n)
        return 0;
    qsort(s, n, sizeof *s, by_value);
    double total = 0, cum = 0;
    for (size_t i = 0; i < n; i++)
        total += s[i].w;
    for (size_t i = 0; i < n; i++) {
        cum += s[i].w;
        if (cum >= q * total * (1 - 1e-9)) /* float sums: a rank exactly reached counts */
            return s[i].v;
    }
    return s[n - 1].v;
}

double savings_share_above(const kt_sample *s, size_t n, double x)
{
    double total = 0, above = 0;
    for (size_t i = 0; i < n; i++) {
        total += s[i].w;
        if (s[i].v > x * (1 + 1e-7)) /* float samples: equal to the recommendation is not above it */
            above += s[i].w;
    }
    return total > 0 ? above / total : 0;
}

typedef struct group {
    kt_rs_rec rec;
    double run_h, req_cpu, use_cpu, req_ram, use_ram; /* hours, core-hours, byte-hours */
    double cost_cpu, cost_ram;                         /* request cost (efficiency weights) */
    double max_cpu, max_ram;
    int64_t first, last, latest_t;
    size_t off, n;
} group;

typedef struct samples {
    kt_sample *cpu_v, *cpu_pk, *ram_v, *ram_pk;
} samples;

typedef struct rs_ctx {
    const kt_dataset *ds;
    const kt_rs_params *p;
    kt_window w;
    uint32_t *cgroup;     /* container -> group, KT_NONE when filtered out */
    group *g;
    size_t n_groups;
    double *cpu_rate, *ram_rate; /* per node: hours-weighted $/core-h, $/GiB-h */
    kt_carbon_rates cr;
} rs_ctx;

/* Group key of a container: its controller, or the pod itself. */
static void group_key(const kt_dataset *ds, uint32_t c, kt_buf *b, const char **kind, uint32_t *ctrl)
{
    const ds_pod *p = &ds->pods[ds->containers[c].pod];
    *kind = strtab_get(&ds->strs, p->controller_kind), *ctrl = p->controller;
    if (!*strtab_get(&ds->strs, *ctrl))
        *kind = "pod", *ctrl = p->name;
    buf_reset(b);
    buf_printf(b, "%u/%u/%s/%u/%u", p->cluster, p->namespace_, *kind, *ctrl, ds->containers[c].name);
}

static void make_groups(rs_ctx *c)
{
    const kt_dataset *ds = c->ds;
    kt_strtab keys;
    kt_buf b = {0};
    size_t cap = 0;
    strtab_init(&keys);
    c->cgroup = xmalloc((ds->n_containers + 1) * sizeof *c->cgroup);
    for (uint32_t i = 0; i < ds->n_containers; i++) {
        kt_container_ref ref = {ds, i};
        c->cgroup[i] = KT_NONE;
        if (!filter_match(c->p->filter, container_field, &ref))
            continue;
        const char *kind;
        uint32_t ctrl;
        group_key(ds, i, &b, &kind, &ctrl);
        uint32_t id = strtab_intern(&keys, b.data) - 1; /* id 0 is "" */
        if (id == c->n_groups) {
            grow_array((void **)&c->g, &cap, c->n_groups, sizeof *c->g);
            group *g = &c->g[c->n_groups++];
            memset(g, 0, sizeof *g);
            const ds_pod *p = &ds->pods[ds->containers[i].pod];
            g->rec.cluster = strtab_get(&ds->strs, ds->clusters[p->cluster].name);
            g->rec.namespace_ = strtab_get(&ds->strs, p->namespace_);
            g->rec.controller_kind = kind, g->rec.controller = strtab_get(&ds->strs, ctrl);
            g->rec.container = strtab_get(&ds->strs, ds->containers[i].name);
            uint32_t tk = strtab_find(&ds->strs, c->p->team_label ? c->p->team_label : "team");
            g->rec.team = strtab_get(&ds->strs, tk == UINT32_MAX ? 0 : ds_pod_label(ds, p, tk, 0));
            g->first = INT64_MAX;
        }
        c->cgroup[i] = id;
    }
    strtab_free(&keys);
    buf_free(&b);
}

/* The group of a fact that counts (a filtered-out container or a fact
 * without running time has none). */
static group *fact_group(const rs_ctx *c, const ds_container_fact *f)
{
    uint32_t gi = c->cgroup[f->container];
    return gi == KT_NONE || f->seconds <= 0 ? NULL : &c->g[gi];
}

/* Pass 1: totals, span, newest request, sample counts. */
static void totals(rs_ctx *c)
{
    const kt_dataset *ds = c->ds;
    for (size_t i = 0; i < ds->n_cfacts; i++) {
        const ds_container_fact *f = &ds->cfacts[i];
        group *g = fact_group(c, f);
        if (!g)
            continue;
        double h = f->seconds / 3600.0;
        g->run_h += h, g->req_cpu += f->cpu_req, g->use_cpu += f->cpu_use;
        g->req_ram += f->ram_req, g->use_ram += f->ram_use;
        int64_t a = f->t > ds->start && ds->start < ds->end ? f->t : ds->start < ds->end ? ds->start : f->t;
        int64_t e = f->t + f->dur;
        if (ds->start < ds->end && e > ds->end) e = ds->end;
        if (a < g->first) g->first = a;
        if (e > g->last) g->last = e;
        if (f->t >= g->latest_t) {
            g->latest_t = f->t;
            g->rec.latest_cpu = f->cpu_req / h, g->rec.latest_ram = f->ram_req / h;
        }
        g->n++;
    }
}

/* Pass 2: samples into one CSR block. */
static void collect(rs_ctx *c, samples *s)
{
    const kt_dataset *ds = c->ds;
    size_t total = 0;
    for (size_t gi = 0; gi < c->n_groups; gi++)
        c->g[gi].off = total, total += c->g[gi].n, c->g[gi].n = 0;
    s->cpu_v = xmalloc((total + 1) * sizeof *s->cpu_v);
    s->cpu_pk = xmalloc((total + 1) * sizeof *s->cpu_pk);
    s->ram_v = xmalloc((total + 1) * sizeof *s->ram_v);
    s->ram_pk = xmalloc((total + 1) * sizeof *s->ram_pk);
    for (size_t i = 0; i < ds->n_cfacts; i++) {
        const ds_container_fact *f = &ds->cfacts[i];
        group *g = fact_group(c, f);
        if (!g)
            continue;
        double h = f->seconds / 3600.0;
        size_t at = g->off + g->n++;
        float w = (float)h;
        s->cpu_pk[at] = (kt_sample){(float)f->cpu_peak, w};
        s->ram_pk[at] = (kt_sample){(float)f->ram_peak, w};
        s->cpu_v[at] = (kt_sample){(float)(c->p->algo_cpu == RS_QUANTILE_AVG ? f->cpu_use / h : f->cpu_peak), w};
        s->ram_v[at] = (kt_sample){(float)(c->p->algo_ram == RS_QUANTILE_AVG ? f->ram_use / h : f->ram_peak), w};
    }
}

static double base_of(kt_sample *v, size_t n, enum kt_rs_algo algo, double q)
{
    if (algo != RS_MAX)
        return savings_quantile(v, n, q);
    double m = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].v > m) m = v[i].v;
    return m;
}

static void recommend(rs_ctx *c, samples *s)
{
    const kt_rs_params *p = c->p;
    for (size_t gi = 0; gi < c->n_groups; gi++) {
        group *g = &c->g[gi];
        kt_sample *cv = s->cpu_v + g->off, *rv = s->ram_v + g->off;
        double cpu = base_of(cv, g->n, p->algo_cpu, p->q_cpu) / p->target_cpu;
        double ram = base_of(rv, g->n, p->algo_ram, p->q_ram) / p->target_ram;
        /* what one would apply: whole millicores, whole MiB, never under the floors */
        cpu = ceil(cpu * 1000 - 1e-6) / 1000, ram = ceil(ram / MIB - 1e-6) * MIB;
        if (cpu < p->min_cpu_mcores / 1000) cpu = p->min_cpu_mcores / 1000;
        if (ram < p->min_ram_bytes) ram = p->min_ram_bytes;
        g->rec.rec_cpu = cpu, g->rec.rec_ram = ram;
        g->rec.risk_cpu = savings_share_above(s->cpu_pk + g->off, g->n, cpu);
        g->rec.risk_ram = savings_share_above(s->ram_pk + g->off, g->n, ram);
    }
}

/* Hours-weighted rates of each node over the dataset. */
static void node_rates(rs_ctx *c)
{
    const kt_dataset *ds = c->ds;
    double *hours = xcalloc(ds->n_nodes + 1, sizeof *hours);
    c->cpu_rate = xcalloc(ds->n_nodes + 1, sizeof *c->cpu_rate);
    c->ram_rate = xcalloc(ds->n_nodes + 1, sizeof *c->ram_rate);
    for (size_t i = 0; i < ds->n_nfacts; i++) {
        const ds_node_fact *f = &ds->nfacts[i];
        hours[f->node] += f->hours;
        c->cpu_rate[f->node] += f->cpu_price * f->hours, c->ram_rate[f->node] += f->ram_price * f->hours;
    }
    for (size_t n = 0; n < ds->n_nodes; n++)
        if (hours[n] > 0)
            c->cpu_rate[n] /= hours[n], c->ram_rate[n] /= hours[n];
    free(hours);
}

/* Pass 3: the difference priced where each fact ran, scaled to a month. */
static void price(rs_ctx *c)
{
    const kt_dataset *ds = c->ds;
    for (size_t i = 0; i < ds->n_cfacts; i++) {
        const ds_container_fact *f = &ds->cfacts[i];
        group *g = fact_group(c, f);
        if (!g)
            continue;
        uint32_t pod = ds->containers[f->container].pod, node = ds->pods[pod].node;
        if (node == KT_NONE)
            continue;
        double h = f->seconds / 3600.0, rc = c->cpu_rate[node], rr = c->ram_rate[node] / KT_GIB;
        double dc = (f->cpu_req - g->rec.rec_cpu * h) * rc, dr = (f->ram_req - g->rec.rec_ram * h) * rr;
        g->rec.save_cpu += dc, g->rec.save_ram += dr;
        g->rec.carbon_kg += (dc + dr) * c->cr.node_per_cost[node];
        g->cost_cpu += f->cpu_req * rc, g->cost_ram += f->ram_req * rr;
    }
    for (size_t gi = 0; gi < c->n_groups; gi++) {
        group *g = &c->g[gi];
        double obs = g->last > g->first ? (double)(g->last - g->first) / 3600.0 : 0;
        double m = obs > 0 ? KT_HOURS_PER_MONTH / obs : 0;
        g->rec.save_cpu *= m, g->rec.save_ram *= m, g->rec.carbon_kg *= m;
        g->rec.hours = obs;
        g->rec.replicas = obs > 0 ? g->run_h / obs : 0;
        g->rec.eff_cpu = g->req_cpu > 0 ? g->use_cpu / g->req_cpu : g->use_cpu > 0 ? 1 : 0;
        g->rec.eff_ram = g->req_ram > 0 ? g->use_ram / g->req_ram : g->use_ram > 0 ? 1 : 0;
        double wsum = g->cost_cpu + g->cost_ram;
        g->rec.eff_total = wsum > 0 ? (g->rec.eff_cpu * g->cost_cpu + g->rec.eff_ram * g->cost_ram) / wsum : 0;
    }
}

static double sort_key(const kt_rs_params *p, const kt_rs_rec *r)
{
    switch (p->sort_by) {
    case RS_SORT_EFFICIENCY: return r->eff_total;
    case RS_SORT_CPU_REC: return r->rec_cpu;
    case RS_SORT_CPU_LATEST: return r->latest_cpu;
    case RS_SORT_RAM_REC: return r->rec_ram;
    case RS_SORT_RAM_LATEST: return r->latest_ram;
    default: return rs_total_savings(r);
    }
}

static int by_key(const void *x, const void *y, void *ctx)
{
    const kt_rs_rec *a = x, *b = y;
    double ka = sort_key(ctx, a), kb = sort_key(ctx, b);
    int d = ka < kb ? -1 : ka > kb;
    if (!((const kt_rs_params *)ctx)->ascending) d = -d;
    if (d) return d;
    /* ties: a stable order by identity */
    if ((d = strcmp(a->cluster, b->cluster))) return d;
    if ((d = strcmp(a->namespace_, b->namespace_))) return d;
    if ((d = strcmp(a->controller_kind, b->controller_kind))) return d;
    if ((d = strcmp(a->controller, b->controller))) return d;
    return strcmp(a->container, b->container);
}

int savings_requests(const kt_dataset *ds, kt_window w, const kt_rs_params *p, kt_rs_result *out, kt_err *err)
{
    assert(ds && p && out);
    memset(out, 0, sizeof *out);
    out->ds = ds;
    if (!(p->target_cpu > 0 && p->target_cpu <= 1) || !(p->target_ram > 0 && p->target_ram <= 1))
        return kt_fail(err, KT_EINPUT, "targetCPUUtilization, targetRAMUtilization: must be in (0, 1]");
    if (!(p->q_cpu > 0 && p->q_cpu <= 1) || !(p->q_ram > 0 && p->q_ram <= 1))
        return kt_fail(err, KT_EINPUT, "qCPU, qRAM: must be in (0, 1]");
    rs_ctx c = {.ds = ds, .p = p, .w = w};
    samples s;
    make_groups(&c);
    totals(&c);
    collect(&c, &s);
    recommend(&c, &s);
    free(s.cpu_v), free(s.cpu_pk), free(s.ram_v), free(s.ram_pk);
    node_rates(&c);
    carbon_rates_build(ds, &c.cr);
    price(&c);
    out->items = xmalloc((c.n_groups + 1) * sizeof *out->items);
    for (size_t gi = 0; gi < c.n_groups; gi++)
        if (c.g[gi].run_h > 0) {
            out->items[out->n++] = c.g[gi].rec;
            double m = rs_total_savings(&c.g[gi].rec);
            out->total += m > 0 ? m : 0; /* what can be saved: undersized containers cost more, not less */
        }
    if (out->n > 1) /* (none: items may be NULL) */
        qsort_r(out->items, out->n, sizeof *out->items, by_key, (void *)p);
    snprintf(out->currency, sizeof out->currency, "%s",
             ds->n_clusters ? strtab_get(&ds->strs, ds->clusters[0].currency) : "USD");
    if (!out->currency[0])
        strcpy(out->currency, "USD");
    free(c.cgroup), free(c.g), free(c.cpu_rate), free(c.ram_rate);
    carbon_rates_free(&c.cr);
    return 0;
}

void rs_result_free(kt_rs_result *r)
{
    free(r->items);
    memset(r, 0, sizeof *r);
}

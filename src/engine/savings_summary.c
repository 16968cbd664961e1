/* savings_summary.c — every savings kind over one dataset, and the totals
 * per kind, cluster and team that `kubetally savings`, /savings and
 * /metrics show; see savings.h. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "engine/savings.h"
#include "util/buf.h"

const char *saving_kind_name(enum kt_saving_kind k)
{
    static const char *names[SK_COUNT] = {"requestSizing", "unclaimedVolumes", "orphanedLoadBalancers",
                                          "underusedNodes", "abandonedWorkloads", "spotCandidates",
                                          "persistentVolumeSizing"};
    return k < SK_COUNT ? names[k] : "";
}

void savings_params_init(kt_savings_params *p)
{
    memset(p, 0, sizeof *p);
    rs_params_init(&p->requests);
    p->abandoned_bytes_per_s = 500;
    p->abandoned_cpu_cores = 0.01;
    p->node_target = 0.8;
    p->spot_min_replicas = 2;
    p->headroom_pct = 10;
}

/* Add s to the total of (kind, key); kind is compared only when by_kind. */
static void add_to(kt_saving_total **t, size_t *n, const char *key, const kt_saving *s, int by_kind)
{
    size_t i = 0;
    while (i < *n && (strcmp((*t)[i].key, key) || (by_kind && (*t)[i].kind != s->kind)))
        i++;
    if (i == *n) {
        *t = xrealloc(*t, (*n + 1) * sizeof **t);
        (*t)[(*n)++] = (kt_saving_total){by_kind ? s->kind : SK_REQUESTS, key, 0, 0, 0};
    }
    (*t)[i].monthly += s->monthly, (*t)[i].carbon_kg += s->carbon_kg, (*t)[i].count++;
}

static int by_monthly(const void *x, const void *y)
{
    const kt_saving *a = x, *b = y;
    if (a->monthly != b->monthly)
        return a->monthly < b->monthly ? 1 : -1;
    int d = strcmp(a->cluster, b->cluster);
    return d ? d : strcmp(a->name, b->name);
}

static int total_desc(const void *x, const void *y)
{
    const kt_saving_total *a = x, *b = y;
    if (a->monthly != b->monthly)
        return a->monthly < b->monthly ? 1 : -1;
    return strcmp(a->key, b->key);
}

static void request_items(kt_savings_result *out, size_t *cap)
{
    for (size_t i = 0; i < out->requests.n; i++) {
        const kt_rs_rec *r = &out->requests.items[i];
        double m = rs_total_savings(r);
        if (m <= 0)
            continue;
        grow_array((void **)&out->items, cap, out->n, sizeof *out->items);
        out->items[out->n++] = (kt_saving){SK_REQUESTS, r->cluster, r->team, r->namespace_, r->controller, m,
                                           r->carbon_kg > 0 ? r->carbon_kg : 0,
                                           r->risk_cpu > r->risk_ram ? r->risk_cpu : r->risk_ram};
    }
}

static int volume_items(const kt_dataset *ds, const kt_savings_params *p, kt_savings_result *out, size_t *cap,
                        kt_err *err)
{
    kt_pv_params vp = {p->headroom_pct, p->team_label};
    kt_pv_result v;
    if (savings_volumes(ds, &vp, &v, err))
        return -1;
    for (size_t i = 0; i < v.n; i++) {
        const kt_pv_rec *r = &v.items[i];
        if (r->savings <= 0)
            continue;
        grow_array((void **)&out->items, cap, out->n, sizeof *out->items);
        out->items[out->n++] = (kt_saving){SK_PV_SIZING, r->cluster, r->team, r->claim_ns, r->volume, r->savings,
                                           r->carbon_kg > 0 ? r->carbon_kg : 0, r->applied_bytes};
    }
    pv_result_free(&v);
    return 0;
}

/* One item per abandoned workload: its pods' monthly savings together. */
static int abandoned_items(const kt_dataset *ds, const kt_savings_params *p, kt_savings_result *out, size_t *cap,
                           kt_err *err)
{
    kt_ab_params ap = {p->abandoned_bytes_per_s, p->abandoned_cpu_cores, p->team_label};
    kt_ab_result a;
    if (savings_abandoned(ds, &ap, &a, err))
        return -1;
    size_t from = out->n;
    for (size_t i = 0; i < a.n; i++) {
        const kt_ab_pod *r = &a.items[i];
        const char *name = *r->owner ? r->owner : r->pod;
        kt_saving *s = NULL;
        if (r->monthly <= 0) /* positive savings only */
            continue;
        for (size_t j = from; j < out->n && !s; j++) /* a workload's pods: same cluster, namespace, owner */
            if (out->items[j].cluster == r->cluster && out->items[j].namespace_ == r->namespace_ &&
                out->items[j].name == name)
                s = &out->items[j];
        if (!s) {
            grow_array((void **)&out->items, cap, out->n, sizeof *out->items);
            s = &out->items[out->n++];
            *s = (kt_saving){SK_ABANDONED, r->cluster, r->team, r->namespace_, name, 0, 0, r->workload_bps};
        }
        s->monthly += r->monthly;
    }
    ab_result_free(&a);
    return 0;
}

int savings_all(const kt_dataset *ds, kt_window w, const kt_savings_params *p, kt_savings_result *out, kt_err *err)
{
    assert(ds && p && out);
    memset(out, 0, sizeof *out);
    out->ds = ds;
    kt_rs_params rp = p->requests;
    if (!rp.team_label)
        rp.team_label = p->team_label;
    if (savings_requests(ds, w, &rp, &out->requests, err))
        return -1;
    snprintf(out->currency, sizeof out->currency, "%s", out->requests.currency);
    size_t cap = 0;
    request_items(out, &cap);
    savings_orphans(ds, p, out, &cap);
    if (volume_items(ds, p, out, &cap, err) || abandoned_items(ds, p, out, &cap, err))
        return -1;
    if (out->n > 1) /* no items: out->items may be NULL, which qsort may not get */
        qsort(out->items, out->n, sizeof *out->items, by_monthly);
    for (int k = 0; k < SK_COUNT; k++)
        out->by_kind[k].key = saving_kind_name((enum kt_saving_kind)k), out->by_kind[k].kind = (enum kt_saving_kind)k;
    for (size_t i = 0; i < out->n; i++) {
        const kt_saving *s = &out->items[i];
        kt_saving_total *k = &out->by_kind[s->kind];
        k->monthly += s->monthly, k->carbon_kg += s->carbon_kg, k->count++;
        add_to(&out->by_cluster, &out->n_cluster, s->cluster, s, 0);
        add_to(&out->by_team, &out->n_team, s->team, s, 0);
        add_to(&out->by_kind_cluster, &out->n_kind_cluster, s->cluster, s, 1);
        out->total += s->monthly, out->total_carbon_kg += s->carbon_kg;
    }
    if (out->n_cluster > 1)
        qsort(out->by_cluster, out->n_cluster, sizeof *out->by_cluster, total_desc);
    if (out->n_team > 1)
        qsort(out->by_team, out->n_team, sizeof *out->by_team, total_desc);
    return 0;
}

void savings_result_free(kt_savings_result *r)
{
    rs_result_free(&r->requests);
    free(r->items), free(r->by_cluster), free(r->by_team), free(r->by_kind_cluster);
    memset(r, 0, sizeof *r);
}

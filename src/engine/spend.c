/* spend.c — many filters' spend in one allocation pass; see spend.h. */
#include "engine/spend.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/strtab.h"
#include "util/time.h"

#define CLUSTER_FIELDS (1u << F_CLUSTER | 1u << F_PROVIDER | 1u << F_REGION)
#define NODE_FIELDS (CLUSTER_FIELDS | 1u << F_NODE)
#define NOT_ON_ROWS (1u << F_ZONE | 1u << F_SERVICES)

static const struct {
    enum kt_field field;
    enum kt_agg_prop prop;
} field_props[] = {
    {F_CLUSTER, A_CLUSTER}, {F_NODE, A_NODE}, {F_NAMESPACE, A_NAMESPACE}, {F_CONTROLLER, A_CONTROLLER},
    {F_CONTROLLER_KIND, A_CONTROLLER_KIND}, {F_CONTAINER, A_CONTAINER}, {F_POD, A_POD},
    {F_PROVIDER, A_PROVIDER}, {F_REGION, A_REGION},
};

/* The grouping that keeps every property the filters read; n = 0 (one
 * row per container, every property kept) when more than KT_MAX_AGG. */
static void grouping(const kt_filter *const *filters, size_t n, unsigned mask, kt_aggregate *agg)
{
    memset(agg, 0, sizeof *agg);
    for (size_t i = 0; i < sizeof field_props / sizeof *field_props; i++)
        if (mask & (1u << field_props[i].field)) {
            if (agg->n == KT_MAX_AGG)
                goto per_container;
            agg->props[agg->n++] = field_props[i].prop;
        }
    for (int ann = 0; ann < 2; ann++) {
        const char *keys[KT_MAX_AGG + 1];
        size_t nk = 0;
        for (size_t i = 0; i < n; i++)
            nk = filter_keys(filters[i], ann ? F_ANNOTATION : F_LABEL, keys, nk, KT_MAX_AGG + 1);
        for (size_t k = 0; k < nk; k++) {
            if (agg->n == KT_MAX_AGG || strlen(keys[k]) >= sizeof agg->keys[0])
                goto per_container;
            agg->props[agg->n] = ann ? A_ANNOTATION : A_LABEL;
            strcpy(agg->keys[agg->n++], keys[k]);
        }
    }
    if (!agg->n) /* no filter reads anything: one row per cluster */
        agg->props[agg->n++] = A_CLUSTER;
    return;
per_container:
    memset(agg, 0, sizeof *agg);
}

typedef struct row_ctx {
    const kt_alloc *a;
    const kt_strtab *s;
} row_ctx;

static const char *kv_find(const kt_strtab *s, const kt_kvpair *kv, size_t n, const char *key)
{
    uint32_t k = strtab_find(s, key);
    for (size_t i = 0; k != UINT32_MAX && i < n; i++)
        if (kv[i].key == k)
            return strtab_get(s, kv[i].value);
    return "";
}

static const char *row_get(void *vp, enum kt_field f, const char *key, int idx)
{
    row_ctx *c = vp;
    const kt_alloc *a = c->a;
    if (idx > 0)
        return NULL;
    switch (f) {
    case F_CLUSTER: return strtab_get(c->s, a->cluster);
    case F_NODE: return strtab_get(c->s, a->node);
    case F_NAMESPACE: return strtab_get(c->s, a->namespace_);
    case F_CONTROLLER: return strtab_get(c->s, a->controller);
    case F_CONTROLLER_KIND: return strtab_get(c->s, a->controller_kind);
    case F_CONTAINER: return strtab_get(c->s, a->container);
    case F_POD: return strtab_get(c->s, a->pod);
    case F_PROVIDER: return strtab_get(c->s, a->provider);
    case F_REGION: return strtab_get(c->s, a->region);
    case F_LABEL: return kv_find(c->s, a->labels, a->n_labels, key);
    case F_ANNOTATION: return kv_find(c->s, a->anns, a->n_anns, key);
    default: return "";
    }
}

static int row_matches(const kt_alloc *a, const kt_strtab *s, const kt_filter *f)
{
    if (a->kind != AK_NORMAL && !filter_only_uses(f, a->node ? NODE_FIELDS : CLUSTER_FIELDS))
        return 0;
    row_ctx c = {a, s};
    return filter_match(f, row_get, &c);
}

/* Which filters each distinct row name matches: computed when the name is
 * first seen (a name stands for the same properties in every set). */
typedef struct matches {
    kt_strtab names;
    uint32_t **lists; /* [name id] → filter indices, ended by UINT32_MAX */
    size_t cap;
} matches;

static const uint32_t *row_filters(matches *m, const kt_alloc *a, const kt_strtab *s,
                                   const kt_filter *const *filters, size_t n)
{
    uint32_t id = strtab_intern(&m->names, a->name ? a->name : "");
    grow_array((void **)&m->lists, &m->cap, id, sizeof *m->lists);
    if (!m->lists[id]) {
        uint32_t *l = xmalloc((n + 1) * sizeof *l);
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (!(filter_fields(filters[i]) & NOT_ON_ROWS) && row_matches(a, s, filters[i]))
                l[k++] = (uint32_t)i;
        l[k] = UINT32_MAX;
        m->lists[id] = l;
    }
    return m->lists[id];
}

/* One pass: every filter's total (and daily values when `daily`). */
static int shared_pass(const kt_dataset *ds, kt_alloc_query *dq, const kt_filter *const *filters, size_t n,
                       double *total, double *daily, kt_err *err)
{
    kt_alloc_result r;
    if (alloc_compute(ds, dq, &r, err))
        return -1;
    matches m = {0};
    strtab_init(&m.names);
    for (size_t d = 0; d < r.n; d++)
        for (size_t i = 0; i < r.sets[d].n; i++) {
            const kt_alloc *a = &r.sets[d].items[i];
            double c = alloc_total(a);
            for (const uint32_t *l = row_filters(&m, a, &ds->strs, filters, n); *l != UINT32_MAX; l++) {
                total[*l] += c;
                if (daily)
                    daily[(size_t)*l * r.n + d] += c;
            }
        }
    for (size_t i = 0; i < m.cap; i++)
        free(m.lists[i]);
    free(m.lists);
    strtab_free(&m.names);
    alloc_result_free(&r);
    return 0;
}

/* Filters the shared pass cannot serve, one allocation each. */
static int one_by_one(const kt_dataset *ds, kt_alloc_query *dq, const kt_filter *const *filters, size_t n,
                      double *total, double *daily, size_t nd, kt_err *err)
{
    for (size_t i = 0; i < n; i++) {
        if (!(filter_fields(filters[i]) & NOT_ON_ROWS))
            continue;
        kt_alloc_result r;
        dq->filter = filters[i];
        int rc = alloc_compute(ds, dq, &r, err);
        dq->filter = NULL;
        if (rc)
            return -1;
        for (size_t d = 0; d < r.n; d++)
            for (size_t k = 0; k < r.sets[d].n; k++) {
                double c = alloc_total(&r.sets[d].items[k]);
                total[i] += c;
                if (daily && d < nd)
                    daily[i * nd + d] += c;
            }
        alloc_result_free(&r);
    }
    return 0;
}

int spend_compute(const kt_dataset *ds, const kt_alloc_query *q, const kt_filter *const *filters, size_t n,
                  int days, kt_spend_result *out, kt_err *err)
{
    assert(ds && q && (filters || !n) && out);
    memset(out, 0, sizeof *out);
    if (days < 0 || days > KT_FORECAST_MAX_DAYS)
        return kt_fail(err, KT_EINPUT, "days: 0 to %d", KT_FORECAST_MAX_DAYS);
    if (days && (q->window.start != day_floor(q->window.start) || q->window.end != day_floor(q->window.end)))
        return kt_fail(err, KT_EINPUT, "window: a forecast learns from whole UTC days (midnight to midnight)");
    unsigned mask = 0, all = 0;
    for (size_t i = 0; i < n; i++)
        all |= filter_fields(filters[i]);
    mask = all & ~NOT_ON_ROWS;
    kt_alloc_query dq = *q;
    dq.filter = NULL, dq.accumulate = 0, dq.step = days ? 86400 : 0;
    grouping(filters, n, mask, &dq.agg);
    size_t nd = days ? (size_t)((q->window.end - q->window.start) / 86400) : 0;
    out->n = n;
    out->total = xcalloc(n ? n : 1, sizeof *out->total);
    size_t cells = n * nd;
    double *daily = nd ? xcalloc(cells ? cells : 1, sizeof *daily) : NULL;
    int rc = shared_pass(ds, &dq, filters, n, out->total, daily, err) ||
             one_by_one(ds, &dq, filters, n, out->total, daily, nd, err);
    out->shared_pass = !(all & NOT_ON_ROWS);
    if (!rc && days) {
        out->forecast = xcalloc(n ? n : 1, sizeof *out->forecast);
        for (size_t i = 0; i < n; i++) {
            char key[24];
            snprintf(key, sizeof key, "%zu", i);
            forecast_series_fit(&out->forecast[i], key, daily + i * nd, nd, q->window, days, 0);
        }
    }
    out->daily = daily, out->n_days = nd;
    if (rc)
        spend_result_free(out);
    return rc ? -1 : 0;
}

void spend_result_free(kt_spend_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; r->forecast && i < r->n; i++)
        forecast_series_free(&r->forecast[i]);
    free(r->forecast);
    free(r->daily);
    free(r->total);
    memset(r, 0, sizeof *r);
}

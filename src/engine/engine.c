/* engine.c — the query entry point; see engine.h.
 *
 * Questions are grouped by what they need read: the same window at the
 * same resolution shares one dataset.  Everything is checked against the
 * limits before the store is touched, so a hostile question costs nothing. */
#include "engine/engine.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/query.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/log.h"

int engine_check_cost(const kt_engine_limits *lim, kt_window w, int64_t step, size_t containers, kt_err *err)
{
    assert(lim);
    int64_t span = w.end - w.start;
    if (span <= 0)
        return kt_fail(err, KT_EINPUT, "window: end must be after start");
    if (lim->max_window_s && span > lim->max_window_s)
        return kt_fail(err, KT_EINPUT, "window: %lld days is longer than this server allows (%lld days)",
                       (long long)(span / 86400), (long long)(lim->max_window_s / 86400));
    long steps = step > 0 ? (long)((span + step - 1) / step) : 1;
    if (lim->max_steps && steps > lim->max_steps)
        return kt_fail(err, KT_EINPUT, "step: %ld steps over the window; at most %ld (use a longer step or "
                       "a shorter window)", steps, lim->max_steps);
    if (lim->max_cells && containers && (double)containers * (double)steps > lim->max_cells)
        return kt_fail(err, KT_EINPUT, "window: %zu containers × %ld steps is more than this server computes in "
                       "one request; narrow the window or use a longer step", containers, steps);
    return 0;
}

/* What a question needs read: a window, whether hourly rows are needed,
 * and whether facts may come summed per thing (one set over the window). */
static void need(const kt_ask *a, kt_window *w, int *hourly, int *summed)
{
    *summed = 0;
    switch (a->kind) {
    case KT_ASK_FORECAST: /* daily steps over whole days: daily roll-ups, not summed */
        *w = a->alloc.window, *hourly = a->hourly;
        break;
    case KT_ASK_SPEND: /* one set (summed facts will do) or, with a forecast, daily steps */
        *w = a->alloc.window, *hourly = a->hourly, *summed = !a->hourly && !a->days;
        break;
    case KT_ASK_ALLOCATION:
        *w = a->alloc.window, *hourly = a->hourly || alloc_query_needs_hours(&a->alloc);
        *summed = !*hourly && (a->alloc.accumulate || a->alloc.step <= 0 || a->alloc.step >= w->end - w->start);
        break;
    case KT_ASK_ASSETS: *w = a->window, *hourly = a->hourly, *summed = !a->hourly; break;
    case KT_ASK_CLOUDCOST: *w = cloudcost_window(a->window), *hourly = 0, *summed = 1; break;
    case KT_ASK_FACTS: *w = a->window, *hourly = a->hourly; break;
    case KT_ASK_REQUEST_SIZING: /* hourly peaks for quantiles and risk */
    case KT_ASK_SAVINGS:
    case KT_ASK_CLUSTER_SIZING:
    case KT_ASK_VOLUME_SIZING:
    case KT_ASK_ABANDONED: *w = a->window, *hourly = 1; break;
    default: *w = a->window, *hourly = 0; break;
    }
}

static int64_t step_of(const kt_ask *a)
{
    if (a->kind == KT_ASK_FORECAST)
        return a->alloc.step == 3600 ? 3600 : 86400;
    if (a->kind == KT_ASK_SPEND && a->days)
        return 86400;
    return a->kind == KT_ASK_ALLOCATION && !a->alloc.accumulate ? a->alloc.step : 0;
}

/* Bit (1 << type) for each asset type named in a comma list; 0 ⇒ all. */
static int asset_type_mask(const char *types, unsigned *mask, kt_err *err)
{
    *mask = 0;
    for (const char *p = types; p && *p;) {
        size_t n = strcspn(p, ",");
        int found = 0;
        for (int t = AS_NODE; t <= AS_NETWORK; t++)
            if (n == strlen(asset_type_name(t)) && !strncasecmp(p, asset_type_name(t), n))
                *mask |= 1u << t, found = 1;
        if (!found && n)
            return kt_fail(err, KT_EINPUT, "filterTypes: unknown asset type '%.*s'; use Node, Disk, LoadBalancer, "
                           "ClusterManagement or Network", (int)(n > 64 ? 64 : n), p);
        p += n + (p[n] == ',');
    }
    return 0;
}

/* Keep the assets whose type is in mask (mixed groups are kept whole only
 * when mask is 0); the total follows. */
static void keep_types(kt_asset_result *r, unsigned mask)
{
    size_t k = 0;
    r->total = 0;
    for (size_t i = 0; i < r->n; i++) {
        kt_asset *a = &r->items[i];
        if (!a->mixed_type && (mask & (1u << a->type))) {
            r->total += a->cost;
            r->items[k++] = *a;
        } else {
            free(a->name);
        }
    }
    r->n = k;
}

static int assets_answer(const kt_dataset *ds, const kt_ask *a, kt_asset_result *out, kt_err *err)
{
    unsigned mask;
    if (asset_type_mask(a->types, &mask, err) || assets_compute(ds, a->window, a->aggregate, out, err))
        return -1;
    if (mask)
        keep_types(out, mask);
    return 0;
}

/* Refuse before loading: windows, steps, aggregates. */
static int validate(const kt_ask *asks, size_t n, const kt_engine_limits *lim, kt_err *err)
{
    for (size_t i = 0; i < n; i++) {
        kt_window w;
        int hourly, summed;
        need(&asks[i], &w, &hourly, &summed);
        if (engine_check_cost(lim, w, step_of(&asks[i]), 0, err))
            return -1;
        if (asks[i].kind == KT_ASK_CLOUDCOST && cloudcost_check_aggregate(asks[i].aggregate, err))
            return -1;
        if (asks[i].kind == KT_ASK_ASSETS) {
            kt_asset_result r;
            kt_dataset empty;
            ds_init(&empty);
            int rc = assets_answer(&empty, &asks[i], &r, err);
            if (!rc)
                assets_free(&r);
            ds_free(&empty);
            if (rc)
                return -1;
        }
    }
    return 0;
}

static size_t alloc_rows(const kt_alloc_result *r)
{
    size_t rows = 0;
    for (size_t i = 0; i < r->n; i++)
        rows += r->sets[i].n;
    return rows;
}

/* Spend so far + the run rate over the hours that have data × the hours
 * left after the newest data.  Using the hours with data (not the days
 * since the 1st) keeps a fleet that started mid-month from being projected
 * too low. */
static int project(const kt_dataset *ds, const kt_ask *a, kt_projection *p, kt_err *err)
{
    kt_asset_result r;
    if (assets_compute(ds, a->window, NULL, &r, err))
        return -1;
    memset(p, 0, sizeof *p);
    p->spent = r.total;
    assets_free(&r);
    for (size_t i = 0; i < ds->n_nfacts; i++) {
        const ds_node_fact *f = &ds->nfacts[i];
        if (f->t < a->window.start || f->t >= a->window.end)
            continue;
        if (!p->data_start || f->t < p->data_start) p->data_start = f->t;
        if (f->t + f->dur > p->data_end) p->data_end = f->t + f->dur;
    }
    if (p->data_start < a->window.start) p->data_start = a->window.start;
    double hours = (double)(p->data_end - p->data_start) / 3600;
    double left = (double)(a->month_end - p->data_end) / 3600;
    p->projected = p->spent + (hours > 0 && left > 0 ? p->spent / hours * left : 0);
    return 0;
}

static int answer_one(kt_store *s, const kt_dataset *ds, const kt_ask *a, const kt_engine_limits *lim,
                      kt_reply *r, kt_err *err)
{
    r->kind = a->kind;
    switch (a->kind) {
    case KT_ASK_ALLOCATION: {
        kt_alloc_query q = a->alloc;
        if (lim->max_results && (!q.max_results || q.max_results > lim->max_results))
            q.max_results = lim->max_results;
        if (engine_check_cost(lim, q.window, step_of(a), ds->n_containers, err))
            return -1;
        size_t est = lim->max_bytes ? engine_estimate_rows(ds, &q) : 0;
        if (est && est * KT_ALLOC_ROW_BYTES > lim->max_bytes)
            return kt_fail(err, KT_EINPUT, "aggregate: this answer would be about %zu rows (%zu MB), more than this "
                           "server sends at once (%zu MB); aggregate more coarsely (namespace, controller), filter, "
                           "use a longer step or a shorter window, or use the CLI",
                           est, est * KT_ALLOC_ROW_BYTES / 1000000, lim->max_bytes / 1000000);
        if (alloc_compute(ds, &q, &r->alloc, err))
            return -1;
        if (lim->max_rows && alloc_rows(&r->alloc) > lim->max_rows)
            return kt_fail(err, KT_EINPUT, "aggregate: %zu rows over %zu steps is more than this server returns "
                           "(%zu); aggregate more coarsely, filter, or use a longer step", alloc_rows(&r->alloc),
                           r->alloc.n, lim->max_rows);
        return 0;
    }
    case KT_ASK_ASSETS: return assets_answer(ds, a, &r->assets, err);
    case KT_ASK_FACTS: r->facts = ds; return 0;
    case KT_ASK_PROJECTION: return project(ds, a, &r->projection, err);
    case KT_ASK_CLOUDCOST: return cloudcost_compute(s, ds, a->window, a->aggregate, &r->cloud, err);
    case KT_ASK_REQUEST_SIZING:
        return savings_requests(ds, a->window, &a->requests, &r->requests, err);
    case KT_ASK_SAVINGS: return savings_all(ds, a->window, &a->savings, &r->savings, err);
    case KT_ASK_FORECAST:
        return engine_check_cost(lim, a->alloc.window, step_of(a), ds->n_containers, err) ||
               forecast_compute(ds, &a->alloc, a->days, a->backtest, a->holdout, lim->max_results, &r->forecast, err);
    case KT_ASK_SPEND:
        return spend_compute(ds, &a->alloc, a->filters, a->n_filters, a->days, &r->spend, err);
    case KT_ASK_CLUSTER_SIZING: return savings_cluster_sizing(ds, a->window, &a->clusters, &r->clusters, err);
    case KT_ASK_VOLUME_SIZING: return savings_volumes(ds, &a->volumes, &r->volumes, err);
    case KT_ASK_ABANDONED: return savings_abandoned(ds, &a->abandoned, &r->abandoned, err);
    }
    return kt_fail(err, KT_ERUNTIME, "engine: unknown question");
}

struct kt_engine_cache {
    struct cached {
        kt_window w;
        int hourly, summed;
        kt_dataset *ds;
    } *e;
    size_t n, cap;
};

kt_engine_cache *engine_cache_new(void) { return xcalloc(1, sizeof(kt_engine_cache)); }

void engine_cache_free(kt_engine_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        ds_free(c->e[i].ds);
        free(c->e[i].ds);
    }
    free(c->e);
    free(c);
}

/* The dataset answering question i: an earlier question's of the same
 * window and resolution, the cache's, or a new load (kept by the cache
 * when there is one, else by the answer). */
static kt_dataset *load_for(kt_store *s, const kt_ask *asks, size_t i, kt_dataset **ds_of, kt_answer *out,
                            kt_engine_cache *cache, kt_err *err)
{
    kt_window w;
    int hourly, summed;
    need(&asks[i], &w, &hourly, &summed);
    for (size_t j = 0; j < i; j++) {
        kt_window wj;
        int hj, sj;
        need(&asks[j], &wj, &hj, &sj);
        if (wj.start == w.start && wj.end == w.end && hj == hourly && sj == summed)
            return ds_of[j];
    }
    for (size_t k = 0; cache && k < cache->n; k++)
        if (cache->e[k].w.start == w.start && cache->e[k].w.end == w.end && cache->e[k].hourly == hourly &&
            cache->e[k].summed == summed)
            return cache->e[k].ds;
    kt_dataset *ds = xmalloc(sizeof *ds);
    double t0 = kt_mono_s();
    if (summed ? store_load_summed(s, w.start, w.end, ds, err) : store_load(s, w.start, w.end, hourly, ds, err)) {
        free(ds);
        return NULL;
    }
    /* KUBETALLY_LOG=debug: where a question's time goes */
    log_debug("engine: read [%lld, %lld) %s in %.1f ms: %zu containers, %zu facts", (long long)w.start,
              (long long)w.end, summed ? "summed" : hourly ? "hourly" : "daily", (kt_mono_s() - t0) * 1e3,
              ds->n_containers, ds->n_cfacts);
    if (cache) {
        grow_array((void **)&cache->e, &cache->cap, cache->n, sizeof *cache->e);
        cache->e[cache->n++] = (struct cached){w, hourly, summed, ds};
    } else {
        out->loads[out->n_loads++] = ds;
    }
    return ds;
}

int engine_ask(kt_store *s, const kt_ask *asks, size_t n, const kt_engine_limits *lim, kt_answer *out,
               kt_err *err)
{
    return engine_ask_cached(s, asks, n, lim, NULL, out, err);
}

int engine_ask_cached(kt_store *s, const kt_ask *asks, size_t n, const kt_engine_limits *lim, kt_engine_cache *cache,
                      kt_answer *out, kt_err *err)
{
    assert(s && asks && lim && out);
    memset(out, 0, sizeof *out);
    if (validate(asks, n, lim, err))
        return -1;
    out->replies = xcalloc(n ? n : 1, sizeof *out->replies);
    out->loads = xcalloc(n ? n : 1, sizeof *out->loads);
    kt_dataset **ds_of = xcalloc(n ? n : 1, sizeof *ds_of);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        kt_dataset *ds = ds_of[i] = load_for(s, asks, i, ds_of, out, cache, err);
        if (!ds) {
            rc = -1;
            break;
        }
        out->n = i + 1; /* reply i is freed with the answer even if it fails half-way */
        double t0 = kt_mono_s();
        rc = answer_one(s, ds, &asks[i], lim, &out->replies[i], err);
        log_debug("engine: question %zu computed in %.1f ms", i, (kt_mono_s() - t0) * 1e3);
    }
    free(ds_of);
    if (rc)
        engine_answer_free(out);
    return rc;
}

void engine_answer_free(kt_answer *a)
{
    for (size_t i = 0; i < a->n; i++) {
        alloc_result_free(&a->replies[i].alloc);
        if (a->replies[i].kind == KT_ASK_ASSETS)
            assets_free(&a->replies[i].assets);
        if (a->replies[i].kind == KT_ASK_CLOUDCOST)
            cloudcost_free(&a->replies[i].cloud);
        if (a->replies[i].kind == KT_ASK_REQUEST_SIZING)
            rs_result_free(&a->replies[i].requests);
        if (a->replies[i].kind == KT_ASK_SAVINGS)
            savings_result_free(&a->replies[i].savings);
        if (a->replies[i].kind == KT_ASK_FORECAST)
            forecast_result_free(&a->replies[i].forecast);
        if (a->replies[i].kind == KT_ASK_SPEND)
            spend_result_free(&a->replies[i].spend);
        if (a->replies[i].kind == KT_ASK_CLUSTER_SIZING)
            cs_result_free(&a->replies[i].clusters);
        if (a->replies[i].kind == KT_ASK_VOLUME_SIZING)
            pv_result_free(&a->replies[i].volumes);
        if (a->replies[i].kind == KT_ASK_ABANDONED)
            ab_result_free(&a->replies[i].abandoned);
    }
    for (size_t i = 0; i < a->n_loads; i++) {
        ds_free(a->loads[i]);
        free(a->loads[i]);
    }
    free(a->replies);
    free(a->loads);
    memset(a, 0, sizeof *a);
}

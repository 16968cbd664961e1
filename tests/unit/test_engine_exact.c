/* test_engine_exact.c — the money is the same however the question is
 * asked (issue "Exact at every resolution").  Demo fleets of several seeds
 * are written into real SQLite stores and asked through the engine's one
 * entry point (engine_ask), as the CLI and API do:
 *   - conservation: Σ rows (+ idle left out) = Σ assets (+ external cost)
 *     to a relative 1e-9, with every option, on windows that start at
 *     10:30 and cross midnight; no cost field negative;
 *   - resolution independence: each row's total from daily rows, from
 *     hourly rows, summed over --step 1h and over --step 1d, agree to 1e-9;
 *   - additivity: cost[a,c) = cost[a,b) + cost[b,c) for b on and off the hour;
 *   - window edges are prorated, never dropped; noon-to-noon daily steps
 *     equal the same days asked one by one;
 *   - shareTenancyCosts=false gives one __shared__ row holding every fee,
 *     and a cluster without a fee costs the same either way;
 *   - no pod holds more load-balancer hours than the balancer ran;
 *   - every asset row names the cluster, provider and region of its node,
 *     and an aggregated row whose members differ leaves the property empty;
 *   - absurd windows are refused with a message naming the window.
 * With KUBETALLY_TEST_PG=postgresql://… (a role that may create databases)
 * every property also runs on PostgreSQL, on a fresh database per seed,
 * and PostgreSQL's answers equal SQLite's to a relative 1e-9 (tests/
 * integration/postgres/run.sh starts a server and sets it). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "check.h"
#include "pg_fresh.h"
#include "demo/fleet.h"
#include "engine/engine.h"
#include "engine/query.h"
#include "format/format.h"
#include "store/store.h"

#define H 3600
#define D 86400
/* 2026-03-11T13:20:00Z: the fleets' history ends in this hour */
static const int64_t NOW = 1773187200 + 13 * H + 1200;
static const int64_t DAY0 = 1773187200; /* 2026-03-11T00:00:00Z, "today" */
static kt_store *store;
static const kt_engine_limits lim = {0, 0, 0, 0, 0, 0};

/* One allocation question: window [a, b), options as name=value pairs. */
static int ask_alloc(int64_t a, int64_t b, const char *agg, const char *const *opts, int64_t step, int hourly,
                     kt_answer *out)
{
    char win[64];
    snprintf(win, sizeof win, "%lld,%lld", (long long)a, (long long)b);
    kv p = {{"window", "aggregate"}, {win, agg}, 2};
    for (int i = 0; opts && opts[i]; i += 2) {
        p.k[p.n] = opts[i], p.v[p.n] = opts[i + 1];
        p.n++;
    }
    kt_ask q = {.kind = KT_ASK_ALLOCATION, .hourly = hourly};
    kt_query_holder h;
    kt_err err = {0};
    int rc = alloc_query_parse(kv_get, &p, NOW, &q.alloc, &h, &err);
    q.alloc.step = step;
    if (!rc)
        rc = engine_ask(store, &q, 1, &lim, out, &err);
    if (rc)
        fprintf(stderr, "ask %s %s: %s\n", win, agg, err.msg);
    query_holder_free(&h);
    return rc;
}

static double set_total(const kt_alloc_set *s)
{
    double t = 0;
    for (size_t i = 0; i < s->n; i++)
        t += alloc_total(&s->items[i]);
    return t;
}

/* Per-row totals over all sets of an answer, by row name. */
typedef struct totals {
    char name[64][160];
    double v[64];
    int n;
} totals;

static void add_total(totals *t, const char *name, double v)
{
    for (int i = 0; i < t->n; i++)
        if (!strcmp(t->name[i], name)) {
            t->v[i] += v;
            return;
        }
    if (t->n == 64)
        return;
    snprintf(t->name[t->n], sizeof t->name[t->n], "%s", name);
    t->v[t->n++] = v;
}

static totals row_totals(const kt_answer *a)
{
    totals t = {.n = 0};
    const kt_alloc_result *r = &a->replies[0].alloc;
    for (size_t s = 0; s < r->n; s++)
        for (size_t i = 0; i < r->sets[s].n; i++)
            add_total(&t, r->sets[s].items[i].name, alloc_total(&r->sets[s].items[i]));
    return t;
}

static double grand(const totals *t)
{
    double g = 0;
    for (int i = 0; i < t->n; i++)
        g += t->v[i];
    return g;
}

/* Every row of x equals the same row of y to a relative 1e-9 of the total. */
static int same_rows(const totals *x, const totals *y, const char *what)
{
    double scale = fabs(grand(x)) + 1e-300;
    int ok = 1;
    for (int i = 0; i < x->n; i++) {
        double other = 0;
        for (int j = 0; j < y->n; j++)
            if (!strcmp(x->name[i], y->name[j]))
                other = y->v[j];
        if (fabs(x->v[i] - other) > 1e-9 * scale) {
            fprintf(stderr, "%s: row %s %.12f vs %.12f\n", what, x->name[i], x->v[i], other);
            ok = 0;
        }
    }
    for (int j = 0; j < y->n; j++) { /* rows only y has must be ~0 */
        int found = 0;
        for (int i = 0; i < x->n; i++)
            found |= !strcmp(x->name[i], y->name[j]);
        if (!found && fabs(y->v[j]) > 1e-9 * scale) {
            fprintf(stderr, "%s: extra row %s %.12f\n", what, y->name[j], y->v[j]);
            ok = 0;
        }
    }
    return ok;
}

static const char *const opt_sets[][7] = {
    {NULL},
    {"shareIdle", "true", NULL},
    {"shareIdle", "true", "idleByNode", "true", NULL},
    {"idleByNode", "true", NULL},
    {"shareTenancyCosts", "false", NULL},
    {"idle", "false", NULL},
    {"shareNamespaces", "kube-system,monitoring", "shareSplit", "even", NULL},
    {"shareLabels", "team:platform", NULL},
    {"shareCost", "730", NULL},
};
#define N_OPTS (int)(sizeof opt_sets / sizeof *opt_sets)
/* Options whose shares ride on rows by the rows' weight over the set: per
 * row they depend on the step by design; their set totals do not. */
static int pooled(int o) { return o >= 6; }

static void no_negative(const kt_alloc_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        const kt_alloc *a = &s->items[i];
        const double f[] = {a->cpu_cost, a->ram_cost, a->gpu_cost, a->pv_cost, a->lb_cost, a->net_cost,
                            a->shared_cost, a->external_cost, a->cpu_core_hours, a->ram_byte_hours};
        for (size_t k = 0; k < sizeof f / sizeof *f; k++)
            if (f[k] < -1e-12) {
                fprintf(stderr, "negative field %zu of %s: %g\n", k, a->name, f[k]);
                CHECK(0);
            }
    }
}

TEST(conservation_with_every_option_and_odd_windows)
{
    const char *aggs[] = {"", "cluster", "namespace", "node", "label:team", "controller", "cluster,namespace"};
    /* 10:30 yesterday → 10:30 today (across midnight), a 30-minute window,
     * and the last 3 days on day boundaries */
    const int64_t win[][2] = {{DAY0 - D + 10 * H + 1800, DAY0 + 10 * H + 1800},
                              {DAY0 + 10 * H + 1800, DAY0 + 11 * H},
                              {DAY0 - 2 * D, DAY0 + D}};
    int sets = 0;
    for (size_t a = 0; a < sizeof aggs / sizeof *aggs; a++)
        for (size_t w = 0; w < sizeof win / sizeof *win; w++)
            for (int o = 0; o < N_OPTS; o++) {
                kt_answer ans;
                if (ask_alloc(win[w][0], win[w][1], aggs[a], opt_sets[o], 0, 0, &ans)) {
                    CHECK(0);
                    continue;
                }
                const kt_alloc_set *s = &ans.replies[0].alloc.sets[0];
                double want = s->assets_cost + s->external_cost, got = set_total(s) + s->idle_dropped;
                if (fabs(got - want) > 1e-9 * want) {
                    fprintf(stderr, "agg=%s w=%zu opt=%d: %.12f vs %.12f\n", aggs[a], w, o, got, want);
                    CHECK(0);
                }
                CHECK(want > 0);
                /* carbon (kg CO2e) is conserved the same way, except that idle
                 * shared by cluster moves at the cluster's kg-per-dollar, not its
                 * node's: there the set's total may move by the nodes' spread */
                double kg = s->carbon_dropped;
                for (size_t i = 0; i < s->n; i++)
                    kg += s->items[i].carbon_cost;
                double kg_tol = o == 1 ? 0.05 : 1e-9;
                if (!(s->assets_carbon > 0) || fabs(kg - s->assets_carbon) > kg_tol * s->assets_carbon) {
                    fprintf(stderr, "carbon agg=%s w=%zu opt=%d: %.12f vs %.12f\n", aggs[a], w, o, kg, s->assets_carbon);
                    CHECK(0);
                }
                no_negative(s);
                sets++;
                engine_answer_free(&ans);
            }
    CHECK(sets == 7 * 3 * N_OPTS);
}

/* From daily rows, from hourly rows, and summed over 1 h and 1 d steps. */
TEST(every_resolution_gives_the_same_money)
{
    const int64_t a = DAY0 - 2 * D, b = DAY0;
    for (int o = 0; o < N_OPTS; o++) {
        kt_answer daily, hourly, h1, d1;
        if (ask_alloc(a, b, "namespace", opt_sets[o], 0, 0, &daily) ||
            ask_alloc(a, b, "namespace", opt_sets[o], 0, 1, &hourly) ||
            ask_alloc(a, b, "namespace", opt_sets[o], H, 0, &h1) ||
            ask_alloc(a, b, "namespace", opt_sets[o], D, 0, &d1)) {
            CHECK(0);
            continue;
        }
        CHECK(h1.replies[0].alloc.n == 48 && d1.replies[0].alloc.n == 2);
        totals td = row_totals(&daily), th = row_totals(&hourly), t1 = row_totals(&h1), t2 = row_totals(&d1);
        CHECK(same_rows(&td, &th, "daily vs hourly rows"));
        if (!pooled(o)) {
            CHECK(same_rows(&td, &t1, "daily vs step 1h"));
            CHECK(same_rows(&td, &t2, "daily vs step 1d"));
        }
        CHECK_NEAR(grand(&t1), grand(&td), 1e-9 * grand(&td));
        CHECK_NEAR(grand(&t2), grand(&td), 1e-9 * grand(&td));
        engine_answer_free(&daily), engine_answer_free(&hourly), engine_answer_free(&h1), engine_answer_free(&d1);
    }
}

TEST(cost_is_additive_at_any_split)
{
    const int64_t a = DAY0 - D + 10 * H + 1800, c = DAY0 + 12 * H;
    const int64_t splits[] = {DAY0, DAY0 - D + 17 * H, DAY0 + 7 * H + 13 * 60, a + 60};
    kt_answer whole;
    if (ask_alloc(a, c, "cluster,namespace", NULL, 0, 0, &whole)) {
        CHECK(0);
        return;
    }
    totals tw = row_totals(&whole);
    for (size_t i = 0; i < sizeof splits / sizeof *splits; i++) {
        kt_answer x, y;
        if (ask_alloc(a, splits[i], "cluster,namespace", NULL, 0, 0, &x) ||
            ask_alloc(splits[i], c, "cluster,namespace", NULL, 0, 0, &y)) {
            CHECK(0);
            continue;
        }
        totals tx = row_totals(&x), ty = row_totals(&y);
        for (int k = 0; k < ty.n; k++)
            add_total(&tx, ty.name[k], ty.v[k]);
        char what[64];
        snprintf(what, sizeof what, "split at %lld", (long long)splits[i]);
        CHECK(same_rows(&tw, &tx, what));
        engine_answer_free(&x), engine_answer_free(&y);
    }
    engine_answer_free(&whole);
}

/* Hours are prorated uniformly: [10:30,11:00) is half of [10:00,11:00);
 * [10:30,12:30) is half of 10:00 + all of 11:00 + half of 12:00. */
TEST(window_edges_are_prorated_not_dropped)
{
    int64_t h10 = DAY0 + 10 * H;
    kt_answer half, hour10, hour11, hour12, two;
    if (ask_alloc(h10 + 1800, h10 + H, "", NULL, 0, 0, &half) || ask_alloc(h10, h10 + H, "", NULL, 0, 0, &hour10) ||
        ask_alloc(h10 + H, h10 + 2 * H, "", NULL, 0, 0, &hour11) ||
        ask_alloc(h10 + 2 * H, h10 + 3 * H, "", NULL, 0, 0, &hour12) ||
        ask_alloc(h10 + 1800, h10 + 2 * H + 1800, "", NULL, 0, 0, &two)) {
        CHECK(0);
        return;
    }
    double t_half = set_total(&half.replies[0].alloc.sets[0]), t10 = set_total(&hour10.replies[0].alloc.sets[0]);
    double t11 = set_total(&hour11.replies[0].alloc.sets[0]), t12 = set_total(&hour12.replies[0].alloc.sets[0]);
    CHECK(t_half > 0);
    CHECK_NEAR(t_half, t10 / 2, 1e-12 * t10);
    CHECK_NEAR(set_total(&two.replies[0].alloc.sets[0]), t10 / 2 + t11 + t12 / 2, 1e-9 * t11);
    engine_answer_free(&half), engine_answer_free(&hour10), engine_answer_free(&hour11);
    engine_answer_free(&hour12), engine_answer_free(&two);
    /* "30m" ends at the end of the current half hour: NOW's data is in it */
    kt_window w;
    kt_err err;
    CHECK(window_parse("30m", NOW, &w, &err) == 0);
    kt_answer m;
    if (!ask_alloc(w.start, w.end, "", NULL, 0, 0, &m)) {
        CHECK(set_total(&m.replies[0].alloc.sets[0]) > 0);
        engine_answer_free(&m);
    }
}

/* Two noon-to-noon days by --step 1d: each step is that day asked alone. */
TEST(daily_steps_off_midnight_land_in_their_step)
{
    int64_t a = DAY0 - 2 * D + 12 * H;
    kt_answer steps, first, second;
    if (ask_alloc(a, a + 2 * D, "namespace", NULL, D, 0, &steps) || ask_alloc(a, a + D, "namespace", NULL, 0, 0, &first) ||
        ask_alloc(a + D, a + 2 * D, "namespace", NULL, 0, 0, &second)) {
        CHECK(0);
        return;
    }
    const kt_alloc_result *r = &steps.replies[0].alloc;
    CHECK(r->n == 2);
    double s0 = set_total(&r->sets[0]), s1 = set_total(&r->sets[1]);
    CHECK_NEAR(s0, set_total(&first.replies[0].alloc.sets[0]), 1e-9 * s0);
    CHECK_NEAR(s1, set_total(&second.replies[0].alloc.sets[0]), 1e-9 * s1);
    engine_answer_free(&steps), engine_answer_free(&first), engine_answer_free(&second);
}

static double fee_assets(int64_t a, int64_t b)
{
    kt_ask q = {.kind = KT_ASK_ASSETS, .window = {a, b}, .aggregate = "type"};
    kt_answer ans;
    kt_err err;
    double fee = 0;
    if (engine_ask(store, &q, 1, &lim, &ans, &err))
        return -1;
    for (size_t i = 0; i < ans.replies[0].assets.n; i++)
        if (!strcmp(ans.replies[0].assets.items[i].name, "ClusterManagement"))
            fee = ans.replies[0].assets.items[i].cost;
    engine_answer_free(&ans);
    return fee;
}

static const kt_alloc *row(const kt_alloc_set *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->items[i].name, name))
            return &s->items[i];
    return NULL;
}

TEST(tenancy_off_gives_one_shared_row_and_no_leak)
{
    const int64_t a = DAY0 - 2 * D, b = DAY0;
    static const char *const off[] = {"shareTenancyCosts", "false", NULL};
    kt_answer on_a, off_a;
    if (ask_alloc(a, b, "cluster", NULL, 0, 0, &on_a) || ask_alloc(a, b, "cluster", off, 0, 0, &off_a)) {
        CHECK(0);
        return;
    }
    const kt_alloc_set *on = &on_a.replies[0].alloc.sets[0], *of = &off_a.replies[0].alloc.sets[0];
    int shared_rows = 0;
    for (size_t i = 0; i < of->n; i++)
        shared_rows += of->items[i].kind == AK_SHARED;
    CHECK(shared_rows == 1);
    double fee = fee_assets(a, b);
    CHECK(fee > 0);
    const kt_alloc *sh = row(of, "__shared__");
    if (sh) CHECK_NEAR(alloc_total(sh), fee, 1e-9 * fee);
    /* onprem-dc1 pays no fee: the same money either way */
    const kt_alloc *x = row(on, "onprem-dc1"), *y = row(of, "onprem-dc1");
    CHECK(x && y);
    if (x && y) CHECK_NEAR(alloc_total(x), alloc_total(y), 1e-12 * alloc_total(x));
    /* aws pays its EKS fee when tenancy is shared: the difference is its fee */
    engine_answer_free(&on_a), engine_answer_free(&off_a);
}

TEST(no_pod_holds_more_load_balancer_than_ran)
{
    const int64_t a = DAY0 - 2 * D, b = DAY0;
    kt_answer al;
    kt_ask q = {.kind = KT_ASK_ASSETS, .window = {a, b}, .aggregate = NULL};
    kt_answer as;
    kt_err err;
    if (ask_alloc(a, b, "pod", NULL, 0, 0, &al) || engine_ask(store, &q, 1, &lim, &as, &err)) {
        CHECK(0);
        return;
    }
    const kt_alloc_set *s = &al.replies[0].alloc.sets[0];
    const kt_asset_result *r = &as.replies[0].assets;
    int lbs = 0;
    for (size_t i = 0; i < r->n; i++) {
        const kt_asset *lb = &r->items[i];
        if (lb->type != AS_LB)
            continue;
        /* asset name "<cluster>/LoadBalancer/<ns>/<name>"; pods name it "<ns>/<name>" */
        const char *nm = strstr(lb->name, "/LoadBalancer/");
        const char *cl = strtab_get(&r->ds->strs, lb->cluster);
        double held = 0, cost = 0;
        for (size_t k = 0; k < s->n; k++)
            if (s->items[k].cluster && !strcmp(strtab_get(&al.replies[0].alloc.ds->strs, s->items[k].cluster), cl))
                for (size_t j = 0; j < s->items[k].n_lbs; j++)
                    if (nm && !strcmp(s->items[k].lbs[j].name, nm + 14))
                        held += s->items[k].lbs[j].hours, cost += s->items[k].lbs[j].cost;
        CHECK(held <= lb->hours * (1 + 1e-12));
        CHECK(cost <= lb->cost * (1 + 1e-12));
        lbs++;
    }
    CHECK(lbs > 0);
    engine_answer_free(&al), engine_answer_free(&as);
}

TEST(asset_rows_name_their_own_cluster)
{
    const int64_t a = DAY0 - 2 * D, b = DAY0;
    kt_ask q[2] = {{.kind = KT_ASK_ASSETS, .window = {a, b}}, {.kind = KT_ASK_ASSETS, .window = {a, b}, .aggregate = "type"}};
    kt_answer ans;
    kt_err err;
    if (engine_ask(store, q, 2, &lim, &ans, &err)) {
        CHECK(0);
        return;
    }
    const kt_asset_result *r = &ans.replies[0].assets;
    const kt_dataset *ds = r->ds;
    int nodes = 0;
    for (size_t i = 0; i < r->n; i++) {
        const kt_asset *x = &r->items[i];
        if (x->type != AS_NODE)
            continue;
        for (size_t n = 0; n < ds->n_nodes; n++)
            if (ds->nodes[n].name == x->node) {
                CHECK_STR(strtab_get(&ds->strs, x->cluster), strtab_get(&ds->strs, ds->clusters[ds->nodes[n].cluster].name));
                CHECK(x->provider == ds->nodes[n].provider && x->region == ds->nodes[n].region);
                CHECK(x->instance_type == ds->nodes[n].instance_type);
                char want[300];
                snprintf(want, sizeof want, "%s/Node/%s", strtab_get(&ds->strs, x->cluster), strtab_get(&ds->strs, x->node));
                CHECK_STR(x->name, want);
                nodes++;
            }
    }
    CHECK(nodes > 4);
    /* by type: every Node row mixes clusters and instance types: left empty */
    const kt_asset_result *t = &ans.replies[1].assets;
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->items[i].name, "Node")) {
            CHECK(t->items[i].cluster == 0 && t->items[i].instance_type == 0 && t->items[i].provider == 0);
        }
    engine_answer_free(&ans);
}

/* Whole-day questions read the day files; the same answer comes from rows. */
static void json_of(int64_t a, int64_t b, const char *agg, const char *const *opts, kt_buf *out)
{
    kt_answer ans;
    buf_reset(out);
    if (ask_alloc(a, b, agg, opts, 0, 0, &ans)) {
        CHECK(0);
        return;
    }
    kt_aggregate g;
    aggregate_parse(agg, &g, NULL);
    format_alloc_json(&ans, &g, out);
    engine_answer_free(&ans);
}

/* Same structure, same strings, numbers within a relative json_tol: 1e-12
 * (blocks add the same numbers in another order than the rows), 1e-9
 * between backends (each database sums in its own order), with 1e-12 of a
 * dollar allowed near zero there. */
static double json_tol = 1e-12, json_abs = 0;
static int same_json(const json_t *a, const json_t *b)
{
    if (json_is_number(a) && json_is_number(b)) {
        double x = json_number_value(a), y = json_number_value(b);
        return fabs(x - y) <= json_tol * fmax(fabs(x), fabs(y)) || fabs(x - y) <= json_abs;
    }
    if (json_typeof(a) != json_typeof(b))
        return 0;
    if (json_is_object(a)) {
        const char *k;
        json_t *v;
        if (json_object_size(a) != json_object_size(b))
            return 0;
        json_object_foreach((json_t *)a, k, v) if (!json_object_get(b, k) || !same_json(v, json_object_get(b, k))) return 0;
        return 1;
    }
    if (json_is_array(a)) {
        if (json_array_size(a) != json_array_size(b))
            return 0;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!same_json(json_array_get(a, i), json_array_get(b, i)))
                return 0;
        return 1;
    }
    return json_equal((json_t *)a, (json_t *)b);
}

static int same_answer(const kt_buf *x, const kt_buf *y)
{
    json_t *a = json_loadb(x->data, x->len, 0, NULL), *b = json_loadb(y->data, y->len, 0, NULL);
    int ok = a && b && same_json(a, b);
    json_decref(a), json_decref(b);
    return ok;
}

TEST(day_files_answer_like_the_rows)
{
    const char *aggs[] = {"namespace", "label:team", "cluster,node", "pod", ""};
    kt_buf x = {0}, y = {0};
    for (size_t i = 0; i < sizeof aggs / sizeof *aggs; i++)
        for (int o = 0; o < N_OPTS; o++) {
            unsetenv("KUBETALLY_NO_DAYFILES");
            json_of(DAY0 - 3 * D, DAY0 + D, aggs[i], opt_sets[o], &x);
            setenv("KUBETALLY_NO_DAYFILES", "1", 1);
            json_of(DAY0 - 3 * D, DAY0 + D, aggs[i], opt_sets[o], &y);
            unsetenv("KUBETALLY_NO_DAYFILES");
            CHECK(x.len > 100 && same_answer(&x, &y));
        }
    buf_free(&x), buf_free(&y);
}

/* Daily steps over whole days (what forecasts, budgets and anomaly rules
 * ask) are read from the day files one day at a time, not from the rows;
 * days before the fleet's history (no rows, no file) are simply empty. */
TEST(daily_steps_from_day_files_answer_like_the_rows)
{
    const char *aggs[] = {"namespace", "cluster,label:team", "controller"};
    kt_buf x = {0}, y = {0};
    for (size_t i = 0; i < sizeof aggs / sizeof *aggs; i++)
        for (int o = 0; o < N_OPTS; o++) {
            kt_aggregate g;
            aggregate_parse(aggs[i], &g, NULL);
            for (int rows = 0; rows < 2; rows++) {
                kt_answer ans;
                if (rows)
                    setenv("KUBETALLY_NO_DAYFILES", "1", 1);
                int rc = ask_alloc(DAY0 - 6 * D, DAY0, aggs[i], opt_sets[o], D, 0, &ans);
                unsetenv("KUBETALLY_NO_DAYFILES");
                CHECK(rc == 0 && ans.n == 1 && ans.replies[0].alloc.n == 6);
                if (rc)
                    continue;
                const kt_alloc_set *s0 = &ans.replies[0].alloc.sets[0];
                for (size_t k = 0; k < s0->n; k++) /* before the 3-day history: only an external shared cost */
                    CHECK(s0->items[k].kind == AK_SHARED);
                kt_buf *out = rows ? &y : &x;
                buf_reset(out);
                format_alloc_json(&ans, &g, out);
                engine_answer_free(&ans);
            }
            CHECK(x.len > 100 && same_answer(&x, &y));
        }
    buf_free(&x), buf_free(&y);
}

/* Damaged day and block files are not used: the answer comes from the rows.
 * Every file is cut to half its length, then one has a count scribbled over. */
TEST(damaged_day_files_fall_back_to_rows)
{
    kt_buf x = {0}, y = {0};
    json_of(DAY0 - 2 * D, DAY0 + D, "namespace", NULL, &x);
    char cmd[1400], path[1200];
    snprintf(cmd, sizeof cmd, "for f in %s.days/*; do truncate -s $(( $(stat -c %%s $f) / 2 )) $f; done",
             store_describe(store));
    CHECK(system(cmd) == 0);
    snprintf(path, sizeof path, "%s.days/%lld.ktd", store_describe(store), (long long)(DAY0 - D));
    FILE *f = fopen(path, "r+b");
    CHECK(f != NULL);
    if (f) {
        fseek(f, 100, SEEK_SET);
        fputs("\xff\xff\xff\xff\xff\xff\xff\xff", f);
        fclose(f);
    }
    json_of(DAY0 - 2 * D, DAY0 + D, "namespace", NULL, &y);
    CHECK(same_answer(&x, &y));
    buf_free(&x), buf_free(&y);
}

TEST(absurd_windows_are_refused)
{
    kt_window w;
    kt_err err;
    CHECK(window_parse("0,9223372036854775807", NOW, &w, &err) == -1 && strstr(err.msg, "window"));
    CHECK(window_parse("1,99999999999999999999999", NOW, &w, &err) == -1 && strstr(err.msg, "window"));
    CHECK(window_parse("-5,10", NOW, &w, &err) == -1);
    CHECK(window_parse("1767225600,1767312000", NOW, &w, &err) == 0);
    kt_engine_limits cli = {3660 * 86400LL, 10000, 0, 0, 0, 0};
    CHECK(engine_check_cost(&cli, (kt_window){0, 253402300799LL}, 0, 0, &err) == -1 && err.code == KT_EINPUT);
    CHECK(engine_check_cost(&cli, (kt_window){0, 30 * 86400}, 60, 0, &err) == -1 && strstr(err.msg, "step"));
}

static kt_store *sqlite_ref; /* the same seed on SQLite, while PostgreSQL runs */

/* PostgreSQL answers every question as SQLite does, with every option. */
TEST(postgres_answers_like_sqlite)
{
    const char *aggs[] = {"namespace", "label:team", "cluster,node", "pod", "controller", ""};
    int64_t windows[][2] = {{DAY0 - 3 * D, DAY0 + D}, {DAY0 - 2 * D + 10 * H + 1800, DAY0 - D + 3 * H}};
    kt_buf x = {0}, y = {0};
    kt_store *pg = store;
    json_tol = 1e-9, json_abs = 1e-12;
    for (size_t w = 0; w < 2; w++)
        for (size_t i = 0; i < sizeof aggs / sizeof *aggs; i++)
            for (int o = 0; o < N_OPTS; o++) {
                store = sqlite_ref;
                json_of(windows[w][0], windows[w][1], aggs[i], opt_sets[o], &x);
                store = pg;
                json_of(windows[w][0], windows[w][1], aggs[i], opt_sets[o], &y);
                CHECK(x.len > 100 && same_answer(&x, &y));
            }
    json_tol = 1e-12, json_abs = 0;
    buf_free(&x), buf_free(&y);
}

static int write_fleet(const char *dir, uint64_t seed)
{
    char url[600];
    snprintf(url, sizeof url, "sqlite:%s/demo-%llu.db", dir, (unsigned long long)seed);
    const char *pg = getenv("KUBETALLY_TEST_PG");
    if (dir == NULL) { /* PostgreSQL */
        char name[64];
        snprintf(name, sizeof name, "kt_exact_%d_%llu", (int)getpid(), (unsigned long long)seed);
        if (pg_fresh(pg, name, url, sizeof url))
            return -1;
    }
    kt_err err;
    kt_demo_stats st;
    kt_demo_opts o = {3, 120, seed, NOW, 1, NULL};
    kt_store *s;
    if (store_open(url, KT_STORE_CREATE, &s, &err) || demo_write(s, &o, &st, &err)) {
        fprintf(stderr, "demo: %s\n", err.msg);
        return -1;
    }
    store_close(s);
    return store_open(url, KT_STORE_READONLY, &store, &err);
}

int main(void)
{
    char dir[] = "/tmp/kt-test-exact-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        if (write_fleet(dir, seed))
            return 1;
        fprintf(stderr, "seed %llu\n", (unsigned long long)seed);
        RUN(conservation_with_every_option_and_odd_windows);
        RUN(every_resolution_gives_the_same_money);
        RUN(cost_is_additive_at_any_split);
        RUN(window_edges_are_prorated_not_dropped);
        RUN(daily_steps_off_midnight_land_in_their_step);
        RUN(tenancy_off_gives_one_shared_row_and_no_leak);
        RUN(no_pod_holds_more_load_balancer_than_ran);
        RUN(asset_rows_name_their_own_cluster);
        RUN(day_files_answer_like_the_rows);
        RUN(daily_steps_from_day_files_answer_like_the_rows);
        RUN(damaged_day_files_fall_back_to_rows);
        if (getenv("KUBETALLY_TEST_PG")) {
            sqlite_ref = store;
            if (write_fleet(NULL, seed))
                return 1;
            fprintf(stderr, "seed %llu on PostgreSQL\n", (unsigned long long)seed);
            RUN(conservation_with_every_option_and_odd_windows);
            RUN(every_resolution_gives_the_same_money);
            RUN(cost_is_additive_at_any_split);
            RUN(window_edges_are_prorated_not_dropped);
            RUN(daily_steps_off_midnight_land_in_their_step);
            RUN(tenancy_off_gives_one_shared_row_and_no_leak);
            RUN(no_pod_holds_more_load_balancer_than_ran);
            RUN(asset_rows_name_their_own_cluster);
            RUN(postgres_answers_like_sqlite);
            store_close(sqlite_ref);
        }
        store_close(store);
    }
    RUN(absurd_windows_are_refused);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {}
    return check_done();
}

/* budget_other.c — the spend of asset and cloud budgets (Kubecost's budget
 * types "asset" and "cloud"; see budget.h), asked through engine_ask.
 *
 * Asset budgets: every asset (node, disk, load balancer, management fee,
 * network) whose cluster, provider, region, node and type match the
 * values, over [period start, now).  Budgets sharing a period start share
 * one question; whole days are one question per start (day files) and
 * today so far one question for all.
 *
 * Cloud budgets: the bill's items (KT_ASK_CLOUDCOST, amortizedNetCost:
 * FOCUS EffectiveCost) whose provider, account, invoiceEntity, service,
 * category, region and tag match, over the period's days up to today
 * (cloud costs are daily).  One question per (start, tag key).
 *
 * Neither has a model forecast yet: the projection at the period's end is
 * the spend so far at its run rate (spend / time elapsed × period). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/budget.h"
#include "util/buf.h"
#include "util/time.h"

#define CLOUD_AGG "provider,account,invoiceEntityID,service,category,region"

/* Do the budget's values (categories ANDed, names ORed) hold for a thing
 * whose category c has the value get(c)? */
static int values_match(const kt_budget *b, const char *(*get)(const void *, const char *), const void *thing)
{
    const char *cat;
    const json_t *names;
    json_object_foreach(b->values, cat, names) {
        const char *v = get(thing, cat);
        int any = 0;
        size_t i;
        const json_t *n;
        json_array_foreach(names, i, n) any |= v && !strcmp(json_string_value(n), v);
        if (!any)
            return 0;
    }
    return 1;
}

typedef struct asset_ref {
    const kt_asset *a;
    const kt_strtab *s;
} asset_ref;

static const char *asset_get(const void *p, const char *cat)
{
    const asset_ref *r = p;
    const kt_asset *a = r->a;
    if (!strcmp(cat, "type"))
        return a->mixed_type ? NULL : asset_type_name(a->type);
    uint32_t id = !strcmp(cat, "cluster") ? a->cluster : !strcmp(cat, "provider") ? a->provider
                : !strcmp(cat, "region") ? a->region : !strcmp(cat, "node") ? a->node : 0;
    return strtab_get(r->s, id);
}

static const char *cloud_get(const void *p, const char *cat)
{
    const kt_cloud_item *c = p;
    static __thread char tag[200];
    if (!strcmp(cat, "provider")) return c->provider;
    if (!strcmp(cat, "account")) return c->account;
    if (!strcmp(cat, "invoiceEntity")) return c->invoice_entity;
    if (!strcmp(cat, "service")) return c->service;
    if (!strcmp(cat, "category")) return c->category;
    if (!strcmp(cat, "region")) return c->region;
    if (!strcmp(cat, "label")) {
        snprintf(tag, sizeof tag, "%s:%s", c->label_key, c->label_value);
        return tag;
    }
    return NULL;
}

static double assets_matching(const kt_budget *b, const kt_asset_result *r)
{
    double sum = 0;
    for (size_t i = 0; i < r->n; i++) {
        asset_ref ref = {&r->items[i], &r->ds->strs};
        if (values_match(b, asset_get, &ref))
            sum += r->items[i].cost;
    }
    return sum;
}

static double cloud_matching(const kt_budget *b, const kt_cloud_result *r)
{
    double sum = 0;
    for (size_t i = 0; i < r->n; i++)
        if (values_match(b, cloud_get, &r->items[i]))
            sum += r->items[i].effective;
    return sum;
}

/* A cloud budget's aggregate: the bill's fields, and its tag key if any. */
static void cloud_aggregate(const kt_budget *b, char *out, size_t n)
{
    const char *tag = json_string_value(json_array_get(json_object_get(b->values, "label"), 0));
    if (tag)
        snprintf(out, n, CLOUD_AGG ",label:%.*s", (int)strcspn(tag, ":"), tag);
    else
        snprintf(out, n, "%s", CLOUD_AGG);
}

/* Spend so far at its run rate until the period's end. */
static void run_rate(kt_budget_status *st, int64_t now)
{
    double elapsed = (double)(now - st->period.start), len = (double)(st->period.end - st->period.start);
    st->forecast = elapsed > 0 ? st->spend / elapsed * len : st->spend;
    st->forecast_lower = st->forecast_upper = st->forecast;
    st->has_forecast = 1;
}

int budgets_other_status(kt_store *s, const kt_budget *b, const size_t *idx, size_t n, int64_t now,
                         const kt_engine_limits *lim, kt_engine_cache *cache, kt_budget_status *out, kt_err *err)
{
    assert(s && (b || !n) && lim && out);
    if (!n)
        return 0;
    int64_t today = day_floor(now);
    /* per budget: its whole days (question 2k) and, for assets, today so far (question 1) */
    kt_ask *ask = xcalloc(2 * n + 2, sizeof *ask);
    char (*aggs)[200] = xcalloc(n, sizeof *aggs);
    size_t na = 1;
    ask[0] = (kt_ask){.kind = KT_ASK_ASSETS, .window = {today, now > today ? now : today + 1}};
    size_t *first = xcalloc(n, sizeof *first);
    for (size_t k = 0; k < n; k++) {
        const kt_budget *x = &b[idx[k]];
        kt_budget_status *st = &out[idx[k]];
        st->period = budget_period(x, now);
        int cloud = !strcmp(x->type, "cloud");
        if (cloud) {
            cloud_aggregate(x, aggs[k], sizeof aggs[k]);
            ask[na] = (kt_ask){.kind = KT_ASK_CLOUDCOST, .window = {st->period.start, now}, .aggregate = aggs[k]};
        } else {
            ask[na] = (kt_ask){.kind = KT_ASK_ASSETS, .window = {st->period.start, today}};
        }
        first[k] = st->period.start < today || cloud ? na++ : SIZE_MAX; /* a period starting today: no days yet */
    }
    kt_answer a;
    size_t base = now > today ? 0 : 1; /* at midnight there is no today so far: ask[0] is left out */
    int rc = na > base ? engine_ask_cached(s, ask + base, na - base, lim, cache, &a, err) : 0;
    if (!rc && na > base) {
        for (size_t k = 0; k < n; k++) {
            const kt_budget *x = &b[idx[k]];
            kt_budget_status *st = &out[idx[k]];
            if (!strcmp(x->type, "cloud")) {
                st->spend = cloud_matching(x, &a.replies[first[k] - base].cloud);
            } else {
                st->spend = first[k] != SIZE_MAX ? assets_matching(x, &a.replies[first[k] - base].assets) : 0;
                if (!base)
                    st->spend += assets_matching(x, &a.replies[0].assets);
            }
            run_rate(st, now);
        }
        engine_answer_free(&a);
    }
    free(first);
    free(aggs);
    free(ask);
    return rc ? -1 : 0;
}

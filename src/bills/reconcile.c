/* reconcile.c — bill_reconcile; see reconcile.h. */
#include "bills/reconcile.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bills/focus.h"
#include "store/bills.h"
#include "util/buf.h"
#include "util/strtab.h"
#include "util/time.h"

int bill_parse_metric(const char *s, enum kt_cost_metric *m, kt_err *err)
{
    static const struct { const char *name; enum kt_cost_metric m; } names[] = {
        {"EffectiveCost", KT_METRIC_EFFECTIVE}, {"AmortizedNetCost", KT_METRIC_EFFECTIVE},
        {"BilledCost", KT_METRIC_BILLED}, {"InvoicedCost", KT_METRIC_BILLED}, {"ListCost", KT_METRIC_LIST},
    };
    for (size_t i = 0; s && i < sizeof names / sizeof *names; i++)
        if (!strcasecmp(s, names[i].name)) {
            *m = names[i].m;
            return 0;
        }
    return kt_fail(err, KT_EINPUT, "--cost-metric '%.40s': use EffectiveCost, BilledCost or ListCost "
                   "(Kubecost: AmortizedNetCost, InvoicedCost, ListCost)", s ? s : "");
}

const char *bill_metric_name(enum kt_cost_metric m)
{
    return m == KT_METRIC_BILLED ? "BilledCost" : m == KT_METRIC_LIST ? "ListCost" : "EffectiveCost";
}

void bill_asset_key(int kind, const char *provider_id, char *buf, size_t n)
{
    assert(provider_id && buf && n);
    /* A Service's AWS load-balancer hostname is NAME-ID.REGION.elb.amazonaws.com
     * (or NAME-ID.elb.REGION… for an NLB); the bill names the ELB by NAME. */
    if (kind == KT_BILL_LB && strstr(provider_id, ".elb") && strstr(provider_id, "amazonaws.com")) {
        size_t len = strcspn(provider_id, ".");
        const char *dash = memrchr(provider_id, '-', len);
        snprintf(buf, n, "%.*s", (int)(dash ? (size_t)(dash - provider_id) : len), provider_id);
        for (char *p = buf; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        return;
    }
    focus_resource_key(provider_id, buf, n);
}

/* Billed sums of one asset-day (or scale-set day). */
typedef struct charge_sum {
    double billed, effective, list;
    double weight; /* scale-set days: Σ the members' estimates, to split by */
    char currency[8];
    int mixed;
} charge_sum;

typedef struct recon {
    kt_store *s;
    kt_strtab keys;       /* "kind:id:day" */
    charge_sum *sums;     /* by key id */
    size_t cap;
    kt_bill_asset_day *days;
    char **names;         /* cluster currency per day row */
    size_t n_days, days_cap;
    /* asset keys */
    char **akeys;
    int *akinds;
    int64_t *aids;
    size_t n_assets, assets_cap;
    kt_strtab groups;      /* scale-set keys */
    kt_u64map node_group;  /* node id → group id */
} recon;

static void add_key(recon *r, const char *key, int kind, int64_t id)
{
    if (r->n_assets == r->assets_cap) {
        r->assets_cap = r->assets_cap ? r->assets_cap * 2 : 256;
        r->akeys = xrealloc(r->akeys, r->assets_cap * sizeof *r->akeys);
        r->akinds = xrealloc(r->akinds, r->assets_cap * sizeof *r->akinds);
        r->aids = xrealloc(r->aids, r->assets_cap * sizeof *r->aids);
    }
    r->akeys[r->n_assets] = xstrdup(key);
    r->akinds[r->n_assets] = kind;
    r->aids[r->n_assets++] = id;
}

/* An Azure scale-set instance (…/virtualmachinescalesets/S/virtualmachines/N)
 * also answers to its scale set's key: Azure often bills the set as one
 * resource, which is then split among its instances by their estimates. */
static void add_group(recon *r, const char *key, int64_t node)
{
    const char *set = strstr(key, "/virtualmachinescalesets/"), *vm = set ? strstr(set, "/virtualmachines/") : NULL;
    if (!vm)
        return;
    char group[512];
    snprintf(group, sizeof group, "%.*s", (int)(vm - key), key);
    size_t before = r->groups.n;
    uint32_t g = strtab_intern(&r->groups, group);
    if (r->groups.n > before)
        add_key(r, group, KT_BILL_GROUP, g);
    u64map_put(&r->node_group, (uint64_t)node, g);
}

static int on_asset(void *ctx, const kt_bill_asset *a)
{
    recon *r = ctx;
    char key[512];
    bill_asset_key(a->kind, a->provider_id, key, sizeof key);
    if (!*key)
        return 0;
    add_key(r, key, a->kind, a->id);
    if (a->kind == KT_BILL_NODE)
        add_group(r, key, a->id);
    return 0;
}

static charge_sum *sum_for(recon *r, int kind, int64_t id, int64_t day, int add)
{
    char k[64];
    snprintf(k, sizeof k, "%d:%lld:%lld", kind, (long long)id, (long long)day);
    uint32_t i = add ? strtab_intern(&r->keys, k) : strtab_find(&r->keys, k);
    if (i == UINT32_MAX)
        return NULL;
    if (i >= r->cap) {
        size_t old = r->cap;
        grow_array((void **)&r->sums, &r->cap, i, sizeof *r->sums);
        memset(r->sums + old, 0, (r->cap - old) * sizeof *r->sums);
    }
    return &r->sums[i];
}

/* Split a charge among the UTC days its period covers. */
static int on_charge(void *ctx, const kt_bill_charge *c)
{
    recon *r = ctx;
    int64_t span = c->t1 - c->t0;
    for (int64_t day = day_floor(c->t0); day < c->t1 || day == day_floor(c->t0); day += 86400) {
        double part = 1;
        if (span > 0) {
            int64_t a = c->t0 > day ? c->t0 : day, b = c->t1 < day + 86400 ? c->t1 : day + 86400;
            part = (double)(b - a) / (double)span;
        }
        int64_t id = c->asset_id;
        uint32_t g;
        if (c->kind == KT_BILL_GROUP && (g = strtab_find(&r->groups, c->rkey)) != UINT32_MAX)
            id = g;
        charge_sum *s = sum_for(r, c->kind, id, day, 1);
        if (s->currency[0] && strcmp(s->currency, c->currency))
            s->mixed = 1;
        snprintf(s->currency, sizeof s->currency, "%s", c->currency);
        s->billed += c->billed * part, s->effective += c->effective * part, s->list += c->list * part;
        if (span <= 0)
            break;
    }
    return 0;
}

static int on_day(void *ctx, const kt_bill_asset_day *a)
{
    recon *r = ctx;
    if (r->n_days == r->days_cap) {
        r->days_cap = r->days_cap ? r->days_cap * 2 : 256;
        r->days = xrealloc(r->days, r->days_cap * sizeof *r->days);
        r->names = xrealloc(r->names, r->days_cap * sizeof *r->names);
    }
    r->days[r->n_days] = *a;
    r->names[r->n_days++] = xstrdup(*a->currency ? a->currency : "USD");
    return 0;
}

/* Each scale-set day's sums go to its instances with hours that day, in
 * proportion to their estimates. */
static void split_groups(recon *r)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < r->n_days; i++) {
            const kt_bill_asset_day *a = &r->days[i];
            uint64_t g;
            if (a->kind != KT_BILL_NODE || !u64map_get(&r->node_group, (uint64_t)a->id, &g))
                continue;
            double w = a->has_recon ? a->estimate : a->current;
            charge_sum *m = pass ? sum_for(r, KT_BILL_NODE, a->id, a->day, 1) : NULL; /* may move sums */
            charge_sum *gs = sum_for(r, KT_BILL_GROUP, (int64_t)g, a->day, 0);
            if (!gs)
                continue;
            if (!pass) {
                gs->weight += w;
                continue;
            }
            if (gs->weight <= 0)
                continue;
            double f = w / gs->weight;
            if (m->currency[0] && strcmp(m->currency, gs->currency))
                m->mixed = 1;
            snprintf(m->currency, sizeof m->currency, "%s", gs->currency);
            m->mixed |= gs->mixed;
            m->billed += gs->billed * f, m->effective += gs->effective * f, m->list += gs->list * f;
        }
}

static double metric_of(const charge_sum *c, enum kt_cost_metric m)
{
    return m == KT_METRIC_BILLED ? c->billed : m == KT_METRIC_LIST ? c->list : c->effective;
}

/* Reprice one asset-day to the bill, or back to its estimate. */
static int settle_day(recon *r, const kt_bill_asset_day *a, const char *currency, enum kt_cost_metric m,
                      kt_recon_stats *st, kt_err *err)
{
    const charge_sum *c = sum_for(r, a->kind, a->id, a->day, 0);
    double estimate = a->has_recon ? a->estimate : a->current;
    st->asset_days++;
    if (c && (c->mixed || strcasecmp(c->currency, currency))) {
        st->currency_mismatch++;
        c = NULL; /* never mix currencies: the day keeps (or gets back) its estimate */
    }
    if (!c) {
        if (!a->has_recon)
            return 0;
        st->restored++;
        return store_bill_unapply(r->s, a->kind, a->id, a->day, a->current > 0 ? estimate / a->current : 1, err);
    }
    if (a->current <= 0) {
        st->zero_estimate++; /* no price shape to scale: the day stays as it is */
        return 0;
    }
    double target = metric_of(c, m);
    if (target < 0)
        target = 0;
    kt_bill_recon rec = {a->kind, a->id, a->day, estimate, c->billed, c->effective, c->list, target, c->currency,
                         bill_metric_name(m)};
    st->reconciled++;
    st->estimate += estimate, st->applied += target;
    /* A day billed at 0 keeps its prices at 1e-12 of the estimate, not 0:
     * from exactly 0 no factor could bring back the estimate or a restated
     * bill's cost. */
    double scaled = target > 0 ? target : estimate * 1e-12;
    return store_bill_apply(r->s, &rec, scaled / a->current, err);
}

static void recon_free(recon *r)
{
    for (size_t i = 0; i < r->n_assets; i++)
        free(r->akeys[i]);
    for (size_t i = 0; i < r->n_days; i++)
        free(r->names[i]);
    free(r->akeys), free(r->akinds), free(r->aids), free(r->days), free(r->names), free(r->sums);
    strtab_free(&r->keys), strtab_free(&r->groups);
    u64map_free(&r->node_group);
}

int bill_reconcile_after_reprice(kt_store *s, int64_t lo, int64_t hi, kt_recon_stats *st, kt_err *err)
{
    char name[32];
    enum kt_cost_metric m = KT_METRIC_EFFECTIVE;
    int got = store_get_meta(s, "bill_cost_metric", name, sizeof name, err);
    if (got == 0) { /* no bill was ever imported: nothing to apply again */
        memset(st, 0, sizeof *st);
        return 0;
    }
    if (got < 0 || bill_parse_metric(name, &m, err) || store_bill_forget(s, lo, hi, err))
        return -1;
    return bill_reconcile(s, m, st, err);
}

int bill_reconcile(kt_store *s, enum kt_cost_metric m, kt_recon_stats *st, kt_err *err)
{
    assert(s && st);
    memset(st, 0, sizeof *st);
    if (store_set_meta(s, "bill_cost_metric", bill_metric_name(m), err))
        return -1;
    recon r = {.s = s};
    strtab_init(&r.keys), strtab_init(&r.groups);
    u64map_init(&r.node_group);
    int64_t lo, hi;
    /* Only days with asset rows (hourly or daily) that the bill or an
     * earlier reconciliation touches: the rest of a years-long bill is not
     * read. */
    int rc = store_bill_assets(s, on_asset, &r, err) ||
             store_bill_set_k8s(s, (const char *const *)r.akeys, r.akinds, r.aids, r.n_assets, err) ||
             store_bill_span(s, &lo, &hi, err);
    st->assets_keyed = (long)r.n_assets;
    if (!rc && hi > lo) {
        lo = day_floor(lo), hi = day_floor(hi - 1) + 86400;
        rc = store_bill_charges(s, lo, hi, on_charge, &r, err) || store_bill_asset_days(s, lo, hi, on_day, &r, err);
        if (!rc)
            split_groups(&r);
        for (size_t i = 0; !rc && i < r.n_days; i++)
            rc = settle_day(&r, &r.days[i], r.names[i], m, st, err);
    }
    recon_free(&r);
    return rc ? -1 : 0;
}

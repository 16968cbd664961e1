/* cloudcost.c — cloud costs, reconciliation and team totals over a
 * window; see cloudcost.h. */
#include "engine/cloudcost.h"

#include <assert.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/allocation.h"
#include "store/bills.h"
#include "util/buf.h"
#include "util/strtab.h"
#include "util/time.h"

enum prop { P_PROVIDER, P_ACCOUNT, P_INVOICE, P_SERVICE, P_CATEGORY, P_REGION, P_LABEL };

typedef struct spec {
    int n;
    enum prop props[8];
    char label[64]; /* one label key per aggregate: the Kubernetes label */
    char tag[64];   /* the bill tag that stands for it: label:LABEL=TAG, else LABEL */
} spec;

static int parse(const char *text, spec *sp, kt_err *err)
{
    static const struct { const char *name; enum prop p; } names[] = {
        {"provider", P_PROVIDER}, {"account", P_ACCOUNT}, {"accountID", P_ACCOUNT}, {"invoiceEntityID", P_INVOICE},
        {"service", P_SERVICE}, {"category", P_CATEGORY}, {"region", P_REGION}, {"regionID", P_REGION},
    };
    memset(sp, 0, sizeof *sp);
    if (!text || !*text)
        text = "provider,account,service,category,region";
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, ",");
        int ok = 0;
        if (len > 6 && (!strncmp(p, "label:", 6) || !strncmp(p, "label=", 6)) && len - 6 < sizeof sp->label &&
            !sp->label[0]) {
            snprintf(sp->label, sizeof sp->label, "%.*s", (int)(len - 6), p + 6);
            char *eq = strchr(sp->label, '=');
            if (eq) /* label:team=CostCenter: Kubernetes label team is bill tag CostCenter */
                *eq = 0;
            snprintf(sp->tag, sizeof sp->tag, "%s", eq ? eq + 1 : sp->label);
            if (!sp->label[0] || !sp->tag[0])
                return kt_fail(err, KT_EINPUT, "aggregate: label:KEY or label:LABEL=TAG needs both names");
            ok = sp->n < 8 ? (sp->props[sp->n++] = P_LABEL, 1) : 0;
        }
        for (size_t i = 0; !ok && i < sizeof names / sizeof *names; i++)
            if (strlen(names[i].name) == len && !strncasecmp(p, names[i].name, len) && sp->n < 8)
                sp->props[sp->n++] = names[i].p, ok = 1;
        if (!ok)
            return kt_fail(err, KT_EINPUT, "aggregate: unknown cloud-cost property '%.*s'; use provider, account, "
                           "invoiceEntityID, service, category, region or label:KEY (one label)",
                           (int)(len > 64 ? 64 : len), p);
        p += len + (p[len] == ',');
    }
    return 0;
}

int cloudcost_check_aggregate(const char *aggregate, kt_err *err)
{
    spec sp;
    return parse(aggregate, &sp, err);
}

kt_window cloudcost_window(kt_window w)
{
    kt_window d = {day_floor(w.start), day_floor(w.end)};
    if (d.end < w.end)
        d.end += 86400;
    return d;
}

double cloudcost_k8s_percent(double k8s, double total)
{
    return total != 0 ? k8s / total : 0;
}

/* The value of tag `key` in a canonical tags object: exactly, else AWS's
 * cost-allocation "user:key", else any case ("Team" on Azure). */
static void tag_value(const char *tags, const char *key, char *buf, size_t n)
{
    buf[0] = 0;
    json_t *j = json_loads(tags, 0, NULL), *v;
    char user[80];
    snprintf(user, sizeof user, "user:%s", key);
    const char *k;
    json_t *found = json_object_get(j, key);
    if (!json_is_string(found))
        found = json_object_get(j, user);
    if (!json_is_string(found))
        json_object_foreach(j, k, v)
            if (!strcasecmp(k, key) || !strcasecmp(k, user)) {
                found = v;
                break;
            }
    if (json_is_string(found))
        snprintf(buf, n, "%s", json_string_value(found));
    json_decref(j);
}

typedef struct acc {
    kt_cloud_result *r;
    const spec *sp;
    kt_strtab keys;
    kt_strtab currencies;
    kt_buf name;
} acc;

static const char *value_of(const kt_bill_sum *b, enum prop p, const char *label)
{
    switch (p) {
    case P_PROVIDER: return b->provider;
    case P_ACCOUNT: return *b->sub_account ? b->sub_account : b->account;
    case P_INVOICE: return b->account;
    case P_SERVICE: return b->service;
    case P_CATEGORY: return b->category;
    case P_REGION: return b->region;
    case P_LABEL: return label;
    }
    return "";
}

/* Keep a property only while every member agrees. */
static void share(char *field, size_t n, const char *v, int first)
{
    if (first)
        snprintf(field, n, "%s", v);
    else if (strcmp(field, v))
        field[0] = 0;
}

static int on_sum(void *ud, const kt_bill_sum *b)
{
    acc *a = ud;
    kt_cloud_result *r = a->r;
    char label[128] = "";
    if (a->sp->label[0])
        tag_value(b->tags, a->sp->tag, label, sizeof label);
    buf_reset(&a->name);
    for (int i = 0; i < a->sp->n; i++) {
        const char *v = value_of(b, a->sp->props[i], label);
        buf_printf(&a->name, "%s%s", i ? "/" : "", *v ? v : "__unallocated__");
    }
    buf_printf(&a->name, "\x1f%s", b->currency);
    strtab_intern(&a->currencies, b->currency);
    uint32_t id = strtab_intern(&a->keys, a->name.data) - 1; /* id 0 is "" */
    int first = id >= r->n;
    if (first) {
        grow_array((void **)&r->items, &r->cap, id, sizeof *r->items);
        memset(&r->items[id], 0, sizeof r->items[id]);
        r->items[id].name = xstrdup(a->name.data);
        r->n = id + 1;
    }
    kt_cloud_item *it = &r->items[id];
    share(it->provider, sizeof it->provider, b->provider, first);
    share(it->account, sizeof it->account, value_of(b, P_ACCOUNT, ""), first);
    share(it->invoice_entity, sizeof it->invoice_entity, b->account, first);
    share(it->service, sizeof it->service, b->service, first);
    share(it->category, sizeof it->category, b->category, first);
    share(it->region, sizeof it->region, b->region, first);
    share(it->label_value, sizeof it->label_value, label, first);
    snprintf(it->label_key, sizeof it->label_key, "%s", a->sp->label);
    snprintf(it->currency, sizeof it->currency, "%s", b->currency);
    it->list += b->list, it->billed += b->billed, it->effective += b->effective;
    if (b->k8s)
        it->list_k8s += b->list, it->billed_k8s += b->billed, it->effective_k8s += b->effective;
    r->has_bill = 1;
    return 0;
}

/* Item names: the key, with "/CUR" only when several currencies are seen. */
static void finish_names(acc *a)
{
    kt_cloud_result *r = a->r;
    for (size_t i = 1; i < a->currencies.n; i++)
        snprintf(r->currencies + strlen(r->currencies), sizeof r->currencies - strlen(r->currencies), "%s%s",
                 i > 1 ? "," : "", strtab_get(&a->currencies, (uint32_t)i));
    int several = a->currencies.n > 2;
    for (size_t i = 0; i < r->n; i++) {
        char *sep = strchr(r->items[i].name, '\x1f');
        if (several)
            *sep = '/';
        else
            *sep = 0;
    }
}

static size_t find_label(const kt_cloud_result *r, const char *value, const char *currency)
{
    for (size_t k = 0; k < r->n; k++) {
        const char *v = r->items[k].label_value[0] ? r->items[k].label_value : "__unallocated__";
        if (!strcmp(v, value) && !strcasecmp(r->items[k].currency, currency))
            return k;
    }
    return r->n;
}

/* Label aggregate: each label value's Kubernetes allocation beside its
 * cloud cost; teams with no cloud cost get an item of their own. */
static int add_allocation(acc *a, const kt_dataset *ds, kt_window w, kt_err *err)
{
    kt_cloud_result *r = a->r;
    kt_alloc_query q;
    alloc_query_init(&q);
    q.window = w, q.now = w.end;
    char agg[80];
    snprintf(agg, sizeof agg, "label:%s", a->sp->label);
    kt_alloc_result ar;
    if (aggregate_parse(agg, &q.agg, err) || alloc_compute(ds, &q, &ar, err))
        return -1;
    for (size_t s = 0; s < ar.n; s++) {
        snprintf(r->alloc_currency, sizeof r->alloc_currency, "%s", ar.sets[s].currency);
        for (size_t i = 0; i < ar.sets[s].n; i++) {
            const kt_alloc *al = &ar.sets[s].items[i];
            if (al->kind != AK_NORMAL)
                continue;
            size_t k = find_label(r, al->name, r->alloc_currency);
            if (k == r->n) {
                grow_array((void **)&r->items, &r->cap, k, sizeof *r->items);
                memset(&r->items[k], 0, sizeof r->items[k]);
                r->items[k].name = xstrdup(al->name);
                snprintf(r->items[k].label_key, sizeof r->items[k].label_key, "%s", a->sp->label);
                snprintf(r->items[k].label_value, sizeof r->items[k].label_value, "%s", al->name);
                snprintf(r->items[k].currency, sizeof r->items[k].currency, "%s", r->alloc_currency);
                r->n++;
            }
            r->items[k].has_alloc = 1;
            r->items[k].alloc += alloc_total(al);
        }
    }
    alloc_result_free(&ar);
    for (size_t k = 0; k < r->n; k++)
        r->items[k].has_alloc = 1; /* a label value with no pods has 0 allocated */
    return 0;
}

static const char *const kind_names[] = {"node", "disk", "loadbalancer"};

static kt_recon_asset *recon_slot(kt_cloud_result *r, const char *cluster, const char *provider, int kind,
                                  const char *name, int matched)
{
    for (size_t i = 0; i < r->n_recon; i++) {
        kt_recon_asset *x = &r->recon[i];
        if (x->matched == matched && !strcmp(x->cluster, cluster) && !strcmp(x->kind, kind_names[kind]) &&
            !strcmp(x->name, name))
            return x;
    }
    grow_array((void **)&r->recon, &r->recon_cap, r->n_recon, sizeof *r->recon);
    kt_recon_asset *x = &r->recon[r->n_recon++];
    memset(x, 0, sizeof *x);
    snprintf(x->cluster, sizeof x->cluster, "%s", cluster);
    snprintf(x->provider, sizeof x->provider, "%s", provider);
    snprintf(x->kind, sizeof x->kind, "%s", kind_names[kind]);
    snprintf(x->name, sizeof x->name, "%s", name);
    x->matched = matched;
    return x;
}

static int on_recon(void *ud, const kt_bill_recon *b, const char *cluster, const char *provider, const char *name)
{
    kt_cloud_result *r = ud;
    kt_recon_asset *x = recon_slot(r, cluster, provider, b->kind, name, 1);
    snprintf(x->currency, sizeof x->currency, "%s", b->currency);
    x->estimate += b->estimate, x->applied += b->applied, x->billed += b->billed;
    x->effective += b->effective, x->list += b->list, x->days++;
    return 0;
}

typedef struct unmatched_ctx {
    kt_cloud_result *r;
    kt_strtab billed; /* "provider day" of the days each provider's bill covers */
} unmatched_ctx;

static void billed_key(char *k, size_t n, const char *provider, int64_t day)
{
    snprintf(k, n, "%s %lld", provider, (long long)day);
}

static int on_billed_day(void *ud, const char *provider, int64_t day)
{
    unmatched_ctx *u = ud;
    char k[96];
    billed_key(k, sizeof k, provider, day);
    strtab_intern(&u->billed, k);
    return 0;
}

/* Asset-days the provider's bill covers but does not name. */
static int on_day(void *ud, const kt_bill_asset_day *d)
{
    unmatched_ctx *u = ud;
    char k[96];
    billed_key(k, sizeof k, d->provider, d->day);
    if (d->has_recon || strtab_find(&u->billed, k) == UINT32_MAX)
        return 0;
    kt_recon_asset *x = recon_slot(u->r, d->cluster, d->provider, d->kind, d->name, 0);
    snprintf(x->currency, sizeof x->currency, "%s", *d->currency ? d->currency : "USD");
    x->estimate += d->current, x->days++;
    return 0;
}

static int by_cost(const void *pa, const void *pb)
{
    const kt_cloud_item *a = pa, *b = pb;
    double ca = a->effective + a->alloc, cb = b->effective + b->alloc;
    return ca < cb ? 1 : ca > cb ? -1 : strcmp(a->name, b->name);
}

int cloudcost_compute(kt_store *s, const kt_dataset *ds, kt_window w, const char *aggregate, kt_cloud_result *out,
                      kt_err *err)
{
    assert(s && out && w.end > w.start);
    memset(out, 0, sizeof *out);
    w = cloudcost_window(w);
    out->window = w;
    spec sp;
    if (parse(aggregate, &sp, err))
        return -1;
    acc a = {.r = out, .sp = &sp};
    strtab_init(&a.keys), strtab_init(&a.currencies);
    int rc = store_bill_sums(s, w.start, w.end, on_sum, &a, err);
    if (!rc)
        finish_names(&a);
    if (!rc && sp.label[0] && sp.n == 1 && ds)
        rc = add_allocation(&a, ds, w, err);
    unmatched_ctx u = {.r = out};
    strtab_init(&u.billed);
    if (!rc)
        rc = store_bill_recons(s, day_floor(w.start), w.end, on_recon, out, err) ||
             store_bill_days(s, w.start, w.end, on_billed_day, &u, err) ||
             store_bill_asset_days(s, day_floor(w.start), w.end, on_day, &u, err);
    strtab_free(&u.billed);
    if (!rc && out->n)
        qsort(out->items, out->n, sizeof *out->items, by_cost);
    strtab_free(&a.keys), strtab_free(&a.currencies);
    buf_free(&a.name);
    if (rc)
        cloudcost_free(out);
    return rc ? -1 : 0;
}

void cloudcost_free(kt_cloud_result *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->items[i].name);
    free(r->items);
    free(r->recon);
    memset(r, 0, sizeof *r);
}

/* pricing.c — loading and resolution; see pricing.h.
 *
 * A kt_pricing holds three layers: the user's sheet (custom), the imported
 * price lists (price-list) and the built-in catalog (catalog).  Every
 * question walks them in that order and says which one answered. */
#include "pricing/pricing.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "pricing/catalog_data.h"
#include "pricing/pricing_internal.h"
#include "util/buf.h"

const cat_rec *pricing_layer_get(const kt_pricing *p, int kind, const char *provider, const char *region,
                                 const char *name, const char **source)
{
    const cat_rec *r = catalog_get(&p->lists, kind, provider, region, name);
    if (r) {
        if (source) *source = "price-list";
        return r;
    }
    r = catalog_get(&p->builtin, kind, provider, region, name);
    if (r && source)
        *source = "catalog";
    return r;
}

double pricing_negotiated(const kt_pricing *p)
{
    return p && p->has_custom ? 1 - p->custom.negotiated : 1;
}

const char *pricing_provider_name(const char *p)
{
    if (!p || !*p) return "";
    if (!strcasecmp(p, "aws") || !strcasecmp(p, "amazon") || !strcasecmp(p, "eks")) return "aws";
    if (!strcasecmp(p, "gcp") || !strcasecmp(p, "gce") || !strcasecmp(p, "google") || !strcasecmp(p, "gke"))
        return "gcp";
    if (!strcasecmp(p, "azure") || !strcasecmp(p, "aks") || !strcasecmp(p, "microsoft")) return "azure";
    if (!strcasecmp(p, "onprem") || !strcasecmp(p, "on-prem") || !strcasecmp(p, "custom")) return "onprem";
    return "";
}

void pricing_data_dir(const kt_pricing_opts *o, char *buf, size_t n)
{
    const char *x = getenv("XDG_DATA_HOME"), *h = getenv("HOME");
    if (o && o->data_dir && *o->data_dir)
        snprintf(buf, n, "%s", o->data_dir);
    else if (x && *x)
        snprintf(buf, n, "%s/kubetally/prices", x);
    else
        snprintf(buf, n, "%s/.local/share/kubetally/prices", h && *h ? h : ".");
}

static int load_builtin(kt_catalog *c, kt_err *err)
{
    kt_builtin_file f[KT_BUILTIN_FILES];
    size_t n = catalog_builtin_files(f);
    for (size_t i = 0; i < n; i++) {
        kt_mem_src m;
        if (catalog_parse(c, reader_mem(&m, f[i].data, f[i].len, f[i].name), err))
            return kt_wrap(err, "built-in catalog: ");
    }
    return 0;
}

static int load_lists(kt_catalog *c, const char *dir, kt_err *err)
{
    static const char *const providers[] = {"aws", "gcp", "azure"};
    for (int i = 0; i < 3; i++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/%s.prices", dir, providers[i]);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        int rc = catalog_parse(c, reader_file(f, path), err);
        fclose(f);
        if (rc)
            return kt_wrap(err, "imported price list (re-run `kubetally prices import`): ");
    }
    return 0;
}

int pricing_load(const kt_pricing_opts *o, kt_pricing **out, kt_err *err)
{
    kt_pricing *p = xcalloc(1, sizeof *p);
    catalog_init(&p->builtin);
    catalog_init(&p->lists);
    pricing_data_dir(o, p->data_dir, sizeof p->data_dir);
    int rc = load_builtin(&p->builtin, err) || load_lists(&p->lists, p->data_dir, err);
    if (!rc && o && o->custom_file && *o->custom_file) {
        rc = custom_load(o->custom_file, &p->custom, err);
        p->has_custom = !rc;
    }
    if (rc) {
        pricing_free(p);
        return -1;
    }
    *out = p;
    return 0;
}

int pricing_reload(kt_pricing **p, const kt_pricing_opts *o, kt_err *err)
{
    kt_pricing *fresh;
    if (pricing_load(o, &fresh, err))
        return -1;
    pricing_free(*p);
    *p = fresh;
    return 0;
}

void pricing_free(kt_pricing *p)
{
    if (!p)
        return;
    catalog_free(&p->builtin);
    catalog_free(&p->lists);
    custom_free(&p->custom);
    free(p);
}

const char *pricing_currency(const kt_pricing *p)
{
    return p && p->has_custom && p->custom.currency[0] ? p->custom.currency : "USD";
}

/* The currency an answer from a layer is in. */
static const char *layer_currency(const kt_pricing *p, const kt_catalog *c, const char *provider)
{
    if (p->has_custom && p->custom.currency[0])
        return p->custom.currency;
    const char *cur = c ? catalog_currency(c, provider) : "";
    return *cur ? cur : "USD";
}

/* Split ratios: the sheet's default rates when it sets them (OpenCost splits
 * with its configured defaults), else OpenCost's. */
static kt_rates split_rates(const kt_pricing *p)
{
    kt_rates r = kt_default_rates();
    if (p && p->has_custom) {
        if (isfinite(p->custom.cpu)) r.cpu = p->custom.cpu;
        if (isfinite(p->custom.ram) && p->custom.ram > 0) r.ram = p->custom.ram;
        if (isfinite(p->custom.gpu)) r.gpu = p->custom.gpu;
    }
    return r;
}

static kt_rates default_rates(const kt_pricing *p, int spot)
{
    kt_rates r = split_rates(p);
    if (spot && p && p->has_custom) {
        if (isfinite(p->custom.spot_cpu)) r.cpu = p->custom.spot_cpu;
        if (isfinite(p->custom.spot_ram)) r.ram = p->custom.spot_ram;
    }
    return r;
}

/* (1 - discount) × (1 - negotiated) for on-demand, (1 - negotiated) for spot;
 * a cluster's own values replace the sheet-wide ones. */
static double multiplier(const kt_pricing *p, const char *cluster, int spot)
{
    if (!p || !p->has_custom)
        return 1;
    double d = p->custom.discount, n = p->custom.negotiated;
    const custom_cluster *c = custom_cluster_find(&p->custom, cluster);
    if (c && isfinite(c->discount)) d = c->discount;
    if (c && isfinite(c->negotiated)) n = c->negotiated;
    return (spot ? 1 : 1 - d) * (1 - n);
}

/* A node's on-demand and spot price from one catalog layer: the exact type,
 * else (GCP) its family's per-vCPU and per-GiB rates.  NAN when unknown. */
typedef struct layer_hit {
    double od, spot, cores, ram_gib, gpus;
} layer_hit;

static int layer_node(const kt_catalog *c, const char *provider, const char *region, const char *type,
                      double cores, double ram_gib, layer_hit *h)
{
    const cat_rec *r = catalog_get(c, CAT_NODE, provider, region, type);
    if (r && strcmp(region ? region : "", "*")) {
        *h = (layer_hit){r->v[3], r->v[4], r->v[0], r->v[1], r->v[2]};
        return 1;
    }
    char family[64];
    snprintf(family, sizeof family, "%.*s", (int)strcspn(type, "-."), type);
    const cat_rec *u = catalog_get(c, CAT_UNIT, provider, region, family);
    if (!u || cores <= 0 || ram_gib <= 0)
        return 0;
    h->cores = cores, h->ram_gib = ram_gib, h->gpus = 0;
    h->od = u->v[0] * cores + u->v[1] * ram_gib;
    h->spot = isfinite(u->v[2]) && isfinite(u->v[3]) ? u->v[2] * cores + u->v[3] * ram_gib : NAN;
    return 1;
}

static double spot_discount(const kt_pricing *p, const char *provider)
{
    const cat_rec *r = pricing_layer_get(p, CAT_SPOT, provider, "", "", NULL);
    return r ? r->v[0] : 0.65;
}

static kt_price finish(const kt_pricing *p, double hourly, double cores, double ram_bytes, double gpus,
                       const char *source, const char *currency)
{
    kt_rates r = kt_split_node_price(hourly, cores, ram_bytes, gpus, split_rates(p));
    return (kt_price){hourly, r.cpu, r.ram, r.gpu, source, currency};
}

/* Resolution proper; capacity may come from the catalog when the caller has none. */
static kt_price resolve(const kt_pricing *p, const kt_node_desc *d, layer_hit *cap)
{
    const char *prov = pricing_provider_name(d->provider), *type = d->instance_type ? d->instance_type : "";
    const char *region = d->region ? d->region : "";
    double cores = d->cores, ram = d->ram_bytes, gpus = d->gpus;
    *cap = (layer_hit){NAN, NAN, cores, ram / KT_GIB, gpus};
    if (p && p->has_custom) {
        const custom_row *row = custom_find(&p->custom, CR_NODE, region, d->name, d->provider_id, type);
        if (row)
            return finish(p, row->hourly, cores, ram, gpus, "custom", pricing_currency(p));
        if (!strcmp(prov, "onprem") && (isfinite(p->custom.cpu) || isfinite(p->custom.ram))) {
            kt_rates r = default_rates(p, d->spot);
            return (kt_price){kt_price_from_rates(r, cores, ram, gpus), r.cpu, r.ram, r.gpu, "custom",
                              pricing_currency(p)};
        }
    }
    if (p && *type && *prov && strcmp(prov, "onprem")) {
        const kt_catalog *layers[2] = {&p->lists, &p->builtin};
        const char *names[2] = {"price-list", "catalog"};
        layer_hit hit[2];
        int found[2];
        for (int i = 0; i < 2; i++)
            found[i] = layer_node(layers[i], prov, region, type, cores, ram / KT_GIB, &hit[i]);
        /* Fill the capacity from whichever layer knows it, for the split. */
        for (int i = 0; i < 2; i++)
            if (found[i] && (cap->cores <= 0 || !isfinite(cap->cores)) && isfinite(hit[i].cores))
                cap->cores = hit[i].cores, cap->ram_gib = hit[i].ram_gib, cap->gpus = hit[i].gpus;
        double c = cap->cores, rb = cap->ram_gib * KT_GIB, g = cap->gpus;
        for (int i = 0; i < 2; i++) {
            double v = d->spot ? hit[i].spot : hit[i].od;
            if (found[i] && isfinite(v)) {
                cap->od = hit[i].od, cap->spot = hit[i].spot;
                return finish(p, v * multiplier(p, d->cluster, d->spot), c, rb, g, names[i],
                              layer_currency(p, layers[i], prov));
            }
        }
        for (int i = 0; i < 2; i++)
            if (found[i] && isfinite(hit[i].od)) {
                cap->od = hit[i].od;
                double v = hit[i].od * (1 - spot_discount(p, prov)) * multiplier(p, d->cluster, 1);
                return finish(p, v, c, rb, g, "spot-estimate", layer_currency(p, layers[i], prov));
            }
    }
    kt_rates r = default_rates(p, d->spot);
    return (kt_price){kt_price_from_rates(r, cores, ram, gpus), r.cpu, r.ram, r.gpu, "default",
                      pricing_currency(p)};
}

kt_price pricing_node(const kt_pricing *p, const kt_node_desc *d)
{
    layer_hit cap;
    return resolve(p, d, &cap);
}

kt_instance_price pricing_instance(const kt_pricing *p, const char *provider, const char *region,
                                   const char *instance_type, int spot)
{
    kt_node_desc d = {.provider = provider, .region = region, .instance_type = instance_type, .spot = spot};
    layer_hit cap;
    kt_instance_price out = {0};
    out.price = resolve(p, &d, &cap);
    if (strcmp(out.price.source, "default") && isfinite(cap.cores) && cap.cores > 0) {
        out.known = 1;
        out.cores = cap.cores, out.ram_gib = cap.ram_gib, out.gpus = isfinite(cap.gpus) ? cap.gpus : 0;
        /* Re-split with the capacity we now know. */
        kt_rates r = kt_split_node_price(out.price.hourly, out.cores, out.ram_gib * KT_GIB, out.gpus, split_rates(p));
        out.price.cpu = r.cpu, out.price.ram = r.ram, out.price.gpu = r.gpu;
    }
    return out;
}

typedef struct offers {
    kt_node_offer *v;
    size_t n, cap;
    const kt_catalog *skip; /* names this catalog has come from it instead */
    const char *provider, *region;
} offers;

/* The catalogs have no architecture column: ARM types go by their names. */
static int arm_name(const char *provider, const char *name)
{
    if (!strcasecmp(provider, "gcp"))
        return !strncmp(name, "t2a-", 4) || !strncmp(name, "c4a-", 4) || !strncmp(name, "n4a-", 4);
    const char *p = name;
    if (!strcasecmp(provider, "azure")) { /* standard_d8pls_v5: a 'p' among the size's feature letters */
        if (strncmp(p, "standard_", 9))
            return 0;
        p += 9;
        while (isalpha((unsigned char)*p)) p++;
        if (!isdigit((unsigned char)*p))
            return 0;
        while (isdigit((unsigned char)*p)) p++;
        for (; isalpha((unsigned char)*p); p++)
            if (*p == 'p')
                return 1;
        return 0;
    }
    /* aws: a1.*, or a family whose generation digits are followed by 'g' (t4g, c6gn, im4gn, x2gd) */
    if (!strncmp(name, "a1.", 3))
        return 1;
    while (isalpha((unsigned char)*p)) p++;
    if (!isdigit((unsigned char)*p) || p == name)
        return 0;
    while (isdigit((unsigned char)*p)) p++;
    return *p == 'g';
}

static void add_offer(void *ctx, const char *name, const cat_rec *r)
{
    offers *o = ctx;
    if (o->skip && catalog_get(o->skip, CAT_NODE, o->provider, o->region, name))
        return;
    if (!(r->v[0] > 0) || !(r->v[1] > 0) || !(r->v[3] > 0) || r->v[2] > 0) /* needs vCPU, RAM, a price; no GPU */
        return;
    grow_array((void **)&o->v, &o->cap, o->n, sizeof *o->v);
    kt_node_offer *x = &o->v[o->n++];
    snprintf(x->name, sizeof x->name, "%s", name);
    x->vcpus = r->v[0], x->ram_gib = r->v[1], x->hourly = r->v[3], x->spot = r->v[4];
    x->arm = arm_name(o->provider, name);
}

void pricing_node_offers(const kt_pricing *p, const char *provider, const char *region, kt_node_offer **out,
                         size_t *n)
{
    offers o = {NULL, 0, 0, NULL, provider, region};
    if (p) {
        catalog_each_node(&p->lists, provider, region, add_offer, &o);
        o.skip = &p->lists;
        catalog_each_node(&p->builtin, provider, region, add_offer, &o);
    }
    *out = o.v;
    *n = o.n;
}

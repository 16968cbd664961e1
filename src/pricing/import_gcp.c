/* import_gcp.c — Cloud Billing Catalog `skus` JSON (Compute Engine).
 *
 * Each SKU: description ("N2 Instance Core running in Americas"), category
 * {resourceFamily, resourceGroup CPU|RAM|…, usageType OnDemand|Preemptible},
 * serviceRegions[], pricingInfo[0].pricingExpression {usageUnit "h" |
 * "GiBy.h" | "GiBy.mo", tieredRates[].unitPrice {currencyCode, units, nanos}}.
 * Compute cores and RAM become per-family unit rates (the way GCP bills
 * them); persistent-disk capacity becomes disk records. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pricing/import.h"
#include "pricing/jscan.h"
#include "util/strtab.h"

#define GCP_MAX_REGIONS 64

typedef struct gcp_state {
    imp_table t;         /* "u REGION FAMILY": cpu, ram, spot cpu, spot ram; "d REGION TYPE": price */
    /* the SKU being read */
    char desc[256], family[32], group[32], usage[32], unit[16], currency[8];
    char regions[GCP_MAX_REGIONS][32];
    int n_regions, have_price;
    double price;
    char units[32];
    double nanos;
} gcp_state;

static void *gcp_create(void)
{
    gcp_state *s = xcalloc(1, sizeof *s);
    imp_table_init(&s->t);
    return s;
}

static void gcp_destroy(void *v)
{
    gcp_state *s = v;
    imp_table_free(&s->t);
    free(s);
}

/* "N2D AMD Instance Core running in …" → "n2d"; "Compute optimized Core" → "c2". */
static int family_of(const char *desc, char *out, size_t n)
{
    const char *d = desc;
    if (!strncmp(d, "Spot Preemptible ", 17)) d += 17;
    else if (!strncmp(d, "Preemptible ", 12)) d += 12;
    if (strstr(d, "Custom") || strstr(d, "Sole Tenancy") || strstr(d, "Commitment") || strstr(d, "Extended"))
        return -1;
    if (!strncmp(d, "Compute optimized", 17)) {
        snprintf(out, n, "c2");
        return 0;
    }
    size_t len = strcspn(d, " ");
    if (len == 0 || len >= n || !strstr(d, "Instance"))
        return -1;
    for (size_t i = 0; i < len; i++)
        out[i] = (char)tolower((unsigned char)d[i]);
    out[len] = 0;
    return 0;
}

static void end_sku(gcp_state *s)
{
    const char *disk = !strcmp(s->desc, "Storage PD Capacity") ? "pd-standard"
                     : !strcmp(s->desc, "SSD backed PD Capacity") ? "pd-ssd"
                     : !strcmp(s->desc, "Balanced PD Capacity") ? "pd-balanced" : NULL;
    int spot = !strcmp(s->usage, "Preemptible"), col = -1;
    char family[32], key[128];
    if (disk && !strcmp(s->unit, "GiBy.mo") && !strcmp(s->usage, "OnDemand"))
        col = 0;
    else if (!strcmp(s->group, "CPU") && !strcmp(s->unit, "h") && strstr(s->desc, "Core"))
        col = spot ? 2 : 0;
    else if (!strcmp(s->group, "RAM") && !strcmp(s->unit, "GiBy.h") && strstr(s->desc, "Ram"))
        col = spot ? 3 : 1;
    if (col >= 0 && s->have_price && (disk || (!family_of(s->desc, family, sizeof family) &&
                                               (spot || !strcmp(s->usage, "OnDemand")))))
        for (int i = 0; i < s->n_regions; i++) {
            snprintf(key, sizeof key, disk ? "d %s %s" : "u %s %s", s->regions[i], disk ? disk : family);
            imp_table_slot(&s->t, key)[col] = s->price;
        }
    s->desc[0] = s->group[0] = s->usage[0] = s->unit[0] = 0;
    s->n_regions = s->have_price = 0;
}

static int is(const kt_jscan *js, int level, const char *key) { return !strcmp(js_key(js, level), key); }

static int gcp_price(gcp_state *s, const char *name, imp_result *res, kt_err *err)
{
    char text[64], what[300];
    double units;
    snprintf(what, sizeof what, "SKU '%s' unitPrice", s->desc);
    snprintf(text, sizeof text, "%s", s->units[0] ? s->units : "0");
    if (imp_price(name, what, text, s->currency, &units, err) || imp_currency(res, name, s->currency, err))
        return -1;
    double v = units + s->nanos / 1e9;
    if (!s->have_price || (s->price == 0 && v > 0))
        s->price = v, s->have_price = 1; /* the first non-free tier */
    s->units[0] = 0, s->nanos = 0;
    return 0;
}

static int gcp_page(void *v, kt_reader r, imp_result *res, kt_err *err)
{
    gcp_state *s = v;
    kt_jscan js;
    js_init(&js, r, 1 << 20);
    int t, rc = 0, first = 1;
    res->next[0] = 0;
    while (!rc && (t = js_next(&js, err)) > 0) {
        int d = js.depth, scalar = t == JS_STR || t == JS_NUM;
        if (first && t != JS_OBJ)
            rc = kt_fail(err, KT_EINPUT, "%s: not a Cloud Billing Catalog skus response (no JSON object)", r.name);
        first = 0;
        if (rc)
            break;
        if (d == 1 && t == JS_STR && is(&js, 0, "nextPageToken"))
            snprintf(res->next, sizeof res->next, "%s", js.str);
        else if (is(&js, 0, "skus") &&
                 ((d == 1 && t >= JS_STR) || (d == 2 && (t >= JS_STR || (t == JS_OBJ && js.path[1].is_obj)))))
            rc = kt_fail(err, KT_EINPUT, "%s: 'skus' must be an array of objects (byte %llu)", r.name, js.offset);
        else if (!is(&js, 0, "skus")) {
            if (d == 2 && (t == JS_OBJ || t == JS_ARR))
                rc = js_skip(&js, err);
        } else if (d == 3 && t == JS_STR && is(&js, 2, "description"))
            snprintf(s->desc, sizeof s->desc, "%s", js.str);
        else if (d == 4 && t == JS_STR && is(&js, 2, "category")) {
            if (is(&js, 3, "resourceGroup")) snprintf(s->group, sizeof s->group, "%s", js.str);
            if (is(&js, 3, "usageType")) snprintf(s->usage, sizeof s->usage, "%s", js.str);
        } else if (is(&js, 2, "serviceRegions") && ((d == 4 && t >= JS_STR) || (d == 5 && t <= JS_ARR && t > 0))) {
            if (t != JS_STR)
                rc = kt_fail(err, KT_EINPUT, "%s: serviceRegions must hold strings (byte %llu)", r.name, js.offset);
            else if (s->n_regions < GCP_MAX_REGIONS)
                snprintf(s->regions[s->n_regions++], 32, "%s", js.str);
        } else if (is(&js, 2, "pricingInfo") && js.depth > 3 && js.path[3].index > 0) {
            if (t == JS_OBJ || t == JS_ARR)
                rc = js_skip(&js, err); /* later pricing periods */
        } else if (d == 6 && t == JS_STR && is(&js, 4, "pricingExpression") && is(&js, 5, "usageUnit"))
            snprintf(s->unit, sizeof s->unit, "%s", js.str);
        else if (((d == 9 && t >= JS_STR) || (d == 10 && (t == JS_OBJ || t == JS_ARR))) &&
                 is(&js, 5, "tieredRates") && is(&js, 7, "unitPrice")) {
            if (is(&js, 8, "currencyCode") && t == JS_STR)
                snprintf(s->currency, sizeof s->currency, "%.7s", js.str);
            else if (is(&js, 8, "units") && scalar)
                snprintf(s->units, sizeof s->units, "%.31s", js.str);
            else if (is(&js, 8, "nanos") && t == JS_NUM)
                s->nanos = strtod(js.str, NULL);
            else
                rc = kt_fail(err, KT_EINPUT, "%s: SKU '%s': unitPrice.%s has the wrong type (byte %llu)", r.name,
                             s->desc, js_key(&js, 8), js.offset);
        } else if (d == 8 && t == JS_END_OBJ && is(&js, 5, "tieredRates"))
            rc = gcp_price(s, r.name, res, err);
        else if (d == 2 && t == JS_END_OBJ)
            end_sku(s);
    }
    if (!rc && t < 0)
        rc = -1;
    js_free(&js);
    return rc;
}

static int gcp_finish(void *v, imp_result *res, kt_err *err)
{
    gcp_state *s = v;
    for (uint32_t id = 1; id < s->t.keys.n && id < s->t.cap; id++) {
        char kind, region[64], name[64];
        double *x = s->t.v[id];
        if (sscanf(strtab_get(&s->t.keys, id), "%c %63s %63s", &kind, region, name) != 3)
            continue;
        if (kind == 'd' && isfinite(x[0])) {
            buf_printf(&res->body, "disk %s %s %.10g\n", region, name, x[0]);
            res->st->disks++;
        } else if (kind == 'u' && isfinite(x[0]) && isfinite(x[1])) {
            char sc[32] = "-", sr[32] = "-";
            if (isfinite(x[2]) && isfinite(x[3]))
                snprintf(sc, sizeof sc, "%.10g", x[2]), snprintf(sr, sizeof sr, "%.10g", x[3]);
            buf_printf(&res->body, "unit %s %s %.10g %.10g %s %s\n", region, name, x[0], x[1], sc, sr);
            res->st->units++;
        }
    }
    if (!res->st->units && !res->st->disks)
        return kt_fail(err, KT_EINPUT, "no Compute Engine core/RAM or persistent-disk prices found (is it the "
                                       "Compute Engine service's skus list?)");
    return 0;
}

const imp_ops imp_gcp = {"gcp", gcp_create, gcp_page, gcp_finish, gcp_destroy};

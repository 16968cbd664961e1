/* import_aws.c — AWS Price List bulk offer JSON (AmazonEC2, one region).
 *
 * Layout: {"publicationDate", "products": {SKU: {"productFamily",
 * "attributes": {…}}}, "terms": {"OnDemand": {SKU: {TERM: {"priceDimensions":
 * {RATE: {"unit", "beginRange", "pricePerUnit": {"USD": "0.096"}}}}}}}}.
 * Products come before terms in the published files; only the products we
 * price are remembered (Linux, shared tenancy, no pre-installed software,
 * capacity "Used"; EBS volumes; load balancers), so memory is bounded by
 * those, not by the file.  Reserved and savings terms are skipped unread. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pricing/import.h"
#include "pricing/jscan.h"
#include "util/strtab.h"

enum { P_NODE = 1, P_DISK, P_LB };

typedef struct aws_prod {
    int kind;
    uint32_t name, region;  /* interned in names */
    double vcpu, mem, gpu;
    double price;           /* NAN until its OnDemand term is read */
} aws_prod;

typedef struct aws_state {
    kt_strtab skus, names;  /* sku → index+1 into prods */
    aws_prod *prods;
    size_t cap;
    /* the product being read */
    char attr[16][96];
    char family[64];
    /* the rate being read */
    char unit[16], begin[16], price[64], currency[8];
    int have_price;
} aws_state;

static const char *const attrs[] = {"instanceType", "operatingSystem", "tenancy", "preInstalledSw", "capacitystatus",
                                    "regionCode", "location", "vcpu", "memory", "gpu", "volumeApiName", "usagetype",
                                    "licenseModel", "marketoption", NULL};
enum { A_TYPE, A_OS, A_TENANCY, A_SW, A_CAP, A_REGION, A_LOCATION, A_VCPU, A_MEM, A_GPU, A_VOL, A_USAGE, A_LICENSE,
       A_MARKET };

/* Location names of the older offer files (no regionCode attribute). */
static const char *const locations[][2] = {
    {"US East (N. Virginia)", "us-east-1"}, {"US East (Ohio)", "us-east-2"}, {"US West (N. California)", "us-west-1"},
    {"US West (Oregon)", "us-west-2"}, {"EU (Ireland)", "eu-west-1"}, {"EU (London)", "eu-west-2"},
    {"EU (Paris)", "eu-west-3"}, {"EU (Frankfurt)", "eu-central-1"}, {"EU (Stockholm)", "eu-north-1"},
    {"EU (Milan)", "eu-south-1"}, {"Europe (Ireland)", "eu-west-1"}, {"Europe (London)", "eu-west-2"},
    {"Europe (Paris)", "eu-west-3"}, {"Europe (Frankfurt)", "eu-central-1"}, {"Europe (Stockholm)", "eu-north-1"},
    {"Asia Pacific (Singapore)", "ap-southeast-1"}, {"Asia Pacific (Sydney)", "ap-southeast-2"},
    {"Asia Pacific (Tokyo)", "ap-northeast-1"}, {"Asia Pacific (Seoul)", "ap-northeast-2"},
    {"Asia Pacific (Mumbai)", "ap-south-1"}, {"Canada (Central)", "ca-central-1"},
    {"South America (Sao Paulo)", "sa-east-1"}, {"AWS GovCloud (US-West)", "us-gov-west-1"},
};

static void *aws_create(void)
{
    aws_state *s = xcalloc(1, sizeof *s);
    strtab_init(&s->skus);
    strtab_init(&s->names);
    return s;
}

static void aws_destroy(void *v)
{
    aws_state *s = v;
    strtab_free(&s->skus);
    strtab_free(&s->names);
    free(s->prods);
    free(s);
}

static double leading_number(const char *s)
{
    double v = strtod(s, NULL); /* "8 GiB" → 8, "NA" → 0 */
    return isfinite(v) && v >= 0 ? v : 0;
}

static void end_product(aws_state *s, const char *sku)
{
    char (*a)[96] = s->attr;
    int kind = 0;
    if (!strcmp(s->family, "Compute Instance") && !strcmp(a[A_OS], "Linux") && !strcmp(a[A_TENANCY], "Shared") &&
        (!a[A_SW][0] || !strcmp(a[A_SW], "NA")) && (!a[A_CAP][0] || !strcmp(a[A_CAP], "Used")) &&
        strcmp(a[A_LICENSE], "Bring your own license") && (!a[A_MARKET][0] || !strcmp(a[A_MARKET], "OnDemand")) &&
        a[A_TYPE][0])
        kind = P_NODE;
    else if (!strcmp(s->family, "Storage") && a[A_VOL][0])
        kind = P_DISK;
    else if (!strncmp(s->family, "Load Balancer", 13) && strstr(a[A_USAGE], "LoadBalancerUsage"))
        kind = P_LB;
    const char *region = a[A_REGION];
    for (size_t i = 0; !*region && i < sizeof locations / sizeof *locations; i++)
        if (!strcmp(a[A_LOCATION], locations[i][0]))
            region = locations[i][1];
    if (kind && *region) {
        uint32_t id = strtab_intern(&s->skus, sku);
        grow_array((void **)&s->prods, &s->cap, id, sizeof *s->prods);
        s->prods[id] = (aws_prod){kind, strtab_intern(&s->names, kind == P_NODE ? a[A_TYPE] : a[A_VOL]),
                                  strtab_intern(&s->names, region), leading_number(a[A_VCPU]),
                                  leading_number(a[A_MEM]), leading_number(a[A_GPU]), NAN};
    }
    memset(s->attr, 0, sizeof s->attr);
    s->family[0] = 0;
}

/* Index of a product we price, or 0. */
static uint32_t known_sku(const aws_state *s, const char *sku)
{
    uint32_t id = strtab_find(&s->skus, sku);
    return id == UINT32_MAX || id >= s->cap ? 0 : id;
}

static int end_rate(aws_state *s, const char *name, const char *sku, imp_result *res, kt_err *err)
{
    uint32_t id = known_sku(s, sku);
    if (!id || !s->have_price || (s->begin[0] && strcmp(s->begin, "0")))
        goto done;
    aws_prod *p = &s->prods[id];
    const char *want = p->kind == P_DISK ? "GB-Mo" : "Hrs";
    if (strcmp(s->unit, want))
        goto done;
    char what[200];
    snprintf(what, sizeof what, "terms.OnDemand.%s pricePerUnit.%s", sku, s->currency);
    if (imp_currency(res, name, s->currency, err) || imp_price(name, what, s->price, s->currency, &p->price, err))
        return -1;
done:
    s->have_price = 0;
    s->unit[0] = s->begin[0] = 0;
    return 0;
}

static int type_error(kt_jscan *js, const char *name, const char *what, kt_err *err)
{
    return kt_fail(err, KT_EINPUT, "%s: %s at byte %llu (not an AWS bulk offer file?)", name, what, js->offset);
}

static int is(const kt_jscan *js, int level, const char *key) { return !strcmp(js_key(js, level), key); }

static int aws_page(void *v, kt_reader r, imp_result *res, kt_err *err)
{
    aws_state *s = v;
    kt_jscan js;
    js_init(&js, r, 1 << 20);
    int t, rc = 0, seen_products = 0, seen_root = 0;
    while (!rc && (t = js_next(&js, err)) > 0) {
        int d = js.depth, scalar = t == JS_STR || t == JS_NUM;
        if (!seen_root++ && t != JS_OBJ) {
            rc = type_error(&js, r.name, "the document is not a JSON object", err);
        } else if (t == JS_STR && d == 1 && is(&js, 0, "publicationDate")) {
            snprintf(res->date, sizeof res->date, "%.39s", js.str);
        } else if ((is(&js, 0, "products") || is(&js, 0, "terms")) &&
                   ((d == 1 && t >= JS_STR) || (d == 2 && t == JS_ARR))) {
            rc = type_error(&js, r.name, "'products' and 'terms' must be objects", err);
        } else if (is(&js, 0, "products")) {
            seen_products = 1;
            if (t == JS_STR && d == 3 && is(&js, 2, "productFamily"))
                snprintf(s->family, sizeof s->family, "%.63s", js.str);
            else if (t == JS_STR && d == 4 && is(&js, 2, "attributes")) {
                for (int i = 0; attrs[i]; i++)
                    if (is(&js, 3, attrs[i]))
                        snprintf(s->attr[i], sizeof s->attr[i], "%.95s", js.str);
            } else if (t == JS_END_OBJ && d == 2)
                end_product(s, js_key(&js, 1));
            else if (t == JS_OBJ && d == 4 && !is(&js, 2, "attributes"))
                rc = js_skip(&js, err);
        } else if (is(&js, 0, "terms")) {
            if (t == JS_OBJ && d == 3 && !is(&js, 1, "OnDemand"))
                rc = js_skip(&js, err);            /* Reserved, savings plans … */
            else if (t == JS_OBJ && d == 4 && !seen_products)
                rc = type_error(&js, r.name, "terms before products", err);
            else if (t == JS_OBJ && d == 4 && !known_sku(s, js_key(&js, 2)))
                rc = js_skip(&js, err);            /* a product we do not price */
            else if (d == 7 && scalar && is(&js, 6, "unit"))
                snprintf(s->unit, sizeof s->unit, "%.15s", js.str);
            else if (d == 7 && scalar && is(&js, 6, "beginRange"))
                snprintf(s->begin, sizeof s->begin, "%.15s", js.str);
            else if (((d == 8 && t >= JS_STR) || (d == 9 && (t == JS_OBJ || t == JS_ARR))) &&
                     is(&js, 6, "pricePerUnit")) {
                if (!scalar) {
                    rc = type_error(&js, r.name, "a pricePerUnit value is not a price string", err);
                } else {
                    snprintf(s->price, sizeof s->price, "%.63s", js.str);
                    snprintf(s->currency, sizeof s->currency, "%.7s", js_key(&js, 7));
                    s->have_price = 1;
                }
            } else if (t == JS_END_OBJ && d == 6)
                rc = end_rate(s, r.name, js_key(&js, 2), res, err);
        } else if ((t == JS_OBJ || t == JS_ARR) && d == 2)
            rc = js_skip(&js, err);
    }
    if (!rc && t < 0)
        rc = -1;
    js_free(&js);
    return rc;
}

static int aws_finish(void *v, imp_result *res, kt_err *err)
{
    aws_state *s = v;
    static const char *const kinds[] = {"", "node", "disk", "lb"};
    for (uint32_t id = 1; id < s->skus.n && id < s->cap; id++) {
        const aws_prod *p = &s->prods[id];
        if (!isfinite(p->price) || p->price <= 0)
            continue;
        const char *name = strtab_get(&s->names, p->name), *region = strtab_get(&s->names, p->region);
        if (p->kind == P_NODE) {
            buf_printf(&res->body, "node %s %s %g %g %g %.10g -\n", region, name, p->vcpu, p->mem, p->gpu, p->price);
            res->st->nodes++;
        } else if (p->kind == P_DISK) {
            buf_printf(&res->body, "disk %s %s %.10g\n", region, name, p->price);
            res->st->disks++;
        } else {
            buf_printf(&res->body, "%s %s %.10g\n", kinds[p->kind], region, p->price);
            res->st->lbs++;
        }
    }
    if (!res->st->nodes && !res->st->disks)
        return kt_fail(err, KT_EINPUT, "no Linux on-demand instance or EBS prices found (is it the AmazonEC2 "
                                       "offer file of a region?)");
    return 0;
}

const imp_ops imp_aws = {"aws", aws_create, aws_page, aws_finish, aws_destroy};

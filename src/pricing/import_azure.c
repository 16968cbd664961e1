/* import_azure.c — Azure Retail Prices API JSON pages.
 *
 * {"BillingCurrency", "Items": [{currencyCode, retailPrice, armRegionName,
 * armSkuName, skuName, productName, meterName, serviceName, unitOfMeasure,
 * type}], "NextPageLink"}.  Used: Virtual Machines Consumption Linux rows
 * (productName not ending " Windows", not Low Priority; skuName ending
 * " Spot" is the spot price), managed-disk tiers ("P15 LRS Disk", per
 * month; the per-GiB rate comes from the tier's size, preferring the
 * smallest tier of at least 128 GiB), Premium SSD v2 capacity, the
 * Standard Load Balancer hour and the AKS tiers.  Reservation rows (totals
 * for the whole term) are skipped. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pricing/import.h"
#include "pricing/jscan.h"
#include "util/strtab.h"

enum { F_CUR, F_REGION, F_ARMSKU, F_SKU, F_PRODUCT, F_METER, F_SERVICE, F_UOM, F_TYPE, F_N };
static const char *const fields[F_N] = {"currencyCode", "armRegionName", "armSkuName", "skuName", "productName",
                                        "meterName", "serviceName", "unitOfMeasure", "type"};

typedef struct az_state {
    imp_table t;        /* "n REGION SKU": od, spot; "d REGION TYPE": per GiB-month, tier GiB; "l REGION"; "f TIER" */
    char f[F_N][160];
    double price;
    int have_price;
} az_state;

static void *az_create(void)
{
    az_state *s = xcalloc(1, sizeof *s);
    imp_table_init(&s->t);
    return s;
}

static void az_destroy(void *v)
{
    az_state *s = v;
    imp_table_free(&s->t);
    free(s);
}

static int ends(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

/* Managed-disk tier → size in GiB (P/E/S tiers share sizes by number). */
static double tier_gib(const char *meter, char *series)
{
    static const struct { const char *n; double gib; } sizes[] = {
        {"1", 4}, {"2", 8}, {"3", 16}, {"4", 32}, {"6", 64}, {"10", 128}, {"15", 256}, {"20", 512},
        {"30", 1024}, {"40", 2048}, {"50", 4096}, {"60", 8192}, {"70", 16384}, {"80", 32767}};
    char num[8];
    if ((meter[0] != 'P' && meter[0] != 'E' && meter[0] != 'S') || sscanf(meter + 1, "%7[0-9]", num) != 1)
        return 0;
    *series = meter[0];
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
        if (!strcmp(num, sizes[i].n))
            return sizes[i].gib;
    return 0;
}

static void disk_row(az_state *s, const char *region)
{
    char series = 0, key[256];
    const char *meter = s->f[F_METER], *redund = strstr(meter, "ZRS") ? "ZRS" : "LRS";
    double gib = tier_gib(meter, &series);
    if (!gib || !ends(meter, " Disk") || strcmp(s->f[F_UOM], "1/Month"))
        return;
    const char *type = series == 'P' ? "Premium" : series == 'E' ? "StandardSSD" : "Standard";
    snprintf(key, sizeof key, "d %s %s_%s", region, type, redund);
    double *v = imp_table_slot(&s->t, key);
    /* Prefer the smallest tier of at least 128 GiB: the common PVC sizes. */
    int better = isnan(v[1]) || (gib >= 128 && (v[1] < 128 || gib < v[1])) || (v[1] < 128 && gib > v[1]);
    if (better)
        v[0] = s->price / gib, v[1] = gib;
}

static void end_item(az_state *s)
{
    char (*f)[160] = s->f, key[400];
    const char *region = f[F_REGION];
    if (!s->have_price || !strcmp(f[F_TYPE], "Reservation") || (f[F_TYPE][0] && strcmp(f[F_TYPE], "Consumption")))
        goto done;
    if (!strcmp(f[F_SERVICE], "Virtual Machines") && !strcmp(f[F_UOM], "1 Hour") && *region && f[F_ARMSKU][0] &&
        !ends(f[F_PRODUCT], " Windows") && !ends(f[F_METER], "Low Priority") && !ends(f[F_SKU], "Low Priority")) {
        snprintf(key, sizeof key, "n %s %s", region, f[F_ARMSKU]);
        imp_table_slot(&s->t, key)[ends(f[F_SKU], " Spot") ? 1 : 0] = s->price;
    } else if (!strcmp(f[F_SERVICE], "Storage") && strstr(f[F_PRODUCT], "Managed Disks") && *region) {
        disk_row(s, region);
    } else if (strstr(f[F_PRODUCT], "Premium SSD v2") && strstr(f[F_METER], "Provisioned Capacity") && *region &&
               !strcmp(f[F_UOM], "1 GiB/Hour")) {
        snprintf(key, sizeof key, "d %s PremiumV2_LRS", region);
        imp_table_slot(&s->t, key)[0] = s->price * 730, imp_table_slot(&s->t, key)[1] = 1;
    } else if (!strcmp(f[F_SERVICE], "Load Balancer") && strstr(f[F_METER], "Included LB Rules") &&
               !strcmp(f[F_UOM], "1 Hour") && *region) {
        snprintf(key, sizeof key, "l %s", region);
        imp_table_slot(&s->t, key)[0] = s->price;
    } else if (!strcmp(f[F_SERVICE], "Azure Kubernetes Service") && !strcmp(f[F_UOM], "1 Hour")) {
        const char *tier = !strcmp(f[F_METER], "Standard Uptime SLA") ? "standard"
                         : !strcmp(f[F_METER], "Standard Long Term Support") ? "premium" : NULL;
        if (tier) {
            snprintf(key, sizeof key, "f %s", tier);
            imp_table_slot(&s->t, key)[0] = s->price;
        }
    }
done:
    memset(s->f, 0, sizeof s->f);
    s->have_price = 0;
}

static int is(const kt_jscan *js, int level, const char *key) { return !strcmp(js_key(js, level), key); }

static int az_page(void *v, kt_reader r, imp_result *res, kt_err *err)
{
    az_state *s = v;
    kt_jscan js;
    js_init(&js, r, 1 << 20);
    int t, rc = 0, first = 1;
    res->next[0] = 0;
    while (!rc && (t = js_next(&js, err)) > 0) {
        int d = js.depth;
        if (first && t != JS_OBJ)
            rc = kt_fail(err, KT_EINPUT, "%s: not an Azure Retail Prices response (no JSON object)", r.name);
        first = 0;
        if (rc)
            break;
        if (d == 1 && t == JS_STR && is(&js, 0, "NextPageLink"))
            snprintf(res->next, sizeof res->next, "%s", js.str);
        else if (is(&js, 0, "Items") && ((d == 1 && t >= JS_STR) || (d == 2 && (t >= JS_STR || js.path[1].is_obj))))
            rc = kt_fail(err, KT_EINPUT, "%s: 'Items' must be an array of objects (byte %llu)", r.name, js.offset);
        else if (!is(&js, 0, "Items")) {
            if (d == 2 && (t == JS_OBJ || t == JS_ARR))
                rc = js_skip(&js, err);
        } else if (d == 3 && is(&js, 2, "retailPrice")) {
            char what[300];
            snprintf(what, sizeof what, "Items[%ld].retailPrice", js.path[1].index);
            if (t != JS_NUM)
                rc = kt_fail(err, KT_EINPUT, "%s: %s must be a number (byte %llu)", r.name, what, js.offset);
            else
                rc = imp_price(r.name, what, js.str, s->f[F_CUR], &s->price, err), s->have_price = !rc;
        } else if (d == 3 && t == JS_STR) {
            for (int i = 0; i < F_N; i++)
                if (is(&js, 2, fields[i]))
                    snprintf(s->f[i], sizeof s->f[i], "%.159s", js.str);
            if (is(&js, 2, "currencyCode") && imp_currency(res, r.name, js.str, err))
                rc = -1;
        } else if (d == 4 && (t == JS_OBJ || t == JS_ARR))
            rc = js_skip(&js, err); /* savingsPlan and other nested values */
        else if (d == 2 && t == JS_END_OBJ)
            end_item(s);
    }
    if (!rc && t < 0)
        rc = -1;
    js_free(&js);
    return rc;
}

static int az_finish(void *v, imp_result *res, kt_err *err)
{
    az_state *s = v;
    for (uint32_t id = 1; id < s->t.keys.n && id < s->t.cap; id++) {
        char kind, a[128] = "", b[128] = "";
        double *x = s->t.v[id];
        if (sscanf(strtab_get(&s->t.keys, id), "%c %127s %127s", &kind, a, b) < 2)
            continue;
        if (kind == 'n' && isfinite(x[0])) {
            char spot[32] = "-";
            if (isfinite(x[1]))
                snprintf(spot, sizeof spot, "%.10g", x[1]);
            buf_printf(&res->body, "node %s %s - - - %.10g %s\n", a, b, x[0], spot);
            res->st->nodes++;
        } else if (kind == 'd' && isfinite(x[0])) {
            buf_printf(&res->body, "disk %s %s %.10g\n", a, b, x[0]);
            res->st->disks++;
        } else if (kind == 'l' && isfinite(x[0])) {
            buf_printf(&res->body, "lb %s %.10g\n", a, x[0]);
            res->st->lbs++;
        } else if (kind == 'f' && isfinite(x[0])) {
            if (!res->st->fees++)
                buf_puts(&res->body, "fee free 0\n"); /* AKS's default tier costs nothing */
            buf_printf(&res->body, "fee %s %.10g\n", a, x[0]);
        }
    }
    if (!res->st->nodes && !res->st->disks && !res->st->fees)
        return kt_fail(err, KT_EINPUT, "no Linux VM, managed disk or AKS prices found in the Items");
    return 0;
}

const imp_ops imp_azure = {"azure", az_create, az_page, az_finish, az_destroy};

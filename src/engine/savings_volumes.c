/* savings_volumes.c — PV right-sizing (Kubecost's persistentVolumeSizing)
 * from the claims' used bytes the kubelet reported; see savings.h. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/carbon_rates.h"
#include "engine/savings.h"
#include "util/buf.h"

#define GIB 1073741824.0
#define STR(ds, id) strtab_get(&(ds)->strs, (id))

/* Per volume: its newest fact's capacity and price, and its CO2e per hour. */
typedef struct vnow {
    int64_t last;
    double bytes, price, hours, kg;
    uint32_t pod; /* a pod that held it (names its team), KT_NONE none */
} vnow;

static vnow *volumes_now(const kt_dataset *ds)
{
    vnow *v = xcalloc(ds->n_volumes + 1, sizeof *v);
    for (size_t i = 0; i < ds->n_volumes; i++)
        v[i].pod = KT_NONE;
    for (size_t i = 0; i < ds->n_vfacts; i++) {
        const ds_volume_fact *f = &ds->vfacts[i];
        vnow *x = &v[f->volume];
        x->hours += f->hours, x->kg += carbon_vfact_kg(ds, f);
        if (f->hours > 0 && savings_until(f->t, f->hours) >= x->last)
            x->last = savings_until(f->t, f->hours), x->bytes = f->bytes, x->price = f->price_gib_hour;
    }
    for (size_t i = 0; i < ds->n_pvfacts; i++)
        if (ds->pvfacts[i].hours > 0 && v[ds->pvfacts[i].volume].pod == KT_NONE)
            v[ds->pvfacts[i].volume].pod = ds->pvfacts[i].pod;
    return v;
}

static int by_savings(const void *x, const void *y)
{
    const kt_pv_rec *a = x, *b = y;
    if (a->savings != b->savings)
        return a->savings < b->savings ? 1 : -1;
    int d = strcmp(a->cluster, b->cluster);
    return d ? d : strcmp(a->volume, b->volume);
}

static void recommend(const kt_dataset *ds, const kt_pv_params *p, uint32_t vi, const vnow *x, uint32_t team_key,
                      kt_pv_rec *r)
{
    const ds_volume *v = &ds->volumes[vi];
    memset(r, 0, sizeof *r);
    r->cluster = STR(ds, ds->clusters[v->cluster].name), r->volume = STR(ds, v->name);
    r->claim = STR(ds, v->claim_name), r->claim_ns = STR(ds, v->claim_ns);
    r->storage_class = STR(ds, v->storage_class), r->team = "";
    if (x->pod != KT_NONE && team_key != UINT32_MAX)
        r->team = STR(ds, ds_pod_label(ds, &ds->pods[x->pod], team_key, 0));
    r->max_usage = v->used_peak, r->avg_usage = v->used_avg, r->current_bytes = x->bytes;
    r->recommended_bytes = v->used_peak * (1 + p->headroom_pct / 100);
    double gib = ceil(r->recommended_bytes / GIB - 1e-9); /* 5.0000000001 GiB of rounding is still 5 */
    r->applied_bytes = (gib < 1 ? 1 : gib) * GIB;
    r->current_monthly = x->bytes / GIB * x->price * KT_HOURS_PER_MONTH;
    r->recommended_monthly = r->applied_bytes / GIB * x->price * KT_HOURS_PER_MONTH;
    r->savings = r->current_monthly - r->recommended_monthly;
    if (x->hours > 0 && x->bytes > 0)
        r->carbon_kg = x->kg / x->hours * (1 - r->applied_bytes / x->bytes) * KT_HOURS_PER_MONTH;
}

int savings_volumes(const kt_dataset *ds, const kt_pv_params *p, kt_pv_result *out, kt_err *err)
{
    assert(ds && p && out);
    memset(out, 0, sizeof *out);
    if (!(p->headroom_pct >= 0 && p->headroom_pct <= 1000))
        return kt_fail(err, KT_EINPUT, "headroomPct: must be a number in [0, 1000], got %g", p->headroom_pct);
    out->headroom_pct = p->headroom_pct;
    snprintf(out->currency, sizeof out->currency, "%s", ds->n_clusters ? STR(ds, ds->clusters[0].currency) : "");
    if (!out->currency[0])
        strcpy(out->currency, "USD");
    vnow *x = volumes_now(ds);
    int64_t end = savings_data_end(ds);
    uint32_t team_key = strtab_find(&ds->strs, p->team_label ? p->team_label : "team");
    size_t cap = 0;
    for (uint32_t i = 0; i < ds->n_volumes; i++) {
        if (ds->volumes[i].used_peak <= 0 || x[i].bytes <= 0 || !savings_present(x[i].last, end))
            continue; /* usage unknown (no kubelet stats), or gone */
        grow_array((void **)&out->items, &cap, out->n, sizeof *out->items);
        recommend(ds, p, i, &x[i], team_key, &out->items[out->n]);
        if (out->items[out->n].savings > 0)
            out->total += out->items[out->n].savings;
        out->n++;
    }
    free(x);
    if (out->n)
        qsort(out->items, out->n, sizeof *out->items, by_savings);
    return 0;
}

void pv_result_free(kt_pv_result *r)
{
    free(r->items);
    memset(r, 0, sizeof *r);
}

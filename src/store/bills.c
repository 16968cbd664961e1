/* bills.c — bills.h for every backend: passes each call to the handle's
 * bill ops (store_backend.h).  An op a backend leaves NULL is not done
 * there yet: a read answers with nothing, a write is refused with one line
 * naming the backend.  Also the SQL both backends' bill code reads alike. */
#include <assert.h>
#include <stdlib.h>

#include "store/bills.h"
#include "store/store_backend.h"
#include "util/buf.h"

struct kt_bill_import {
    kt_store *s;
    void *impl; /* the backend's own import state */
};

const char store_bill_assets_sql[] =
    "SELECT 0, n.id, c.name, n.name, coalesce(n.provider_id, '') FROM nodes n JOIN clusters c ON c.id = n.cluster_id"
    " UNION ALL SELECT 1, v.id, c.name, v.name, coalesce(v.provider_id, '') FROM volumes v"
    " JOIN clusters c ON c.id = v.cluster_id"
    " UNION ALL SELECT 2, l.id, c.name, l.namespace || '/' || l.name, coalesce(l.ip, '') FROM lbs l"
    " JOIN clusters c ON c.id = l.cluster_id";

/* $1, $2: SQLite binds them by position, PostgreSQL infers bigint from day. */
const char store_bill_recons_sql[] =
    "SELECT r.kind, r.asset_id, r.day, r.estimate, r.billed, r.effective, r.list, r.applied, r.currency, r.metric,"
    " c.name, c.provider, coalesce(n.name, v.name, l.namespace || '/' || l.name, '') FROM bill_recon r"
    " LEFT JOIN nodes n ON r.kind = 0 AND n.id = r.asset_id LEFT JOIN volumes v ON r.kind = 1 AND v.id = r.asset_id"
    " LEFT JOIN lbs l ON r.kind = 2 AND l.id = r.asset_id"
    " JOIN clusters c ON c.id = coalesce(n.cluster_id, v.cluster_id, l.cluster_id)"
    " WHERE r.day >= $1 AND r.day < $2 ORDER BY c.name, r.kind, r.asset_id, r.day";

static const kt_bill_ops *bops(const kt_store *s)
{
    assert(s);
    return (*(const kt_store_ops *const *)(const void *)s)->bills;
}

static int not_here(const kt_store *s, const char *what, kt_err *err)
{
    return kt_fail(err, KT_EINPUT, "bills: %s is not done on a %s store yet", what,
                   (*(const kt_store_ops *const *)(const void *)s)->name);
}

int store_bill_import_begin(kt_store *s, const char *files, kt_bill_import **out, kt_err *err)
{
    assert(s && files && out);
    *out = NULL;
    if (!bops(s)->import_begin)
        return not_here(s, "importing a bill", err);
    void *impl = NULL;
    if (bops(s)->import_begin(s, files, &impl, err))
        return -1;
    *out = xcalloc(1, sizeof **out);
    (*out)->s = s, (*out)->impl = impl;
    return 0;
}

int store_bill_put(kt_bill_import *im, const kt_bill_row *r, kt_err *err)
{
    assert(im && r);
    return bops(im->s)->put(im->impl, r, err);
}

int store_bill_import_end(kt_bill_import *im, kt_bill_import_stats *st, kt_err *err)
{
    assert(im);
    int rc = bops(im->s)->import_end(im->impl, st, err);
    free(im);
    return rc;
}

void store_bill_import_abort(kt_bill_import *im)
{
    if (!im)
        return;
    bops(im->s)->import_abort(im->impl);
    free(im);
}

/* Reads: nothing where the backend keeps none of it. */
#define READ(op, ...) (bops(s)->op ? bops(s)->op(s, __VA_ARGS__) : 0)
/* Writes: refused where the backend cannot. */
#define WRITE(op, what, ...) (bops(s)->op ? bops(s)->op(s, __VA_ARGS__) : not_here(s, what, err))

int store_bill_span(kt_store *s, int64_t *lo, int64_t *hi, kt_err *err)
{
    *lo = *hi = 0;
    return READ(span, lo, hi, err);
}
int store_bill_assets(kt_store *s, kt_bill_asset_fn fn, void *ctx, kt_err *err) { return READ(assets, fn, ctx, err); }
int store_bill_set_k8s(kt_store *s, const char *const *keys, const int *kinds, const int64_t *ids, size_t n,
                       kt_err *err)
{
    return WRITE(set_k8s, "reconciling a bill", keys, kinds, ids, n, err);
}
int store_bill_asset_days(kt_store *s, int64_t lo, int64_t hi, kt_bill_asset_day_fn fn, void *ctx, kt_err *err)
{
    return READ(asset_days, lo, hi, fn, ctx, err);
}
int store_bill_charges(kt_store *s, int64_t lo, int64_t hi, kt_bill_charge_fn fn, void *ctx, kt_err *err)
{
    return READ(charges, lo, hi, fn, ctx, err);
}
int store_bill_apply(kt_store *s, const kt_bill_recon *r, double factor, kt_err *err)
{
    return WRITE(apply, "reconciling a bill", r, factor, err);
}
int store_bill_unapply(kt_store *s, int kind, int64_t asset_id, int64_t day, double factor, kt_err *err)
{
    return WRITE(unapply, "reconciling a bill", kind, asset_id, day, factor, err);
}
int store_bill_forget(kt_store *s, int64_t lo, int64_t hi, kt_err *err) { return READ(forget, lo, hi, err); }
int store_bill_recons(kt_store *s, int64_t lo, int64_t hi, kt_bill_recon_fn fn, void *ctx, kt_err *err)
{
    return READ(recons, lo, hi, fn, ctx, err);
}
int store_bill_days(kt_store *s, int64_t lo, int64_t hi, kt_bill_day_fn fn, void *ctx, kt_err *err)
{
    return READ(days, lo, hi, fn, ctx, err);
}
int store_bill_sums(kt_store *s, int64_t lo, int64_t hi, kt_bill_sum_fn fn, void *ctx, kt_err *err)
{
    return READ(sums, lo, hi, fn, ctx, err);
}

/* reprice.c — `kubetally reprice --window W [--pricing FILE]`: recompute
 * the stored prices of every node, disk, load balancer and cluster fee in
 * the window from today's catalog, imported lists and sheet. */
#include <stdio.h>
#include <time.h>

#include "bills/reconcile.h"
#include "cmd/cmd.h"
#include "cmd/flags.h"
#include "engine/window.h"
#include "pricing/pricing.h"
#include "store/store.h"

static const kt_flag flags[] = {
    {"--window", "window", 0, "-w"},
    {"--db", "db", 0, NULL},
    {"--pricing", "pricing", 0, NULL},
    {"--prices-dir", "prices_dir", 0, NULL},
    {NULL, NULL, 0, NULL},
};

static void node_cb(void *ctx, const char *cluster, const kt_node_rec *n, double *cpu, double *ram, double *gpu,
                    double *hourly, const char **source)
{
    kt_node_desc d = {cluster, n->name, n->provider, n->region, n->zone, n->instance_type, n->provider_id,
                      n->spot, n->cpu_cores, n->ram_bytes, n->gpus};
    kt_price p = pricing_node(ctx, &d);
    *cpu = p.cpu, *ram = p.ram, *gpu = p.gpu, *hourly = p.hourly, *source = p.source;
}

static double volume_cb(void *ctx, const char *cluster, const char *provider, const char *region,
                        const kt_volume_rec *v, const char **source)
{
    kt_volume_desc d = {cluster, v->name, v->storage_class, provider, region, NULL, v->volume_type};
    return pricing_volume(ctx, &d, source);
}

static double lb_cb(void *ctx, const char *cluster, const char *provider, const char *region, const char **source)
{
    (void)cluster;
    return pricing_lb_hourly(ctx, provider, region, source);
}

static double fee_cb(void *ctx, const char *cluster, const char *provider, const char *region, const char **kind)
{
    return pricing_cluster_fee_for(ctx, cluster, provider, region, kind);
}

int cmd_reprice(int argc, char **argv)
{
    kt_params p;
    kt_err err = {0};
    kt_window w;
    if (flags_parse(flags, argc, argv, &p, &err))
        return cmd_report("reprice", &err);
    if (p.help) {
        flags_usage("reprice", "Recompute stored node, disk, load balancer and fee prices over a window after "
                    "a sheet, an imported list or the catalog changed (daily roll-ups are rebuilt).", flags);
        return 0;
    }
    const char *win = params_get(&p, "window");
    if (!win) {
        kt_fail(&err, KT_EINPUT, "--window is required (e.g. --window 30d)");
        return cmd_report("reprice", &err);
    }
    if (window_parse(win, (int64_t)time(NULL), &w, &err))
        return cmd_report("reprice", &err);
    kt_pricing_opts po = {params_get(&p, "pricing"), params_get(&p, "prices_dir")};
    kt_pricing *pr;
    if (pricing_load(&po, &pr, &err))
        return cmd_report("reprice", &err);
    kt_store *s;
    if (store_open(params_get(&p, "db"), 0, &s, &err)) {
        pricing_free(pr);
        return cmd_report("reprice", &err);
    }
    kt_reprice_fns f = {pr, node_cb, volume_cb, lb_cb, fee_cb};
    kt_reprice_stats st;
    kt_recon_stats rs = {0};
    /* day by day (a collector sharing the store waits at most a day's
     * work), then the days an imported bill priced get the bill again,
     * over the new estimates */
    int rc = store_reprice_window(s, w.start, w.end, &f, &st, &err);
    if (!rc && !(rc = store_begin(s, &err))) {
        if ((rc = bill_reconcile_after_reprice(s, w.start, w.end, &rs, &err)))
            store_rollback(s);
        else
            rc = store_commit(s, &err);
    }
    if (!rc && rs.reconciled)
        printf("%ld asset-days priced by an imported bill kept their billed cost\n", rs.reconciled);
    if (!rc)
        printf("repriced %ld nodes (%ld node-hours: %ld custom, %ld price-list, %ld catalog, %ld spot-estimate, "
               "%ld default), %ld volumes (%ld hours), %ld load balancers (%ld hours), %ld fee-hours; %ld days "
               "rolled up again\n",
               st.nodes, st.node_hours, st.by_source[0], st.by_source[1], st.by_source[2], st.by_source[3],
               st.by_source[4], st.volumes, st.volume_hours, st.lbs, st.lb_hours, st.fee_hours, st.days);
    store_close(s);
    pricing_free(pr);
    return rc ? cmd_report("reprice", &err) : 0;
}

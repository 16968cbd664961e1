/* clusters.c — `kubetally clusters`: every cluster in the store, with health. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cmd/cmd.h"
#include "cmd/flags.h"
#include "engine/window.h"
#include "format/format.h"
#include "store/store.h"
#include "util/buf.h"

static const kt_flag flags[] = {
    {"--output", "output", 0, "-o"},
    {"--db", "db", 0, NULL},
    {NULL, NULL, 0, NULL},
};

static void ago(int64_t t, int64_t now, char *buf, size_t n)
{
    if (t <= 0) snprintf(buf, n, "never");
    else if (now - t < 120) snprintf(buf, n, "%llds ago", (long long)(now - t));
    else if (now - t < 7200) snprintf(buf, n, "%lldm ago", (long long)(now - t) / 60);
    else if (now - t < 172800) snprintf(buf, n, "%lldh ago", (long long)(now - t) / 3600);
    else snprintf(buf, n, "%lldd ago", (long long)(now - t) / 86400);
}

int cmd_clusters(int argc, char **argv)
{
    kt_params p;
    kt_err err = {0};
    enum kt_output out = KT_OUT_TABLE;
    if (flags_parse(flags, argc, argv, &p, &err))
        return cmd_report("clusters", &err);
    if (p.help) {
        flags_usage("clusters", "Every cluster in the store: provider, region, nodes, pods, last contact, last error.", flags);
        return 0;
    }
    const char *o = params_get(&p, "output");
    if (o && cmd_parse_output(o, &out)) {
        kt_fail(&err, KT_EINPUT, "-o: expected table, json or csv, got '%s'", o);
        return cmd_report("clusters", &err);
    }
    kt_store *s;
    kt_cluster_status *c;
    size_t n;
    if (store_open(params_get(&p, "db"), KT_STORE_READONLY, &s, &err))
        return cmd_report("clusters", &err);
    int rc = store_cluster_status(s, &c, &n, &err);
    store_close(s);
    if (rc)
        return cmd_report("clusters", &err);
    kt_buf b = {0};
    int64_t now = (int64_t)time(NULL);
    if (out == KT_OUT_JSON) {
        format_clusters_json(c, n, &b);
    } else if (out == KT_OUT_CSV) {
        format_clusters_csv(c, n, &b);
    } else {
        buf_printf(&b, "%-24s %-8s %-16s %-10s %6s %7s %-12s %s\n", "CLUSTER", "PROVIDER", "REGION", "SOURCE",
                   "NODES", "PODS", "CONTACT", "LAST ERROR");
        for (size_t i = 0; i < n; i++) {
            char a[32];
            ago(c[i].last_contact ? c[i].last_contact : c[i].last_fact, now, a, sizeof a);
            buf_printf(&b, "%-24s %-8s %-16s %-10s %6ld %7ld %-12s %s\n", c[i].name, c[i].provider, c[i].region,
                       c[i].source, c[i].nodes, c[i].pods, a, c[i].last_error[0] ? c[i].last_error : "-");
        }
    }
    fwrite(b.data, 1, b.len, stdout);
    buf_free(&b);
    free(c);
    return 0;
}

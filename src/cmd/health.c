/* health.c — `kubetally health --file DUMP… | --context NAME… |
 * --all-contexts`: node, pod, Job and version health of each cluster (a
 * dump file, or a live cluster read on demand), with the health score of
 * docs/posture.md.  A cluster the store (--db) last heard from longer ago
 * than --silent-after is silent.  Exit status: 0 when the check ran, 2 for
 * bad input, 1 when a cluster cannot be read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "cmd/flags.h"
#include "cmd/posture_input.h"
#include "engine/window.h"
#include "format/health_format.h"
#include "store/store.h"
#include "posture/health.h"
#include "util/buf.h"

static const kt_flag flags[] = {
    POSTURE_INPUT_FLAGS,
    {"--db", "db", 0, NULL},
    {"--now", "now", 0, NULL},
    {"--pending-after", "pending-after", 0, NULL},
    {"--silent-after", "silent-after", 0, NULL},
    {"--last-contact", "last-contact", 0, NULL},
    {"--output", "output", 0, "-o"},
    {NULL, NULL, 0, NULL},
};

static int parse_time_flag(kt_params *p, const char *name, int64_t *t, kt_err *err)
{
    const char *v = params_get(p, name);
    if (v && time_parse_rfc3339(v, t))
        return kt_fail(err, KT_EINPUT, "--%s: expected an RFC3339 time such as 2026-11-29T12:00:00Z, got '%s'", name, v);
    return 0;
}

static int parse_duration_flag(kt_params *p, const char *name, int64_t *d, kt_err *err)
{
    const char *v = params_get(p, name);
    if (v && duration_parse(v, d, err))
        return kt_wrap(err, "--%s: ", name);
    return 0;
}

int cmd_health(int argc, char **argv)
{
    kt_params p;
    kt_err err = {0};
    int n;
    char **v = cmd_expand_multi(argc, argv, "--file", "-f", &n);
    int rc = flags_parse(flags, n, v, &p, &err);
    free(v);   /* p keeps pointers into argv's strings, not into v */
    if (rc)
        return cmd_report("health", &err);
    if (p.help) {
        flags_usage("health", "Node, pod, Job and Kubernetes-version health of each cluster: a dump (kubectl get\n"
                              "nodes,pods,jobs -A -o json) per --file, or live with --context/--all-contexts;\n"
                              "with its health score (docs/posture.md).",
                    flags);
        return 0;
    }
    kt_health_opts o = {(int64_t)time(NULL), 0, 0, 0, NULL};
    const char *out = params_get(&p, "output");
    if (parse_time_flag(&p, "now", &o.now, &err) || parse_time_flag(&p, "last-contact", &o.last_contact, &err) ||
        parse_duration_flag(&p, "pending-after", &o.pending_after, &err) ||
        parse_duration_flag(&p, "silent-after", &o.silent_after, &err))
        return cmd_report("health", &err);
    if (out && strcmp(out, "table") && strcmp(out, "json")) {
        kt_fail(&err, KT_EINPUT, "-o: expected table or json, got '%s'", out);
        return cmd_report("health", &err);
    }
    kt_manifest m = {0};
    if (posture_load_inputs(&p, &m, &err)) {
        manifest_free(&m);
        return cmd_report("health", &err);
    }
    /* last contact per cluster from the store, when there is one */
    kt_health_contacts ct = {NULL, 0};
    kt_store *store;
    kt_err store_err = {0};
    if (!store_open(params_get(&p, "db"), KT_STORE_READONLY, &store, &store_err)) {
        store_cluster_status(store, &ct.st, &ct.n, &store_err);
        store_close(store);
    }
    kt_cluster_health_result *r;
    size_t nr = health_fleet(&m, &o, health_contact_from_store, &ct, &r);
    kt_buf b = {0};
    if (out && !strcmp(out, "json"))
        format_health_json(r, nr, &b);
    else
        format_health_table(r, nr, &b);
    fwrite(b.data, 1, b.len, stdout);
    buf_free(&b);
    health_fleet_free(r, nr);
    free(ct.st);
    manifest_free(&m);
    return 0;
}

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

static json_t *cluster_json(const char *name, const kt_health *h)
{
    json_t *f = json_array();
    for (size_t i = 0; i < h->n; i++)
        json_array_append_new(f, json_pack("{s:s,s:s,s:s,s:s,s:s}", "check", health_kind_names[h->f[i].kind], "kind",
                                           h->f[i].object_kind, "namespace", h->f[i].ns, "name", h->f[i].name,
                                           "detail", h->f[i].detail));
    return json_pack("{s:s,s:i,s:{s:I,s:I},s:{s:I,s:I},s:{s:I,s:I},s:b,s:b,s:o}", "cluster", name, "score", h->score,
                     "nodes", "total",
                          (json_int_t)h->nodes, "unhealthy", (json_int_t)h->bad_nodes, "pods", "total",
                          (json_int_t)h->pods, "unhealthy", (json_int_t)h->bad_pods, "jobs", "total",
                          (json_int_t)h->jobs, "failed", (json_int_t)h->failed_jobs, "endOfLife", h->eol, "silent",
                          h->silent, "findings", f);
}

static void print_table(const char *name, const kt_health *h, kt_buf *b)
{
    buf_printf(b, "%s== %s\n", b->len ? "\n" : "", name);
    for (size_t i = 0; i < h->n; i++) {
        const kt_health_finding *f = &h->f[i];
        buf_printf(b, "%-17s %s %s%s%s: %s\n", health_kind_names[f->kind], *f->object_kind ? f->object_kind : "Cluster",
                   f->ns, *f->ns ? "/" : "", f->name, f->detail);
    }
    buf_printf(b, "%sHealth score %d: %zu of %zu nodes unhealthy, %zu of %zu pods unhealthy, %zu of %zu Jobs failed%s%s\n",
               h->n ? "\n" : "", h->score, h->bad_nodes, h->nodes, h->bad_pods, h->pods, h->failed_jobs, h->jobs,
               h->eol ? ", a Kubernetes version past end of life" : "", h->silent ? ", cluster silent" : "");
}

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
    kt_cluster_status *st = NULL;
    size_t n_st = 0;
    kt_store *store;
    kt_err store_err = {0};
    if (!store_open(params_get(&p, "db"), KT_STORE_READONLY, &store, &store_err)) {
        store_cluster_status(store, &st, &n_st, &store_err);
        store_close(store);
    }
    kt_buf b = {0};
    json_t *all = json_array();
    for (size_t i = 0; i < m.n; i++) {
        int first = 1;   /* one run per cluster: the first object of each file */
        for (size_t k = 0; k < i && first; k++)
            first = m.o[k].file != m.o[i].file;
        if (!first)
            continue;
        kt_health_opts co = o;
        co.file = m.o[i].file;
        for (size_t k = 0; k < n_st && !params_get(&p, "last-contact"); k++)
            if (!strcmp(st[k].name, co.file))
                co.last_contact = st[k].last_contact;
        kt_health h;
        health_check(&m, &co, &h);
        if (out && !strcmp(out, "json"))
            json_array_append_new(all, cluster_json(co.file, &h));
        else
            print_table(co.file, &h, &b);
        health_free(&h);
    }
    if (out && !strcmp(out, "json")) {
        json_t *j = json_pack("{s:o}", "clusters", all);
        char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        buf_puts(&b, s);
        buf_putc(&b, '\n');
        free(s);
        json_decref(j);
    } else {
        json_decref(all);
    }
    fwrite(b.data, 1, b.len, stdout);
    buf_free(&b);
    free(st);
    manifest_free(&m);
    return 0;
}

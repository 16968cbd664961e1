/* health.c — `kubetally health --file DUMP…`: node, pod, Job and version
 * health of one cluster from a dump of its objects (`kubectl get
 * nodes,pods,jobs -A -o json`), with the health score of docs/posture.md.
 * Exit status: 0 when the check ran, 2 for bad input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "cmd/flags.h"
#include "engine/window.h"
#include "posture/health.h"
#include "util/buf.h"

static const kt_flag flags[] = {
    {"--file", "file", 0, "-f"},
    {"--now", "now", 0, NULL},
    {"--pending-after", "pending-after", 0, NULL},
    {"--silent-after", "silent-after", 0, NULL},
    {"--last-contact", "last-contact", 0, NULL},
    {"--output", "output", 0, "-o"},
    {NULL, NULL, 0, NULL},
};

static void print_json(const kt_health *h, kt_buf *b)
{
    json_t *f = json_array();
    for (size_t i = 0; i < h->n; i++)
        json_array_append_new(f, json_pack("{s:s,s:s,s:s,s:s,s:s}", "check", health_kind_names[h->f[i].kind], "kind",
                                           h->f[i].object_kind, "namespace", h->f[i].ns, "name", h->f[i].name,
                                           "detail", h->f[i].detail));
    json_t *j = json_pack("{s:i,s:{s:I,s:I},s:{s:I,s:I},s:{s:I,s:I},s:b,s:b,s:o}", "score", h->score, "nodes", "total",
                          (json_int_t)h->nodes, "unhealthy", (json_int_t)h->bad_nodes, "pods", "total",
                          (json_int_t)h->pods, "unhealthy", (json_int_t)h->bad_pods, "jobs", "total",
                          (json_int_t)h->jobs, "failed", (json_int_t)h->failed_jobs, "endOfLife", h->eol, "silent",
                          h->silent, "findings", f);
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    buf_puts(b, s);
    buf_putc(b, '\n');
    free(s);
    json_decref(j);
}

static void print_table(const kt_health *h, kt_buf *b)
{
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
        flags_usage("health", "Node, pod, Job and Kubernetes-version health of a cluster dump (kubectl get\n"
                              "nodes,pods,jobs -A -o json), with its health score (docs/posture.md).",
                    flags);
        return 0;
    }
    kt_health_opts o = {(int64_t)time(NULL), 0, 0, 0};
    const char *out = params_get(&p, "output");
    if (parse_time_flag(&p, "now", &o.now, &err) || parse_time_flag(&p, "last-contact", &o.last_contact, &err) ||
        parse_duration_flag(&p, "pending-after", &o.pending_after, &err) ||
        parse_duration_flag(&p, "silent-after", &o.silent_after, &err))
        return cmd_report("health", &err);
    if (out && strcmp(out, "table") && strcmp(out, "json")) {
        kt_fail(&err, KT_EINPUT, "-o: expected table or json, got '%s'", out);
        return cmd_report("health", &err);
    }
    if (!params_get(&p, "file")) {
        kt_fail(&err, KT_EINPUT, "give the cluster dump with --file PATH (live health is not built yet)");
        return cmd_report("health", &err);
    }
    kt_manifest m = {0};
    for (int i = 0; i < p.n; i++)
        if (!strcmp(p.name[i], "file") && manifest_load_path(&m, p.value[i], &err)) {
            manifest_free(&m);
            return cmd_report("health", &err);
        }
    kt_health h;
    health_check(&m, &o, &h);
    kt_buf b = {0};
    if (out && !strcmp(out, "json"))
        print_json(&h, &b);
    else
        print_table(&h, &b);
    fwrite(b.data, 1, b.len, stdout);
    buf_free(&b);
    health_free(&h);
    manifest_free(&m);
    return 0;
}

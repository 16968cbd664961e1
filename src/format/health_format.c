/* health_format.c — see health_format.h. */
#include "format/health_format.h"

#include <assert.h>
#include <jansson.h>
#include <stdlib.h>

static json_t *cluster_json(const char *name, const kt_health *h)
{
    json_t *f = json_array();
    for (size_t i = 0; i < h->n; i++)
        json_array_append_new(f, json_pack("{s:s,s:s,s:s,s:s,s:s}", "check", health_kind_names[h->f[i].kind], "kind",
                                           h->f[i].object_kind, "namespace", h->f[i].ns, "name", h->f[i].name,
                                           "detail", h->f[i].detail));
    return json_pack("{s:s,s:i,s:{s:I,s:I},s:{s:I,s:I},s:{s:I,s:I},s:b,s:b,s:o}", "cluster", name, "score", h->score,
                     "nodes", "total", (json_int_t)h->nodes, "unhealthy", (json_int_t)h->bad_nodes, "pods", "total",
                     (json_int_t)h->pods, "unhealthy", (json_int_t)h->bad_pods, "jobs", "total", (json_int_t)h->jobs,
                     "failed", (json_int_t)h->failed_jobs, "endOfLife", h->eol, "silent", h->silent, "findings", f);
}

void format_health_json(const kt_cluster_health_result *r, size_t n, kt_buf *out)
{
    assert(out && (r || !n));
    json_t *all = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(all, cluster_json(r[i].cluster, &r[i].h));
    json_t *j = json_pack("{s:o}", "clusters", all);
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    buf_puts(out, s);
    buf_putc(out, '\n');
    free(s);
    json_decref(j);
}

void format_health_table(const kt_cluster_health_result *r, size_t n, kt_buf *out)
{
    assert(out && (r || !n));
    for (size_t c = 0; c < n; c++) {
        const kt_health *h = &r[c].h;
        buf_printf(out, "%s== %s\n", c ? "\n" : "", r[c].cluster);
        for (size_t i = 0; i < h->n; i++) {
            const kt_health_finding *f = &h->f[i];
            buf_printf(out, "%-17s %s %s%s%s: %s\n", health_kind_names[f->kind],
                       *f->object_kind ? f->object_kind : "Cluster", f->ns, *f->ns ? "/" : "", f->name, f->detail);
        }
        buf_printf(out,
                   "%sHealth score %d: %zu of %zu nodes unhealthy, %zu of %zu pods unhealthy, %zu of %zu Jobs failed%s%s\n",
                   h->n ? "\n" : "", h->score, h->bad_nodes, h->nodes, h->bad_pods, h->pods, h->failed_jobs, h->jobs,
                   h->eol ? ", a Kubernetes version past end of life" : "", h->silent ? ", cluster silent" : "");
    }
}

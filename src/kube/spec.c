/* spec.c — workload specs from YAML manifests; see spec.h. */
#include "kube/spec.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "kube/quantity.h"
#include "util/buf.h"

#define MAX_WORKLOADS 1000

/* The value of `key` in a mapping node, or NULL. */
static yaml_node_t *get(yaml_document_t *d, yaml_node_t *m, const char *key)
{
    if (!m || m->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(d, p->key);
        if (k && k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key))
            return yaml_document_get_node(d, p->value);
    }
    return NULL;
}

static const char *scalar(yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A path of keys from m: path("spec", "template", "spec"). */
static yaml_node_t *path(yaml_document_t *d, yaml_node_t *m, const char *const *keys)
{
    for (; *keys && m; keys++)
        m = get(d, m, *keys);
    return m;
}

static double quantity(yaml_node_t *n)
{
    double v;
    const char *s = scalar(n);
    return s && !kube_parse_quantity(s, &v) ? v : 0;
}

/* Σ over containers of requests (or limits where a request is missing). */
static void add_containers(yaml_document_t *d, yaml_node_t *pod_spec, kt_workload_spec *w)
{
    yaml_node_t *cs = get(d, pod_spec, "containers");
    if (!cs || cs->type != YAML_SEQUENCE_NODE)
        return;
    for (yaml_node_item_t *it = cs->data.sequence.items.start; it < cs->data.sequence.items.top; it++) {
        yaml_node_t *c = yaml_document_get_node(d, *it), *res = get(d, c, "resources");
        yaml_node_t *req = get(d, res, "requests"), *lim = get(d, res, "limits");
        static const char *const names[][2] = {{"cpu", NULL}, {"memory", NULL}, {"nvidia.com/gpu", "amd.com/gpu"}};
        double *dst[] = {&w->cpu, &w->ram, &w->gpu};
        for (int k = 0; k < 3; k++) {
            double v = 0;
            for (int a = 0; a < 2 && names[k][a] && !v; a++)
                v = quantity(get(d, req, names[k][a])) ? quantity(get(d, req, names[k][a]))
                                                      : quantity(get(d, lim, names[k][a]));
            *dst[k] += v;
        }
    }
}

/* One object (or the items of a List). */
static int add_object(yaml_document_t *d, yaml_node_t *o, const char *default_ns, kt_buf *out, kt_err *err)
{
    const char *kind = scalar(get(d, o, "kind"));
    if (!kind)
        return 0;
    if (!strcmp(kind, "List")) {
        yaml_node_t *items = get(d, o, "items");
        if (items && items->type == YAML_SEQUENCE_NODE)
            for (yaml_node_item_t *it = items->data.sequence.items.start; it < items->data.sequence.items.top; it++)
                if (add_object(d, yaml_document_get_node(d, *it), default_ns, out, err))
                    return -1;
        return 0;
    }
    static const char *const tmpl[] = {"spec", "template", "spec", NULL};
    static const char *const cron[] = {"spec", "jobTemplate", "spec", "template", "spec", NULL};
    static const char *const pod[] = {"spec", NULL};
    static const struct { const char *kind; const char *const *spec; const char *replicas; } kinds[] = {
        {"Deployment", tmpl, "replicas"}, {"StatefulSet", tmpl, "replicas"}, {"ReplicaSet", tmpl, "replicas"},
        {"DaemonSet", tmpl, NULL}, {"Job", tmpl, "parallelism"}, {"CronJob", cron, NULL}, {"Pod", pod, NULL},
    };
    size_t k = 0;
    while (k < sizeof kinds / sizeof *kinds && strcmp(kinds[k].kind, kind))
        k++;
    if (k == sizeof kinds / sizeof *kinds)
        return 0;
    if (out->len / sizeof(kt_workload_spec) >= MAX_WORKLOADS)
        return kt_fail(err, KT_EINPUT, "spec: more than %d workloads", MAX_WORKLOADS);
    kt_workload_spec w = {.replicas = 1};
    yaml_node_t *meta = get(d, o, "metadata");
    const char *ns = scalar(get(d, meta, "namespace")), *name = scalar(get(d, meta, "name"));
    if (!name || !*name)
        return kt_fail(err, KT_EINPUT, "spec: a %s without metadata.name", kind);
    snprintf(w.namespace_, sizeof w.namespace_, "%s", ns && *ns ? ns : default_ns);
    snprintf(w.name, sizeof w.name, "%s", name);
    snprintf(w.kind, sizeof w.kind, "%s", kind);
    for (char *c = w.kind; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    const char *r = kinds[k].replicas ? scalar(get(d, get(d, o, "spec"), kinds[k].replicas)) : NULL;
    if (r) {
        char *end;
        double v = strtod(r, &end);
        if (*end || v < 0 || v > 1e6)
            return kt_fail(err, KT_EINPUT, "spec: %s %s: %s is not a count", kind, name, kinds[k].replicas);
        w.replicas = v;
    }
    add_containers(d, path(d, o, kinds[k].spec), &w);
    buf_add(out, (const char *)&w, sizeof w);
    return 0;
}

int kube_spec_parse(const char *yaml, size_t n, const char *default_ns, kt_workload_spec **out, size_t *count,
                    kt_err *err)
{
    yaml_parser_t p;
    kt_buf specs = {0};
    int rc = 0;
    *out = NULL;
    *count = 0;
    if (!default_ns || !*default_ns)
        default_ns = "default";
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)yaml, n);
    for (int doc = 1; !rc; doc++) {
        yaml_document_t d;
        if (!yaml_parser_load(&p, &d)) {
            rc = kt_fail(err, KT_EINPUT, "spec: document %d, line %zu: %s", doc, p.problem_mark.line + 1,
                         p.problem ? p.problem : "not YAML");
            break;
        }
        yaml_node_t *root = yaml_document_get_root_node(&d);
        if (!root) { /* end of the stream */
            yaml_document_delete(&d);
            break;
        }
        rc = add_object(&d, root, default_ns, &specs, err);
        yaml_document_delete(&d);
    }
    yaml_parser_delete(&p);
    if (rc) {
        buf_free(&specs);
        return -1;
    }
    *count = specs.len / sizeof **out;
    *out = *count ? (kt_workload_spec *)buf_steal(&specs) : NULL;
    buf_free(&specs);
    return 0;
}

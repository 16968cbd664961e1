/* resilience.c — critical workloads across nodes, zones, regions and
 * clouds; see resilience.h. */
#include "posture/resilience.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "posture/jx.h"
#include "util/buf.h"

static int controller_kind(const char *k)
{
    return !strcmp(k, "Deployment") || !strcmp(k, "StatefulSet") || !strcmp(k, "ReplicaSet") ||
           !strcmp(k, "ReplicationController");
}

int resilience_is_critical(const kt_placement *pl, const kt_posture_rules *r, const kt_workload *w)
{
    const char *k = r->critical_key, *v = r->critical_value;
    json_t *ns = placement_namespace(pl, w->ns);
    return rules_label_match(jx_get(w->meta, "labels"), k, v) ||
           rules_label_match(jx_get(w->meta, "annotations"), k, v) ||
           rules_label_match(jx_get(w->pod_meta, "labels"), k, v) ||
           (ns && rules_label_match(jx_path(ns, "metadata.labels"), k, v));
}

static int pod_ready(const json_t *pod)
{
    size_t i;
    json_t *c;
    json_array_foreach(jx_path(pod, "status.conditions"), i, c) {
        const char *t = jx_str(c, "type"), *s = jx_str(c, "status");
        if (t && !strcmp(t, "Ready"))
            return s && !strcmp(s, "True");
    }
    return 0;
}

/* Distinct values seen, up to two (we only ask "one or several?"). */
typedef struct distinct {
    const char *first;
    int several, any;
} distinct;

static void see(distinct *d, const char *v)
{
    if (!v || !*v)
        return;
    if (!d->any)
        d->first = v, d->any = 1;
    else if (strcmp(d->first, v))
        d->several = 1;
}

/* Where one critical workload's Ready pods run (within its own file). */
typedef struct spread {
    size_t ready, placed;
    distinct node, zone, region, provider;
} spread;

static void spread_of(const kt_manifest *m, const kt_placement *pl, const kt_workload *w, const char *file,
                      spread *s)
{
    size_t k;
    json_t *idx;
    json_array_foreach(manifest_kind_list(pl->kinds, "Pod"), k, idx) {
        size_t i = (size_t)json_integer_value(idx);
        const json_t *pod = m->o[i].obj;
        if (m->o[i].file != file || !placement_owns(w, pod) || !pod_ready(pod))
            continue;
        s->ready++;
        const kt_place *n = placement_node(pl, jx_str(jx_get(pod, "spec"), "nodeName"));
        if (!n)
            continue;
        s->placed++;
        see(&s->node, n->name);
        see(&s->zone, n->cloud.zone);
        see(&s->region, n->cloud.region);
        see(&s->provider, n->cloud.provider);
    }
}

static int any_pods(const kt_manifest *m, const kt_placement *pl, const char *file)
{
    size_t k;
    json_t *idx;
    json_array_foreach(manifest_kind_list(pl->kinds, "Pod"), k, idx)
        if (m->o[json_integer_value(idx)].file == file)
            return 1;
    return 0;
}

static void check_one(const kt_manifest *m, const kt_placement *pl, const kt_workload *w, const char *file,
                      kt_findings *out, spread *s)
{
    json_t *replicas = jx_path(w->obj, "spec.replicas");
    long long want = json_is_integer(replicas) ? json_integer_value(replicas) : 1;
    if (want < 2)
        findings_add(out, "resilience/replicas", 1, w->kind, w->ns, w->name,
                     "critical workload runs %lld replica%s: one failure takes it down", want, want == 1 ? "" : "s");
    if (!placement_pdb(m, pl->kinds, w->ns, jx_get(w->pod_meta, "labels")))
        findings_add(out, "resilience/pdb", 0, w->kind, w->ns, w->name,
                     "no PodDisruptionBudget selects its pods: a drain may evict them all at once");
    spread_of(m, pl, w, file, s);
    if (!s->ready && any_pods(m, pl, file))
        findings_add(out, "resilience/unavailable", 1, w->kind, w->ns, w->name, "none of its pods is Ready");
    if (s->placed > 1 && !s->node.several)
        findings_add(out, "resilience/node", 1, w->kind, w->ns, w->name, "all %zu Ready pods run on node %s",
                     s->placed, s->node.first);
    if (s->placed && s->zone.any && !s->zone.several)
        findings_add(out, "resilience/zone", 1, w->kind, w->ns, w->name, "all %zu Ready pods run in zone %s",
                     s->placed, s->zone.first);
}

/* The same workload (namespace/kind/name) in several clusters (files):
 * merge where their Ready pods run, and report one cloud or one region. */
typedef struct app {
    const kt_workload *w;
    const char *first_file;
    int clusters;
    distinct region, provider, zone;
    int placed;
} app;

void resilience_check(const kt_manifest *m, const kt_posture_rules *r, const kt_placement *pl, kt_findings *out,
                      kt_resilience_summary *sum)
{
    assert(m && r && pl && out && sum);
    memset(sum, 0, sizeof *sum);
    kt_workload *ws = xcalloc(m->n ? m->n : 1, sizeof *ws);
    app *apps = xcalloc(m->n ? m->n : 1, sizeof *apps);
    size_t n_apps = 0;
    for (size_t i = 0; i < m->n; i++) {
        kt_workload *w = &ws[i];
        if (!workload_from_object(m->o[i].obj, w) || !controller_kind(w->kind) || !resilience_is_critical(pl, r, w))
            continue;
        spread s;
        memset(&s, 0, sizeof s);
        size_t before = out->n;
        check_one(m, pl, w, m->o[i].file, out, &s);
        findings_set_cluster(out, before, m->o[i].file);
        app *a = NULL;
        for (size_t k = 0; k < n_apps && !a; k++)
            if (!strcmp(apps[k].w->ns, w->ns) && !strcmp(apps[k].w->kind, w->kind) && !strcmp(apps[k].w->name, w->name))
                a = &apps[k];
        if (!a) {
            a = &apps[n_apps++];
            a->w = w;
            a->first_file = m->o[i].file;
        }
        a->clusters += !a->clusters || a->first_file != m->o[i].file;
        if (s.placed) {
            a->placed = 1;
            see(&a->region, s.region.first), a->region.several |= s.region.several;
            see(&a->provider, s.provider.first), a->provider.several |= s.provider.several;
            see(&a->zone, s.zone.first), a->zone.several |= s.zone.several;
        }
    }
    sum->apps = xcalloc(n_apps ? n_apps : 1, sizeof *sum->apps);
    for (size_t k = 0; k < n_apps; k++) {
        app *a = &apps[k];
        kt_resilience_app *out_app = &sum->apps[sum->critical++];
        out_app->ns = a->w->ns, out_app->kind = a->w->kind, out_app->name = a->w->name;
        if (!a->placed)
            continue;
        sum->placed++;
        out_app->placed = 1;
        out_app->one_provider = a->provider.any && !a->provider.several;
        out_app->one_region = a->region.any && !a->region.several;
        out_app->one_zone = a->zone.any && !a->zone.several;
        sum->one_provider += (size_t)out_app->one_provider;
        sum->one_region += (size_t)out_app->one_region;
        sum->one_zone += (size_t)out_app->one_zone;
        if (a->clusters < 2)
            continue;
        if (a->provider.any && !a->provider.several)
            findings_add(out, "resilience/single-cloud", 0, a->w->kind, a->w->ns, a->w->name,
                         "runs in %d clusters, all its Ready pods in one cloud (%s)", a->clusters, a->provider.first);
        else if (a->region.any && !a->region.several)
            findings_add(out, "resilience/single-region", 0, a->w->kind, a->w->ns, a->w->name,
                         "runs in %d clusters, all its Ready pods in one region (%s)", a->clusters, a->region.first);
    }
    free(apps);
    free(ws);
}

void resilience_summary_free(kt_resilience_summary *sum)
{
    free(sum->apps);
    sum->apps = NULL;
}

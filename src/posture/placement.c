/* placement.c — nodes' and volumes' places, pods of a workload; see
 * placement.h. */
#include "posture/placement.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "posture/jx.h"
#include "util/buf.h"

static const char *label_of(void *ctx, const char *key)
{
    return jx_str((const json_t *)ctx, key);
}

void placement_build(const kt_manifest *m, kt_placement *p)
{
    assert(m && p);
    memset(p, 0, sizeof *p);
    p->m = m;
    p->kinds = manifest_kind_index(m);
    size_t k;
    json_t *idx;
    json_array_foreach(manifest_kind_list(p->kinds, "Node"), k, idx) {
        json_t *n = m->o[json_integer_value(idx)].obj;
        p->nodes = xrealloc(p->nodes, (p->n_nodes + 1) * sizeof *p->nodes);
        kt_place *pl = &p->nodes[p->n_nodes++];
        pl->name = jx_str(jx_get(n, "metadata"), "name") ? jx_str(jx_get(n, "metadata"), "name") : "";
        kube_cloud_detect(label_of, jx_path(n, "metadata.labels"), jx_str(jx_get(n, "spec"), "providerID"), &pl->cloud);
    }
}

void placement_free(kt_placement *p)
{
    if (!p)
        return;
    free(p->nodes);
    json_decref(p->kinds);
    memset(p, 0, sizeof *p);
}

const kt_place *placement_node(const kt_placement *p, const char *name)
{
    for (size_t i = 0; name && i < p->n_nodes; i++)
        if (!strcmp(p->nodes[i].name, name))
            return &p->nodes[i];
    return NULL;
}

/* Labels for kube_cloud_detect from a PV: its own, else its node affinity's
 * first value for each topology key. */

static const char *affinity_value(const json_t *pv, const char *key)
{
    size_t i, j;
    json_t *term, *ex;
    json_array_foreach(jx_path(pv, "spec.nodeAffinity.required.nodeSelectorTerms"), i, term)
        json_array_foreach(jx_get(term, "matchExpressions"), j, ex) {
            const char *k = jx_str(ex, "key");
            if (k && !strcmp(k, key))
                return json_string_value(json_array_get(jx_get(ex, "values"), 0));
        }
    return NULL;
}

static const char *pv_label(void *ctx, const char *key)
{
    const json_t *pv = ctx;
    const char *v = jx_str(jx_path(pv, "metadata.labels"), key);
    return v ? v : affinity_value(pv, key);
}

void placement_volume(const json_t *pv, kt_cloud *out)
{
    static const struct { const char *key, *provider_id; } csi[] = {
        {"topology.ebs.csi.aws.com/zone", "aws:///"},
        {"topology.gke.io/zone", "gce:///"},
        {"topology.disk.csi.azure.com/zone", "azure:///"}};
    const char *provider_id = NULL;
    for (size_t i = 0; i < 3 && !provider_id; i++)
        if (affinity_value(pv, csi[i].key))
            provider_id = csi[i].provider_id;
    kube_cloud_detect(pv_label, (void *)pv, provider_id, out);
    if (!*out->zone)   /* a CSI driver's own zone key */
        for (size_t i = 0; i < 3; i++) {
            const char *z = affinity_value(pv, csi[i].key);
            if (z) {
                static const char *zone_key = "topology.kubernetes.io/zone";
                json_t *labels = json_pack("{s:s}", zone_key, z);
                kube_cloud_detect(label_of, labels, csi[i].provider_id, out);
                /* the region may point into labels: copy it out before freeing */
                char region[sizeof out->region_buf];
                snprintf(region, sizeof region, "%s", out->region);
                memcpy(out->region_buf, region, sizeof region);
                out->region = out->region_buf;
                out->zone = "";
                json_decref(labels);
                break;
            }
        }
}

int placement_owns(const kt_workload *w, const json_t *pod)
{
    json_t *meta = jx_get(pod, "metadata");
    const char *ns = jx_str(meta, "namespace");
    if (strcmp(ns ? ns : "", w->ns))
        return 0;
    json_t *sel = jx_path(w->obj, "spec.selector.matchLabels");
    if (!json_is_object(sel))
        sel = jx_get(w->pod_meta, "labels");
    if (!json_is_object(sel) || !json_object_size(sel))
        return 0;
    const char *k;
    json_t *v;
    json_t *labels = jx_get(meta, "labels");
    json_object_foreach(sel, k, v)
        if (!json_equal(v, jx_get(labels, k)))
            return 0;
    return 1;
}

json_t *placement_namespace(const kt_placement *pl, const char *ns)
{
    size_t k;
    json_t *i;
    json_array_foreach(ns ? manifest_kind_list(pl->kinds, "Namespace") : NULL, k, i) {
        json_t *o = pl->m->o[json_integer_value(i)].obj;
        const char *name = jx_str(jx_get(o, "metadata"), "name");
        if (name && !strcmp(name, ns))
            return o;
    }
    return NULL;
}

int placement_selects(const json_t *selector, const json_t *labels)
{
    json_t *ml = jx_get(selector, "matchLabels");
    if (!json_is_object(ml) || !json_object_size(ml))
        return 0;
    const char *k;
    json_t *v;
    json_object_foreach(ml, k, v) {
        json_t *have = jx_get(labels, k);
        if (!json_is_string(have) || !json_is_string(v) || strcmp(json_string_value(have), json_string_value(v)))
            return 0;
    }
    return 1;
}

json_t *placement_pdb(const kt_manifest *m, const json_t *kinds, const char *ns, const json_t *labels)
{
    size_t k;
    json_t *i;
    json_array_foreach(manifest_kind_list(kinds, "PodDisruptionBudget"), k, i) {
        json_t *o = m->o[json_integer_value(i)].obj;
        const char *pns = jx_str(jx_get(o, "metadata"), "namespace");
        if ((!pns || !ns || !*pns || !*ns || !strcmp(pns, ns)) && placement_selects(jx_path(o, "spec.selector"), labels))
            return o;
    }
    return NULL;
}

/* residency.c — data residency rules; see residency.h. */
#include "posture/residency.h"

#include <assert.h>
#include <fnmatch.h>
#include <string.h>

#include "posture/jx.h"
#include "util/buf.h"

int residency_allows(const kt_residency_rule *rule, const char *region)
{
    for (size_t i = 0; region && *region && i < rule->n_regions; i++)
        if (!fnmatch(rule->regions[i], region, 0))
            return 1;
    return 0;
}

/* The rule applies to obj: its own labels or its namespace's carry the rule's label. */
static int applies(const kt_placement *pl, const kt_residency_rule *rule, const json_t *obj)
{
    json_t *meta = jx_get(obj, "metadata");
    if (rules_label_match(jx_get(meta, "labels"), rule->key, rule->value))
        return 1;
    json_t *ns = placement_namespace(pl, jx_str(meta, "namespace"));
    return ns && rules_label_match(jx_path(ns, "metadata.labels"), rule->key, rule->value);
}

static void allowed_list(const kt_residency_rule *rule, kt_buf *b)
{
    for (size_t i = 0; i < rule->n_regions; i++)
        buf_printf(b, "%s%s", i ? ", " : "", rule->regions[i]);
}

static void check_pod(const kt_manifest *m, const kt_residency_rule *rule, const kt_placement *pl, const json_t *pod,
                      kt_findings *out, const char *check)
{
    const kt_place *node = placement_node(pl, jx_str(jx_get(pod, "spec"), "nodeName"));
    if (!node || residency_allows(rule, node->cloud.region))
        return;
    json_t *meta = jx_get(pod, "metadata");
    kt_buf allowed = {0};
    allowed_list(rule, &allowed);
    findings_add(out, check, 1, "Pod", jx_str(meta, "namespace"), jx_str(meta, "name"),
                 "runs on node %s in region %s (%s); rule %s (%s%s%s) allows only %s", node->name,
                 *node->cloud.region ? node->cloud.region : "unknown", node->cloud.provider, rule->name, rule->key,
                 rule->value ? "=" : "", rule->value ? rule->value : "", allowed.data);
    buf_free(&allowed);
}

static void check_claim(const kt_manifest *m, const kt_residency_rule *rule, const json_t *pvc, kt_findings *out,
                        const char *check)
{
    const char *vol = jx_str(jx_get(pvc, "spec"), "volumeName");
    for (size_t i = 0; vol && i < m->n; i++) {
        const json_t *pv = m->o[i].obj;
        const char *kind = jx_str(pv, "kind"), *name = jx_str(jx_get(pv, "metadata"), "name");
        if (!kind || strcmp(kind, "PersistentVolume") || !name || strcmp(name, vol))
            continue;
        kt_cloud c;
        placement_volume(pv, &c);
        if (!*c.region || residency_allows(rule, c.region))
            return;
        json_t *meta = jx_get(pvc, "metadata");
        kt_buf allowed = {0};
        allowed_list(rule, &allowed);
        findings_add(out, check, 1, "PersistentVolumeClaim", jx_str(meta, "namespace"), jx_str(meta, "name"),
                     "volume %s is in region %s; rule %s allows only %s", vol, c.region, rule->name, allowed.data);
        buf_free(&allowed);
        return;
    }
}

void residency_check(const kt_manifest *m, const kt_posture_rules *r, const kt_placement *pl, kt_findings *out)
{
    assert(m && r && pl && out);
    for (size_t k = 0; k < r->n_residency; k++) {
        const kt_residency_rule *rule = &r->residency[k];
        char check[96];
        snprintf(check, sizeof check, "residency/%s", rule->name);
        for (size_t i = 0; i < m->n; i++) {
            const json_t *o = m->o[i].obj;
            const char *kind = jx_str(o, "kind");
            if (!kind || !applies(pl, rule, o))
                continue;
            size_t before = out->n;
            if (!strcmp(kind, "Pod"))
                check_pod(m, rule, pl, o, out, check);
            else if (!strcmp(kind, "PersistentVolumeClaim"))
                check_claim(m, rule, o, out, check);
            findings_set_cluster(out, before, m->o[i].file);
        }
    }
}

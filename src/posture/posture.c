/* posture.c — Polaris and Pod Security Standards over one set of objects;
 * see posture.h. */
#include "posture/posture.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "posture/jx.h"
#include "posture/residency.h"
#include "posture/workload.h"
#include "util/buf.h"

const char *const pss_mode_names[3] = {"enforce", "warn", "audit"};

/* Read one namespace's PSA labels and judge its pods by each mode. */
/* Pods count only in the same cluster (input file or context) as the Namespace. */
static void judge_namespace(const kt_manifest *m, const json_t *owners, size_t ns_idx, kt_posture_ns *n)
{
    json_t *ns_obj = m->o[ns_idx].obj;
    n->cluster = m->o[ns_idx].file;
    json_t *meta = jx_get(ns_obj, "metadata"), *labels = jx_get(meta, "labels");
    n->name = jx_str(meta, "name") ? jx_str(meta, "name") : "";
    for (int k = 0; k < 3; k++) {
        char key[96];
        snprintf(key, sizeof key, "pod-security.kubernetes.io/%s", pss_mode_names[k]);
        const char *lv = jx_str(labels, key);
        snprintf(key, sizeof key, "pod-security.kubernetes.io/%s-version", pss_mode_names[k]);
        const char *ver = jx_str(labels, key);
        if (!lv)
            continue;
        n->mode[k].set = 1;
        n->mode[k].minor = PSS_LATEST_MINOR;
        if (pss_parse_level(lv, &n->mode[k].level) || (ver && pss_parse_version(ver, &n->mode[k].minor))) {
            n->mode[k].invalid = 1;
            n->mode[k].level = PSS_RESTRICTED;
            n->mode[k].minor = PSS_LATEST_MINOR;
        }
    }
    for (size_t i = 0; i < m->n; i++) {
        kt_workload w;
        if (m->o[i].file != m->o[ns_idx].file || !workload_from_object(m->o[i].obj, &w) || strcmp(w.ns, n->name) ||
            workload_owned(owners, m->o[i].obj))
            continue;
        n->pods++;
        for (int k = 0; k < 3; k++)
            if (n->mode[k].set && pss_evaluate(n->mode[k].level, n->mode[k].minor, w.pod_meta, w.pod_spec, NULL, 0))
                n->mode[k].rejected++;
    }
}

void posture_audit(const kt_manifest *m, const pol_config *polaris, const kt_posture_rules *rules, pss_level level,
                   int minor, kt_posture *out)
{
    assert(m && polaris && rules && out && minor >= 0);
    memset(out, 0, sizeof *out);
    out->m = m;
    out->level = level;
    out->minor = minor;
    pol_audit_run(polaris, m, &out->polaris);
    json_t *owners = workload_owners(m);
    size_t cap = 0;
    for (size_t i = 0; i < m->n; i++) {
        kt_workload w;
        if (!workload_from_object(m->o[i].obj, &w) || workload_owned(owners, m->o[i].obj))
            continue;
        grow_array((void **)&out->pods, &cap, out->n_pods, sizeof *out->pods);
        kt_posture_pod *p = &out->pods[out->n_pods++];
        pss_violation v[PSS_NCHECKS];
        p->obj = i;
        p->kind = w.kind;
        p->name = w.name;
        p->ns = w.ns;
        p->n = pss_evaluate(level, minor, w.pod_meta, w.pod_spec, v, PSS_NCHECKS);
        /* the level met, reusing the audited level's verdict (two runs, not three) */
        if (level == PSS_BASELINE)
            p->met = p->n ? PSS_PRIVILEGED
                          : pss_evaluate(PSS_RESTRICTED, minor, w.pod_meta, w.pod_spec, NULL, 0) ? PSS_BASELINE
                                                                                                : PSS_RESTRICTED;
        else if (level == PSS_RESTRICTED)
            p->met = !p->n ? PSS_RESTRICTED
                           : pss_evaluate(PSS_BASELINE, minor, w.pod_meta, w.pod_spec, NULL, 0) ? PSS_PRIVILEGED
                                                                                               : PSS_BASELINE;
        else
            p->met = pss_level_met(minor, w.pod_meta, w.pod_spec);
        p->v = p->n ? xmalloc(p->n * sizeof *p->v) : NULL;
        if (p->n)
            memcpy(p->v, v, p->n * sizeof *p->v);
    }
    cap = 0;
    for (size_t i = 0; i < m->n; i++) {
        const char *kind = jx_str(m->o[i].obj, "kind");
        if (!kind || strcmp(kind, "Namespace"))
            continue;
        grow_array((void **)&out->ns, &cap, out->n_ns, sizeof *out->ns);
        judge_namespace(m, owners, i, &out->ns[out->n_ns++]);
    }
    json_decref(owners);
    out->pol_of = xmalloc((m->n ? m->n : 1) * sizeof *out->pol_of);
    out->pod_of = xmalloc((m->n ? m->n : 1) * sizeof *out->pod_of);
    for (size_t i = 0; i < m->n; i++)
        out->pol_of[i] = out->pod_of[i] = SIZE_MAX;
    for (size_t i = 0; i < out->polaris.n; i++)
        out->pol_of[out->polaris.o[i].obj] = i;
    for (size_t i = 0; i < out->n_pods; i++)
        out->pod_of[out->pods[i].obj] = i;
    kt_placement pl;
    placement_build(m, &pl);
    residency_check(m, rules, &pl, &out->findings);
    resilience_check(m, rules, &pl, &out->findings, &out->resilience);
    placement_free(&pl);
}

void posture_free(kt_posture *p)
{
    if (!p)
        return;
    pol_audit_free(&p->polaris);
    for (size_t i = 0; i < p->n_pods; i++)
        free(p->pods[i].v);
    free(p->pods);
    free(p->ns);
    free(p->pol_of);
    free(p->pod_of);
    findings_free(&p->findings);
    resilience_summary_free(&p->resilience);
    memset(p, 0, sizeof *p);
}

const kt_posture_pod *posture_pod_of(const kt_posture *p, size_t obj)
{
    return obj < p->m->n && p->pod_of[obj] != SIZE_MAX ? &p->pods[p->pod_of[obj]] : NULL;
}

const pol_object_result *posture_polaris_of(const kt_posture *p, size_t obj)
{
    return obj < p->m->n && p->pol_of[obj] != SIZE_MAX ? &p->polaris.o[p->pol_of[obj]] : NULL;
}

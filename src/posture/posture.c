/* posture.c — Polaris and Pod Security Standards over one set of objects;
 * see posture.h. */
#include "posture/posture.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "posture/workload.h"
#include "util/buf.h"

void posture_audit(const kt_manifest *m, const pol_config *polaris, pss_level level, int minor, kt_posture *out)
{
    assert(m && polaris && out && minor >= 0);
    memset(out, 0, sizeof *out);
    out->m = m;
    out->level = level;
    out->minor = minor;
    pol_audit_run(polaris, m, &out->polaris);
    size_t cap = 0;
    for (size_t i = 0; i < m->n; i++) {
        kt_workload w;
        if (!workload_from_object(m->o[i].obj, &w))
            continue;
        grow_array((void **)&out->pods, &cap, out->n_pods, sizeof *out->pods);
        kt_posture_pod *p = &out->pods[out->n_pods++];
        pss_violation v[PSS_NCHECKS];
        p->obj = i;
        p->kind = w.kind;
        p->name = w.name;
        p->ns = w.ns;
        p->met = pss_level_met(minor, w.pod_meta, w.pod_spec);
        p->n = pss_evaluate(level, minor, w.pod_meta, w.pod_spec, v, PSS_NCHECKS);
        p->v = p->n ? xmalloc(p->n * sizeof *p->v) : NULL;
        if (p->n)
            memcpy(p->v, v, p->n * sizeof *p->v);
    }
}

void posture_free(kt_posture *p)
{
    if (!p)
        return;
    pol_audit_free(&p->polaris);
    for (size_t i = 0; i < p->n_pods; i++)
        free(p->pods[i].v);
    free(p->pods);
    memset(p, 0, sizeof *p);
}

const kt_posture_pod *posture_pod_of(const kt_posture *p, size_t obj)
{
    for (size_t i = 0; i < p->n_pods; i++)
        if (p->pods[i].obj == obj)
            return &p->pods[i];
    return NULL;
}

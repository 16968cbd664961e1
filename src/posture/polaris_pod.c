/* polaris_pod.c — Polaris' pod-spec, pod-template and controller checks,
 * including those that look at a second object among the ones audited
 * together (ServiceAccount, NetworkPolicy, PodDisruptionBudget, HPA). */
#include "posture/polaris_internal.h"
#include "posture/placement.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static json_t *spec(const pol_ctx *x)
{
    assert(x->w && x->w->pod_spec);
    return x->w->pod_spec;
}

/* Automounting is off on the pod, or, when the pod leaves it unset, on the
 * ServiceAccount it runs as (which must then be among the objects). */
POL_CHECK(automountServiceAccountToken)
{
    json_t *v = jx_get(spec(x), "automountServiceAccountToken");
    if (json_is_false(v))
        return 1;
    if (v && !json_is_null(v))
        return 0;
    const char *sa = jx_str(spec(x), "serviceAccountName");
    if (!sa || !*sa)
        sa = jx_str(spec(x), "serviceAccount");
    json_t *acct = pol_find(x, "ServiceAccount", sa && *sa ? sa : "default", x->w->ns);
    return jx_false(acct, "automountServiceAccountToken");
}

POL_CHECK(hostIPCSet) { return !jx_true(spec(x), "hostIPC"); }
POL_CHECK(hostNetworkSet) { return !jx_true(spec(x), "hostNetwork"); }
POL_CHECK(hostPIDSet) { return !jx_true(spec(x), "hostPID"); }

POL_CHECK(hostPathSet)
{
    size_t i;
    json_t *v;
    json_array_foreach(jx_get(spec(x), "volumes"), i, v) {
        json_t *hp = jx_get(v, "hostPath");
        if (hp && !json_is_null(hp))
            return 0;
    }
    return 1;
}

/* windowsOptions.hostProcess, where set (pod, regular containers), is false. */
static int no_host_process(const json_t *sc)
{
    json_t *hp = jx_get(jx_get(sc, "windowsOptions"), "hostProcess");
    return !hp || json_is_null(hp) || json_is_false(hp);
}

POL_CHECK(hostProcess)
{
    size_t i;
    json_t *c;
    json_array_foreach(jx_get(spec(x), "containers"), i, c)
        if (!no_host_process(jx_get(c, "securityContext")))
            return 0;
    return no_host_process(jx_get(spec(x), "securityContext"));
}

POL_CHECK(priorityClassNotSet)
{
    const char *p = jx_str(spec(x), "priorityClassName");
    return p && *p;
}

POL_CHECK(procMount)
{
    size_t i;
    json_t *c;
    json_array_foreach(jx_get(spec(x), "containers"), i, c) {
        json_t *pm = jx_get(jx_get(c, "securityContext"), "procMount");
        if (pm && !json_is_null(pm) && !(json_is_string(pm) && !strcmp(json_string_value(pm), "Default")))
            return 0;
    }
    return 1;
}

POL_CHECK(topologySpreadConstraint) { return jx_len(spec(x), "topologySpreadConstraints") > 0; }

/* Some NetworkPolicy in the namespace selects the pod and has both ingress
 * and egress rules (and, when it lists policyTypes, both types). */
POL_CHECK(missingNetworkPolicy)
{
    json_t *labels = jx_get(x->w->pod_meta, "labels");
    if (labels && (!json_is_object(labels) || !json_object_size(labels)))
        return 0;
    size_t k;
    json_t *i;
    json_array_foreach(manifest_kind_list(x->kinds, "NetworkPolicy"), k, i) {
        json_t *np = x->m->o[json_integer_value(i)].obj;
        if (!pol_same_ns(jx_str(jx_get(np, "metadata"), "namespace"), x->w->ns))
            continue;
        json_t *s = jx_get(np, "spec"), *types = jx_get(s, "policyTypes");
        if (!placement_selects(jx_get(s, "podSelector"), labels) || !jx_len(s, "egress") || !jx_len(s, "ingress"))
            continue;
        if (types && !(jx_has_str(types, "Egress", 1) && jx_has_str(types, "Ingress", 1)))
            continue;
        return 1;
    }
    return 0;
}

POL_CHECK(deploymentMissingReplicas)
{
    json_t *r = jx_path(x->obj, "spec.replicas");
    return json_is_integer(r) && json_integer_value(r) >= 2;
}

POL_CHECK(metadataAndInstanceMismatched)
{
    json_t *meta = jx_get(x->obj, "metadata");
    if (!meta)
        return 1;
    const char *inst = jx_str(jx_get(meta, "labels"), "app.kubernetes.io/instance");
    const char *name = jx_str(meta, "name");
    return inst && !strcmp(inst, name ? name : "");
}

/* The PodDisruptionBudget in the workload's namespace that selects its pods. */
static json_t *pdb_for(const pol_ctx *x)
{
    return placement_pdb(x->m, x->kinds, x->w->ns, jx_get(x->w->pod_meta, "labels"));
}

POL_CHECK(missingPodDisruptionBudget)
{
    json_t *labels = jx_get(x->w->pod_meta, "labels");
    return json_is_object(labels) && json_object_size(labels) && pdb_for(x);
}

/* The HPA whose scaleTargetRef names this workload. */
static json_t *hpa_for(const pol_ctx *x)
{
    size_t k;
    json_t *i;
    json_array_foreach(manifest_kind_list(x->kinds, "HorizontalPodAutoscaler"), k, i) {
        json_t *o = x->m->o[json_integer_value(i)].obj, *ref = jx_path(o, "spec.scaleTargetRef");
        const char *rk = jx_str(ref, "kind"), *rn = jx_str(ref, "name");
        if (rk && !strcmp(rk, x->w->kind) && rn &&
            !strcmp(rn, x->w->name) && pol_same_ns(jx_str(jx_get(o, "metadata"), "namespace"), x->w->ns))
            return o;
    }
    return NULL;
}

/* A PDB's minAvailable above the HPA's minReplicas blocks every voluntary
 * eviction at the minimum scale.  A percentage is of the Deployment's
 * replicas, rounded up as Kubernetes does; without replicas it is not
 * judged. */
POL_CHECK(pdbMinAvailableGreaterThanHPAMinReplicas)
{
    json_t *pdb = pdb_for(x), *hpa = hpa_for(x);
    json_t *min_avail = jx_path(pdb, "spec.minAvailable"), *min_rep = jx_path(hpa, "spec.minReplicas");
    if (!pdb || !hpa || !json_is_integer(min_rep) || !min_avail)
        return 1;
    double need;
    if (json_is_integer(min_avail)) {
        need = (double)json_integer_value(min_avail);
    } else if (json_is_string(min_avail) && strchr(json_string_value(min_avail), '%')) {
        json_t *replicas = jx_path(x->obj, "spec.replicas");
        if (!json_is_integer(replicas))
            return 1;
        need = ceil(atof(json_string_value(min_avail)) * (double)json_integer_value(replicas) / 100.0);
    } else {
        return 1;
    }
    return need <= (double)json_integer_value(min_rep);
}

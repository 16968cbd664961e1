/* workload.c — find the pod inside an object; see workload.h. */
#include "posture/workload.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "posture/jx.h"

const char *const workload_container_lists[3] = {"containers", "initContainers", "ephemeralContainers"};

int workload_from_object(json_t *obj, kt_workload *w)
{
    assert(w);
    memset(w, 0, sizeof *w);
    if (!json_is_object(obj))
        return 0;
    const char *kind = jx_str(obj, "kind");
    json_t *pod;
    if (kind && !strcmp(kind, "Pod"))
        pod = obj;
    else if (kind && !strcmp(kind, "CronJob"))
        pod = jx_path(obj, "spec.jobTemplate.spec.template");
    else if (kind && !strcmp(kind, "PodTemplate"))
        pod = jx_get(obj, "template");
    else
        pod = jx_path(obj, "spec.template");
    if (!json_is_object(jx_get(pod, "spec")))
        return 0;
    w->obj = obj;
    w->kind = kind ? kind : "";
    w->meta = jx_get(obj, "metadata");
    w->name = jx_str(w->meta, "name") ? jx_str(w->meta, "name") : "";
    w->ns = jx_str(w->meta, "namespace") ? jx_str(w->meta, "namespace") : "";
    w->pod = pod;
    w->pod_meta = jx_get(pod, "metadata");
    w->pod_spec = jx_get(pod, "spec");
    return 1;
}

static void owner_key(char *buf, size_t n, const char *kind, const char *ns, const char *name)
{
    snprintf(buf, n, "%s\x1f%s\x1f%s", kind ? kind : "", ns ? ns : "", name ? name : "");
}

json_t *workload_owners(const kt_manifest *m)
{
    assert(m);
    json_t *idx = json_object();
    for (size_t i = 0; i < m->n; i++) {
        json_t *meta = jx_get(m->o[i].obj, "metadata");
        char key[600];
        owner_key(key, sizeof key, jx_str(m->o[i].obj, "kind"), jx_str(meta, "namespace"), jx_str(meta, "name"));
        json_object_set_new(idx, key, json_true());
    }
    return idx;
}

int workload_owned(const json_t *index, const json_t *obj)
{
    json_t *meta = jx_get(obj, "metadata");
    size_t i;
    json_t *ref;
    json_array_foreach(jx_get(meta, "ownerReferences"), i, ref) {
        if (!jx_true(ref, "controller"))
            continue;
        char key[600];
        owner_key(key, sizeof key, jx_str(ref, "kind"), jx_str(meta, "namespace"), jx_str(ref, "name"));
        if (jx_get(index, key))
            return 1;
    }
    return 0;
}

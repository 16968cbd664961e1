/* workload.c — find the pod inside an object; see workload.h. */
#include "posture/workload.h"

#include <assert.h>
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

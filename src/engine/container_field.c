/* container_field.c — see container_field.h. */
#include "engine/container_field.h"

const char *container_field(void *vp, enum kt_field f, const char *key, int idx)
{
    kt_container_ref *c = vp;
    const kt_dataset *ds = c->ds;
    const ds_pod *p = &ds->pods[ds->containers[c->container].pod];
    const ds_node *n = p->node == KT_NONE ? NULL : &ds->nodes[p->node];
    if (f == F_SERVICES)
        return (uint32_t)idx < p->n_svcs ? strtab_get(&ds->strs, ds->svcs[p->svc_off + idx]) : NULL;
    if (idx > 0)
        return NULL;
    uint32_t id = 0;
    switch (f) {
    case F_CLUSTER: id = ds->clusters[p->cluster].name; break;
    case F_NODE: id = n ? n->name : 0; break;
    case F_NAMESPACE: id = p->namespace_; break;
    case F_CONTROLLER: id = p->controller; break;
    case F_CONTROLLER_KIND: id = p->controller_kind; break;
    case F_CONTAINER: id = ds->containers[c->container].name; break;
    case F_POD: id = p->name; break;
    case F_PROVIDER: id = n ? n->provider : ds->clusters[p->cluster].provider; break;
    case F_REGION: id = n ? n->region : ds->clusters[p->cluster].region; break;
    case F_ZONE: id = n ? n->zone : 0; break;
    case F_LABEL:
    case F_ANNOTATION: {
        uint32_t k = strtab_find(&ds->strs, key);
        id = k == UINT32_MAX ? 0 : ds_pod_label(ds, p, k, f == F_ANNOTATION);
        break;
    }
    default: break;
    }
    return strtab_get(&ds->strs, id);
}

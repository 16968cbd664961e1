/* decode_node.c — a Node into kt_node_obj: capacity and cloud facts; see
 * decode.h and cloud.h. */
#include <string.h>

#include "kube/cloud.h"
#include "kube/decode_internal.h"

/* kt_label_lookup over the node's metadata.labels (a JSON object). */
static const char *json_label(void *ctx, const char *key)
{
    return json_string_value(json_object_get(ctx, key));
}

/* status.capacity, not allocatable: a node is priced whole, and what the
 * kubelet reserves for itself is part of what the cluster pays for. */
static void decode_capacity(json_t *cap, kt_node_obj *n)
{
    const char *key;
    json_t *v;
    json_object_foreach(cap, key, v) {
        if (!strcmp(key, "cpu"))
            n->cpu_cores = decode_quantity(v);
        else if (!strcmp(key, "memory"))
            n->ram_bytes = decode_quantity(v);
        else if (decode_is_gpu(key))
            n->gpus += decode_quantity(v);
    }
}

int decode_node(kt_decoder *d, json_t *obj, kt_node_obj *n, kt_err *err)
{
    kt_meta m;
    if (decode_named(d, K_NODE, obj, &m, NULL, &n->name, err))
        return -1;
    n->uid = decode_cstr(d, m.uid);
    n->created = m.created;
    const char *pid = decode_get_str(decode_get_obj(obj, "spec"), "providerID");
    n->provider_id = decode_cstr(d, pid);

    kt_cloud c;
    kube_cloud_detect(m.labels ? json_label : NULL, m.labels, pid, &c);
    n->provider = decode_cstr(d, c.provider);
    n->region = decode_cstr(d, c.region);
    n->zone = decode_cstr(d, c.zone);
    n->instance_type = decode_cstr(d, c.instance_type);
    n->pool = decode_cstr(d, c.pool);
    n->capacity_type = decode_cstr(d, c.capacity_type);
    n->gpu_type = decode_cstr(d, c.gpu_type);
    n->spot = c.spot;

    json_t *status = decode_get_obj(obj, "status");
    json_t *info = decode_get_obj(status, "nodeInfo");
    /* labels first (what schedulers select on), nodeInfo for nodes without them */
    n->arch = decode_cstr(d, *c.arch ? c.arch : decode_get_str(info, "architecture"));
    n->os = decode_cstr(d, *c.os ? c.os : decode_get_str(info, "operatingSystem"));
    decode_capacity(decode_get_obj(status, "capacity"), n);
    return 0;
}

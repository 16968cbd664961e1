/* decode_posture.c — the posture facts of a pod, node or namespace: the
 * parts of the API object that posture and health checks read, as compact
 * JSON text, with everything that differs pod by pod but is never checked
 * left out (uid, resourceVersion, managedFields, IPs, container IDs, every
 * timestamp), so pods of one template give byte-identical text and the
 * collector keeps one copy of it; see decode.h.
 *
 * Per pod two texts:
 *   shape   {"metadata":{labels, annotations, ownerReferences},
 *            "spec": the whole spec without nodeName}
 *   status  {"phase", "conditions":[{type,status,reason,message}],
 *            "containerStatuses"/"initContainerStatuses":
 *              [{name, restartCount, state:{K:{reason}}, lastState:{K:{reason}}}]}
 * name, namespace, nodeName and creationTimestamp are facts of kt_pod_obj
 * already.  A node: {"metadata":{name,labels,annotations},"spec",
 * "status":{conditions (as above), nodeInfo}}; a namespace: {"metadata":
 * {name,labels,annotations}}.  Keys keep the API's order. */
#include <string.h>

#include "kube/decode_internal.h"
#include "util/buf.h"

/* Copy obj[key] into dst when present (shared, not copied). */
static void take(json_t *dst, json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (v)
        json_object_set(dst, key, v);
}

static json_t *pick(json_t *obj, const char *const *keys)
{
    json_t *o = json_object();
    for (size_t i = 0; keys[i]; i++)
        take(o, obj, keys[i]);
    return o;
}

static json_t *conditions(json_t *list)
{
    static const char *const keep[] = {"type", "status", "reason", "message", NULL};
    json_t *out = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c)
        json_array_append_new(out, pick(c, keep));
    return out;
}

/* {running:{…}} → {running:{}}; waiting/terminated keep their reason only. */
static json_t *state(json_t *st)
{
    json_t *out = json_object(), *v;
    const char *key;
    json_object_foreach(st, key, v) {
        json_t *s = json_object();
        take(s, v, "reason");
        json_object_set_new(out, key, s);
    }
    return out;
}

static json_t *container_statuses(json_t *list)
{
    json_t *out = json_array();
    size_t i;
    json_t *cs;
    json_array_foreach(list, i, cs) {
        json_t *o = json_object();
        take(o, cs, "name");
        take(o, cs, "restartCount");
        if (json_is_object(json_object_get(cs, "state")))
            json_object_set_new(o, "state", state(json_object_get(cs, "state")));
        if (json_is_object(json_object_get(cs, "lastState")))
            json_object_set_new(o, "lastState", state(json_object_get(cs, "lastState")));
        json_array_append_new(out, o);
    }
    return out;
}

static json_t *pod_status(json_t *status)
{
    json_t *out = json_object(), *v;
    const char *key;
    json_object_foreach(status, key, v) {
        if (!strcmp(key, "phase"))
            json_object_set(out, key, v);
        else if (!strcmp(key, "conditions"))
            json_object_set_new(out, key, conditions(v));
        else if (!strcmp(key, "containerStatuses") || !strcmp(key, "initContainerStatuses"))
            json_object_set_new(out, key, container_statuses(v));
    }
    return out;
}

static json_t *pod_shape(json_t *obj)
{
    static const char *const meta_keys[] = {"labels", "annotations", "ownerReferences", NULL};
    json_t *out = json_object();
    json_object_set_new(out, "metadata", pick(decode_get_obj(obj, "metadata"), meta_keys));
    json_t *spec = decode_get_obj(obj, "spec");
    if (spec) {
        json_t *s = json_copy(spec); /* shallow: the values stay shared */
        json_object_del(s, "nodeName");
        json_object_set_new(out, "spec", s);
    }
    return out;
}

static json_t *node_text(json_t *obj)
{
    static const char *const meta_keys[] = {"name", "labels", "annotations", NULL};
    json_t *out = json_object(), *st = decode_get_obj(obj, "status"), *s = json_object();
    json_object_set_new(out, "metadata", pick(decode_get_obj(obj, "metadata"), meta_keys));
    take(out, obj, "spec");
    if (json_is_array(json_object_get(st, "conditions")))
        json_object_set_new(s, "conditions", conditions(json_object_get(st, "conditions")));
    take(s, st, "nodeInfo");
    json_object_set_new(out, "status", s);
    return out;
}

static json_t *namespace_text(json_t *obj)
{
    static const char *const meta_keys[] = {"name", "labels", "annotations", NULL};
    json_t *out = json_object();
    json_object_set_new(out, "metadata", pick(decode_get_obj(obj, "metadata"), meta_keys));
    return out;
}

/* Dump v (then released) into b, reused call after call. */
static void dump(json_t *v, kt_buf *b, const char **s, size_t *len)
{
    size_t need = json_dumpb(v, b->data, b->cap, JSON_COMPACT);
    if (need > b->cap) {
        buf_reserve(b, need - b->len);
        need = json_dumpb(v, b->data, b->cap, JSON_COMPACT);
    }
    json_decref(v);
    b->len = need <= b->cap ? need : 0;
    *s = b->data;
    *len = b->len;
}

void decode_posture(kt_decoder *d, json_t *obj, kt_object *out)
{
    switch (out->kind) {
    case K_POD:
        dump(pod_shape(obj), &d->posture[0], &out->posture[0], &out->posture_len[0]);
        dump(pod_status(decode_get_obj(obj, "status")), &d->posture[1], &out->posture[1], &out->posture_len[1]);
        break;
    case K_NODE:
        dump(node_text(obj), &d->posture[0], &out->posture[0], &out->posture_len[0]);
        break;
    case K_NAMESPACE:
        dump(namespace_text(obj), &d->posture[0], &out->posture[0], &out->posture_len[0]);
        break;
    default:
        break;
    }
}

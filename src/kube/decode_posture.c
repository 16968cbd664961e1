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
 * {name,labels,annotations}}.
 *
 * Every other kind posture reads (kube_posture_kinds): one text,
 *   {"metadata":{labels, annotations, ownerReferences}, FIELDS}
 * without name and namespace (the kt_object's key) and without kubectl's
 * last-applied-configuration annotation (a whole manifest, never checked),
 * where FIELDS are the top-level fields its checks read (obj_fields below):
 * a controller's, PDB's, HPA's, network policy's, ingress's, volume's or
 * claim's spec; a Job's spec and status conditions (failed Jobs); a
 * ServiceAccount's automountServiceAccountToken; a role's rules; a
 * binding's roleRef and subjects; a ConfigMap's data with every value
 * that cannot hold a private key emptied (Polaris'
 * sensitiveConfigmapContent reads key names, and values only for a
 * "-----BEGIN … PRIVATE KEY-----" block, matched without case: keeping the
 * rest would hold the cluster's configuration in memory for nothing).
 * Status, uid, resourceVersion, timestamps and managedFields are left
 * out, so a ReplicaSet's scaling or a controller's status updates give
 * the same text.  Keys keep the API's order. */
#include <stdio.h>
#include <string.h>

#include "kube/decode_internal.h"
#include "util/buf.h"

/* `sep` then "key": — sep is "{" before an object's first member, then ",". */
static void put_key(kt_buf *b, const char **sep, const char *key)
{
    buf_puts(b, *sep);
    buf_json_str(b, key);
    buf_putc(b, ':');
    *sep = ",";
}

/* Compact JSON of v, written straight into b (jansson's own dump guards
 * every object against cycles through a hash table, which cost more than
 * the decoding itself; parsed API answers have no cycles). */
static void put(kt_buf *b, json_t *v)
{
    const char *key;
    json_t *x;
    size_t i;
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *sep = "{";
        json_object_foreach(v, key, x) {
            put_key(b, &sep, key);
            put(b, x);
        }
        buf_puts(b, *sep == '{' ? "{}" : "}");
        break;
    }
    case JSON_ARRAY:
        buf_putc(b, '[');
        json_array_foreach(v, i, x) {
            if (i)
                buf_putc(b, ',');
            put(b, x);
        }
        buf_putc(b, ']');
        break;
    case JSON_STRING: buf_json_strn(b, json_string_value(v), json_string_length(v)); break;
    case JSON_INTEGER: buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v)); break;
    case JSON_REAL: {
        char num[40];
        int n = snprintf(num, sizeof num, "%.17g", json_real_value(v));
        buf_add(b, num, (size_t)n);
        if (!strpbrk(num, ".eEn")) /* stays a real when read back (inf/nan cannot occur in JSON) */
            buf_puts(b, ".0");
        break;
    }
    case JSON_TRUE: buf_puts(b, "true"); break;
    case JSON_FALSE: buf_puts(b, "false"); break;
    default: buf_puts(b, "null"); break;
    }
}

/* "key":value for each of keys present in obj, comma-separated; *sep is
 * "{" before the first member written, "," after. */
static void put_keys(kt_buf *b, json_t *obj, const char *const *keys, const char **sep)
{
    for (size_t i = 0; keys[i]; i++) {
        json_t *v = json_object_get(obj, keys[i]);
        if (!v)
            continue;
        put_key(b, sep, keys[i]);
        put(b, v);
    }
}

static void close_obj(kt_buf *b, const char *sep)
{
    buf_puts(b, *sep == '{' ? "{}" : "}");
}

/* {"metadata":{…keys of obj.metadata…} */
static void put_meta(kt_buf *b, json_t *obj, const char *const *keys)
{
    const char *sep = "{";
    buf_puts(b, "{\"metadata\":");
    put_keys(b, decode_get_obj(obj, "metadata"), keys, &sep);
    close_obj(b, sep);
}

static void put_conditions(kt_buf *b, json_t *list)
{
    static const char *const keep[] = {"type", "status", "reason", "message", NULL};
    size_t i;
    json_t *c;
    buf_putc(b, '[');
    json_array_foreach(list, i, c) {
        const char *sep = "{";
        if (i)
            buf_putc(b, ',');
        put_keys(b, c, keep, &sep);
        close_obj(b, sep);
    }
    buf_putc(b, ']');
}

/* {running:{…}} → {"running":{}}; waiting/terminated keep their reason only. */
static void put_state(kt_buf *b, json_t *st)
{
    static const char *const keep[] = {"reason", NULL};
    const char *key, *sep = "{";
    json_t *v;
    json_object_foreach(st, key, v) {
        const char *inner = "{";
        put_key(b, &sep, key);
        put_keys(b, v, keep, &inner);
        close_obj(b, inner);
    }
    close_obj(b, sep);
}

static void put_container_statuses(kt_buf *b, json_t *list)
{
    static const char *const keep[] = {"name", "restartCount", NULL};
    static const char *const states[] = {"state", "lastState"};
    size_t i;
    json_t *cs;
    buf_putc(b, '[');
    json_array_foreach(list, i, cs) {
        const char *sep = "{";
        if (i)
            buf_putc(b, ',');
        put_keys(b, cs, keep, &sep);
        for (int k = 0; k < 2; k++) {
            json_t *st = json_object_get(cs, states[k]);
            if (!json_is_object(st))
                continue;
            put_key(b, &sep, states[k]);
            put_state(b, st);
        }
        close_obj(b, sep);
    }
    buf_putc(b, ']');
}

static void put_pod_status(kt_buf *b, json_t *status)
{
    const char *key, *sep = "{";
    json_t *v;
    json_object_foreach(status, key, v) {
        int phase = !strcmp(key, "phase"), cond = !strcmp(key, "conditions");
        int cs = !strcmp(key, "containerStatuses") || !strcmp(key, "initContainerStatuses");
        if (!phase && !cond && !cs)
            continue;
        put_key(b, &sep, key);
        if (phase)
            put(b, v);
        else if (cond)
            put_conditions(b, v);
        else
            put_container_statuses(b, v);
    }
    close_obj(b, sep);
}

static void put_pod_shape(kt_buf *b, json_t *obj)
{
    static const char *const meta_keys[] = {"labels", "annotations", "ownerReferences", NULL};
    put_meta(b, obj, meta_keys);
    json_t *spec = decode_get_obj(obj, "spec"), *v;
    if (spec) {
        const char *key, *sep = "{";
        buf_puts(b, ",\"spec\":");
        json_object_foreach(spec, key, v) {
            if (!strcmp(key, "nodeName"))
                continue;
            put_key(b, &sep, key);
            put(b, v);
        }
        close_obj(b, sep);
    }
    buf_putc(b, '}');
}

static void put_node(kt_buf *b, json_t *obj)
{
    static const char *const meta_keys[] = {"name", "labels", "annotations", NULL};
    json_t *st = decode_get_obj(obj, "status"), *spec = json_object_get(obj, "spec");
    put_meta(b, obj, meta_keys);
    if (spec) {
        buf_puts(b, ",\"spec\":");
        put(b, spec);
    }
    buf_puts(b, ",\"status\":{");
    const char *sep = "";
    if (json_is_array(json_object_get(st, "conditions"))) {
        buf_puts(b, "\"conditions\":");
        put_conditions(b, json_object_get(st, "conditions"));
        sep = ",";
    }
    if (json_object_get(st, "nodeInfo")) {
        buf_printf(b, "%s\"nodeInfo\":", sep);
        put(b, json_object_get(st, "nodeInfo"));
    }
    buf_puts(b, "}}");
}

static void put_namespace(kt_buf *b, json_t *obj)
{
    static const char *const meta_keys[] = {"name", "labels", "annotations", NULL};
    put_meta(b, obj, meta_keys);
    buf_putc(b, '}');
}

/* The top-level fields kept of a kind other than pod, node and namespace. */
static const char *const *obj_fields(enum kt_kind kind)
{
    static const char *const spec[] = {"spec", NULL}, *const job[] = {"spec", "status", NULL},
                             *const sa[] = {"automountServiceAccountToken", NULL}, *const cm[] = {"data", NULL},
                             *const role[] = {"rules", NULL}, *const binding[] = {"roleRef", "subjects", NULL};
    switch (kind) {
    case K_JOB: return job;
    case K_SERVICEACCOUNT: return sa;
    case K_CONFIGMAP: return cm;
    case K_ROLE:
    case K_CLUSTERROLE: return role;
    case K_ROLEBINDING:
    case K_CLUSTERROLEBINDING: return binding;
    default: return spec;
    }
}

/* A ConfigMap's data: keys kept, a value only where a private key may be. */
static void put_configmap_data(kt_buf *b, json_t *data)
{
    if (!json_is_object(data)) {
        put(b, data);
        return;
    }
    const char *key, *sep = "{";
    json_t *v;
    json_object_foreach(data, key, v) {
        put_key(b, &sep, key);
        if (json_is_string(v) && !strcasestr(json_string_value(v), "private key"))
            buf_puts(b, "\"\"");
        else
            put(b, v);
    }
    close_obj(b, sep);
}

static void put_object(kt_buf *b, enum kt_kind kind, json_t *obj)
{
    static const char *const meta_keys[] = {"labels", "annotations", "ownerReferences", NULL};
    json_t *meta = decode_get_obj(obj, "metadata"), *v;
    const char *sep = "{", *key;
    buf_puts(b, "{\"metadata\":");
    for (size_t i = 0; meta_keys[i]; i++) {
        if (!(v = json_object_get(meta, meta_keys[i])))
            continue;
        put_key(b, &sep, meta_keys[i]);
        if (i != 1 || !json_is_object(v)) {
            put(b, v);
            continue;
        }
        const char *inner = "{";
        json_t *a;
        json_object_foreach(v, key, a) {
            if (strcmp(key, "kubectl.kubernetes.io/last-applied-configuration")) {
                put_key(b, &inner, key);
                put(b, a);
            }
        }
        close_obj(b, inner);
    }
    close_obj(b, sep);
    for (const char *const *f = obj_fields(kind); *f; f++) {
        if (!(v = json_object_get(obj, *f)))
            continue;
        buf_putc(b, ',');
        buf_json_str(b, *f);
        buf_putc(b, ':');
        if (kind == K_CONFIGMAP)
            put_configmap_data(b, v);
        else if (!strcmp(*f, "status")) { /* a Job's: its conditions only */
            sep = "{";
            if (json_is_array(json_object_get(v, "conditions"))) {
                put_key(b, &sep, "conditions");
                put_conditions(b, json_object_get(v, "conditions"));
            }
            close_obj(b, sep);
        } else
            put(b, v);
    }
    buf_putc(b, '}');
}

static void done(kt_buf *b, const char **s, size_t *len)
{
    *s = b->data;
    *len = b->len;
}

void decode_posture(kt_decoder *d, json_t *obj, kt_object *out)
{
    kt_buf *b0 = &d->posture[0], *b1 = &d->posture[1];
    buf_reset(b0);
    switch (out->kind) {
    case K_POD:
        buf_reset(b1);
        put_pod_shape(b0, obj);
        put_pod_status(b1, decode_get_obj(obj, "status"));
        done(b0, &out->posture[0], &out->posture_len[0]);
        done(b1, &out->posture[1], &out->posture_len[1]);
        break;
    case K_NODE:
        put_node(b0, obj);
        done(b0, &out->posture[0], &out->posture_len[0]);
        break;
    case K_NAMESPACE:
        put_namespace(b0, obj);
        done(b0, &out->posture[0], &out->posture_len[0]);
        break;
    case K_SERVICE:
    case K_STORAGECLASS: /* costing's only */
        break;
    default:
        put_object(b0, out->kind, obj);
        done(b0, &out->posture[0], &out->posture_len[0]);
        break;
    }
}

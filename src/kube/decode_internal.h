/* decode_internal.h — what decode.c, decode_pod.c, decode_node.c and
 * decode_misc.c share: the decoder's scratch and small JSON readers.
 *
 * Every reader treats a field of the wrong JSON type as absent (NULL, 0,
 * ""), so API objects from odd sources decode to what can be read. */
#ifndef KT_KUBE_DECODE_INTERNAL_H
#define KT_KUBE_DECODE_INTERNAL_H

#include <jansson.h>
#include <stdint.h>

#include "kube/decode.h"
#include "util/buf.h"

/* Label and annotation values longer than this are dropped: Kubernetes caps
 * label values at 63 bytes, and a longer annotation (a serialized manifest,
 * a certificate) is never a cost dimension but would stay in the strtab. */
#define KT_DECODE_MAX_KV 1024

/* Growable scratch arrays reused call after call (n = used, cap = allocated). */
typedef struct kt_kv_scratch { kt_kv_id *v; size_t n, cap; } kt_kv_scratch;

struct kt_decoder {
    kt_strtab *strs;
    kt_kv_scratch labels, annotations, selector;
    kt_container_obj *containers; size_t cap_containers;
    uint32_t *claims; size_t cap_claims;
    int keep_posture;              /* kube_decoder_keep_posture */
    kt_buf posture[2];             /* the posture texts' scratch */
};

/* The metadata fields every kind reads, from one pass over metadata. */
typedef struct kt_meta {
    const char *name, *namespace_, *uid;
    json_t *labels, *annotations, *owners;
    int64_t created, deleted;
} kt_meta;

/* Read metadata; fails (naming `kind` and the field) without metadata.name,
 * or without metadata.namespace when `namespaced`. */
int decode_meta(enum kt_kind kind, json_t *obj, int namespaced, kt_meta *m, kt_err *err);
/* decode_meta, then the namespace and name interned (ns may be NULL). */
int decode_named(kt_decoder *d, enum kt_kind kind, json_t *obj, kt_meta *m, uint32_t *ns, uint32_t *name,
                 kt_err *err);

/* Intern a JSON string (NULL or another type ⇒ id 0). */
uint32_t decode_str(kt_decoder *d, json_t *v);
uint32_t decode_cstr(kt_decoder *d, const char *s);
/* obj[key] as a string, NULL when absent or not a string. */
const char *decode_get_str(json_t *obj, const char *key);
/* obj[key] when it is an object, else NULL. */
json_t *decode_get_obj(json_t *obj, const char *key);
/* A quantity string as a number; absent, another type or unparsable ⇒ 0. */
double decode_quantity(json_t *v);

/* A string map (labels, annotations, selector) into scratch s (reset
 * first); pairs with a non-string value or an over-long key/value are
 * skipped.  Sets *out and *n to the result. */
void decode_kv(kt_decoder *d, json_t *map, kt_kv_scratch *s, kt_kv_id **out, size_t *n);

/* The first ownerReference with controller: true (kind and name ids). */
void decode_controller(kt_decoder *d, json_t *owners, uint32_t *kind, uint32_t *name);

/* GPU resource names kubetally counts (nvidia.com/gpu, amd.com/gpu,
 * gpu.intel.com/i915); 1 when `key` is one. */
int decode_is_gpu(const char *key);

int decode_pod(kt_decoder *d, json_t *obj, kt_pod_obj *p, kt_err *err);
int decode_node(kt_decoder *d, json_t *obj, kt_node_obj *n, kt_err *err);
int decode_namespace(kt_decoder *d, json_t *obj, kt_namespace_obj *ns, kt_err *err);
int decode_pv(kt_decoder *d, json_t *obj, kt_pv_obj *pv, kt_err *err);
int decode_pvc(kt_decoder *d, json_t *obj, kt_pvc_obj *pvc, kt_err *err);
int decode_service(kt_decoder *d, json_t *obj, kt_service_obj *svc, kt_err *err);
int decode_storageclass(kt_decoder *d, json_t *obj, kt_storageclass_obj *sc, kt_err *err);
/* The posture texts of out->kind's object into out (decode_posture.c). */
void decode_posture(kt_decoder *d, json_t *obj, kt_object *out);
int decode_owner(kt_decoder *d, enum kt_kind kind, json_t *obj, kt_owner_obj *o, kt_err *err);
/* A posture-only kind (objects.h): its namespace and name. */
int decode_named_kind(kt_decoder *d, enum kt_kind kind, json_t *obj, kt_named_obj *o, kt_err *err);

#endif

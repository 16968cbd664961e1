/* jx.h — small read-only lookups into decoded Kubernetes objects (jansson).
 *
 * Contract: every function accepts NULL anywhere (a missing parent) and
 * answers "absent" for it, so a check reads `jx_str(jx_path(spec,
 * "securityContext.seccompProfile"), "type")` without testing each level.
 * Nothing here allocates or takes ownership; returned pointers borrow from
 * the object. */
#ifndef KT_POSTURE_JX_H
#define KT_POSTURE_JX_H

#include <jansson.h>

/* obj[key] when obj is an object, else NULL. */
json_t *jx_get(const json_t *obj, const char *key);
/* Follow a dotted path of object keys ("spec.template.spec"); NULL when any
 * step is missing or not an object. Keys containing dots cannot be named. */
json_t *jx_path(const json_t *obj, const char *path);
/* obj[key] as a string, or NULL when absent or not a string. */
const char *jx_str(const json_t *obj, const char *key);
/* 1 when obj[key] is JSON true. */
int jx_true(const json_t *obj, const char *key);
/* 1 when obj[key] is JSON false. */
int jx_false(const json_t *obj, const char *key);
/* obj[key] is an array (possibly empty): its size, else 0. */
size_t jx_len(const json_t *obj, const char *key);
/* 1 when v is a non-empty string/array/object, a non-zero number or true:
 * what a Go template's `if` treats as set. */
int jx_truthy(const json_t *v);
/* Array arr contains a string equal to s (case-insensitive when icase). */
int jx_has_str(const json_t *arr, const char *s, int icase);

#endif

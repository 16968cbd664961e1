/* jx.c — NULL-tolerant lookups into decoded objects; see jx.h. */
#include "posture/jx.h"

#include <string.h>
#include <strings.h>

json_t *jx_get(const json_t *obj, const char *key)
{
    return json_is_object(obj) ? json_object_get(obj, key) : NULL;
}

json_t *jx_path(const json_t *obj, const char *path)
{
    char key[128];
    json_t *cur = (json_t *)obj;
    while (cur && *path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        if (n >= sizeof key)
            return NULL;
        memcpy(key, path, n);
        key[n] = 0;
        cur = jx_get(cur, key);
        path += n + (dot ? 1 : 0);
    }
    return cur;
}

const char *jx_str(const json_t *obj, const char *key)
{
    return json_string_value(jx_get(obj, key));
}

int jx_true(const json_t *obj, const char *key)
{
    return json_is_true(jx_get(obj, key));
}

int jx_false(const json_t *obj, const char *key)
{
    return json_is_false(jx_get(obj, key));
}

size_t jx_len(const json_t *obj, const char *key)
{
    return json_array_size(jx_get(obj, key));
}

int jx_truthy(const json_t *v)
{
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_OBJECT: return json_object_size(v) > 0;
    case JSON_ARRAY: return json_array_size(v) > 0;
    case JSON_STRING: return json_string_length(v) > 0;
    case JSON_INTEGER: return json_integer_value(v) != 0;
    case JSON_REAL: return json_real_value(v) != 0;
    case JSON_TRUE: return 1;
    default: return 0;
    }
}

int jx_has_str(const json_t *arr, const char *s, int icase)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        const char *x = json_string_value(v);
        if (x && (icase ? !strcasecmp(x, s) : !strcmp(x, s)))
            return 1;
    }
    return 0;
}

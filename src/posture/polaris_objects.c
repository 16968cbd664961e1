/* polaris_objects.c — Polaris' checks on objects other than workloads:
 * HorizontalPodAutoscaler, PodDisruptionBudget, Ingress, ConfigMap; and the
 * lookup and pattern helpers every check file shares. */
#include "posture/polaris_internal.h"

#include <pthread.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

int pol_same_ns(const char *a, const char *b)
{
    return !a || !b || !*a || !*b || !strcmp(a, b);
}

json_t *pol_find(const pol_ctx *x, const char *kind, const char *name, const char *ns)
{
    size_t k;
    json_t *i;
    json_array_foreach(name ? manifest_kind_list(x->kinds, kind) : NULL, k, i) {
        json_t *o = x->m->o[json_integer_value(i)].obj, *meta = jx_get(o, "metadata");
        const char *n = jx_str(meta, "name");
        if (n && !strcmp(n, name) && (!ns || pol_same_ns(jx_str(meta, "namespace"), ns)))
            return o;
    }
    return NULL;
}

/* Compiled patterns, kept for the life of the process (a handful). */
static struct {
    const char *src;
    regex_t re;
} patterns[32];
static size_t n_patterns;
static pthread_mutex_t patterns_lock = PTHREAD_MUTEX_INITIALIZER;

int pol_match(const char *pattern, const char *s)
{
    regex_t *re = NULL;
    pthread_mutex_lock(&patterns_lock);
    for (size_t i = 0; i < n_patterns && !re; i++)
        if (patterns[i].src == pattern || !strcmp(patterns[i].src, pattern))
            re = &patterns[i].re;
    if (!re && n_patterns < sizeof patterns / sizeof *patterns &&
        !regcomp(&patterns[n_patterns].re, pattern, REG_EXTENDED | REG_ICASE | REG_NOSUB | REG_NEWLINE)) {
        patterns[n_patterns].src = pattern;
        re = &patterns[n_patterns++].re;
    }
    pthread_mutex_unlock(&patterns_lock);
    return re && !regexec(re, s, 0, NULL, 0);
}

/* maxReplicas set and >= 1; minReplicas, where set, >= 1 and below it. */
POL_CHECK(hpaMaxAvailability)
{
    json_t *s = jx_get(x->obj, "spec");
    if (!s)
        return 1;
    json_t *min = jx_get(s, "minReplicas"), *max = jx_get(s, "maxReplicas");
    if (!json_is_integer(max) || json_integer_value(max) < 1)
        return 0;
    if (min && !json_is_null(min) && (!json_is_integer(min) || json_integer_value(min) < 1))
        return 0;
    return !jx_truthy(min) || json_integer_value(max) > json_integer_value(min);
}

POL_CHECK(hpaMinAvailability)
{
    json_t *min = jx_path(x->obj, "spec.minReplicas");
    return !min || json_is_null(min) || (json_is_integer(min) && json_integer_value(min) >= 2);
}

static int is_str(const json_t *v, const char *s)
{
    return json_is_string(v) && !strcmp(json_string_value(v), s);
}

POL_CHECK(pdbDisruptionsIsZero)
{
    json_t *s = jx_get(x->obj, "spec");
    if (!json_is_object(s))
        return 0;
    json_t *min = jx_get(s, "minAvailable"), *max = jx_get(s, "maxUnavailable");
    return !is_str(min, "100%") && !(json_is_integer(max) && json_integer_value(max) == 0) && !is_str(max, "0%");
}

POL_CHECK(tlsSettingsMissing)
{
    return json_is_array(jx_path(x->obj, "spec.tls"));
}

int pol_sensitive_name(const char *s)
{
    return pol_match("^AWS_SECRET_ACCESS_KEY$", s) || pol_match("^GOOGLE_APPLICATION_CREDENTIALS$", s) ||
           pol_match("^AZURE_.+KEY$", s) || pol_match("^OCI_CLI_KEY_CONTENT$", s) || pol_match("password", s) ||
           pol_match("token", s) || pol_match("bearer", s) || pol_match("secret", s);
}

int pol_private_key(const char *s)
{
    return pol_match("[[:space:]]*-BEGIN[[:space:]]+.*PRIVATE KEY-[[:space:]]*", s);
}

/* Keys that name secrets, or values holding a private key. */
POL_CHECK(sensitiveConfigmapContent)
{
    const char *k;
    json_t *v;
    json_object_foreach(jx_get(x->obj, "data"), k, v)
        if (pol_sensitive_name(k) || (json_is_string(v) && pol_private_key(json_string_value(v))))
            return 0;
    return 1;
}

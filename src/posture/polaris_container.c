/* polaris_container.c — Polaris' container checks, each the plain-C
 * meaning of Polaris' schema for it (../shared/data/polaris/checks/).
 * A field that is null counts as absent, as it does once Polaris has
 * decoded the object into Kubernetes' Go types. */
#include "posture/polaris_internal.h"

#include <assert.h>
#include <string.h>

static int set(const json_t *v)
{
    return v && !json_is_null(v);
}

static json_t *csc(const pol_ctx *x)
{
    return jx_get(x->container, "securityContext");
}

static json_t *psc(const pol_ctx *x)
{
    return jx_get(x->w->pod_spec, "securityContext");
}

/* resources.<kind>.<res> is set and not the empty string. */
static int resource_set(const pol_ctx *x, const char *kind, const char *res)
{
    assert(x->container);
    json_t *v = jx_get(jx_get(jx_get(x->container, "resources"), kind), res);
    return set(v) && !(json_is_string(v) && !*json_string_value(v));
}

POL_CHECK(cpuLimitsMissing) { return resource_set(x, "limits", "cpu"); }
POL_CHECK(cpuRequestsMissing) { return resource_set(x, "requests", "cpu"); }
POL_CHECK(memoryLimitsMissing) { return resource_set(x, "limits", "memory"); }
POL_CHECK(memoryRequestsMissing) { return resource_set(x, "requests", "memory"); }

POL_CHECK(dangerousCapabilities)
{
    json_t *add = jx_get(jx_get(csc(x), "capabilities"), "add");
    return !(jx_has_str(add, "ALL", 1) || jx_has_str(add, "SYS_ADMIN", 1) || jx_has_str(add, "NET_ADMIN", 1));
}

/* drop must hold ALL, or else every one of Docker's default capabilities
 * (Polaris' oneOf: exactly one of the two is true). */
POL_CHECK(insecureCapabilities)
{
    static const char *const defaults[] = {"NET_ADMIN", "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER",
                                           "MKNOD", "NET_RAW", "SETGID", "SETUID", "SETFCAP",
                                           "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE"};
    json_t *drop = jx_get(jx_get(csc(x), "capabilities"), "drop");
    if (!json_is_array(drop))
        return 0;
    int all = jx_has_str(drop, "ALL", 1), each = 1;
    for (size_t i = 0; i < sizeof defaults / sizeof *defaults && each; i++)
        each = jx_has_str(drop, defaults[i], 1);
    return all != each;
}

POL_CHECK(hostPortSet)
{
    size_t i;
    json_t *p;
    json_array_foreach(jx_get(x->container, "ports"), i, p) {
        json_t *hp = jx_get(p, "hostPort");
        if (set(hp) && !(json_is_number(hp) && json_number_value(hp) == 0))
            return 0;
    }
    return 1;
}

/* Seccomp: the container's profile type, or the pod's when the container
 * sets none, is set and not Unconfined. */
static int hardened_by_seccomp(const pol_ctx *x)
{
    const char *pod = jx_str(jx_get(psc(x), "seccompProfile"), "type");
    json_t *c = jx_get(jx_get(csc(x), "seccompProfile"), "type");
    int pod_ok = pod && *pod && strcmp(pod, "Unconfined");
    if (!set(c))
        return pod_ok;
    const char *t = json_string_value(c);
    return t && strcmp(t, "Unconfined") && (pod_ok || *t);
}

static int hardened_by_selinux(const pol_ctx *x)
{
    if (jx_truthy(jx_get(psc(x), "seLinuxOptions")))
        return 1;
    json_t *o = jx_get(csc(x), "seLinuxOptions");
    return json_is_object(o) && json_object_size(o) > 0;
}

static int hardened_by_dropping(const pol_ctx *x)
{
    json_t *caps = jx_get(csc(x), "capabilities");
    return jx_len(caps, "drop") > 0 && !jx_has_str(jx_get(caps, "add"), "ALL", 1);
}

POL_CHECK(linuxHardening)
{
    char key[320];
    snprintf(key, sizeof key, "container.apparmor.security.beta.kubernetes.io/%s",
             jx_str(x->container, "name") ? jx_str(x->container, "name") : "");
    if (jx_truthy(jx_get(jx_get(x->w->pod_meta, "annotations"), key)))
        return 1;
    return hardened_by_seccomp(x) || hardened_by_selinux(x) || hardened_by_dropping(x);
}

POL_CHECK(livenessProbeMissing) { return json_is_object(jx_get(x->container, "livenessProbe")); }
POL_CHECK(readinessProbeMissing) { return json_is_object(jx_get(x->container, "readinessProbe")); }

POL_CHECK(pullPolicyNotAlways)
{
    const char *p = jx_str(x->container, "imagePullPolicy");
    return p && !strcmp(p, "Always");
}

/* An env var with a literal value must not have a secret-looking name nor
 * hold a private key; one taken from valueFrom is fine. */
POL_CHECK(sensitiveContainerEnvVar)
{
    size_t i;
    json_t *e;
    json_array_foreach(jx_get(x->container, "env"), i, e) {
        const char *name = jx_str(e, "name"), *value = jx_str(e, "value");
        if (!value || !*value)
            continue;
        if (name && !pol_sensitive_name(name) && !pol_private_key(value))
            continue;
        if (name && json_is_object(jx_get(e, "valueFrom")))
            continue;
        return 0;
    }
    return 1;
}

/* image matches ^.+:.+$ and not ^.+:latest$ (no newlines, as Go's '.'). */
POL_CHECK(tagNotSpecified)
{
    const char *img = jx_str(x->container, "image");
    if (!img || strchr(img, '\n'))
        return 0;
    const char *colon = strchr(img + (*img ? 1 : 0), ':');
    size_t n = strlen(img);
    if (!colon || !colon[1])
        return 0;
    return !(n > 7 && !strcmp(img + n - 7, ":latest"));
}

/* Pod-scoped checks (schemaTarget PodSpec): Polaris validates the pod spec
 * holding only this container, decoded into Kubernetes' Go types first, so
 * pod-level fields that PodSecurityContext does not have (privileged,
 * allowPrivilegeEscalation, readOnlyRootFilesystem) are dropped and only
 * the container's count; runAsUser and runAsNonRoot exist at both levels. */
POL_CHECK(notReadOnlyRootFilesystem) { return jx_true(csc(x), "readOnlyRootFilesystem"); }
POL_CHECK(privilegeEscalationAllowed) { return jx_false(csc(x), "allowPrivilegeEscalation"); }
POL_CHECK(runAsPrivileged) { return !jx_true(csc(x), "privileged"); }

/* runAsUser: the schema's `minimum: 1` constrains numbers only. */
static int uid_ok(const json_t *v) { return !json_is_number(v) || json_number_value(v) >= 1; }

static int root_good(const json_t *sc)
{
    json_t *uid = jx_get(sc, "runAsUser");
    return (set(uid) && uid_ok(uid)) || jx_true(sc, "runAsNonRoot");
}

static int root_not_bad(const json_t *sc)
{
    json_t *uid = jx_get(sc, "runAsUser"), *nr = jx_get(sc, "runAsNonRoot");
    return (!set(uid) || uid_ok(uid)) && (!set(nr) || json_is_true(nr));
}

/* The pod's securityContext is good and the container's does not
 * contradict it, or the container's own is good. */
POL_CHECK(runAsRootAllowed)
{
    json_t *p = psc(x), *c = csc(x);
    if (json_is_object(p) && root_good(p) && (!set(c) || (json_is_object(c) && root_not_bad(c))))
        return 1;
    return json_is_object(c) && root_good(c);
}

/* polaris_rbac.c — Polaris' RBAC checks: roles that allow pods/exec or
 * pods/attach, and bindings to such roles or to cluster-admin-like roles
 * (wildcard apiGroups, resources and verbs).
 *
 * A binding is judged by the role it references, found among the objects
 * audited together (a Role in the binding's namespace, or a ClusterRole);
 * a missing role fails, as in Polaris.  Names Polaris leaves alone:
 * bindings named system:* or gce:podsecuritypolicy:calico-sa (and
 * cluster-admin for ClusterRoleBindings); roles named system:* and that
 * calico name (and admin, cluster-admin, edit for ClusterRoles). */
#include "posture/polaris_internal.h"

#include <string.h>

static const char *name_of(const json_t *o)
{
    return jx_str(jx_get(o, "metadata"), "name");
}

static int system_name(const char *n)
{
    return n && (!strncmp(n, "system:", 7) || !strcmp(n, "gce:podsecuritypolicy:calico-sa"));
}

static int contains_any(const json_t *arr, const char *const *vals)
{
    for (; *vals; vals++)
        if (jx_has_str(arr, *vals, 0))
            return 1;
    return 0;
}

/* A rule granting get/create (or *) on pods/exec or pods/attach (or *) in
 * the core group (or *). */
static int exec_rule(const json_t *r)
{
    static const char *const groups[] = {"", "*", NULL}, *const res[] = {"*", "pods/exec", "pods/attach", NULL},
                             *const verbs[] = {"*", "get", "create", NULL};
    return json_is_array(jx_get(r, "apiGroups")) && json_is_array(jx_get(r, "resources")) &&
           json_is_array(jx_get(r, "verbs")) && contains_any(jx_get(r, "apiGroups"), groups) &&
           contains_any(jx_get(r, "resources"), res) && contains_any(jx_get(r, "verbs"), verbs);
}

/* A rule granting everything: apiGroups * and resources *, and verbs that
 * are either * or all seven of get … delete (Polaris' oneOf: not both). */
static int admin_rule(const json_t *r)
{
    static const char *const seven[] = {"get", "list", "watch", "create", "update", "patch", "delete"};
    json_t *verbs = jx_get(r, "verbs");
    if (!jx_has_str(jx_get(r, "apiGroups"), "*", 0) || !jx_has_str(jx_get(r, "resources"), "*", 0) ||
        !json_is_array(verbs))
        return 0;
    int star = jx_has_str(verbs, "*", 0), listed = json_array_size(verbs) >= 7;
    size_t i, j;
    json_t *v, *w;
    json_array_foreach(verbs, i, v) {
        int known = 0;
        for (size_t k = 0; k < 7; k++)
            known |= json_is_string(v) && !strcmp(json_string_value(v), seven[k]);
        listed &= known;
        json_array_foreach(verbs, j, w)
            if (j > i && json_equal(v, w))
                return 0;   /* uniqueItems fails: the inner schema does not match */
    }
    return star != listed;
}

/* The role has rules and none of them is bad. */
static int rules_ok(const json_t *role, int (*bad)(const json_t *))
{
    json_t *rules = jx_get(role, "rules");
    if (!json_is_array(rules) || !name_of(role))
        return 0;
    size_t i;
    json_t *r;
    json_array_foreach(rules, i, r)
        if (json_is_object(r) && bad(r))
            return 0;
    return 1;
}

POL_CHECK(clusterrolePodExecAttach)
{
    const char *n = name_of(x->obj);
    if (n && (!strcmp(n, "admin") || !strcmp(n, "cluster-admin") || !strcmp(n, "edit") || system_name(n)))
        return json_is_array(jx_get(x->obj, "rules"));
    return rules_ok(x->obj, exec_rule);
}

POL_CHECK(rolePodExecAttach)
{
    if (system_name(name_of(x->obj)))
        return json_is_array(jx_get(x->obj, "rules"));
    return rules_ok(x->obj, exec_rule);
}

/* roleRef names an rbac.authorization.k8s.io object of this kind. */
static int ref_is(const json_t *ref, const char *kind)
{
    const char *g = jx_str(ref, "apiGroup"), *k = jx_str(ref, "kind"), *n = jx_str(ref, "name");
    return g && !strcmp(g, "rbac.authorization.k8s.io") && k && !strcmp(k, kind) && n && *n;
}

/* The binding's role passes `bad`-free: looked up by kind and name. */
static int bound_role_ok(const pol_ctx *x, const char *kind, int (*bad)(const json_t *))
{
    json_t *ref = jx_get(x->obj, "roleRef");
    const char *ns = !strcmp(kind, "Role") ? jx_str(jx_get(x->obj, "metadata"), "namespace") : NULL;
    json_t *role = pol_find(x, kind, jx_str(ref, "name"), ns);
    return role && rules_ok(role, bad);
}

static const char *ref_name(const pol_ctx *x)
{
    const char *n = jx_str(jx_get(x->obj, "roleRef"), "name");
    return n ? n : "";
}

static const char *ref_kind(const pol_ctx *x)
{
    const char *k = jx_str(jx_get(x->obj, "roleRef"), "kind");
    return k ? k : "";
}

POL_CHECK(clusterrolebindingClusterAdmin)
{
    const char *n = name_of(x->obj);
    if (n && (!strcmp(n, "cluster-admin") || system_name(n)))
        return 1;
    json_t *ref = jx_get(x->obj, "roleRef");
    if (!ref_is(ref, "ClusterRole") || !strcmp(ref_name(x), "cluster-admin"))
        return 0;
    return !strcmp(ref_name(x), "view") || bound_role_ok(x, "ClusterRole", admin_rule);
}

POL_CHECK(clusterrolebindingPodExecAttach)
{
    const char *n = name_of(x->obj);
    if (n && (!strcmp(n, "cluster-admin") || system_name(n)))
        return 1;
    if (!ref_is(jx_get(x->obj, "roleRef"), "ClusterRole"))
        return 0;
    return !strcmp(ref_name(x), "view") || bound_role_ok(x, "ClusterRole", exec_rule);
}

POL_CHECK(rolebindingClusterAdminClusterRole)
{
    if (!strcmp(ref_kind(x), "Role") || system_name(name_of(x->obj)))
        return 1;
    if (!ref_is(jx_get(x->obj, "roleRef"), "ClusterRole") || !strcmp(ref_name(x), "cluster-admin"))
        return 0;
    return bound_role_ok(x, "ClusterRole", admin_rule);
}

POL_CHECK(rolebindingClusterAdminRole)
{
    if (!strcmp(ref_kind(x), "ClusterRole") || system_name(name_of(x->obj)))
        return 1;
    return ref_is(jx_get(x->obj, "roleRef"), "Role") && bound_role_ok(x, "Role", admin_rule);
}

POL_CHECK(rolebindingClusterRolePodExecAttach)
{
    if (!strcmp(ref_kind(x), "Role") || system_name(name_of(x->obj)))
        return 1;
    return ref_is(jx_get(x->obj, "roleRef"), "ClusterRole") && bound_role_ok(x, "ClusterRole", exec_rule);
}

POL_CHECK(rolebindingRolePodExecAttach)
{
    if (!strcmp(ref_kind(x), "ClusterRole") || system_name(name_of(x->obj)))
        return 1;
    return ref_is(jx_get(x->obj, "roleRef"), "Role") && bound_role_ok(x, "Role", exec_rule);
}

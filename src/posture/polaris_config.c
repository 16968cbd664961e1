/* polaris_config.c — Polaris configuration: the default one, reading
 * Polaris' config file format, and whether a check is actionable for an
 * object and container (severity, config exemptions, annotations), as
 * Polaris' Configuration.IsActionable decides it.  See polaris.h. */
#include "posture/polaris_internal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* Polaris' default exemptions (pkg/config/default.yaml, as facts):
 * namespace (NULL = any), controller name prefixes, rules; names are
 * space-separated. */
static const struct {
    const char *ns, *controllers, *rules;
} default_exemptions[] = {
    {"kube-system", "dns-controller ebs-csi-controller ebs-csi-node kindnet kops-controller kube-dns kube-flannel-ds "
                    "kube-proxy kube-scheduler vpa-recommender",
     "automountServiceAccountToken linuxHardening missingNetworkPolicy"},
    {"kube-system", "coredns", "automountServiceAccountToken missingNetworkPolicy"},
    {"kube-system", "ebs-csi-controller", "sensitiveContainerEnvVar"},
    {"kube-system", "coredns-autoscaler", "linuxHardening"},
    {"local-path-storage", "local-path-provisioner", "automountServiceAccountToken linuxHardening missingNetworkPolicy"},
    {"kube-system", "kube-apiserver kube-proxy kube-scheduler etcd-manager-events kube-controller-manager kube-dns "
                    "etcd-manager-main",
     "hostPortSet hostNetworkSet readinessProbeMissing livenessProbeMissing cpuRequestsMissing cpuLimitsMissing "
     "memoryRequestsMissing memoryLimitsMissing runAsRootAllowed runAsPrivileged notReadOnlyRootFilesystem hostPIDSet"},
    {"datadog", "datadogtoken", "sensitiveConfigmapContent"},
    {"datadog", "datadog-cluster-agent-apiserver", "rolebindingClusterAdminRole rolebindingRolePodExecAttach"},
    {NULL, "ingress-nginx-controller", "sensitiveConfigmapContent"},
    {NULL, "ingress-nginx-controller ingress-nginx-default-backend polaris rbac-manager",
     "automountServiceAccountToken missingNetworkPolicy"},
    {NULL, "aws-iam-authenticator aws-load-balancer-controller docker-registry external-dns kube2iam metrics-server",
     "automountServiceAccountToken linuxHardening missingNetworkPolicy"},
    {NULL, "oauth2-proxy", "automountServiceAccountToken linuxHardening missingNetworkPolicy sensitiveContainerEnvVar"},
    {NULL, "kube-flannel-ds",
     "notReadOnlyRootFilesystem runAsRootAllowed readinessProbeMissing livenessProbeMissing cpuLimitsMissing"},
    {NULL, "cert-manager", "notReadOnlyRootFilesystem runAsRootAllowed readinessProbeMissing livenessProbeMissing "
                           "automountServiceAccountToken linuxHardening missingNetworkPolicy"},
    {NULL, "cluster-autoscaler", "notReadOnlyRootFilesystem runAsRootAllowed readinessProbeMissing "
                                 "automountServiceAccountToken linuxHardening missingNetworkPolicy"},
    {NULL, "vpa", "runAsRootAllowed readinessProbeMissing livenessProbeMissing notReadOnlyRootFilesystem"},
    {NULL, "datadog", "runAsRootAllowed readinessProbeMissing livenessProbeMissing notReadOnlyRootFilesystem "
                      "automountServiceAccountToken linuxHardening missingNetworkPolicy sensitiveContainerEnvVar"},
    {NULL, "nginx-ingress-controller", "privilegeEscalationAllowed insecureCapabilities runAsRootAllowed"},
    {NULL, "dns-controller datadog-datadog kube-flannel-ds kube2iam aws-iam-authenticator datadog", "hostNetworkSet"},
    {NULL, "aws-iam-authenticator aws-cluster-autoscaler kube-state-metrics dns-controller external-dns dnsmasq "
           "autoscaler kubernetes-dashboard install-cni kube2iam",
     "readinessProbeMissing livenessProbeMissing"},
    {NULL, "aws-iam-authenticator nginx-ingress-default-backend aws-cluster-autoscaler kube-state-metrics "
           "dns-controller external-dns kubedns dnsmasq autoscaler tiller kube2iam",
     "runAsRootAllowed"},
    {NULL, "aws-iam-authenticator nginx-ingress-controller nginx-ingress-default-backend aws-cluster-autoscaler "
           "kube-state-metrics dns-controller external-dns kubedns dnsmasq autoscaler tiller kube2iam",
     "notReadOnlyRootFilesystem"},
    {NULL, "cert-manager dns-controller kubedns dnsmasq autoscaler insights-agent-goldilocks-vpa-install datadog",
     "cpuRequestsMissing cpuLimitsMissing memoryRequestsMissing memoryLimitsMissing"},
    {NULL, "kube2iam kube-flannel-ds", "runAsPrivileged"},
    {NULL, "kube-hunter", "hostPIDSet"},
    {NULL, "polaris kube-hunter goldilocks insights-agent-goldilocks-vpa-install", "notReadOnlyRootFilesystem"},
    {NULL, "insights-agent-goldilocks-controller", "livenessProbeMissing readinessProbeMissing"},
    {NULL, "insights-agent-goldilocks-vpa-install kube-hunter", "runAsRootAllowed"},
};

static void push_str(char ***arr, size_t *n, const char *s, size_t len)
{
    *arr = xrealloc(*arr, (*n + 1) * sizeof **arr);
    char *c = xmalloc(len + 1);
    memcpy(c, s, len);
    c[len] = 0;
    (*arr)[(*n)++] = c;
}

static void split_words(const char *s, char ***arr, size_t *n)
{
    while (*s) {
        size_t len = strcspn(s, " ");
        if (len)
            push_str(arr, n, s, len);
        s += len + (s[len] == ' ');
    }
}

/* Each exemption's rules as check bits, so pol_actionable compares bits. */
static void index_rules(pol_config *c)
{
    for (size_t i = 0; i < c->n_ex; i++) {
        pol_exemption *e = &c->ex[i];
        e->rule_bits = 0;
        for (size_t j = 0; j < e->n_rules; j++) {
            int k = pol_check_index(e->rules[j]);
            if (k >= 0)
                e->rule_bits |= (uint64_t)1 << k;
        }
    }
}

static pol_exemption *new_exemption(pol_config *c)
{
    c->ex = xrealloc(c->ex, (c->n_ex + 1) * sizeof *c->ex);
    pol_exemption *e = &c->ex[c->n_ex++];
    memset(e, 0, sizeof *e);
    return e;
}

void pol_config_default(pol_config *c)
{
    assert(c);
    memset(c, 0, sizeof *c);
    for (int i = 0; i < POL_NCHECKS; i++)
        c->severity[i] = pol_checks[i].severity;
    for (size_t i = 0; i < sizeof default_exemptions / sizeof *default_exemptions; i++) {
        pol_exemption *e = new_exemption(c);
        e->ns = default_exemptions[i].ns ? xstrdup(default_exemptions[i].ns) : NULL;
        split_words(default_exemptions[i].controllers, &e->controllers, &e->n_controllers);
        split_words(default_exemptions[i].rules, &e->rules, &e->n_rules);
    }
    index_rules(c);
}

void pol_config_only(pol_config *c, const char *id, pol_severity sev)
{
    assert(c && id);
    memset(c, 0, sizeof *c);
    int i = pol_check_index(id);
    if (i >= 0)
        c->severity[i] = sev;
}

void pol_config_free(pol_config *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_ex; i++) {
        pol_exemption *e = &c->ex[i];
        free(e->ns);
        for (size_t j = 0; j < e->n_controllers; j++) free(e->controllers[j]);
        for (size_t j = 0; j < e->n_containers; j++) free(e->containers[j]);
        for (size_t j = 0; j < e->n_rules; j++) free(e->rules[j]);
        free(e->controllers);
        free(e->containers);
        free(e->rules);
    }
    free(c->ex);
    memset(c, 0, sizeof *c);
}

static int read_names(const json_t *v, const char *field, char ***arr, size_t *n, const char *name, kt_err *err)
{
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return kt_fail(err, KT_EINPUT, "%s: exemptions: %s must be a list of names", name, field);
    size_t i;
    json_t *s;
    json_array_foreach(v, i, s) {
        if (!json_is_string(s))
            return kt_fail(err, KT_EINPUT, "%s: exemptions: %s must be a list of names", name, field);
        push_str(arr, n, json_string_value(s), json_string_length(s));
    }
    return 0;
}

/* Fill c from the parsed file (docs: yaml_to_json's array); frees docs. */
static int from_docs(pol_config *c, const char *name, json_t *docs, kt_err *err)
{
    memset(c, 0, sizeof *c);
    if (!docs)
        return -1;
    json_t *root = jx_get(json_array_get(docs, 0), "doc");
    if (root && !json_is_object(root)) {
        json_decref(docs);
        return kt_fail(err, KT_EINPUT, "%s: not a Polaris configuration (expected a mapping)", name);
    }
    json_t *custom = jx_get(root, "customChecks");
    const char *id;
    json_t *v;
    int rc = 0;
    json_object_foreach(jx_get(root, "checks"), id, v) {
        int i = pol_check_index(id);
        const char *s = json_string_value(v);
        if (i < 0 && jx_get(custom, id))
            continue;   /* custom checks are not run (docs/posture.md) */
        if (i < 0) {
            rc = kt_fail(err, KT_EINPUT, "%s: checks: unknown check '%s'", name, id);
            break;
        }
        if (!s || (strcmp(s, "ignore") && strcmp(s, "warning") && strcmp(s, "danger"))) {
            rc = kt_fail(err, KT_EINPUT, "%s: checks: %s: severity must be ignore, warning or danger", name, id);
            break;
        }
        c->severity[i] = !strcmp(s, "danger") ? POL_DANGER : !strcmp(s, "warning") ? POL_WARNING : POL_IGNORE;
    }
    size_t k;
    json_array_foreach(rc ? NULL : jx_get(root, "exemptions"), k, v) {
        pol_exemption *e = new_exemption(c);
        const char *ns = jx_str(v, "namespace");
        e->ns = ns && *ns ? xstrdup(ns) : NULL;
        if (read_names(jx_get(v, "controllerNames"), "controllerNames", &e->controllers, &e->n_controllers, name, err) ||
            read_names(jx_get(v, "containerNames"), "containerNames", &e->containers, &e->n_containers, name, err) ||
            read_names(jx_get(v, "rules"), "rules", &e->rules, &e->n_rules, name, err)) {
            rc = -1;
            break;
        }
    }
    index_rules(c);
    c->disallow_exemptions = jx_true(root, "disallowExemptions");
    c->disallow_config_exemptions = jx_true(root, "disallowConfigExemptions");
    c->disallow_annotation_exemptions = jx_true(root, "disallowAnnotationExemptions");
    json_decref(docs);
    if (rc)
        pol_config_free(c);
    return rc;
}

int pol_config_parse(pol_config *c, const char *name, const char *text, size_t len, kt_err *err)
{
    assert(c && name && text);
    return from_docs(c, name, yaml_to_json(name, text, len, err), err);
}

int pol_config_load(pol_config *c, const char *path, kt_err *err)
{
    assert(c && path);
    return from_docs(c, path, config_file_load(path, "--config", err), err);
}

/* Any name in arr is a prefix of s (an empty list matches everything). */
static int prefix_match(char *const *arr, size_t n, const char *s)
{
    if (!n)
        return 1;
    for (size_t i = 0; i < n; i++)
        if (!strncmp(s, arr[i], strlen(arr[i])))
            return 1;
    return 0;
}

static int annotation_true(const json_t *ann, const char *key)
{
    json_t *v = jx_get(ann, key);
    return json_is_true(v) || (json_is_string(v) && !strcmp(json_string_value(v), "true"));
}

int pol_actionable(const pol_config *c, int check, const json_t *obj, const char *container)
{
    assert(c && check >= 0 && check < POL_NCHECKS);
    if (c->severity[check] == POL_IGNORE)
        return 0;
    if (c->disallow_exemptions)
        return 1;
    json_t *meta = jx_get(obj, "metadata");
    json_t *ann = jx_get(meta, "annotations");
    if (!c->disallow_annotation_exemptions && json_object_size(ann)) {
        char key[128];
        snprintf(key, sizeof key, "polaris.fairwinds.com/%s-exempt", pol_checks[check].id);
        if (annotation_true(ann, "polaris.fairwinds.com/exempt") || annotation_true(ann, key))
            return 0;
    }
    if (c->disallow_config_exemptions)
        return 1;
    const char *ns = jx_str(meta, "namespace"), *name = jx_str(meta, "name");
    uint64_t bit = (uint64_t)1 << check;
    for (size_t i = 0; i < c->n_ex; i++) {
        const pol_exemption *e = &c->ex[i];
        if ((e->n_rules && !(e->rule_bits & bit)) || (e->ns && strcmp(e->ns, ns ? ns : "")))
            continue;
        if (prefix_match(e->controllers, e->n_controllers, name ? name : "") &&
            prefix_match(e->containers, e->n_containers, container ? container : ""))
            return 0;
    }
    return 1;
}

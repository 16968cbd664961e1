/* pss_checks.c — each Pod Security Standards control, one function per
 * version that changed it.  The rules are the admission controller's
 * (k8s.io/pod-security-admission/policy/check_*.go @ 8f84a87c, read for
 * their facts; ../shared/data/pss/pss_controls.md lists them); the code and
 * messages are ours.  A field counts as set when it is present and not null,
 * as a Go pointer decoded from the same JSON would be. */
#include "posture/pss_internal.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "posture/jx.h"
#include "posture/workload.h"

#define MAX_CONTAINERS 256

/* Every container PSA visits, in its order. */
typedef struct ctrs {
    const json_t *c[MAX_CONTAINERS];
    size_t n;
} ctrs;

static void visit(const json_t *spec, ctrs *out)
{
    out->n = 0;
    for (int l = 0; l < 3; l++) {
        size_t i;
        json_t *c;
        json_array_foreach(jx_get(spec, workload_container_lists[l]), i, c)
            if (json_is_object(c) && out->n < MAX_CONTAINERS)
                out->c[out->n++] = c;
    }
}

/* A comma-separated, quoted list of names for messages. */
typedef struct names {
    char s[160];
    int n;
} names;

static void add_name(names *l, const char *name)
{
    size_t len = strlen(l->s);
    if (len < sizeof l->s - 1)
        snprintf(l->s + len, sizeof l->s - len, "%s\"%s\"", l->n ? ", " : "", name ? name : "");
    l->n++;
}

static void add_container(names *l, const json_t *c)
{
    add_name(l, jx_str(c, "name"));
}

static int deny(char *detail, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int deny(char *detail, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, n, fmt, ap);
    va_end(ap);
    return 0;
}

static const char *plural(const names *l, const char *one, const char *many)
{
    return l->n == 1 ? one : many;
}

static int set(const json_t *v)
{
    return v && !json_is_null(v);
}

static int in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(s, *list))
            return 1;
    return 0;
}

static json_t *sc(const json_t *c)
{
    return jx_get(c, "securityContext");
}

static int is_windows(const json_t *spec)
{
    const char *os = jx_str(jx_get(spec, "os"), "name");
    return os && !strcmp(os, "windows");
}

/* hostUsers: false (a user namespace): 1.35 relaxes runAsNonRoot, runAsUser and procMount. */
static int user_namespace(const json_t *spec)
{
    return jx_false(spec, "hostUsers");
}

/* ---- baseline ---------------------------------------------------------- */

static int host_namespaces(const json_t *meta, const json_t *spec, char *d, size_t n)
{
    names l = {0};
    if (jx_true(spec, "hostNetwork")) add_name(&l, "hostNetwork");
    if (jx_true(spec, "hostPID")) add_name(&l, "hostPID");
    if (jx_true(spec, "hostIPC")) add_name(&l, "hostIPC");
    return l.n ? deny(d, n, "host namespaces: %s must not be true", l.s) : 1;
}

static int privileged(const json_t *meta, const json_t *spec, char *d, size_t n)
{
    ctrs c;
    names l = {0};
    visit(spec, &c);
    for (size_t i = 0; i < c.n; i++)
        if (jx_true(sc(c.c[i]), "privileged"))
            add_container(&l, c.c[i]);
    return l.n ? deny(d, n, "%s %s must not set securityContext.privileged=true", plural(&l, "container", "containers"),
                      l.s)
               : 1;
}

static const char *const caps_baseline[] = {"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID",
                                            "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID",
                                            "SETPCAP", "SETUID", "SYS_CHROOT", NULL};

static int capabilities_baseline(const json_t *meta, const json_t *spec, char *d, size_t n)
{
    ctrs c;
    names l = {0}, caps = {0};
    visit(spec, &c);
    for (size_t i = 0; i < c.n; i++) {
        size_t j;
        json_t *cap;
        int bad = 0;
        json_array_foreach(jx_get(jx_get(sc(c.c[i]), "capabilities"), "add"), j, cap) {
            const char *s = json_string_value(cap);
            if (!s || !in_list(s, caps_baseline))
                bad = 1, add_name(&caps, s ? s : "?");
        }
        if (bad)
            add_container(&l, c.c[i]);
    }
    return l.n ? deny(d, n, "%s %s must not include %s in securityContext.capabilities.add",
                      plural(&l, "container", "containers"), l.s, caps.s)
               : 1;
}

static int host_path_volumes(const json_t *meta, const json_t *spec, char *d, size_t n)
{
    names l = {0};
    size_t i;
    json_t *v;
    json_array_foreach(jx_get(spec, "volumes"), i, v)
        if (set(jx_get(v, "hostPath")))
            add_name(&l, jx_str(v, "name"));
    return l.n ? deny(d, n, "hostPath %s %s", plural(&l, "volume", "volumes"), l.s) : 1;
}

static int host_ports(const json_t *meta, const json_t *spec, char *d, size_t n)
{
    ctrs c;
    names l = {0}, ports = {0};
    visit(spec, &c);
    for (size_t i = 0; i < c.n; i++) {
        size_t j;
        json_t *p;
        int bad = 0;
        json_array_foreach(jx_get(c.c[i], "ports"), j, p) {
            json_t *hp = jx_get(p, "hostPort");
            if (json_is_number(hp) && json_number_value(hp) != 0) {
                char num[24];
                snprintf(num, sizeof num, "%.0f", json_number_value(hp));
                add_name(&ports, num);
                bad = 1;
            }
        }
        if (bad)
            add_container(&l, c.c[i]);
    }
    return l.n ? deny(d, n, "%s %s %s %s", plural(&l, "container", "containers"), l.s,
                      plural(&ports, "uses hostPort", "use hostPorts"), ports.s)
               : 1;
}

/* .host in httpGet/tcpSocket of a probe or lifecycle handler. */
static int handler_sets_host(const json_t *h, names *hosts)
{
    int bad = 0;
    const char *keys[] = {"httpGet", "tcpSocket"};
    for (int k = 0; k < 2; k++) {
        const char *host = jx_str(jx_get(h, keys[k]), "host");
        if (host && *host)
            add_name(hosts, host), bad = 1;
    }
    return bad;
}

static int host_probes_lifecycle(const json_t *meta, const json_t *spec, char *d, size_t n)
{
    ctrs c;
    names l = {0}, hosts = {0};
    visit(spec, &c);
    for (size_t i = 0; i < c.n; i++) {
        int bad = 0;
        bad |= handler_sets_host(jx_get(c.c[i], "livenessProbe"), &hosts);
        bad |= handler_sets_host(jx_get(c.c[i], "readinessProbe"), &hosts);
        bad |= handler_sets_host(jx_get(c.c[i], "startupProbe"), &hosts);
        bad |= handler_sets_host(jx_path(c.c[i], "lifecycle.postStart"), &hosts);
        bad |= handler_sets_host(jx_path(c.c[i], "lifecycle.preStop"), &hosts);
        if (bad)
            add_container(&l, c.c[i]);
    }
    return l.n ? deny(d, n, "%s %s must not set .host in probes or lifecycle hooks (%s)",
                      plural(&l, "container", "containers"), l.s, hosts.s)
               : 1;
}

/* AppArmor and seccomp profiles: type RuntimeDefault or Localhost. */
static int profile_ok(const json_t *profile, const void *unused)
{
    const char *t = jx_str(profile, "type");
    return t && (!strcmp(t, "RuntimeDefault") || !strcmp(t, "Localhost"));
}

/* Adds "pod" and each container whose securityContext.<field> is set and
 * not ok; returns how many containers left it unset. */
static int bad_setters(const json_t *spec, const char *field, int (*ok)(const json_t *, const void *),
                       const void *arg, names *l, names *unset)
{
    ctrs c;
    int n_unset = 0;
    json_t *pod = jx_get(sc(spec), field);
    if (set(pod) && !ok(pod, arg))
        add_name(l, "pod");
    visit(spec, &c);
    for (size_t i = 0; i < c.n; i++) {
        json_t *v = jx_get(sc(c.c[i]), field);
        if (set(v) && !ok(v, arg))
            add_container(l, c.c[i]);
        else if (!set(v) && unset)
            add_container(unset, c.c[i]), n_unset++;
    }
    return n_unset;
}

static int app_armor_profile(const json_t *meta, const json_t *spec, char *d, size_t n)
{
    names l = {0};
    bad_setters(spec, "appArmorProfile", profile_ok, NULL, &l, NULL);
    const char *k;
    json_t *v;
    const char *prefix = "container.apparmor.security.beta.kubernetes.io/";
    json_object_foreach(jx_get(meta, "annotations"), k, v) {
        const char *s = json_string_value(v);
        if (!strncmp(k, prefix, strlen(prefix)) && s && *s && strcmp(s, "runtime/default") &&
            strncmp(s, "localhost/", 10))
            add_name(&l, k);
    }
    return l.n ? deny(d, n, "%s must not set an AppArmor profile other than RuntimeDefault or Localhost", l.s) : 1;
}

static int selinux_ok(const json_t *o, const void *arg)
{
    const char *const *types = arg;
    const char *t = jx_str(o, "type"), *u = jx_str(o, "user"), *r = jx_str(o, "role");
    return in_list(t ? t : "", types) && !(u && *u) && !(r && *r);
}

static int selinux_with(const json_t *spec, const char *const *types, char *d, size_t n)
{
    names l = {0};
    bad_setters(spec, "seLinuxOptions", selinux_ok, types, &l, NULL);
    return l.n ? deny(d, n, "%s set forbidden securityContext.seLinuxOptions (type outside the allowed set, or user/role set)",
                      l.s)
               : 1;
}

static const char *const selinux_1_0[] = {"", "container_t", "container_init_t", "container_kvm_t", NULL};
static const char *const selinux_1_31[] = {"", "container_t", "container_init_t", "container_kvm_t",
                                           "container_engine_t", NULL};

static int selinux_v1_0(const json_t *meta, const json_t *spec, char *d, size_t n)
{
    return selinux_with(spec, selinux_1_0, d, n);
}

static int selinux_v1_31(const json_t *meta, const json_t *spec, char *d, size_t n)
{
    return selinux_with(spec, selinux_1_31, d, n);
}

static int proc_mount(const json_t *meta, const json_t *spec, char *d, size_t n)
{
    ctrs c;
    names l = {0};
    visit(spec, &c);
    for (size_t i = 0; i < c.n; i++) {
        json_t *pm = jx_get(sc(c.c[i]), "procMount");
        if (set(pm) && !(json_is_string(pm) && !strcmp(json_string_value(pm), "Default")))
            add_container(&l, c.c[i]);
    }
    return l.n ? deny(d, n, "%s %s must not set securityContext.procMount other than Default",
                      plural(&l, "container", "containers"), l.s)
               : 1;
}

static int proc_mount_v1_35(const json_t *meta, const json_t *spec, char *d, size_t n)
{
    return user_namespace(spec) ? 1 : proc_mount(meta, spec, d, n);
}

static int seccomp_annotation_ok(const char *v)
{
    return !strcmp(v, "runtime/default") || !strcmp(v, "docker/default") || !strncmp(v, "localhost/", 10);
}

static int seccomp_baseline_v1_0(const json_t *meta, const json_t *spec, char *d, size_t n)
{
    ctrs c;
    names l = {0};
    json_t *ann = jx_get(meta, "annotations");
    const char *pod = jx_str(ann, "seccomp.security.alpha.kubernetes.io/pod");
    if (pod && !seccomp_annotation_ok(pod))
        add_name(&l, "seccomp.security.alpha.kubernetes.io/pod");
    visit(spec, &c);
    for (size_t i = 0; i < c.n; i++) {
        char key[320];
        snprintf(key, sizeof key, "container.seccomp.security.alpha.kubernetes.io/%s",
                 jx_str(c.c[i], "name") ? jx_str(c.c[i], "name") : "");
        const char *v = jx_str(ann, key);
        if (v && !seccomp_annotation_ok(v))
            add_name(&l, key);
    }
    return l.n ? deny(d, n, "forbidden seccomp annotations %s", l.s) : 1;
}

static int seccomp_baseline_v1_19(const json_t *meta, const json_t *spec, char *d, size_t n)
{
    names l = {0};
    bad_setters(spec, "seccompProfile", profile_ok, NULL, &l, NULL);
    return l.n ? deny(d, n, "%s must not set securityContext.seccompProfile.type to Unconfined", l.s) : 1;
}

static const char *const sysctls_1_0[] = {"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
                                          "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
                                          "net.ipv4.ip_unprivileged_port_start", NULL};
static const char *const sysctls_1_27[] = {"net.ipv4.ip_local_reserved_ports", NULL};
static const char *const sysctls_1_29[] = {"net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
                                           "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", NULL};
static const char *const sysctls_1_32[] = {"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem", NULL};
static const char *const sysctls_1_37[] = {"net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat", NULL};

/* The safe set at 1.minor is the union of every list added up to it. */
static int sysctls_at(const json_t *spec, int minor, char *d, size_t n)
{
    const struct { int from; const char *const *names; } sets[] = {
        {0, sysctls_1_0}, {27, sysctls_1_27}, {29, sysctls_1_29}, {32, sysctls_1_32}, {37, sysctls_1_37}};
    names l = {0};
    size_t i;
    json_t *s;
    json_array_foreach(jx_get(sc(spec), "sysctls"), i, s) {
        const char *name = jx_str(s, "name");
        int ok = 0;
        for (size_t k = 0; k < sizeof sets / sizeof *sets && !ok; k++)
            ok = sets[k].from <= minor && name && in_list(name, sets[k].names);
        if (!ok)
            add_name(&l, name);
    }
    return l.n ? deny(d, n, "forbidden sysctls %s", l.s) : 1;
}

static int sysctls_v1_0(const json_t *m, const json_t *s, char *d, size_t n) { return sysctls_at(s, 0, d, n); }
static int sysctls_v1_27(const json_t *m, const json_t *s, char *d, size_t n) { return sysctls_at(s, 27, d, n); }
static int sysctls_v1_29(const json_t *m, const json_t *s, char *d, size_t n) { return sysctls_at(s, 29, d, n); }
static int sysctls_v1_32(const json_t *m, const json_t *s, char *d, size_t n) { return sysctls_at(s, 32, d, n); }
static int sysctls_v1_37(const json_t *m, const json_t *s, char *d, size_t n) { return sysctls_at(s, 37, d, n); }

static int windows_host_process(const json_t *meta, const json_t *spec, char *d, size_t n)
{
    ctrs c;
    names l = {0};
    if (jx_true(jx_get(sc(spec), "windowsOptions"), "hostProcess"))
        add_name(&l, "pod");
    visit(spec, &c);
    for (size_t i = 0; i < c.n; i++)
        if (jx_true(jx_get(sc(c.c[i]), "windowsOptions"), "hostProcess"))
            add_container(&l, c.c[i]);
    return l.n ? deny(d, n, "%s must not set securityContext.windowsOptions.hostProcess=true", l.s) : 1;
}

/* ---- restricted -------------------------------------------------------- */

static int restricted_volumes(const json_t *meta, const json_t *spec, char *d, size_t n)
{
    static const char *const allowed[] = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
                                          "image", "persistentVolumeClaim", "projected", "secret", NULL};
    names l = {0};
    size_t i;
    json_t *v;
    json_array_foreach(jx_get(spec, "volumes"), i, v) {
        int ok = 0, sources = 0;
        for (const char *const *k = allowed; *k && !ok; k++)
            ok = set(jx_get(v, *k));
        const char *key;
        json_t *val;
        json_object_foreach(v, key, val)
            sources += strcmp(key, "name") && set(val);
        if (!sources)
            ok = 1;   /* no source: the API server defaults it to emptyDir */
        if (!ok)
            add_name(&l, jx_str(v, "name"));
    }
    return l.n ? deny(d, n, "restricted volume types: %s %s must use only configMap, csi, downwardAPI, emptyDir, "
                            "ephemeral, image, persistentVolumeClaim, projected or secret",
                      plural(&l, "volume", "volumes"), l.s)
               : 1;
}

static int allow_privilege_escalation_v1_8(const json_t *meta, const json_t *spec, char *d, size_t n)
{
    ctrs c;
    names l = {0};
    visit(spec, &c);
    for (size_t i = 0; i < c.n; i++)
        if (!jx_false(sc(c.c[i]), "allowPrivilegeEscalation"))
            add_container(&l, c.c[i]);
    return l.n ? deny(d, n, "%s %s must set securityContext.allowPrivilegeEscalation=false",
                      plural(&l, "container", "containers"), l.s)
               : 1;
}

static int allow_privilege_escalation_v1_25(const json_t *meta, const json_t *spec, char *d, size_t n)
{
    return is_windows(spec) ? 1 : allow_privilege_escalation_v1_8(meta, spec, d, n);
}

static int run_as_non_root_v1_0(const json_t *meta, const json_t *spec, char *d, size_t n)
{
    ctrs c;
    names bad = {0}, implicit = {0};
    json_t *pod = jx_get(sc(spec), "runAsNonRoot");
    int pod_ok = json_is_true(pod);
    if (json_is_false(pod))
        add_name(&bad, "pod");
    visit(spec, &c);
    for (size_t i = 0; i < c.n; i++) {
        json_t *v = jx_get(sc(c.c[i]), "runAsNonRoot");
        if (json_is_boolean(v)) {
            if (json_is_false(v))
                add_container(&bad, c.c[i]);
        } else if (!pod_ok) {
            add_container(&implicit, c.c[i]);
        }
    }
    if (bad.n)
        return deny(d, n, "%s must not set securityContext.runAsNonRoot=false", bad.s);
    return implicit.n ? deny(d, n, "pod or %s %s must set securityContext.runAsNonRoot=true",
                             plural(&implicit, "container", "containers"), implicit.s)
                      : 1;
}

static int run_as_non_root_v1_35(const json_t *meta, const json_t *spec, char *d, size_t n)
{
    return user_namespace(spec) ? 1 : run_as_non_root_v1_0(meta, spec, d, n);
}

static int is_zero(const json_t *v)
{
    return json_is_number(v) && json_number_value(v) == 0;
}

static int run_as_user_v1_23(const json_t *meta, const json_t *spec, char *d, size_t n)
{
    ctrs c;
    names l = {0};
    if (is_zero(jx_get(sc(spec), "runAsUser")))
        add_name(&l, "pod");
    visit(spec, &c);
    for (size_t i = 0; i < c.n; i++)
        if (is_zero(jx_get(sc(c.c[i]), "runAsUser")))
            add_container(&l, c.c[i]);
    return l.n ? deny(d, n, "%s must not set runAsUser=0", l.s) : 1;
}

static int run_as_user_v1_35(const json_t *meta, const json_t *spec, char *d, size_t n)
{
    return user_namespace(spec) ? 1 : run_as_user_v1_23(meta, spec, d, n);
}

static int seccomp_restricted_v1_19(const json_t *meta, const json_t *spec, char *d, size_t n)
{
    names bad = {0}, implicit = {0};
    json_t *pod = jx_get(sc(spec), "seccompProfile");
    bad_setters(spec, "seccompProfile", profile_ok, NULL, &bad, &implicit);
    if (set(pod) && profile_ok(pod, NULL))
        implicit.n = 0;   /* the pod's profile covers containers that set none */
    if (bad.n)
        return deny(d, n, "%s must not set securityContext.seccompProfile.type to Unconfined", bad.s);
    return implicit.n ? deny(d, n, "pod or %s %s must set securityContext.seccompProfile.type to RuntimeDefault or "
                                   "Localhost",
                             plural(&implicit, "container", "containers"), implicit.s)
                      : 1;
}

static int seccomp_restricted_v1_25(const json_t *meta, const json_t *spec, char *d, size_t n)
{
    return is_windows(spec) ? 1 : seccomp_restricted_v1_19(meta, spec, d, n);
}

static int capabilities_restricted_v1_22(const json_t *meta, const json_t *spec, char *d, size_t n)
{
    ctrs c;
    names nodrop = {0}, adds = {0};
    visit(spec, &c);
    for (size_t i = 0; i < c.n; i++) {
        json_t *caps = jx_get(sc(c.c[i]), "capabilities");
        if (!jx_has_str(jx_get(caps, "drop"), "ALL", 0))
            add_container(&nodrop, c.c[i]);
        size_t j;
        json_t *a;
        int bad = 0;
        json_array_foreach(jx_get(caps, "add"), j, a) {
            const char *s = json_string_value(a);
            if (!s || strcmp(s, "NET_BIND_SERVICE"))
                bad = 1;
        }
        if (bad)
            add_container(&adds, c.c[i]);
    }
    if (nodrop.n)
        return deny(d, n, "%s %s must set securityContext.capabilities.drop=[\"ALL\"]%s",
                    plural(&nodrop, "container", "containers"), nodrop.s,
                    adds.n ? "; and may add only NET_BIND_SERVICE" : "");
    return adds.n ? deny(d, n, "%s %s may add only NET_BIND_SERVICE in securityContext.capabilities.add",
                         plural(&adds, "container", "containers"), adds.s)
                  : 1;
}

static int capabilities_restricted_v1_25(const json_t *meta, const json_t *spec, char *d, size_t n)
{
    return is_windows(spec) ? 1 : capabilities_restricted_v1_22(meta, spec, d, n);
}

/* Baseline checks first, then restricted, each in the admission controller's
 * ID order; the evaluation order does not change a verdict. */
const pss_def pss_defs[PSS_NCHECKS] = {
    {"appArmorProfile", PSS_BASELINE, {{0, app_armor_profile, NULL}}},
    {"capabilities_baseline", PSS_BASELINE, {{0, capabilities_baseline, NULL}}},
    {"hostNamespaces", PSS_BASELINE, {{0, host_namespaces, NULL}}},
    {"hostPathVolumes", PSS_BASELINE, {{0, host_path_volumes, NULL}}},
    {"hostPorts", PSS_BASELINE, {{0, host_ports, NULL}}},
    {"hostProbesAndHostLifecycle", PSS_BASELINE, {{34, host_probes_lifecycle, NULL}}},
    {"privileged", PSS_BASELINE, {{0, privileged, NULL}}},
    {"procMount", PSS_BASELINE, {{0, proc_mount, NULL}, {35, proc_mount_v1_35, NULL}}},
    {"seLinuxOptions", PSS_BASELINE, {{0, selinux_v1_0, NULL}, {31, selinux_v1_31, NULL}}},
    {"seccompProfile_baseline", PSS_BASELINE, {{0, seccomp_baseline_v1_0, NULL}, {19, seccomp_baseline_v1_19, NULL}}},
    {"sysctls", PSS_BASELINE,
     {{0, sysctls_v1_0, NULL}, {27, sysctls_v1_27, NULL}, {29, sysctls_v1_29, NULL}, {32, sysctls_v1_32, NULL},
      {37, sysctls_v1_37, NULL}}},
    {"windowsHostProcess", PSS_BASELINE, {{0, windows_host_process, NULL}}},
    {"allowPrivilegeEscalation", PSS_RESTRICTED,
     {{8, allow_privilege_escalation_v1_8, NULL}, {25, allow_privilege_escalation_v1_25, NULL}}},
    {"capabilities_restricted", PSS_RESTRICTED,
     {{22, capabilities_restricted_v1_22, "capabilities_baseline"},
      {25, capabilities_restricted_v1_25, "capabilities_baseline"}}},
    {"procMount_restricted", PSS_RESTRICTED, {{35, proc_mount, "procMount"}}},
    {"restrictedVolumes", PSS_RESTRICTED, {{0, restricted_volumes, "hostPathVolumes"}}},
    {"runAsNonRoot", PSS_RESTRICTED, {{0, run_as_non_root_v1_0, NULL}, {35, run_as_non_root_v1_35, NULL}}},
    {"runAsUser", PSS_RESTRICTED, {{23, run_as_user_v1_23, NULL}, {35, run_as_user_v1_35, NULL}}},
    {"seccompProfile_restricted", PSS_RESTRICTED,
     {{19, seccomp_restricted_v1_19, "seccompProfile_baseline"},
      {25, seccomp_restricted_v1_25, "seccompProfile_baseline"}}},
};

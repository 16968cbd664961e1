/* pss.c — Pod Security Standards registry: levels, versions, overrides and
 * evaluation, as the admission controller's policy registry does it; see
 * pss.h.  The checks themselves are in pss_checks.c. */
#include "posture/pss_internal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

const pss_check_info pss_checks[PSS_NCHECKS] = {
    {"appArmorProfile", PSS_BASELINE, "AppArmor profile must be RuntimeDefault or Localhost"},
    {"capabilities_baseline", PSS_BASELINE, "capabilities beyond the default set must not be added"},
    {"hostNamespaces", PSS_BASELINE, "host network, PID and IPC namespaces must not be shared"},
    {"hostPathVolumes", PSS_BASELINE, "hostPath volumes are forbidden"},
    {"hostPorts", PSS_BASELINE, "hostPort must be unset or 0"},
    {"hostProbesAndHostLifecycle", PSS_BASELINE, "probes and lifecycle hooks must not set .host"},
    {"privileged", PSS_BASELINE, "privileged containers are forbidden"},
    {"procMount", PSS_BASELINE, "procMount must be Default"},
    {"seLinuxOptions", PSS_BASELINE, "SELinux type restricted, user and role unset"},
    {"seccompProfile_baseline", PSS_BASELINE, "seccomp profile must not be Unconfined"},
    {"sysctls", PSS_BASELINE, "only the safe sysctls are allowed"},
    {"windowsHostProcess", PSS_BASELINE, "Windows HostProcess containers are forbidden"},
    {"allowPrivilegeEscalation", PSS_RESTRICTED, "allowPrivilegeEscalation must be false"},
    {"capabilities_restricted", PSS_RESTRICTED, "capabilities must drop ALL and add only NET_BIND_SERVICE"},
    {"procMount_restricted", PSS_RESTRICTED, "procMount must be Default, even in a user namespace"},
    {"restrictedVolumes", PSS_RESTRICTED, "only configMap, csi, downwardAPI, emptyDir, ephemeral, image, PVC, "
                                          "projected and secret volumes"},
    {"runAsNonRoot", PSS_RESTRICTED, "containers must run as non-root"},
    {"runAsUser", PSS_RESTRICTED, "runAsUser must not be 0"},
    {"seccompProfile_restricted", PSS_RESTRICTED, "seccomp profile must be RuntimeDefault or Localhost"},
};

int pss_parse_level(const char *s, pss_level *out)
{
    assert(out);
    if (!s) return -1;
    if (!strcmp(s, "privileged")) *out = PSS_PRIVILEGED;
    else if (!strcmp(s, "baseline")) *out = PSS_BASELINE;
    else if (!strcmp(s, "restricted")) *out = PSS_RESTRICTED;
    else return -1;
    return 0;
}

const char *pss_level_name(pss_level l)
{
    return l == PSS_RESTRICTED ? "restricted" : l == PSS_BASELINE ? "baseline" : "privileged";
}

int pss_parse_version(const char *s, int *minor)
{
    assert(minor);
    if (!s) return -1;
    if (!strcmp(s, "latest")) {
        *minor = PSS_LATEST_MINOR;
        return 0;
    }
    if (*s == 'v') s++;
    if (strncmp(s, "1.", 2) || s[2] < '0' || s[2] > '9')
        return -1;
    char *end;
    long m = strtol(s + 2, &end, 10);
    if (*end || m < 0 || m > 1000)
        return -1;
    *minor = m > PSS_LATEST_MINOR ? PSS_LATEST_MINOR : (int)m;
    return 0;
}

/* The implementation of d in force at 1.minor, or NULL before its first. */
static const pss_impl *impl_at(const pss_def *d, int minor)
{
    const pss_impl *best = NULL;
    for (size_t i = 0; i < sizeof d->v / sizeof *d->v && d->v[i].fn; i++)
        if (d->v[i].min_minor <= minor)
            best = &d->v[i];
    return best;
}

/* Some restricted check in force at 1.minor replaces baseline check id. */
static int overridden(const char *id, pss_level level, int minor)
{
    if (level < PSS_RESTRICTED)
        return 0;
    for (size_t i = 0; i < PSS_NCHECKS; i++) {
        const pss_impl *im = pss_defs[i].level <= level ? impl_at(&pss_defs[i], minor) : NULL;
        if (im && im->overrides && !strcmp(im->overrides, id))
            return 1;
    }
    return 0;
}

size_t pss_evaluate(pss_level level, int minor, const json_t *pod_meta, const json_t *pod_spec,
                    pss_violation *out, size_t cap)
{
    assert(json_is_object(pod_spec) && (out || !cap) && minor >= 0);
    size_t n = 0;
    for (size_t i = 0; i < PSS_NCHECKS; i++) {
        const pss_def *d = &pss_defs[i];
        const pss_impl *im = d->level <= level ? impl_at(d, minor) : NULL;
        if (!im || overridden(d->id, level, minor))
            continue;
        char detail[sizeof out->detail];
        detail[0] = 0;
        if (im->fn(pod_meta, pod_spec, detail, sizeof detail))
            continue;
        if (n < cap) {
            out[n].check = d->id;
            out[n].level = d->level;
            memcpy(out[n].detail, detail, sizeof detail);
        }
        n++;
    }
    return n;
}

pss_level pss_level_met(int minor, const json_t *pod_meta, const json_t *pod_spec)
{
    if (!pss_evaluate(PSS_RESTRICTED, minor, pod_meta, pod_spec, NULL, 0))
        return PSS_RESTRICTED;
    if (!pss_evaluate(PSS_BASELINE, minor, pod_meta, pod_spec, NULL, 0))
        return PSS_BASELINE;
    return PSS_PRIVILEGED;
}

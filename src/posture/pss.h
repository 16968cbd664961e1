/* pss.h — Pod Security Standards, evaluated as the Pod Security Admission
 * controller evaluates them (k8s.io/pod-security-admission/policy).
 *
 * Levels: privileged (no checks) < baseline < restricted.  Versions: each
 * check has one implementation per minimum version; a pod evaluated "at
 * version v1.N" uses, for every check, the implementation with the highest
 * minimum version <= 1.N, and checks that start after 1.N do not run.
 * "latest", or a version newer than the newest check, means the newest
 * (PSS_LATEST_MINOR).  Restricted runs every baseline check too, except
 * those a restricted check overrides at that version (restrictedVolumes
 * replaces hostPathVolumes, seccompProfile_restricted replaces
 * seccompProfile_baseline, capabilities_restricted replaces
 * capabilities_baseline, procMount_restricted replaces procMount from 1.35).
 * All containers are inspected: containers, initContainers and
 * ephemeralContainers.  Check IDs are the admission controller's
 * (`privileged`, `hostNamespaces`, …), so SARIF rule IDs read
 * `pss-baseline/privileged`.
 *
 * Contract: pss_evaluate takes the pod's metadata (may be NULL) and spec
 * (an object), both decoded JSON as in the API; it never modifies them.
 * It returns the number of checks that forbid the pod and, for up to cap of
 * them, fills out[] in check order. */
#ifndef KT_POSTURE_PSS_H
#define KT_POSTURE_PSS_H

#include <jansson.h>
#include <stddef.h>

typedef enum { PSS_PRIVILEGED = 0, PSS_BASELINE = 1, PSS_RESTRICTED = 2 } pss_level;

#define PSS_LATEST_MINOR 37   /* newest MinimumVersion among the checks (sysctls 1.37) */
#define PSS_NCHECKS 19

typedef struct pss_violation {
    const char *check;       /* admission controller check ID */
    pss_level level;         /* the level that check belongs to */
    char detail[240];        /* what is forbidden, naming containers/fields */
} pss_violation;

typedef struct pss_check_info {
    const char *id;
    pss_level level;
    const char *title;       /* one line for tables and SARIF rule descriptions */
} pss_check_info;

extern const pss_check_info pss_checks[PSS_NCHECKS];

/* "privileged" | "baseline" | "restricted" → level; -1 when unknown. */
int pss_parse_level(const char *s, pss_level *out);
const char *pss_level_name(pss_level l);
/* "latest", "v1.N" or "1.N" → minor N (clamped to PSS_LATEST_MINOR); -1 when unknown. */
int pss_parse_version(const char *s, int *minor);

size_t pss_evaluate(pss_level level, int minor, const json_t *pod_meta, const json_t *pod_spec,
                    pss_violation *out, size_t cap);
/* The highest level the pod meets at that version. */
pss_level pss_level_met(int minor, const json_t *pod_meta, const json_t *pod_spec);

#endif

/* posture.h — one posture audit of a set of manifests or live objects:
 * Polaris' checks on every object, and the Pod Security Standards on every
 * pod or pod template, at one level and version.
 *
 * Contract: posture_audit reads m (which must outlive the result) and
 * fills out; it does not fail (bad input was rejected when m was loaded).
 * A workload meets "privileged" when it fails baseline.  posture_free
 * releases what posture_audit allocated, never m. */
#ifndef KT_POSTURE_POSTURE_H
#define KT_POSTURE_POSTURE_H

#include "posture/finding.h"
#include "posture/manifest.h"
#include "posture/polaris.h"
#include "posture/pss.h"
#include "posture/resilience.h"
#include "posture/rules.h"

typedef struct kt_posture_pod {
    size_t obj;                /* index into m */
    const char *kind, *name, *ns;
    pss_level met;             /* highest level the pod meets at the version */
    pss_violation *v;          /* violations at the audited level */
    size_t n;
} kt_posture_pod;

/* A Namespace among the objects, its Pod Security Admission labels
 * (pod-security.kubernetes.io/enforce|warn|audit and -version) and how many
 * of the pods audited in it each mode would reject.  A mode whose level
 * label is missing is unset; an unknown level or version is kept as
 * invalid and judged as restricted at the latest version (fail closed). */
typedef enum { PSS_MODE_ENFORCE, PSS_MODE_WARN, PSS_MODE_AUDIT } pss_mode;

typedef struct kt_posture_ns {
    const char *name;
    const char *cluster;       /* the input file or context it came from */
    struct {
        int set, invalid;
        pss_level level;
        int minor;
        size_t rejected;       /* pods in the namespace this mode rejects */
    } mode[3];
    size_t pods;               /* pods audited in the namespace */
} kt_posture_ns;

typedef struct kt_posture {
    const kt_manifest *m;
    pss_level level;
    int minor;
    pol_audit polaris;
    kt_posture_pod *pods;
    size_t n_pods;
    kt_posture_ns *ns;
    size_t n_ns;
    kt_findings findings;      /* residency and resilience */
    size_t *pol_of, *pod_of;   /* per object of m: index into polaris.o / pods, or SIZE_MAX */
    kt_resilience_summary resilience;
} kt_posture;

extern const char *const pss_mode_names[3];   /* "enforce", "warn", "audit" */

/* rules: residency rules and the critical marker (rules_default when the
 * user gave none). */
void posture_audit(const kt_manifest *m, const pol_config *polaris, const kt_posture_rules *rules, pss_level level,
                   int minor, kt_posture *out);
void posture_free(kt_posture *p);
/* The PSS entry for object index obj, or NULL when it has no pod. */
const kt_posture_pod *posture_pod_of(const kt_posture *p, size_t obj);
/* The Polaris results of object index obj, or NULL when it has none. */
const pol_object_result *posture_polaris_of(const kt_posture *p, size_t obj);

#endif

/* polaris_internal.h — what one Polaris check sees, and the check
 * functions the catalog points to.  Internal to src/posture/polaris_*.c. */
#ifndef KT_POSTURE_POLARIS_INTERNAL_H
#define KT_POSTURE_POLARIS_INTERNAL_H

#include "posture/jx.h"
#include "posture/polaris.h"
#include "posture/workload.h"

typedef struct pol_ctx {
    const kt_manifest *m;      /* every object audited together (for lookups) */
    const json_t *kinds;       /* m by kind (manifest_kind_index) */
    json_t *obj;               /* the object checked */
    const kt_workload *w;      /* its pod, for container/pod/controller checks; else NULL */
    const json_t *container;   /* container checks: the container */
    int is_init;               /* … and whether it is an init container */
} pol_ctx;

/* Returns 1 when the object (or container) passes. */
typedef int (*pol_fn)(const pol_ctx *x);

extern const pol_fn pol_fns[POL_NCHECKS];

/* The check runs on obj (and container, for container checks): its
 * severity is not ignore and no exemption (config or annotation) covers it. */
int pol_actionable(const pol_config *c, int check, const json_t *obj, const char *container);
/* An object of kind `kind` named `name` among x->m in namespace ns (ns
 * NULL: any), or NULL. */
json_t *pol_find(const pol_ctx *x, const char *kind, const char *name, const char *ns);
/* Same namespace: equal, treating a missing namespace as matching any. */
int pol_same_ns(const char *a, const char *b);
/* Case-insensitive POSIX extended regex search; patterns are compiled once. */
int pol_match(const char *pattern, const char *s);
/* Names Polaris takes for secrets (password, token, AWS_SECRET_ACCESS_KEY …),
 * and values holding a PEM private key. */
int pol_sensitive_name(const char *s);
int pol_private_key(const char *s);

#define POL_CHECK(name) int pol_##name(const pol_ctx *x)
/* container checks */
POL_CHECK(cpuLimitsMissing); POL_CHECK(cpuRequestsMissing); POL_CHECK(memoryLimitsMissing);
POL_CHECK(memoryRequestsMissing); POL_CHECK(dangerousCapabilities); POL_CHECK(insecureCapabilities);
POL_CHECK(hostPortSet); POL_CHECK(linuxHardening); POL_CHECK(livenessProbeMissing); POL_CHECK(readinessProbeMissing);
POL_CHECK(pullPolicyNotAlways); POL_CHECK(sensitiveContainerEnvVar); POL_CHECK(tagNotSpecified);
POL_CHECK(runAsPrivileged); POL_CHECK(runAsRootAllowed); POL_CHECK(privilegeEscalationAllowed);
POL_CHECK(notReadOnlyRootFilesystem);
/* pod and controller checks */
POL_CHECK(automountServiceAccountToken); POL_CHECK(hostIPCSet); POL_CHECK(hostNetworkSet); POL_CHECK(hostPIDSet);
POL_CHECK(hostPathSet); POL_CHECK(hostProcess); POL_CHECK(priorityClassNotSet); POL_CHECK(procMount);
POL_CHECK(topologySpreadConstraint); POL_CHECK(missingNetworkPolicy); POL_CHECK(deploymentMissingReplicas);
POL_CHECK(metadataAndInstanceMismatched); POL_CHECK(missingPodDisruptionBudget);
POL_CHECK(pdbMinAvailableGreaterThanHPAMinReplicas);
/* other kinds */
POL_CHECK(hpaMaxAvailability); POL_CHECK(hpaMinAvailability); POL_CHECK(pdbDisruptionsIsZero);
POL_CHECK(tlsSettingsMissing); POL_CHECK(sensitiveConfigmapContent); POL_CHECK(clusterrolePodExecAttach);
POL_CHECK(rolePodExecAttach); POL_CHECK(clusterrolebindingClusterAdmin); POL_CHECK(clusterrolebindingPodExecAttach);
POL_CHECK(rolebindingClusterAdminClusterRole); POL_CHECK(rolebindingClusterAdminRole);
POL_CHECK(rolebindingClusterRolePodExecAttach); POL_CHECK(rolebindingRolePodExecAttach);

#endif

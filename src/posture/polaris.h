/* polaris.h — Polaris' built-in checks, configuration, exemptions and score
 * (FairwindsOps/polaris, read for its facts: ../shared/data/polaris).
 *
 * Checks: the 44 built-in checks with Polaris' IDs, categories (Security,
 * Efficiency, Reliability), targets and default severities.  Each is
 * written here as a plain predicate with the meaning of Polaris' JSON
 * schema for it.  Targets: a container (initContainers too unless the check
 * excludes them), a pod spec/template, a controller, or another kind
 * (HorizontalPodAutoscaler, PodDisruptionBudget, Ingress, ConfigMap, Role,
 * ClusterRole, RoleBinding, ClusterRoleBinding).  Checks that need a second
 * object (automountServiceAccountToken → ServiceAccount, missingNetworkPolicy
 * → NetworkPolicy, missingPodDisruptionBudget and
 * pdbMinAvailableGreaterThanHPAMinReplicas → PDB/HPA, bindings → roles) look
 * for it among the objects audited together, in the same namespace.
 *
 * Configuration: Polaris' own file format — `checks: {ID: ignore|warning|
 * danger}`, `exemptions: [{namespace, controllerNames, containerNames,
 * rules}]` (names match as prefixes, no rules = every rule),
 * `disallowExemptions`, `disallowConfigExemptions`,
 * `disallowAnnotationExemptions`.  A check absent from `checks:` or set to
 * ignore does not run.  Without a file, Polaris' default configuration
 * (default severities and default exemptions) applies; a file replaces it.
 * Annotations on an object: `polaris.fairwinds.com/exempt: "true"` exempts
 * it from every check, `polaris.fairwinds.com/<checkId>-exempt: "true"`
 * from one.  Exempt or ignored checks produce no result at all.
 *
 * Score (Polaris' summary.go): S passed, W failed warnings, D failed
 * dangers; score = 100 when 2S+W+2D = 0, else trunc(100·2S/(2S+W+2D)).  It
 * is one ratio over every result counted (never an average of scores). */
#ifndef KT_POSTURE_POLARIS_H
#define KT_POSTURE_POLARIS_H

#include <stddef.h>
#include <stdint.h>

#include "posture/manifest.h"
#include "util/err.h"

typedef enum { POL_IGNORE = 0, POL_WARNING = 1, POL_DANGER = 2 } pol_severity;
typedef enum { POL_T_CONTAINER, POL_T_POD, POL_T_CONTROLLER, POL_T_KIND } pol_target;

#define POL_NCHECKS 44

typedef struct pol_check_info {
    const char *id, *category;
    pol_target target;
    const char *kind;          /* POL_T_KIND: the object kind checked */
    pol_severity severity;     /* Polaris' default */
    unsigned flags;            /* POL_NO_INIT, POL_ONLY_DEPLOYMENT, POL_NO_JOBS, POL_POD_SCOPE */
    const char *success, *failure;
} pol_check_info;

enum {
    POL_NO_INIT = 1,           /* initContainers are not checked */
    POL_ONLY_DEPLOYMENT = 2,   /* runs on Deployments only */
    POL_NO_JOBS = 4,           /* skipped for Jobs and CronJobs */
    POL_POD_SCOPE = 8,         /* a container check that also reads the pod's securityContext */
};

extern const pol_check_info pol_checks[POL_NCHECKS];
/* Index of a check ID in pol_checks, or -1. */
int pol_check_index(const char *id);
const char *pol_severity_name(pol_severity s);

typedef struct pol_exemption {
    char *ns;                  /* NULL: any namespace */
    char **controllers, **containers, **rules;
    size_t n_controllers, n_containers, n_rules;
    uint64_t rule_bits;        /* bit i: rules names pol_checks[i] (set when the config is read) */
} pol_exemption;

typedef struct pol_config {
    pol_severity severity[POL_NCHECKS];
    pol_exemption *ex;
    size_t n_ex;
    int disallow_exemptions, disallow_config_exemptions, disallow_annotation_exemptions;
} pol_config;

/* Polaris' default configuration. */
void pol_config_default(pol_config *c);
/* Read a Polaris config file (YAML or JSON) into c, replacing the defaults.
 * Unknown check IDs and severities are errors naming them. */
int pol_config_load(pol_config *c, const char *path, kt_err *err);
int pol_config_parse(pol_config *c, const char *name, const char *text, size_t len, kt_err *err);
/* Every check off except id, at severity sev (what Polaris' own check tests do). */
void pol_config_only(pol_config *c, const char *id, pol_severity sev);
void pol_config_free(pol_config *c);

typedef struct pol_result {
    int check;                 /* index into pol_checks */
    int success;
    pol_severity severity;     /* as configured */
    const char *container;     /* container name for container checks, else NULL */
} pol_result;

typedef struct pol_object_result {
    size_t obj;                /* index into the audited manifest */
    const char *kind, *name, *ns;
    pol_result *r;
    size_t n;
} pol_object_result;

typedef struct pol_audit {
    pol_object_result *o;      /* one per object with at least one result */
    size_t n;
} pol_audit;

typedef struct pol_counts {
    long pass, warning, danger;
} pol_counts;

/* Run every actionable check on every object of m.  Objects keep m's order;
 * within one, results follow check order (containers in pod order). */
void pol_audit_run(const pol_config *c, const kt_manifest *m, pol_audit *out);
void pol_audit_free(pol_audit *a);
/* Counts over the audit (category NULL = all, else "Security" …). */
pol_counts pol_count(const pol_audit *a, const char *category);
int pol_score(pol_counts c);

#endif

/* resilience.h — resilience of critical workloads across nodes, zones,
 * regions and clouds.
 *
 * Critical: a Deployment, StatefulSet, ReplicaSet or ReplicationController
 * whose labels or annotations, pod-template labels, or namespace labels
 * carry the rules' critical marker (default kubetally.io/critical=true).
 * Findings for each:
 *   resilience/replicas    (danger)  spec.replicas < 2 (unset = 1)
 *   resilience/pdb         (warning) no PodDisruptionBudget selects its pods
 *   resilience/unavailable (danger)  pods are among the objects but none of
 *                                    its pods is Ready
 *   resilience/node        (danger)  more than one Ready pod, all on one node
 *   resilience/zone        (danger)  Ready pods, all in one known zone
 *   resilience/single-cloud (warning) the same workload (namespace/kind/name)
 *                          appears in several clusters — each input file is
 *                          one cluster — and all its Ready pods run in one
 *                          cloud provider (or one region: resilience/single-region)
 * and a fleet view: how many critical workloads depend on one provider, one
 * region, one zone — and, when a cost store is at hand (posture/spend.h),
 * what share of their spend does. */
#ifndef KT_POSTURE_RESILIENCE_H
#define KT_POSTURE_RESILIENCE_H

#include "posture/finding.h"
#include "posture/placement.h"
#include "posture/rules.h"

/* One critical workload of the fleet (namespace/kind/name, across clusters). */
typedef struct kt_resilience_app {
    const char *ns, *kind, *name;          /* point into the manifest */
    int placed;                            /* has Ready pods on known nodes */
    int one_provider, one_region, one_zone;
    double spend;                          /* over the spend window; 0 when unknown */
} kt_resilience_app;

typedef struct kt_resilience_summary {
    size_t critical;           /* distinct critical workloads (namespace/kind/name) */
    size_t one_provider, one_region, one_zone;   /* of those with Ready pods on known nodes */
    size_t placed;             /* critical workloads with Ready pods on known nodes */
    kt_resilience_app *apps;   /* the critical workloads (critical of them) */
    /* Spend of the critical workloads, and of those depending on one
     * provider / region / zone, over spend_window (set by spend_attach;
     * spend_window[0] == 0 when no store was asked). */
    char spend_window[32];
    double spend_critical, spend_one_provider, spend_one_region, spend_one_zone;
} kt_resilience_summary;

void resilience_check(const kt_manifest *m, const kt_posture_rules *r, const kt_placement *pl, kt_findings *out,
                      kt_resilience_summary *sum);
int resilience_is_critical(const kt_placement *pl, const kt_posture_rules *r, const kt_workload *w);
void resilience_summary_free(kt_resilience_summary *sum);

#endif

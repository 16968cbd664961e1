/* residency.h — data residency: pods and volumes of namespaces (or
 * workloads, or pods) labelled for a residency rule must be in one of the
 * rule's regions (rules.h).
 *
 * A pod is judged by its node's region (kube/cloud.h's rules: the region
 * label, else derived from the zone); a pod on a node whose region is
 * unknown is a violation (fail closed); an unscheduled pod, or one on a
 * node not among the objects, is not judged.  A claim is judged by its
 * bound PersistentVolume's region (topology labels or node affinity); a
 * volume without topology follows its pods and is not judged.  Each
 * violation is a danger finding "residency/<rule>" naming the object, where
 * it is, and the rule. */
#ifndef KT_POSTURE_RESIDENCY_H
#define KT_POSTURE_RESIDENCY_H

#include "posture/finding.h"
#include "posture/placement.h"
#include "posture/rules.h"

void residency_check(const kt_manifest *m, const kt_posture_rules *r, const kt_placement *pl, kt_findings *out);
/* region matches one of the rule's globs. */
int residency_allows(const kt_residency_rule *rule, const char *region);

#endif

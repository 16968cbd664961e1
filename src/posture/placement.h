/* placement.h — where things run: each Node's cloud, region and zone (the
 * collector's own rules, kube/cloud.h), each PersistentVolume's region, and
 * which pods belong to a workload.  Shared by residency.c and
 * resilience.c.  Everything borrows from the manifest. */
#ifndef KT_POSTURE_PLACEMENT_H
#define KT_POSTURE_PLACEMENT_H

#include "kube/cloud.h"
#include "posture/manifest.h"
#include "posture/workload.h"

typedef struct kt_place {
    const char *name;
    kt_cloud cloud;            /* provider, region, zone ("" when unknown) */
} kt_place;

typedef struct kt_placement {
    const kt_manifest *m;
    json_t *kinds;             /* m by kind (manifest_kind_index) */
    kt_place *nodes;
    size_t n_nodes;
} kt_placement;

void placement_build(const kt_manifest *m, kt_placement *p);
void placement_free(kt_placement *p);
/* The node named name, or NULL when it is not among the objects. */
const kt_place *placement_node(const kt_placement *p, const char *name);
/* A PersistentVolume's place: its topology labels, else the zone/region in
 * its required node affinity (standard and AWS/GCP/Azure CSI keys). */
void placement_volume(const json_t *pv, kt_cloud *out);
/* Pod p belongs to workload w: same namespace and w's selector (or, without
 * one, its template labels) matches p's labels. */
int placement_owns(const kt_workload *w, const json_t *pod);
/* A label selector's matchLabels, non-empty, all present in labels. */
int placement_selects(const json_t *selector, const json_t *labels);
/* The PodDisruptionBudget among m in namespace ns selecting labels, or
 * NULL; kinds is m's manifest_kind_index. */
json_t *placement_pdb(const kt_manifest *m, const json_t *kinds, const char *ns, const json_t *labels);
/* The namespace object named ns among the objects, or NULL. */
json_t *placement_namespace(const kt_placement *pl, const char *ns);

#endif

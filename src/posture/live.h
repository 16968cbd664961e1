/* live.h — read what the posture and health checks need straight from a
 * cluster's API server, on demand (as `polaris audit` does), into a
 * manifest: every object is kept with the cluster's context name as its
 * "file", so several clusters audited together stay apart.
 *
 * Lists (paginated, limit page_size) every kind of kube_posture_kinds
 * (kube/decode.h: nodes, namespaces, pods, persistent volumes and claims,
 * service accounts, config maps, deployments, statefulsets, daemonsets,
 * replicasets, jobs, cronjobs, PDBs, HPAs, network policies, ingresses,
 * roles, cluster roles, their bindings), in that order; and /version
 * as an object of kind "ServerVersion".  A resource the server does not
 * serve (404) or does not let us list (403: see deploy/ RBAC) is skipped
 * with a warning; any other failure fails with a message naming the
 * cluster and the path.  Credentials are never printed. */
#ifndef KT_POSTURE_LIVE_H
#define KT_POSTURE_LIVE_H

#include "kube/decode.h"
#include "kube/kubeconfig.h"
#include "posture/manifest.h"

int live_fetch(kt_kube_target *t, int page_size, int timeout_s, kt_manifest *m, kt_err *err);

/* The same from a cluster's objects the collector keeps
 * (collector/posture_keep.h) instead of the API server: kept[i] is the
 * list of kube_posture_kinds[i] (borrowed), kept[KT_POSTURE_KINDS] its
 * /version object (NULL: none), in the order live_fetch lists them, so
 * the manifest (and every answer made from it) is the same.  Reads
 * nothing from the network. */
int live_fetch_kept(kt_kube_target *t, json_t *const kept[KT_POSTURE_PARTS], kt_manifest *m, kt_err *err);

#endif

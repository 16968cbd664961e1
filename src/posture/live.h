/* live.h — read what the posture and health checks need straight from a
 * cluster's API server, on demand (as `polaris audit` does), into a
 * manifest: every object is kept with the cluster's context name as its
 * "file", so several clusters audited together stay apart.
 *
 * Lists (paginated, limit page_size): nodes, namespaces, pods, persistent
 * volumes and claims, deployments, statefulsets, daemonsets, replicasets,
 * jobs, cronjobs, PDBs, HPAs, network policies, ingresses, service
 * accounts, roles, cluster roles, their bindings, config maps; and /version
 * as an object of kind "ServerVersion".  A resource the server does not
 * serve (404) or does not let us list (403: see deploy/ RBAC) is skipped
 * with a warning; any other failure fails with a message naming the
 * cluster and the path.  Credentials are never printed. */
#ifndef KT_POSTURE_LIVE_H
#define KT_POSTURE_LIVE_H

#include "kube/kubeconfig.h"
#include "posture/manifest.h"

int live_fetch(kt_kube_target *t, int page_size, int timeout_s, kt_manifest *m, kt_err *err);

/* The same, for a cluster whose nodes, namespaces and pods the collector
 * keeps (collector/posture_keep.h): kept[] are its NodeList, NamespaceList
 * and PodList (borrowed), taken in place of listing those three, which
 * come first in the order above, so the manifest (and every answer made
 * from it) is the same as live_fetch's; the other kinds and /version are
 * read as live_fetch reads them. */
#define LIVE_KEPT 3
int live_fetch_kept(kt_kube_target *t, json_t *const kept[LIVE_KEPT], int page_size, int timeout_s, kt_manifest *m,
                    kt_err *err);

#endif

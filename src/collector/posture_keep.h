/* posture_keep.h — what a cluster's posture and health checks read, kept
 * by the collector from the watch (every kind of kube_posture_kinds:
 * pods, nodes, namespaces, volumes and claims, controllers, PDBs, HPAs,
 * network policies, ingresses, service accounts, config maps, RBAC) and
 * the server's /version, so /posture and /health need not list anything.
 *
 * Memory: the decoder's posture texts (kube/decode.h) leave out all that
 * differs pod by pod but is never checked, so pods of one template share
 * one "shape" text and healthy pods one "status" text: each distinct text
 * is stored once, reference-counted.  Per object the keeper holds 32 bytes
 * (namespace, name and a pod's node as strtab ids, a pod's creation time,
 * list generation, two text ids) plus its index slot.
 *
 * Contract: every call is made on the cluster's thread (the strtab it
 * reads belongs to it); upsert/delete/resync follow objects.h's sink
 * contract, with relists handled as the meter does (a generation per kind,
 * bumped at the first upsert after a resync).  Objects without posture
 * texts are ignored.  posture_keep_lists builds, from what is kept, the
 * lists the API server would answer, one per kube_posture_kinds entry in
 * that order (NodeList, NamespaceList, PodList, …; each item without
 * kind, as in a list), items in the server's order (by "namespace/name"),
 * then the /version object (NULL when the server gave none); the caller
 * owns them. */
#ifndef KT_COLLECTOR_POSTURE_KEEP_H
#define KT_COLLECTOR_POSTURE_KEEP_H

#include <jansson.h>
#include <stddef.h>

#include "kube/decode.h"
#include "kube/objects.h"

typedef struct kt_posture_keep kt_posture_keep;

kt_posture_keep *posture_keep_new(const kt_strtab *strs);
void posture_keep_free(kt_posture_keep *k);

void posture_keep_upsert(kt_posture_keep *k, const kt_object *o);
void posture_keep_delete(kt_posture_keep *k, const kt_object *o);
void posture_keep_resync(kt_posture_keep *k, enum kt_kind kind);

/* The body of GET /version (NULL: the server answered with another
 * status, so there is none), as the watcher reports it. */
void posture_keep_set_version(kt_posture_keep *k, const char *body, size_t len);
/* /version has been answered once: the lists are complete. */
int posture_keep_ready(const kt_posture_keep *k);

/* Bytes held (records, indexes, texts), for memory accounting. */
size_t posture_keep_bytes(const kt_posture_keep *k);
/* Objects kept of a kind (0 for kinds not kept). */
size_t posture_keep_count(const kt_posture_keep *k, enum kt_kind kind);

/* out[i] the list of kube_posture_kinds[i]; out[KT_POSTURE_KINDS] the
 * version object or NULL. */
void posture_keep_lists(const kt_posture_keep *k, json_t *out[KT_POSTURE_PARTS]);

#endif

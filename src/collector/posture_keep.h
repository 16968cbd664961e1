/* posture_keep.h — what a cluster's posture and health checks read, kept
 * by the collector from the watch (pods, nodes, namespaces), so /posture
 * and /health need not list them again.
 *
 * Memory: the decoder's posture texts (kube/decode.h) leave out all that
 * differs pod by pod but is never checked, so pods of one template share
 * one "shape" text and healthy pods one "status" text: each distinct text
 * is stored once, reference-counted.  Per pod the keeper holds 32 bytes
 * (namespace, name and node as strtab ids, creation time, list generation,
 * two text ids) plus its index slot.
 *
 * Contract: every call is made on the cluster's thread (the strtab it
 * reads belongs to it); upsert/delete/resync follow objects.h's sink
 * contract, with relists handled as the meter does (a generation per kind,
 * bumped at the first upsert after a resync).  Objects without posture
 * texts are ignored.  posture_keep_lists builds, from what is kept, the
 * three lists the API server would answer (NodeList, NamespaceList,
 * PodList; each item without kind, as in a list), items in the server's
 * order (by "namespace/name"); the caller owns them. */
#ifndef KT_COLLECTOR_POSTURE_KEEP_H
#define KT_COLLECTOR_POSTURE_KEEP_H

#include <jansson.h>
#include <stddef.h>

#include "kube/objects.h"

typedef struct kt_posture_keep kt_posture_keep;

kt_posture_keep *posture_keep_new(const kt_strtab *strs);
void posture_keep_free(kt_posture_keep *k);

void posture_keep_upsert(kt_posture_keep *k, const kt_object *o);
void posture_keep_delete(kt_posture_keep *k, const kt_object *o);
void posture_keep_resync(kt_posture_keep *k, enum kt_kind kind);

/* Bytes held (records, indexes, texts), for memory accounting. */
size_t posture_keep_bytes(const kt_posture_keep *k);
/* Objects kept of a kind (K_NODE, K_NAMESPACE or K_POD). */
size_t posture_keep_count(const kt_posture_keep *k, enum kt_kind kind);

/* out[0] NodeList, out[1] NamespaceList, out[2] PodList. */
void posture_keep_lists(const kt_posture_keep *k, json_t *out[3]);

#endif

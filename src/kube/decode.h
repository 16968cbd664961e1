/* decode.h — Kubernetes API JSON into the compact objects of objects.h.
 *
 * One decoder per cluster (it owns scratch arrays reused call after call,
 * so decoding a list of 100,000 pods allocates nothing per pod once warm).
 * Strings are interned into the strtab given at init (the cluster's).
 * The kt_object filled by kube_decode points into the decoder's scratch and
 * is valid until the next kube_decode on the same decoder.
 *
 * What is kept, per kind (everything else is ignored):
 *  node      metadata.name/uid/creationTimestamp, spec.providerID, labels
 *            through kube_cloud_detect (cloud.h), status.capacity cpu/memory/
 *            nvidia.com/gpu (amd.com/gpu too), nodeInfo architecture/OS.
 *  pod       namespace, name, uid, spec.nodeName, status.phase, first
 *            controller ownerReference (kind, name), labels, annotations,
 *            containers' effective requests and limits — Kubernetes' rule:
 *            each resource's effective request is max(Σ regular containers,
 *            max over init containers), and the init excess is charged to
 *            the first container — cpu, memory, nvidia.com/gpu; per
 *            container status running/startedAt/finishedAt (state.running,
 *            state.terminated; lastState ignored); volumes'
 *            persistentVolumeClaim.claimName; creationTimestamp,
 *            status.startTime, deletionTimestamp.
 *  namespace name, labels, annotations.
 *  pv        name, storageClassName, claimRef ns/name, capacity.storage,
 *            csi.driver, csi.volumeHandle or awsElasticBlockStore.volumeID /
 *            gcePersistentDisk.pdName / azureDisk.diskURI as provider_id.
 *  pvc       namespace, name, spec.volumeName, storageClassName,
 *            status.capacity.storage (spec.resources.requests.storage when unbound).
 *  service   namespace, name, spec.type, spec.selector, the first
 *            status.loadBalancer.ingress ip or hostname, internal-LB
 *            annotations of AWS, GCP and Azure.
 *  storageclass name, provisioner, parameters.type (or skuName / skuname).
 *  replicaset, job  namespace, name, first controller ownerReference.
 * Times: RFC 3339 ("2026-11-24T10:00:00Z") to unix seconds; absent ⇒ 0.
 * Quantities: see quantity.h.  A field with the wrong JSON type is treated
 * as absent; an object without metadata.name is an error. */
#ifndef KT_KUBE_DECODE_H
#define KT_KUBE_DECODE_H

#include <jansson.h>

#include "kube/objects.h"
#include "util/err.h"

typedef struct kt_decoder kt_decoder;

kt_decoder *kube_decoder_new(kt_strtab *strs);
void kube_decoder_free(kt_decoder *d);

/* Decode one object (a list item or a watch event's "object"). */
int kube_decode(kt_decoder *d, enum kt_kind kind, json_t *obj, kt_object *out, kt_err *err);

/* The API path for listing/watching a kind across all namespaces
 * ("/api/v1/pods", "/apis/apps/v1/replicasets" …) and its name for logs. */
const char *kube_kind_path(enum kt_kind kind);
const char *kube_kind_name(enum kt_kind kind);

/* RFC 3339 time to unix seconds; 0 when s is NULL, empty or malformed. */
int64_t kube_parse_time(const char *s);

#endif

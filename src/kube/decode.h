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
 *            nvidia.com/gpu (amd.com/gpu, gpu.intel.com/i915 too), nodeInfo
 *            architecture/OS when the kubernetes.io/arch and /os labels are absent.
 *            capacity_type: kt_cloud.capacity_type (cloud.h).
 *  pod       namespace, name, uid, spec.nodeName, status.phase, first
 *            controller ownerReference (kind, name), labels, annotations,
 *            containers' effective requests and limits — Kubernetes' rule:
 *            each resource's effective request is max(Σ regular containers,
 *            max over init containers), and the init excess is charged to
 *            the first container — cpu, memory, nvidia.com/gpu (amd, intel);
 *            a resource with a limit but no request requests its limit;
 *            sidecars (init containers with restartPolicy: Always) are
 *            containers (after spec.containers), and a plain init
 *            container's need includes the sidecars started before it; per
 *            container status running/startedAt/finishedAt (state.running,
 *            state.terminated; lastState ignored; statuses matched by name in
 *            containerStatuses and initContainerStatuses); volumes'
 *            persistentVolumeClaim.claimName and generic ephemeral volumes'
 *            claim "<pod>-<volume>"; creationTimestamp,
 *            status.startTime, deletionTimestamp.
 *  namespace name, labels, annotations.
 *  pv        name, storageClassName, claimRef ns/name, capacity.storage,
 *            csi.driver, csi.volumeHandle or awsElasticBlockStore.volumeID /
 *            gcePersistentDisk.pdName / azureDisk.diskURI as provider_id;
 *            volume_type = csi.volumeAttributes type/skuName/skuname when
 *            the PV carries its disk type (else "": the class's type).
 *  pvc       namespace, name, spec.volumeName, storageClassName,
 *            status.capacity.storage (spec.resources.requests.storage when unbound).
 *  service   namespace, name, spec.type, spec.selector, the first
 *            status.loadBalancer.ingress ip or hostname, internal-LB
 *            annotations of AWS, GCP and Azure.
 *  storageclass name, provisioner, parameters.type (or skuName / skuname).
 *  replicaset, job  namespace, name, first controller ownerReference.
 *  the posture-only kinds (objects.h, from K_KIND_COUNT on): namespace
 *            (for namespaced kinds) and name, and with posture texts on,
 *            the text alone (decode_posture.c).
 * Times: RFC 3339 ("2026-11-24T10:00:00Z") to unix seconds; absent ⇒ 0.
 * Quantities: see quantity.h (a bare JSON number is read too, as Kubernetes
 * does); one that does not parse is 0.  A field with the wrong JSON type is treated
 * as absent; an object without metadata.name (or, for namespaced kinds,
 * metadata.namespace) is an error.  Label, annotation and selector pairs
 * with a key or value over 1024 bytes, and kubectl's last-applied-
 * configuration annotation, are dropped (never cost dimensions, and they
 * would stay in the strtab for good). */
#ifndef KT_KUBE_DECODE_H
#define KT_KUBE_DECODE_H

#include <jansson.h>

#include "kube/objects.h"
#include "util/err.h"

typedef struct kt_decoder kt_decoder;

kt_decoder *kube_decoder_new(kt_strtab *strs);
void kube_decoder_free(kt_decoder *d);

/* Also fill kt_object's posture texts for every kind posture reads
 * (kube_posture_kinds; decode_posture.c says what they hold): off by
 * default, since building them costs time on every object. */
void kube_decoder_keep_posture(kt_decoder *d, int on);

/* Decode one object (a list item or a watch event's "object"). */
int kube_decode(kt_decoder *d, enum kt_kind kind, json_t *obj, kt_object *out, kt_err *err);

/* The API path for listing/watching a kind across all namespaces
 * ("/api/v1/pods", "/apis/apps/v1/replicasets" …), its name for logs, the
 * kind of its objects ("Pod") and their apiVersion ("v1", "apps/v1"). */
const char *kube_kind_path(enum kt_kind kind);
const char *kube_kind_name(enum kt_kind kind);
const char *kube_kind_object(enum kt_kind kind);
const char *kube_kind_api_version(enum kt_kind kind);
int kube_kind_namespaced(enum kt_kind kind);

/* The kinds posture and health checks read, in the order `kubetally
 * posture --context` lists them (posture/live.c) — the collector's kept
 * lists come out in the same order, so both give the same manifest. */
#define KT_POSTURE_KINDS 21
extern const enum kt_kind kube_posture_kinds[KT_POSTURE_KINDS];
/* Their lists and the server's /version object, as the collector hands
 * them over (collector/posture_keep.h) and posture/live.h takes them. */
#define KT_POSTURE_PARTS (KT_POSTURE_KINDS + 1)

/* The string at o[k1] (or o[k1][k2] when k2 is set); NULL when a level is
 * missing or of another JSON type.  For readers of API answers beside the
 * decoder (watch events, list metadata, PodMetrics). */
const char *kube_json_str(json_t *o, const char *k1, const char *k2);

/* RFC 3339 time to unix seconds; 0 when s is NULL, empty or malformed. */
int64_t kube_parse_time(const char *s);

#endif

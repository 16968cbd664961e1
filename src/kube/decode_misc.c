/* decode_misc.c — Namespace, PersistentVolume, PersistentVolumeClaim,
 * Service, StorageClass, ReplicaSet and Job, and the posture-only kinds'
 * keys; see decode.h. */
#include <string.h>
#include <strings.h>

#include "kube/decode_internal.h"

int decode_namespace(kt_decoder *d, json_t *obj, kt_namespace_obj *ns, kt_err *err)
{
    kt_meta m;
    if (decode_named(d, K_NAMESPACE, obj, &m, NULL, &ns->name, err))
        return -1;
    decode_kv(d, m.labels, &d->labels, &ns->labels, &ns->n_labels);
    decode_kv(d, m.annotations, &d->annotations, &ns->annotations, &ns->n_annotations);
    return 0;
}

/* The first of `keys` in obj that is a non-empty string, or NULL. */
static const char *first_str(json_t *obj, const char *const *keys)
{
    for (; obj && *keys; keys++) {
        const char *v = decode_get_str(obj, *keys);
        if (v && *v)
            return v;
    }
    return NULL;
}

/* The cloud's id of the disk: CSI volumeHandle, or the in-tree sources'
 * volume ids.  volume_type is the disk type when the PV itself carries it
 * (CSI volumeAttributes type / skuName, as the GCE PD and Azure Disk
 * drivers copy them from the class); else "" and the storage class's type
 * applies. */
static void decode_pv_source(kt_decoder *d, json_t *spec, kt_pv_obj *pv)
{
    static const char *const disk_type[] = {"type", "skuName", "skuname", "storageaccounttype", NULL};
    static const struct { const char *source, *id; } intree[] = {
        {"awsElasticBlockStore", "volumeID"}, {"gcePersistentDisk", "pdName"}, {"azureDisk", "diskURI"}};
    json_t *csi = decode_get_obj(spec, "csi");
    if (csi) {
        pv->csi_driver = decode_cstr(d, decode_get_str(csi, "driver"));
        pv->provider_id = decode_cstr(d, decode_get_str(csi, "volumeHandle"));
        pv->volume_type = decode_cstr(d, first_str(decode_get_obj(csi, "volumeAttributes"), disk_type));
        return;
    }
    for (size_t i = 0; i < sizeof intree / sizeof intree[0]; i++) {
        json_t *src = decode_get_obj(spec, intree[i].source);
        if (src) {
            pv->provider_id = decode_cstr(d, decode_get_str(src, intree[i].id));
            return;
        }
    }
}

int decode_pv(kt_decoder *d, json_t *obj, kt_pv_obj *pv, kt_err *err)
{
    kt_meta m;
    if (decode_named(d, K_PV, obj, &m, NULL, &pv->name, err))
        return -1;
    json_t *spec = decode_get_obj(obj, "spec");
    pv->storage_class = decode_cstr(d, decode_get_str(spec, "storageClassName"));
    json_t *claim = decode_get_obj(spec, "claimRef");
    pv->claim_ns = decode_cstr(d, decode_get_str(claim, "namespace"));
    pv->claim_name = decode_cstr(d, decode_get_str(claim, "name"));
    pv->bytes = decode_quantity(json_object_get(decode_get_obj(spec, "capacity"), "storage"));
    decode_pv_source(d, spec, pv);
    return 0;
}

int decode_pvc(kt_decoder *d, json_t *obj, kt_pvc_obj *pvc, kt_err *err)
{
    kt_meta m;
    if (decode_named(d, K_PVC, obj, &m, &pvc->namespace_, &pvc->name, err))
        return -1;
    json_t *spec = decode_get_obj(obj, "spec");
    pvc->volume = decode_cstr(d, decode_get_str(spec, "volumeName"));
    pvc->storage_class = decode_cstr(d, decode_get_str(spec, "storageClassName"));
    /* bound: what was provisioned; unbound: what is asked for */
    json_t *bound = json_object_get(decode_get_obj(decode_get_obj(obj, "status"), "capacity"), "storage");
    json_t *asked = json_object_get(decode_get_obj(decode_get_obj(spec, "resources"), "requests"), "storage");
    pvc->bytes = decode_quantity(bound);
    if (!pvc->bytes)
        pvc->bytes = decode_quantity(asked);
    return 0;
}

/* Internal (private-network) load balancers, by the clouds' annotations.
 * AWS's legacy aws-load-balancer-internal takes "true" or a CIDR, so any
 * value but "false" means internal. */
static int lb_internal(json_t *ann)
{
    static const struct { const char *key, *want; } rules[] = {
        {"service.beta.kubernetes.io/aws-load-balancer-scheme", "internal"},
        {"networking.gke.io/load-balancer-type", "Internal"},
        {"cloud.google.com/load-balancer-type", "Internal"},
        {"service.beta.kubernetes.io/azure-load-balancer-internal", "true"},
    };
    const char *aws = decode_get_str(ann, "service.beta.kubernetes.io/aws-load-balancer-internal");
    if (aws && *aws && strcasecmp(aws, "false"))
        return 1;
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        const char *v = decode_get_str(ann, rules[i].key);
        if (v && !strcasecmp(v, rules[i].want))
            return 1;
    }
    return 0;
}

int decode_service(kt_decoder *d, json_t *obj, kt_service_obj *svc, kt_err *err)
{
    kt_meta m;
    if (decode_named(d, K_SERVICE, obj, &m, &svc->namespace_, &svc->name, err))
        return -1;
    json_t *spec = decode_get_obj(obj, "spec");
    svc->type = decode_cstr(d, decode_get_str(spec, "type"));
    decode_kv(d, decode_get_obj(spec, "selector"), &d->selector, &svc->selector, &svc->n_selector);
    json_t *lb = decode_get_obj(decode_get_obj(obj, "status"), "loadBalancer");
    json_t *ingress = json_array_get(json_object_get(lb, "ingress"), 0);
    static const char *const addr[] = {"ip", "hostname", NULL};
    svc->ip = decode_cstr(d, first_str(json_is_object(ingress) ? ingress : NULL, addr));
    svc->internal = lb_internal(m.annotations);
    return 0;
}

int decode_storageclass(kt_decoder *d, json_t *obj, kt_storageclass_obj *sc, kt_err *err)
{
    static const char *const type[] = {"type", "skuName", "skuname", "storageaccounttype", NULL};
    kt_meta m;
    if (decode_named(d, K_STORAGECLASS, obj, &m, NULL, &sc->name, err))
        return -1;
    sc->provisioner = decode_cstr(d, decode_get_str(obj, "provisioner"));
    sc->type = decode_cstr(d, first_str(decode_get_obj(obj, "parameters"), type));
    return 0;
}

int decode_owner(kt_decoder *d, enum kt_kind kind, json_t *obj, kt_owner_obj *o, kt_err *err)
{
    kt_meta m;
    if (decode_named(d, kind, obj, &m, &o->namespace_, &o->name, err))
        return -1;
    decode_controller(d, m.owners, &o->owner_kind, &o->owner);
    return 0;
}

int decode_named_kind(kt_decoder *d, enum kt_kind kind, json_t *obj, kt_named_obj *o, kt_err *err)
{
    kt_meta m;
    return decode_named(d, kind, obj, &m, kube_kind_namespaced(kind) ? &o->namespace_ : NULL, &o->name, err);
}

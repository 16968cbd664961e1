/* test_kube_decode.c — Kubernetes API JSON into kt_object (decode.h):
 * hand-written fixtures (tests/fixtures/kube/objects), real EKS/GKE objects
 * when /work/shared/data/k8s-fixtures exists, malformed input, and a
 * printed (not asserted) speed check over 100,000 pods. */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "kube/decode.h"
#include "util/buf.h"

#define FIX "tests/fixtures/kube/objects/"
#define REAL "/work/shared/data/k8s-fixtures/"

static kt_strtab st;
static kt_decoder *dec;

static const char *S(uint32_t id) { return strtab_get(&st, id); }

static json_t *load(const char *path)
{
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    CHECK(j != NULL); /* a missing fixture fails the test, never skips it */
    if (!j)
        fprintf(stderr, "%s: %s (line %d)\n", path, je.text, je.line);
    return j;
}

/* The value of label/annotation `key` in a decoded list, or NULL. */
static const char *kvget(const kt_kv_id *a, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(S(a[i].key), key))
            return S(a[i].value);
    return NULL;
}

static const kt_container_obj *ctr(const kt_pod_obj *p, const char *name)
{
    for (size_t i = 0; i < p->n_containers; i++)
        if (!strcmp(S(p->containers[i].name), name))
            return &p->containers[i];
    return NULL;
}

static int decode_ok(enum kt_kind kind, json_t *obj, kt_object *o)
{
    kt_err e = {0};
    int rc = kube_decode(dec, kind, obj, o, &e);
    if (rc)
        fprintf(stderr, "decode failed: %s\n", e.msg);
    return rc == 0;
}

TEST(times)
{
    /* 2026-11-24 is day 20781 since 1970-01-01: 20781 × 86400 + 10 h × 3600 */
    CHECK(kube_parse_time("2026-11-24T10:00:00Z") == 20781LL * 86400 + 36000);
    CHECK(kube_parse_time("2026-11-24T10:00:00.123456Z") == 1795514400);
    CHECK(kube_parse_time("2026-11-24T11:00:00+01:00") == 1795514400);   /* 11:00 at +1 h = 10:00 UTC */
    CHECK(kube_parse_time("2026-11-24T08:30:00-01:30") == 1795514400);
    CHECK(kube_parse_time("1970-01-01T00:00:00Z") == 0);
    CHECK(kube_parse_time("2024-02-29T00:00:00Z") == 19782LL * 86400);  /* leap day exists in 2024 */
    CHECK(kube_parse_time("2026-02-29T00:00:00Z") == 0);                /* and not in 2026 */
    CHECK(kube_parse_time("2026-13-01T00:00:00Z") == 0);
    CHECK(kube_parse_time("2026-11-24T24:00:00Z") == 0);
    CHECK(kube_parse_time("2026-11-24T10:00:00") == 0);   /* no zone */
    CHECK(kube_parse_time("2026-11-24T10:00:00Zjunk") == 0);
    CHECK(kube_parse_time("2026-11-24") == 0);
    CHECK(kube_parse_time("") == 0);
    CHECK(kube_parse_time(NULL) == 0);
    CHECK(kube_parse_time("2026-11-24T10:00:00.Z") == 0);
}

TEST(kinds)
{
    CHECK_STR(kube_kind_path(K_NODE), "/api/v1/nodes");
    CHECK_STR(kube_kind_path(K_POD), "/api/v1/pods");
    CHECK_STR(kube_kind_path(K_NAMESPACE), "/api/v1/namespaces");
    CHECK_STR(kube_kind_path(K_PV), "/api/v1/persistentvolumes");
    CHECK_STR(kube_kind_path(K_PVC), "/api/v1/persistentvolumeclaims");
    CHECK_STR(kube_kind_path(K_SERVICE), "/api/v1/services");
    CHECK_STR(kube_kind_path(K_STORAGECLASS), "/apis/storage.k8s.io/v1/storageclasses");
    CHECK_STR(kube_kind_path(K_REPLICASET), "/apis/apps/v1/replicasets");
    CHECK_STR(kube_kind_path(K_JOB), "/apis/batch/v1/jobs");
    CHECK_STR(kube_kind_name(K_PVC), "persistentvolumeclaim");
    CHECK_STR(kube_kind_name(K_ALL_KINDS), "unknown");
    CHECK_STR(kube_kind_path(K_ALL_KINDS), "");
    /* the posture-only kinds follow costing's, the same API paths live.c lists */
    CHECK_STR(kube_kind_path(K_KIND_COUNT), "/api/v1/serviceaccounts");
    CHECK_STR(kube_kind_path(K_HPA), "/apis/autoscaling/v2/horizontalpodautoscalers");
    CHECK_STR(kube_kind_object(K_PDB), "PodDisruptionBudget");
    CHECK_STR(kube_kind_api_version(K_CLUSTERROLEBINDING), "rbac.authorization.k8s.io/v1");
    CHECK(kube_kind_namespaced(K_ROLE) && !kube_kind_namespaced(K_CLUSTERROLE) && !kube_kind_namespaced(K_PV));
}

/* pod_init.json: containers app, log; init containers migrate, warm.
 *   requests        cpu            memory              nvidia.com/gpu
 *   app             500m           256Mi               -
 *   log             (limit) 200m   (limit) 128Mi       -
 *   Σ regular       0.7            384Mi = 402653184   0
 *   migrate (init)  2              128Mi
 *   warm (init)     300m           1Gi = 1073741824    (limit) 1
 *   init peak       2              1Gi                 1
 *   excess → app    2 − 0.7 = 1.3  1Gi − 384Mi = 640Mi 1
 *   app effective   0.5 + 1.3 = 1.8  256Mi + 640Mi = 896Mi = 939524096, 1 GPU
 * Pod effective = max(Σ regular, init peak): 1.8 + 0.2 = 2 cores = the
 * migrate init's 2; 896Mi + 128Mi = 1Gi = warm's 1Gi. */
TEST(pod_with_init_containers)
{
    json_t *j = load(FIX "pod_init.json");
    kt_object o;
    if (!j)
        return;
    CHECK(decode_ok(K_POD, j, &o));
    const kt_pod_obj *p = &o.u.pod;
    CHECK(o.kind == K_POD);
    CHECK_STR(S(p->namespace_), "shop");
    CHECK_STR(S(p->name), "api-7d9f-x2k4q");
    CHECK_STR(S(p->uid), "5b0c1e7a-0000-4000-8000-000000000001");
    CHECK_STR(S(p->node), "ip-10-0-1-5.ec2.internal");
    CHECK_STR(S(p->phase), "Running");
    CHECK_STR(S(p->owner_kind), "ReplicaSet"); /* the controller, not the first reference */
    CHECK_STR(S(p->owner), "api-7d9f");
    CHECK(p->created == 1795514340);           /* 09:59:00 = 10:00 − 60 s */
    CHECK(p->started == 1795514400);           /* 10:00:00 */
    CHECK(p->deleted == 1795521600);           /* 12:00:00 = 10:00 + 7200 s */
    CHECK(p->n_labels == 3);
    CHECK_STR(kvget(p->labels, p->n_labels, "team"), "payments");
    /* last-applied-configuration and a non-string value are dropped */
    CHECK(p->n_annotations == 1);
    CHECK_STR(kvget(p->annotations, p->n_annotations, "owner"), "alice");

    CHECK(p->n_containers == 2);
    const kt_container_obj *app = ctr(p, "app"), *log = ctr(p, "log");
    CHECK(app && log && p->n_containers == 2 && app == &p->containers[0]);
    if (!app || !log)
        goto out;
    CHECK_NEAR(app->cpu_req, 1.8, 1e-12);
    CHECK_NEAR(app->ram_req, 939524096, 0);
    CHECK_NEAR(app->gpu_req, 1, 0);
    CHECK_NEAR(app->cpu_lim, 1, 0);
    CHECK_NEAR(app->ram_lim, 536870912, 0);     /* 512Mi */
    CHECK_NEAR(log->cpu_req, 0.2, 1e-12);       /* request defaults to the limit */
    CHECK_NEAR(log->ram_req, 134217728, 0);     /* 128Mi */
    CHECK_NEAR(log->gpu_req, 0, 0);
    CHECK_NEAR(log->cpu_lim, 0.2, 1e-12);
    CHECK_NEAR(app->cpu_req + log->cpu_req, 2, 1e-12);           /* = migrate's 2 cores */
    CHECK_NEAR(app->ram_req + log->ram_req, 1073741824, 0);       /* = warm's 1Gi */
    /* statuses matched by name (listed log first); lastState ignored */
    CHECK(app->running == 1 && app->started == 1795514407 && app->finished == 0);
    CHECK(log->running == 0 && log->started == 1795514405 && log->finished == 1795519800);

    /* claims: two PVCs and the ephemeral volume's "<pod>-<volume>" */
    CHECK(p->n_claims == 3);
    if (p->n_claims == 3) {
        CHECK_STR(S(p->claims[0]), "api-data");
        CHECK_STR(S(p->claims[1]), "api-cache");
        CHECK_STR(S(p->claims[2]), "api-7d9f-x2k4q-scratch");
    }
out:
    json_decref(j);
}

/* pod_sidecar.json: web (100m, 100Mi); init early (250m), proxy sidecar
 * (restartPolicy Always: 100m, 128Mi), setup (500m, 64Mi) after proxy.
 *   running set  web + proxy              = 200m, 228Mi
 *   early alone                           = 250m
 *   setup + proxy (started before it)     = 600m, 192Mi
 *   peak                                  = 600m, 192Mi
 *   excess → web: cpu 600m − 200m = 400m ⇒ web 500m; memory none (192 < 228). */
TEST(pod_with_sidecar)
{
    json_t *j = load(FIX "pod_sidecar.json");
    kt_object o;
    if (!j)
        return;
    CHECK(decode_ok(K_POD, j, &o));
    const kt_pod_obj *p = &o.u.pod;
    CHECK(p->n_containers == 2);
    const kt_container_obj *web = ctr(p, "web"), *proxy = ctr(p, "proxy");
    CHECK(web && proxy && web == &p->containers[0]);
    if (web && proxy) {
        CHECK_NEAR(web->cpu_req, 0.5, 1e-12);
        CHECK_NEAR(web->ram_req, 100 * 1048576.0, 0);
        CHECK_NEAR(proxy->cpu_req, 0.1, 1e-12);
        CHECK_NEAR(proxy->ram_req, 128 * 1048576.0, 0);
        CHECK(web->running == 0 && web->started == 0 && web->finished == 0); /* waiting */
        CHECK(proxy->running == 1 && proxy->started == 1795514405);         /* from initContainerStatuses */
    }
    CHECK(ctr(p, "setup") == NULL && ctr(p, "early") == NULL);
    CHECK_STR(S(p->owner_kind), "StatefulSet");
    CHECK(p->deleted == 0 && p->started == 0 && p->n_claims == 0 && p->n_labels == 0);
    CHECK(p->labels == NULL);
    json_decref(j);
}

static json_t *item_named(json_t *list, const char *name)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(list, "items"), i, it) {
        const char *n = json_string_value(json_object_get(json_object_get(it, "metadata"), "name"));
        if (n && !strcmp(n, name))
            return it;
    }
    fprintf(stderr, "no item %s\n", name);
    return NULL;
}

static kt_node_obj node_of(json_t *list, const char *name)
{
    kt_object o;
    memset(&o, 0, sizeof o);
    CHECK(decode_ok(K_NODE, item_named(list, name), &o));
    return o.u.node;
}

TEST(nodes_per_cloud)
{
    json_t *j = load(FIX "nodes.json");
    if (!j)
        return;
    kt_node_obj n = node_of(j, "eks-spot-1");
    CHECK_STR(S(n.provider), "aws");
    CHECK_STR(S(n.provider_id), "aws:///us-east-1c/i-0123456789abcdef0");
    CHECK_STR(S(n.region), "us-east-1");
    CHECK_STR(S(n.zone), "us-east-1c");
    CHECK_STR(S(n.instance_type), "m5.xlarge");
    CHECK_STR(S(n.pool), "spot-ng");
    CHECK_STR(S(n.capacity_type), "SPOT");
    CHECK(n.spot == 1);
    CHECK_NEAR(n.cpu_cores, 4, 0);             /* capacity, not allocatable 3920m */
    CHECK_NEAR(n.ram_bytes, 16386404352.0, 0); /* 16002348Ki × 1024 */
    CHECK_NEAR(n.gpus, 0, 0);
    CHECK(n.created == 1795514400);
    CHECK_STR(S(n.uid), "n-eks");
    CHECK_STR(S(n.arch), "amd64");

    n = node_of(j, "gke-pool-gpu-1"); /* no region label: derived from the zone */
    CHECK_STR(S(n.provider), "gcp");
    CHECK_STR(S(n.zone), "europe-west1-b");
    CHECK_STR(S(n.region), "europe-west1");
    CHECK_STR(S(n.pool), "gpu-pool");
    CHECK_STR(S(n.gpu_type), "nvidia-tesla-t4");
    CHECK(n.spot == 1);
    CHECK_NEAR(n.gpus, 2, 0);
    CHECK_NEAR(n.ram_bytes, 32212254720.0, 0); /* 30 × 2^30 */
    CHECK_STR(S(n.arch), "amd64");             /* from nodeInfo: no arch label */
    CHECK_STR(S(n.os), "linux");

    n = node_of(j, "aks-spot-12345678-vmss000000");
    CHECK_STR(S(n.provider), "azure");
    CHECK_STR(S(n.region), "westeurope");
    CHECK_STR(S(n.zone), "westeurope-1");
    CHECK_STR(S(n.pool), "spot");
    CHECK_STR(S(n.instance_type), "Standard_D4s_v3");
    CHECK(n.spot == 1);
    CHECK_STR(S(n.arch), "arm64");
    CHECK(n.created == 0);

    n = node_of(j, "karpenter-1"); /* zone only in the providerID */
    CHECK_STR(S(n.provider), "aws");
    CHECK_STR(S(n.zone), "eu-west-1b");
    CHECK_STR(S(n.region), "eu-west-1");
    CHECK_STR(S(n.pool), "default");
    CHECK_STR(S(n.capacity_type), "spot");
    CHECK(n.spot == 1);
    CHECK_NEAR(n.ram_bytes, 3935883264.0, 0);  /* 3843636Ki × 1024 */

    n = node_of(j, "rack7-node3");
    CHECK_STR(S(n.provider), "onprem");
    CHECK(n.provider_id == 0 && n.region == 0 && n.zone == 0);
    CHECK_STR(S(n.capacity_type), "on-demand");
    CHECK(n.spot == 0);
    CHECK_NEAR(n.gpus, 4, 0);                  /* amd.com/gpu */
    CHECK_NEAR(n.cpu_cores, 64, 0);

    n = node_of(j, "kind-worker");
    CHECK_STR(S(n.provider), "kind");
    CHECK_NEAR(n.cpu_cores, 0, 0);             /* "wrong" does not parse: 0 */
    CHECK_NEAR(n.ram_bytes, 12, 0);            /* a bare JSON number is a quantity too */
    json_decref(j);
}

TEST(volumes_claims_classes)
{
    json_t *j = load(FIX "storage.json");
    if (!j)
        return;
    kt_object o;
    CHECK(decode_ok(K_PV, json_object_get(j, "pv_csi"), &o));
    CHECK_STR(S(o.u.pv.name), "pvc-0a1b2c3d");
    CHECK_STR(S(o.u.pv.storage_class), "gp3");
    CHECK_STR(S(o.u.pv.claim_ns), "shop");
    CHECK_STR(S(o.u.pv.claim_name), "api-data");
    CHECK_STR(S(o.u.pv.csi_driver), "ebs.csi.aws.com");
    CHECK_STR(S(o.u.pv.provider_id), "vol-0a1b2c3d4e5f");
    CHECK(o.u.pv.volume_type == 0);            /* EBS CSI: the class's type applies */
    CHECK_NEAR(o.u.pv.bytes, 107374182400.0, 0); /* 100 × 2^30 */

    CHECK(decode_ok(K_PV, json_object_get(j, "pv_azure_csi"), &o));
    CHECK_STR(S(o.u.pv.volume_type), "Premium_LRS");
    CHECK_STR(S(o.u.pv.csi_driver), "disk.csi.azure.com");

    CHECK(decode_ok(K_PV, json_object_get(j, "pv_ebs"), &o));
    CHECK_STR(S(o.u.pv.provider_id), "aws://us-east-1a/vol-0def");
    CHECK(o.u.pv.csi_driver == 0 && o.u.pv.claim_name == 0);
    CHECK_NEAR(o.u.pv.bytes, 8589934592.0, 0);  /* 8 × 2^30 */

    CHECK(decode_ok(K_PVC, json_object_get(j, "pvc_bound"), &o));
    CHECK_STR(S(o.u.pvc.namespace_), "shop");
    CHECK_STR(S(o.u.pvc.volume), "pvc-0a1b2c3d");
    CHECK_STR(S(o.u.pvc.storage_class), "gp3");
    CHECK_NEAR(o.u.pvc.bytes, 107374182400.0, 0); /* status.capacity 100Gi, not the 95Gi asked */
    CHECK(decode_ok(K_PVC, json_object_get(j, "pvc_unbound"), &o));
    CHECK(o.u.pvc.volume == 0);
    CHECK_NEAR(o.u.pvc.bytes, 5368709120.0, 0);   /* requests 5Gi */

    CHECK(decode_ok(K_STORAGECLASS, json_object_get(j, "sc_gp3"), &o));
    CHECK_STR(S(o.u.sc.name), "gp3");
    CHECK_STR(S(o.u.sc.provisioner), "ebs.csi.aws.com");
    CHECK_STR(S(o.u.sc.type), "gp3");
    CHECK(decode_ok(K_STORAGECLASS, json_object_get(j, "sc_azure"), &o));
    CHECK_STR(S(o.u.sc.type), "Premium_LRS");
    CHECK_STR(S(o.u.sc.provisioner), "disk.csi.azure.com");
    json_decref(j);
}

TEST(services_owners_namespaces)
{
    json_t *j = load(FIX "misc.json");
    if (!j)
        return;
    kt_object o;
    CHECK(decode_ok(K_SERVICE, json_object_get(j, "svc_internal"), &o));
    const kt_service_obj *s = &o.u.svc;
    CHECK_STR(S(s->type), "LoadBalancer");
    CHECK_STR(S(s->ip), "internal-api-lb-123.us-east-1.elb.amazonaws.com"); /* ingress[0] */
    CHECK(s->internal == 1);
    CHECK(s->n_selector == 2);
    CHECK_STR(kvget(s->selector, s->n_selector, "tier"), "backend");
    CHECK(decode_ok(K_SERVICE, json_object_get(j, "svc_gke"), &o));
    CHECK(o.u.svc.internal == 1);
    CHECK_STR(S(o.u.svc.ip), "10.128.0.40");
    CHECK(decode_ok(K_SERVICE, json_object_get(j, "svc_public"), &o));
    CHECK(o.u.svc.internal == 0); /* aws-load-balancer-internal: "false" */
    CHECK_STR(S(o.u.svc.ip), "34.1.2.3");
    CHECK(decode_ok(K_SERVICE, json_object_get(j, "svc_clusterip"), &o));
    CHECK_STR(S(o.u.svc.type), "ClusterIP");
    CHECK(o.u.svc.ip == 0 && o.u.svc.internal == 0);

    CHECK(decode_ok(K_REPLICASET, json_object_get(j, "rs"), &o));
    CHECK(o.kind == K_REPLICASET);
    CHECK_STR(S(o.u.owner.namespace_), "shop");
    CHECK_STR(S(o.u.owner.name), "api-7d9f");
    CHECK_STR(S(o.u.owner.owner_kind), "Deployment");
    CHECK_STR(S(o.u.owner.owner), "api");
    CHECK(decode_ok(K_JOB, json_object_get(j, "job"), &o));
    CHECK_STR(S(o.u.owner.owner_kind), "CronJob");
    CHECK_STR(S(o.u.owner.owner), "report");

    CHECK(decode_ok(K_NAMESPACE, json_object_get(j, "ns"), &o));
    CHECK_STR(S(o.u.ns.name), "shop");
    CHECK_STR(kvget(o.u.ns.labels, o.u.ns.n_labels, "team"), "payments");
    CHECK_STR(kvget(o.u.ns.annotations, o.u.ns.n_annotations, "cost-center"), "cc-42");
    json_decref(j);
}

static int decode_text(enum kt_kind kind, const char *text, kt_object *o, kt_err *e)
{
    json_t *j = json_loads(text, 0, NULL);
    int rc = kube_decode(dec, kind, j, o, e);
    json_decref(j);
    return rc;
}

TEST(malformed)
{
    kt_object o;
    kt_err e = {0};
    CHECK(kube_decode(dec, K_POD, NULL, &o, &e) == -1);
    CHECK(strstr(e.msg, "pod") != NULL);
    CHECK(decode_text(K_NODE, "[1,2]", &o, &e) == -1);
    CHECK(strstr(e.msg, "node") != NULL);
    CHECK(decode_text(K_POD, "{\"spec\":{}}", &o, &e) == -1);
    CHECK(strstr(e.msg, "pod") && strstr(e.msg, "metadata.name"));
    CHECK(decode_text(K_POD, "{\"metadata\":{\"name\":\"p\"}}", &o, &e) == -1);
    CHECK(strstr(e.msg, "pod p") && strstr(e.msg, "metadata.namespace"));
    CHECK(decode_text(K_SERVICE, "{\"metadata\":{\"name\":7,\"namespace\":\"n\"}}", &o, &e) == -1);
    CHECK(strstr(e.msg, "service") && strstr(e.msg, "metadata.name"));
    CHECK(decode_text(K_PV, "{\"metadata\":\"x\"}", &o, &e) == -1);
    CHECK(strstr(e.msg, "persistentvolume") != NULL);
    CHECK(decode_text(K_NAMESPACE, "{\"metadata\":{\"name\":\"\"}}", &o, &e) == -1);
    json_t *empty = json_object();
    CHECK(kube_decode(dec, K_KIND_COUNT, empty, &o, &e) == -1);
    json_decref(empty);

    /* wrong types everywhere are absent, not errors */
    static const char *wrong =
        "{\"metadata\":{\"name\":\"w\",\"namespace\":\"n\",\"labels\":\"l\",\"annotations\":[1],"
        "\"ownerReferences\":{\"kind\":\"X\"},\"creationTimestamp\":5,\"uid\":[]},"
        "\"spec\":{\"nodeName\":3,\"containers\":[7,{\"name\":9,\"resources\":{\"requests\":[\"cpu\"],"
        "\"limits\":{\"cpu\":{\"v\":1},\"memory\":\"lots\"}}},{\"name\":\"ok\",\"resources\":{\"requests\":{\"cpu\":\"-1\",\"memory\":\"1Ki\"}}}],"
        "\"initContainers\":\"x\",\"volumes\":[1,{\"persistentVolumeClaim\":{\"claimName\":4}},{\"persistentVolumeClaim\":[]}]},"
        "\"status\":{\"phase\":{},\"containerStatuses\":[1,{\"name\":2},{\"name\":\"ok\",\"state\":{\"running\":{\"startedAt\":\"yesterday\"}}}],"
        "\"startTime\":[]}}";
    CHECK(decode_text(K_POD, wrong, &o, &e) == 0);
    const kt_pod_obj *p = &o.u.pod;
    CHECK(p->n_labels == 0 && p->n_annotations == 0 && p->owner == 0 && p->created == 0 && p->uid == 0);
    CHECK(p->node == 0 && p->phase == 0 && p->n_claims == 0 && p->started == 0);
    CHECK(p->n_containers == 2); /* the number 7 is skipped; the unnamed one kept */
    if (p->n_containers == 2) {
        CHECK(p->containers[0].name == 0);
        CHECK_NEAR(p->containers[0].cpu_req, 0, 0);
        CHECK_NEAR(p->containers[0].ram_req, 0, 0); /* "lots" fails to parse: 0 */
        CHECK_NEAR(p->containers[1].cpu_req, 0, 0); /* "-1" rejected: 0 */
        CHECK_NEAR(p->containers[1].ram_req, 1024, 0);
        CHECK(p->containers[1].running == 1 && p->containers[1].started == 0);
    }
    /* a 10 MB label value is dropped (Kubernetes allows 63 bytes); the rest stays */
    size_t big = 10u << 20;
    char *huge = malloc(big + 1);
    memset(huge, 'v', big);
    huge[big] = 0;
    json_t *j = json_pack("{s:{s:s,s:s,s:{s:s,s:s}}}", "metadata", "name", "big", "namespace", "n", "labels",
                          "huge", huge, "small", "x");
    size_t before = strtab_bytes(&st);
    CHECK(j && kube_decode(dec, K_POD, j, &o, &e) == 0);
    CHECK(o.u.pod.n_labels == 1);
    CHECK_STR(kvget(o.u.pod.labels, o.u.pod.n_labels, "small"), "x");
    CHECK(strtab_bytes(&st) - before < (1u << 20)); /* the 10 MB never reached the strtab */
    json_decref(j);
    free(huge);

    /* deeply nested garbage where objects and arrays are expected */
    kt_buf b = {0};
    buf_puts(&b, "{\"metadata\":{\"name\":\"deep\",\"namespace\":\"n\",\"labels\":");
    for (int i = 0; i < 1000; i++)
        buf_puts(&b, "{\"a\":");
    buf_puts(&b, "1");
    for (int i = 0; i < 1000; i++)
        buf_putc(&b, '}');
    buf_puts(&b, "},\"spec\":{\"containers\":");
    for (int i = 0; i < 1000; i++)
        buf_putc(&b, '[');
    for (int i = 0; i < 1000; i++)
        buf_putc(&b, ']');
    buf_puts(&b, "}}");
    CHECK(decode_text(K_POD, b.data, &o, &e) == 0);
    CHECK(o.u.pod.n_labels == 0 && o.u.pod.n_containers == 0);
    buf_free(&b);
}

/* Real objects (see /work/shared/data/PROVENANCE.md §6); values read off
 * the files by hand. */
TEST(real_eks)
{
    json_t *nodes = load(REAL "eks/eks_nodelist_t3small_us-east-1_2026.json");
    json_t *pods = load(REAL "eks/eks_kube-system_podlist_2026.json");
    if (!nodes || !pods)
        goto out;
    kt_node_obj n = node_of(nodes, "ip-10-0-10-170.ec2.internal");
    CHECK_STR(S(n.provider), "aws");
    CHECK_STR(S(n.provider_id), "aws:///us-east-1a/i-08736224042c4ee75");
    CHECK_STR(S(n.instance_type), "t3.small");
    CHECK_STR(S(n.region), "us-east-1");
    CHECK_STR(S(n.zone), "us-east-1a");
    CHECK_STR(S(n.capacity_type), "ON_DEMAND");
    CHECK_STR(S(n.pool), "ecommerce-dev-node-group");
    CHECK(n.spot == 0);
    CHECK_NEAR(n.cpu_cores, 2, 0);
    CHECK_NEAR(n.ram_bytes, 2006286336.0, 0); /* 1959264Ki × 1024 (allocatable 1471840Ki ignored) */
    CHECK(n.created == 1767384139);           /* 2026-01-02T20:02:19Z */
    CHECK_STR(S(n.arch), "amd64");
    n = node_of(nodes, "ip-10-0-20-143.ec2.internal");
    CHECK_STR(S(n.zone), "us-east-1b");

    kt_object o;
    CHECK(decode_ok(K_POD, item_named(pods, "coredns-789f8477df-knmwr"), &o));
    const kt_pod_obj *p = &o.u.pod;
    CHECK_STR(S(p->namespace_), "kube-system");
    CHECK_STR(S(p->node), "ip-10-0-10-170.ec2.internal");
    CHECK_STR(S(p->owner_kind), "ReplicaSet");
    CHECK_STR(S(p->owner), "coredns-789f8477df");
    CHECK(p->created == 1767383904);          /* 19:58:24 */
    CHECK(p->n_containers == 1);
    if (p->n_containers == 1) {
        CHECK_NEAR(p->containers[0].cpu_req, 0.1, 1e-12);        /* 100m */
        CHECK_NEAR(p->containers[0].ram_req, 73400320, 0);       /* 70Mi */
        CHECK_NEAR(p->containers[0].ram_lim, 178257920, 0);      /* 170Mi */
        CHECK_NEAR(p->containers[0].cpu_lim, 0, 0);
        CHECK(p->containers[0].running == 1 && p->containers[0].started == 1767384152); /* 20:02:32 */
    }
    /* aws-node: init 25m < Σ 25m + 25m, so no excess; statuses listed in
     * the other order than the spec */
    CHECK(decode_ok(K_POD, item_named(pods, "aws-node-9t64t"), &o));
    CHECK(p->n_containers == 2);
    const kt_container_obj *an = ctr(p, "aws-node"), *agent = ctr(p, "aws-eks-nodeagent");
    CHECK(an && agent);
    if (an && agent) {
        CHECK_NEAR(an->cpu_req, 0.025, 1e-12);
        CHECK_NEAR(agent->cpu_req, 0.025, 1e-12);
        CHECK(an->started == 1767384148);     /* 20:02:28 */
        CHECK(agent->started == 1767384150);  /* 20:02:30 */
    }
    /* all six pods: 2 × aws-node (25m + 25m) + 2 × coredns 100m + 2 × kube-proxy 100m = 0.5 cores */
    double cpu = 0;
    size_t i, count = 0;
    json_t *it;
    json_array_foreach(json_object_get(pods, "items"), i, it) {
        if (!decode_ok(K_POD, it, &o))
            continue;
        count++;
        for (size_t c = 0; c < o.u.pod.n_containers; c++)
            cpu += o.u.pod.containers[c].cpu_req;
    }
    CHECK(count == 6);
    CHECK_NEAR(cpu, 0.5, 1e-12);
out:
    json_decref(nodes);
    json_decref(pods);
}

TEST(real_gke)
{
    json_t *node = load(REAL "gke/gke_node_n1-standard-1_preemptible_2018.json");
    json_t *pod = load(REAL "gke/gke_pod_with_requests_2018.json");
    json_t *svcs = load(REAL "gke/gke_servicelist_2018.json");
    kt_object o;
    if (!node || !pod || !svcs)
        goto out;
    CHECK(decode_ok(K_NODE, node, &o));
    const kt_node_obj *n = &o.u.node;
    CHECK_STR(S(n->provider), "gcp");
    CHECK_STR(S(n->instance_type), "n1-standard-1");
    CHECK_STR(S(n->region), "us-central1");
    CHECK_STR(S(n->zone), "us-central1-c");
    CHECK_STR(S(n->pool), "pool-1");
    CHECK(n->spot == 1); /* gke-preemptible=true */
    CHECK_STR(S(n->capacity_type), "spot");
    CHECK_NEAR(n->cpu_cores, 1, 0);
    CHECK_NEAR(n->ram_bytes, 3878518784.0, 0); /* 3787616Ki × 1024 */
    CHECK(n->created == 1541468343);           /* 2018-11-06T01:39:03Z */

    CHECK(decode_ok(K_POD, pod, &o));
    const kt_pod_obj *p = &o.u.pod;
    CHECK_STR(S(p->namespace_), "test-ns");
    CHECK_STR(S(p->owner), "cost-attribution-prometheus-5dd645756b");
    CHECK(p->n_containers == 1 && p->n_claims == 1);
    if (p->n_containers == 1) { /* the init container requests nothing: no excess */
        CHECK_NEAR(p->containers[0].cpu_req, 0.25, 1e-12);
        CHECK_NEAR(p->containers[0].ram_req, 262144000, 0);   /* 250Mi */
        CHECK_NEAR(p->containers[0].cpu_lim, 4, 0);
        CHECK_NEAR(p->containers[0].ram_lim, 4194304000.0, 0); /* 4000Mi */
        CHECK(p->containers[0].started == 1541532151);        /* 19:22:31 */
    }
    if (p->n_claims == 1)
        CHECK_STR(S(p->claims[0]), "cost-attribution-data");
    CHECK(p->started == 1541532128);

    /* 12 services, 2 LoadBalancers with ingress IPs */
    size_t i, lbs = 0, count = 0;
    json_t *it;
    json_array_foreach(json_object_get(svcs, "items"), i, it) {
        if (!decode_ok(K_SERVICE, it, &o))
            continue;
        count++;
        if (!strcmp(S(o.u.svc.type), "LoadBalancer")) {
            lbs++;
            CHECK(o.u.svc.ip != 0 && o.u.svc.internal == 0);
        }
    }
    CHECK(count == 12 && lbs == 2);
out:
    json_decref(node);
    json_decref(pod);
    json_decref(svcs);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* 100,000 pods shaped like a Deployment's: a template whose name, uid and
 * pod-template-hash change per pod.  Prints pods/s of kube_decode alone
 * and strtab bytes per pod. */
TEST(speed)
{
    json_t *tmpl = load(FIX "pod_init.json");
    if (!tmpl)
        return;
    kt_strtab s2;
    strtab_init(&s2);
    kt_decoder *d2 = kube_decoder_new(&s2);
    json_t *meta = json_object_get(tmpl, "metadata"), *labels = json_object_get(meta, "labels");
    const int n = 100000;
    double spent = 0;
    size_t base = strtab_bytes(&s2);
    kt_object o;
    kt_err e;
    int ok = 0;
    for (int i = 0; i < n; i++) {
        char name[64], uid[64], hash[16];
        snprintf(name, sizeof name, "api-%05x-%06d", i / 10, i);
        snprintf(uid, sizeof uid, "5b0c1e7a-0000-4000-8000-%012d", i);
        snprintf(hash, sizeof hash, "%05x", i / 10);
        json_object_set_new(meta, "name", json_string(name));
        json_object_set_new(meta, "uid", json_string(uid));
        json_object_set_new(labels, "pod-template-hash", json_string(hash));
        double t0 = now_s();
        ok += kube_decode(d2, K_POD, tmpl, &o, &e) == 0;
        spent += now_s() - t0;
    }
    CHECK(ok == n);
    printf("speed: %d pods decoded in %.3f s = %.0f pods/s; strtab %.1f bytes/pod\n", n, spent, n / spent,
           (double)(strtab_bytes(&s2) - base) / n);
    kube_decoder_free(d2);
    strtab_free(&s2);
    json_decref(tmpl);
}

int main(void)
{
    strtab_init(&st);
    dec = kube_decoder_new(&st);
    RUN(times);
    RUN(kinds);
    RUN(pod_with_init_containers);
    RUN(pod_with_sidecar);
    RUN(nodes_per_cloud);
    RUN(volumes_claims_classes);
    RUN(services_owners_namespaces);
    RUN(malformed);
    if (access(REAL "eks", R_OK) == 0) {
        RUN(real_eks);
        RUN(real_gke);
    } else {
        printf("skip real_eks, real_gke: %s not found\n", REAL);
    }
    RUN(speed);
    kube_decoder_free(dec);
    strtab_free(&st);
    return check_done();
}

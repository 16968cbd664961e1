/* test_collector_posture_kinds.c — the posture texts of every kind beside
 * pods, nodes and namespaces (kube/decode_posture.c: controllers, Jobs,
 * PDBs, HPAs, network policies, ingresses, volumes and claims, service
 * accounts, config maps, RBAC) and how the collector keeps them
 * (collector/posture_keep.h): texts written out by hand, lists in
 * kube_posture_kinds' order with each item's name and namespace put back,
 * /version, and the bytes kept per object. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "collector/posture_keep.h"
#include "kube/decode.h"
#include "util/buf.h"

static kt_strtab st;
static kt_decoder *dec;

static json_t *parse(const char *text)
{
    json_t *j = json_loads(text, 0, NULL);
    CHECK(j != NULL);
    return j;
}

/* Decode text as kind; the posture text is returned (owned by the decoder). */
static const char *text_of(enum kt_kind kind, const char *text, kt_object *o)
{
    json_t *j = parse(text);
    kt_err e = {0};
    CHECK(kube_decode(dec, kind, j, o, &e) == 0);
    json_decref(j);
    return o->posture[0] ? o->posture[0] : "";
}

/* Everything per object or never checked goes: uid, resourceVersion,
 * timestamps, managedFields, status (but a Job's conditions), kubectl's
 * last-applied annotation; name and namespace are the record's key. */
TEST(texts_by_hand)
{
    kt_object o;
    CHECK_STR(text_of(K_DEPLOYMENT,
                      "{\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\",\"uid\":\"u1\",\"resourceVersion\":\"7\","
                      "\"generation\":3,\"creationTimestamp\":\"2026-11-24T10:00:00Z\",\"labels\":{\"app\":\"web\"},"
                      "\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\"{...}\","
                      "\"polaris.fairwinds.com/hostNetworkSet-exempt\":\"true\"},\"managedFields\":[{}]},"
                      "\"spec\":{\"replicas\":2,\"template\":{\"spec\":{\"hostNetwork\":true}}},"
                      "\"status\":{\"readyReplicas\":2,\"observedGeneration\":3}}",
                      &o),
              "{\"metadata\":{\"labels\":{\"app\":\"web\"},\"annotations\":{\"polaris.fairwinds.com/"
              "hostNetworkSet-exempt\":\"true\"}},\"spec\":{\"replicas\":2,\"template\":{\"spec\":"
              "{\"hostNetwork\":true}}}}");
    CHECK_STR(strtab_get(&st, o.u.named.namespace_), "shop");
    CHECK_STR(strtab_get(&st, o.u.named.name), "web");
    CHECK_STR(text_of(K_JOB,
                      "{\"metadata\":{\"name\":\"j\",\"namespace\":\"b\",\"ownerReferences\":[{\"kind\":\"CronJob\","
                      "\"name\":\"c\",\"controller\":true}]},\"spec\":{\"backoffLimit\":0},\"status\":{\"failed\":1,"
                      "\"startTime\":\"2026-11-24T10:00:00Z\",\"conditions\":[{\"type\":\"Failed\",\"status\":\"True\","
                      "\"reason\":\"BackoffLimitExceeded\",\"message\":\"m\",\"lastProbeTime\":\"2026-11-24T10:01:00Z\"}]}}",
                      &o),
              "{\"metadata\":{\"ownerReferences\":[{\"kind\":\"CronJob\",\"name\":\"c\",\"controller\":true}]},"
              "\"spec\":{\"backoffLimit\":0},\"status\":{\"conditions\":[{\"type\":\"Failed\",\"status\":\"True\","
              "\"reason\":\"BackoffLimitExceeded\",\"message\":\"m\"}]}}");
    CHECK_STR(strtab_get(&st, o.u.owner.owner), "c"); /* costing's facts are still decoded */
    /* key names kept; a value only where a private key may be (any case) */
    CHECK_STR(text_of(K_CONFIGMAP,
                      "{\"metadata\":{\"name\":\"cfg\",\"namespace\":\"a\"},\"data\":{\"password\":\"hunter2\","
                      "\"tls.key\":\"-----BEGIN RSA Private Key-----\\nMII\",\"app.conf\":\"x=1\"},"
                      "\"binaryData\":{\"b\":\"AAAA\"}}",
                      &o),
              "{\"metadata\":{},\"data\":{\"password\":\"\",\"tls.key\":\"-----BEGIN RSA Private Key-----\\nMII\","
              "\"app.conf\":\"\"}}");
    CHECK_STR(text_of(K_SERVICEACCOUNT,
                      "{\"metadata\":{\"name\":\"default\",\"namespace\":\"a\"},\"secrets\":[{\"name\":\"t\"}],"
                      "\"automountServiceAccountToken\":false}",
                      &o),
              "{\"metadata\":{},\"automountServiceAccountToken\":false}");
    CHECK_STR(text_of(K_CLUSTERROLEBINDING,
                      "{\"metadata\":{\"name\":\"admins\"},\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":"
                      "\"cluster-admin\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"ann\"}]}",
                      &o),
              "{\"metadata\":{},\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"cluster-admin\"},\"subjects\":"
              "[{\"kind\":\"User\",\"name\":\"ann\"}]}");
    CHECK(o.u.named.namespace_ == 0); /* cluster-scoped */
    CHECK_STR(text_of(K_ROLE,
                      "{\"metadata\":{\"name\":\"exec\",\"namespace\":\"a\"},\"rules\":[{\"resources\":[\"pods/exec\"],"
                      "\"verbs\":[\"create\"]}]}",
                      &o),
              "{\"metadata\":{},\"rules\":[{\"resources\":[\"pods/exec\"],\"verbs\":[\"create\"]}]}");
    CHECK_STR(text_of(K_PV,
                      "{\"metadata\":{\"name\":\"pv1\",\"labels\":{\"topology.kubernetes.io/region\":\"us-east-1\"}},"
                      "\"spec\":{\"capacity\":{\"storage\":\"1Gi\"}},\"status\":{\"phase\":\"Bound\"}}",
                      &o),
              "{\"metadata\":{\"labels\":{\"topology.kubernetes.io/region\":\"us-east-1\"}},\"spec\":{\"capacity\":"
              "{\"storage\":\"1Gi\"}}}");
    CHECK(o.u.pv.bytes == 1073741824.0);
    /* a ReplicaSet scaling, or its status moving, gives the same text */
    const char *rs = text_of(K_REPLICASET,
                             "{\"metadata\":{\"name\":\"web-1\",\"namespace\":\"a\",\"resourceVersion\":\"1\"},"
                             "\"spec\":{\"replicas\":1},\"status\":{\"replicas\":0}}",
                             &o);
    char *first = strdup(rs);
    CHECK_STR(text_of(K_REPLICASET,
                      "{\"metadata\":{\"name\":\"web-1\",\"namespace\":\"a\",\"resourceVersion\":\"2\"},"
                      "\"spec\":{\"replicas\":1},\"status\":{\"replicas\":1,\"readyReplicas\":1}}",
                      &o),
              first);
    free(first);
    /* a namespaced kind without its namespace is refused, naming it */
    json_t *j = parse("{\"metadata\":{\"name\":\"x\"},\"spec\":{}}");
    kt_err e = {0};
    CHECK(kube_decode(dec, K_PDB, j, &o, &e) == -1 && strstr(e.msg, "poddisruptionbudget x") != NULL);
    json_decref(j);
    /* services and storage classes are costing's only: no text */
    text_of(K_SERVICE, "{\"metadata\":{\"name\":\"s\",\"namespace\":\"a\"},\"spec\":{}}", &o);
    CHECK(o.posture[0] == NULL);
}

static void keep(kt_posture_keep *k, enum kt_kind kind, const char *text)
{
    kt_object o;
    text_of(kind, text, &o);
    posture_keep_upsert(k, &o);
}

static json_t *item(json_t *const *l, enum kt_kind kind, size_t i)
{
    for (int t = 0; t < KT_POSTURE_KINDS; t++)
        if (kube_posture_kinds[t] == kind)
            return json_array_get(json_object_get(l[t], "items"), i);
    return NULL;
}

TEST(lists_and_version)
{
    kt_posture_keep *k = posture_keep_new(&st);
    keep(k, K_DEPLOYMENT, "{\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\",\"labels\":{\"app\":\"web\"}},"
                          "\"spec\":{\"replicas\":2}}");
    keep(k, K_DEPLOYMENT, "{\"metadata\":{\"name\":\"api\",\"namespace\":\"shop\"},\"spec\":{\"replicas\":1}}");
    keep(k, K_CLUSTERROLE, "{\"metadata\":{\"name\":\"view\"},\"rules\":[]}");
    CHECK(!posture_keep_ready(k));
    const char *v = "{\"major\":\"1\",\"minor\":\"20\",\"gitVersion\":\"v1.20.2\"}";
    posture_keep_set_version(k, v, strlen(v));
    CHECK(posture_keep_ready(k));
    json_t *l[KT_POSTURE_PARTS];
    posture_keep_lists(k, l);
    for (int t = 0; t < KT_POSTURE_KINDS; t++) { /* every kind, in live.c's order, empty or not */
        char want[64];
        snprintf(want, sizeof want, "%sList", kube_kind_object(kube_posture_kinds[t]));
        CHECK_STR(json_string_value(json_object_get(l[t], "kind")), want);
    }
    CHECK_STR(json_string_value(json_object_get(l[7], "apiVersion")), "apps/v1");
    /* the server's order: "shop/api" before "shop/web"; key put back */
    json_t *api = item(l, K_DEPLOYMENT, 0), *web = item(l, K_DEPLOYMENT, 1);
    CHECK_STR(json_string_value(json_object_get(json_object_get(api, "metadata"), "name")), "api");
    CHECK_STR(json_string_value(json_object_get(json_object_get(web, "metadata"), "namespace")), "shop");
    CHECK_STR(json_string_value(json_object_get(json_object_get(json_object_get(web, "metadata"), "labels"), "app")),
              "web");
    CHECK(json_integer_value(json_object_get(json_object_get(web, "spec"), "replicas")) == 2);
    json_t *view = item(l, K_CLUSTERROLE, 0);
    CHECK(json_object_get(json_object_get(view, "metadata"), "namespace") == NULL);
    CHECK(json_is_array(json_object_get(view, "rules")));
    CHECK_STR(json_string_value(json_object_get(l[KT_POSTURE_KINDS], "gitVersion")), "v1.20.2");
    for (int i = 0; i < KT_POSTURE_PARTS; i++)
        json_decref(l[i]);
    /* a server that answered /version with another status: none */
    posture_keep_set_version(k, NULL, 0);
    posture_keep_lists(k, l);
    CHECK(l[KT_POSTURE_KINDS] == NULL && posture_keep_ready(k));
    for (int i = 0; i < KT_POSTURE_PARTS; i++)
        json_decref(l[i]);
    /* deleted, and an empty relist */
    kt_object o = {.kind = K_DEPLOYMENT};
    o.u.named.namespace_ = strtab_intern(&st, "shop");
    o.u.named.name = strtab_intern(&st, "api");
    posture_keep_delete(k, &o);
    CHECK(posture_keep_count(k, K_DEPLOYMENT) == 1);
    posture_keep_resync(k, K_CLUSTERROLE);
    CHECK(posture_keep_count(k, K_CLUSTERROLE) == 1); /* upserted since the last resync: listed */
    posture_keep_resync(k, K_CLUSTERROLE);
    CHECK(posture_keep_count(k, K_CLUSTERROLE) == 0);
    posture_keep_free(k);
}

/* Bytes kept per object, 1,000 namespaces' worth each, in a keeper of its
 * own so the sums are exact.  By hand, for n = 1,000 records of a kind:
 * the record array grows by doubling from 16 to 1,024 x 32 B = 32,768 B;
 * its index is kept at most half full, 2,048 slots x 4 B = 8,192 B; so
 * 40.96 B a record.  Texts: each distinct one costs its bytes + 1, a
 * 24-byte entry (the entries' array doubles from 16) and index slots
 * (doubling from 64, at most half full).
 *  - a "default" ServiceAccount and a kube-root-ca.crt ConfigMap in every
 *    namespace: one shared text each, so 40,960 + 16 x 24 (384) + 64 x 4
 *    (256) + len + 1 bytes for 1,000: ~41.6 B per object;
 *  - 1,000 Deployments, each its own template: 40,960 + 1,024 x 24
 *    (24,576) + 2,048 x 4 (8,192) + sum(len + 1): 73.7 B + text. */
TEST(bytes_per_object)
{
    char text[1024];
    const char *sa = "{\"metadata\":{\"name\":\"default\",\"namespace\":\"ns-%d\",\"uid\":\"u%d\"},"
                     "\"secrets\":[{\"name\":\"default-token-%d\"}]}";
    const char *cm = "{\"metadata\":{\"name\":\"kube-root-ca.crt\",\"namespace\":\"ns-%d\",\"uid\":\"u%d\"},"
                     "\"data\":{\"ca.crt\":\"-----BEGIN CERTIFICATE-----\\nMIIC%d\\n-----END CERTIFICATE-----\"}}";
    const char *dep = "{\"metadata\":{\"name\":\"app-%d\",\"namespace\":\"ns-%d\",\"labels\":{\"app\":\"app-%d\"}},"
                      "\"spec\":{\"replicas\":2,\"selector\":{\"matchLabels\":{\"app\":\"app-%d\"}},\"template\":"
                      "{\"metadata\":{\"labels\":{\"app\":\"app-%d\"}},\"spec\":{\"containers\":[{\"name\":\"app\","
                      "\"image\":\"registry.example.com/app:%d\",\"resources\":{\"requests\":{\"cpu\":\"100m\","
                      "\"memory\":\"128Mi\"}},\"securityContext\":{\"runAsNonRoot\":true}}]}}}}";
    const struct { enum kt_kind kind; const char *fmt; const char *name; double max; } kinds[] = {
        {K_SERVICEACCOUNT, sa, "ServiceAccount", 42}, {K_CONFIGMAP, cm, "ConfigMap", 42},
        {K_DEPLOYMENT, dep, "Deployment", 0}};
    for (size_t t = 0; t < sizeof kinds / sizeof *kinds; t++) {
        kt_posture_keep *k = posture_keep_new(&st);
        size_t base = posture_keep_bytes(k), texts = 0, len = 0;
        for (int i = 0; i < 1000; i++) {
            snprintf(text, sizeof text, kinds[t].fmt, i, i, i, i, i, i);
            kt_object o;
            len = strlen(text_of(kinds[t].kind, text, &o));
            texts += len + 1;
            posture_keep_upsert(k, &o);
        }
        size_t got = posture_keep_bytes(k) - base;
        size_t want = kinds[t].max ? 40960 + 384 + 256 + len + 1 : 40960 + 24576 + 8192 + texts;
        CHECK(got == want);
        printf("%s: %.1f B per object kept (%zu B of text each)\n", kinds[t].name, got / 1000.0,
               kinds[t].max ? len : texts / 1000);
        posture_keep_free(k);
    }
}

int main(void)
{
    strtab_init(&st);
    dec = kube_decoder_new(&st);
    kube_decoder_keep_posture(dec, 1);
    RUN(texts_by_hand);
    RUN(lists_and_version);
    RUN(bytes_per_object);
    kube_decoder_free(dec);
    strtab_free(&st);
    return check_done();
}

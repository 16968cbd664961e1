/* test_collector_posture_keep.c — the posture texts the decoder makes
 * (kube/decode_posture.c) and the collector's kept state
 * (collector/posture_keep.h): pods of one template share their texts,
 * nothing per-pod but the checked facts is kept, lists come back in the
 * API server's order, deletes and relists remove what is gone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "collector/posture_keep.h"
#include "kube/decode.h"
#include "util/buf.h"

static kt_strtab st;
static kt_decoder *dec;

/* A pod of ReplicaSet web-7f9 as the API server lists it; what differs
 * pod by pod: name, uid, resourceVersion, node, IPs, container ID, times. */
static int templates = 1; /* pod i belongs to ReplicaSet web-<i % templates> */

static json_t *pod_json(const char *ns, const char *name, const char *node, int i, const char *waiting)
{
    char text[2048];
    char rs[32];
    snprintf(rs, sizeof rs, templates > 1 ? "web-%d" : "web-7f9", i % templates);
    snprintf(text, sizeof text,
             "{\"metadata\":{\"name\":\"%s\",\"namespace\":\"%s\",\"uid\":\"u-%d\",\"resourceVersion\":\"%d\","
             "\"creationTimestamp\":\"2026-11-24T10:00:%02dZ\",\"labels\":{\"app\":\"web\"},"
             "\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"%s\","
             "\"uid\":\"rs-1\",\"controller\":true}],\"managedFields\":[{\"manager\":\"m%d\"}]},"
             "\"spec\":{\"nodeName\":\"%s\",\"containers\":[{\"name\":\"app\",\"image\":\"r/app:1\","
             "\"securityContext\":{\"privileged\":true}}]},"
             "\"status\":{\"phase\":\"Running\",\"podIP\":\"10.0.0.%d\",\"startTime\":\"2026-11-24T10:01:%02dZ\","
             "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"lastTransitionTime\":\"2026-11-24T10:02:%02dZ\"}],"
             "\"containerStatuses\":[{\"name\":\"app\",\"restartCount\":0,\"containerID\":\"c://%d\","
             "\"state\":{%s}}]}}",
             name, ns, i, 100 + i, i % 60, rs, i, node, i % 250, i % 60, i % 60, i,
             waiting ? waiting : "\"running\":{\"startedAt\":\"2026-11-24T10:03:00Z\"}");
    json_t *j = json_loads(text, 0, NULL);
    CHECK(j != NULL);
    return j;
}

static void decode(enum kt_kind kind, json_t *j, kt_object *o)
{
    kt_err e = {0};
    CHECK(kube_decode(dec, kind, j, o, &e) == 0);
}

static void upsert_pod(kt_posture_keep *k, const char *ns, const char *name, const char *node, int i)
{
    json_t *j = pod_json(ns, name, node, i, NULL);
    kt_object o;
    decode(K_POD, j, &o);
    posture_keep_upsert(k, &o);
    json_decref(j);
}

static kt_object pod_key(const char *ns, const char *name)
{
    kt_object o = {.kind = K_POD};
    o.u.pod.namespace_ = strtab_intern(&st, ns);
    o.u.pod.name = strtab_intern(&st, name);
    return o;
}

TEST(texts_leave_out_what_differs)
{
    json_t *a = pod_json("shop", "web-1", "n1", 1, NULL), *b = pod_json("shop", "web-2", "n2", 2, NULL);
    kt_object oa, ob;
    decode(K_POD, a, &oa);
    char *shape = strndup(oa.posture[0], oa.posture_len[0]), *status = strndup(oa.posture[1], oa.posture_len[1]);
    decode(K_POD, b, &ob);
    CHECK(ob.posture_len[0] == strlen(shape) && !memcmp(ob.posture[0], shape, ob.posture_len[0]));
    CHECK(ob.posture_len[1] == strlen(status) && !memcmp(ob.posture[1], status, ob.posture_len[1]));
    CHECK_STR(status, "{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}],"
                      "\"containerStatuses\":[{\"name\":\"app\",\"restartCount\":0,\"state\":{\"running\":{}}}]}");
    CHECK(strstr(shape, "\"privileged\":true") && strstr(shape, "\"ownerReferences\""));
    CHECK(!strstr(shape, "nodeName") && !strstr(shape, "uid\":\"u-") && !strstr(shape, "managedFields"));
    free(shape);
    free(status);
    json_decref(a);
    json_decref(b);
    /* a crash loop keeps its reason */
    json_t *c = pod_json("shop", "web-3", "n1", 3, "\"waiting\":{\"reason\":\"CrashLoopBackOff\",\"message\":\"x\"}");
    kt_object oc;
    decode(K_POD, c, &oc);
    CHECK(strstr(oc.posture[1], "\"state\":{\"waiting\":{\"reason\":\"CrashLoopBackOff\"}}") != NULL);
    json_decref(c);
    /* off: no texts */
    kube_decoder_keep_posture(dec, 0);
    json_t *d = pod_json("shop", "web-4", "n1", 4, NULL);
    kt_object od;
    decode(K_POD, d, &od);
    CHECK(od.posture[0] == NULL && od.posture[1] == NULL);
    json_decref(d);
    kube_decoder_keep_posture(dec, 1);
}

TEST(pods_share_texts_and_list_in_key_order)
{
    kt_posture_keep *k = posture_keep_new(&st);
    upsert_pod(k, "a", "web-1", "n1", 1);
    size_t one = posture_keep_bytes(k);
    upsert_pod(k, "a", "web-2", "n2", 2);
    CHECK(posture_keep_bytes(k) == one); /* same texts, record array not grown: nothing more */
    upsert_pod(k, "a-b", "web-3", "n1", 3);
    CHECK(posture_keep_count(k, K_POD) == 3);
    json_t *l[KT_POSTURE_PARTS];
    posture_keep_lists(k, l);
    json_t *items = json_object_get(l[2], "items");
    CHECK(json_array_size(items) == 3);
    /* the server's order is by "namespace/name": "a-b/web-3" < "a/web-1" ('-' < '/') */
    const char *want[] = {"web-3", "web-1", "web-2"};
    for (size_t i = 0; i < 3 && i < json_array_size(items); i++) {
        json_t *it = json_array_get(items, i);
        CHECK_STR(json_string_value(json_object_get(json_object_get(it, "metadata"), "name")), want[i]);
    }
    json_t *w1 = json_array_get(items, 1);
    CHECK_STR(json_string_value(json_object_get(json_object_get(w1, "spec"), "nodeName")), "n1");
    CHECK_STR(json_string_value(json_object_get(json_object_get(w1, "metadata"), "creationTimestamp")),
              "2026-11-24T10:00:01Z");
    CHECK_STR(json_string_value(json_object_get(json_object_get(w1, "status"), "phase")), "Running");
    CHECK_STR(json_string_value(json_object_get(l[2], "kind")), "PodList");
    for (int i = 0; i < KT_POSTURE_PARTS; i++)
        json_decref(l[i]);
    posture_keep_free(k);
}

TEST(deletes_and_relists)
{
    kt_posture_keep *k = posture_keep_new(&st);
    char name[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "p-%d", i);
        upsert_pod(k, "ns", name, "n1", i);
    }
    posture_keep_resync(k, K_POD);
    for (int i = 1; i < 1000; i += 2) {
        snprintf(name, sizeof name, "p-%d", i);
        kt_object o = pod_key("ns", name);
        posture_keep_delete(k, &o);
    }
    CHECK(posture_keep_count(k, K_POD) == 500);
    /* a relist that returns p-0 … p-98 (even): the other 450 are gone */
    for (int i = 0; i < 100; i += 2) {
        snprintf(name, sizeof name, "p-%d", i);
        upsert_pod(k, "ns", name, "n2", i);
    }
    posture_keep_resync(k, K_POD);
    CHECK(posture_keep_count(k, K_POD) == 50);
    json_t *l[KT_POSTURE_PARTS];
    posture_keep_lists(k, l);
    json_t *items = json_object_get(l[2], "items");
    CHECK(json_array_size(items) == 50);
    size_t i;
    json_t *it;
    int bad = 0;
    json_array_foreach(items, i, it) {
        const char *n = json_string_value(json_object_get(json_object_get(it, "metadata"), "name"));
        bad += !n || atoi(n + 2) % 2 || atoi(n + 2) >= 100;
    }
    CHECK(bad == 0);
    for (int j = 0; j < KT_POSTURE_PARTS; j++)
        json_decref(l[j]);
    /* an empty relist empties the kind */
    posture_keep_resync(k, K_POD);
    CHECK(posture_keep_count(k, K_POD) == 0);
    posture_keep_free(k);
}

TEST(nodes_and_namespaces)
{
    kt_posture_keep *k = posture_keep_new(&st);
    json_t *n = json_loads("{\"metadata\":{\"name\":\"n1\",\"labels\":{\"topology.kubernetes.io/region\":\"eu-west-1\"},"
                           "\"resourceVersion\":\"9\"},\"spec\":{\"providerID\":\"aws:///eu-west-1a/i-1\"},"
                           "\"status\":{\"capacity\":{\"cpu\":\"4\"},\"conditions\":[{\"type\":\"Ready\",\"status\":"
                           "\"False\",\"reason\":\"KubeletNotReady\",\"lastHeartbeatTime\":\"2026-11-24T10:00:00Z\"}],"
                           "\"nodeInfo\":{\"kubeletVersion\":\"v1.30.1\"},\"images\":[{\"names\":[\"x\"]}]}}",
                           0, NULL);
    json_t *ns = json_loads("{\"metadata\":{\"name\":\"shop\",\"labels\":{\"data-residency\":\"eu\"}}}", 0, NULL);
    kt_object o;
    decode(K_NODE, n, &o);
    CHECK_STR(o.posture[0], "{\"metadata\":{\"name\":\"n1\",\"labels\":{\"topology.kubernetes.io/region\":"
                            "\"eu-west-1\"}},\"spec\":{\"providerID\":\"aws:///eu-west-1a/i-1\"},\"status\":"
                            "{\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\",\"reason\":\"KubeletNotReady\"}],"
                            "\"nodeInfo\":{\"kubeletVersion\":\"v1.30.1\"}}}");
    posture_keep_upsert(k, &o);
    decode(K_NAMESPACE, ns, &o);
    posture_keep_upsert(k, &o);
    CHECK(posture_keep_count(k, K_NODE) == 1 && posture_keep_count(k, K_NAMESPACE) == 1);
    json_t *l[KT_POSTURE_PARTS];
    posture_keep_lists(k, l);
    CHECK_STR(json_string_value(json_object_get(json_object_get(json_array_get(json_object_get(l[1], "items"), 0),
                                                                "metadata"), "name")), "shop");
    CHECK(json_array_size(json_object_get(l[0], "items")) == 1);
    for (int j = 0; j < KT_POSTURE_PARTS; j++)
        json_decref(l[j]);
    json_decref(n);
    json_decref(ns);
    posture_keep_free(k);
}

/* CPU seconds of this process: on a shared machine wall time mostly
 * measures the neighbours. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* 100,000 pods of 500 ReplicaSets on 2,000 nodes (bench/kube_sync.py's
 * fleet): what keeping posture facts adds per pod.  By hand: records 32 B
 * x 131,072 (the array's capacity) / 100,000 = 41.9 B; index 4 B x 262,144
 * slots (at most half full) / 100,000 = 10.5 B; 500 shapes + 1 status of
 * ~0.6 KB = ~3 B; so ~56 B/pod, asserted <= 64.  Decoding time with and
 * without the texts, and building the lists, are printed, not asserted. */
TEST(hundred_thousand)
{
    const int n = 100000;
    templates = 500;
    json_t **pods = xmalloc(n * sizeof *pods);
    char name[32], node[32];
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "app-%06d", i);
        snprintf(node, sizeof node, "node-%04d", i % 2000);
        pods[i] = pod_json(i % 200 ? "ns-a" : "ns-b", name, node, i, NULL);
    }
    kt_object o;
    kt_err e;
    kube_decoder_keep_posture(dec, 0);
    double t0 = now_s();
    for (int i = 0; i < n; i++)
        kube_decode(dec, K_POD, pods[i], &o, &e);
    double plain = now_s() - t0;
    kube_decoder_keep_posture(dec, 1);
    kt_posture_keep *k = posture_keep_new(&st);
    t0 = now_s();
    for (int i = 0; i < n; i++) {
        kube_decode(dec, K_POD, pods[i], &o, &e);
        posture_keep_upsert(k, &o);
    }
    double kept = now_s() - t0;
    double per_pod = (double)posture_keep_bytes(k) / n;
    CHECK(posture_keep_count(k, K_POD) == (size_t)n);
    CHECK(per_pod <= 64);
    t0 = now_s();
    json_t *l[KT_POSTURE_PARTS];
    posture_keep_lists(k, l);
    double lists = now_s() - t0;
    CHECK(json_array_size(json_object_get(l[2], "items")) == (size_t)n);
    printf("100,000 pods (CPU time): decode %.3f s; with posture texts kept %.3f s (+%.1f us/pod); kept state %.1f B/pod; "
           "lists built in %.3f s\n", plain, kept, (kept - plain) / n * 1e6, per_pod, lists);
    for (int i = 0; i < KT_POSTURE_PARTS; i++)
        json_decref(l[i]);
    posture_keep_free(k);
    for (int i = 0; i < n; i++)
        json_decref(pods[i]);
    free(pods);
    templates = 1;
}

int main(void)
{
    strtab_init(&st);
    dec = kube_decoder_new(&st);
    kube_decoder_keep_posture(dec, 1);
    RUN(texts_leave_out_what_differs);
    RUN(pods_share_texts_and_list_in_key_order);
    RUN(deletes_and_relists);
    RUN(nodes_and_namespaces);
    RUN(hundred_thousand);
    kube_decoder_free(dec);
    strtab_free(&st);
    return check_done();
}

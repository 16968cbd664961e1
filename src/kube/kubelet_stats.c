/* kubelet_stats.c — the kubelet Summary API into samples; see kubelet_stats.h. */
#include "kube/kubelet_stats.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kube/decode.h"
#include "util/buf.h"

/* o[k1][k2] as a finite non-negative number; -1 when absent or not one. */
static double num(json_t *o, const char *k1, const char *k2)
{
    json_t *v = json_object_get(o, k1);
    if (k2)
        v = json_object_get(v, k2);
    if (!json_is_number(v))
        return -1;
    double d = json_number_value(v);
    return isfinite(d) && d >= 0 ? d : -1;
}

static void add_containers(json_t *pod, uint32_t ns, uint32_t name, long window, kt_strtab *strs,
                           kt_kubelet_batch *b)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(pod, "containers"), i, c) {
        const char *cn = kube_json_str(c, "name", NULL);
        double nano = num(c, "cpu", "usageNanoCores"), ws = num(c, "memory", "workingSetBytes");
        int64_t t = kube_parse_time(kube_json_str(c, "cpu", "time"));
        if (!t)
            t = kube_parse_time(kube_json_str(c, "memory", "time"));
        if (!cn || !*cn || nano < 0 || ws < 0 || !t) {
            b->skipped++;
            continue;
        }
        kt_usage_batch *u = &b->usage;
        grow_array((void **)&u->s, &u->cap, u->n, sizeof *u->s);
        u->s[u->n++] = (kt_usage_sample){ns, name, strtab_intern(strs, cn), nano / 1e9, ws, t, window};
    }
}

static void add_network(json_t *pod, uint32_t ns, uint32_t name, kt_kubelet_batch *b)
{
    json_t *net = json_object_get(pod, "network");
    if (!json_is_object(net))
        return; /* host-network pods and kubelets without a network plugin report none */
    int64_t t = kube_parse_time(kube_json_str(net, "time", NULL));
    double rx = 0, tx = 0;
    json_t *ifs = json_object_get(net, "interfaces"), *f;
    size_t i;
    if (json_is_array(ifs) && json_array_size(ifs)) {
        json_array_foreach(ifs, i, f) {
            double r = num(f, "rxBytes", NULL), x = num(f, "txBytes", NULL);
            rx += r > 0 ? r : 0, tx += x > 0 ? x : 0;
        }
    } else {
        rx = num(net, "rxBytes", NULL), tx = num(net, "txBytes", NULL);
    }
    if (!t || rx < 0 || tx < 0) {
        b->skipped++;
        return;
    }
    grow_array((void **)&b->net, &b->cap_net, b->n_net, sizeof *b->net);
    b->net[b->n_net++] = (kt_net_sample){ns, name, rx, tx, t};
}

static void add_volumes(json_t *pod, kt_strtab *strs, kt_kubelet_batch *b)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(pod, "volume"), i, v) {
        json_t *ref = json_object_get(v, "pvcRef");
        if (!json_is_object(ref))
            continue; /* emptyDir, configMap, projected …: not a claim */
        const char *cns = kube_json_str(ref, "namespace", NULL), *cn = kube_json_str(ref, "name", NULL);
        double used = num(v, "usedBytes", NULL), cap = num(v, "capacityBytes", NULL);
        int64_t t = kube_parse_time(kube_json_str(v, "time", NULL));
        if (!cns || !cn || !*cn || used < 0 || !t) {
            b->skipped++;
            continue;
        }
        grow_array((void **)&b->vol, &b->cap_vol, b->n_vol, sizeof *b->vol);
        b->vol[b->n_vol++] = (kt_volume_sample){strtab_intern(strs, cns), strtab_intern(strs, cn), used,
                                                cap < 0 ? 0 : cap, t};
    }
}

int kube_kubelet_decode(json_t *summary, long window, kt_strtab *strs, kt_kubelet_batch *b)
{
    assert(strs && b && window > 0);
    json_t *pods = json_object_get(summary, "pods");
    if (!json_is_array(pods))
        return -1;
    size_t i;
    json_t *p;
    json_array_foreach(pods, i, p) {
        const char *ns = kube_json_str(p, "podRef", "namespace"), *name = kube_json_str(p, "podRef", "name");
        if (!ns || !*ns || !name || !*name) {
            b->skipped++;
            continue;
        }
        uint32_t ns_id = strtab_intern(strs, ns), pod_id = strtab_intern(strs, name);
        add_containers(p, ns_id, pod_id, window, strs, b);
        add_network(p, ns_id, pod_id, b);
        add_volumes(p, strs, b);
    }
    return 0;
}

void kube_kubelet_reset(kt_kubelet_batch *b)
{
    b->usage.n = b->usage.skipped = 0;
    b->n_net = b->n_vol = b->skipped = 0;
}

void kube_kubelet_free(kt_kubelet_batch *b)
{
    kube_usage_free(&b->usage);
    free(b->net);
    free(b->vol);
    memset(b, 0, sizeof *b);
}

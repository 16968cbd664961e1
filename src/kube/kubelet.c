/* kubelet.c — rounds of Summary API requests through the node proxy;
 * see kubelet.h. */
#include "kube/kubelet.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube/stream.h"
#include "util/log.h"

#define FORBIDDEN_RETRY_MS (600 * 1000)

typedef struct kl_node {
    uint32_t name;
    uint8_t gen, live;
} kl_node;

typedef struct kl_slot {
    CURL *h;
    struct curl_slist *hdr;
    kt_buf body;
    uint32_t node;
} kl_slot;

struct kt_kubelet {
    kt_kube_target *t;
    kt_kubelet_opts o;
    kt_strtab *strs;
    kl_node *nodes;                 /* live = 0: deleted (its map entry stays, for re-adding) */
    size_t n_nodes, cap_nodes;
    kt_u64map by_name;              /* name id → index in nodes */
    uint8_t gen, listing;
    uint32_t *round;                /* the names asked this round */
    size_t n_round, cap_round, next;
    kl_slot slot[KT_KUBELET_PARALLEL];
    int64_t next_round_ms;
    int answered, answered_last, forbidden;
    kt_kubelet_batch batch;         /* reused node after node */
    char last_msg[256];
};

kt_kubelet *kubelet_new(kt_kube_target *t, const kt_kubelet_opts *o, kt_strtab *strs)
{
    assert(t && o && strs && o->report && o->interval > 0 && o->request_timeout > 0);
    kt_kubelet *k = xcalloc(1, sizeof *k);
    k->t = t, k->o = *o, k->strs = strs;
    u64map_init(&k->by_name);
    return k;
}

static void end_slot(kl_slot *s, CURLM *multi)
{
    if (s->h) {
        curl_multi_remove_handle(multi, s->h);
        curl_easy_cleanup(s->h);
        s->h = NULL;
    }
    curl_slist_free_all(s->hdr);
    s->hdr = NULL;
    buf_reset(&s->body);
}

void kubelet_free(kt_kubelet *k, CURLM *multi)
{
    if (!k)
        return;
    for (int i = 0; i < KT_KUBELET_PARALLEL; i++) {
        end_slot(&k->slot[i], multi);
        buf_free(&k->slot[i].body);
    }
    free(k->nodes);
    free(k->round);
    u64map_free(&k->by_name);
    kube_kubelet_free(&k->batch);
    free(k);
}

/* ---- the node set (the meter's generation rule, meter.c) -------------- */

void kubelet_node_seen(kt_kubelet *k, uint32_t name)
{
    if (!k->listing) {
        k->gen++;
        k->listing = 1;
    }
    uint64_t i;
    if (!u64map_get(&k->by_name, name, &i)) {
        grow_array((void **)&k->nodes, &k->cap_nodes, k->n_nodes, sizeof *k->nodes);
        i = k->n_nodes++;
        u64map_put(&k->by_name, name, i);
    }
    k->nodes[i] = (kl_node){name, k->gen, 1};
}

void kubelet_node_gone(kt_kubelet *k, uint32_t name)
{
    uint64_t i;
    if (u64map_get(&k->by_name, name, &i))
        k->nodes[i].live = 0;
}

void kubelet_nodes_listed(kt_kubelet *k)
{
    if (!k->listing)
        k->gen++; /* nothing seen since the last list: the list was empty */
    for (size_t i = 0; i < k->n_nodes; i++)
        if (k->nodes[i].gen != k->gen)
            k->nodes[i].live = 0;
    k->listing = 0;
}

/* ---- rounds ------------------------------------------------------------ */

/* Node names are DNS subdomains; anything else is not put in a URL. */
static int name_ok(const char *n)
{
    if (!*n || strlen(n) > 253)
        return 0;
    for (; *n; n++)
        if (!((*n >= 'a' && *n <= 'z') || (*n >= '0' && *n <= '9') || *n == '-' || *n == '.'))
            return 0;
    return 1;
}

static void start_round(kt_kubelet *k, int64_t now_ms)
{
    k->n_round = k->next = 0;
    for (size_t i = 0; i < k->n_nodes; i++)
        if (k->nodes[i].live && name_ok(strtab_get(k->strs, k->nodes[i].name))) {
            grow_array((void **)&k->round, &k->cap_round, k->n_round, sizeof *k->round);
            k->round[k->n_round++] = k->nodes[i].name;
        }
    k->answered_last = k->answered;
    k->answered = 0;
    k->next_round_ms = now_ms + (int64_t)k->o.interval * 1000;
}

static int busy(const kt_kubelet *k)
{
    for (int i = 0; i < KT_KUBELET_PARALLEL; i++)
        if (k->slot[i].h)
            return 1;
    return 0;
}

void kubelet_poll(kt_kubelet *k, CURLM *multi, int64_t now_ms)
{
    assert(k && multi);
    if (k->next >= k->n_round && !busy(k) && now_ms >= k->next_round_ms)
        start_round(k, now_ms);
    for (int i = 0; i < KT_KUBELET_PARALLEL && k->next < k->n_round; i++) {
        kl_slot *s = &k->slot[i];
        if (s->h)
            continue;
        char path[400];
        s->node = k->round[k->next++];
        snprintf(path, sizeof path, "/api/v1/nodes/%s/proxy/stats/summary", strtab_get(k->strs, s->node));
        kt_err err = {0};
        buf_reset(&s->body);
        s->h = kube_request(k->t, path, kube_write_buf, &s->body, &s->hdr, k->o.request_timeout,
                            k->o.connect_timeout, &err);
        if (!s->h) { /* credentials failed: the streams report that; end this round */
            k->next = k->n_round;
            return;
        }
        curl_multi_add_handle(multi, s->h);
    }
}

int64_t kubelet_due_in(const kt_kubelet *k, int64_t now_ms)
{
    if (k->next < k->n_round)
        return busy(k) ? 250 : 0;
    int64_t d = k->next_round_ms - now_ms;
    return d < 0 ? 0 : d;
}

static void note(kt_kubelet *k, const char *node, const char *msg)
{
    if (strncmp(msg, k->last_msg, sizeof k->last_msg - 1)) {
        log_info("cluster %s: kubelet stats from node %s: %s", k->t->name, node, msg);
        snprintf(k->last_msg, sizeof k->last_msg, "%s", msg);
    }
}

static void answer(kt_kubelet *k, kl_slot *s, CURLcode rc, long code, int64_t now_ms)
{
    const char *node = strtab_get(k->strs, s->node);
    char msg[200];
    if (code == 403) {
        if (!k->forbidden)
            log_warn("cluster %s: kubelet stats: nodes/proxy forbidden (HTTP 403): bind the kubetally-kubelet-stats "
                     "ClusterRole (docs/deploy.md); costing by requests, asking again in 10 minutes", k->t->name);
        k->forbidden = 1;
        k->next = k->n_round; /* the rest of the round would only say the same */
        k->next_round_ms = now_ms + FORBIDDEN_RETRY_MS;
        return;
    }
    if (rc != CURLE_OK || code != 200) {
        if (rc != CURLE_OK)
            snprintf(msg, sizeof msg, "%s", curl_easy_strerror(rc));
        else
            snprintf(msg, sizeof msg, "HTTP %ld", code);
        note(k, node, msg);
        return;
    }
    json_t *j = json_loadb(s->body.data ? s->body.data : "", s->body.len, 0, NULL);
    kube_kubelet_reset(&k->batch);
    if (!j || kube_kubelet_decode(j, k->o.interval, k->strs, &k->batch)) {
        note(k, node, "not a kubelet Summary (no pods array)");
    } else {
        if (k->forbidden || !k->answered_last)
            log_info("cluster %s: usage from the kubelet Summary API", k->t->name);
        k->forbidden = 0;
        k->answered = k->answered_last = 1;
        k->last_msg[0] = 0;
        k->o.report(k->o.ud, &k->batch);
    }
    json_decref(j);
}

int kubelet_done(kt_kubelet *k, CURLM *multi, CURL *h, CURLcode rc, int64_t now_ms)
{
    assert(k && multi && h);
    for (int i = 0; i < KT_KUBELET_PARALLEL; i++) {
        kl_slot *s = &k->slot[i];
        if (s->h != h)
            continue;
        long code = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        curl_multi_remove_handle(multi, h);
        curl_easy_cleanup(h);
        s->h = NULL;
        curl_slist_free_all(s->hdr);
        s->hdr = NULL;
        answer(k, s, rc, code, now_ms);
        buf_reset(&s->body);
        return 1;
    }
    return 0;
}

int kubelet_answering(const kt_kubelet *k) { return k->answered || k->answered_last; }

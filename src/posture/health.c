/* health.c — health findings and the cluster health score; see health.h
 * and docs/posture.md ("Health score"). */
#include "posture/health.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/window.h"
#include "posture/jx.h"
#include "store/store.h"
#include "util/buf.h"

const char *const health_kind_names[HEALTH_NKINDS] = {
    "NodeNotReady", "MemoryPressure", "DiskPressure", "PIDPressure", "CrashLoopBackOff", "OOMKilled",
    "ImagePullBackOff", "Pending", "JobFailed", "VersionEndOfLife", "VersionSkew", "ClusterSilent",
};

static void add(kt_health *h, kt_health_kind k, const json_t *obj, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void add(kt_health *h, kt_health_kind k, const json_t *obj, const char *fmt, ...)
{
    grow_array((void **)&h->f, &h->cap, h->n, sizeof *h->f);
    kt_health_finding *f = &h->f[h->n++];
    json_t *meta = jx_get(obj, "metadata");
    f->kind = k;
    f->object_kind = obj ? (jx_str(obj, "kind") ? jx_str(obj, "kind") : "") : "";
    f->ns = jx_str(meta, "namespace") ? jx_str(meta, "namespace") : "";
    f->name = jx_str(meta, "name") ? jx_str(meta, "name") : "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->detail, sizeof f->detail, fmt, ap);
    va_end(ap);
}

static const char *kind_of(const json_t *o)
{
    const char *k = jx_str(o, "kind");
    return k ? k : "";
}

/* status.conditions[type] == status ("True"/"False"); NULL-safe. */
static const json_t *condition(const json_t *obj, const char *type)
{
    size_t i;
    json_t *c;
    json_array_foreach(jx_path(obj, "status.conditions"), i, c) {
        const char *t = jx_str(c, "type");
        if (t && !strcmp(t, type))
            return c;
    }
    return NULL;
}

static int condition_is(const json_t *obj, const char *type, const char *status)
{
    const char *s = jx_str(condition(obj, type), "status");
    return s && !strcmp(s, status);
}

static int check_node(kt_health *h, const json_t *n)
{
    static const struct { const char *type; kt_health_kind kind; } pressure[] = {
        {"MemoryPressure", HEALTH_NODE_MEMORY_PRESSURE},
        {"DiskPressure", HEALTH_NODE_DISK_PRESSURE},
        {"PIDPressure", HEALTH_NODE_PID_PRESSURE}};
    int bad = 0;
    if (!condition_is(n, "Ready", "True")) {
        const char *reason = jx_str(condition(n, "Ready"), "reason");
        add(h, HEALTH_NODE_NOT_READY, n, "node is not Ready%s%s", reason ? ": " : "", reason ? reason : "");
        bad = 1;
    }
    for (size_t i = 0; i < 3; i++)
        if (condition_is(n, pressure[i].type, "True")) {
            add(h, pressure[i].kind, n, "node reports %s", pressure[i].type);
            bad = 1;
        }
    return bad;
}

/* One container status: crash loop, OOM kill (now or last time), image pull. */
static int check_container(kt_health *h, const json_t *pod, const json_t *cs)
{
    const char *name = jx_str(cs, "name") ? jx_str(cs, "name") : "";
    const char *waiting = jx_str(jx_path(cs, "state.waiting"), "reason");
    const char *term = jx_str(jx_path(cs, "state.terminated"), "reason");
    const char *last = jx_str(jx_path(cs, "lastState.terminated"), "reason");
    json_t *restarts = jx_get(cs, "restartCount");
    int bad = 0;
    if (waiting && !strcmp(waiting, "CrashLoopBackOff")) {
        add(h, HEALTH_CRASH_LOOP, pod, "container %s is in CrashLoopBackOff (%lld restarts)", name,
            (long long)json_integer_value(restarts));
        bad = 1;
    }
    if ((term && !strcmp(term, "OOMKilled")) || (last && !strcmp(last, "OOMKilled"))) {
        add(h, HEALTH_OOM_KILLED, pod, "container %s was OOM-killed%s", name,
            term && !strcmp(term, "OOMKilled") ? "" : " (last termination)");
        bad = 1;
    }
    if (waiting && (!strcmp(waiting, "ImagePullBackOff") || !strcmp(waiting, "ErrImagePull") ||
                    !strcmp(waiting, "InvalidImageName"))) {
        add(h, HEALTH_IMAGE_PULL, pod, "container %s cannot pull its image (%s)", name, waiting);
        bad = 1;
    }
    return bad;
}

static int check_pod(kt_health *h, const json_t *pod, const kt_health_opts *o)
{
    int bad = 0;
    const char *lists[] = {"status.containerStatuses", "status.initContainerStatuses"};
    for (int l = 0; l < 2; l++) {
        size_t i;
        json_t *cs;
        json_array_foreach(jx_path(pod, lists[l]), i, cs)
            bad |= check_container(h, pod, cs);
    }
    const char *phase = jx_str(jx_get(pod, "status"), "phase");
    int64_t created;
    const char *ts = jx_str(jx_get(pod, "metadata"), "creationTimestamp");
    if (phase && !strcmp(phase, "Pending") && ts && !time_parse_rfc3339(ts, &created) &&
        o->now - created > o->pending_after) {
        const char *why = jx_str(condition(pod, "PodScheduled"), "message");
        add(h, HEALTH_PENDING, pod, "Pending for %lld min%s%s", (long long)(o->now - created) / 60, why ? ": " : "",
            why ? why : "");
        bad = 1;
    }
    return bad;
}

/* Kubelet and API server versions: each minor past end of life once, and
 * skew beyond three minors between the newest and the oldest (Kubernetes'
 * version-skew policy lets a kubelet be three minors behind). */
static void check_versions(kt_health *h, const kt_manifest *m, const kt_health_opts *o)
{
    int seen[64] = {0}, lo = 1000, hi = -1;
    const json_t *lo_node = NULL;
    for (size_t i = 0; i < m->n; i++) {
        const json_t *n = m->o[i].obj;
        if (o->file && m->o[i].file != o->file)
            continue;
        int server = !strcmp(kind_of(n), "ServerVersion");   /* the API server's /version (live.c) */
        if (!server && strcmp(kind_of(n), "Node"))
            continue;
        const char *v = server ? jx_str(n, "gitVersion") : jx_str(jx_path(n, "status.nodeInfo"), "kubeletVersion");
        int minor = k8s_minor(v);
        if (minor < 0 || minor >= 64)
            continue;
        if (minor < lo)
            lo = minor, lo_node = n;
        hi = minor > hi ? minor : hi;
        int64_t eol = k8s_eol_date(minor);
        if (!seen[minor]++ && eol && eol <= o->now) {
            char when[32];
            time_format(eol, when);
            when[10] = 0;
            add(h, HEALTH_VERSION_EOL, n, "Kubernetes 1.%d (%s %s) reached end of life on %s", minor,
                server ? "API server" : "kubelet", v, when);
            h->eol = 1;
        }
    }
    if (hi - lo > 3)
        add(h, HEALTH_VERSION_SKEW, lo_node, "1.%d is %d minor versions behind the newest component (1.%d)", lo,
            hi - lo, hi);
}

static double share(size_t part, size_t whole)
{
    return whole ? (double)part / (double)whole : 0;
}

void health_check(const kt_manifest *m, const kt_health_opts *opts, kt_health *out)
{
    assert(m && opts && out);
    memset(out, 0, sizeof *out);
    kt_health_opts o = *opts;
    if (o.pending_after <= 0) o.pending_after = 600;
    if (o.silent_after <= 0) o.silent_after = 900;
    for (size_t i = 0; i < m->n; i++) {
        const json_t *obj = m->o[i].obj;
        const char *k = kind_of(obj);
        if (o.file && m->o[i].file != o.file)
            continue;
        if (!strcmp(k, "Node")) {
            out->nodes++;
            out->bad_nodes += check_node(out, obj);
        } else if (!strcmp(k, "Pod")) {
            const char *phase = jx_str(jx_get(obj, "status"), "phase");
            if (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed")))
                continue;   /* finished pods are their Job's business */
            out->pods++;
            out->bad_pods += check_pod(out, obj, &o);
        } else if (!strcmp(k, "Job")) {
            out->jobs++;
            if (condition_is(obj, "Failed", "True")) {
                const char *reason = jx_str(condition(obj, "Failed"), "reason");
                add(out, HEALTH_JOB_FAILED, obj, "Job failed%s%s", reason ? ": " : "", reason ? reason : "");
                out->failed_jobs++;
            }
        }
    }
    check_versions(out, m, &o);
    if (o.last_contact > 0 && o.now - o.last_contact > o.silent_after) {
        add(out, HEALTH_SILENT, NULL, "no contact for %lld min", (long long)(o.now - o.last_contact) / 60);
        out->silent = 1;
    }
    /* docs/posture.md, "Health score" */
    double s = 100 - 30 * share(out->bad_nodes, out->nodes) - 50 * share(out->bad_pods, out->pods) -
               10 * share(out->failed_jobs, out->jobs) - (out->eol ? 10 : 0);
    out->score = out->silent ? 0 : s < 0 ? 0 : (int)(s + 1e-9);   /* 1e-9: 100 - 30·0.1 is 96.999… in binary */
}

void health_free(kt_health *h)
{
    if (!h)
        return;
    free(h->f);
    memset(h, 0, sizeof *h);
}

size_t health_fleet(const kt_manifest *m, const kt_health_opts *o, int64_t (*contact)(void *ud, const char *cluster),
                    void *ud, kt_cluster_health_result **out)
{
    assert(m && o && out);
    size_t n = 0;
    *out = NULL;
    for (size_t i = 0; i < m->n; i++) {
        int first = 1;   /* one run per cluster: the first object of each file */
        for (size_t k = 0; k < i && first; k++)
            first = m->o[k].file != m->o[i].file;
        if (!first)
            continue;
        kt_health_opts co = *o;
        co.file = m->o[i].file;
        if (!co.last_contact && contact)
            co.last_contact = contact(ud, co.file);
        *out = xrealloc(*out, (n + 1) * sizeof **out);
        (*out)[n].cluster = co.file;
        health_check(m, &co, &(*out)[n].h);
        n++;
    }
    return n;
}

void health_fleet_free(kt_cluster_health_result *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        health_free(&r[i].h);
    free(r);
}

int64_t health_contact_from_store(void *ud, const char *cluster)
{
    const kt_health_contacts *c = ud;
    for (size_t k = 0; k < c->n; k++)
        if (!strcmp(c->st[k].name, cluster))
            return c->st[k].last_contact;
    return 0;
}

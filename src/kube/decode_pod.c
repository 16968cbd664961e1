/* decode_pod.c — a Pod into kt_pod_obj: containers' effective requests,
 * their run intervals from containerStatuses, claims; see decode.h. */
#include <stdio.h>
#include <string.h>

#include "kube/decode_internal.h"
#include "util/buf.h"

enum { HAS_CPU = 1, HAS_RAM = 2, HAS_GPU = 4 };

typedef struct amounts {
    double cpu, ram, gpu;
    int has;
} amounts;

/* cpu, memory and GPUs of a requests or limits map, one pass over it. */
static void read_amounts(json_t *map, amounts *a)
{
    const char *key;
    json_t *v;
    memset(a, 0, sizeof *a);
    json_object_foreach(map, key, v) {
        if (!strcmp(key, "cpu")) {
            a->cpu = decode_quantity(v);
            a->has |= HAS_CPU;
        } else if (!strcmp(key, "memory")) {
            a->ram = decode_quantity(v);
            a->has |= HAS_RAM;
        } else if (decode_is_gpu(key)) {
            a->gpu += decode_quantity(v);
            a->has |= HAS_GPU;
        }
    }
}

/* One container spec.  A resource with a limit but no request requests
 * its limit: Kubernetes defaults that at admission, but objects from other
 * sources (manifests, older API servers' mirrors) may lack it.  GPUs are
 * limit-only in practice, so this also reads them from limits. */
static void decode_container(kt_decoder *d, json_t *c, kt_container_obj *out)
{
    amounts req, lim;
    json_t *res = decode_get_obj(c, "resources");
    read_amounts(decode_get_obj(res, "requests"), &req);
    read_amounts(decode_get_obj(res, "limits"), &lim);
    memset(out, 0, sizeof *out);
    out->name = decode_str(d, json_object_get(c, "name"));
    out->cpu_req = req.has & HAS_CPU ? req.cpu : lim.cpu;
    out->ram_req = req.has & HAS_RAM ? req.ram : lim.ram;
    out->gpu_req = req.has & HAS_GPU ? req.gpu : lim.gpu;
    out->cpu_lim = lim.cpu;
    out->ram_lim = lim.ram;
}

static kt_container_obj *next_container(kt_decoder *d, size_t n)
{
    grow_array((void **)&d->containers, &d->cap_containers, n, sizeof *d->containers);
    return &d->containers[n];
}

static double max2(double a, double b) { return a > b ? a : b; }

/* Init containers, in order.  A sidecar (restartPolicy: Always, Kubernetes
 * 1.28+) keeps running next to the regular containers, so it is metered as
 * one of them (appended after spec.containers).  A plain init container
 * runs alone before them, alongside the sidecars started before it, so the
 * pod needs init request + those sidecars' requests while it runs: *peak
 * is the largest such sum, per resource. */
static size_t decode_inits(kt_decoder *d, json_t *inits, size_t n, amounts *peak)
{
    amounts sidecars = {0};
    kt_container_obj tmp;
    size_t i;
    json_t *c;
    json_array_foreach(inits, i, c) {
        if (!json_is_object(c))
            continue;
        const char *restart = decode_get_str(c, "restartPolicy");
        int sidecar = restart && !strcmp(restart, "Always");
        kt_container_obj *out = sidecar ? next_container(d, n++) : &tmp;
        decode_container(d, c, out);
        if (sidecar) {
            sidecars.cpu += out->cpu_req;
            sidecars.ram += out->ram_req;
            sidecars.gpu += out->gpu_req;
        } else {
            peak->cpu = max2(peak->cpu, out->cpu_req + sidecars.cpu);
            peak->ram = max2(peak->ram, out->ram_req + sidecars.ram);
            peak->gpu = max2(peak->gpu, out->gpu_req + sidecars.gpu);
        }
    }
    return n;
}

/* Kubernetes' effective request per resource is max(Σ containers (regular
 * and sidecars), init peak).  kubetally meters only containers that keep
 * running, so when the init peak is larger the excess is charged to the
 * FIRST container: the pod then costs what the scheduler reserved for it. */
static void apply_init_excess(kt_container_obj *c, size_t n, const amounts *peak)
{
    if (!n)
        return;
    double cpu = 0, ram = 0, gpu = 0;
    for (size_t i = 0; i < n; i++) {
        cpu += c[i].cpu_req;
        ram += c[i].ram_req;
        gpu += c[i].gpu_req;
    }
    if (peak->cpu > cpu)
        c[0].cpu_req += peak->cpu - cpu;
    if (peak->ram > ram)
        c[0].ram_req += peak->ram - ram;
    if (peak->gpu > gpu)
        c[0].gpu_req += peak->gpu - gpu;
}

/* containerStatuses / initContainerStatuses onto the containers, by name:
 * state.running → running since startedAt; state.terminated → ran
 * [startedAt, finishedAt); state.waiting or none → not started.
 * lastState is ignored (the meter keeps earlier intervals itself). */
static void apply_statuses(kt_decoder *d, json_t *statuses, kt_container_obj *c, size_t n)
{
    size_t i;
    json_t *st;
    json_array_foreach(statuses, i, st) {
        const char *name = decode_get_str(st, "name");
        if (!name)
            continue;
        size_t k = 0;
        while (k < n && strcmp(strtab_get(d->strs, c[k].name), name))
            k++;
        if (k == n)
            continue; /* a plain init container: not metered */
        json_t *state = decode_get_obj(st, "state"), *s;
        c[k].running = 0;
        c[k].started = c[k].finished = 0;
        if ((s = decode_get_obj(state, "running"))) {
            c[k].running = 1;
            c[k].started = kube_parse_time(decode_get_str(s, "startedAt"));
        } else if ((s = decode_get_obj(state, "terminated"))) {
            c[k].started = kube_parse_time(decode_get_str(s, "startedAt"));
            c[k].finished = kube_parse_time(decode_get_str(s, "finishedAt"));
        }
    }
}

/* PVC names the pod mounts: persistentVolumeClaim.claimName, and generic
 * ephemeral volumes, whose PVC Kubernetes names "<pod>-<volume>". */
static size_t decode_claims(kt_decoder *d, json_t *volumes, const char *pod)
{
    size_t n = 0, i;
    json_t *v;
    json_array_foreach(volumes, i, v) {
        uint32_t id = 0;
        json_t *pvc = decode_get_obj(v, "persistentVolumeClaim");
        if (pvc) {
            id = decode_str(d, json_object_get(pvc, "claimName"));
        } else if (decode_get_obj(v, "ephemeral") && decode_get_str(v, "name")) {
            char buf[600];
            int len = snprintf(buf, sizeof buf, "%s-%s", pod, decode_get_str(v, "name"));
            if (len > 0 && (size_t)len < sizeof buf)
                id = strtab_intern_n(d->strs, buf, (size_t)len);
        }
        if (!id)
            continue;
        grow_array((void **)&d->claims, &d->cap_claims, n, sizeof *d->claims);
        d->claims[n++] = id;
    }
    return n;
}

int decode_pod(kt_decoder *d, json_t *obj, kt_pod_obj *p, kt_err *err)
{
    kt_meta m;
    if (decode_named(d, K_POD, obj, &m, &p->namespace_, &p->name, err))
        return -1;
    p->uid = decode_cstr(d, m.uid);
    p->created = m.created;
    p->deleted = m.deleted;
    decode_controller(d, m.owners, &p->owner_kind, &p->owner);
    decode_kv(d, m.labels, &d->labels, &p->labels, &p->n_labels);
    decode_kv(d, m.annotations, &d->annotations, &p->annotations, &p->n_annotations);

    json_t *spec = decode_get_obj(obj, "spec"), *status = decode_get_obj(obj, "status");
    json_t *containers = NULL, *inits = NULL, *volumes = NULL, *v;
    const char *key;
    json_object_foreach(spec, key, v) { /* one pass: a pod spec has many keys */
        if (!strcmp(key, "containers"))
            containers = v;
        else if (!strcmp(key, "initContainers"))
            inits = v;
        else if (!strcmp(key, "volumes"))
            volumes = v;
        else if (!strcmp(key, "nodeName"))
            p->node = decode_str(d, v);
    }
    size_t n = 0, i;
    json_array_foreach(containers, i, v) {
        if (json_is_object(v))
            decode_container(d, v, next_container(d, n++));
    }
    amounts peak = {0};
    n = decode_inits(d, inits, n, &peak);
    apply_init_excess(d->containers, n, &peak);
    p->containers = n ? d->containers : NULL;
    p->n_containers = n;
    p->n_claims = decode_claims(d, volumes, m.name);
    p->claims = p->n_claims ? d->claims : NULL;

    json_object_foreach(status, key, v) {
        if (!strcmp(key, "phase"))
            p->phase = decode_str(d, v);
        else if (!strcmp(key, "startTime"))
            p->started = kube_parse_time(json_string_value(v));
        else if (!strcmp(key, "containerStatuses") || !strcmp(key, "initContainerStatuses"))
            apply_statuses(d, v, p->containers, n);
    }
    return 0;
}

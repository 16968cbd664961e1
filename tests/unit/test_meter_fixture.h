/* test_meter_fixture.h — building Kubernetes objects by hand for the meter
 * tests, and reading the facts back from the store.  Times are on
 * 2026-01-01 (UTC): HM(10, 30) is 10:30. */
#ifndef KT_TEST_METER_FIXTURE_H
#define KT_TEST_METER_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "meter/meter.h"
#include "pricing/node_split.h"
#include "store/store.h"

#define T0 1767225600LL /* 2026-01-01T00:00:00Z */
#define HM(h, m) (T0 + (h) * 3600LL + (m) * 60LL)
#define GIB 1073741824.0

typedef struct fx {
    kt_strtab st;
    kt_meter *m;
    kt_kube_sink k;
    kt_store *s;
    char path[256];
} fx;

static inline uint32_t S(fx *f, const char *s) { return strtab_intern(&f->st, s); }

/* A fresh database file per fixture (name distinguishes tests). */
static inline void fx_open(fx *f, const char *name, int64_t since, int64_t resume)
{
    memset(f, 0, sizeof *f);
    strtab_init(&f->st);
    snprintf(f->path, sizeof f->path, "/tmp/kt-meter-%d-%s.db", (int)getpid(), name);
    unlink(f->path);
    char url[300];
    snprintf(url, sizeof url, "sqlite:%s", f->path);
    kt_err err = {0};
    if (store_open(url, KT_STORE_CREATE, &f->s, &err)) {
        fprintf(stderr, "store_open %s: %s\n", url, err.msg);
        exit(1);
    }
    kt_meter_opts o = {"c1", NULL, since, resume};
    f->m = meter_new(&o, &f->st);
    f->k = meter_sink(f->m);
}

static inline void fx_close(fx *f)
{
    meter_free(f->m);
    store_close(f->s);
    strtab_free(&f->st);
    unlink(f->path);
}

static inline int fx_flush(fx *f, int64_t now)
{
    kt_err err = {0};
    int rc = meter_flush(f->m, f->s, now, &err);
    if (rc)
        fprintf(stderr, "flush: %s\n", err.msg);
    return rc;
}

static inline void fx_node(fx *f, const char *name, const char *provider, const char *region, double cores,
                           double ram_gib, int64_t created, int64_t now)
{
    kt_object o = {.kind = K_NODE};
    o.u.node = (kt_node_obj){.name = S(f, name), .provider = S(f, provider), .region = S(f, region),
                             .cpu_cores = cores, .ram_bytes = ram_gib * GIB, .created = created};
    f->k.on_upsert(f->k.ctx, &o, now);
}

typedef struct ctr_spec {
    const char *name;
    double cpu, ram_gib;
    int64_t started, finished;
    int running;
} ctr_spec;

typedef struct pod_spec {
    const char *ns, *name, *node, *owner_kind, *owner;
    ctr_spec c[4];
    int n;
    const char *labels[13];  /* "key", "value", …, NULL (up to 6 pairs) */
    const char *claims[3];   /* NULL-terminated */
} pod_spec;

static inline void fx_pod_obj(fx *f, const pod_spec *p, kt_object *o, kt_kv_id *lab, kt_container_obj *c,
                              uint32_t *cl)
{
    memset(o, 0, sizeof *o);
    o->kind = K_POD;
    kt_pod_obj *po = &o->u.pod;
    po->namespace_ = S(f, p->ns), po->name = S(f, p->name), po->node = p->node ? S(f, p->node) : 0;
    char uid[160];
    snprintf(uid, sizeof uid, "uid-%s-%s", p->ns, p->name);
    po->uid = S(f, uid);
    po->owner_kind = p->owner_kind ? S(f, p->owner_kind) : 0;
    po->owner = p->owner ? S(f, p->owner) : 0;
    size_t nl = 0;
    for (; p->labels[2 * nl]; nl++)
        lab[nl] = (kt_kv_id){S(f, p->labels[2 * nl]), S(f, p->labels[2 * nl + 1])};
    po->labels = lab, po->n_labels = nl;
    for (int i = 0; i < p->n; i++)
        c[i] = (kt_container_obj){.name = S(f, p->c[i].name), .cpu_req = p->c[i].cpu, .ram_req = p->c[i].ram_gib * GIB,
                                  .started = p->c[i].started, .finished = p->c[i].finished, .running = p->c[i].running};
    po->containers = c, po->n_containers = (size_t)p->n;
    size_t nc = 0;
    for (; p->claims[nc]; nc++)
        cl[nc] = S(f, p->claims[nc]);
    po->claims = cl, po->n_claims = nc;
}

/* Send the pod as an upsert, or as a delete when del is set. */
static inline void fx_pod_send(fx *f, const pod_spec *p, int64_t now, int del)
{
    kt_object o;
    kt_kv_id lab[8];
    kt_container_obj c[4];
    uint32_t cl[3];
    fx_pod_obj(f, p, &o, lab, c, cl);
    (del ? f->k.on_delete : f->k.on_upsert)(f->k.ctx, &o, now);
}

static inline void fx_pod(fx *f, const pod_spec *p, int64_t now) { fx_pod_send(f, p, now, 0); }

/* An upsert of p as the object with this uid, created at `created` (0:
 * unknown): a pod re-created under its name. */
static inline void fx_pod_as(fx *f, const pod_spec *p, const char *uid, int64_t created, int64_t now)
{
    kt_object o;
    kt_kv_id lab[8];
    kt_container_obj c[4];
    uint32_t cl[3];
    fx_pod_obj(f, p, &o, lab, c, cl);
    o.u.pod.uid = S(f, uid), o.u.pod.created = created;
    f->k.on_upsert(f->k.ctx, &o, now);
}
static inline void fx_pod_delete(fx *f, const pod_spec *p, int64_t now) { fx_pod_send(f, p, now, 1); }

static inline void fx_load(fx *f, int64_t start, int64_t end, kt_dataset *ds)
{
    kt_err err = {0};
    if (store_load(f->s, start, end, 1, ds, &err)) {
        fprintf(stderr, "store_load: %s\n", err.msg);
        exit(1);
    }
}

static inline const char *ds_str(const kt_dataset *ds, uint32_t id) { return strtab_get(&ds->strs, id); }

static inline long ds_pod_index(const kt_dataset *ds, const char *ns, const char *name)
{
    for (size_t i = 0; i < ds->n_pods; i++)
        if (!strcmp(ds_str(ds, ds->pods[i].namespace_), ns) && !strcmp(ds_str(ds, ds->pods[i].name), name))
            return (long)i;
    return -1;
}

/* The container fact for pod/container at hour t (NULL when none). */
static inline const ds_container_fact *cfact(const kt_dataset *ds, const char *pod, const char *ctr, int64_t t)
{
    for (size_t i = 0; i < ds->n_cfacts; i++) {
        const ds_container_fact *c = &ds->cfacts[i];
        const ds_container *k = &ds->containers[c->container];
        if (c->t == t && !strcmp(ds_str(ds, k->name), ctr) && !strcmp(ds_str(ds, ds->pods[k->pod].name), pod))
            return c;
    }
    return NULL;
}

static inline const ds_node_fact *nfact(const kt_dataset *ds, const char *node, int64_t t)
{
    for (size_t i = 0; i < ds->n_nfacts; i++)
        if (ds->nfacts[i].t == t && !strcmp(ds_str(ds, ds->nodes[ds->nfacts[i].node].name), node))
            return &ds->nfacts[i];
    return NULL;
}

/* Seconds of a container fact, or -1 when absent (so a missing row fails
 * a check against a number). */
static inline double csec(const kt_dataset *ds, const char *pod, const char *ctr, int64_t t)
{
    const ds_container_fact *c = cfact(ds, pod, ctr, t);
    return c ? c->seconds : -1;
}

#endif

/* meter_baseline.c — the hour a previous process was in when it last
 * flushed, as it left it (meter_internal.h, mt_base).
 *
 * Why: facts replace whole hours, and a restarted meter only knows what
 * Kubernetes shows now.  Recomputing the resumed hour from that alone would
 * drop every run the previous process saw end in it (a pod replaced under
 * the same name, a container restarted, a pod deleted).  So the resumed
 * hour is written as: what the store holds for [hour, resume) — the previous
 * process's last flush — plus what this process measures over [resume, now).
 * Things the previous process wrote and this one does not know keep their
 * rows untouched. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/time.h"
#include "meter/meter_internal.h"
#include "util/buf.h"

enum { B_CTR, B_NODE, B_VOL, B_LB, B_POD_VOL, B_POD_LB };

/* A thing's natural key: its kind and up to four names. */
static const char *key(char *k, size_t n, int kind, const char *a, const char *b, const char *c, const char *d)
{
    snprintf(k, n, "%d\x1f%s\x1f%s\x1f%s\x1f%s", kind, a, b ? b : "", c ? c : "", d ? d : "");
    return k;
}

static uint32_t key_id(kt_strtab *keys, int kind, const char *a, const char *b, const char *c, const char *d)
{
    char k[1200];
    return strtab_intern(keys, key(k, sizeof k, kind, a, b, c, d));
}

static uint32_t key_find(const kt_strtab *keys, int kind, const char *a, const char *b, const char *c, const char *d)
{
    char k[1200];
    return strtab_find(keys, key(k, sizeof k, kind, a, b, c, d));
}

/* Remember fact index i under key id k. */
static void remember(mt_base *b, uint32_t k, uint32_t i)
{
    if (k >= b->cap) {
        size_t old = b->cap;
        grow_array((void **)&b->idx, &b->cap, k, sizeof *b->idx);
        memset(b->idx + old, 0xff, (b->cap - old) * sizeof *b->idx);
    }
    b->idx[k] = i;
}

static uint32_t lookup(const mt_base *b, uint32_t k)
{
    return k != UINT32_MAX && k < b->cap ? b->idx[k] : UINT32_MAX;
}

static const char *S(const kt_dataset *ds, uint32_t id) { return strtab_get(&ds->strs, id); }

/* Index the loaded hour's facts of cluster c by natural key. */
static void index_facts(mt_base *b, uint32_t c)
{
    const kt_dataset *ds = &b->ds;
    for (size_t i = 0; i < ds->n_cfacts; i++) {
        const ds_container *k = &ds->containers[ds->cfacts[i].container];
        const ds_pod *p = &ds->pods[k->pod];
        if (p->cluster == c)
            remember(b, key_id(&b->keys, B_CTR, S(ds, p->namespace_), S(ds, p->name), S(ds, k->name), NULL), (uint32_t)i);
    }
    for (size_t i = 0; i < ds->n_nfacts; i++) {
        const ds_node *n = &ds->nodes[ds->nfacts[i].node];
        if (n->cluster == c)
            remember(b, key_id(&b->keys, B_NODE, S(ds, n->name), NULL, NULL, NULL), (uint32_t)i);
    }
    for (size_t i = 0; i < ds->n_vfacts; i++) {
        const ds_volume *v = &ds->volumes[ds->vfacts[i].volume];
        if (v->cluster == c)
            remember(b, key_id(&b->keys, B_VOL, S(ds, v->name), NULL, NULL, NULL), (uint32_t)i);
    }
    for (size_t i = 0; i < ds->n_lbfacts; i++) {
        const ds_lb *l = &ds->lbs[ds->lbfacts[i].lb];
        if (l->cluster == c)
            remember(b, key_id(&b->keys, B_LB, S(ds, l->namespace_), S(ds, l->name), NULL, NULL), (uint32_t)i);
    }
    for (size_t i = 0; i < ds->n_pvfacts; i++) {
        const ds_pod *p = &ds->pods[ds->pvfacts[i].pod];
        const ds_volume *v = &ds->volumes[ds->pvfacts[i].volume];
        if (p->cluster == c)
            remember(b, key_id(&b->keys, B_POD_VOL, S(ds, p->namespace_), S(ds, p->name), S(ds, v->name), NULL),
                     (uint32_t)i);
    }
    for (size_t i = 0; i < ds->n_plbfacts; i++) {
        const ds_pod *p = &ds->pods[ds->plbfacts[i].pod];
        const ds_lb *l = &ds->lbs[ds->plbfacts[i].lb];
        if (p->cluster == c)
            remember(b, key_id(&b->keys, B_POD_LB, S(ds, p->namespace_), S(ds, p->name), S(ds, l->namespace_),
                               S(ds, l->name)), (uint32_t)i);
    }
    for (size_t i = 0; i < ds->n_feefacts; i++)
        if (ds->feefacts[i].cluster == c)
            b->fee_hours += ds->feefacts[i].hours;
}

int base_load(kt_meter *m, kt_store *s, kt_err *err)
{
    mt_base *b = &m->base;
    if (b->loaded || b->done || m->resume <= m->since)
        return 0;
    b->hour = hour_floor(m->resume);
    b->resume = m->resume;
    if (store_load_raw(s, b->hour, &b->ds, err)) /* inits b->ds; frees it on failure */
        return kt_wrap(err, "reading the hour kubetally last flushed: ");
    strtab_init(&b->keys);
    b->loaded = 1;
    for (size_t c = 0; c < b->ds.n_clusters; c++)
        if (!strcmp(S(&b->ds, b->ds.clusters[c].name), m->cluster))
            index_facts(b, (uint32_t)c);
    return 0;
}

void base_free(mt_base *b)
{
    if (b->loaded) {
        ds_free(&b->ds);
        strtab_free(&b->keys);
    }
    free(b->idx);
    memset(b, 0, sizeof *b);
}

void base_finish(mt_base *b)
{
    base_free(b);
    b->done = 1;
}

int base_active(const kt_meter *m, int64_t hour) { return m->base.loaded && hour == m->base.hour; }

void base_add_container(const kt_meter *m, const char *ns, const char *pod, const char *ctr, kt_container_hour *o)
{
    const mt_base *b = &m->base;
    uint32_t i = lookup(b, key_find(&b->keys, B_CTR, ns, pod, ctr, NULL));
    if (i == UINT32_MAX)
        return;
    const ds_container_fact *f = &b->ds.cfacts[i];
    o->seconds += f->seconds;
    o->cpu_req += f->cpu_req, o->cpu_use += f->cpu_use, o->cpu_alloc += f->cpu_alloc;
    o->ram_req += f->ram_req, o->ram_use += f->ram_use, o->ram_alloc += f->ram_alloc;
    o->gpu += f->gpu;
    if (f->cpu_peak > o->cpu_peak) o->cpu_peak = f->cpu_peak;
    if (f->ram_peak > o->ram_peak) o->ram_peak = f->ram_peak;
    /* the dataset keeps no measured flag: usage differing from request shows it */
    if (f->cpu_use != f->cpu_req || f->ram_use != f->ram_req)
        o->usage_measured = 1;
}

static double hours_of(const mt_base *b, int kind, uint32_t k)
{
    uint32_t i = lookup(b, k);
    if (i == UINT32_MAX)
        return 0;
    switch (kind) {
    case B_NODE: return b->ds.nfacts[i].hours;
    case B_VOL: return b->ds.vfacts[i].hours;
    case B_LB: return b->ds.lbfacts[i].hours;
    case B_POD_VOL: return b->ds.pvfacts[i].hours;
    default: return b->ds.plbfacts[i].hours;
    }
}

double base_node_hours(const kt_meter *m, const char *node)
{
    return hours_of(&m->base, B_NODE, key_find(&m->base.keys, B_NODE, node, NULL, NULL, NULL));
}

double base_volume_hours(const kt_meter *m, const char *vol)
{
    return hours_of(&m->base, B_VOL, key_find(&m->base.keys, B_VOL, vol, NULL, NULL, NULL));
}

double base_lb_hours(const kt_meter *m, const char *ns, const char *name)
{
    return hours_of(&m->base, B_LB, key_find(&m->base.keys, B_LB, ns, name, NULL, NULL));
}

double base_pod_volume_hours(const kt_meter *m, const char *ns, const char *pod, const char *vol)
{
    return hours_of(&m->base, B_POD_VOL, key_find(&m->base.keys, B_POD_VOL, ns, pod, vol, NULL));
}

double base_pod_lb_hours(const kt_meter *m, const char *ns, const char *pod, const char *lb_ns, const char *lb)
{
    return hours_of(&m->base, B_POD_LB, key_find(&m->base.keys, B_POD_LB, ns, pod, lb_ns, lb));
}

double base_fee_hours(const kt_meter *m) { return m->base.fee_hours; }

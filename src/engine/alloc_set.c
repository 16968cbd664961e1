/* alloc_set.c — rows of an allocation set: finding them by name, merging
 * members' properties, derived fields (minutes, efficiency), sorting. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc_internal.h"

void set_index_init(set_index *x)
{
    memset(x, 0, sizeof *x);
    strtab_init(&x->names);
}

void set_index_free(set_index *x)
{
    strtab_free(&x->names);
    free(x->row);
    memset(x, 0, sizeof *x);
}

void set_index_clear(set_index *x)
{
    if (x->row)
        memset(x->row, 0xff, x->cap * sizeof *x->row);
}

kt_alloc *set_row(kt_alloc_set *s, set_index *x, const char *name, enum kt_alloc_kind kind)
{
    uint32_t id = strtab_intern(&x->names, name);
    if (id >= x->cap) {
        size_t old = x->cap, cap = x->cap ? x->cap : 256;
        while (cap <= id)
            cap *= 2;
        x->row = xrealloc(x->row, cap * sizeof *x->row);
        memset(x->row + old, 0xff, (cap - old) * sizeof *x->row);
        x->cap = cap;
    }
    if (x->row[id] >= 0)
        return &s->items[x->row[id]];
    grow_array((void **)&s->items, &s->cap, s->n, sizeof *s->items);
    kt_alloc *a = &s->items[s->n];
    memset(a, 0, sizeof *a);
    a->name = xstrdup(name);
    a->kind = kind;
    a->start = INT64_MAX;
    a->end = INT64_MIN;
    a->last_pod = KT_NONE;
    x->row[id] = (int32_t)s->n++;
    return a;
}

void alloc_free_row(kt_alloc *a)
{
    free(a->name);
    free(a->services);
    free(a->labels);
    free(a->anns);
    for (size_t i = 0; i < a->n_pvs; i++)
        free(a->pvs[i].name);
    for (size_t i = 0; i < a->n_lbs; i++)
        free(a->lbs[i].name);
    free(a->pvs);
    free(a->lbs);
}

/* Keep only pairs present, with the same value, in both lists (sorted by key id
 * order of insertion is the pod's label order, so compare by search). */
static void intersect_kvs(kt_kvpair **list, size_t *n, const ds_kv *kvs, uint32_t cnt)
{
    size_t w = 0;
    for (size_t i = 0; i < *n; i++) {
        for (uint32_t j = 0; j < cnt; j++)
            if (kvs[j].key == (*list)[i].key && kvs[j].value == (*list)[i].value) {
                (*list)[w++] = (*list)[i];
                break;
            }
    }
    *n = w;
}

static void copy_kvs(kt_kvpair **list, size_t *n, const ds_kv *kvs, uint32_t cnt)
{
    *list = cnt ? xmalloc(cnt * sizeof **list) : NULL;
    for (uint32_t j = 0; j < cnt; j++)
        (*list)[j] = (kt_kvpair){kvs[j].key, kvs[j].value};
    *n = cnt;
}

void alloc_merge_pod(kt_alloc *a, const kt_dataset *ds, uint32_t pod, uint32_t container)
{
    const ds_pod *p = &ds->pods[pod];
    const ds_node *n = p->node == KT_NONE ? NULL : &ds->nodes[p->node];
    uint32_t cname = ds->containers[container].name;
    uint32_t node = n ? n->name : 0, pid = n ? n->provider_id : 0;
    uint32_t cl = ds->clusters[p->cluster].name;
    uint32_t prov = n ? n->provider : ds->clusters[p->cluster].provider;
    uint32_t reg = n ? n->region : ds->clusters[p->cluster].region;
    if (!a->props_init) {
        a->props_init = 1;
        a->cluster = cl, a->node = node, a->namespace_ = p->namespace_, a->pod = p->name;
        a->container = cname, a->controller = p->controller, a->controller_kind = p->controller_kind;
        a->provider_id = pid, a->provider = prov, a->region = reg;
        copy_kvs(&a->labels, &a->n_labels, ds->kvs + p->label_off, p->n_labels);
        copy_kvs(&a->anns, &a->n_anns, ds->kvs + p->ann_off, p->n_anns);
        a->n_services = p->n_svcs;
        a->services = p->n_svcs ? xmalloc(p->n_svcs * sizeof *a->services) : NULL;
        if (p->n_svcs)
            memcpy(a->services, ds->svcs + p->svc_off, p->n_svcs * sizeof *a->services);
        a->last_pod = pod;
        return;
    }
    if (a->container != cname) a->container = 0;
    if (a->last_pod == pod)
        return; /* same pod as the previous member: nothing else can differ */
    a->last_pod = pod;
    if (a->cluster != cl) a->cluster = 0;
    if (a->node != node) a->node = 0;
    if (a->namespace_ != p->namespace_) a->namespace_ = 0;
    if (a->pod != p->name) a->pod = 0;
    if (a->controller != p->controller) a->controller = 0;
    if (a->controller_kind != p->controller_kind) a->controller_kind = 0;
    if (a->provider_id != pid) a->provider_id = 0;
    if (a->provider != prov) a->provider = 0;
    if (a->region != reg) a->region = 0;
    intersect_kvs(&a->labels, &a->n_labels, ds->kvs + p->label_off, p->n_labels);
    intersect_kvs(&a->anns, &a->n_anns, ds->kvs + p->ann_off, p->n_anns);
    size_t w = 0;
    for (size_t i = 0; i < a->n_services; i++)
        for (uint32_t j = 0; j < p->n_svcs; j++)
            if (ds->svcs[p->svc_off + j] == a->services[i]) {
                a->services[w++] = a->services[i];
                break;
            }
    a->n_services = w;
}

void alloc_run(kt_alloc *a, int64_t first, int64_t last, double longest, int64_t lo, int64_t hi)
{
    if (first < lo) first = lo;
    if (last > hi) last = hi;
    if (first < a->start) a->start = first;
    if (last > a->end) a->end = last;
    if (longest > a->min_seconds) a->min_seconds = longest;
}

void alloc_span(kt_alloc *a, int64_t t, int32_t dur, double seconds, int64_t lo, int64_t hi)
{
    int64_t s, e; /* at exactly half a span start and end meet, which a neighbouring fact usually extends;
                   * alloc_minutes never reports less than the longest run */
    ds_guess_run(t, dur, seconds, &s, &e);
    alloc_run(a, s, e, seconds, lo, hi);
}

void alloc_add_named(kt_named_cost **list, size_t *n, const char *name, double hours, double byte_hours,
                     double cost)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*list)[i].name, name)) {
            (*list)[i].hours += hours;
            (*list)[i].byte_hours += byte_hours;
            (*list)[i].cost += cost;
            return;
        }
    *list = xrealloc(*list, (*n + 1) * sizeof **list);
    (*list)[(*n)++] = (kt_named_cost){xstrdup(name), hours, byte_hours, cost};
}

double alloc_total(const kt_alloc *a)
{
    return a->cpu_cost + a->ram_cost + a->gpu_cost + a->pv_cost + a->lb_cost + a->net_cost + a->shared_cost +
           a->external_cost;
}

double alloc_minutes(const kt_alloc *a)
{
    double m = a->end > a->start ? (double)(a->end - a->start) / 60.0 : 0;
    return m < a->min_seconds / 60.0 ? a->min_seconds / 60.0 : m;
}

double alloc_cpu_efficiency(const kt_alloc *a)
{
    if (a->cpu_req_hours > 0)
        return a->cpu_use_hours / a->cpu_req_hours;
    return a->cpu_use_hours > 0 && a->cpu_cost > 0 ? 1.0 : 0.0;
}

double alloc_ram_efficiency(const kt_alloc *a)
{
    if (a->ram_req_hours > 0)
        return a->ram_use_hours / a->ram_req_hours;
    return a->ram_use_hours > 0 && a->ram_cost > 0 ? 1.0 : 0.0;
}

double alloc_total_efficiency(const kt_alloc *a)
{
    double c = a->cpu_cost, r = a->ram_cost;
    if (c + r <= 0)
        return 0;
    return (alloc_cpu_efficiency(a) * c + alloc_ram_efficiency(a) * r) / (c + r);
}

static int by_cost(const void *x, const void *y)
{
    const kt_alloc *a = x, *b = y;
    double ta = alloc_total(a), tb = alloc_total(b);
    if (ta != tb)
        return ta < tb ? 1 : -1;
    return strcmp(a->name, b->name);
}

void alloc_set_sort(kt_alloc_set *s)
{
    if (s->n > 1)
        qsort(s->items, s->n, sizeof *s->items, by_cost);
}

/* Share `amount` over the NORMAL rows into the double at `field` of each. */
static double share_into(kt_alloc_set *s, double amount, int even, size_t field)
{
    if (amount == 0)
        return 0;
    double total = 0;
    size_t count = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->items[i].kind == AK_NORMAL) {
            total += s->items[i].weight;
            count++;
        }
    if (!count || (!even && total <= 0))
        return amount;
    for (size_t i = 0; i < s->n; i++) {
        kt_alloc *a = &s->items[i];
        if (a->kind == AK_NORMAL)
            *(double *)((char *)a + field) += even ? amount / (double)count : amount * a->weight / total;
    }
    return 0;
}

double alloc_share_over(kt_alloc_set *s, double amount, int even)
{
    return share_into(s, amount, even, offsetof(kt_alloc, shared_cost));
}

double alloc_share_carbon(kt_alloc_set *s, double kg, int even)
{
    return share_into(s, kg, even, offsetof(kt_alloc, carbon_cost));
}

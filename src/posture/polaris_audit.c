/* polaris_audit.c — run Polaris' checks over a set of objects, and the
 * score; see polaris.h. */
#include "posture/polaris_internal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

typedef struct acc {
    pol_result *r;
    size_t n, cap;
} acc;

static void add(acc *a, int check, int ok, pol_severity sev, const char *container)
{
    grow_array((void **)&a->r, &a->cap, a->n, sizeof *a->r);
    a->r[a->n++] = (pol_result){check, ok, sev, container};
}

static int is_job(const char *kind)
{
    return !strcmp(kind, "Job") || !strcmp(kind, "CronJob");
}

/* May check i run on workload w at all (controller filters)? */
static int applies(int i, const kt_workload *w)
{
    unsigned f = pol_checks[i].flags;
    if ((f & POL_ONLY_DEPLOYMENT) && strcmp(w->kind, "Deployment"))
        return 0;
    return !((f & POL_NO_JOBS) && is_job(w->kind));
}

static void run_containers(const pol_config *c, pol_ctx *x, int i, const char *list, int is_init, acc *a)
{
    size_t k;
    json_t *ct;
    json_array_foreach(jx_get(x->w->pod_spec, list), k, ct) {
        const char *name = jx_str(ct, "name") ? jx_str(ct, "name") : "";
        if (!json_is_object(ct) || !pol_actionable(c, i, x->obj, name))
            continue;
        x->container = ct;
        x->is_init = is_init;
        add(a, i, pol_fns[i](x), c->severity[i], name);
    }
    x->container = NULL;
}

static void audit_workload(const pol_config *c, pol_ctx *x, acc *a)
{
    /* controller results, then pod, then each container (Polaris' layout) */
    for (int i = 0; i < POL_NCHECKS; i++)
        if (pol_checks[i].target == POL_T_CONTROLLER && applies(i, x->w) && pol_actionable(c, i, x->obj, NULL))
            add(a, i, pol_fns[i](x), c->severity[i], NULL);
    for (int i = 0; i < POL_NCHECKS; i++)
        if (pol_checks[i].target == POL_T_POD && applies(i, x->w) && pol_actionable(c, i, x->obj, NULL))
            add(a, i, pol_fns[i](x), c->severity[i], NULL);
    for (int i = 0; i < POL_NCHECKS; i++) {
        if (pol_checks[i].target != POL_T_CONTAINER || !applies(i, x->w))
            continue;
        run_containers(c, x, i, "containers", 0, a);
        if (!(pol_checks[i].flags & POL_NO_INIT))
            run_containers(c, x, i, "initContainers", 1, a);
    }
}

void pol_audit_run(const pol_config *c, const kt_manifest *m, pol_audit *out)
{
    assert(c && m && out);
    memset(out, 0, sizeof *out);
    size_t cap = 0;
    json_t *owners = workload_owners(m), *kinds = manifest_kind_index(m);
    for (size_t o = 0; o < m->n; o++) {
        json_t *obj = m->o[o].obj;
        if (workload_owned(owners, obj))
            continue;   /* judged through its controller */
        kt_workload w;
        pol_ctx x = {m, kinds, obj, NULL, NULL, 0};
        acc a = {0};
        const char *kind = jx_str(obj, "kind") ? jx_str(obj, "kind") : "";
        if (workload_from_object(obj, &w)) {
            x.w = &w;
            audit_workload(c, &x, &a);
        } else {
            for (int i = 0; i < POL_NCHECKS; i++)
                if (pol_checks[i].target == POL_T_KIND && !strcmp(pol_checks[i].kind, kind) &&
                    pol_actionable(c, i, obj, NULL))
                    add(&a, i, pol_fns[i](&x), c->severity[i], NULL);
        }
        if (!a.n)
            continue;
        grow_array((void **)&out->o, &cap, out->n, sizeof *out->o);
        json_t *meta = jx_get(obj, "metadata");
        pol_object_result *r = &out->o[out->n++];
        r->obj = o;
        r->kind = kind;
        r->name = jx_str(meta, "name") ? jx_str(meta, "name") : "";
        r->ns = jx_str(meta, "namespace") ? jx_str(meta, "namespace") : "";
        r->r = a.r;
        r->n = a.n;
    }
    json_decref(owners);
    json_decref(kinds);
}

void pol_audit_free(pol_audit *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n; i++)
        free(a->o[i].r);
    free(a->o);
    memset(a, 0, sizeof *a);
}

pol_counts pol_count(const pol_audit *a, const char *category)
{
    pol_counts c = {0, 0, 0};
    for (size_t i = 0; i < a->n; i++)
        for (size_t j = 0; j < a->o[i].n; j++) {
            const pol_result *r = &a->o[i].r[j];
            if (category && strcmp(pol_checks[r->check].category, category))
                continue;
            if (r->success) c.pass++;
            else if (r->severity == POL_WARNING) c.warning++;
            else c.danger++;
        }
    return c;
}

int pol_score(pol_counts c)
{
    long total = 2 * c.pass + c.warning + 2 * c.danger;
    return total ? (int)((double)(2 * c.pass) / (double)total * 100.0) : 100;
}

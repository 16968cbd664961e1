/* posture_feed.c — a posture audit as alert findings; see posture_feed.h. */
#include "http/posture_feed.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

int posture_cluster_score(const kt_posture *p, const char *cluster)
{
    assert(p && cluster);
    pol_counts c = {0, 0, 0};
    int any = 0;
    for (size_t i = 0; i < p->polaris.n; i++) {
        const pol_object_result *o = &p->polaris.o[i];
        if (p->m->o[o->obj].file != cluster)
            continue;
        pol_audit one = {(pol_object_result *)o, 1};
        pol_counts oc = pol_count(&one, NULL);
        c.pass += oc.pass, c.warning += oc.warning, c.danger += oc.danger, any = 1;
    }
    return any ? pol_score(c) : -1;
}

/* Failed Polaris checks, one item per object and check. */
static void polaris_items(const kt_posture *p, kt_posture_feed *f)
{
    for (size_t i = 0; i < p->polaris.n; i++) {
        const pol_object_result *o = &p->polaris.o[i];
        uint64_t seen = 0; /* POL_NCHECKS (44) bits */
        for (size_t j = 0; j < o->n; j++) {
            const pol_result *r = &o->r[j];
            if (r->success || (seen >> r->check & 1))
                continue;
            seen |= (uint64_t)1 << r->check;
            char detail[400];
            snprintf(detail, sizeof detail, "%s%s%s", pol_checks[r->check].failure,
                     r->container ? "; container " : "", r->container ? r->container : "");
            posture_feed_add(f, KT_FEED_POSTURE, r->severity == POL_DANGER ? 2 : 1, p->m->o[o->obj].file, o->ns,
                             o->kind, o->name, pol_checks[r->check].id, detail);
        }
    }
}

kt_posture_feed *posture_feed_build(const kt_posture *p, const kt_cluster_health_result *h, size_t nh,
                                    int64_t computed_at)
{
    assert(p && (h || !nh));
    kt_posture_feed *f = posture_feed_new(computed_at);
    polaris_items(p, f);
    for (size_t i = 0; i < p->n_pods; i++)
        for (size_t j = 0; j < p->pods[i].n; j++) {
            char id[96];
            snprintf(id, sizeof id, "pss-%s/%s", pss_level_name(p->pods[i].v[j].level), p->pods[i].v[j].check);
            posture_feed_add(f, KT_FEED_POSTURE, 2, p->m->o[p->pods[i].obj].file, p->pods[i].ns, p->pods[i].kind,
                             p->pods[i].name, id, p->pods[i].v[j].detail);
        }
    for (size_t i = 0; i < p->findings.n; i++) {
        const kt_finding *x = &p->findings.f[i];
        posture_feed_add(f, KT_FEED_POSTURE, x->danger ? 2 : 1, x->cluster, x->ns, x->kind, x->name, x->check,
                         x->detail);
    }
    for (size_t c = 0; c < nh; c++) {
        for (size_t j = 0; j < h[c].h.n; j++) {
            const kt_health_finding *x = &h[c].h.f[j];
            if (x->kind != HEALTH_SILENT)
                posture_feed_add(f, KT_FEED_HEALTH, x->kind == HEALTH_NODE_NOT_READY ? 2 : 1, h[c].cluster, x->ns,
                                 x->object_kind, x->name, health_kind_names[x->kind], x->detail);
        }
        posture_feed_score(f, h[c].cluster, posture_cluster_score(p, h[c].cluster), h[c].h.score);
    }
    posture_feed_score(f, "", p->polaris.n ? pol_score(pol_count(&p->polaris, NULL)) : -1, -1);
    return f;
}

/* aggregate.c — parsing aggregation keys and naming each container's group.
 *
 * The group name is what OpenCost returns as the allocation's key: the
 * values of the aggregate properties joined by "/", with "__unallocated__"
 * for a property the container lacks (no label team, no controller). */
#include "engine/allocation.h"

#include <stdio.h>
#include <string.h>

#include "util/buf.h"

static const struct {
    const char *name;
    enum kt_agg_prop prop;
} names[] = {
    {"cluster", A_CLUSTER}, {"provider", A_PROVIDER}, {"region", A_REGION}, {"zone", A_ZONE},
    {"node", A_NODE}, {"namespace", A_NAMESPACE}, {"controllerKind", A_CONTROLLER_KIND},
    {"controller", A_CONTROLLER}, {"pod", A_POD}, {"container", A_CONTAINER}, {"service", A_SERVICE},
    {"deployment", A_DEPLOYMENT}, {"statefulset", A_STATEFULSET}, {"daemonset", A_DAEMONSET},
    {"job", A_JOB},
};

static int parse_one(const char *tok, size_t len, kt_aggregate *out, kt_err *err)
{
    char word[160];
    if (len == 0 || len >= sizeof word)
        return kt_fail(err, KT_EINPUT, "aggregate: empty or overlong property in the list");
    memcpy(word, tok, len);
    word[len] = 0;
    int i = out->n;
    if (i == KT_MAX_AGG)
        return kt_fail(err, KT_EINPUT, "aggregate: at most %d properties", KT_MAX_AGG);
    const char *key = NULL;
    if (!strncmp(word, "label:", 6) || !strncmp(word, "label=", 6)) {
        out->props[i] = A_LABEL, key = word + 6;
    } else if (!strncmp(word, "annotation:", 11) || !strncmp(word, "annotation=", 11)) {
        out->props[i] = A_ANNOTATION, key = word + 11;
    } else {
        size_t k;
        for (k = 0; k < sizeof names / sizeof *names; k++)
            if (!strcmp(word, names[k].name))
                break;
        if (k == sizeof names / sizeof *names)
            return kt_fail(err, KT_EINPUT,
                           "aggregate: unknown property '%s'; use cluster, provider, region, zone, node, "
                           "namespace, controllerKind, controller, pod, container, service, deployment, "
                           "statefulset, daemonset, job, label:KEY or annotation:KEY", word);
        out->props[i] = names[k].prop;
    }
    if (key) {
        if (!*key || strlen(key) >= sizeof out->keys[i])
            return kt_fail(err, KT_EINPUT, "aggregate: '%s' needs a key, like label:team", word);
        strcpy(out->keys[i], key);
    }
    out->n++;
    return 0;
}

int aggregate_parse(const char *text, kt_aggregate *out, kt_err *err)
{
    memset(out, 0, sizeof *out);
    if (!text || !*text)
        return 0;
    const char *p = text;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        while (len && *p == ' ')
            p++, len--;
        while (len && p[len - 1] == ' ')
            len--;
        if (parse_one(p, len, out, err))
            return -1;
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

/* The value of one aggregate property for a container; NULL when missing. */
static const char *prop_value(const kt_dataset *ds, const kt_aggregate *agg, int i, uint32_t container,
                              const ds_pod *p)
{
    const ds_node *n = p->node == KT_NONE ? NULL : &ds->nodes[p->node];
    const char *ck = strtab_get(&ds->strs, p->controller_kind);
    uint32_t id = 0;
    switch (agg->props[i]) {
    case A_CLUSTER: id = ds->clusters[p->cluster].name; break;
    case A_PROVIDER: id = n ? n->provider : ds->clusters[p->cluster].provider; break;
    case A_REGION: id = n ? n->region : ds->clusters[p->cluster].region; break;
    case A_ZONE: id = n ? n->zone : 0; break;
    case A_NODE: id = n ? n->name : 0; break;
    case A_NAMESPACE: id = p->namespace_; break;
    case A_CONTROLLER_KIND: id = p->controller_kind; break;
    case A_CONTROLLER: id = p->controller; break;
    case A_POD: id = p->name; break;
    case A_CONTAINER: id = ds->containers[container].name; break;
    case A_SERVICE: id = p->n_svcs ? ds->svcs[p->svc_off] : 0; break;
    case A_DEPLOYMENT: id = !strcmp(ck, "deployment") ? p->controller : 0; break;
    case A_STATEFULSET: id = !strcmp(ck, "statefulset") ? p->controller : 0; break;
    case A_DAEMONSET: id = !strcmp(ck, "daemonset") ? p->controller : 0; break;
    case A_JOB: id = !strcmp(ck, "job") ? p->controller : 0; break;
    case A_LABEL:
    case A_ANNOTATION: {
        uint32_t k = strtab_find(&ds->strs, agg->keys[i]);
        id = k == UINT32_MAX ? 0 : ds_pod_label(ds, p, k, agg->props[i] == A_ANNOTATION);
        break;
    }
    }
    const char *v = strtab_get(&ds->strs, id);
    return *v ? v : NULL;
}

void aggregate_key(const kt_dataset *ds, const kt_aggregate *agg, uint32_t container, kt_buf *out)
{
    const ds_pod *p = &ds->pods[ds->containers[container].pod];
    buf_reset(out);
    if (agg->n == 0) {
        const ds_node *n = p->node == KT_NONE ? NULL : &ds->nodes[p->node];
        buf_printf(out, "%s/%s/%s/%s/%s", strtab_get(&ds->strs, ds->clusters[p->cluster].name),
                   n ? strtab_get(&ds->strs, n->name) : "", strtab_get(&ds->strs, p->namespace_),
                   strtab_get(&ds->strs, p->name), strtab_get(&ds->strs, ds->containers[container].name));
        return;
    }
    for (int i = 0; i < agg->n; i++) {
        const char *v = prop_value(ds, agg, i, container, p);
        if (i)
            buf_putc(out, '/');
        buf_puts(out, v ? v : "__unallocated__");
    }
}

int aggregate_idle_key(const kt_dataset *ds, const kt_aggregate *agg, uint32_t cluster, uint32_t node,
                       const char *suffix, kt_buf *out)
{
    buf_reset(out);
    int known = agg->n > 0;
    for (int i = 0; i < agg->n && known; i++) {
        enum kt_agg_prop pr = agg->props[i];
        known = pr == A_CLUSTER || pr == A_PROVIDER || pr == A_REGION ||
                (node != KT_NONE && (pr == A_NODE || pr == A_ZONE));
    }
    if (known) {
        const ds_node *n = node == KT_NONE ? NULL : &ds->nodes[node];
        const ds_cluster *c = &ds->clusters[cluster];
        for (int i = 0; i < agg->n; i++) {
            uint32_t id = 0;
            switch (agg->props[i]) {
            case A_CLUSTER: id = c->name; break;
            case A_PROVIDER: id = n ? n->provider : c->provider; break;
            case A_REGION: id = n ? n->region : c->region; break;
            case A_ZONE: id = n->zone; break;
            default: id = n->name; break;
            }
            const char *v = strtab_get(&ds->strs, id);
            buf_printf(out, "%s%s", i ? "/" : "", *v ? v : "__unallocated__");
        }
        buf_putc(out, '/');
    } else if (agg->n == 0) {
        buf_printf(out, "%s/", strtab_get(&ds->strs, ds->clusters[cluster].name));
        if (node != KT_NONE)
            buf_printf(out, "%s/", strtab_get(&ds->strs, ds->nodes[node].name));
    }
    buf_puts(out, suffix);
    return known;
}

/* kubeconfig_bound.c — refuse a kubeconfig whose YAML aliases would make
 * reading it unbounded.
 *
 * libyaml loads an alias as a second reference to the anchored node, so a
 * loaded document is a graph, not a tree: `&a {x: [*a]}` is a cycle, and a
 * chain of anchors each used twice ("billion laughs") is a small file whose
 * tree, as anything walking it sees it, doubles per level.  Every walk of a
 * kubeconfig (entry comparison, field lookup) visits the tree, so one check
 * right after loading bounds them all: no cycle, nesting at most
 * KC_MAX_DEPTH, and at most KC_MAX_NODES nodes once aliases are expanded.
 * The check itself is linear in the loaded nodes (each node's expanded size
 * is computed once). */
#include "kube/kubeconfig_yaml.h"

#include <stdint.h>
#include <stdlib.h>

typedef struct walk {
    yaml_document_t *d;
    unsigned char *state;   /* per node: 0 not seen, 1 on the current path, 2 done */
    uint64_t *size;         /* per node: expanded size, capped at KC_MAX_NODES + 1 */
    yaml_node_t *bad;       /* where the walk stopped */
    int why;                /* 1 cycle, 2 too deep */
} walk;

static uint64_t cap_add(uint64_t a, uint64_t b)
{
    uint64_t s = a + b;
    return s > KC_MAX_NODES ? KC_MAX_NODES + 1 : s;
}

/* Expanded size of node id (1-based), or 0 after setting w->why. */
static uint64_t expand(walk *w, int id, int depth)
{
    yaml_node_t *n = yaml_document_get_node(w->d, id);
    if (!n)
        return 1;
    size_t i = (size_t)(id - 1);
    if (w->state[i] == 2)
        return w->size[i];
    if (w->state[i] == 1 || depth > KC_MAX_DEPTH) {
        w->bad = n;
        w->why = w->state[i] == 1 ? 1 : 2;
        return 0;
    }
    w->state[i] = 1;
    uint64_t s = 1;
    if (n->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *x = n->data.sequence.items.start; x < n->data.sequence.items.top && !w->why; x++)
            s = cap_add(s, expand(w, *x, depth + 1));
    } else if (n->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top && !w->why; p++)
            s = cap_add(s, cap_add(expand(w, p->key, depth + 1), expand(w, p->value, depth + 1)));
    }
    w->state[i] = 2;
    w->size[i] = s;
    return s;
}

int kc_check_bounds(const char *path, yaml_document_t *d, kt_err *err)
{
    if (!d->nodes.start || d->nodes.top == d->nodes.start)
        return 0;
    size_t n = (size_t)(d->nodes.top - d->nodes.start);
    walk w = {d, xcalloc(n, 1), xcalloc(n, sizeof(uint64_t)), NULL, 0};
    uint64_t total = expand(&w, 1, 0);
    int rc = 0;
    if (w.why == 1)
        rc = kt_fail(err, KT_EINPUT, "kubeconfig %s line %d: a YAML alias refers to a node that contains it", path,
                     kc_line(w.bad));
    else if (w.why == 2)
        rc = kt_fail(err, KT_EINPUT, "kubeconfig %s line %d: YAML nested deeper than %d levels", path,
                     kc_line(w.bad), KC_MAX_DEPTH);
    else if (total > KC_MAX_NODES)
        rc = kt_fail(err, KT_EINPUT, "kubeconfig %s: YAML aliases expand to more than %d nodes", path, KC_MAX_NODES);
    free(w.state);
    free(w.size);
    return rc;
}

/* kubeconfig_yaml.h — the merged, still-YAML view of kubeconfig files that
 * kubeconfig.c builds and kubeconfig_target.c reads one context from.
 * Internal to src/kube/kubeconfig*.c. */
#ifndef KT_KUBECONFIG_YAML_H
#define KT_KUBECONFIG_YAML_H

#include <yaml.h>

#include "kube/kubeconfig_int.h"
#include "util/buf.h"

typedef struct kc_file {
    char *path, *dir;        /* dir: relative paths inside the file start here */
    yaml_document_t doc;
    int loaded;
} kc_file;

/* One named cluster, user or context: the first file that names it wins. */
typedef struct kc_entry {
    const char *name;
    yaml_node_t *body;       /* the cluster/user/context mapping; NULL when absent */
    kc_file *f;
    int line;
} kc_entry;

typedef struct kc_list {
    kc_entry *e;
    size_t n, cap;
} kc_list;

typedef struct kc_config {
    kc_file **files;
    size_t n_files, cap_files;
    kc_list clusters, users, contexts;
    const char *current;     /* current-context of the first file that sets it */
    kc_file *current_file;
    kt_buf sources;          /* the files read, for error messages */
} kc_config;

/* YAML helpers: mapping lookup, plain-scalar null test, 1-based line. */
yaml_node_t *kc_get(yaml_document_t *d, yaml_node_t *map, const char *key);
const char *kc_scalar(yaml_node_t *n);
int kc_is_null(yaml_node_t *n);
int kc_line(yaml_node_t *n);

/* Limits on one kubeconfig file (docs/kubeconfig.md): its size in bytes,
 * its nesting, and its node count with YAML aliases expanded. */
#define KC_MAX_BYTES (16 << 20)
#define KC_MAX_DEPTH 64
#define KC_MAX_NODES 200000

/* Refuse a loaded document with an alias cycle, deeper nesting than
 * KC_MAX_DEPTH or more than KC_MAX_NODES expanded nodes: after it passes,
 * any walk of the document is bounded. */
int kc_check_bounds(const char *path, yaml_document_t *d, kt_err *err);

const kc_entry *kc_find(const kc_list *l, const char *name);
void kc_names(const kc_list *l, kt_buf *b);

/* Fill t from context ctx (its cluster and user); errors name the context. */
int kc_build_target(kc_config *c, const kc_entry *ctx, kt_kube_target *t, kt_err *err);

#endif

/* kubeconfig.c — find the kubeconfig files, parse them with libyaml, merge
 * them in kubectl's order and select contexts.  Turning one selected context
 * into a kt_kube_target is kubeconfig_target.c; see kubeconfig.h for the
 * rules.
 *
 * The YAML documents stay loaded until the targets are built: entries point
 * into them, so a name or a field can always be reported with the file and
 * line it came from. */
#include "kube/kubeconfig_yaml.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"

static const char *src_desc(const kc_config *c)
{
    return c->sources.data ? c->sources.data : "(none)";
}

/* Two YAML nodes with the same structure and scalar values: kubectl accepts
 * a name listed twice in one file only when both entries are equal. */
static int same_node(yaml_document_t *da, yaml_node_t *a, yaml_document_t *db, yaml_node_t *b)
{
    if (!a || !b)
        return a == b;
    if (a->type != b->type)
        return 0;
    if (a->type == YAML_SCALAR_NODE)
        return a->data.scalar.length == b->data.scalar.length &&
               !memcmp(a->data.scalar.value, b->data.scalar.value, a->data.scalar.length);
    if (a->type == YAML_SEQUENCE_NODE) {
        yaml_node_item_t *x = a->data.sequence.items.start, *y = b->data.sequence.items.start;
        if (a->data.sequence.items.top - x != b->data.sequence.items.top - y)
            return 0;
        for (; x < a->data.sequence.items.top; x++, y++)
            if (!same_node(da, yaml_document_get_node(da, *x), db, yaml_document_get_node(db, *y)))
                return 0;
        return 1;
    }
    yaml_node_pair_t *p = a->data.mapping.pairs.start, *q = b->data.mapping.pairs.start;
    if (a->data.mapping.pairs.top - p != b->data.mapping.pairs.top - q)
        return 0;
    for (; p < a->data.mapping.pairs.top; p++, q++)
        if (!same_node(da, yaml_document_get_node(da, p->key), db, yaml_document_get_node(db, q->key)) ||
            !same_node(da, yaml_document_get_node(da, p->value), db, yaml_document_get_node(db, q->value)))
            return 0;
    return 1;
}

const kc_entry *kc_find(const kc_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->e[i].name, name))
            return &l->e[i];
    return NULL;
}

/* "a, b, c" (cut short past a few hundred bytes) for "unknown name" errors. */
void kc_names(const kc_list *l, kt_buf *b)
{
    if (!l->n)
        buf_puts(b, "(none)");
    for (size_t i = 0; i < l->n; i++) {
        if (b->len > 300) {
            buf_printf(b, ", … (%zu in all)", l->n);
            break;
        }
        buf_printf(b, "%s%s", i ? ", " : "", l->e[i].name);
    }
}

/* One top-level list (clusters, users or contexts) of one file. */
static int add_entries(kc_file *f, yaml_node_t *seq, const char *list, const char *body_key, kc_list *out,
                       kt_err *err)
{
    if (kc_is_null(seq))
        return 0;
    if (seq->type != YAML_SEQUENCE_NODE)
        return kt_fail(err, KT_EINPUT, "kubeconfig %s line %d: %s must be a list", f->path, kc_line(seq), list);
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
        yaml_node_t *item = yaml_document_get_node(&f->doc, *it);
        const char *name = item && item->type == YAML_MAPPING_NODE
                               ? kc_scalar(kc_get(&f->doc, item, "name")) : NULL;
        if (!name || !*name)
            return kt_fail(err, KT_EINPUT, "kubeconfig %s line %d: an entry of %s has no name", f->path,
                           kc_line(item), list);
        yaml_node_t *body = kc_get(&f->doc, item, body_key);
        if (kc_is_null(body))
            body = NULL;
        else if (body->type != YAML_MAPPING_NODE)
            return kt_fail(err, KT_EINPUT, "kubeconfig %s line %d: %s \"%s\": %s must be a mapping", f->path,
                           kc_line(body), list, name, body_key);
        const kc_entry *old = kc_find(out, name);
        if (old && old->f == f && !same_node(&f->doc, old->body, &f->doc, body))
            return kt_fail(err, KT_EINPUT, "kubeconfig %s line %d: %s \"%s\" is listed twice, differently (first at line %d)",
                           f->path, kc_line(item), list, name, old->line);
        if (old) /* an earlier file (or an identical twin) set it: the first wins */
            continue;
        grow_array((void **)&out->e, &out->cap, out->n, sizeof *out->e);
        out->e[out->n++] = (kc_entry){name, body, f, kc_line(item)};
    }
    return 0;
}

/* Parse one file and merge it in.  A missing file is skipped when
 * must_exist is 0 (KUBECONFIG lists, ~/.kube/config). */
static int load_file(kc_config *c, const char *path, int must_exist, kt_err *err)
{
    FILE *in = fopen(path, "rb");
    if (!in) {
        if (errno == ENOENT && !must_exist)
            return 0;
        return kt_fail(err, KT_EINPUT, "kubeconfig %s: %s", path, strerror(errno));
    }
    struct stat st;
    if (fstat(fileno(in), &st) == 0 && st.st_size > KC_MAX_BYTES) {
        fclose(in);
        return kt_fail(err, KT_EINPUT, "kubeconfig %s: larger than %d MiB", path, KC_MAX_BYTES >> 20);
    }
    kc_file *f = xcalloc(1, sizeof *f);
    f->path = xstrdup(path);
    const char *slash = strrchr(path, '/');
    f->dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : xstrdup(".");
    grow_array((void **)&c->files, &c->cap_files, c->n_files, sizeof *c->files);
    c->files[c->n_files++] = f;

    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_file(&p, in);
    int ok = yaml_parser_load(&p, &f->doc);
    fclose(in);
    if (!ok) {
        int rc = kt_fail(err, KT_EINPUT, "kubeconfig %s line %zu: YAML error: %s%s%s", path, p.problem_mark.line + 1,
                         p.problem ? p.problem : "unreadable", p.context ? " " : "", p.context ? p.context : "");
        yaml_parser_delete(&p);
        return rc;
    }
    f->loaded = 1;
    yaml_parser_delete(&p);
    buf_printf(&c->sources, "%s%s", c->sources.len ? ", " : "", path);
    if (kc_check_bounds(path, &f->doc, err))
        return -1;

    yaml_node_t *root = yaml_document_get_root_node(&f->doc);
    if (kc_is_null(root)) /* an empty file is an empty config, as kubectl reads it */
        return 0;
    if (root->type != YAML_MAPPING_NODE)
        return kt_fail(err, KT_EINPUT, "kubeconfig %s line %d: not a kubeconfig (expected a mapping of clusters, users, contexts)",
                       path, kc_line(root));
    if (add_entries(f, kc_get(&f->doc, root, "clusters"), "clusters", "cluster", &c->clusters, err) ||
        add_entries(f, kc_get(&f->doc, root, "users"), "users", "user", &c->users, err) ||
        add_entries(f, kc_get(&f->doc, root, "contexts"), "contexts", "context", &c->contexts, err))
        return -1;
    const char *cur = kc_scalar(kc_get(&f->doc, root, "current-context"));
    if (cur && *cur && !c->current) {
        c->current = cur;
        c->current_file = f;
    }
    return 0;
}

/* kubectl's order: --kubeconfig alone; else every file of $KUBECONFIG
 * (empty items and repeats skipped); else ~/.kube/config. */
static int load_sources(kc_config *c, const char *path, kt_err *err)
{
    if (path)
        return load_file(c, path, 1, err);
    const char *env = getenv("KUBECONFIG");
    if (env && *env) {
        char *list = xstrdup(env), *save = NULL;
        int rc = 0;
        kt_buf seen = {0};
        buf_putc(&seen, ':');
        for (char *p = strtok_r(list, ":", &save); p && !rc; p = strtok_r(NULL, ":", &save)) {
            kt_buf key = {0};
            buf_printf(&key, ":%s:", p);
            if (!strstr(seen.data, key.data)) {
                buf_printf(&seen, "%s:", p);
                rc = load_file(c, p, 0, err);
            }
            buf_free(&key);
        }
        buf_free(&seen);
        free(list);
        if (!rc && !c->n_files)
            buf_printf(&c->sources, "KUBECONFIG=%s (no file exists)", env);
        return rc;
    }
    const char *home = getenv("HOME");
    if (!home || !*home) {
        buf_puts(&c->sources, "~/.kube/config ($HOME unset)");
        return 0;
    }
    kt_buf p = {0};
    buf_printf(&p, "%s/.kube/config", home);
    int rc = load_file(c, p.data, 0, err);
    if (!rc && !c->n_files)
        buf_printf(&c->sources, "%s (does not exist)", p.data);
    buf_free(&p);
    return rc;
}

static void config_free(kc_config *c)
{
    for (size_t i = 0; i < c->n_files; i++) {
        if (c->files[i]->loaded)
            yaml_document_delete(&c->files[i]->doc);
        free(c->files[i]->path);
        free(c->files[i]->dir);
        free(c->files[i]);
    }
    free(c->files);
    free(c->clusters.e);
    free(c->users.e);
    free(c->contexts.e);
    buf_free(&c->sources);
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const kc_entry *)a)->name, ((const kc_entry *)b)->name);
}

/* Which contexts: named ones (in the order given, repeats once), all of
 * them (sorted by name, as kubectl config get-contexts), or the current. */
static int select_contexts(kc_config *c, const char *const *names, size_t n_names, int all,
                           const kc_entry ***sel, size_t *n_sel, kt_err *err)
{
    kt_buf known = {0};
    kc_names(&c->contexts, &known);
    int rc = 0;
    *sel = xcalloc(c->contexts.n + n_names + 1, sizeof **sel);
    *n_sel = 0;
    if (all) {
        if (!c->contexts.n)
            rc = kt_fail(err, KT_EINPUT, "no contexts in %s", src_desc(c));
        else
            qsort(c->contexts.e, c->contexts.n, sizeof *c->contexts.e, cmp_entry);
        for (size_t i = 0; i < c->contexts.n; i++)
            (*sel)[(*n_sel)++] = &c->contexts.e[i];
    } else if (n_names) {
        for (size_t i = 0; i < n_names && !rc; i++) {
            const kc_entry *e = kc_find(&c->contexts, names[i]);
            if (!e) {
                rc = kt_fail(err, KT_EINPUT, "context \"%s\" not found in %s; contexts: %s", names[i], src_desc(c),
                             known.data);
                break;
            }
            size_t j = 0;
            while (j < *n_sel && (*sel)[j] != e)
                j++;
            if (j == *n_sel)
                (*sel)[(*n_sel)++] = e;
        }
    } else if (!c->current) {
        rc = kt_fail(err, KT_EINPUT, "no current-context in %s; pass --context NAME or --all-contexts (contexts: %s)",
                     src_desc(c), known.data);
    } else {
        const kc_entry *e = kc_find(&c->contexts, c->current);
        if (!e)
            rc = kt_fail(err, KT_EINPUT, "kubeconfig %s: current-context \"%s\" is not a context; contexts: %s",
                         c->current_file->path, c->current, known.data);
        else
            (*sel)[(*n_sel)++] = e;
    }
    buf_free(&known);
    return rc;
}

int kubeconfig_load(const char *path, const char *const *contexts, size_t n_contexts, int all,
                    kt_kube_targets *out, kt_err *err)
{
    memset(out, 0, sizeof *out);
    kc_config c = {0};
    const kc_entry **sel = NULL;
    size_t n_sel = 0;
    int rc = load_sources(&c, path, err);
    if (!rc)
        rc = select_contexts(&c, contexts, n_contexts, all, &sel, &n_sel, err);
    if (!rc) {
        out->t = xcalloc(n_sel ? n_sel : 1, sizeof *out->t);
        for (size_t i = 0; i < n_sel && !rc; i++) {
            rc = kc_build_target(&c, sel[i], &out->t[i], err);
            out->n = i + 1; /* a half-built target is freed with the rest */
        }
        out->current_context = xstrdup(c.current ? c.current : "");
    }
    free(sel);
    config_free(&c);
    if (rc)
        kube_targets_free(out);
    return rc;
}

void kube_targets_free(kt_kube_targets *ts)
{
    if (!ts)
        return;
    for (size_t i = 0; i < ts->n; i++)
        kube_target_clear(&ts->t[i]);
    free(ts->t);
    free(ts->current_context);
    memset(ts, 0, sizeof *ts);
}

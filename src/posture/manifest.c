/* manifest.c — manifest files to a flat list of objects; see manifest.h. */
#include "posture/manifest.h"

#include <assert.h>
#include <dirent.h>
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "posture/jx.h"
#include "util/buf.h"

static void push(kt_manifest *m, json_t *obj, const char *file, int doc, int line)
{
    grow_array((void **)&m->o, &m->cap, m->n, sizeof *m->o);
    m->o[m->n++] = (kt_manifest_obj){json_incref(obj), file, doc, line};
}

/* A List (kind "List" or "...List" with items) contributes its items. */
static int add_doc(kt_manifest *m, json_t *v, const char *file, int doc, int line, kt_err *err)
{
    if (json_is_null(v))
        return 0;
    char where[64];   /* JSON has no line to name */
    snprintf(where, sizeof where, line > 0 ? " (line %d)" : "", line);
    const char *name = strcmp(file, "-") ? file : "standard input";
    if (!json_is_object(v))
        return kt_fail(err, KT_EINPUT, "%s: document %d%s is not a Kubernetes object (a mapping)", name, doc, where);
    const char *kind = jx_str(v, "kind");
    json_t *items = jx_get(v, "items");
    if (!kind || !*kind)
        return kt_fail(err, KT_EINPUT, "%s: document %d%s is not a Kubernetes object (it has no kind)", name, doc,
                       where);
    size_t kl = kind ? strlen(kind) : 0;
    if (kl >= 4 && !strcmp(kind + kl - 4, "List") && json_is_array(items)) {
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it) {
            if (!json_is_object(it))
                return kt_fail(err, KT_EINPUT, "%s: document %d: item %zu of the %s is not a Kubernetes object", file,
                               doc, i, kind);
            /* the API server leaves kind out of a PodList's items: Pod */
            if (!jx_str(it, "kind") && strcmp(kind, "List"))
                json_object_set_new(it, "kind", json_stringn(kind, kl - 4));
            if (!jx_str(it, "apiVersion") && jx_str(v, "apiVersion") && strcmp(kind, "List"))
                json_object_set_new(it, "apiVersion", json_string(jx_str(v, "apiVersion")));
            if (!jx_str(it, "kind"))
                return kt_fail(err, KT_EINPUT, "%s: document %d: item %zu of the List has no kind", file, doc, i);
            push(m, it, file, doc, line);
        }
        return 0;
    }
    push(m, v, file, doc, line);
    return 0;
}

/* Append every document of docs (yaml_to_json's shape), which it frees. */
static int add_docs(kt_manifest *m, const char *name, json_t *docs, kt_err *err)
{
    char *file = xstrdup(name);
    m->files = xrealloc(m->files, (m->n_files + 1) * sizeof *m->files);
    m->files[m->n_files++] = file;
    size_t before = m->n, i;
    json_t *d;
    json_array_foreach(docs, i, d) {
        if (add_doc(m, jx_get(d, "doc"), file, (int)i + 1, (int)json_integer_value(jx_get(d, "line")), err)) {
            while (m->n > before)
                json_decref(m->o[--m->n].obj);
            json_decref(docs);
            return -1;
        }
    }
    json_decref(docs);
    return 0;
}

int manifest_load_text(kt_manifest *m, const char *name, const char *text, size_t len, kt_err *err)
{
    assert(m && name && (text || !len));
    size_t first = 0;
    while (first < len && strchr(" \t\r\n", text[first]))
        first++;
    json_t *docs = NULL;
    if (first < len && (text[first] == '{' || text[first] == '[')) {
        json_error_t je;
        json_t *v = json_loadb(text, len, 0, &je);
        if (v) {
            docs = json_array();
            if (json_is_array(v)) {   /* a bare JSON array of objects */
                size_t i;
                json_t *x;
                json_array_foreach(v, i, x)
                    json_array_append_new(docs, json_pack("{s:O,s:i}", "doc", x, "line", 0));
                json_decref(v);
            } else {
                json_array_append_new(docs, json_pack("{s:o,s:i}", "doc", v, "line", 0));
            }
        }
    }
    if (!docs && !(docs = yaml_to_json(name, text, len, err)))
        return -1;
    return add_docs(m, name, docs, err);
}

int manifest_load_json(kt_manifest *m, const char *name, json_t *v, kt_err *err)
{
    assert(m && name && v);
    return add_docs(m, name, json_pack("[{s:O,s:i}]", "doc", v, "line", 0), err);
}

int manifest_load_file(kt_manifest *m, const char *path, kt_err *err)
{
    assert(m && path);
    FILE *f = !strcmp(path, "-") ? stdin : fopen(path, "rb");
    if (!f)
        return kt_fail(err, KT_EINPUT, "%s: %s", path, strerror(errno));
    kt_buf b = {0};
    int bad = buf_read_stream(&b, f);
    if (f != stdin)
        fclose(f);
    if (bad) {
        buf_free(&b);
        return kt_fail(err, KT_EINPUT, "%s: read error", path);
    }
    int rc = manifest_load_text(m, path, b.data ? b.data : "", b.len, err);
    buf_free(&b);
    return rc;
}

static int manifest_name(const char *n)
{
    size_t l = strlen(n);
    return (l > 5 && !strcmp(n + l - 5, ".yaml")) || (l > 4 && !strcmp(n + l - 4, ".yml")) ||
           (l > 5 && !strcmp(n + l - 5, ".json"));
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int manifest_load_path(kt_manifest *m, const char *path, kt_err *err)
{
    assert(m && path);
    struct stat st;
    if (strcmp(path, "-") && !stat(path, &st) && S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d)
            return kt_fail(err, KT_EINPUT, "%s: %s", path, strerror(errno));
        char **names = NULL;
        size_t n = 0;
        struct dirent *e;
        while ((e = readdir(d)))
            if (e->d_name[0] != '.') {
                names = xrealloc(names, (n + 1) * sizeof *names);
                names[n++] = xstrdup(e->d_name);
            }
        closedir(d);
        qsort(names, n, sizeof *names, by_name);
        int rc = 0;
        for (size_t i = 0; i < n; i++) {
            kt_buf p = {0};
            buf_printf(&p, "%s/%s", path, names[i]);
            int dir = !stat(p.data, &st) && S_ISDIR(st.st_mode);
            if (!rc && (dir || manifest_name(names[i])))
                rc = manifest_load_path(m, p.data, err);
            buf_free(&p);
            free(names[i]);
        }
        free(names);
        return rc;
    }
    return manifest_load_file(m, path, err);
}

void manifest_free(kt_manifest *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        json_decref(m->o[i].obj);
    for (size_t i = 0; i < m->n_files; i++)
        free(m->files[i]);
    free(m->o);
    free(m->files);
    memset(m, 0, sizeof *m);
}

json_t *config_file_load(const char *path, const char *flag, kt_err *err)
{
    assert(path && flag);
    FILE *f = fopen(path, "rb");
    if (!f) {
        kt_fail(err, KT_EINPUT, "%s %s: %s", flag, path, strerror(errno));
        return NULL;
    }
    kt_buf b = {0};
    int bad = buf_read_stream(&b, f);
    fclose(f);
    json_t *docs = NULL;
    if (bad)
        kt_fail(err, KT_EINPUT, "%s %s: read error", flag, path);
    else
        docs = yaml_to_json(path, b.data ? b.data : "", b.len, err);
    buf_free(&b);
    return docs;
}

json_t *manifest_kind_index(const kt_manifest *m)
{
    assert(m);
    json_t *idx = json_object();
    for (size_t i = 0; i < m->n; i++) {
        const char *kind = jx_str(m->o[i].obj, "kind");
        json_t *list = json_object_get(idx, kind);
        if (!list)
            json_object_set_new(idx, kind, list = json_array());
        json_array_append_new(list, json_integer((json_int_t)i));
    }
    return idx;
}

json_t *manifest_kind_list(const json_t *idx, const char *kind)
{
    return json_object_get(idx, kind);
}

size_t manifest_clusters(const kt_manifest *m, const char **out, size_t cap)
{
    assert(m && (out || !cap));
    size_t n = 0;
    const char *last = NULL;
    for (size_t i = 0; i < m->n; i++) {
        const char *f = m->o[i].file;
        if (f == last)
            continue;   /* objects of one file are contiguous: the common case costs nothing */
        last = f;
        int seen = 0;
        for (size_t k = 0; k < n && k < cap && !seen; k++)
            seen = out[k] == f;
        if (!seen) {
            if (n < cap)
                out[n] = f;
            n++;
        }
    }
    return n;
}

/* manifest.h — Kubernetes manifests from files: YAML (multi-document) or
 * JSON, Lists expanded, each object kept with where it came from.
 *
 * Contract: manifest_load_text/manifest_load_file append objects to m in
 * file order; a `kind: List` (or any kind ending in "List" with an `items`
 * array) contributes its items instead of itself; empty documents are
 * skipped.  Input that is not YAML/JSON, or a document that is not a
 * mapping, fails with one message naming the file (and document number or
 * line): nothing is appended then.  YAML plain scalars are typed as
 * Kubernetes' own YAML reader types them (null/~/empty, true/false and the
 * YAML 1.1 yes/no/on/off, integers, floats; quoted scalars stay strings),
 * so a manifest and its JSON form decode to the same objects.
 * manifest_free releases everything; the json_t objects belong to m. */
#ifndef KT_POSTURE_MANIFEST_H
#define KT_POSTURE_MANIFEST_H

#include <jansson.h>
#include <stddef.h>

#include "util/err.h"

typedef struct kt_manifest_obj {
    json_t *obj;         /* the object (owned by the manifest) */
    const char *file;    /* path as given (owned by the manifest) */
    int doc;             /* 1-based document number in that file */
    int line;            /* 1-based line where the document starts (0 for JSON) */
} kt_manifest_obj;

typedef struct kt_manifest {
    kt_manifest_obj *o;
    size_t n, cap;
    char **files;
    size_t n_files;
} kt_manifest;

int manifest_load_text(kt_manifest *m, const char *name, const char *text, size_t len, kt_err *err);
int manifest_load_file(kt_manifest *m, const char *path, kt_err *err);
/* An already decoded object or List (v is borrowed), as if read from name. */
int manifest_load_json(kt_manifest *m, const char *name, json_t *v, kt_err *err);
/* A file, "-" for standard input, or a directory: every *.yaml, *.yml and
 * *.json below it, in name order. */
int manifest_load_path(kt_manifest *m, const char *path, kt_err *err);
void manifest_free(kt_manifest *m);

/* Parse YAML text (one or more documents) into a JSON array with one
 * {"doc": value, "line": N} per document (value null for empty ones).  On error returns NULL and fills err with
 * "NAME:LINE: problem". */
json_t *yaml_to_json(const char *name, const char *text, size_t len, kt_err *err);

/* The clusters among m: each distinct object "file" (an input path, or a
 * live cluster's name shared by all its pages), in first-seen order; up
 * to cap are stored in out, the count is returned. */
size_t manifest_clusters(const kt_manifest *m, const char **out, size_t cap);

/* An index of m by kind: {"Pod": [0, 4, …], …} (caller decrefs), so checks
 * that look for another object (a ServiceAccount, a PDB) scan that kind
 * only.  manifest_kind_list gives the indices (JSON integers) of one kind,
 * NULL when there are none (json_array_foreach accepts NULL). */
json_t *manifest_kind_index(const kt_manifest *m);
json_t *manifest_kind_list(const json_t *idx, const char *kind);

/* Read a YAML/JSON configuration file named by command-line flag `flag`
 * into yaml_to_json's document array (NULL with err on failure). */
json_t *config_file_load(const char *path, const char *flag, kt_err *err);

#endif

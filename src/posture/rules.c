/* rules.c — reading kubetally's posture rules; see rules.h. */
#include "posture/rules.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "posture/jx.h"
#include "posture/manifest.h"
#include "util/buf.h"

/* "k=v" → key k, value v; "k" → key k, value NULL. */
static void split_selector(const char *s, char **key, char **value)
{
    const char *eq = strchr(s, '=');
    if (!eq) {
        *key = xstrdup(s);
        *value = NULL;
        return;
    }
    *key = xmalloc((size_t)(eq - s) + 1);
    memcpy(*key, s, (size_t)(eq - s));
    (*key)[eq - s] = 0;
    *value = xstrdup(eq + 1);
}

void rules_default(kt_posture_rules *r)
{
    assert(r);
    memset(r, 0, sizeof *r);
    split_selector("kubetally.io/critical=true", &r->critical_key, &r->critical_value);
}

void rules_free(kt_posture_rules *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_residency; i++) {
        kt_residency_rule *x = &r->residency[i];
        free(x->name);
        free(x->key);
        free(x->value);
        for (size_t j = 0; j < x->n_regions; j++)
            free(x->regions[j]);
        free(x->regions);
    }
    free(r->residency);
    free(r->critical_key);
    free(r->critical_value);
    memset(r, 0, sizeof *r);
}

static int parse_rule(kt_residency_rule *x, const json_t *v, size_t i, const char *name, kt_err *err)
{
    const char *rn = jx_str(v, "name"), *label = jx_str(v, "label");
    json_t *regions = jx_get(v, "regions");
    if (!rn || !*rn || !label || !*label || !json_is_array(regions) || !json_array_size(regions))
        return kt_fail(err, KT_EINPUT, "%s: residency[%zu]: needs name, label (KEY=VALUE) and a list of regions", name,
                       i);
    x->name = xstrdup(rn);
    split_selector(label, &x->key, &x->value);
    size_t k;
    json_t *g;
    json_array_foreach(regions, k, g) {
        if (!json_is_string(g))
            return kt_fail(err, KT_EINPUT, "%s: residency[%zu] (%s): regions must be strings", name, i, rn);
        x->regions = xrealloc(x->regions, (x->n_regions + 1) * sizeof *x->regions);
        x->regions[x->n_regions++] = xstrdup(json_string_value(g));
    }
    return 0;
}

/* Fill r from the parsed file (docs: yaml_to_json's array); frees docs. */
static int from_docs(kt_posture_rules *r, const char *name, json_t *docs, kt_err *err)
{
    rules_default(r);
    if (!docs) {
        rules_free(r);
        return -1;
    }
    json_t *root = jx_get(json_array_get(docs, 0), "doc");
    int rc = 0;
    json_t *res = jx_get(root, "residency");
    const char *crit = jx_str(root, "critical");
    if (root && !json_is_object(root))
        rc = kt_fail(err, KT_EINPUT, "%s: expected a mapping with residency: and critical:", name);
    else if (res && !json_is_array(res))
        rc = kt_fail(err, KT_EINPUT, "%s: residency must be a list of rules", name);
    else if (jx_get(root, "critical") && (!crit || !*crit))
        rc = kt_fail(err, KT_EINPUT, "%s: critical must be a label selector such as kubetally.io/critical=true", name);
    size_t i;
    json_t *v;
    json_array_foreach(rc ? NULL : res, i, v) {
        r->residency = xrealloc(r->residency, (r->n_residency + 1) * sizeof *r->residency);
        memset(&r->residency[r->n_residency], 0, sizeof *r->residency);
        if ((rc = parse_rule(&r->residency[r->n_residency++], v, i, name, err)))
            break;
    }
    if (!rc && crit) {
        free(r->critical_key);
        free(r->critical_value);
        split_selector(crit, &r->critical_key, &r->critical_value);
    }
    json_decref(docs);
    if (rc)
        rules_free(r);
    return rc;
}

int rules_parse(kt_posture_rules *r, const char *name, const char *text, size_t len, kt_err *err)
{
    assert(r && name && text);
    return from_docs(r, name, yaml_to_json(name, text, len, err), err);
}

int rules_load(kt_posture_rules *r, const char *path, kt_err *err)
{
    assert(r && path);
    return from_docs(r, path, config_file_load(path, "--rules", err), err);
}

int rules_label_match(const json_t *labels, const char *key, const char *value)
{
    json_t *v = jx_get(labels, key);
    if (!v)
        return 0;
    return !value || (json_is_string(v) && !strcmp(json_string_value(v), value)) ||
           (json_is_true(v) && !strcmp(value, "true"));
}

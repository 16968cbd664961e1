/* yaml_json.c — YAML documents to jansson values (libyaml's document API,
 * so anchors and aliases resolve); see manifest.h for the scalar rules. */
#include "posture/manifest.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Plain-scalar resolution as sigs.k8s.io/yaml (go-yaml v2, YAML 1.1 core)
 * does it for untyped decoding. */
static json_t *plain_scalar(const char *s, size_t n)
{
    static const char *nulls[] = {"", "~", "null", "Null", "NULL"};
    static const char *trues[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
    static const char *falses[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
    for (size_t i = 0; i < sizeof nulls / sizeof *nulls; i++)
        if (!strcmp(s, nulls[i]))
            return json_null();
    for (size_t i = 0; i < sizeof trues / sizeof *trues; i++)
        if (!strcmp(s, trues[i]))
            return json_true();
    for (size_t i = 0; i < sizeof falses / sizeof *falses; i++)
        if (!strcmp(s, falses[i]))
            return json_false();
    const char *p = s + (*s == '-' || *s == '+');
    if (*p >= '0' && *p <= '9') {
        char *end;
        errno = 0;
        long long v;
        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
            v = strtoll(p + 2, &end, 16);
        else if (p[0] == '0' && p[1] == 'o')
            v = strtoll(p + 2, &end, 8);
        else if (p[0] == '0' && p[1])
            v = strtoll(p + 1, &end, 8);   /* YAML 1.1: leading zero is octal */
        else
            v = strtoll(p, &end, 10);
        if (!*end && !errno && end != p)
            return json_integer(*s == '-' ? -v : v);
    }
    if ((*p >= '0' && *p <= '9') || *p == '.') {
        char *end;
        double d = strtod(s, &end);
        if (!*end && end != s && (size_t)(end - s) == n) {
            if (!strcmp(p, ".inf") || !strcmp(p, ".Inf") || !strcmp(p, ".INF"))
                return json_string(s);   /* JSON has no infinity: keep the text */
            if (isfinite(d))
                return json_real(d);
        }
    }
    return json_stringn(s, n);
}

static json_t *convert(yaml_document_t *doc, yaml_node_t *node, int depth)
{
    if (!node || depth > 64)
        return json_null();
    switch (node->type) {
    case YAML_SCALAR_NODE: {
        const char *s = (const char *)node->data.scalar.value;
        size_t n = node->data.scalar.length;
        if (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && strlen(s) == n)
            return plain_scalar(s, n);
        return json_stringn(s, n);
    }
    case YAML_SEQUENCE_NODE: {
        json_t *a = json_array();
        for (yaml_node_item_t *it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++)
            json_array_append_new(a, convert(doc, yaml_document_get_node(doc, *it), depth + 1));
        return a;
    }
    case YAML_MAPPING_NODE: {
        json_t *o = json_object();
        for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
            yaml_node_t *k = yaml_document_get_node(doc, p->key);
            if (!k || k->type != YAML_SCALAR_NODE)
                continue;   /* complex keys do not occur in Kubernetes objects */
            json_object_setn_new(o, (const char *)k->data.scalar.value, k->data.scalar.length,
                                 convert(doc, yaml_document_get_node(doc, p->value), depth + 1));
        }
        return o;
    }
    default:
        return json_null();
    }
}

json_t *yaml_to_json(const char *name, const char *text, size_t len, kt_err *err)
{
    assert(name && (text || !len));
    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    json_t *docs = json_array();
    for (;;) {
        yaml_document_t doc;
        if (!yaml_parser_load(&p, &doc)) {
            kt_fail(err, KT_EINPUT, "%s:%lu: not valid YAML: %s", name, (unsigned long)p.problem_mark.line + 1,
                    p.problem ? p.problem : "parse error");
            yaml_parser_delete(&p);
            json_decref(docs);
            return NULL;
        }
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        if (!root) {
            yaml_document_delete(&doc);
            break;   /* end of stream */
        }
        json_t *v = convert(&doc, root, 0);
        json_t *wrap = json_pack("{s:o,s:i}", "doc", v, "line", (int)root->start_mark.line + 1);
        json_array_append_new(docs, wrap);
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&p);
    return docs;
}

/* filter.c — recursive-descent parser and evaluator for filter.h. */
#include "engine/filter.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

enum op { OP_EQ, OP_CONTAINS, OP_PREFIX, OP_SUFFIX };
enum kind { N_LEAF, N_AND, N_OR };

struct kt_filter {
    enum kind kind;
    struct kt_filter *a, *b;          /* N_AND, N_OR */
    enum kt_field field;              /* N_LEAF */
    char *key;
    enum op op;
    int negate;
    char **values;
    int nvalues;
};

typedef struct parser {
    const char *text, *p;
    kt_err *err;
    int depth;
} parser;

static const struct { const char *name; enum kt_field field; } fields[] = {
    {"cluster", F_CLUSTER}, {"node", F_NODE}, {"namespace", F_NAMESPACE},
    {"controllerName", F_CONTROLLER}, {"controller", F_CONTROLLER},
    {"controllerKind", F_CONTROLLER_KIND}, {"container", F_CONTAINER}, {"pod", F_POD},
    {"services", F_SERVICES}, {"service", F_SERVICES}, {"provider", F_PROVIDER},
    {"region", F_REGION}, {"zone", F_ZONE}, {"label", F_LABEL}, {"annotation", F_ANNOTATION},
};

static int fail_at(parser *ps, const char *what)
{
    return kt_fail(ps->err, KT_EINPUT, "filter: column %d: %s", (int)(ps->p - ps->text) + 1, what);
}

static void skip_ws(parser *ps)
{
    while (isspace((unsigned char)*ps->p))
        ps->p++;
}

void filter_free(kt_filter *f)
{
    if (!f)
        return;
    filter_free(f->a);
    filter_free(f->b);
    for (int i = 0; i < f->nvalues; i++)
        free(f->values[i]);
    free(f->values);
    free(f->key);
    free(f);
}

static int parse_ident(parser *ps, char *out, size_t n)
{
    size_t len = 0;
    while (isalnum((unsigned char)ps->p[len]) || ps->p[len] == '_')
        len++;
    if (!len || len >= n)
        return -1;
    memcpy(out, ps->p, len);
    out[len] = 0;
    ps->p += len;
    return 0;
}

static char *parse_value(parser *ps)
{
    skip_ws(ps);
    kt_buf b = {0};
    buf_puts(&b, "");
    if (*ps->p == '"') {
        ps->p++;
        while (*ps->p && *ps->p != '"') {
            if (*ps->p == '\\' && ps->p[1])
                ps->p++;
            buf_putc(&b, *ps->p++);
        }
        if (*ps->p != '"') {
            buf_free(&b);
            fail_at(ps, "unterminated quoted value");
            return NULL;
        }
        ps->p++;
    } else {
        while (*ps->p && !isspace((unsigned char)*ps->p) && !strchr(",+|()\"", *ps->p))
            buf_putc(&b, *ps->p++);
        if (!b.len) {
            buf_free(&b);
            fail_at(ps, "expected a value, like \"kube-system\"");
            return NULL;
        }
    }
    return buf_steal(&b);
}

static int parse_op(parser *ps, kt_filter *f)
{
    static const struct { const char *tok; enum op op; int neg; } ops[] = {
        {"!<~:", OP_PREFIX, 1}, {"!~>:", OP_SUFFIX, 1}, {"<~:", OP_PREFIX, 0}, {"~>:", OP_SUFFIX, 0},
        {"!~:", OP_CONTAINS, 1}, {"~:", OP_CONTAINS, 0}, {"!:", OP_EQ, 1}, {":", OP_EQ, 0},
    };
    skip_ws(ps);
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
        size_t n = strlen(ops[i].tok);
        if (!strncmp(ps->p, ops[i].tok, n)) {
            f->op = ops[i].op;
            f->negate = ops[i].neg;
            ps->p += n;
            return 0;
        }
    }
    return fail_at(ps, "expected an operator: ':', '!:', '~:', '!~:', '<~:', '!<~:', '~>:' or '!~>:'");
}

static kt_filter *parse_leaf(parser *ps)
{
    char name[64];
    skip_ws(ps);
    const char *at = ps->p;
    if (parse_ident(ps, name, sizeof name)) {
        fail_at(ps, "expected a field name such as namespace, cluster or label[app]");
        return NULL;
    }
    kt_filter *f = xcalloc(1, sizeof *f);
    f->kind = N_LEAF;
    size_t i;
    for (i = 0; i < sizeof fields / sizeof *fields; i++)
        if (!strcmp(fields[i].name, name))
            break;
    if (i == sizeof fields / sizeof *fields) {
        ps->p = at;
        kt_fail(ps->err, KT_EINPUT, "filter: column %d: unknown field '%s'; use cluster, node, namespace, "
                "controllerName, controllerKind, container, pod, services, provider, region, zone, "
                "label[K] or annotation[K]", (int)(at - ps->text) + 1, name);
        free(f);
        return NULL;
    }
    f->field = fields[i].field;
    if (f->field == F_LABEL || f->field == F_ANNOTATION) {
        if (*ps->p != '[') {
            fail_at(ps, "expected '[' and a key after label or annotation, like label[app]");
            goto bad;
        }
        const char *k = ++ps->p;
        while (*ps->p && *ps->p != ']')
            ps->p++;
        if (*ps->p != ']' || ps->p == k) {
            fail_at(ps, "expected a key and ']'");
            goto bad;
        }
        f->key = strndup(k, (size_t)(ps->p - k));
        ps->p++;
    }
    if (parse_op(ps, f))
        goto bad;
    do {
        char *v = parse_value(ps);
        if (!v)
            goto bad;
        f->values = xrealloc(f->values, (size_t)(f->nvalues + 1) * sizeof *f->values);
        f->values[f->nvalues++] = v;
        skip_ws(ps);
    } while (*ps->p == ',' && ps->p++);
    return f;
bad:
    filter_free(f);
    return NULL;
}

static kt_filter *parse_or(parser *ps);

static kt_filter *parse_term(parser *ps)
{
    skip_ws(ps);
    if (*ps->p == '(') {
        if (++ps->depth > 64) {
            fail_at(ps, "too deeply nested");
            return NULL;
        }
        ps->p++;
        kt_filter *f = parse_or(ps);
        if (!f)
            return NULL;
        skip_ws(ps);
        if (*ps->p != ')') {
            fail_at(ps, "expected ')'");
            filter_free(f);
            return NULL;
        }
        ps->p++;
        ps->depth--;
        return f;
    }
    return parse_leaf(ps);
}

static kt_filter *join(enum kind k, kt_filter *a, kt_filter *b)
{
    kt_filter *f = xcalloc(1, sizeof *f);
    f->kind = k;
    f->a = a;
    f->b = b;
    return f;
}

static kt_filter *parse_and(parser *ps)
{
    kt_filter *f = parse_term(ps);
    while (f) {
        skip_ws(ps);
        if (*ps->p != '+')
            break;
        ps->p++;
        kt_filter *g = parse_term(ps);
        if (!g) {
            filter_free(f);
            return NULL;
        }
        f = join(N_AND, f, g);
    }
    return f;
}

static kt_filter *parse_or(parser *ps)
{
    kt_filter *f = parse_and(ps);
    while (f) {
        skip_ws(ps);
        if (*ps->p != '|')
            break;
        ps->p++;
        kt_filter *g = parse_and(ps);
        if (!g) {
            filter_free(f);
            return NULL;
        }
        f = join(N_OR, f, g);
    }
    return f;
}

int filter_parse(const char *text, kt_filter **out, kt_err *err)
{
    *out = NULL;
    if (!text)
        return 0;
    if (strlen(text) > 8192)
        return kt_fail(err, KT_EINPUT, "filter: longer than 8192 characters");
    parser ps = {text, text, err, 0};
    skip_ws(&ps);
    if (!*ps.p)
        return 0;
    kt_filter *f = parse_or(&ps);
    if (!f)
        return -1;
    skip_ws(&ps);
    if (*ps.p) {
        filter_free(f);
        return fail_at(&ps, "expected '+', '|' or the end of the filter");
    }
    *out = f;
    return 0;
}

static int test_one(const kt_filter *f, const char *v)
{
    for (int i = 0; i < f->nvalues; i++) {
        const char *w = f->values[i];
        size_t lv = strlen(v), lw = strlen(w);
        int hit;
        switch (f->op) {
        case OP_EQ: hit = !strcmp(v, w); break;
        case OP_CONTAINS: hit = strstr(v, w) != NULL; break;
        case OP_PREFIX: hit = !strncmp(v, w, lw); break;
        default: hit = lv >= lw && !strcmp(v + lv - lw, w); break;
        }
        if (hit)
            return 1;
    }
    return 0;
}

static int match_leaf(const kt_filter *f, kt_filter_get get, void *ctx)
{
    int hit = 0;
    if (f->field == F_SERVICES) {
        const char *v;
        int any = 0;
        for (int i = 0; (v = get(ctx, F_SERVICES, NULL, i)); i++) {
            any = 1;
            if (test_one(f, v)) {
                hit = 1;
                break;
            }
        }
        if (!any)
            hit = test_one(f, "");
    } else {
        const char *v = get(ctx, f->field, f->key, 0);
        hit = test_one(f, v ? v : "");
    }
    return f->negate ? !hit : hit;
}

int filter_match(const kt_filter *f, kt_filter_get get, void *ctx)
{
    if (!f)
        return 1;
    switch (f->kind) {
    case N_AND: return filter_match(f->a, get, ctx) && filter_match(f->b, get, ctx);
    case N_OR: return filter_match(f->a, get, ctx) || filter_match(f->b, get, ctx);
    default: return match_leaf(f, get, ctx);
    }
}

int filter_only_uses(const kt_filter *f, unsigned mask)
{
    if (!f)
        return 1;
    if (f->kind != N_LEAF)
        return filter_only_uses(f->a, mask) && filter_only_uses(f->b, mask);
    return (mask >> f->field) & 1;
}

unsigned filter_fields(const kt_filter *f)
{
    if (!f)
        return 0;
    if (f->kind != N_LEAF)
        return filter_fields(f->a) | filter_fields(f->b);
    return 1u << f->field;
}

size_t filter_keys(const kt_filter *f, enum kt_field field, const char **keys, size_t n, size_t max)
{
    if (!f)
        return n;
    if (f->kind != N_LEAF)
        return filter_keys(f->b, field, keys, filter_keys(f->a, field, keys, n, max), max);
    if (f->field != field || !f->key)
        return n;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(keys[i], f->key))
            return n;
    if (n < max)
        keys[n++] = f->key;
    return n;
}

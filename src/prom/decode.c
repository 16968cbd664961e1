/* decode.c — Prometheus API JSON to kt_prom_result; see series.h. */
#include "prom/series.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* The first bytes of a body that is not what we expected, printable, so the
 * user can see "<html>…" or "upstream connect error" in the message. */
static void snippet(const char *body, size_t len, char *out, size_t n)
{
    size_t j = 0;
    for (size_t i = 0; i < len && j + 1 < n && i < 80; i++)
        out[j++] = isprint((unsigned char)body[i]) ? body[i] : ' ';
    out[j] = 0;
}

static int parse_sample(json_t *pair, int64_t *t, double *v)
{
    if (!json_is_array(pair) || json_array_size(pair) != 2)
        return -1;
    json_t *jt = json_array_get(pair, 0), *jv = json_array_get(pair, 1);
    if (!json_is_number(jt) || !json_is_string(jv))
        return -1;
    char *end;
    const char *s = json_string_value(jv);
    *t = llround(json_number_value(jt));
    *v = strtod(s, &end);
    return end == s || *end ? -1 : 0;
}

static int parse_metric(json_t *metric, kt_prom_result *r, kt_prom_series *s)
{
    if (!json_is_object(metric))
        return -1;
    s->n_labels = json_object_size(metric);
    s->labels = s->n_labels ? xcalloc(s->n_labels, sizeof *s->labels) : NULL;
    const char *k;
    json_t *v;
    size_t i = 0;
    json_object_foreach(metric, k, v) {
        if (!json_is_string(v))
            return -1;
        s->labels[i].key = strtab_get(&r->strs, strtab_intern(&r->strs, k));
        s->labels[i].value = strtab_get(&r->strs, strtab_intern(&r->strs, json_string_value(v)));
        i++;
    }
    return 0;
}

static int parse_result(json_t *data, kt_prom_result *r, size_t max_series, kt_err *err)
{
    const char *type = json_string_value(json_object_get(data, "resultType"));
    json_t *res = json_object_get(data, "result");
    if (!type || !res)
        return kt_fail(err, KT_ERUNTIME, "not a Prometheus API response: data has no resultType/result");
    if (!strcmp(type, "scalar")) {
        r->series = xcalloc(1, sizeof *r->series);
        r->n = 1;
        r->series->t = xmalloc(sizeof(int64_t));
        r->series->v = xmalloc(sizeof(double));
        r->series->n = 1;
        if (parse_sample(res, r->series->t, r->series->v))
            return kt_fail(err, KT_ERUNTIME, "not a Prometheus API response: bad scalar");
        return 0;
    }
    int matrix = !strcmp(type, "matrix");
    if ((!matrix && strcmp(type, "vector")) || !json_is_array(res))
        return kt_fail(err, KT_ERUNTIME, "unexpected Prometheus resultType '%s'", type);
    size_t n = json_array_size(res);
    if (max_series && n > max_series)
        return kt_fail(err, KT_ERUNTIME, "%zu series in one answer, above the limit of %zu (--max-series)", n,
                       max_series);
    r->series = n ? xcalloc(n, sizeof *r->series) : NULL;
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(res, i);
        kt_prom_series *s = &r->series[i];
        r->n = i + 1; /* counted before parsing so a failure frees this one too */
        if (parse_metric(json_object_get(e, "metric"), r, s))
            return kt_fail(err, KT_ERUNTIME, "not a Prometheus API response: series %zu has a bad metric", i);
        json_t *vals = matrix ? json_object_get(e, "values") : NULL;
        json_t *one = matrix ? NULL : json_object_get(e, "value");
        size_t m = matrix ? json_array_size(vals) : 1;
        if ((matrix && !json_is_array(vals)) || (!matrix && !one))
            return kt_fail(err, KT_ERUNTIME, "not a Prometheus API response: series %zu has no samples", i);
        s->t = xmalloc((m ? m : 1) * sizeof *s->t);
        s->v = xmalloc((m ? m : 1) * sizeof *s->v);
        for (size_t j = 0; j < m; j++, s->n++)
            if (parse_sample(matrix ? json_array_get(vals, j) : one, &s->t[j], &s->v[j]))
                return kt_fail(err, KT_ERUNTIME, "not a Prometheus API response: series %zu sample %zu is malformed",
                               i, j);
    }
    return 0;
}

int prom_decode(const char *body, size_t len, const kt_prom_decode_opts *o, kt_prom_result *out, kt_err *err)
{
    static const kt_prom_decode_opts defaults = {0, 0};
    char snip[96];
    if (!o)
        o = &defaults;
    memset(out, 0, sizeof *out);
    strtab_init(&out->strs);
    json_error_t je;
    json_t *root = json_loadb(body, len, 0, &je);
    if (!root || !json_is_object(root)) {
        snippet(body, len, snip, sizeof snip);
        json_decref(root);
        prom_result_free(out);
        return kt_fail(err, KT_ERUNTIME, "not a Prometheus API response (%s): \"%s\"",
                       root ? "not an object" : je.text, snip);
    }
    int rc = 0;
    const char *status = json_string_value(json_object_get(root, "status"));
    json_t *warnings = json_object_get(root, "warnings");
    if (!status) {
        snippet(body, len, snip, sizeof snip);
        rc = kt_fail(err, KT_ERUNTIME, "not a Prometheus API response (no status): \"%s\"", snip);
    } else if (strcmp(status, "success")) {
        const char *type = json_string_value(json_object_get(root, "errorType"));
        const char *msg = json_string_value(json_object_get(root, "error"));
        rc = kt_fail(err, KT_ERUNTIME, "Prometheus answered %s: %s: %s", status, type ? type : "error",
                     msg ? msg : "(no message)");
    } else if (json_is_array(warnings) && json_array_size(warnings) && !o->allow_partial) {
        const char *w = json_string_value(json_array_get(warnings, 0));
        rc = kt_fail(err, KT_ERUNTIME,
                     "partial response: Prometheus warned \"%s\"; refusing to import incomplete history "
                     "(fix the store, or pass --allow-partial)", w ? w : "?");
    } else {
        json_t *data = json_object_get(root, "data");
        rc = json_is_object(data) ? parse_result(data, out, o->max_series, err)
                                  : kt_fail(err, KT_ERUNTIME, "not a Prometheus API response: no data object");
    }
    json_decref(root);
    if (rc)
        prom_result_free(out);
    return rc;
}

void prom_result_free(kt_prom_result *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->series[i].labels);
        free(r->series[i].t);
        free(r->series[i].v);
    }
    free(r->series);
    strtab_free(&r->strs);
    memset(r, 0, sizeof *r);
}

const char *prom_label(const kt_prom_series *s, const char *key)
{
    for (size_t i = 0; i < s->n_labels; i++)
        if (!strcmp(s->labels[i].key, key))
            return s->labels[i].value;
    return "";
}

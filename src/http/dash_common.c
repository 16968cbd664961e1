/* dash_common.c — drill-down, filter clauses, forms; see dash.h. */
#include "http/dash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/html.h"

static const struct {
    const char *agg, *field, *next;
} levels[] = {
    {"provider", "provider", "cluster"}, {"cluster", "cluster", "namespace"},
    {"namespace", "namespace", "controller"}, {"controller", "controllerName", "pod"},
    {"pod", "pod", "container"}, {"node", "node", "namespace"}, {"region", "region", "cluster"},
    {"zone", "zone", "cluster"}, {"controllerKind", "controllerKind", "controller"},
    {"service", "services", "pod"},
};

static void quoted(kt_buf *b, const char *v)
{
    buf_putc(b, '"');
    for (; *v; v++) {
        if (*v == '"' || *v == '\\')
            buf_putc(b, '\\');
        buf_putc(b, *v);
    }
    buf_putc(b, '"');
}

int dash_drill(const char *aggregate, const char *value, const char *filter, kt_buf *nf, const char **next)
{
    if (!aggregate || !*value || !strncmp(value, "__", 2) || strstr(value, "/__") || strchr(aggregate, ','))
        return -1;
    const char *field = NULL;
    char key[160];
    if (!strncmp(aggregate, "label:", 6) || !strncmp(aggregate, "annotation:", 11)) {
        int ann = aggregate[0] == 'a';
        const char *k = aggregate + (ann ? 11 : 6);
        if (!*k || strlen(k) > 128 || strpbrk(k, "[]\"\\ "))
            return -1;
        snprintf(key, sizeof key, "%s[%s]", ann ? "annotation" : "label", k);
        field = key;
        *next = "namespace";
    } else {
        for (size_t i = 0; i < sizeof levels / sizeof *levels; i++)
            if (!strcmp(aggregate, levels[i].agg)) {
                field = levels[i].field;
                *next = levels[i].next;
            }
    }
    if (!field)
        return -1;
    buf_reset(nf);
    if (filter && *filter) {
        buf_puts(nf, filter);
        buf_putc(nf, '+');
    }
    buf_printf(nf, "%s:", field);
    quoted(nf, value);
    return 0;
}

int dash_filter_clauses(const char *f, void (*fn)(void *, const char *, size_t, size_t), void *ctx)
{
    int n = 0, q = 0, depth = 0;
    size_t start = 0, i;
    for (i = 0; f && f[i]; i++) {
        if (q && f[i] == '\\' && f[i + 1]) {
            i++;
            continue;
        }
        if (f[i] == '"') q = !q;
        else if (!q && f[i] == '(') depth++;
        else if (!q && f[i] == ')') depth--;
        else if (!q && !depth && f[i] == '+') {
            fn(ctx, f + start, i - start, i);
            n++;
            start = i + 1;
        }
    }
    if (f && i > start) {
        fn(ctx, f + start, i - start, i);
        n++;
    }
    return n;
}

const char *dash_clause_next(const char *c, size_t len)
{
    while (len && *c == ' ')
        c++, len--;
    if (len > 6 && !strncmp(c, "label[", 6))
        return "namespace";
    if (len > 11 && !strncmp(c, "annotation[", 11))
        return "namespace";
    for (size_t i = 0; i < sizeof levels / sizeof *levels; i++) {
        size_t fl = strlen(levels[i].field);
        if (len > fl && !strncmp(c, levels[i].field, fl) && c[fl] == ':')
            return levels[i].next;
    }
    return NULL;
}

const char *dash_params_get(void *ctx, const char *name)
{
    dash_params *d = ctx;
    for (int i = 0; i < d->n; i++)
        if (!strcmp(d->name[i], name))
            return d->value[i];
    return NULL;
}

void dash_param(dash_params *d, const kt_http_params *p, const char *name, const char *def)
{
    const char *v = http_params_get((void *)p, name);
    if (!v || !*v)
        v = def;
    if (v && d->n < 8) {
        d->name[d->n] = name;
        d->value[d->n++] = v;
    }
}

static void options(kt_buf *b, const char *id, const char *const *list, const char *const *more)
{
    buf_printf(b, "<datalist id=\"%s\">", id);
    for (; list && *list; list++) {
        buf_puts(b, "<option value=\"");
        html_escape(b, *list);
        buf_puts(b, "\">");
    }
    for (; more && *more; more++) {
        buf_puts(b, "<option value=\"");
        html_escape(b, *more);
        buf_puts(b, "\">");
    }
    buf_puts(b, "</datalist>");
}

void dash_form(kt_buf *b, const char *action, const char *window, const char *aggregate, const char *filter,
               const char *const *aggregates, const char *const *label_keys, int show_filter)
{
    static const char *const windows[] = {"today", "yesterday", "24h", "48h", "7d", "14d", "30d", "month",
                                          "lastmonth", NULL};
    buf_printf(b, "<form class=\"controls\" method=\"get\" action=\"%s\"><label>Window <select name=\"window\" "
                  "class=\"autosubmit\" id=\"window\">", action);
    int found = 0;
    for (const char *const *w = windows; *w; w++) {
        int sel = window && !strcmp(window, *w);
        found |= sel;
        buf_printf(b, "<option%s>%s</option>", sel ? " selected" : "", *w);
    }
    if (window && !found) {
        buf_puts(b, "<option selected>");
        html_escape(b, window);
        buf_puts(b, "</option>");
    }
    buf_puts(b, "</select></label><label>Group by <input name=\"aggregate\" id=\"aggregate\" list=\"aggs\" "
                "autocomplete=\"off\" value=\"");
    html_escape(b, aggregate ? aggregate : "");
    buf_puts(b, "\">");
    options(b, "aggs", aggregates, label_keys);
    buf_puts(b, "</label>");
    if (show_filter) {
        buf_puts(b, "<label class=\"wide\">Filter <input name=\"filter\" id=\"filter\" placeholder=\"namespace:&quot;"
                    "kube-system&quot; + label[team]:&quot;web&quot;\" value=\"");
        html_escape(b, filter ? filter : "");
        buf_puts(b, "\"></label>");
    }
    buf_puts(b, "<button type=\"submit\">Apply</button></form>\n");
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **dash_label_keys(const kt_dataset *ds, int max)
{
    unsigned char *seen = xcalloc(ds->strs.n + 1, 1);
    const char **keys = xcalloc((size_t)max + 1, sizeof *keys);
    int n = 0;
    size_t bytes = 0;
    for (size_t i = 0; i < ds->n_pods && n < max; i++) {
        const ds_pod *p = &ds->pods[i];
        for (uint32_t j = 0; j < p->n_labels && n < max; j++) {
            uint32_t k = ds->kvs[p->label_off + j].key;
            if (k < ds->strs.n && !seen[k]) {
                seen[k] = 1;
                keys[n++] = strtab_get(&ds->strs, k);
                bytes += strlen(keys[n - 1]) + 7;
            }
        }
    }
    /* one block: pointer array, then the strings */
    char **out = xmalloc((size_t)(n + 1) * sizeof *out + bytes);
    char *s = (char *)(out + n + 1);
    for (int i = 0; i < n; i++) {
        out[i] = s;
        s += sprintf(s, "label:%s", keys[i]) + 1;
    }
    out[n] = NULL;
    qsort(out, (size_t)n, sizeof *out, cmp_str);
    free(keys);
    free(seen);
    return out;
}

void dash_error(kt_http_resp *r, int status, const char *title, const char *message)
{
    buf_reset(&r->body);
    resp_set(r, status, "text/html; charset=utf-8");
    html_begin(&r->body, title, "");
    buf_puts(&r->body, "<p class=\"error\" role=\"alert\">");
    html_escape(&r->body, message);
    buf_puts(&r->body, "</p><p><a href=\"/\">Back to the overview</a></p>");
    html_end(&r->body);
}

int64_t dash_latest_hour(kt_store *s, kt_err *err)
{
    kt_cluster_status *c;
    size_t n;
    if (store_cluster_status(s, &c, &n, err))
        return -1;
    int64_t latest = 0;
    for (size_t i = 0; i < n; i++)
        if (c[i].last_fact > latest)
            latest = c[i].last_fact;
    free(c);
    return latest;
}

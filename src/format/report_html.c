/* report_html.c — a report's HTML summary; see report_html.h. */
#include "format/report_html.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "format/format.h"
#include "util/strtab.h"

#define CHART_ROWS 15

typedef struct row {
    const char *name;
    double cost, eff_weighted;
} row;

static void esc(kt_buf *b, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '&': buf_puts(b, "&amp;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        default: buf_putc(b, *s);
        }
}

static int by_cost(const void *x, const void *y)
{
    const row *a = x, *b = y;
    return a->cost < b->cost ? 1 : a->cost > b->cost ? -1 : strcmp(a->name, b->name);
}

void format_report_html(const kt_answer *a, const kt_aggregate *agg, const char *title, const char *subtitle,
                        double *total, kt_buf *out)
{
    assert(a && agg && title && out);
    kt_strtab names;
    strtab_init(&names);
    row *rows = NULL;
    size_t cap = 0;
    kt_buf nm = {0};
    double sum = 0;
    const char *cur = "USD";
    for (size_t i = 0; i < a->n; i++)
        for (size_t k = 0; k < a->replies[i].alloc.n; k++) {
            const kt_alloc_set *set = &a->replies[i].alloc.sets[k];
            if (set->currency[0])
                cur = set->currency;
            for (size_t j = 0; j < set->n; j++) {
                format_alloc_name(&set->items[j], agg, &a->replies[i].alloc.ds->strs, &nm);
                uint32_t id = strtab_intern(&names, nm.data ? nm.data : "");
                grow_array((void **)&rows, &cap, id, sizeof *rows);
                double c = alloc_total(&set->items[j]);
                rows[id].cost += c;
                rows[id].eff_weighted += alloc_total_efficiency(&set->items[j]) * c;
                sum += c;
            }
        }
    size_t n = names.n;
    for (size_t i = 0; i < n; i++)
        rows[i].name = strtab_get(&names, (uint32_t)i);
    if (n)
        qsort(rows, n, sizeof *rows, by_cost);
    char money[64];
    buf_puts(out, "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>");
    esc(out, title);
    buf_puts(out, "</title><style>body{font:14px sans-serif;margin:2em;color:#222}table{border-collapse:collapse}"
                  "td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:right}td:first-child,"
                  "th:first-child{text-align:left}.bar{fill:#3b7dd8}.lbl{font:12px sans-serif}</style></head><body>"
                  "<h1>");
    esc(out, title);
    buf_puts(out, "</h1><p>");
    esc(out, subtitle ? subtitle : "");
    format_money(sum, cur, money, sizeof money);
    size_t listed = 0;
    for (size_t i = 0; i < n; i++)
        listed += rows[i].name[0] || rows[i].cost != 0; /* the empty name (id 0) when nothing has it */
    buf_printf(out, "</p><p id=\"total\">Total: <b>%s</b> over %zu rows</p>\n", money, listed);
    /* the chart: the largest rows, bars scaled to the largest */
    size_t shown = n < CHART_ROWS ? n : CHART_ROWS;
    double max = n && rows[0].cost > 0 ? rows[0].cost : 1;
    buf_printf(out, "<svg width=\"720\" height=\"%zu\" role=\"img\" aria-label=\"cost by row\">", shown * 22 + 4);
    for (size_t i = 0; i < shown; i++) {
        format_money(rows[i].cost, cur, money, sizeof money);
        buf_printf(out, "<text class=\"lbl\" x=\"0\" y=\"%zu\">", i * 22 + 15);
        esc(out, rows[i].name[0] ? rows[i].name : "(none)");
        buf_printf(out, "</text><rect class=\"bar\" x=\"260\" y=\"%zu\" width=\"%.1f\" height=\"16\"/>"
                   "<text class=\"lbl\" x=\"%.1f\" y=\"%zu\">%s</text>", i * 22 + 3, 360 * rows[i].cost / max,
                   264 + 360 * rows[i].cost / max, i * 22 + 15, money);
    }
    buf_puts(out, "</svg>\n<table><tr><th>name</th><th>cost</th><th>share</th><th>efficiency</th></tr>\n");
    for (size_t i = 0; i < n; i++) {
        if (!rows[i].name[0] && rows[i].cost == 0)
            continue;
        format_money(rows[i].cost, cur, money, sizeof money);
        buf_puts(out, "<tr><td>");
        esc(out, rows[i].name[0] ? rows[i].name : "(none)");
        buf_printf(out, "</td><td>%s</td><td>%.1f %%</td><td>%.0f %%</td></tr>\n", money,
                   sum > 0 ? 100 * rows[i].cost / sum : 0, rows[i].cost > 0 ? 100 * rows[i].eff_weighted / rows[i].cost : 0);
    }
    buf_puts(out, "</table></body></html>\n");
    if (total)
        *total = sum;
    buf_free(&nm);
    free(rows);
    strtab_free(&names);
}

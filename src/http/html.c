/* html.c — page layout, links and SVG charts; see html.h. */
#include "http/html.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "format/format.h"

#define N_COLORS 8

void html_begin(kt_buf *b, const char *title, const char *nav)
{
    static const struct { const char *id, *href, *label; } items[] = {
        {"overview", "/", "Overview"}, {"cost", "/ui/cost", "Cost explorer"},
        {"assets", "/ui/assets", "Assets"}, {"cloud", "/ui/cloud", "Cloud costs"}, {"prices", "/ui/prices", "Prices"},
        {"savings", "/ui/savings", "Savings"}, {"posture", "/ui/posture", "Posture"},
        {"budgets", "/ui/budgets", "Budgets"}, {"alerts", "/ui/alerts", "Alerts"},
    };
    buf_puts(b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"/static/app.css\"><title>");
    html_escape(b, title);
    buf_puts(b, " · kubetally</title></head><body><header><a class=\"brand\" href=\"/\">kubetally</a><nav>");
    for (size_t i = 0; i < sizeof items / sizeof *items; i++)
        buf_printf(b, "<a href=\"%s\"%s>%s</a>", items[i].href,
                   !strcmp(items[i].id, nav) ? " aria-current=\"page\"" : "", items[i].label);
    buf_puts(b, "</nav></header><main>\n<h1>");
    html_escape(b, title);
    buf_puts(b, "</h1>\n");
}

void html_end(kt_buf *b)
{
    buf_puts(b, "</main><footer>kubetally · <a href=\"/metrics\">/metrics</a> · "
                "<a href=\"/clusters\">/clusters</a></footer><script src=\"/static/app.js\"></script>"
                "</body></html>\n");
}

void html_href(kt_buf *b, const char *path, const char *const *kv, int n)
{
    buf_puts(b, path);
    int first = 1;
    for (int i = 0; i < n; i++) {
        if (!kv[2 * i + 1] || !kv[2 * i + 1][0])
            continue;
        buf_puts(b, first ? "?" : "&amp;");
        first = 0;
        url_escape(b, kv[2 * i]);
        buf_putc(b, '=');
        url_escape(b, kv[2 * i + 1]);
    }
}

void html_money(kt_buf *b, double v, const char *currency)
{
    char m[96];
    format_money(v, currency, m, sizeof m);
    html_escape(b, m);
}

/* Shorten a label for an axis: at most `max` bytes, UTF-8 safe, with "…". */
static void short_label(kt_buf *b, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max) {
        html_escape(b, s);
        return;
    }
    char tmp[128];
    size_t k = max < sizeof tmp - 4 ? max : sizeof tmp - 4;
    while (k && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    memcpy(tmp, s, k);
    strcpy(tmp + k, "…");
    html_escape(b, tmp);
}

void svg_hbars(kt_buf *b, const char *title, const kt_chart_bar *bars, int n, const char *currency)
{
    double max = 0;
    for (int i = 0; i < n; i++)
        if (bars[i].value > max)
            max = bars[i].value;
    int row = 22, h = n * row + 8, w = 480, lw = 170, vw = 80;
    buf_printf(b, "<figure class=\"chart\"><svg class=\"hbars\" viewBox=\"0 0 %d %d\" role=\"img\" "
                  "preserveAspectRatio=\"xMinYMin meet\"><title>", w, h);
    html_escape(b, title);
    buf_puts(b, "</title>");
    for (int i = 0; i < n; i++) {
        double bw = max > 0 ? (w - lw - vw) * bars[i].value / max : 0;
        int y = 4 + i * row;
        buf_printf(b, "<text x=\"%d\" y=\"%d\" class=\"lbl\" text-anchor=\"end\">", lw - 6, y + 15);
        short_label(b, bars[i].label, 24);
        buf_printf(b, "</text><rect class=\"c%d\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\"><title>", i % N_COLORS,
                   lw, y + 3, bw < 0 ? 0 : bw, row - 6);
        html_escape(b, bars[i].label);
        buf_puts(b, "</title></rect>");
        buf_printf(b, "<text x=\"%.1f\" y=\"%d\" class=\"val\">", lw + (bw < 0 ? 0 : bw) + 6, y + 15);
        if (currency)
            html_money(b, bars[i].value, currency);
        else
            buf_printf(b, "%g", bars[i].value);   /* scores, counts */
        buf_puts(b, "</text>");
    }
    buf_puts(b, "</svg><figcaption>");
    html_escape(b, title);
    buf_puts(b, "</figcaption></figure>\n");
}

void svg_columns(kt_buf *b, const char *title, const char *const *col_labels, int n_cols,
                 const char *const *series, int n_series, const double *values, const char *currency)
{
    double max = 0;
    for (int c = 0; c < n_cols; c++) {
        double t = 0;
        for (int s = 0; s < n_series; s++)
            t += values[s * n_cols + c] > 0 ? values[s * n_cols + c] : 0;
        if (t > max)
            max = t;
    }
    int w = 640, h = 240, left = 70, bottom = 24, top = 8;
    double plot_h = h - bottom - top, cw = n_cols ? (double)(w - left - 8) / n_cols : 0;
    buf_printf(b, "<figure class=\"chart\"><svg class=\"columns\" viewBox=\"0 0 %d %d\" role=\"img\"><title>", w, h);
    html_escape(b, title);
    buf_puts(b, "</title>");
    for (int k = 0; k <= 2; k++) { /* gridlines at 0, max/2, max */
        double v = max * k / 2, y = top + plot_h - plot_h * k / 2;
        buf_printf(b, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
                      "<text class=\"axis\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">", left, w - 8, y, y, left - 4, y + 4);
        html_money(b, v, currency);
        buf_puts(b, "</text>");
    }
    int every = n_cols > 16 ? (n_cols + 15) / 16 : 1;
    for (int c = 0; c < n_cols; c++) {
        double y = top + plot_h, x = left + c * cw + cw * 0.1;
        for (int s = 0; s < n_series; s++) {
            double v = values[s * n_cols + c], hh = max > 0 && v > 0 ? plot_h * v / max : 0;
            y -= hh;
            buf_printf(b, "<rect class=\"c%d\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>",
                       s % N_COLORS, x, y, cw * 0.8, hh);
            html_escape(b, series[s]);
            buf_puts(b, " ");
            html_escape(b, col_labels[c]);
            buf_puts(b, ": ");
            html_money(b, v, currency);
            buf_puts(b, "</title></rect>");
        }
        if (c % every == 0) {
            buf_printf(b, "<text class=\"axis\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", left + c * cw + cw / 2,
                       h - 6);
            short_label(b, col_labels[c], 10);
            buf_puts(b, "</text>");
        }
    }
    buf_puts(b, "</svg><figcaption>");
    html_escape(b, title);
    buf_puts(b, "<span class=\"legend\">");
    for (int s = 0; s < n_series; s++) {
        buf_printf(b, " <span class=\"key c%d\"></span>", s % N_COLORS);
        html_escape(b, series[s]);
    }
    buf_puts(b, "</span></figcaption></figure>\n");
}

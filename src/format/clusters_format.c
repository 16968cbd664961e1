/* clusters_format.c — the store's per-cluster health as JSON and CSV,
 * shared by `kubetally clusters` and GET /clusters. */
#include "engine/window.h"
#include "format/format.h"

static void time_or_null(kt_buf *b, int64_t t)
{
    char ts[32];
    if (t <= 0) {
        buf_puts(b, "null");
        return;
    }
    time_format(t, ts);
    buf_json_str(b, ts);
}

void format_clusters_json(const kt_cluster_status *c, size_t n, kt_buf *b)
{
    buf_puts(b, "{\"code\":200,\"data\":[");
    for (size_t i = 0; i < n; i++) {
        buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
        buf_json_str(b, c[i].name);
        buf_puts(b, ",\"provider\":");
        buf_json_str(b, c[i].provider);
        buf_puts(b, ",\"region\":");
        buf_json_str(b, c[i].region);
        buf_puts(b, ",\"source\":");
        buf_json_str(b, c[i].source);
        buf_printf(b, ",\"nodes\":%ld,\"pods\":%ld,\"lastContact\":", c[i].nodes, c[i].pods);
        time_or_null(b, c[i].last_contact);
        buf_puts(b, ",\"lastError\":");
        buf_json_str(b, c[i].last_error);
        buf_puts(b, ",\"firstFact\":");
        time_or_null(b, c[i].first_fact);
        buf_puts(b, ",\"lastFact\":");
        time_or_null(b, c[i].last_fact);
        buf_putc(b, '}');
    }
    buf_puts(b, "]}\n");
}

void format_clusters_csv(const kt_cluster_status *c, size_t n, kt_buf *b)
{
    buf_puts(b, "name,provider,region,source,nodes,pods,firstFact,lastFact,lastContact,lastError\n");
    for (size_t i = 0; i < n; i++) {
        char f[32] = "", l[32] = "", lc[32] = "";
        if (c[i].first_fact > 0) time_format(c[i].first_fact, f);
        if (c[i].last_fact > 0) time_format(c[i].last_fact, l);
        if (c[i].last_contact > 0) time_format(c[i].last_contact, lc);
        const char *text[] = {c[i].name, c[i].provider, c[i].region, c[i].source};
        for (int k = 0; k < 4; k++) {
            format_csv_field(b, text[k]);
            buf_putc(b, ',');
        }
        buf_printf(b, "%ld,%ld,%s,%s,%s,", c[i].nodes, c[i].pods, f, l, lc);
        format_csv_field(b, c[i].last_error);
        buf_putc(b, '\n');
    }
}

/* savings_summary_format.c — `kubetally savings` and GET /savings: every
 * kind's monthly total and count, per cluster and per team, and the list. */
#include <stdio.h>

#include "format/format.h"

static void totals_json(kt_buf *b, const char *name, const kt_saving_total *t, size_t n, const char *key)
{
    buf_printf(b, ",\"%s\":[", name);
    for (size_t i = 0; i < n; i++) {
        buf_printf(b, "%s{\"%s\":", i ? "," : "", key);
        buf_json_str(b, t[i].key);
        buf_json_kv_num(b, "monthlySavings", t[i].monthly);
        buf_json_kv_num(b, "monthlyCarbonSavings", t[i].carbon_kg);
        buf_printf(b, ",\"count\":%zu}", t[i].count);
    }
    buf_putc(b, ']');
}

void format_savings_json(const kt_savings_result *r, kt_buf *out)
{
    buf_puts(out, "{\"code\":200,\"data\":{\"currency\":");
    buf_json_str(out, r->currency);
    buf_json_kv_num(out, "totalMonthlySavings", r->total);
    buf_json_kv_num(out, "totalMonthlyCarbonSavings", r->total_carbon_kg);
    buf_printf(out, ",\"count\":%zu", r->n);
    totals_json(out, "byKind", r->by_kind, SK_COUNT, "kind");
    totals_json(out, "byCluster", r->by_cluster, r->n_cluster, "cluster");
    totals_json(out, "byTeam", r->by_team, r->n_team, "team");
    buf_puts(out, ",\"items\":[");
    for (size_t i = 0; i < r->n; i++) {
        const kt_saving *s = &r->items[i];
        buf_printf(out, "%s{\"kind\":\"%s\",\"cluster\":", i ? "," : "", saving_kind_name(s->kind));
        buf_json_str(out, s->cluster);
        buf_json_kv_str(out, "team", s->team);
        buf_json_kv_str(out, "namespace", s->namespace_);
        buf_json_kv_str(out, "name", s->name);
        buf_json_kv_num(out, "monthlySavings", s->monthly);
        buf_json_kv_num(out, "monthlyCarbonSavings", s->carbon_kg);
        buf_putc(out, '}');
    }
    buf_puts(out, "]}}\n");
}

static void totals_table(kt_buf *b, const char *title, const kt_saving_total *t, size_t n, const char *cur)
{
    char m[32];
    buf_printf(b, "\n%-32s %12s %6s %10s\n", title, "SAVINGS/MO", "COUNT", "CO2E KG/MO");
    for (size_t i = 0; i < n; i++) {
        format_money(t[i].monthly, cur, m, sizeof m);
        buf_printf(b, "%-32.32s %12s %6zu %10.2f\n", t[i].key[0] ? t[i].key : "(none)", m, t[i].count, t[i].carbon_kg);
    }
}

void format_savings_table(const kt_savings_result *r, kt_buf *out)
{
    char m[32];
    format_money(r->total, r->currency, m, sizeof m);
    buf_printf(out, "Savings: %s per month, %.2f kg CO2e per month, %zu recommendations\n", m, r->total_carbon_kg,
               r->n);
    totals_table(out, "KIND", r->by_kind, SK_COUNT, r->currency);
    totals_table(out, "CLUSTER", r->by_cluster, r->n_cluster, r->currency);
    totals_table(out, "TEAM", r->by_team, r->n_team, r->currency);
}

/* savings_metrics.c — /metrics' savings series, from the engine's savings
 * summary over the last 7 days:
 *   kubetally_savings_monthly{kind, cluster}            currency per month
 *   kubetally_savings_co2e_monthly_kg{kind, cluster}    kg CO2e per month
 *   kubetally_savings_recommendations{kind, cluster}    count
 * Kinds are savings.h's names (requestSizing, unclaimedVolumes, …).  The
 * text is kept in the answer cache (valid while the store is unchanged,
 * within the minute), so a scrape every 15 s computes it at most once a
 * minute. */
#include <stdio.h>
#include <string.h>

#include "http/app.h"
#include "http/cache.h"
#include "http/health.h"
#include "http/savings_metrics.h"
#include "pricing/pricing.h"

static void series(kt_buf *b, const char *name, const kt_saving_total *t, double v)
{
    buf_printf(b, "%s{kind=\"%s\",cluster=\"", name, saving_kind_name(t->kind));
    prom_label_escape(b, t->key);
    buf_printf(b, "\"} %.15g\n", v);
}

void savings_metrics_render(const kt_savings_result *r, kt_buf *b)
{
    buf_puts(b, "# HELP kubetally_savings_monthly Monthly savings kubetally recommends, by kind and cluster.\n"
                "# TYPE kubetally_savings_monthly gauge\n");
    for (size_t i = 0; i < r->n_kind_cluster; i++)
        series(b, "kubetally_savings_monthly", &r->by_kind_cluster[i], r->by_kind_cluster[i].monthly);
    buf_puts(b, "# HELP kubetally_savings_co2e_monthly_kg kg CO2e per month the recommendations would save.\n"
                "# TYPE kubetally_savings_co2e_monthly_kg gauge\n");
    for (size_t i = 0; i < r->n_kind_cluster; i++)
        series(b, "kubetally_savings_co2e_monthly_kg", &r->by_kind_cluster[i], r->by_kind_cluster[i].carbon_kg);
    buf_puts(b, "# HELP kubetally_savings_recommendations Recommendations by kind and cluster.\n"
                "# TYPE kubetally_savings_recommendations gauge\n");
    for (size_t i = 0; i < r->n_kind_cluster; i++)
        series(b, "kubetally_savings_recommendations", &r->by_kind_cluster[i], (double)r->by_kind_cluster[i].count);
}

void savings_metrics(kt_http_app *app, kt_store *s, int64_t now, kt_buf *out)
{
    kt_cache_stamp st;
    int cached = app->cache && !cache_stamp(store_describe(s), now, &st);
    kt_http_resp r = {0};
    if (cached && cache_get(app->cache, "#savings-metrics", &st, &r)) {
        buf_add(out, r.body.data ? r.body.data : "", r.body.len);
        buf_free(&r.body);
        return;
    }
    kt_ask ask = {.kind = KT_ASK_SAVINGS, .window = {now - 7 * 86400, now}};
    savings_params_init(&ask.savings);
    kt_pricing *pricing = http_savings_pricing();
    ask.savings.pricing = pricing;
    kt_answer a;
    kt_err err = {0};
    int rc = engine_ask(s, &ask, 1, &app->limits, &a, &err);
    pricing_free(pricing);
    if (rc) {
        buf_printf(out, "# kubetally savings: %s\n", err.msg);
        return;
    }
    savings_metrics_render(&a.replies[0].savings, &r.body);
    engine_answer_free(&a);
    if (cached) {
        resp_set(&r, 200, "text/plain");
        cache_put(app->cache, "#savings-metrics", &st, &r);
    }
    buf_add(out, r.body.data ? r.body.data : "", r.body.len);
    buf_free(&r.body);
}

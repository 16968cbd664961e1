/* metrics_route.c — GET /metrics: OpenCost cost metrics for the newest hour
 * in the store (metrics.h) followed by kubetally's own health (health.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "http/app.h"
#include "http/health.h"
#include "http/metrics.h"
#include "http/posture_api.h"
#include "http/savings_metrics.h"

/* Database file plus its WAL; -1 when the store is not a local file. */
static double store_bytes(kt_store *s)
{
    const char *path = store_describe(s);
    struct stat st;
    char wal[1100];
    if (!path || strstr(path, "://") || stat(path, &st))
        return -1;
    double total = (double)st.st_size;
    snprintf(wal, sizeof wal, "%s-wal", path);
    if (!stat(wal, &st))
        total += (double)st.st_size;
    return total;
}

static void store_up(kt_buf *b, int up)
{
    buf_printf(b, "# HELP kubetally_store_up 1 when the store answered this scrape.\n"
                  "# TYPE kubetally_store_up gauge\nkubetally_store_up %d\n", up);
}

void api_metrics(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    kt_err err = {0};
    kt_cluster_status *c;
    size_t n;
    if (!s || store_cluster_status(s, &c, &n, &err)) {
        /* the database is away: what this process knows of itself (its
         * collector, its spool) is what an operator needs now */
        store_up(&r->body, 0);
        if (app->live_metrics)
            app->live_metrics(app->live_metrics_ud, &r->body);
        resp_set(r, 200, "text/plain; version=0.0.4; charset=utf-8");
        return;
    }
    store_up(&r->body, 1);
    int64_t latest = 0;
    for (size_t i = 0; i < n; i++)
        if (c[i].last_fact > latest)
            latest = c[i].last_fact;
    if (latest > 0) {
        kt_ask ask = {.kind = KT_ASK_FACTS, .window = {latest, latest + 3600}, .hourly = 1};
        kt_answer a;
        if (engine_ask(s, &ask, 1, &app->limits, &a, &err)) {
            free(c);
            resp_json_error(r, 500, err.msg);
            return;
        }
        metrics_render_costs(a.replies[0].facts, &r->body);
        engine_answer_free(&a);
        savings_metrics(app, s, latest + 3600, &r->body);
    }
    health_render(app, c, n, store_bytes(s), now, &r->body);
    if (app->live_metrics)
        app->live_metrics(app->live_metrics_ud, &r->body);
    if (app->posture)
        posture_service_metrics(app->posture, now, &r->body);
    free(c);
    resp_set(r, 200, "text/plain; version=0.0.4; charset=utf-8");
}

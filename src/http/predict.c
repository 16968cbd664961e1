/* predict.c — POST /prediction/speccost (Kubecost's, which `kubectl cost
 * predict` calls): what the workloads in the posted manifests would cost per
 * month, against what the same controllers cost now.
 *
 * Parameters (kubectl-cost sends them all): clusterID (whose prices; empty
 * ⇒ the store's first cluster by name), defaultNamespace, windowResourceCost
 * (the window prices are averaged over, default 7d), windowAvgUsage (the
 * window "before" is measured over, default 2d), noUsage (accepted: "after"
 * is always priced from requests, since a spec has no usage yet).
 *
 * Rates: the cluster's node CPU cost ÷ node core-hours, RAM cost ÷ byte-hours,
 * GPU cost ÷ GPU-hours over windowResourceCost (0 without GPUs).
 *   after  = requests × replicas × 730 h × rate
 *   before = the controller's allocated core-hours, byte-hours, GPU-hours and
 *            costs over windowAvgUsage, scaled to 730 h (0 when it is new)
 *   change = after − before
 * Answer: a JSON array of {namespace, controllerKind, controllerName,
 * costBefore, costAfter, costChange}, each cost {totalMonthlyRate,
 * cpuMonthlyRate, ramMonthlyRate, gpuMonthlyRate, monthlyCPUCoreHours,
 * monthlyRAMByteHours, monthlyGPUHours} — no envelope, as Kubecost answers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/window.h"
#include "http/app.h"
#include "kube/spec.h"

#define MONTH_HOURS 730.0

typedef struct prediction {
    double total, cpu, ram, gpu, core_hours, byte_hours, gpu_hours;
} prediction;

static void fail(kt_http_resp *r, const kt_err *err)
{
    resp_json_error(r, err->code == KT_EINPUT ? 400 : 500, err->msg[0] ? err->msg : "failed");
}

static const char *param(const kt_http_params *p, const char *name, const char *dflt)
{
    const char *v = http_params_get((void *)p, name);
    return v && *v ? v : dflt;
}

/* The cluster's average node rates over w: $/core-h, $/byte-h, $/GPU-h. */
static int rates(kt_http_app *app, kt_store *s, kt_window w, const char *cluster, double *cpu, double *ram,
                 double *gpu, kt_err *err)
{
    kt_ask ask = {.kind = KT_ASK_ASSETS, .window = w, .aggregate = "cluster,type", .types = "Node"};
    char key[160];
    snprintf(key, sizeof key, "%s/Node", cluster);
    kt_answer a;
    if (engine_ask(s, &ask, 1, &app->limits, &a, err))
        return -1;
    const kt_asset_result *r = &a.replies[0].assets;
    *cpu = *ram = *gpu = 0;
    int found = 0;
    for (size_t i = 0; i < r->n; i++) {
        const kt_asset *x = &r->items[i];
        if (strcmp(x->name, key))
            continue;
        found = 1;
        *cpu = x->cpu_core_hours > 0 ? x->cpu_cost / x->cpu_core_hours : 0;
        *ram = x->ram_byte_hours > 0 ? x->ram_cost / x->ram_byte_hours : 0;
        *gpu = x->gpu_hours > 0 ? x->gpu_cost / x->gpu_hours : 0;
    }
    engine_answer_free(&a);
    return found ? 0 : kt_fail(err, KT_EINPUT, "clusterID: no nodes of cluster '%.128s' in windowResourceCost", cluster);
}

/* What the controller cost over w, as a monthly rate (zeros when it has no allocation there). */
static int before(kt_http_app *app, kt_store *s, kt_window w, int64_t now, const char *cluster,
                  const kt_workload_spec *ws, prediction *out, kt_err *err)
{
    char filter[1200];
    snprintf(filter, sizeof filter, "cluster:\"%s\" + namespace:\"%s\" + controllerKind:\"%s\" + controllerName:\"%s\"",
             cluster, ws->namespace_, ws->kind, ws->name);
    kt_ask ask = {.kind = KT_ASK_ALLOCATION};
    alloc_query_init(&ask.alloc);
    ask.alloc.window = w;
    ask.alloc.now = now;
    ask.alloc.include_idle = 0;
    memset(out, 0, sizeof *out);
    if (strpbrk(ws->namespace_, "\"\\") || strpbrk(ws->name, "\"\\") || strpbrk(cluster, "\"\\"))
        return 0; /* no such controller can exist */
    kt_filter *f;
    if (filter_parse(filter, &f, err))
        return -1;
    ask.alloc.filter = f;
    kt_answer a;
    int rc = engine_ask(s, &ask, 1, &app->limits, &a, err);
    filter_free(f);
    if (rc)
        return -1;
    int64_t end = w.end < now ? w.end : now;
    double hours = end > w.start ? (double)(end - w.start) / 3600 : 0, k = hours > 0 ? MONTH_HOURS / hours : 0;
    const kt_alloc_result *r = &a.replies[0].alloc;
    for (size_t i = 0; r->n && i < r->sets[0].n; i++) {
        const kt_alloc *x = &r->sets[0].items[i];
        out->cpu += x->cpu_cost * k, out->ram += x->ram_cost * k, out->gpu += x->gpu_cost * k;
        out->core_hours += x->cpu_core_hours * k, out->byte_hours += x->ram_byte_hours * k;
        out->gpu_hours += x->gpu_hours * k;
    }
    out->total = out->cpu + out->ram + out->gpu;
    engine_answer_free(&a);
    return 0;
}

static void cost_json(kt_buf *b, const char *key, const prediction *p)
{
    buf_printf(b, "\"%s\":{\"totalMonthlyRate\":", key);
    const double v[] = {p->total, p->cpu, p->ram, p->gpu, p->core_hours, p->byte_hours, p->gpu_hours};
    static const char *const names[] = {"totalMonthlyRate", "cpuMonthlyRate", "ramMonthlyRate", "gpuMonthlyRate",
                                        "monthlyCPUCoreHours", "monthlyRAMByteHours", "monthlyGPUHours"};
    for (int i = 0; i < 7; i++) {
        if (i)
            buf_printf(b, ",\"%s\":", names[i]);
        buf_json_num(b, v[i]);
    }
    buf_putc(b, '}');
}

void api_predict_speccost(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    kt_err err = {0};
    kt_window wcost, wuse;
    const char *v = param(p, "noUsage", "false");
    if (strcmp(v, "true") && strcmp(v, "false")) {
        resp_json_error(r, 400, "noUsage: expected true or false");
        return;
    }
    if (window_parse(param(p, "windowResourceCost", "7d"), now, &wcost, &err) ||
        window_parse(param(p, "windowAvgUsage", "2d"), now, &wuse, &err)) {
        fail(r, &err);
        return;
    }
    char cluster[128];
    snprintf(cluster, sizeof cluster, "%s", param(p, "clusterID", ""));
    if (!cluster[0]) {
        kt_cluster_status *c;
        size_t n;
        if (store_cluster_status(s, &c, &n, &err)) {
            fail(r, &err);
            return;
        }
        for (size_t i = 0; i < n; i++)
            if (!cluster[0] || strcmp(c[i].name, cluster) < 0)
                snprintf(cluster, sizeof cluster, "%s", c[i].name);
        free(c);
    }
    kt_workload_spec *ws;
    size_t n;
    double rc_cpu, rc_ram, rc_gpu;
    if (!p->body || !p->body_len) {
        resp_json_error(r, 400, "spec: POST the workloads' YAML as the body");
        return;
    }
    if (kube_spec_parse(p->body, p->body_len, param(p, "defaultNamespace", "default"), &ws, &n, &err) ||
        rates(app, s, wcost, cluster, &rc_cpu, &rc_ram, &rc_gpu, &err)) {
        fail(r, &err);
        return;
    }
    kt_buf b = {0};
    buf_putc(&b, '[');
    for (size_t i = 0; i < n; i++) {
        const kt_workload_spec *w = &ws[i];
        prediction was, will = {0}, change;
        if (before(app, s, wuse, now, cluster, w, &was, &err)) {
            free(ws);
            buf_free(&b);
            fail(r, &err);
            return;
        }
        will.core_hours = w->cpu * w->replicas * MONTH_HOURS;
        will.byte_hours = w->ram * w->replicas * MONTH_HOURS;
        will.gpu_hours = w->gpu * w->replicas * MONTH_HOURS;
        will.cpu = will.core_hours * rc_cpu, will.ram = will.byte_hours * rc_ram, will.gpu = will.gpu_hours * rc_gpu;
        will.total = will.cpu + will.ram + will.gpu;
        change.total = will.total - was.total, change.cpu = will.cpu - was.cpu, change.ram = will.ram - was.ram;
        change.gpu = will.gpu - was.gpu, change.core_hours = will.core_hours - was.core_hours;
        change.byte_hours = will.byte_hours - was.byte_hours, change.gpu_hours = will.gpu_hours - was.gpu_hours;
        buf_puts(&b, i ? ",{\"namespace\":" : "{\"namespace\":");
        buf_json_str(&b, w->namespace_);
        buf_puts(&b, ",\"controllerKind\":");
        buf_json_str(&b, w->kind);
        buf_puts(&b, ",\"controllerName\":");
        buf_json_str(&b, w->name);
        buf_putc(&b, ',');
        cost_json(&b, "costBefore", &was);
        buf_putc(&b, ',');
        cost_json(&b, "costAfter", &will);
        buf_putc(&b, ',');
        cost_json(&b, "costChange", &change);
        buf_putc(&b, '}');
    }
    buf_puts(&b, "]\n");
    free(ws);
    resp_set(r, 200, "application/json");
    buf_add(&r->body, b.data, b.len);
    buf_free(&b);
}

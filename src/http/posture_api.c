/* posture_api.c — the posture service and its routes; see posture_api.h. */
#include "http/posture_api.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "collector/collector.h"
#include "format/health_format.h"
#include "format/posture_format.h"
#include "http/health.h"
#include "http/posture_feed.h"
#include "posture/live.h"
#include "posture/posture.h"
#include "posture/spend.h"
#include "util/log.h"

struct kt_posture_service {
    kt_posture_service_opts o;
    pol_config polaris;
    kt_posture_rules rules;
    kt_collector *collector;       /* NULL: list every cluster */
    pthread_mutex_t lock;
    pthread_cond_t done;           /* a refresh finished */
    int refreshing;
    int64_t computed_at;           /* 0: never */
    kt_buf posture, health, metrics;
    kt_posture_feed *feed;         /* the latest audit's findings for the alerts (one reference) */
    char error[512];               /* the last refresh's failure, "" when it worked */
};

int posture_service_new(const kt_posture_service_opts *o, kt_posture_service **out, kt_err *err)
{
    assert(o && out);
    kt_posture_service *s = xcalloc(1, sizeof *s);
    s->o = *o;
    if (!s->o.refresh_s)
        s->o.refresh_s = 300;
    if (o->polaris_config ? pol_config_load(&s->polaris, o->polaris_config, err) : (pol_config_default(&s->polaris), 0)) {
        free(s);
        return -1;
    }
    if (o->rules_path ? rules_load(&s->rules, o->rules_path, err) : (rules_default(&s->rules), 0)) {
        pol_config_free(&s->polaris);
        free(s);
        return -1;
    }
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->done, NULL);
    *out = s;
    return 0;
}

void posture_service_use_collector(kt_posture_service *s, kt_collector *c)
{
    assert(s);
    s->collector = c;
}

/* One cluster into m: from the collector's kept state when it has it. */
static int read_cluster(kt_posture_service *s, kt_kube_target *t, kt_manifest *m, kt_err *err)
{
    json_t *kept[KT_POSTURE_PARTS];
    if (!s->collector || collector_posture(s->collector, t->name, 60, kept))
        return live_fetch(t, 500, 60, m, err);
    log_debug("posture: cluster %s: every kind from the collector (%zu pods)", t->name,
              json_array_size(json_object_get(kept[2], "items")));
    int rc = live_fetch_kept(t, kept, m, err);
    for (int i = 0; i < KT_POSTURE_PARTS; i++)
        json_decref(kept[i]);
    return rc;
}

void posture_service_free(kt_posture_service *s)
{
    if (!s)
        return;
    pol_config_free(&s->polaris);
    rules_free(&s->rules);
    buf_free(&s->posture);
    buf_free(&s->health);
    buf_free(&s->metrics);
    posture_feed_unref(s->feed);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->done);
    free(s);
}


static void series(kt_buf *b, const char *name, const char *cluster, const char *k2, const char *v2, const char *k3,
                   const char *v3, double value)
{
    buf_printf(b, "%s{cluster=\"", name);
    prom_label_escape(b, cluster);
    if (k2) {
        buf_printf(b, "\",%s=\"", k2);
        prom_label_escape(b, v2);
    }
    if (k3) {
        buf_printf(b, "\",%s=\"", k3);
        prom_label_escape(b, v3);
    }
    buf_printf(b, "\"} %g\n", value);
}

/* One failed-check count per (cluster, check, severity). */
typedef struct count_row {
    const char *cluster;
    char check[96];
    const char *severity;
    long n;
} count_row;

static void bump(count_row **rows, size_t *n, const char *cluster, const char *check, const char *severity)
{
    for (size_t i = 0; i < *n; i++)
        if ((*rows)[i].cluster == cluster && !strcmp((*rows)[i].check, check) && !strcmp((*rows)[i].severity, severity)) {
            (*rows)[i].n++;
            return;
        }
    *rows = xrealloc(*rows, (*n + 1) * sizeof **rows);
    count_row *r = &(*rows)[(*n)++];
    r->cluster = cluster;
    snprintf(r->check, sizeof r->check, "%s", check);
    r->severity = severity;
    r->n = 1;
}

static void render_metrics(const kt_posture *p, const kt_cluster_health_result *h, size_t nh, kt_buf *b)
{
    buf_puts(b, "# HELP kubetally_posture_score Polaris score (0-100) over a cluster's objects.\n"
                "# TYPE kubetally_posture_score gauge\n");
    const char *clusters[256];
    size_t nc = manifest_clusters(p->m, clusters, 256);
    for (size_t f = 0; f < nc && f < 256; f++) {
        int score = posture_cluster_score(p, clusters[f]);
        if (score >= 0)
            series(b, "kubetally_posture_score", clusters[f], NULL, NULL, NULL, NULL, score);
    }
    count_row *rows = NULL;
    size_t n = 0;
    for (size_t i = 0; i < p->polaris.n; i++)
        for (size_t j = 0; j < p->polaris.o[i].n; j++) {
            const pol_result *r = &p->polaris.o[i].r[j];
            if (!r->success)
                bump(&rows, &n, p->m->o[p->polaris.o[i].obj].file, pol_checks[r->check].id,
                     pol_severity_name(r->severity));
        }
    for (size_t i = 0; i < p->n_pods; i++)
        for (size_t j = 0; j < p->pods[i].n; j++) {
            char id[96];
            snprintf(id, sizeof id, "pss-%s/%s", pss_level_name(p->pods[i].v[j].level), p->pods[i].v[j].check);
            bump(&rows, &n, p->m->o[p->pods[i].obj].file, id, "danger");
        }
    buf_puts(b, "# HELP kubetally_posture_findings Failed posture checks by cluster, check and severity.\n"
                "# TYPE kubetally_posture_findings gauge\n");
    for (size_t i = 0; i < n; i++)
        series(b, "kubetally_posture_findings", rows[i].cluster, "check", rows[i].check, "severity", rows[i].severity,
               (double)rows[i].n);
    free(rows);
    buf_puts(b, "# HELP kubetally_health_score Cluster health score (0-100), docs/posture.md.\n"
                "# TYPE kubetally_health_score gauge\n");
    for (size_t i = 0; i < nh; i++)
        series(b, "kubetally_health_score", h[i].cluster, NULL, NULL, NULL, NULL, h[i].h.score);
    buf_puts(b, "# HELP kubetally_health_findings Health findings by cluster and check.\n"
                "# TYPE kubetally_health_findings gauge\n");
    for (size_t i = 0; i < nh; i++)
        for (int k = 0; k < HEALTH_NKINDS; k++) {
            long c = 0;
            for (size_t j = 0; j < h[i].h.n; j++)
                c += h[i].h.f[j].kind == (kt_health_kind)k;
            if (c)
                series(b, "kubetally_health_findings", h[i].cluster, "check", health_kind_names[k], NULL, NULL,
                       (double)c);
        }
}

/* Recompute the answers.  Runs without the lock (reading clusters can take
 * a while, and /metrics must not wait for it): builds new bodies, then
 * swaps them in under the lock.  Only one refresh runs at a time. */
static void refresh(kt_posture_service *s, kt_store *store, int64_t now)
{
    kt_manifest m = {0};
    kt_err err = {0};
    int rc = 0;
    kt_buf posture = {0}, health = {0}, metrics = {0};
    kt_posture_feed *feed = NULL;
    for (size_t i = 0; i < s->o.n_files && !rc; i++)
        rc = manifest_load_path(&m, s->o.files[i], &err);
    for (size_t i = 0; s->o.targets && i < s->o.targets->n && !rc; i++)
        rc = read_cluster(s, &s->o.targets->t[i], &m, &err);
    if (!rc) {
        kt_posture p;
        posture_audit(&m, &s->polaris, &s->rules, s->o.level, s->o.minor, &p);
        kt_health_contacts ct = {NULL, 0};
        kt_err store_err = {0};
        if (store) {
            store_cluster_status(store, &ct.st, &ct.n, &store_err);
            kt_http_limits lim;
            http_limits_default(&lim);
            if (p.resilience.critical && spend_attach(&p.resilience, store, "30d", now, &lim, &store_err))
                log_warn("posture: spend of critical workloads not computed: %s", store_err.msg);
        }
        kt_health_opts ho = {now, 0, 0, 0, NULL};
        kt_cluster_health_result *h;
        size_t nh = health_fleet(&m, &ho, health_contact_from_store, &ct, &h);
        format_posture_json(&p, &posture);
        format_health_json(h, nh, &health);
        render_metrics(&p, h, nh, &metrics);
        feed = posture_feed_build(&p, h, nh, now);
        health_fleet_free(h, nh);
        free(ct.st);
        posture_free(&p);
    }
    manifest_free(&m);
    pthread_mutex_lock(&s->lock);
    s->computed_at = now;
    if (rc) {
        snprintf(s->error, sizeof s->error, "%s", err.msg);   /* keep the previous answers */
    } else {
        s->error[0] = 0;
        buf_free(&s->posture), buf_free(&s->health), buf_free(&s->metrics);
        s->posture = posture, s->health = health, s->metrics = metrics;
        posture = health = metrics = (kt_buf){0};
        posture_feed_unref(s->feed);
        s->feed = feed;
    }
    s->refreshing = 0;
    pthread_cond_broadcast(&s->done);
    pthread_mutex_unlock(&s->lock);
    buf_free(&posture), buf_free(&health), buf_free(&metrics);
}

/* A stale answer is refreshed by the first caller that sees it; others
 * meanwhile go on with the previous one (or wait, when there is none yet).
 * Returns with the lock held. */
static void fresh_locked(kt_posture_service *s, kt_store *store, int64_t now, const kt_buf *which)
{
    pthread_mutex_lock(&s->lock);
    int mine = (!s->computed_at || now - s->computed_at >= s->o.refresh_s) && !s->refreshing;
    s->refreshing |= mine;
    while (!mine && s->refreshing && !which->len)
        pthread_cond_wait(&s->done, &s->lock);
    pthread_mutex_unlock(&s->lock);
    if (mine)
        refresh(s, store, now);
    pthread_mutex_lock(&s->lock);
}

/* Copy one of the answers into out; 0, or -1 with a message in out when
 * there is no answer yet. */
static int get(kt_posture_service *s, kt_store *store, int64_t now, const kt_buf *which, kt_buf *out)
{
    fresh_locked(s, store, now, which);
    int ok = which->len > 0;
    if (ok)
        buf_add(out, which->data, which->len);
    else
        buf_puts(out, s->error[0] ? s->error : "no posture data yet");
    pthread_mutex_unlock(&s->lock);
    return ok ? 0 : -1;
}

int posture_service_feed(void *svc, kt_store *store, int64_t now, kt_posture_feed **out, kt_err *err)
{
    kt_posture_service *s = svc;
    assert(s && out);
    fresh_locked(s, store, now, &s->posture); /* the posture answer and the feed are swapped in together */
    *out = posture_feed_ref(s->feed);
    if (!*out)
        kt_fail(err, KT_ERUNTIME, "%s", s->error[0] ? s->error : "no posture data yet");
    pthread_mutex_unlock(&s->lock);
    return *out ? 0 : -1;
}

void posture_service_metrics(kt_posture_service *s, int64_t now, kt_buf *out)
{
    assert(s && out);
    get(s, NULL, now, &s->metrics, out);
}

int posture_service_answer(kt_posture_service *s, kt_store *store, int64_t now, int health, kt_buf *out,
                           kt_err *err)
{
    assert(s && out);
    kt_buf b = {0};
    int rc = get(s, store, now, health ? &s->health : &s->posture, &b);
    if (rc)
        kt_fail(err, KT_ERUNTIME, "%s", b.data);
    else
        buf_add(out, b.data, b.len);
    buf_free(&b);
    return rc;
}

static void answer(kt_http_app *app, kt_store *st, int64_t now, int health, kt_http_resp *r)
{
    kt_posture_service *s = app->posture;
    if (!s) {
        resp_json_error(r, 404, "posture is not configured: start serve with --posture-file or a cluster flag");
        return;
    }
    kt_buf b = {0};
    kt_err err = {0};
    if (posture_service_answer(s, st, now, health, &b, &err)) {
        resp_json_error(r, 503, err.msg);
        buf_free(&b);
        return;
    }
    buf_add(&r->body, b.data, b.len);
    buf_free(&b);
    resp_set(r, 200, "application/json");
}

void api_posture(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    answer(app, s, now, 0, r);
}

void api_health(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    answer(app, s, now, 1, r);
}

/* test_http_posture_feed.c — what serve's posture service hands the alert
 * rules (http/posture_feed.h), from one small cluster worked out by hand:
 *
 *   node n-us in us-east-1 (aws), Ready; namespace shop labelled
 *   data-residency=eu; Polaris runs two checks: runAsPrivileged (danger),
 *   cpuLimitsMissing (warning)
 *   pod shop/p1: containers a and b both privileged, no limits; a crash-loops
 *   pod shop/p2: container c with a CPU limit, not privileged, Ready
 *
 *   Polaris: p1 fails both checks in both containers (2 dangers, 2
 *     warnings), p2 passes both (2 passes): score trunc(100·2·2/(2·2+2+2·2))
 *     = 40 for the cluster and the fleet; items: 2 (containers merged)
 *   PSS baseline: p1 violates privileged → 1 item pss-baseline/privileged
 *   residency eu: p1 and p2 run in us-east-1 → 2 items, cluster = the file
 *   health: p1 CrashLoopBackOff → 1 item; 1 of 2 pods unhealthy:
 *     100 − 50·1/2 = 75
 *   = 6 items; scores: the cluster (40, 75) and the fleet (40, −1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "http/posture_api.h"

static const char *manifest =
    "apiVersion: v1\nkind: Node\n"
    "metadata: {name: n-us, labels: {topology.kubernetes.io/region: us-east-1, "
    "topology.kubernetes.io/zone: us-east-1a}}\n"
    "spec: {providerID: 'aws:///us-east-1a/i-1'}\n"
    "status: {conditions: [{type: Ready, status: 'True'}]}\n"
    "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {data-residency: eu}}\n"
    "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p1, namespace: shop}\n"
    "spec:\n  nodeName: n-us\n  containers:\n"
    "  - {name: a, image: 'r.test/a:1', securityContext: {privileged: true}}\n"
    "  - {name: b, image: 'r.test/b:1', securityContext: {privileged: true}}\n"
    "status:\n  phase: Running\n  containerStatuses:\n"
    "  - {name: a, ready: false, restartCount: 4, state: {waiting: {reason: CrashLoopBackOff}}}\n"
    "  - {name: b, ready: true, restartCount: 0, state: {running: {}}}\n"
    "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p2, namespace: shop}\n"
    "spec:\n  nodeName: n-us\n  containers:\n"
    "  - {name: c, image: 'r.test/c:1', resources: {limits: {cpu: '1'}}}\n"
    "status:\n  phase: Running\n  conditions: [{type: Ready, status: 'True'}]\n  containerStatuses:\n"
    "  - {name: c, ready: true, restartCount: 0, state: {running: {}}}\n";

static int count(const kt_posture_feed *f, const char *check, const char *name)
{
    int n = 0;
    for (size_t i = 0; i < f->n; i++)
        n += !strcmp(f->items[i].check, check) && (!name || !strcmp(f->items[i].name, name));
    return n;
}

static const kt_feed_item *item(const kt_posture_feed *f, const char *check, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->items[i].check, check) && !strcmp(f->items[i].name, name))
            return &f->items[i];
    return NULL;
}

static void write(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    if (fp) {
        fputs(text, fp);
        fclose(fp);
    }
}

TEST(feed_from_one_cluster)
{
    char dir[] = "/tmp/kt-test-feed-XXXXXX", c1[300], pol[300], rules[300];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(c1, sizeof c1, "%s/c1.yaml", dir);
    snprintf(pol, sizeof pol, "%s/polaris.yaml", dir);
    snprintf(rules, sizeof rules, "%s/rules.yaml", dir);
    write(c1, manifest);
    write(pol, "checks:\n  runAsPrivileged: danger\n  cpuLimitsMissing: warning\n");
    write(rules, "residency:\n  - name: eu\n    label: data-residency=eu\n    regions: [eu-*]\n");
    const char *files[] = {c1};
    kt_posture_service_opts o = {files, 1, NULL, rules, pol, PSS_BASELINE, PSS_LATEST_MINOR, 300};
    kt_posture_service *svc = NULL;
    kt_err err = {0};
    kt_posture_feed *f = NULL;
    CHECK(posture_service_new(&o, &svc, &err) == 0);
    CHECK(svc && posture_service_feed(svc, NULL, 1795000000, &f, &err) == 0);
    if (!f) {
        fprintf(stderr, "feed: %s\n", err.msg);
        posture_service_free(svc);
        return;
    }
    CHECK(f->n == 6);
    const kt_feed_item *x = item(f, "runAsPrivileged", "p1");
    CHECK(x && x->source == KT_FEED_POSTURE && x->severity == 2 && !strcmp(x->kind, "Pod") &&
          !strcmp(x->ns, "shop") && !strcmp(x->cluster, c1));
    CHECK(count(f, "runAsPrivileged", NULL) == 1 && count(f, "cpuLimitsMissing", NULL) == 1);
    x = item(f, "cpuLimitsMissing", "p1");
    CHECK(x && x->severity == 1);
    x = item(f, "pss-baseline/privileged", "p1");
    CHECK(x && x->severity == 2 && count(f, "pss-baseline/privileged", NULL) == 1);
    CHECK(count(f, "residency/eu", NULL) == 2);
    x = item(f, "residency/eu", "p2");
    CHECK(x && !strcmp(x->cluster, c1) && strstr(x->detail, "us-east-1") != NULL);
    x = item(f, "CrashLoopBackOff", "p1");
    CHECK(x && x->source == KT_FEED_HEALTH && x->severity == 1 && !strcmp(x->cluster, c1));
    CHECK(f->n_scores == 2);
    if (f->n_scores == 2) {
        CHECK_STR(f->scores[0].cluster, c1);
        CHECK(f->scores[0].posture == 40 && f->scores[0].health == 75);
        CHECK_STR(f->scores[1].cluster, "");
        CHECK(f->scores[1].posture == 40 && f->scores[1].health == -1);
    }
    /* the service keeps its reference: the caller's outlives a free of the service */
    posture_service_free(svc);
    CHECK(f->refs == 1 && f->n == 6);
    posture_feed_unref(f);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

int main(void)
{
    RUN(feed_from_one_cluster);
    return check_done();
}

/* test_posture_health.c — health findings and score on
 * tests/fixtures/posture/cluster-dump.yaml at 2026-11-29T12:00:00Z, and the
 * end-of-life table.  Every number is worked out in the comments. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "engine/window.h"
#include "posture/health.h"
#include "posture_shared.h"

#define FIX "tests/fixtures/posture"

static size_t count(const kt_health *h, kt_health_kind k)
{
    size_t n = 0;
    for (size_t i = 0; i < h->n; i++)
        n += h->f[i].kind == k;
    return n;
}

TEST(dump_findings_and_score)
{
    kt_manifest m;
    CHECK(load_in(FIX, "cluster-dump.yaml", &m) == 0);
    kt_health_opts o = {0, 0, 0, 0, NULL};
    CHECK(time_parse_rfc3339("2026-11-29T12:00:00Z", &o.now) == 0);
    kt_health h;
    health_check(&m, &o, &h);
    /* Nodes: n2 NotReady, n3 under MemoryPressure → 2 of 3 unhealthy. */
    CHECK(h.nodes == 3 && h.bad_nodes == 2);
    CHECK(count(&h, HEALTH_NODE_NOT_READY) == 1 && count(&h, HEALTH_NODE_MEMORY_PRESSURE) == 1);
    /* Pods (done-1 Succeeded is not counted): web-1, web-2 (last exit
     * Completed) healthy; api-1 crash-looping and OOM-killed last time (one
     * pod, two findings); img-1 in ImagePullBackOff (Pending 2 min: under the
     * 10 min default, so no Pending finding); sched-1 Pending 60 min → 3 of 5. */
    CHECK(h.pods == 5 && h.bad_pods == 3);
    CHECK(count(&h, HEALTH_CRASH_LOOP) == 1 && count(&h, HEALTH_OOM_KILLED) == 1);
    CHECK(count(&h, HEALTH_IMAGE_PULL) == 1 && count(&h, HEALTH_PENDING) == 1);
    /* Jobs: backup failed, report complete → 1 of 2. */
    CHECK(h.jobs == 2 && h.failed_jobs == 1 && count(&h, HEALTH_JOB_FAILED) == 1);
    /* Versions: 1.33 ended 2026-06-28 (before now) → EOL; 1.37 − 1.33 = 4 >
     * 3 minors → skew. */
    CHECK(h.eol == 1 && count(&h, HEALTH_VERSION_EOL) == 1 && count(&h, HEALTH_VERSION_SKEW) == 1);
    CHECK(h.n == 9);
    /* score = 100 − 30·2/3 − 50·3/5 − 10·1/2 − 10 = 100 − 20 − 30 − 5 − 10 = 35 */
    CHECK(h.score == 35);
    health_free(&h);

    /* Pending after 1 min instead: img-1 (2 min) is now stuck too, but it
     * was already unhealthy: still 3 of 5 pods, one more finding. */
    o.pending_after = 60;
    health_check(&m, &o, &h);
    CHECK(h.bad_pods == 3 && count(&h, HEALTH_PENDING) == 2 && h.score == 35);
    health_free(&h);

    /* Last contact an hour ago, silent after the default 15 min → score 0. */
    o.pending_after = 0;
    CHECK(time_parse_rfc3339("2026-11-29T11:00:00Z", &o.last_contact) == 0);
    health_check(&m, &o, &h);
    CHECK(h.silent && count(&h, HEALTH_SILENT) == 1 && h.score == 0);
    health_free(&h);
    manifest_free(&m);
}

TEST(healthy_is_100)
{
    /* one Ready node on a supported version, one running pod: nothing to
     * subtract */
    const char *y = "kind: Node\nmetadata: {name: a}\nstatus:\n  conditions: [{type: Ready, status: \"True\"}]\n"
                    "  nodeInfo: {kubeletVersion: v1.37.0}\n---\nkind: Pod\nmetadata: {name: p}\n"
                    "status: {phase: Running}\n";
    kt_manifest m = {0};
    kt_err err = {0};
    CHECK(manifest_load_text(&m, "ok.yaml", y, strlen(y), &err) == 0);
    kt_health_opts o = {0, 0, 0, 0, NULL};
    CHECK(time_parse_rfc3339("2026-11-29T12:00:00Z", &o.now) == 0);
    kt_health h;
    health_check(&m, &o, &h);
    CHECK(h.n == 0 && h.score == 100);
    health_free(&h);
    manifest_free(&m);
}

TEST(eol_table)
{
    int64_t t;
    CHECK(time_parse_rfc3339("2026-10-27T00:00:00Z", &t) == 0 && k8s_eol_date(34) == t);
    CHECK(time_parse_rfc3339("2025-07-15T00:00:00Z", &t) == 0 && k8s_eol_date(30) == t);
    CHECK(k8s_eol_date(20) == 1);    /* older than the table: long past */
    CHECK(k8s_eol_date(99) == 0);    /* unknown future minor: never called EOL */
    CHECK(k8s_minor("v1.33.4-eks-1") == 33 && k8s_minor("1.9") == 9 && k8s_minor("v2.0") == -1);
}

int main(void)
{
    RUN(dump_findings_and_score);
    RUN(healthy_is_100);
    RUN(eol_table);
    return check_done();
}

/* test_posture_pss.c — Pod Security Standards: the admission controller's
 * own test pods (../shared/data/k8s-fixtures/posture/psa-testdata, 148 pods
 * for v1.37: each in fail/ must be rejected at its level, each in pass/
 * accepted), version handling, and small pods of our own whose verdicts are
 * worked out by hand below. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "posture/jx.h"
#include "posture/pss.h"
#include "posture/workload.h"
#include "posture_shared.h"

static json_t *pod(const char *yaml)
{
    kt_manifest m = {0};
    kt_err err = {0};
    json_t *o = NULL;
    if (!manifest_load_text(&m, "inline", yaml, strlen(yaml), &err) && m.n == 1)
        o = json_incref(m.o[0].obj);
    else
        fprintf(stderr, "inline pod: %s\n", err.msg);
    manifest_free(&m);
    return o;
}

static size_t eval(pss_level l, int minor, json_t *o, pss_violation *v, size_t cap)
{
    kt_workload w;
    if (!workload_from_object(o, &w))
        return 999;
    return pss_evaluate(l, minor, w.pod_meta, w.pod_spec, v, cap);
}

static int has_check(const pss_violation *v, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (!strcasecmp(v[i].check, id))
            return 1;
    return 0;
}

/* At restricted, a pod named for a baseline check is rejected by the
 * restricted check that replaces it (pss.h lists the four pairs). */
static int rejected_by(const pss_violation *v, size_t n, const char *id, int restricted)
{
    static const char *const over[][2] = {{"hostpathvolumes", "restrictedVolumes"},
                                          {"seccompprofile_baseline", "seccompProfile_restricted"},
                                          {"capabilities_baseline", "capabilities_restricted"},
                                          {"procmount", "procMount_restricted"}};
    if (has_check(v, n, id))
        return 1;
    for (size_t i = 0; restricted && i < 4; i++)
        if (!strcasecmp(id, over[i][0]) && has_check(v, n, over[i][1]))
            return 1;
    return 0;
}

TEST(psa_testdata)
{
    const char *root = shared_data();
    if (!root) {
        printf("skip psa_testdata: ../shared/data not found\n");
        return;
    }
    const char *levels[] = {"baseline", "restricted"}, *verdicts[] = {"pass", "fail"};
    int total = 0, agree = 0;
    for (int l = 0; l < 2; l++)
        for (int v = 0; v < 2; v++) {
            char dir[512];
            snprintf(dir, sizeof dir, "%s/k8s-fixtures/posture/psa-testdata/%s/v1.37/%s", root, levels[l], verdicts[v]);
            char **files = NULL;
            size_t n = 0;
            CHECK(list_dir(dir, &files, &n) == 0);
            for (size_t i = 0; i < n; i++) {
                kt_manifest m;
                CHECK(load_in(dir, files[i], &m) == 0);
                CHECK(m.n == 1);
                if (m.n != 1) {
                    manifest_free(&m);
                    continue;
                }
                pss_level level = l ? PSS_RESTRICTED : PSS_BASELINE;
                pss_violation viol[PSS_NCHECKS];
                size_t nv = eval(level, 37, m.o[0].obj, viol, PSS_NCHECKS);
                /* fail/NAMEk.yaml is rejected by check NAME (the prefix); pass/ has no violation */
                char id[128];
                snprintf(id, sizeof id, "%s", files[i]);
                char *cut = id + strcspn(id, ".");
                while (cut > id && cut[-1] >= '0' && cut[-1] <= '9')
                    cut--;
                *cut = 0;
                int ok = v ? nv > 0 && rejected_by(viol, nv, id, l) : nv == 0;
                total++;
                agree += ok;
                if (!ok)
                    fprintf(stderr, "psa %s/%s/%s: %zu violations%s%s\n", levels[l], verdicts[v], files[i], nv,
                            nv ? ", first " : "", nv ? viol[0].check : "");
                manifest_free(&m);
            }
            free_list(files, n);
        }
    printf("psa testdata: %d of %d pods get the expected verdict\n", agree, total);
    CHECK(total == 148);
    CHECK(agree == total);
}

/* The restricted base pod of the PSA suite, written out here: it meets
 * restricted at every version. */
static const char *restricted_pod =
    "apiVersion: v1\nkind: Pod\nmetadata: {name: ok}\nspec:\n"
    "  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n"
    "  containers:\n  - name: app\n    image: registry.example/app:1.0\n"
    "    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n";

TEST(own_pods)
{
    json_t *ok = pod(restricted_pod);
    CHECK(ok && eval(PSS_RESTRICTED, PSS_LATEST_MINOR, ok, NULL, 0) == 0);
    json_decref(ok);

    /* A Deployment: privileged + hostNetwork break two baseline checks
     * (privileged, hostNamespaces); restricted adds allowPrivilegeEscalation
     * (unset), capabilities_restricted (no drop ALL), runAsNonRoot (unset),
     * seccompProfile_restricted (unset) = 6. */
    json_t *d = pod("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n"
                    "      hostNetwork: true\n      containers:\n      - name: c\n        image: x:1\n"
                    "        securityContext: {privileged: true}\n");
    pss_violation v[PSS_NCHECKS];
    CHECK(eval(PSS_BASELINE, 37, d, v, PSS_NCHECKS) == 2);
    CHECK(has_check(v, 2, "privileged") && has_check(v, 2, "hostNamespaces"));
    CHECK(eval(PSS_RESTRICTED, 37, d, v, PSS_NCHECKS) == 6);
    CHECK(has_check(v, 6, "seccompProfile_restricted") && has_check(v, 6, "runAsNonRoot"));
    kt_workload w;
    CHECK(workload_from_object(d, &w) && pss_level_met(37, w.pod_meta, w.pod_spec) == PSS_PRIVILEGED);
    json_decref(d);

    /* Versions: the sysctl net.ipv4.tcp_rmem is safe from 1.32 on, not at
     * 1.31; hostProbesAndHostLifecycle exists only from 1.34; runAsUser
     * only from 1.23 (at 1.22 a root UID with runAsNonRoot: true passes
     * restricted's other checks, so only runAsUser differs). */
    json_t *s = pod("kind: Pod\nspec:\n  securityContext: {sysctls: [{name: net.ipv4.tcp_rmem, value: '4096'}]}\n"
                    "  containers:\n  - name: c\n    livenessProbe: {httpGet: {host: 10.0.0.1, port: 80}}\n");
    CHECK(eval(PSS_BASELINE, 31, s, v, PSS_NCHECKS) == 1 && !strcmp(v[0].check, "sysctls"));
    CHECK(eval(PSS_BASELINE, 32, s, v, PSS_NCHECKS) == 0);
    CHECK(eval(PSS_BASELINE, 34, s, v, PSS_NCHECKS) == 1 && !strcmp(v[0].check, "hostProbesAndHostLifecycle"));
    json_decref(s);
    json_t *u = pod("kind: Pod\nspec:\n  securityContext: {runAsNonRoot: true, runAsUser: 0, "
                    "seccompProfile: {type: RuntimeDefault}}\n  containers:\n  - name: c\n"
                    "    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n");
    CHECK(eval(PSS_RESTRICTED, 22, u, v, PSS_NCHECKS) == 0);
    CHECK(eval(PSS_RESTRICTED, 23, u, v, PSS_NCHECKS) == 1 && !strcmp(v[0].check, "runAsUser"));
    json_decref(u);
}

/* Real EKS kube-system pods (an API PodList whose items carry no kind):
 * aws-node and kube-proxy run on the host network with privileged
 * containers → privileged; coredns adds only NET_BIND_SERVICE after
 * dropping ALL and forbids privilege escalation, but sets neither
 * runAsNonRoot nor a seccomp profile → baseline, not restricted. */
TEST(real_eks)
{
    const char *root = shared_data();
    if (!root) {
        printf("skip real_eks: ../shared/data not found\n");
        return;
    }
    char dir[512];
    snprintf(dir, sizeof dir, "%s/k8s-fixtures/eks", root);
    kt_manifest m;
    CHECK(load_in(dir, "eks_kube-system_podlist_2026.json", &m) == 0);
    CHECK(m.n == 6);
    for (size_t i = 0; i < m.n; i++) {
        kt_workload w;
        CHECK(workload_from_object(m.o[i].obj, &w) && !strcmp(w.kind, "Pod"));
        pss_level want = strncmp(w.name, "coredns", 7) ? PSS_PRIVILEGED : PSS_BASELINE;
        CHECK(pss_level_met(PSS_LATEST_MINOR, w.pod_meta, w.pod_spec) == want);
    }
    manifest_free(&m);
}

TEST(versions_and_levels)
{
    int m;
    pss_level l;
    CHECK(pss_parse_version("latest", &m) == 0 && m == PSS_LATEST_MINOR);
    CHECK(pss_parse_version("v1.25", &m) == 0 && m == 25);
    CHECK(pss_parse_version("1.99", &m) == 0 && m == PSS_LATEST_MINOR);   /* newer than any check = newest */
    CHECK(pss_parse_version("2.0", &m) == -1 && pss_parse_version("v1.x", &m) == -1);
    CHECK(pss_parse_level("restricted", &l) == 0 && l == PSS_RESTRICTED);
    CHECK(pss_parse_level("strict", &l) == -1);
}

int main(void)
{
    RUN(psa_testdata);
    RUN(own_pods);
    RUN(real_eks);
    RUN(versions_and_levels);
    return check_done();
}

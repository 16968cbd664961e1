/* test_posture_fixtures.c — Polaris config, exemptions, score, the Pod
 * Security Standards and the `kubetally posture` command on our own
 * fixtures (tests/fixtures/posture), every expected number worked out by
 * hand in the comments.  Needs nothing from ../shared. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "check.h"
#include "posture/jx.h"
#include "posture/polaris.h"
#include "posture/posture.h"
#include "util/buf.h"
#include "posture_shared.h"

#define FIX "tests/fixtures/posture"

/* The result of check id on object name (container NULL: pod/controller
 * level); -1 when there is none. */
static int result(const pol_audit *a, const char *name, const char *id, const char *container)
{
    for (size_t i = 0; i < a->n; i++)
        for (size_t j = 0; !strcmp(a->o[i].name, name) && j < a->o[i].n; j++) {
            const pol_result *r = &a->o[i].r[j];
            if (!strcmp(pol_checks[r->check].id, id) &&
                (container ? r->container && !strcmp(r->container, container) : !r->container))
                return r->success;
        }
    return -1;
}

TEST(config_exemptions_and_score)
{
    kt_manifest m;
    pol_config c;
    kt_err err = {0};
    CHECK(load_in(FIX, "workloads.yaml", &m) == 0);
    CHECK(m.n == 6);   /* web, kube-proxy, the List's Pod and ConfigMap, legacy, Namespace shop */
    CHECK(pol_config_load(&c, FIX "/polaris-config.yaml", &err) == 0);
    pol_audit a;
    pol_audit_run(&c, &m, &a);
    /* web: hostNetworkSet pass; app: cpuRequests pass, runAsRoot pass (pod
     * runAsNonRoot), tag pass; sidecar: cpuRequests exempt (containerNames),
     * runAsRoot pass, tag fail (:latest, danger) → 5 pass, 1 danger.
     * kube-proxy: hostNetworkSet exempt (kube-system + controller); its
     * container: cpuRequests fail, runAsRoot fail (warnings), tag pass →
     * 1 pass, 2 warnings.  debug: hostNetwork pass, cpu request 1 pass,
     * runAsUser 0 fails runAsRoot (warning), busybox untagged (danger) →
     * 2 pass, 1 warning, 1 danger.  legacy: hostNetwork, cpuRequests,
     * runAsRoot (pod runAsUser 1000) pass, tag exempt by annotation → 3 pass.
     * ConfigMap: no check in this config.  Total 11 pass, 3 warnings,
     * 2 dangers: score = trunc(100·22/(22+3+4)) = trunc(75.86) = 75. */
    pol_counts n = pol_count(&a, NULL);
    CHECK(n.pass == 11 && n.warning == 3 && n.danger == 2);
    CHECK(pol_score(n) == 75);
    /* Security = hostNetworkSet + runAsRootAllowed: 3 + 3 passes, 2 warnings
     * → trunc(100·12/14) = 85. */
    pol_counts sec = pol_count(&a, "Security");
    CHECK(sec.pass == 6 && sec.warning == 2 && sec.danger == 0 && pol_score(sec) == 85);
    CHECK(result(&a, "kube-proxy", "hostNetworkSet", NULL) == -1);
    CHECK(result(&a, "web", "cpuRequestsMissing", "sidecar") == -1);
    CHECK(result(&a, "web", "cpuRequestsMissing", "app") == 1);
    CHECK(result(&a, "web", "tagNotSpecified", "sidecar") == 0);
    CHECK(result(&a, "legacy", "tagNotSpecified", "app") == -1);
    CHECK(result(&a, "debug", "runAsRootAllowed", "shell") == 0);
    CHECK(result(&a, "web", "livenessProbeMissing", "app") == -1);   /* ignore: no result */
    CHECK(pol_score((pol_counts){0, 0, 0}) == 100);
    CHECK(pol_score((pol_counts){30, 4, 2}) == 88);   /* Polaris' README example: 60/68 */
    pol_audit_free(&a);
    pol_config_free(&c);

    /* Polaris' defaults: web runs 4 controller + 10 pod checks + 17 per
     * container × 2 = 48 results; 3 replicas pass deploymentMissingReplicas;
     * no PDB fails missingPodDisruptionBudget; the ConfigMap's "password"
     * key fails sensitiveConfigmapContent. */
    pol_config_default(&c);
    pol_audit_run(&c, &m, &a);
    size_t web = 0;
    for (size_t i = 0; i < a.n; i++)
        if (!strcmp(a.o[i].name, "web"))
            web = a.o[i].n;
    CHECK(web == 48);
    CHECK(result(&a, "web", "deploymentMissingReplicas", NULL) == 1);
    CHECK(result(&a, "web", "missingPodDisruptionBudget", NULL) == 0);
    CHECK(result(&a, "settings", "sensitiveConfigmapContent", NULL) == 0);
    /* kube-proxy in kube-system is exempt from hostNetworkSet by default too */
    CHECK(result(&a, "kube-proxy", "hostNetworkSet", NULL) == -1);
    pol_audit_free(&a);
    pol_config_free(&c);
    manifest_free(&m);
}

TEST(config_errors)
{
    pol_config c;
    kt_err err = {0};
    const char *bad = "checks:\n  hostNetworkSet: fatal\n";
    CHECK(pol_config_parse(&c, "cfg.yaml", bad, strlen(bad), &err) == -1);
    CHECK(strstr(err.msg, "hostNetworkSet") != NULL);
    const char *unknown = "checks:\n  noSuchCheck: warning\n";
    CHECK(pol_config_parse(&c, "cfg.yaml", unknown, strlen(unknown), &err) == -1);
    CHECK(strstr(err.msg, "noSuchCheck") != NULL);
}

TEST(pod_security)
{
    kt_manifest m;
    CHECK(load_in(FIX, "workloads.yaml", &m) == 0);
    pol_config c;
    pol_config_only(&c, "hostNetworkSet", POL_DANGER);
    kt_posture p;
    kt_posture_rules rules;
    rules_default(&rules);
    posture_audit(&m, &c, &rules, PSS_RESTRICTED, PSS_LATEST_MINOR, &p);
    /* 4 objects with pods (the ConfigMap has none).  web: pod runAsNonRoot
     * covers runAsNonRoot; unset allowPrivilegeEscalation, no drop ALL and
     * no seccomp profile break restricted (3) → meets baseline.  kube-proxy:
     * hostNetwork breaks baseline → privileged; at restricted it also misses
     * those three and runAsNonRoot → 5.  debug: the same three plus
     * runAsNonRoot unset and runAsUser 0 = 5 → baseline.  legacy: the same
     * three plus runAsNonRoot → 4, baseline. */
    CHECK(p.n_pods == 4);
    size_t want[] = {3, 5, 5, 4};
    pss_level met[] = {PSS_BASELINE, PSS_PRIVILEGED, PSS_BASELINE, PSS_BASELINE};
    for (size_t i = 0; i < 4 && i < p.n_pods; i++) {
        CHECK(p.pods[i].met == met[i]);
        CHECK(p.pods[i].n == want[i]);
    }
    /* kube-proxy at restricted: hostNamespaces is a baseline check */
    CHECK(p.n_pods == 4 && p.pods[1].v[0].level == PSS_BASELINE);
    /* Namespace shop enforces restricted: web and legacy both break it (2 of
     * 2); warn=baseline at v1.30: both meet baseline (0); audit unset. */
    CHECK(p.n_ns == 1);
    if (p.n_ns == 1) {
        CHECK(p.ns[0].pods == 2);
        CHECK(p.ns[0].mode[PSS_MODE_ENFORCE].set && p.ns[0].mode[PSS_MODE_ENFORCE].rejected == 2);
        CHECK(p.ns[0].mode[PSS_MODE_WARN].minor == 30 && p.ns[0].mode[PSS_MODE_WARN].rejected == 0);
        CHECK(!p.ns[0].mode[PSS_MODE_AUDIT].set);
    }
    posture_free(&p);
    pol_config_free(&c);
    rules_free(&rules);
    manifest_free(&m);
}

/* A live dump holds a Deployment, its ReplicaSet and their Pod: only the
 * Deployment is judged (as Polaris reports top controllers).  A Pod whose
 * ReplicaSet is not among the objects is judged itself → 2 of 4 objects. */
TEST(owned_objects)
{
    const char *y =
        "kind: Deployment\nmetadata: {name: d, namespace: n}\nspec: {template: {spec: {containers: [{name: c}]}}}\n"
        "---\nkind: ReplicaSet\nmetadata: {name: d-1, namespace: n, ownerReferences: [{kind: Deployment, name: d, "
        "controller: true}]}\nspec: {template: {spec: {containers: [{name: c}]}}}\n"
        "---\nkind: Pod\nmetadata: {name: d-1-x, namespace: n, ownerReferences: [{kind: ReplicaSet, name: d-1, "
        "controller: true}]}\nspec: {containers: [{name: c}]}\n"
        "---\nkind: Pod\nmetadata: {name: lone, namespace: n, ownerReferences: [{kind: ReplicaSet, name: gone, "
        "controller: true}]}\nspec: {containers: [{name: c}]}\n";
    kt_manifest m = {0};
    kt_err err = {0};
    CHECK(manifest_load_text(&m, "owned.yaml", y, strlen(y), &err) == 0 && m.n == 4);
    pol_config c;
    pol_config_only(&c, "hostNetworkSet", POL_DANGER);
    kt_posture_rules rules;
    rules_default(&rules);
    kt_posture p;
    posture_audit(&m, &c, &rules, PSS_BASELINE, PSS_LATEST_MINOR, &p);
    CHECK(p.polaris.n == 2 && p.n_pods == 2);
    CHECK(p.n_pods == 2 && !strcmp(p.pods[0].name, "d") && !strcmp(p.pods[1].name, "lone"));
    posture_free(&p);
    rules_free(&rules);
    pol_config_free(&c);
    manifest_free(&m);
}

TEST(yaml_types)
{
    /* Plain scalars are typed as Kubernetes' YAML reader types them; quoted
     * ones stay strings. */
    const char *y = "kind: X\na: 1\nb: yes\nc: 'true'\nd: 0x1F\ne: ~\nf: 1.5\ng: 100m\nh: \"7\"\n";
    kt_manifest m = {0};
    kt_err err = {0};
    CHECK(manifest_load_text(&m, "t.yaml", y, strlen(y), &err) == 0 && m.n == 1);
    json_t *o = m.n ? m.o[0].obj : NULL;
    CHECK(json_integer_value(jx_get(o, "a")) == 1);
    CHECK(json_is_true(jx_get(o, "b")));
    CHECK(json_is_string(jx_get(o, "c")));
    CHECK(json_integer_value(jx_get(o, "d")) == 31);
    CHECK(json_is_null(jx_get(o, "e")));
    CHECK(json_real_value(jx_get(o, "f")) == 1.5);
    CHECK(json_is_string(jx_get(o, "g")) && json_is_string(jx_get(o, "h")));
    manifest_free(&m);
    const char *notobj = "- a\n- b\n";
    CHECK(manifest_load_text(&m, "list.yaml", notobj, strlen(notobj), &err) == -1);
    CHECK(strstr(err.msg, "list.yaml") != NULL && m.n == 0);
    const char *json = "{\"kind\":\"List\",\"items\":[{\"kind\":\"Pod\",\"spec\":{}},{\"kind\":\"Pod\",\"spec\":{}}]}";
    CHECK(manifest_load_text(&m, "l.json", json, strlen(json), &err) == 0 && m.n == 2);
    manifest_free(&m);
    /* an API list: items have no kind; they are the list's kind less "List" */
    const char *podlist = "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"items\":[{\"metadata\":{\"name\":\"a\"},\"spec\":{}}]}";
    CHECK(manifest_load_text(&m, "p.json", podlist, strlen(podlist), &err) == 0 && m.n == 1);
    CHECK(m.n == 1 && !strcmp(jx_str(m.o[0].obj, "kind"), "Pod") && !strcmp(jx_str(m.o[0].obj, "apiVersion"), "v1"));
    manifest_free(&m);
}

/* A directory is every *.yaml, *.yml and *.json below it, in name order.
 * tests/fixtures/posture holds broken.yaml, so reading it fails naming that
 * file; a folder built here from copies of two good files (and a text file
 * that is not read) gives all their objects. */
TEST(directories)
{
    kt_manifest m = {0};
    kt_err err = {0};
    CHECK(manifest_load_path(&m, FIX, &err) == -1 && strstr(err.msg, "broken.yaml"));
    manifest_free(&m);
    char dir[] = "/tmp/kt-posture-dir-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "mkdir -p %s/sub && cp " FIX "/workloads.yaml %s/a.yaml && cp " FIX
             "/cluster-dump.yaml %s/sub/b.yml && echo 'not yaml: [' > %s/notes.txt",
             dir, dir, dir, dir);
    CHECK(system(cmd) == 0);
    /* a.yaml: 6 objects; sub/b.yml: the List's 16 items; notes.txt skipped */
    CHECK(manifest_load_path(&m, dir, &err) == 0);
    CHECK(m.n == 22 && m.n_files == 2);
    manifest_free(&m);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* Run the binary; returns its exit status and its stdout in *out. */
static int run_cli(const char *args, kt_buf *out)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s posture %s 2>/tmp/kt_posture_stderr", getenv("KUBETALLY_BIN"), args);
    FILE *f = popen(cmd, "r");
    if (!f)
        return -1;
    buf_read_stream(out, f);
    int st = pclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(cli)
{
    if (!getenv("KUBETALLY_BIN")) {
        printf("skip cli: KUBETALLY_BIN not set (make test sets it)\n");
        return;
    }
    kt_buf b = {0};
    /* the score computed by hand above */
    CHECK(run_cli("--config " FIX "/polaris-config.yaml -o json --file " FIX "/workloads.yaml", &b) == 0);
    json_t *j = json_loads(b.data ? b.data : "", 0, NULL);
    CHECK(json_integer_value(jx_get(j, "Score")) == 75);
    CHECK(json_integer_value(jx_path(j, "PodSecurity.allowed")) == 3);   /* baseline: all but kube-proxy */
    /* per namespace (results counted in config_exemptions_and_score):
     * shop = web 5 pass 1 danger + legacy 3 pass → 16/(16+2) = 88;
     * kube-system 1 pass 2 warnings → 2/4 = 50; default 2 pass 1 warning
     * 1 danger → 4/7 = 57 */
    json_t *ns = jx_get(j, "NamespaceScores");
    int want_ns = 0;
    size_t k;
    json_t *g;
    json_array_foreach(ns, k, g) {
        const char *name = jx_str(g, "namespace");
        int sc = (int)json_integer_value(jx_get(g, "score"));
        want_ns += (!strcmp(name, "shop") && sc == 88) + (!strcmp(name, "kube-system") && sc == 50) +
                   (!strcmp(name, "default") && sc == 57);
    }
    CHECK(json_array_size(ns) == 3 && want_ns == 3);
    json_decref(j);
    buf_reset(&b);
    /* SARIF: failed results sidecar tag, kube-proxy cpu + root, debug root +
     * tag (5) and kube-proxy's pss-baseline/hostNamespaces (1) = 6 */
    CHECK(run_cli("--config " FIX "/polaris-config.yaml -o sarif --file " FIX "/workloads.yaml", &b) == 0);
    j = json_loads(b.data ? b.data : "", 0, NULL);
    json_t *run = json_array_get(jx_get(j, "runs"), 0), *res = jx_get(run, "results");
    CHECK(!strcmp(jx_str(j, "version") ? jx_str(j, "version") : "", "2.1.0"));
    CHECK(json_array_size(res) == 6);
    int pss = 0;
    size_t i;
    json_t *r;
    json_array_foreach(res, i, r)
        pss += jx_str(r, "ruleId") && !strcmp(jx_str(r, "ruleId"), "pss-baseline/hostNamespaces");
    CHECK(pss == 1);
    json_decref(j);
    buf_reset(&b);
    /* bad input: exit 2, nothing on stdout */
    CHECK(run_cli("--file " FIX "/broken.yaml", &b) == 2 && b.len == 0);
    FILE *e = fopen("/tmp/kt_posture_stderr", "r");
    kt_buf msg = {0};
    if (e)
        buf_read_stream(&msg, e), fclose(e);
    /* one line naming the file and where libyaml gave up (line 5: end of input) */
    CHECK(msg.data && strstr(msg.data, "broken.yaml:5: not valid YAML") && strchr(msg.data, '\n') == msg.data + msg.len - 1);
    buf_free(&msg);
    CHECK(run_cli("--file " FIX "/workloads.yaml --level strict", &b) == 2);
    /* residency and resilience through the CLI: the 2 + 6 findings counted
     * in test_posture_placement.c */
    CHECK(run_cli("--rules " FIX "/rules.yaml -o json --file " FIX "/cluster-dump.yaml", &b) == 0);
    j = json_loads(b.data ? b.data : "", 0, NULL);
    CHECK(json_array_size(jx_get(j, "Findings")) == 8);
    CHECK(json_integer_value(jx_path(j, "Resilience.criticalWorkloads")) == 2);
    json_decref(j);
    buf_reset(&b);
    /* --set-exit-code-on-danger: dangers exist → 3 */
    CHECK(run_cli("--set-exit-code-on-danger --file " FIX "/workloads.yaml", &b) == 3);
    buf_free(&b);
}

int main(void)
{
    RUN(config_exemptions_and_score);
    RUN(config_errors);
    RUN(pod_security);
    RUN(owned_objects);
    RUN(directories);
    RUN(yaml_types);
    RUN(cli);
    return check_done();
}

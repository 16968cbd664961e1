/* test_kube_spec.c — workload specs from manifests (kube/spec.h), the
 * input of POST /prediction/speccost.  Requests summed by hand below. */
#include <stdlib.h>

#include "check.h"
#include "kube/spec.h"

#define GIB 1073741824.0
#define MIB 1048576.0

static const char manifests[] =
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    "metadata: {name: api, namespace: shop}\n"
    "spec:\n"
    "  replicas: 3\n"
    "  template:\n"
    "    spec:\n"
    "      initContainers: [{name: init, resources: {requests: {cpu: '4'}}}]\n"
    "      containers:\n"
    "      - name: app\n"
    "        resources: {requests: {cpu: 500m, memory: 1Gi}}\n"
    "      - name: sidecar\n"
    "        resources: {limits: {cpu: 100m, memory: 128Mi}}\n"
    "---\n"
    "apiVersion: v1\n"
    "kind: Service\n"
    "metadata: {name: api}\n"
    "---\n"
    "apiVersion: v1\n"
    "kind: List\n"
    "items:\n"
    "- kind: Pod\n"
    "  metadata: {name: debug}\n"
    "  spec: {containers: [{name: x, resources: {requests: {cpu: '1', memory: 2Gi, nvidia.com/gpu: 1}}}]}\n"
    "- kind: CronJob\n"
    "  metadata: {name: nightly, namespace: batch}\n"
    "  spec: {jobTemplate: {spec: {template: {spec: {containers: [{name: j, resources: {requests: {cpu: 250m}}}]}}}}}\n";

TEST(workloads)
{
    kt_workload_spec *w;
    size_t n;
    kt_err err = {0};
    CHECK(kube_spec_parse(manifests, sizeof manifests - 1, "team-a", &w, &n, &err) == 0);
    CHECK(n == 3);
    if (n != 3)
        return;
    /* Deployment: 0.5 + 0.1 (limit as request) cores, 1 GiB + 128 MiB, init container not counted */
    CHECK_STR(w[0].kind, "deployment");
    CHECK_STR(w[0].namespace_, "shop");
    CHECK_STR(w[0].name, "api");
    CHECK_NEAR(w[0].replicas, 3, 1e-12);
    CHECK_NEAR(w[0].cpu, 0.6, 1e-12);
    CHECK_NEAR(w[0].ram, GIB + 128 * MIB, 1e-12);
    CHECK_NEAR(w[0].gpu, 0, 1e-12);
    /* the List's Pod lands in the default namespace given */
    CHECK_STR(w[1].kind, "pod");
    CHECK_STR(w[1].namespace_, "team-a");
    CHECK_NEAR(w[1].cpu, 1, 1e-12);
    CHECK_NEAR(w[1].ram, 2 * GIB, 1e-12);
    CHECK_NEAR(w[1].gpu, 1, 1e-12);
    CHECK_STR(w[2].kind, "cronjob");
    CHECK_NEAR(w[2].cpu, 0.25, 1e-12);
    CHECK_NEAR(w[2].replicas, 1, 1e-12);
    free(w);
}

TEST(refusals)
{
    kt_workload_spec *w;
    size_t n;
    kt_err err = {0};
    const char bad[] = "kind: Deployment\nmetadata: {name: x}\nspec: {replicas: many}\n";
    CHECK(kube_spec_parse(bad, sizeof bad - 1, NULL, &w, &n, &err) == -1 && strstr(err.msg, "replicas is not a count"));
    const char noname[] = "kind: Pod\nmetadata: {}\n";
    CHECK(kube_spec_parse(noname, sizeof noname - 1, NULL, &w, &n, &err) == -1 && strstr(err.msg, "metadata.name"));
    const char broken[] = "kind: Pod\nmetadata: {name: [\n";
    CHECK(kube_spec_parse(broken, sizeof broken - 1, NULL, &w, &n, &err) == -1 && strstr(err.msg, "document 1"));
    const char empty[] = "";
    CHECK(kube_spec_parse(empty, 0, NULL, &w, &n, &err) == 0 && n == 0 && !w);
}

int main(void)
{
    RUN(workloads);
    RUN(refusals);
    return check_done();
}

/* test_prom_labels.c — kube-state-metrics v1 and v2 schemes, node cloud facts,
 * and both schemes landing in the same model values. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "prom/kube_labels.h"
#include "prom/model.h"

static kt_prom_series series(kt_kv *kv, size_t n)
{
    kt_prom_series s = {kv, n, NULL, NULL, 0};
    return s;
}

TEST(resources_v1_v2)
{
    kt_kv v2cpu[] = {{"__name__", "kube_pod_container_resource_requests"}, {"resource", "cpu"}, {"unit", "core"}};
    kt_kv v2mem[] = {{"__name__", "kube_pod_container_resource_requests"}, {"resource", "memory"}};
    kt_kv v2gpu[] = {{"__name__", "kube_pod_container_resource_requests"}, {"resource", "nvidia_com_gpu"}};
    kt_kv v2gpu2[] = {{"__name__", "kube_node_status_capacity"}, {"resource", "nvidia.com/gpu"}};
    kt_kv v2eph[] = {{"__name__", "kube_pod_container_resource_requests"}, {"resource", "ephemeral_storage"}};
    kt_kv v1cpu[] = {{"__name__", "kube_pod_container_resource_requests_cpu_cores"}};
    kt_kv v1mem[] = {{"__name__", "kube_node_status_capacity_memory_bytes"}};
    kt_kv v1gpu[] = {{"__name__", "kube_node_status_capacity_nvidia_gpu_cards"}};
    kt_prom_series s;
    s = series(v2cpu, 3); CHECK(prom_resource_of(&s) == KT_RES_CPU);
    s = series(v2mem, 2); CHECK(prom_resource_of(&s) == KT_RES_MEM);
    s = series(v2gpu, 2); CHECK(prom_resource_of(&s) == KT_RES_GPU);
    s = series(v2gpu2, 2); CHECK(prom_resource_of(&s) == KT_RES_GPU);
    s = series(v2eph, 2); CHECK(prom_resource_of(&s) == KT_RES_NONE);
    s = series(v1cpu, 1); CHECK(prom_resource_of(&s) == KT_RES_CPU);
    s = series(v1mem, 1); CHECK(prom_resource_of(&s) == KT_RES_MEM);
    s = series(v1gpu, 1); CHECK(prom_resource_of(&s) == KT_RES_GPU);
}

TEST(node_facts)
{
    kt_kv eks[] = {{"label_node_kubernetes_io_instance_type", "m5.xlarge"},
                   {"label_eks_amazonaws_com_capacity_type", "SPOT"},
                   {"label_eks_amazonaws_com_nodegroup", "spot-ng"}};
    kt_prom_series s = series(eks, 3);
    kt_node_facts f;
    prom_node_facts(&s, "aws:///us-east-1c/i-0abc", &f);
    CHECK_STR(f.provider, "aws");
    CHECK_STR(f.zone, "us-east-1c");
    CHECK_STR(f.region, "us-east-1"); /* from the zone */
    CHECK_STR(f.instance_type, "m5.xlarge");
    CHECK_STR(f.pool, "spot-ng");
    CHECK(f.spot == 1);

    kt_kv gke[] = {{"label_beta_kubernetes_io_instance_type", "n2-standard-8"},
                   {"label_failure_domain_beta_kubernetes_io_region", "europe-west1"},
                   {"label_cloud_google_com_gke_preemptible", "true"}};
    s = series(gke, 3);
    prom_node_facts(&s, "gce://my-project/europe-west1-b/gke-n1", &f);
    CHECK_STR(f.provider, "gcp");
    CHECK_STR(f.zone, "europe-west1-b");
    CHECK_STR(f.region, "europe-west1");
    CHECK_STR(f.instance_type, "n2-standard-8");
    CHECK(f.spot == 1);

    kt_kv aks[] = {{"label_topology_kubernetes_io_region", "westeurope"},
                   {"label_topology_kubernetes_io_zone", "westeurope-1"},
                   {"label_kubernetes_azure_com_scalesetpriority", "spot"},
                   {"label_kubernetes_azure_com_agentpool", "np1"}};
    s = series(aks, 4);
    prom_node_facts(&s, "azure:///subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/a/virtualMachines/0", &f);
    CHECK_STR(f.provider, "azure");
    CHECK_STR(f.region, "westeurope");
    CHECK_STR(f.zone, "westeurope-1");
    CHECK_STR(f.pool, "np1");
    CHECK(f.spot == 1);

    /* no providerID: the managed service's labels still tell; nothing ⇒ onprem */
    kt_kv gkeonly[] = {{"label_cloud_google_com_gke_nodepool", "p"}, {"label_topology_kubernetes_io_zone", "us-central1-a"}};
    s = series(gkeonly, 2);
    prom_node_facts(&s, "", &f);
    CHECK_STR(f.provider, "gcp");
    CHECK_STR(f.region, "us-central1");
    prom_node_facts(NULL, "", &f);
    CHECK_STR(f.provider, "onprem");
    CHECK(f.spot == 0);
    prom_node_facts(NULL, "kind://docker/kind/kind-worker", &f);
    CHECK_STR(f.provider, "kind");
}

TEST(prefixes_and_cadvisor_names)
{
    CHECK_STR(prom_strip_prefix("label_app_kubernetes_io_name", "label_"), "app_kubernetes_io_name");
    CHECK(prom_strip_prefix("annotation_x", "label_") == NULL);
    CHECK(prom_strip_prefix("label_", "label_") == NULL);
    kt_kv old[] = {{"pod_name", "p"}, {"container_name", "c"}};
    kt_kv cur[] = {{"pod", "q"}, {"container", "d"}};
    kt_prom_series s = series(old, 2);
    CHECK_STR(prom_cadvisor_pod(&s), "p");
    CHECK_STR(prom_cadvisor_container(&s), "c");
    s = series(cur, 2);
    CHECK_STR(prom_cadvisor_pod(&s), "q");
    CHECK_STR(prom_cadvisor_container(&s), "d");
}

/* The same container described by KSM v1 in one cluster and v2 in another
 * gives the same per-step values. */
TEST(model_v1_v2_same_values)
{
    static const char *v1 =
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
        "{\"metric\":{\"__name__\":\"kube_pod_container_resource_requests_cpu_cores\",\"k\":\"one\",\"namespace\":\"n\",\"pod\":\"p\",\"container\":\"c\",\"node\":\"x\"},\"values\":[[1000300,\"0.5\"],[1000600,\"0.5\"]]},"
        "{\"metric\":{\"__name__\":\"kube_pod_container_resource_requests_memory_bytes\",\"k\":\"one\",\"namespace\":\"n\",\"pod\":\"p\",\"container\":\"c\"},\"values\":[[1000300,\"1024\"],[1000600,\"2048\"]]}]}}";
    static const char *v2 =
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
        "{\"metric\":{\"__name__\":\"kube_pod_container_resource_requests\",\"resource\":\"cpu\",\"unit\":\"core\",\"k\":\"two\",\"namespace\":\"n\",\"pod\":\"p\",\"container\":\"c\",\"node\":\"x\"},\"values\":[[1000300,\"0.5\"],[1000600,\"0.5\"]]},"
        "{\"metric\":{\"__name__\":\"kube_pod_container_resource_requests\",\"resource\":\"memory\",\"unit\":\"byte\",\"k\":\"two\",\"namespace\":\"n\",\"pod\":\"p\",\"container\":\"c\"},\"values\":[[1000300,\"1024\"],[1000600,\"2048\"]]},"
        "{\"metric\":{\"__name__\":\"kube_pod_container_resource_requests\",\"resource\":\"ephemeral_storage\",\"k\":\"two\",\"namespace\":\"n\",\"pod\":\"p\",\"container\":\"c\"},\"values\":[[1000300,\"99\"]]}]}}";
    kt_prom_result a, b;
    kt_err e = {0};
    CHECK(prom_decode(v1, strlen(v1), NULL, &a, &e) == 0);
    CHECK(prom_decode(v2, strlen(v2), NULL, &b, &e) == 0);
    kt_prom_model m;
    pm_init(&m, 1000000, 300, 2, "k", "default");
    pm_add(&m, PQ_REQ, &a);
    pm_add(&m, PQ_REQ, &b);
    pm_finish(&m);
    CHECK(m.n_ctr == 2 && m.n_pod == 2);
    for (size_t i = 0; i < m.n_ctr && i < 2; i++) {
        CHECK_NEAR(m.ctr[i].v[PM_CPU_REQ][0], 0.5, 0);
        CHECK_NEAR(m.ctr[i].v[PM_RAM_REQ][1], 2048, 0);
        CHECK(isnan(m.ctr[i].v[PM_GPU][0]));
        CHECK(m.ctr[i].run[0] == 2); /* no running series: running while it has samples */
        CHECK_STR(strtab_get(&m.s, m.pod[m.ctr[i].pod].node), "x");
    }
    CHECK_STR(strtab_get(&m.s, m.pod[0].cluster), "one");
    CHECK_STR(strtab_get(&m.s, m.pod[1].cluster), "two");
    pm_free(&m);
    prom_result_free(&a);
    prom_result_free(&b);
}

int main(void)
{
    RUN(resources_v1_v2);
    RUN(node_facts);
    RUN(prefixes_and_cadvisor_names);
    RUN(model_v1_v2_same_values);
    return check_done();
}

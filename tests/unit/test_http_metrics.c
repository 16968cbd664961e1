/* /metrics formatting: OpenCost's names, labels and values from a dataset
 * built by hand, label escaping, one series per thing, and the health
 * histogram's cumulative buckets. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "http/health.h"
#include "http/metrics.h"

#define T0 1767225600 /* 2026-01-01T00:00:00Z */
#define GIB 1073741824.0

static kt_dataset ds;

static void build(void)
{
    ds_init(&ds);
    uint32_t cl = ds_add_cluster(&ds, "c1", "aws", "us-east-1", "USD");
    uint32_t a = ds_add_node(&ds, cl, "node-a", "aws", "us-east-1", "us-east-1a", "m5.xlarge", 0, 4, 16 * GIB, 0);
    uint32_t b = ds_add_node(&ds, cl, "node-b", "aws", "us-east-1", "us-east-1b", "g4dn.xlarge", 1, 4, 16 * GIB, 1);
    /* node-a has no GPU: its split GPU rate 0.3 must not be exported */
    ds_node_fact nf = {.node = a, .dur = 3600, .t = T0, .hours = 1, .cpu_price = 0.03, .ram_price = 0.004,
                       .gpu_price = 0.3, .hourly = 0.184};
    ds_push_nfact(&ds, &nf);
    nf.node = b, nf.cpu_price = 0.01, nf.gpu_price = 0.5, nf.hourly = 0.6;
    ds_push_nfact(&ds, &nf);
    const char *lbl[] = {"team", "web", NULL};
    uint32_t p = ds_add_pod(&ds, cl, a, "we\"ird\\ns", "web-1", "deployment", "web", lbl, NULL, NULL);
    uint32_t c = ds_add_container(&ds, p, "app");
    /* ran half the hour (two facts of 15 min merge): 1 core-hour over the
     * hour ⇒ 1 core, not the 2 cores it held while running */
    ds_container_fact cf = {.container = c, .dur = 3600, .t = T0, .seconds = 900, .cpu_alloc = 0.5,
                            .ram_alloc = 0.25 * GIB, .gpu = 0};
    cf.cpu_req = 0.25, cf.ram_req = 0.125 * GIB;
    ds_push_cfact(&ds, &cf);
    ds_push_cfact(&ds, &cf);
    uint32_t v = ds_add_volume(&ds, cl, "pv-1", "gp3", "web", "data");
    ds_volume_fact vf = {.volume = v, .dur = 3600, .t = T0, .hours = 1, .bytes = 10 * GIB, .price_gib_hour = 0.000137};
    ds_push_vfact(&ds, &vf);
    uint32_t lb = ds_add_lb(&ds, cl, "web", "web-lb");
    ds_lb_fact lf = {.lb = lb, .dur = 3600, .t = T0, .hours = 1, .hourly = 0.025};
    ds_push_lbfact(&ds, &lf);
    ds_fee_fact ff = {.cluster = cl, .kind = strtab_intern(&ds.strs, "eks"), .dur = 3600, .t = T0, .hours = 1,
                      .hourly = 0.1};
    ds_push_feefact(&ds, &ff);
    ds_network_fact net = {.pod = p, .dur = 3600, .t = T0, .tx_internet = 2 * GIB, .cost_internet = 0.18};
    ds_push_netfact(&ds, &net);
    ds_link_namespaces(&ds);
}

static int count(const char *text, const char *needle)
{
    int n = 0;
    for (const char *s = text; (s = strstr(s, needle)); s++)
        n++;
    return n;
}

TEST(cost_metrics)
{
    kt_buf b = {0};
    metrics_render_costs(&ds, &b);
    const char *t = b.data;
    CHECK(strstr(t, "# TYPE node_total_hourly_cost gauge\n"));
    CHECK(strstr(t, "node_total_hourly_cost{cluster_id=\"c1\",instance=\"node-a\",node=\"node-a\","
                    "instance_type=\"m5.xlarge\",region=\"us-east-1\",provider_id=\"\"} 0.184\n"));
    CHECK(strstr(t, "node_cpu_hourly_cost{cluster_id=\"c1\",instance=\"node-a\""));
    CHECK(strstr(t, "node_gpu_hourly_cost{cluster_id=\"c1\",instance=\"node-b\",node=\"node-b\",instance_type=\"g4dn.xlarge\","
                    "region=\"us-east-1\",provider_id=\"\"} 0.5\n"));
    CHECK(strstr(t, "# TYPE node_gpu_count untyped\n"));
    CHECK(strstr(t, "node_gpu_count{cluster_id=\"c1\",instance=\"node-b\""));
    CHECK(strstr(t, "kubecost_node_is_spot{cluster_id=\"c1\",instance=\"node-b\",node=\"node-b\",instance_type=\"g4dn.xlarge\","
                    "region=\"us-east-1\",provider_id=\"\"} 1\n"));
    CHECK(strstr(t, "pv_hourly_cost{cluster_id=\"c1\",volumename=\"pv-1\",persistentvolume=\"pv-1\",provider_id=\"\"} 0.000137\n"));
    CHECK(strstr(t, "kubecost_load_balancer_cost{cluster_id=\"c1\",namespace=\"web\",service_name=\"web-lb\",ingress_ip=\"\"} 0.025\n"));
    CHECK(strstr(t, "kubecost_cluster_management_cost{cluster_id=\"c1\",provisioner_name=\"eks\"} 0.1\n"));
    CHECK(strstr(t, "kubecost_cluster_info{cluster_id=\"c1\",id=\"c1\",provider=\"aws\",provisioner=\"eks\",region=\"us-east-1\"} 1\n"));
    /* escaped namespace, two facts merged: 1 core-hour over the 1 h span = 1 core; 0.5 GiB-h = 0.5 GiB */
    CHECK(strstr(t, "container_cpu_allocation{cluster_id=\"c1\",namespace=\"we\\\"ird\\\\ns\",pod=\"web-1\",container=\"app\","
                    "instance=\"node-a\",node=\"node-a\"} 1\n"));
    CHECK(strstr(t, "container_memory_allocation_bytes{cluster_id=\"c1\",namespace=\"we\\\"ird\\\\ns\",pod=\"web-1\","
                    "container=\"app\",instance=\"node-a\",node=\"node-a\"} 536870912\n"));
    /* requests 2 × 0.25 core-h and 2 × 0.125 GiB-h over the hour */
    CHECK(strstr(t, "kube_pod_container_resource_requests{cluster_id=\"c1\",namespace=\"we\\\"ird\\\\ns\",pod=\"web-1\","
                    "container=\"app\",instance=\"node-a\",node=\"node-a\",resource=\"cpu\",unit=\"core\"} 0.5\n"));
    CHECK(strstr(t, "resource=\"memory\",unit=\"byte\"} 268435456\n"));
    CHECK(strstr(t, "node_gpu_hourly_cost{cluster_id=\"c1\",instance=\"node-a\",node=\"node-a\",instance_type=\"m5.xlarge\","
                    "region=\"us-east-1\",provider_id=\"\"} 0\n"));
    /* kube-state-style series */
    CHECK(strstr(t, "opencost_build_info{version=\"kubetally\",revision=\"\"} 1\n"));
    CHECK(strstr(t, "kube_node_status_capacity{cluster_id=\"c1\",node=\"node-b\",resource=\"nvidia_com_gpu\",unit=\"integer\"} 1\n"));
    CHECK(strstr(t, "kube_node_status_allocatable{cluster_id=\"c1\",node=\"node-a\",resource=\"memory\",unit=\"byte\"} 17179869184\n"));
    CHECK(count(t, "resource=\"nvidia_com_gpu\"") == 2); /* node-b only, capacity and allocatable */
    CHECK(strstr(t, "kube_persistentvolume_capacity_bytes{cluster_id=\"c1\",persistentvolume=\"pv-1\"} 10737418240\n"));
    CHECK(strstr(t, "kube_persistentvolumeclaim_info{cluster_id=\"c1\",namespace=\"web\",persistentvolumeclaim=\"data\","
                    "storageclass=\"gp3\",volumename=\"pv-1\"} 1\n"));
    CHECK(strstr(t, "kube_persistentvolumeclaim_resource_requests_storage_bytes{cluster_id=\"c1\",namespace=\"web\","
                    "persistentvolumeclaim=\"data\"} 10737418240\n"));
    CHECK(strstr(t, "kube_pod_labels{cluster_id=\"c1\",namespace=\"we\\\"ird\\\\ns\",pod=\"web-1\",label_team=\"web\"} 1\n"));
    CHECK(strstr(t, "kube_pod_owner{cluster_id=\"c1\",namespace=\"we\\\"ird\\\\ns\",pod=\"web-1\",owner_kind=\"Deployment\","
                    "owner_name=\"web\",owner_is_controller=\"true\"} 1\n"));
    CHECK(count(t, "container_cpu_allocation{") == 1);
    CHECK(strstr(t, "kubecost_network_internet_egress_cost{cluster_id=\"c1\"} 0.09\n"));
    CHECK(!strstr(t, "kubecost_network_zone_egress_cost{")); /* no zone traffic ⇒ no series */
    CHECK(count(t, "# HELP ") == count(t, "# TYPE "));
    buf_free(&b);
}

TEST(empty_dataset)
{
    kt_dataset e;
    kt_buf b = {0};
    ds_init(&e);
    metrics_render_costs(&e, &b);
    /* headers only, no samples but the build info */
    CHECK(b.len > 0 && strchr(b.data, '{') == strstr(b.data, "opencost_build_info{") + strlen("opencost_build_info"));
    CHECK(count(b.data, "{") == 1);
    ds_free(&e);
    buf_free(&b);
}

TEST(health_histogram)
{
    kt_http_app app;
    memset(&app, 0, sizeof app);
    health_record(&app, 0, 200, 0.0005);
    health_record(&app, 0, 200, 0.003);
    health_record(&app, 0, 400, 0.2);
    health_record(&app, -1, 404, 0.0001);
    kt_cluster_status c[1];
    memset(c, 0, sizeof c);
    strcpy(c[0].name, "c\"1");
    strcpy(c[0].last_error, "connection refused");
    c[0].last_contact = 1767225600;
    kt_buf b = {0};
    health_render(&app, c, 1, 4096, 1767225700, &b);
    const char *t = b.data;
    CHECK(strstr(t, "kubetally_http_requests_total{route=\"/allocation\",code=\"2xx\"} 2\n"));
    CHECK(strstr(t, "kubetally_http_requests_total{route=\"/allocation\",code=\"4xx\"} 1\n"));
    CHECK(strstr(t, "kubetally_http_requests_total{route=\"other\",code=\"4xx\"} 1\n"));
    CHECK(strstr(t, "kubetally_http_request_duration_seconds_bucket{route=\"/allocation\",le=\"0.001\"} 1\n"));
    CHECK(strstr(t, "kubetally_http_request_duration_seconds_bucket{route=\"/allocation\",le=\"0.005\"} 2\n"));
    CHECK(strstr(t, "kubetally_http_request_duration_seconds_bucket{route=\"/allocation\",le=\"0.25\"} 3\n"));
    CHECK(strstr(t, "kubetally_http_request_duration_seconds_bucket{route=\"/allocation\",le=\"+Inf\"} 3\n"));
    CHECK(strstr(t, "kubetally_http_request_duration_seconds_count{route=\"/allocation\"} 3\n"));
    CHECK(strstr(t, "kubetally_cluster_last_contact_timestamp_seconds{cluster_id=\"c\\\"1\"} 1767225600\n"));
    CHECK(strstr(t, "kubetally_cluster_error{cluster_id=\"c\\\"1\"} 1\n"));
    CHECK(strstr(t, "kubetally_store_size_bytes 4096\n"));
    CHECK(!strstr(t, "connection refused")); /* error text stays in /clusters, not in label values */
    buf_free(&b);
}

int main(void)
{
    build();
    RUN(cost_metrics);
    RUN(empty_dataset);
    RUN(health_histogram);
    ds_free(&ds);
    return check_done();
}

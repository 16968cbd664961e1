/* test_kube_cloud.c — provider, region, zone, instance, pool, spot and
 * capacity type of a node from its providerID and labels (cloud.h). */
#include "check.h"
#include "kube/cloud.h"

/* Labels as a NULL-terminated list of key, value pairs. */
static const char *pairs_get(void *ctx, const char *key)
{
    for (const char *const *p = ctx; p && *p; p += 2)
        if (!strcmp(p[0], key))
            return p[1];
    return NULL;
}

static void detect(const char *const *labels, const char *pid, kt_cloud *c)
{
    kube_cloud_detect(pairs_get, (void *)labels, pid, c);
}

TEST(eks_managed_nodegroup)
{
    static const char *const l[] = {"node.kubernetes.io/instance-type", "t3.small",
                                    "topology.kubernetes.io/zone", "us-east-1a",
                                    "eks.amazonaws.com/capacityType", "ON_DEMAND",
                                    "eks.amazonaws.com/nodegroup", "ng-1",
                                    "kubernetes.io/arch", "amd64", "kubernetes.io/os", "linux", NULL};
    kt_cloud c;
    detect(l, "aws:///us-east-1a/i-08736224042c4ee75", &c);
    CHECK_STR(c.provider, "aws");
    CHECK_STR(c.zone, "us-east-1a");
    CHECK_STR(c.region, "us-east-1"); /* no region label: zone minus its letter */
    CHECK_STR(c.instance_type, "t3.small");
    CHECK_STR(c.pool, "ng-1");
    CHECK_STR(c.capacity_type, "ON_DEMAND");
    CHECK(c.spot == 0);
    CHECK_STR(c.arch, "amd64");
    CHECK_STR(c.os, "linux");
    CHECK_STR(c.gpu_type, "");
}

TEST(aws_zone_from_provider_id_and_region_rules)
{
    kt_cloud c;
    /* no zone labels: the providerID's zone; region derived from it */
    detect(NULL, "aws:///eu-west-1b/i-0fed", &c);
    CHECK_STR(c.zone, "eu-west-1b");
    CHECK_STR(c.region, "eu-west-1");
    detect(NULL, "aws:///us-gov-west-1a/i-1", &c);
    CHECK_STR(c.region, "us-gov-west-1");
    detect(NULL, "aws:///us-west-2-lax-1a/i-1", &c); /* a Local Zone belongs to us-west-2 */
    CHECK_STR(c.region, "us-west-2");
    detect(NULL, "aws:///i-0abc", &c);               /* no zone part (instance only) */
    CHECK_STR(c.provider, "aws");
    CHECK_STR(c.zone, "");
    CHECK_STR(c.region, "");
    /* a region label wins over derivation; beta labels are read too */
    static const char *const beta[] = {"failure-domain.beta.kubernetes.io/region", "ap-south-1",
                                       "failure-domain.beta.kubernetes.io/zone", "ap-south-1c",
                                       "beta.kubernetes.io/instance-type", "m6i.large",
                                       "beta.kubernetes.io/arch", "arm64", NULL};
    detect(beta, "aws:///us-east-1a/i-1", &c);
    CHECK_STR(c.region, "ap-south-1");
    CHECK_STR(c.zone, "ap-south-1c"); /* label before providerID */
    CHECK_STR(c.instance_type, "m6i.large");
    CHECK_STR(c.arch, "arm64");
}

TEST(gke_spot_and_preemptible)
{
    static const char *const spot[] = {"cloud.google.com/gke-spot", "true",
                                       "cloud.google.com/gke-nodepool", "pool-a",
                                       "cloud.google.com/gke-accelerator", "nvidia-l4", NULL};
    kt_cloud c;
    detect(spot, "gce://proj/europe-west1-b/gke-pool-a-1", &c);
    CHECK_STR(c.provider, "gcp");
    CHECK_STR(c.zone, "europe-west1-b");
    CHECK_STR(c.region, "europe-west1"); /* zone minus "-b" */
    CHECK_STR(c.pool, "pool-a");
    CHECK_STR(c.gpu_type, "nvidia-l4");
    CHECK(c.spot == 1);
    CHECK_STR(c.capacity_type, "spot"); /* no capacity label: spot ⇒ "spot" */
    static const char *const pre[] = {"cloud.google.com/gke-preemptible", "TRUE", NULL};
    detect(pre, "gce://proj/us-central1-c/n", &c);
    CHECK(c.spot == 1); /* values compare case-insensitively */
    static const char *const std[] = {"cloud.google.com/gke-provisioning", "standard", NULL};
    detect(std, "gce://proj/us-central1-c/n", &c);
    CHECK(c.spot == 0);
    CHECK_STR(c.capacity_type, "standard");
}

TEST(aks_scale_set_spot)
{
    static const char *const l[] = {"kubernetes.azure.com/scalesetpriority", "spot",
                                    "kubernetes.azure.com/agentpool", "spotpool",
                                    "topology.kubernetes.io/zone", "westeurope-1",
                                    "node.kubernetes.io/instance-type", "Standard_D4s_v3", NULL};
    kt_cloud c;
    detect(l, "azure:///subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/"
              "virtualMachineScaleSets/aks-spot-1/virtualMachines/0", &c);
    CHECK_STR(c.provider, "azure");
    CHECK_STR(c.zone, "westeurope-1");
    CHECK_STR(c.region, "westeurope");
    CHECK_STR(c.pool, "spotpool");
    CHECK_STR(c.instance_type, "Standard_D4s_v3");
    CHECK(c.spot == 1);
    CHECK_STR(c.capacity_type, "spot");
    /* Azure's non-zonal nodes have zone "0": no region to derive */
    static const char *const z0[] = {"topology.kubernetes.io/zone", "0", "agentpool", "np", NULL};
    detect(z0, "azure:///subscriptions/s", &c);
    CHECK_STR(c.region, "");
    CHECK_STR(c.pool, "np");
}

TEST(karpenter_and_lifecycle)
{
    static const char *const l[] = {"karpenter.sh/capacity-type", "spot", "karpenter.sh/nodepool", "default", NULL};
    kt_cloud c;
    detect(l, "aws:///eu-central-1a/i-1", &c);
    CHECK(c.spot == 1);
    CHECK_STR(c.pool, "default");
    CHECK_STR(c.capacity_type, "spot");
    static const char *const od[] = {"karpenter.sh/capacity-type", "on-demand", NULL};
    detect(od, "aws:///eu-central-1a/i-1", &c);
    CHECK(c.spot == 0);
    CHECK_STR(c.capacity_type, "on-demand");
    static const char *const lc[] = {"node.kubernetes.io/lifecycle", "spot", NULL};
    detect(lc, "", &c);
    CHECK(c.spot == 1);
    CHECK_STR(c.provider, "onprem"); /* lifecycle says nothing about the cloud */
}

TEST(provider_without_provider_id)
{
    kt_cloud c;
    static const char *const eks[] = {"eks.amazonaws.com/nodegroup", "ng", "topology.kubernetes.io/zone", "us-east-2b", NULL};
    detect(eks, NULL, &c);
    CHECK_STR(c.provider, "aws");
    CHECK_STR(c.region, "us-east-2");
    static const char *const kar[] = {"karpenter.k8s.aws/instance-family", "c6g", NULL};
    detect(kar, "", &c);
    CHECK_STR(c.provider, "aws");
    static const char *const gke[] = {"cloud.google.com/gke-nodepool", "p", "topology.kubernetes.io/zone", "us-central1-a", NULL};
    detect(gke, "", &c);
    CHECK_STR(c.provider, "gcp");
    CHECK_STR(c.region, "us-central1");
    static const char *const aks[] = {"kubernetes.azure.com/cluster", "mc_rg", NULL};
    detect(aks, "", &c);
    CHECK_STR(c.provider, "azure");
    static const char *const none[] = {"kubernetes.io/hostname", "rack1", "topology.kubernetes.io/zone", "dc1-a", NULL};
    detect(none, "", &c);
    CHECK_STR(c.provider, "onprem");
    CHECK_STR(c.zone, "dc1-a");
    CHECK_STR(c.region, ""); /* no cloud rule to derive an on-prem region */
    kube_cloud_detect(NULL, NULL, NULL, &c);
    CHECK_STR(c.provider, "onprem");
    CHECK_STR(c.region, "");
    CHECK_STR(c.pool, "");
    CHECK_STR(c.capacity_type, "");
    CHECK(c.spot == 0);
}

TEST(other_schemes_and_garbage)
{
    kt_cloud c;
    detect(NULL, "kind://docker/kind/kind-worker", &c);
    CHECK_STR(c.provider, "kind");
    detect(NULL, "openstack:///8c5f-uuid", &c);
    CHECK_STR(c.provider, "openstack");
    detect(NULL, "vsphere://4201-uuid", &c);
    CHECK_STR(c.provider, "vsphere");
    detect(NULL, "://nothing", &c);
    CHECK_STR(c.provider, "onprem");
    detect(NULL, "has space://x", &c);
    CHECK_STR(c.provider, "onprem");
    detect(NULL, "aws", &c);
    CHECK_STR(c.provider, "onprem");
    /* a scheme longer than provider_buf is dropped, not truncated into a wrong name */
    detect(NULL, "averyveryveryveryveryverylongschemename://x", &c);
    CHECK_STR(c.provider, "onprem");
    /* a zone longer than zone_buf from the providerID is dropped */
    char pid[300] = "gce://p/";
    memset(pid + 8, 'z', 200);
    strcpy(pid + 208, "/n");
    detect(NULL, pid, &c);
    CHECK_STR(c.provider, "gcp");
    CHECK_STR(c.zone, "");
    CHECK_STR(c.region, "");
    /* empty label values count as absent */
    static const char *const empty[] = {"topology.kubernetes.io/zone", "", NULL};
    detect(empty, "aws:///us-east-1d/i-1", &c);
    CHECK_STR(c.zone, "us-east-1d");
}

int main(void)
{
    RUN(eks_managed_nodegroup);
    RUN(aws_zone_from_provider_id_and_region_rules);
    RUN(gke_spot_and_preemptible);
    RUN(aks_scale_set_spot);
    RUN(karpenter_and_lifecycle);
    RUN(provider_without_provider_id);
    RUN(other_schemes_and_garbage);
    return check_done();
}

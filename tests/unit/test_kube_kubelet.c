/* test_kube_kubelet.c — the kubelet Summary API into meter samples. */
#include <jansson.h>

#include "check.h"
#include "kube/kubelet_stats.h"

/* Two pods on one node, as a kubelet answers /stats/summary (trimmed):
 *  shop/web-1: app 250,000,000 nanocores = 0.25 cores, 128 MiB working
 *    set; sidecar with no cpu.time (falls back to memory.time); a
 *    container without usage (skipped); two interfaces 1000+500 B in,
 *    2000+0 B out; claim data-a 3 GiB used of 10 GiB; an emptyDir (no
 *    pvcRef: not a claim).
 *  batch/job-1: main 2 cores, 0 bytes; network without interfaces (the
 *    top-level default interface: 7 in, 9 out); a claim without a time
 *    (skipped). */
TEST(summary)
{
    const char *doc =
        "{\"node\":{\"nodeName\":\"n1\"},\"pods\":["
        " {\"podRef\":{\"name\":\"web-1\",\"namespace\":\"shop\",\"uid\":\"u1\"},\"containers\":["
        "   {\"name\":\"app\",\"cpu\":{\"time\":\"2026-11-24T10:00:00Z\",\"usageNanoCores\":250000000},"
        "    \"memory\":{\"time\":\"2026-11-24T10:00:00Z\",\"workingSetBytes\":134217728}},"
        "   {\"name\":\"sidecar\",\"cpu\":{\"usageNanoCores\":1000000},"
        "    \"memory\":{\"time\":\"2026-11-24T10:00:03.5Z\",\"workingSetBytes\":1048576}},"
        "   {\"name\":\"starting\"}],"
        "  \"network\":{\"time\":\"2026-11-24T10:00:01Z\",\"rxBytes\":1000,\"txBytes\":2000,\"interfaces\":["
        "   {\"name\":\"eth0\",\"rxBytes\":1000,\"txBytes\":2000},{\"name\":\"eth1\",\"rxBytes\":500,\"txBytes\":0}]},"
        "  \"volume\":[{\"time\":\"2026-11-24T10:00:02Z\",\"name\":\"data\",\"usedBytes\":3221225472,"
        "   \"capacityBytes\":10737418240,\"pvcRef\":{\"name\":\"data-a\",\"namespace\":\"shop\"}},"
        "   {\"time\":\"2026-11-24T10:00:02Z\",\"name\":\"tmp\",\"usedBytes\":5,\"capacityBytes\":10}]},"
        " {\"podRef\":{\"name\":\"job-1\",\"namespace\":\"batch\"},\"containers\":["
        "   {\"name\":\"main\",\"cpu\":{\"time\":\"2026-11-24T10:00:05Z\",\"usageNanoCores\":2000000000},"
        "    \"memory\":{\"time\":\"2026-11-24T10:00:05Z\",\"workingSetBytes\":0}}],"
        "  \"network\":{\"time\":\"2026-11-24T10:00:05Z\",\"rxBytes\":7,\"txBytes\":9},"
        "  \"volume\":[{\"name\":\"scratch\",\"usedBytes\":1,\"capacityBytes\":2,"
        "   \"pvcRef\":{\"name\":\"scratch\",\"namespace\":\"batch\"}}]},"
        " {\"podRef\":{\"namespace\":\"shop\"}}]}";
    json_t *j = json_loads(doc, 0, NULL);
    kt_strtab s;
    strtab_init(&s);
    kt_kubelet_batch b = {0};
    CHECK(j && kube_kubelet_decode(j, 30, &s, &b) == 0);
    CHECK(b.usage.n == 3);
    /* "starting" (no usage), job-1's claim without a time, the pod without a name */
    CHECK(b.skipped == 3);
    if (b.usage.n == 3) {
        const kt_usage_sample *u = b.usage.s;
        CHECK_STR(strtab_get(&s, u[0].namespace_), "shop");
        CHECK_STR(strtab_get(&s, u[0].pod), "web-1");
        CHECK_STR(strtab_get(&s, u[0].container), "app");
        CHECK_NEAR(u[0].cpu_cores, 0.25, 1e-15);            /* 250,000,000 / 1e9 */
        CHECK(u[0].ram_bytes == 134217728.0);
        CHECK(u[0].t == 1795514400 && u[0].window == 30);    /* 2026-11-24T10:00:00Z; the poll interval */
        CHECK_NEAR(u[1].cpu_cores, 0.001, 1e-15);
        CHECK(u[1].t == 1795514403);                         /* memory.time, fraction dropped */
        CHECK_STR(strtab_get(&s, u[2].container), "main");
        CHECK(u[2].cpu_cores == 2 && u[2].ram_bytes == 0);
    }
    CHECK(b.n_net == 2);
    if (b.n_net == 2) {
        CHECK(b.net[0].rx_bytes == 1500 && b.net[0].tx_bytes == 2000); /* 1000 + 500, 2000 + 0 */
        CHECK(b.net[0].t == 1795514401);
        CHECK(b.net[1].rx_bytes == 7 && b.net[1].tx_bytes == 9);
        CHECK_STR(strtab_get(&s, b.net[1].pod), "job-1");
    }
    CHECK(b.n_vol == 1);
    if (b.n_vol == 1) {
        CHECK_STR(strtab_get(&s, b.vol[0].namespace_), "shop");
        CHECK_STR(strtab_get(&s, b.vol[0].claim), "data-a");
        CHECK(b.vol[0].used_bytes == 3221225472.0 && b.vol[0].capacity_bytes == 10737418240.0);
        CHECK(b.vol[0].t == 1795514402);
    }
    kube_kubelet_reset(&b);
    CHECK(b.usage.n == 0 && b.n_net == 0 && b.n_vol == 0 && b.skipped == 0);
    json_t *status = json_loads("{\"kind\":\"Status\",\"code\":503}", 0, NULL);
    CHECK(kube_kubelet_decode(status, 30, &s, &b) == -1);
    /* negative or non-numeric numbers are refused, not wrapped */
    json_t *bad = json_loads("{\"pods\":[{\"podRef\":{\"name\":\"p\",\"namespace\":\"n\"},\"containers\":[{\"name\":"
                             "\"c\",\"cpu\":{\"time\":\"2026-11-24T10:00:00Z\",\"usageNanoCores\":-5},\"memory\":"
                             "{\"workingSetBytes\":\"lots\"}}]}]}", 0, NULL);
    CHECK(kube_kubelet_decode(bad, 30, &s, &b) == 0 && b.usage.n == 0 && b.skipped == 1);
    json_decref(bad);
    json_decref(status);
    json_decref(j);
    kube_kubelet_free(&b);
    strtab_free(&s);
}

int main(void)
{
    RUN(summary);
    return check_done();
}

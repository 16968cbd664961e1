/* test_posture_placement.c — data residency and the resilience of critical
 * workloads on tests/fixtures/posture/cluster-dump.yaml with rules.yaml,
 * region normalisation across clouds, and the rules file format.  The
 * expected findings are worked out in the comments. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "posture/jx.h"
#include "posture/residency.h"
#include "posture/resilience.h"
#include "posture_shared.h"

#define FIX "tests/fixtures/posture"

static size_t count(const kt_findings *l, const char *check, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        n += !strcmp(l->f[i].check, check) && (!name || !strcmp(l->f[i].name, name));
    return n;
}

TEST(regions)
{
    kt_manifest m;
    CHECK(load_in(FIX, "cluster-dump.yaml", &m) == 0);
    kt_placement pl;
    placement_build(&m, &pl);
    CHECK(pl.n_nodes == 3);
    /* n3 has only a zone label and an AWS providerID: region from the zone */
    const kt_place *n3 = placement_node(&pl, "n3");
    CHECK(n3 && !strcmp(n3->cloud.region, "eu-west-1") && !strcmp(n3->cloud.provider, "aws"));
    placement_free(&pl);
    manifest_free(&m);
    /* a GCP disk known only by its CSI zone: europe-west1-b → europe-west1;
     * an Azure disk by its region label */
    json_t *gcp = json_loads("{\"kind\":\"PersistentVolume\",\"spec\":{\"nodeAffinity\":{\"required\":"
                             "{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"topology.gke.io/zone\","
                             "\"operator\":\"In\",\"values\":[\"europe-west1-b\"]}]}]}}}}",
                             0, NULL);
    kt_cloud c;
    placement_volume(gcp, &c);
    CHECK(!strcmp(c.region, "europe-west1"));
    json_decref(gcp);
    json_t *az = json_loads("{\"kind\":\"PersistentVolume\",\"metadata\":{\"labels\":"
                            "{\"topology.kubernetes.io/region\":\"westeurope\"}}}",
                            0, NULL);
    placement_volume(az, &c);
    CHECK(!strcmp(c.region, "westeurope"));
    json_decref(az);
}

TEST(residency_and_resilience)
{
    kt_manifest m;
    kt_posture_rules r;
    kt_err err = {0};
    CHECK(load_in(FIX, "cluster-dump.yaml", &m) == 0);
    CHECK(rules_load(&r, FIX "/rules.yaml", &err) == 0);
    CHECK(r.n_residency == 1 && r.residency[0].n_regions == 7);
    kt_placement pl;
    placement_build(&m, &pl);
    kt_findings f = {0};
    /* Namespace shop is labelled data-residency=eu.  web-1, web-2 run on n1
     * (eu-west-1: allowed); api-1 runs on n2 (us-east-1: violation); claim
     * shop/orders is bound to pv-orders in us-east-1 (violation).  Pods in
     * default are not covered. → 2 findings. */
    residency_check(&m, &r, &pl, &f);
    CHECK(f.n == 2);
    CHECK(count(&f, "residency/eu", "api-1") == 1 && count(&f, "residency/eu", "orders") == 1);
    findings_free(&f);
    /* Critical (kubetally.io/critical=true): web and api.  web: 2 replicas
     * (fine), no PDB (pdb), both Ready pods on n1 (node) in eu-west-1a
     * (zone).  api: 1 replica (replicas), no PDB (pdb), its only pod is not
     * Ready (unavailable).  → 6 findings; only web is placed, in one cloud,
     * region and zone. */
    kt_resilience_summary s;
    resilience_check(&m, &r, &pl, &f, &s);
    CHECK(f.n == 6);
    CHECK(count(&f, "resilience/pdb", NULL) == 2 && count(&f, "resilience/node", "web") == 1);
    CHECK(count(&f, "resilience/zone", "web") == 1 && count(&f, "resilience/replicas", "api") == 1);
    CHECK(count(&f, "resilience/unavailable", "api") == 1);
    CHECK(s.critical == 2 && s.placed == 1 && s.one_provider == 1 && s.one_region == 1 && s.one_zone == 1);
    /* the per-workload list the spend view fills (posture/spend.h) */
    CHECK(s.apps && s.apps[0].ns && s.apps[1].ns && s.apps[0].one_provider + s.apps[1].one_provider == 1);
    resilience_summary_free(&s);
    findings_free(&f);
    placement_free(&pl);

    /* The same dump read twice is two clusters: web now runs in 2 clusters,
     * all its Ready pods in aws → one single-cloud finding (api has no Ready
     * pod, so no placement to judge); per-cluster findings double (12). */
    kt_manifest two;
    CHECK(load_in(FIX, "cluster-dump.yaml", &two) == 0);
    CHECK(manifest_load_file(&two, FIX "/cluster-dump.yaml", &err) == 0);
    placement_build(&two, &pl);
    resilience_check(&two, &r, &pl, &f, &s);
    CHECK(count(&f, "resilience/single-cloud", "web") == 1 && f.n == 13);
    CHECK(s.critical == 2);   /* distinct namespace/kind/name */
    resilience_summary_free(&s);
    findings_free(&f);
    placement_free(&pl);
    manifest_free(&two);
    rules_free(&r);
    manifest_free(&m);
}

TEST(rules_format)
{
    kt_posture_rules r;
    kt_err err = {0};
    const char *no_regions = "residency:\n  - name: eu\n    label: data-residency=eu\n";
    CHECK(rules_parse(&r, "r.yaml", no_regions, strlen(no_regions), &err) == -1);
    CHECK(strstr(err.msg, "r.yaml: residency[0]") != NULL);
    const char *crit = "critical: tier=gold\n";
    CHECK(rules_parse(&r, "r.yaml", crit, strlen(crit), &err) == 0);
    CHECK(!strcmp(r.critical_key, "tier") && !strcmp(r.critical_value, "gold"));
    rules_free(&r);
    rules_default(&r);
    CHECK(!strcmp(r.critical_key, "kubetally.io/critical") && !strcmp(r.critical_value, "true"));
    rules_free(&r);
}

int main(void)
{
    RUN(regions);
    RUN(residency_and_resilience);
    RUN(rules_format);
    return check_done();
}

/* test_meter_share.c — volumes and load balancers split among pods by
 * overlapping running time (hand computed), unbound volumes, cluster fees,
 * controllers resolved through ReplicaSets and Jobs, services and
 * namespace labels on the records, and conservation through the allocation
 * engine over everything the meter wrote. */
#include "engine/query.h"
#include "test_meter_fixture.h"

static void fx_upsert(fx *f, kt_object *o, int64_t now) { f->k.on_upsert(f->k.ctx, o, now); }

static void pv(fx *f, const char *name, const char *sc, const char *claim_ns, const char *claim, double gib, int64_t now)
{
    kt_object o = {.kind = K_PV};
    o.u.pv = (kt_pv_obj){.name = S(f, name), .storage_class = S(f, sc), .claim_ns = S(f, claim_ns),
                         .claim_name = S(f, claim), .bytes = gib * GIB};
    fx_upsert(f, &o, now);
}

static void service(fx *f, const char *ns, const char *name, const char *type, const char *key, const char *value,
                    int64_t now)
{
    kt_kv_id sel = {S(f, key), S(f, value)};
    kt_object o = {.kind = K_SERVICE};
    o.u.svc = (kt_service_obj){.namespace_ = S(f, ns), .name = S(f, name), .type = S(f, type),
                               .ip = S(f, "203.0.113.7"), .selector = &sel, .n_selector = *key ? 1 : 0};
    fx_upsert(f, &o, now);
}

/* The shared scenario, metered 10:00 → 11:00 on an aws cluster:
 *  - PV pv-a (10 GiB, class "fast" = ebs gp3) bound through PVC db/data,
 *    mounted by db-1 running 10:10–10:40 and db-2 running 10:30–10:50;
 *  - PV pv-free (5 GiB), bound to nothing;
 *  - LoadBalancer web/web-lb and ClusterIP web/web, both app=web, selecting
 *    web-1 (running all hour) and web-2 (from 10:30). */
static void scenario(fx *f)
{
    int64_t t = HM(10, 0);
    fx_node(f, "n1", "aws", "us-east-1", 8, 32, T0, t);
    kt_object o = {.kind = K_STORAGECLASS};
    o.u.sc = (kt_storageclass_obj){S(f, "fast"), S(f, "ebs.csi.aws.com"), S(f, "gp3")};
    fx_upsert(f, &o, t);
    pv(f, "pv-a", "fast", "db", "data", 10, t);
    pv(f, "pv-free", "fast", "", "", 5, t);
    kt_kv_id nsl = {S(f, "team"), S(f, "shop")};
    o = (kt_object){.kind = K_NAMESPACE};
    o.u.ns = (kt_namespace_obj){.name = S(f, "web"), .labels = &nsl, .n_labels = 1};
    fx_upsert(f, &o, t);
    service(f, "web", "web-lb", "LoadBalancer", "app", "web", t);
    service(f, "web", "web", "ClusterIP", "app", "web", t);
    service(f, "db", "db-all", "ClusterIP", "", "", t); /* empty selector: selects nothing */
    pod_spec db1 = {"db", "db-1", "n1", "StatefulSet", "db", {{"pg", 1, 4, HM(10, 10), 0, 1}}, 1, {NULL}, {"data", NULL}};
    pod_spec db2 = {"db", "db-2", "n1", "StatefulSet", "db", {{"pg", 1, 4, HM(10, 30), 0, 1}}, 1, {NULL}, {"data", NULL}};
    pod_spec w1 = {"web", "web-1", "n1", "ReplicaSet", "web-abc", {{"app", 0.5, 1, HM(9, 0), 0, 1}}, 1,
                   {"app", "web", NULL}, {NULL}};
    pod_spec w2 = {"web", "web-2", "n1", "ReplicaSet", "web-abc", {{"app", 0.5, 1, HM(10, 30), 0, 1}}, 1,
                   {"app", "web", NULL}, {NULL}};
    pod_spec job = {"ops", "backup-123-x", "n1", "Job", "backup-123", {{"b", 0.1, 0.5, HM(10, 0), HM(10, 6), 0}}, 1,
                    {NULL}, {NULL}};
    pod_spec ds = {"kube-system", "agent-q", "n1", "DaemonSet", "agent", {{"a", 0.1, 0.1, HM(9, 0), 0, 1}}, 1,
                   {NULL}, {NULL}};
    pod_spec orphan = {"web", "rs-only", "n1", "ReplicaSet", "gone-rs", {{"a", 0.1, 0.1, HM(9, 0), 0, 1}}, 1,
                       {NULL}, {NULL}};
    fx_pod(f, &db1, HM(10, 10)), fx_pod(f, &w1, t), fx_pod(f, &job, t), fx_pod(f, &ds, t), fx_pod(f, &orphan, t);
    CHECK(fx_flush(f, HM(10, 20)) == 0); /* before the ReplicaSet, Job and PVC are known */
    fx_pod(f, &db2, HM(10, 30)), fx_pod(f, &w2, HM(10, 30));
    o = (kt_object){.kind = K_PVC};
    o.u.pvc = (kt_pvc_obj){S(f, "db"), S(f, "data"), S(f, "pv-a"), S(f, "fast"), 10 * GIB};
    fx_upsert(f, &o, HM(10, 30));
    o = (kt_object){.kind = K_REPLICASET};
    o.u.owner = (kt_owner_obj){S(f, "web"), S(f, "web-abc"), S(f, "Deployment"), S(f, "web")};
    fx_upsert(f, &o, HM(10, 31));
    o = (kt_object){.kind = K_JOB};
    o.u.owner = (kt_owner_obj){S(f, "ops"), S(f, "backup-123"), S(f, "CronJob"), S(f, "backup")};
    fx_upsert(f, &o, HM(10, 31));
    db1.c[0] = (ctr_spec){"pg", 1, 4, HM(10, 10), HM(10, 40), 0};
    fx_pod(f, &db1, HM(10, 41));
    db2.c[0] = (ctr_spec){"pg", 1, 4, HM(10, 30), HM(10, 50), 0};
    fx_pod(f, &db2, HM(10, 51));
    CHECK(fx_flush(f, HM(11, 0)) == 0);
}

static double pv_hours(const kt_dataset *ds, const char *pod, const char *vol)
{
    double h = 0;
    int found = 0;
    for (size_t i = 0; i < ds->n_pvfacts; i++) {
        const ds_pod_volume_fact *f = &ds->pvfacts[i];
        if (!strcmp(ds_str(ds, ds->pods[f->pod].name), pod) && !strcmp(ds_str(ds, ds->volumes[f->volume].name), vol))
            h += f->hours, found = 1;
    }
    return found ? h : -1;
}

static double lb_hours(const kt_dataset *ds, const char *pod)
{
    double h = 0;
    int found = 0;
    for (size_t i = 0; i < ds->n_plbfacts; i++)
        if (!strcmp(ds_str(ds, ds->pods[ds->plbfacts[i].pod].name), pod))
            h += ds->plbfacts[i].hours, found = 1;
    return found ? h : -1;
}

static const ds_volume_fact *vfact(const kt_dataset *ds, const char *vol)
{
    for (size_t i = 0; i < ds->n_vfacts; i++)
        if (!strcmp(ds_str(ds, ds->volumes[ds->vfacts[i].volume].name), vol))
            return &ds->vfacts[i];
    return NULL;
}

static int pod_has_service(const kt_dataset *ds, long p, const char *svc)
{
    for (uint32_t i = 0; p >= 0 && i < ds->pods[p].n_svcs; i++)
        if (!strcmp(ds_str(ds, ds->svcs[ds->pods[p].svc_off + i]), svc))
            return 1;
    return 0;
}

/* 6 and 7. */
TEST(volumes_lbs_and_fees)
{
    fx f;
    fx_open(&f, "share", HM(10, 0), 0);
    scenario(&f);
    kt_dataset ds;
    fx_load(&f, HM(10, 0), HM(11, 0), &ds);
    /* pv-a present all hour (1 h, 10 GiB):
     *   10:00–10:10 nobody            → unmounted 1/6 h
     *   10:10–10:30 db-1 alone        → db-1 += 1/3
     *   10:30–10:40 db-1 and db-2     → each += 1/12
     *   10:40–10:50 db-2 alone        → db-2 += 1/6
     *   10:50–11:00 nobody            → unmounted 1/6
     * db-1 = 1/3 + 1/12 = 5/12; db-2 = 1/12 + 1/6 = 3/12; unmounted 4/12 */
    const ds_volume_fact *v = vfact(&ds, "pv-a");
    CHECK(v && v->hours == 1 && v->bytes == 10 * GIB);
    const char *src = NULL;
    double price = pricing_volume_gib_hour(NULL, "aws", "us-east-1", "ebs.csi.aws.com", "gp3", &src);
    CHECK_NEAR(v ? v->price_gib_hour : -1, price, 1e-12);
    CHECK_NEAR(pv_hours(&ds, "db-1", "pv-a"), 5.0 / 12, 1e-12);
    CHECK_NEAR(pv_hours(&ds, "db-2", "pv-a"), 3.0 / 12, 1e-12);
    /* the unbound volume: its hour, nobody's share */
    v = vfact(&ds, "pv-free");
    CHECK(v && v->hours == 1 && v->bytes == 5 * GIB);
    double any = 0;
    for (size_t i = 0; i < ds.n_pvfacts; i++)
        any += !strcmp(ds_str(&ds, ds.volumes[ds.pvfacts[i].volume].name), "pv-free");
    CHECK(any == 0 && ds.n_pvfacts == 2);
    /* web-lb: 10:00–10:30 web-1 alone (1/2 h), 10:30–11:00 both (1/4 each):
     * web-1 = 3/4, web-2 = 1/4; price 0.025/h from pricing_lb_hourly */
    CHECK(ds.n_lbfacts == 1 && ds.lbfacts[0].hours == 1);
    CHECK_NEAR(ds.lbfacts[0].hourly, pricing_lb_hourly(NULL, "aws", "us-east-1", NULL), 1e-12);
    CHECK_NEAR(lb_hours(&ds, "web-1"), 0.75, 1e-12);
    CHECK_NEAR(lb_hours(&ds, "web-2"), 0.25, 1e-12);
    /* EKS fee: every metered second, 1 h at 0.10/h */
    CHECK(ds.n_feefacts == 1);
    CHECK_NEAR(ds.n_feefacts ? ds.feefacts[0].hours : -1, 1, 1e-12);
    CHECK_NEAR(ds.n_feefacts ? ds.feefacts[0].hourly : -1, pricing_cluster_fee(NULL, "aws", "us-east-1", NULL), 1e-12);
    CHECK_STR(ds.n_feefacts ? ds_str(&ds, ds.feefacts[0].kind) : "", "eks");
    CHECK(ds.n_clusters == 1 && !strcmp(ds_str(&ds, ds.clusters[0].provider), "aws"));
    ds_free(&ds);
    kt_meter_counts k;
    meter_counts(f.m, &k);
    CHECK_STR(k.provider, "aws");
    CHECK_STR(k.region, "us-east-1");
    fx_close(&f);
}

/* 8. */
TEST(controllers_services_namespaces)
{
    fx f;
    fx_open(&f, "records", HM(10, 0), 0);
    scenario(&f);
    kt_dataset ds;
    fx_load(&f, HM(10, 0), HM(11, 0), &ds);
    struct { const char *ns, *pod, *kind, *ctrl; } want[] = {
        {"web", "web-1", "deployment", "web"},     /* ReplicaSet web-abc → Deployment web (RS after the pod) */
        {"web", "web-2", "deployment", "web"},
        {"ops", "backup-123-x", "cronjob", "backup"}, /* Job → CronJob */
        {"db", "db-1", "statefulset", "db"},
        {"kube-system", "agent-q", "daemonset", "agent"},
        {"web", "rs-only", "replicaset", "gone-rs"}, /* its ReplicaSet never seen */
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        long p = ds_pod_index(&ds, want[i].ns, want[i].pod);
        CHECK(p >= 0);
        if (p < 0)
            continue;
        CHECK_STR(ds_str(&ds, ds.pods[p].controller_kind), want[i].kind);
        CHECK_STR(ds_str(&ds, ds.pods[p].controller), want[i].ctrl);
    }
    long w = ds_pod_index(&ds, "web", "web-1");
    CHECK(w >= 0 && ds.pods[w].n_svcs == 2 && pod_has_service(&ds, w, "web") && pod_has_service(&ds, w, "web-lb"));
    long r = ds_pod_index(&ds, "web", "rs-only");
    CHECK(r >= 0 && ds.pods[r].n_svcs == 0); /* no app=web label */
    long d = ds_pod_index(&ds, "db", "db-1");
    CHECK(d >= 0 && ds.pods[d].n_svcs == 0); /* db-all has an empty selector */
    /* namespace labels reach the pods (team=shop on namespace web) */
    uint32_t team = strtab_find(&ds.strs, "team");
    CHECK(w >= 0 && team != UINT32_MAX && !strcmp(ds_str(&ds, ds_pod_label(&ds, &ds.pods[w], team, 0)), "shop"));
    CHECK(w >= 0 && !strcmp(ds_str(&ds, ds_pod_label(&ds, &ds.pods[w], strtab_find(&ds.strs, "app"), 0)), "web"));
    ds_free(&ds);
    fx_close(&f);
}

/* 9. Everything the meter wrote, through the engine: Σ allocations + idle +
 * unmounted + shared = Σ assets, for several aggregations and options. */
TEST(conservation)
{
    fx f;
    fx_open(&f, "conserve", HM(10, 0), 0);
    scenario(&f);
    const char *aggs[] = {"", "namespace", "pod", "controllerKind,controller", "service", "label:team", "node"};
    const char *opts[][2] = {{"idle", "true"}, {"shareIdle", "true"}, {"shareTenancyCosts", "false"},
                             {"shareNamespaces", "kube-system"}};
    int sets = 0;
    for (size_t a = 0; a < sizeof aggs / sizeof *aggs; a++)
        for (size_t o = 0; o < sizeof opts / sizeof *opts; o++) {
            kv p = {{"window", "aggregate", opts[o][0]}, {"1767261600,1767265200", aggs[a], opts[o][1]}, 3};
            kt_alloc_query q;
            kt_query_holder h;
            kt_err err = {0};
            kt_alloc_result r;
            kt_dataset ds;
            CHECK(alloc_query_parse(kv_get, &p, HM(11, 0), &q, &h, &err) == 0);
            fx_load(&f, q.window.start, q.window.end, &ds);
            if (alloc_compute(&ds, &q, &r, &err)) {
                fprintf(stderr, "alloc: %s\n", err.msg);
                CHECK(0);
            } else {
                for (size_t i = 0; i < r.n; i++, sets++) {
                    double total = 0, want = r.sets[i].assets_cost + r.sets[i].external_cost;
                    for (size_t k = 0; k < r.sets[i].n; k++)
                        total += alloc_total(&r.sets[i].items[k]);
                    CHECK_NEAR(total, want, 1e-9 * want);
                    /* the assets are the node, two disks, the LB and the fee */
                    CHECK(want > 0.1);
                }
                alloc_result_free(&r);
            }
            query_holder_free(&h);
            ds_free(&ds);
        }
    CHECK(sets == 28);
    fx_close(&f);
}

int main(void)
{
    RUN(volumes_lbs_and_fees);
    RUN(controllers_services_namespaces);
    RUN(conservation);
    return check_done();
}

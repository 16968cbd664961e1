/* fleet.c — generating the demo fleet; see fleet.h.
 *
 * Shape: each cluster gets a share of the pods; its namespaces hold
 * workloads; nodes are sized so peak requests fill ~75% of capacity.  Hour
 * by hour, each workload's replica count follows a daily/weekly curve
 * (Deployments), stays fixed (StatefulSets, DaemonSets) or runs for part of
 * the hour (CronJobs); usage follows the same curve around a per-workload
 * ratio, some above the request.  One transaction per day. */
#include "demo/fleet.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/time.h"
#include "pricing/node_split.h"
#include "util/buf.h"
#include "util/log.h"

typedef struct itype {
    const char *name;
    double cpu, ram_gib, gpus;
    int spot; /* some nodes of this type run on spot capacity */
} itype;

typedef struct cluster_def {
    const char *name, *provider, *region, *zones[3], *storage_class, *provisioner, *disk_type;
    double share;
    itype types[2];
} cluster_def;

/* Real instance types; what they cost comes from the pricing module (the
 * built-in catalog or the user's sheet), as for a live cluster. */
static const cluster_def clusters[] = {
    {"aws-prod-us-east-1", "aws", "us-east-1", {"us-east-1a", "us-east-1b", "us-east-1c"}, "gp3", "ebs.csi.aws.com",
     "gp3", 0.40, {{"m5.2xlarge", 8, 32, 0, 1}, {"c5.2xlarge", 8, 16, 0, 1}}},
    {"gcp-prod-europe-west1", "gcp", "europe-west1", {"europe-west1-b", "europe-west1-c", "europe-west1-d"},
     "pd-balanced", "pd.csi.storage.gke.io", "pd-balanced", 0.25, {{"n2-standard-8", 8, 32, 0, 1}, {"e2-standard-8", 8, 32, 0, 0}}},
    {"azure-prod-westeurope", "azure", "westeurope", {"westeurope-1", "westeurope-2", "westeurope-3"},
     "managed-csi", "disk.csi.azure.com", "StandardSSD_LRS", 0.20,
     {{"Standard_D8s_v5", 8, 32, 0, 0}, {"Standard_E4s_v5", 4, 32, 0, 0}}},
    {"onprem-dc1", "onprem", "dc1", {"rack-a", "rack-b", "rack-c"}, "local-ssd", "local.csi", "local-ssd", 0.15,
     {{"dell-r650", 16, 64, 0, 0}, {"dell-r650-gpu", 16, 64, 2, 0}}},
};
#define N_CLUSTERS (int)(sizeof clusters / sizeof *clusters)

static const char *teams[] = {"payments", "checkout", "search", "identity", "data", "ml", "platform", "growth"};
static const char *apps[] = {"api", "web", "worker", "gateway", "indexer", "scheduler", "cache", "ingest"};

enum wkind { W_DEPLOY, W_STATEFUL, W_DAEMON, W_CRON };

typedef struct workload {
    int cluster, kind, max_replicas, base_replicas;
    char ns[48], name[64], team[24];
    double cpu_req, ram_req, gpu, use_ratio, phase;
    int sidecar, lb_index;          /* lb_index -1 ⇒ no load balancer */
    int64_t first_pod;              /* index into pod ids */
} workload;

typedef struct fleet {
    kt_store *s;
    const kt_demo_opts *o;
    uint64_t rng;
    workload *w; size_t nw, capw;
    int64_t cluster_id[N_CLUSTERS];
    int64_t *node_id; int *node_cluster, *node_type, *node_spot; size_t nn, capn;
    kt_price *node_price;           /* resolved once per node (pricing.h) */
    double fee[N_CLUSTERS], disk_gib_hour[N_CLUSTERS], lb_hourly[N_CLUSTERS];
    const char *fee_kind[N_CLUSTERS], *disk_src[N_CLUSTERS], *lb_src[N_CLUSTERS];
    int first_node[N_CLUSTERS + 1];
    int64_t *pod_id, *ctr_id, *side_id, *vol_id; size_t np, capp;
    int *pod_node;
    double *node_used;              /* requested cores per node, for placement */
    int gpu_workloads;
    int64_t *lb_id; size_t nlb, caplb;
    kt_demo_stats *st;
} fleet;

static double rnd(fleet *f)
{
    f->rng ^= f->rng << 13;
    f->rng ^= f->rng >> 7;
    f->rng ^= f->rng << 17;
    return (double)(f->rng >> 11) / 9007199254740992.0;
}

/* Load curve in [0.3, 1]: busier in European/US business hours, quieter at weekends. */
static double curve(int64_t t, double phase)
{
    double h = (double)((t / 3600) % 24), day = (double)(((t / 86400) + 4) % 7); /* 0 = Sunday */
    double daily = 0.5 + 0.5 * sin((h - 9 + phase) / 24.0 * 2 * M_PI);
    double weekly = day == 0 || day == 6 ? 0.6 : 1.0;
    return 0.3 + 0.7 * daily * weekly;
}

static void add_workload(fleet *f, int cl, const char *ns, const char *team, int kind, int replicas, const char *app)
{
    grow_array((void **)&f->w, &f->capw, f->nw, sizeof *f->w);
    workload *w = &f->w[f->nw++];
    memset(w, 0, sizeof *w);
    w->cluster = cl, w->kind = kind, w->lb_index = -1;
    snprintf(w->ns, sizeof w->ns, "%s", ns);
    snprintf(w->team, sizeof w->team, "%s", team);
    snprintf(w->name, sizeof w->name, "%s", app);
    static const double cpus[] = {0.1, 0.25, 0.5, 1, 2};
    static const double rams[] = {0.25, 0.5, 1, 2, 4};
    int size = (int)(rnd(f) * 5);
    w->cpu_req = cpus[size];
    w->ram_req = rams[size < 4 ? size + (rnd(f) < 0.3) : 4] * KT_GIB;
    w->use_ratio = 0.15 + rnd(f) * 0.8;
    if (rnd(f) < 0.12)
        w->use_ratio = 1.1 + rnd(f) * 0.4; /* over its request */
    if (kind == W_DAEMON) /* per-node agents are small */
        w->cpu_req = 0.1, w->ram_req = 0.125 * KT_GIB;
    w->phase = rnd(f) * 4 - 2;
    w->sidecar = rnd(f) < 0.3;
    w->max_replicas = kind == W_DEPLOY ? (int)ceil(replicas * 1.2) : replicas;
    w->base_replicas = replicas;
    if (!strcmp(clusters[cl].provider, "onprem") && !strcmp(team, "ml") && kind == W_DEPLOY &&
        f->gpu_workloads < 2) /* the on-prem GPU server has two GPUs */
        w->gpu = 1, w->max_replicas = w->base_replicas = 1, f->gpu_workloads++;
}

/* Namespaces and workloads for every cluster until the pod budget is met. */
static void plan_workloads(fleet *f)
{
    for (int cl = 0; cl < N_CLUSTERS; cl++) {
        int budget = (int)(f->o->pods * clusters[cl].share + 0.5), nsn = 0;
        if (budget < 8) budget = 8;
        add_workload(f, cl, "kube-system", "platform", W_DAEMON, 0, "kube-proxy");
        add_workload(f, cl, "monitoring", "platform", W_DAEMON, 0, "node-exporter");
        add_workload(f, cl, "monitoring", "platform", W_STATEFUL, 2, "prometheus");
        while (budget > 0) {
            const char *team = teams[(cl * 3 + nsn) % 8];
            char ns[48];
            /* team and suffix repeat every 8 namespaces: number the repeats, or two
             * workloads would share pod and load-balancer names (and be merged) */
            if (nsn < 8)
                snprintf(ns, sizeof ns, "%s-%s", team, nsn % 2 ? "prod" : "jobs");
            else
                snprintf(ns, sizeof ns, "%s-%s-%d", team, nsn % 2 ? "prod" : "jobs", nsn / 8);
            int n_apps = 2 + (int)(rnd(f) * 3);
            for (int a = 0; a < n_apps && budget > 0; a++) {
                int reps = 1 + (int)(rnd(f) * (f->o->pods > 2000 ? 40 : 6));
                int kind = a == 0 && nsn % 3 == 1 ? W_STATEFUL : (nsn % 2 == 0 && a == n_apps - 1 ? W_CRON : W_DEPLOY);
                char app[64];
                snprintf(app, sizeof app, "%s-%s", team, apps[(a + nsn) % 8]);
                add_workload(f, cl, ns, team, kind, reps, app);
                if (kind == W_DEPLOY && a == 0 && nsn % 2)
                    f->w[f->nw - 1].lb_index = 0; /* resolved when lbs are written */
                budget -= reps;
            }
            nsn++;
        }
    }
}

/* Nodes: 10% above the requests at peak replicas, so autoscaling peaks fit
 * and quiet hours leave idle capacity, as in a real fleet. */
static int write_nodes(fleet *f, kt_err *err)
{
    for (int cl = 0; cl < N_CLUSTERS; cl++) {
        const cluster_def *c = &clusters[cl];
        kt_cluster_rec cr = {c->name, c->provider, c->region, "USD", "demo"};
        if (store_put_cluster(f->s, &cr, &f->cluster_id[cl], err))
            return -1;
        const kt_pricing *pr = f->o->pricing;
        f->fee[cl] = pricing_cluster_fee(pr, c->provider, c->region, &f->fee_kind[cl]);
        f->disk_gib_hour[cl] = pricing_volume_gib_hour(pr, c->provider, c->region, c->provisioner, c->disk_type,
                                                       &f->disk_src[cl]);
        f->lb_hourly[cl] = pricing_lb_hourly(pr, c->provider, c->region, &f->lb_src[cl]);
        double peak = 0;
        for (size_t i = 0; i < f->nw; i++)
            if (f->w[i].cluster == cl && f->w[i].kind != W_DAEMON)
                peak += f->w[i].max_replicas * f->w[i].cpu_req * (f->w[i].sidecar ? 1.1 : 1);
        int n = (int)ceil(peak * 1.1 / c->types[0].cpu) + 1;
        f->first_node[cl] = (int)f->nn;
        for (int k = 0; k < n; k++) {
            int type = k % 4 == 3 ? 1 : 0, spot = c->types[type].spot && k % 3 == 2;
            if (!strcmp(c->provider, "onprem"))
                type = k == n - 1 ? 1 : 0;
            const itype *it = &c->types[type];
            char name[96], pid[160];
            snprintf(name, sizeof name, "%s-%s-%03d", c->name, spot ? "spot" : "pool", k);
            snprintf(pid, sizeof pid, "%s://%s/%s", !strcmp(c->provider, "gcp") ? "gce" : c->provider, c->zones[k % 3], name);
            kt_node_rec nr = {.cluster_id = f->cluster_id[cl], .name = name, .provider = c->provider,
                              .region = c->region, .zone = c->zones[k % 3], .instance_type = it->name,
                              .pool = spot ? "spot" : "default", .provider_id = pid, .spot = spot,
                              .cpu_cores = it->cpu, .ram_bytes = it->ram_gib * KT_GIB, .gpus = it->gpus,
                              .arch = "amd64", .os = "linux"};
            grow_array((void **)&f->node_id, &f->capn, f->nn, sizeof(int64_t));
            if (store_put_node(f->s, &nr, &f->node_id[f->nn], err))
                return -1;
            f->node_cluster = xrealloc(f->node_cluster, f->capn * sizeof(int));
            f->node_type = xrealloc(f->node_type, f->capn * sizeof(int));
            f->node_spot = xrealloc(f->node_spot, f->capn * sizeof(int));
            f->node_price = xrealloc(f->node_price, f->capn * sizeof *f->node_price);
            f->node_cluster[f->nn] = cl, f->node_type[f->nn] = type, f->node_spot[f->nn] = spot;
            kt_node_desc d = {c->name, name, c->provider, c->region, c->zones[k % 3], it->name, pid, spot,
                              it->cpu, it->ram_gib * KT_GIB, it->gpus};
            f->node_price[f->nn] = pricing_node(f->o->pricing, &d);
            f->nn++;
        }
    }
    f->first_node[N_CLUSTERS] = (int)f->nn;
    return 0;
}

static int write_namespace_labels(fleet *f, kt_err *err)
{
    for (size_t i = 0; i < f->nw; i++) {
        const workload *w = &f->w[i];
        kt_kv lab[] = {{"team", w->team}, {"env", strstr(w->ns, "prod") ? "prod" : "batch"}};
        if (store_put_namespace(f->s, f->cluster_id[w->cluster], w->ns, lab, 2, NULL, 0, err))
            return -1;
    }
    return 0;
}

static int write_pod(fleet *f, workload *w, int r, int node, kt_err *err)
{
    static const char *kinds[] = {"deployment", "statefulset", "daemonset", "job"};
    char pod[160], ctrl[96], hash[16];
    snprintf(hash, sizeof hash, "%05x", (unsigned)(f->rng >> 44)); /* one hash per rollout, as a ReplicaSet */
    if (w->kind == W_DEPLOY) snprintf(pod, sizeof pod, "%s-%s-%d", w->name, hash, r);
    else if (w->kind == W_CRON) snprintf(pod, sizeof pod, "%s-%d", w->name, r);
    else if (w->kind == W_DAEMON) snprintf(pod, sizeof pod, "%s-n%d", w->name, r);
    else snprintf(pod, sizeof pod, "%s-%d", w->name, r);
    snprintf(ctrl, sizeof ctrl, "%s", w->name);
    kt_kv lab[] = {{"app", w->name}, {"team", w->team}, {"tier", w->kind == W_STATEFUL ? "data" : "app"}};
    kt_kv ann[] = {{"owner", w->team}};
    const char *svc[] = {w->name};
    kt_pod_rec p = {.cluster_id = f->cluster_id[w->cluster], .node_id = f->node_id[node], .namespace = w->ns,
                    .name = pod, .controller_kind = kinds[w->kind], .controller = ctrl, .labels = lab,
                    .n_labels = 3, .annotations = ann, .n_annotations = 1, .services = svc,
                    .n_services = w->kind == W_DEPLOY ? 1 : 0};
    size_t i = f->np;
    grow_array((void **)&f->pod_id, &f->capp, i, sizeof(int64_t));
    f->ctr_id = xrealloc(f->ctr_id, f->capp * sizeof(int64_t));
    f->side_id = xrealloc(f->side_id, f->capp * sizeof(int64_t));
    f->vol_id = xrealloc(f->vol_id, f->capp * sizeof(int64_t));
    f->pod_node = xrealloc(f->pod_node, f->capp * sizeof(int));
    f->pod_node[i] = node;
    f->side_id[i] = f->vol_id[i] = 0;
    if (store_put_pod(f->s, &p, &f->pod_id[i], err) || store_put_container(f->s, f->pod_id[i], "app", &f->ctr_id[i], err))
        return -1;
    if (w->sidecar && store_put_container(f->s, f->pod_id[i], "istio-proxy", &f->side_id[i], err))
        return -1;
    if (w->kind == W_STATEFUL) {
        char vname[128], claim[200];
        snprintf(vname, sizeof vname, "pvc-%08x-%zu", (unsigned)(f->rng >> 20), i);
        snprintf(claim, sizeof claim, "data-%s", pod);
        kt_volume_rec v = {f->cluster_id[w->cluster], vname, clusters[w->cluster].storage_class, w->ns, claim, "",
                           clusters[w->cluster].storage_class};
        if (store_put_volume(f->s, &v, &f->vol_id[i], err))
            return -1;
    }
    f->np++;
    return 0;
}

/* The node in [lo, hi) with the smallest share of its CPU requested, as a
 * scheduler spreading pods would pick.  hi excludes the on-prem GPU server
 * for ordinary pods (hi == lo means the cluster has only that node). */
static int least_full(fleet *f, int lo, int hi)
{
    int best = lo;
    double best_fill = 1e300;
    for (int n = lo; n < (hi > lo ? hi : lo + 1); n++) {
        double fill = f->node_used[n] / clusters[f->node_cluster[n]].types[f->node_type[n]].cpu;
        if (fill < best_fill)
            best = n, best_fill = fill;
    }
    return best;
}

static int write_pods(fleet *f, kt_err *err)
{
    f->node_used = xcalloc(f->nn + 1, sizeof *f->node_used);
    for (size_t i = 0; i < f->nw; i++) {
        workload *w = &f->w[i];
        int lo = f->first_node[w->cluster], hi = f->first_node[w->cluster + 1];
        if (w->kind == W_DAEMON)
            w->max_replicas = w->base_replicas = hi - lo;
        w->first_pod = (int64_t)f->np;
        for (int r = 0; r < w->max_replicas; r++) {
            int node = w->kind == W_DAEMON ? lo + r : least_full(f, lo, hi - (w->gpu > 0 ? 0 : 1));
            if (w->gpu > 0)
                node = hi - 1; /* the GPU server */
            f->node_used[node] += w->cpu_req * (w->sidecar ? 1.1 : 1);
            if (write_pod(f, w, r, node, err))
                return -1;
        }
        if (w->lb_index == 0) {
            kt_lb_rec lb = {f->cluster_id[w->cluster], w->ns, w->name, "203.0.113.10", 0};
            grow_array((void **)&f->lb_id, &f->caplb, f->nlb, sizeof(int64_t));
            if (store_put_lb(f->s, &lb, &f->lb_id[f->nlb], err))
                return -1;
            w->lb_index = (int)f->nlb++;
        }
    }
    f->st->pods = (long)f->np;
    return 0;
}

/* How busy day t is beside its weekday's norm: the fleet grew into its
 * present size (0.4 % a day, never below half), and each day is a little
 * busier or quieter than the last (±6 %, fleet-wide, from the seed and the
 * date), so the history has a trend and day-to-day noise besides its daily
 * and weekly cycles — what a forecast has to learn (forecast_model.h). */
static double day_factor(const fleet *f, int64_t t)
{
    double age = (double)(hour_floor(f->o->now) - t) / 86400, g = 1 - 0.004 * age;
    uint64_t x = (uint64_t)(t / 86400) * 0x9E3779B97F4A7C15ull ^ f->o->seed;
    x ^= x >> 31, x *= 0xBF58476D1CE4E5B9ull, x ^= x >> 29;
    return (g > 0.5 ? g : 0.5) * (1 + 0.12 * ((double)(x >> 11) / 9007199254740992.0 - 0.5));
}

/* How much of hour t replica r of w runs (seconds); Deployments scale with
 * the day's factor too. */
static double run_seconds(const workload *w, int r, int64_t t, double day)
{
    if (w->kind == W_STATEFUL || w->kind == W_DAEMON)
        return 3600;
    if (w->kind == W_CRON)
        return r == (int)((t / 3600) % (w->max_replicas ? w->max_replicas : 1)) ? 600 + (t / 3600 % 5) * 300 : 0;
    double want = w->base_replicas * (0.6 + 0.9 * curve(t, w->phase) - 0.3) * day;
    if (want < 1) want = 1;
    if (r + 1 <= want) return 3600;
    if (r < want) return 1800; /* scaled in or out at half past */
    return 0;
}

static int write_container_hour(fleet *f, int64_t ctr, const workload *w, int64_t t, double secs, double share,
                                kt_err *err)
{
    double h = secs / 3600.0, load = curve(t, w->phase);
    double cpu_req = w->cpu_req * share, ram_req = w->ram_req * share;
    double cpu_use = cpu_req * w->use_ratio * (0.5 + load), ram_use = ram_req * (0.5 + 0.5 * w->use_ratio) * (0.8 + 0.3 * load);
    kt_container_hour c = {.container_id = ctr, .t = t, .seconds = secs, .cpu_req = cpu_req * h,
                           .cpu_use = cpu_use * h, .cpu_alloc = (cpu_use > cpu_req ? cpu_use : cpu_req) * h,
                           .ram_req = ram_req * h, .ram_use = ram_use * h,
                           .ram_alloc = (ram_use > ram_req ? ram_use : ram_req) * h,
                           .gpu = w->gpu * share * h, .cpu_peak = cpu_use * 1.3, .ram_peak = ram_use * 1.1,
                           .usage_measured = 1};
    f->st->container_hours++;
    return store_put_container_hour(f->s, &c, err);
}

static int write_assets_hour(fleet *f, int64_t t, kt_err *err)
{
    for (size_t n = 0; n < f->nn; n++) {
        const kt_price *p = &f->node_price[n];
        kt_node_hour h = {f->node_id[n], t, 1.0, p->cpu, p->ram, p->gpu, p->hourly, p->source};
        if (store_put_node_hour(f->s, &h, err))
            return -1;
    }
    for (int cl = 0; cl < N_CLUSTERS; cl++)
        if (f->fee_kind[cl][0]) {
            kt_fee_hour fee = {f->cluster_id[cl], t, 1.0, f->fee[cl], f->fee_kind[cl]};
            if (store_put_fee_hour(f->s, &fee, err))
                return -1;
        }
    return 0;
}

static int write_workload_hour(fleet *f, const workload *w, int64_t t, kt_err *err)
{
    double lb_pods = 0, day = day_factor(f, t);
    for (int r = 0; r < w->max_replicas; r++)
        lb_pods += run_seconds(w, r, t, day) / 3600.0;
    for (int r = 0; r < w->max_replicas; r++) {
        size_t i = (size_t)w->first_pod + (size_t)r;
        double secs = run_seconds(w, r, t, day);
        if (w->kind == W_STATEFUL) { /* volumes exist all hour; the pod mounts them all hour */
            kt_volume_hour v = {f->vol_id[i], t, 1.0, (r % 3 + 1) * 50 * KT_GIB, f->disk_gib_hour[w->cluster],
                                f->disk_src[w->cluster]};
            kt_pod_volume_hour pv = {f->pod_id[i], f->vol_id[i], t, 1.0};
            if (store_put_volume_hour(f->s, &v, err) || store_put_pod_volume_hour(f->s, &pv, err))
                return -1;
        }
        if (secs <= 0)
            continue;
        if (write_container_hour(f, f->ctr_id[i], w, t, secs, w->sidecar ? 0.9 : 1.0, err) ||
            (w->sidecar && write_container_hour(f, f->side_id[i], w, t, secs, 0.1, err)))
            return kt_wrap(err, "demo: ");
        if (w->lb_index >= 0 && lb_pods > 0) {
            kt_pod_lb_hour pl = {f->pod_id[i], f->lb_id[w->lb_index], t, secs / 3600.0 / lb_pods};
            if (store_put_pod_lb_hour(f->s, &pl, err))
                return -1;
        }
    }
    if (w->lb_index >= 0) {
        kt_lb_hour lb = {f->lb_id[w->lb_index], t, 1.0, f->lb_hourly[w->cluster], f->lb_src[w->cluster]};
        if (store_put_lb_hour(f->s, &lb, err))
            return -1;
    }
    return 0;
}

/* A Deployment rollout: new pods, with new names, replace the old ones on the
 * same nodes — how pods come and go in a fleet that ships every few days. */
static int rollout(fleet *f, workload *w, kt_err *err)
{
    int64_t old = w->first_pod;
    w->first_pod = (int64_t)f->np;
    rnd(f);
    for (int r = 0; r < w->max_replicas; r++)
        if (write_pod(f, w, r, f->pod_node[old + r], err))
            return -1;
    return 0;
}

static int rollouts(fleet *f, int day_index, kt_err *err)
{
    for (size_t i = 0; i < f->nw; i++) {
        workload *w = &f->w[i];
        if (day_index > 0 && w->kind == W_DEPLOY && (day_index + (int)(w->phase * 10 + 20)) % 3 == 0 &&
            rollout(f, w, err))
            return -1;
    }
    return 0;
}

static int write_history(fleet *f, kt_err *err)
{
    int64_t end = hour_floor(f->o->now), start = end - (int64_t)f->o->days * 86400;
    int64_t day = start;
    while (day < end) {
        int64_t next = day_floor(day) + 86400 < end ? day_floor(day) + 86400 : end;
        if (store_begin(f->s, err))
            return -1;
        if (rollouts(f, (int)((day - start) / 86400), err))
            goto fail;
        for (int64_t t = day; t < next; t += 3600) {
            if (write_assets_hour(f, t, err))
                goto fail;
            for (size_t i = 0; i < f->nw; i++)
                if (write_workload_hour(f, &f->w[i], t, err))
                    goto fail;
        }
        if (store_commit(f->s, err))
            return -1;
        if (!f->o->quiet)
            fprintf(stderr, "\rdemo: %3d%% written", (int)(100 * (next - start) / (end - start)));
        day = next;
    }
    if (!f->o->quiet)
        fputc('\n', stderr);
    return 0;
fail:
    store_rollback(f->s);
    return -1;
}

int demo_write(kt_store *s, const kt_demo_opts *o, kt_demo_stats *stats, kt_err *err)
{
    if (o->days < 1 || o->days > 400 || o->pods < 10 || o->pods > 100000)
        return kt_fail(err, KT_EINPUT, "demo: --days must be 1..400 and --pods 10..100000");
    fleet f = {.s = s, .o = o, .rng = o->seed * 0x9E3779B97F4A7C15ULL + 1, .st = stats};
    memset(stats, 0, sizeof *stats);
    plan_workloads(&f);
    int rc = store_begin(s, err);
    if (!rc) {
        rc = write_nodes(&f, err) || write_namespace_labels(&f, err) || write_pods(&f, err) ? -1 : 0;
        if (rc) store_rollback(s);
        else rc = store_commit(s, err);
    }
    if (!rc)
        rc = write_history(&f, err);
    if (!rc)
        rc = store_prune(s, o->now, err);
    stats->pods = (long)f.np;
    stats->clusters = N_CLUSTERS;
    stats->nodes = (long)f.nn;
    free(f.w); free(f.node_id); free(f.node_cluster); free(f.node_type); free(f.node_spot); free(f.node_price);
    free(f.pod_id); free(f.ctr_id); free(f.side_id); free(f.vol_id); free(f.pod_node); free(f.lb_id); free(f.node_used);
    return rc;
}

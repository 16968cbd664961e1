/* savings.h — what to change, and what it saves: recommendations computed
 * from a dataset (pure functions, like allocation.h), asked through
 * engine_ask (KT_ASK_REQUEST_SIZING, KT_ASK_SAVINGS).  docs/savings.md.
 *
 * Container request right-sizing follows Kubecost's requestSizingV2:
 *   - one recommendation per container spec per controller (cluster,
 *     namespace, controller kind and name, container name), replicas pooled;
 *     a pod without a controller is its own controller of kind "pod";
 *   - base = the highest sample (algorithm max) or the q-quantile of the
 *     samples (quantile); recommended = max(floor, base / target), rounded
 *     up to a whole millicore / MiB, the quantity one would apply;
 *   - samples are hourly facts (a fact past hourly retention is one daily
 *     row: its day's peak and average, weighted by its running hours); each
 *     is weighted by its running hours; the weighted quantile is the
 *     nearest rank: the smallest sample whose cumulative weight reaches q;
 *   - monthly savings = Σ over facts of (request − recommended) × running
 *     hours × the rate of the node it ran on, × 730 / the hours observed
 *     (first start to last end): "(request − recommended) × replicas ×
 *     node rates × 730 h";
 *   - risk = the weighted share of samples whose PEAK exceeded the
 *     recommendation (throttling for CPU, OOM exposure for memory), whatever
 *     the algorithm;
 *   - efficiency = usage / request; total weighted by request cost. */
#ifndef KT_SAVINGS_H
#define KT_SAVINGS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/filter.h"
#include "engine/window.h"
#include "store/dataset.h"
#include "util/err.h"

#define KT_HOURS_PER_MONTH 730.0

enum kt_rs_algo { RS_MAX, RS_QUANTILE, RS_QUANTILE_AVG };
enum kt_rs_sort { RS_SORT_SAVINGS, RS_SORT_EFFICIENCY, RS_SORT_CPU_REC, RS_SORT_CPU_LATEST, RS_SORT_RAM_REC,
                  RS_SORT_RAM_LATEST };

typedef struct kt_rs_params {
    enum kt_rs_algo algo_cpu, algo_ram;
    double q_cpu, q_ram;                  /* (0, 1] */
    double target_cpu, target_ram;        /* (0, 1], default 0.7 */
    double min_cpu_mcores, min_ram_bytes; /* floors: 10 m, 20 MiB */
    const kt_filter *filter;              /* NULL ⇒ every container */
    const char *team_label;               /* label naming a workload's team; NULL ⇒ "team" */
    enum kt_rs_sort sort_by;
    int ascending;
} kt_rs_params;

void rs_params_init(kt_rs_params *p);

typedef struct kt_rs_rec {
    const char *cluster, *namespace_, *controller_kind, *controller, *container; /* in the dataset's strings */
    const char *team;                /* the team label of its first pod ("" none) */
    double rec_cpu, rec_ram;         /* cores, bytes */
    double latest_cpu, latest_ram;   /* the request in the newest fact */
    double save_cpu, save_ram;       /* per month, in the currency */
    double eff_cpu, eff_ram, eff_total;
    double risk_cpu, risk_ram;       /* 0..1 */
    double replicas;                 /* average over the hours observed */
    double carbon_kg;                /* kg CO2e per month the change frees */
    double hours;                    /* hours observed */
} kt_rs_rec;

typedef struct kt_rs_result {
    kt_rs_rec *items;
    size_t n;
    double total;                    /* Σ of the positive totals (undersized containers are listed, not netted) */
    char currency[8];
    const kt_dataset *ds;
} kt_rs_result;

int savings_requests(const kt_dataset *ds, kt_window w, const kt_rs_params *p, kt_rs_result *out, kt_err *err);
void rs_result_free(kt_rs_result *r);
double rs_total_savings(const kt_rs_rec *r);

/* A value and its weight (running hours). */
typedef struct kt_sample {
    float v, w;
} kt_sample;
/* The weighted nearest-rank quantile of n samples (sorted in place); q in
 * (0, 1]; 0 when there are none.  Exposed for tests. */
double savings_quantile(kt_sample *s, size_t n, double q);
/* The weighted share of samples whose value is above x (0 when none). */
double savings_share_above(const kt_sample *s, size_t n, double x);

/* --- PV right-sizing (savings_volumes.c): Kubecost's persistentVolumeSizing
 *
 * For each volume present at the data's end whose claim's used bytes the
 * kubelet reported (collect --kubelet-stats; ds_volume.used_peak):
 *   recommendedCapacityBytes = maxUsageBytes × (1 + headroomPct / 100)
 *   (Kubecost's formula), applied as the whole GiB above it (at least
 *   1 GiB: disks are sized in GiB), and
 *   savings = (current GiB − applied GiB) × the volume's newest price per
 *   GiB-hour × 730 h; negative when the volume is smaller than its peak
 *   with headroom (it is listed: it should grow).  CO2e likewise, from the
 *   volume's own rate. */
typedef struct kt_pv_params {
    double headroom_pct;             /* default 10 */
    const char *team_label;          /* NULL ⇒ "team" */
} kt_pv_params;

typedef struct kt_pv_rec {
    const char *cluster, *volume, *claim, *claim_ns, *storage_class, *team; /* dataset strings */
    double max_usage, avg_usage;     /* bytes */
    double current_bytes, recommended_bytes, applied_bytes;
    double current_monthly, recommended_monthly, savings, carbon_kg;
} kt_pv_rec;

typedef struct kt_pv_result {
    kt_pv_rec *items;                /* by savings descending */
    size_t n;
    double total;                    /* Σ positive savings */
    double headroom_pct;
    char currency[8];
} kt_pv_result;

int savings_volumes(const kt_dataset *ds, const kt_pv_params *p, kt_pv_result *out, kt_err *err);
void pv_result_free(kt_pv_result *r);

/* --- abandoned workloads (savings_abandoned.c): Kubecost's abandonedWorkloads
 *
 * A workload (a controller's pods; a bare pod is its own) whose network
 * facts show under bytes_per_s of traffic (received + sent, its pods
 * together, over its hours in the window: first fact's start to last
 * fact's end) and under cpu_cores of CPU on average.  Each of its pods is
 * listed with its own rates and averages (cores, bytes; allocation is the
 * settled charge) and monthly = the pod's cost × 730 / the workload's
 * hours, so a workload's pods add up to its rate. */
typedef struct kt_ab_params {
    double bytes_per_s;              /* Kubecost's threshold; default 500 */
    double cpu_cores;                /* "near zero"; default 0.01 */
    const char *team_label;          /* NULL ⇒ "team" */
} kt_ab_params;

typedef struct kt_ab_pod {
    const char *cluster, *namespace_, *pod, *node, *owner_kind, *owner, *team; /* dataset strings; "" none */
    double ingress_bps, egress_bps, workload_bps;
    double alloc_cpu, alloc_ram, req_cpu, req_ram, use_cpu, use_ram;
    double monthly;
} kt_ab_pod;

typedef struct kt_ab_result {
    kt_ab_pod *items;                /* by monthly descending, then cluster, namespace, pod */
    size_t n;
    double total, bytes_per_s;
    char currency[8];
} kt_ab_result;

int savings_abandoned(const kt_dataset *ds, const kt_ab_params *p, kt_ab_result *out, kt_err *err);
void ab_result_free(kt_ab_result *r);

/* Pods grouped by workload (controller; a bare pod is its own): returns
 * of[pod] = its workload; *first_pod[w] = the workload's first pod (names
 * it); *n workloads.  The caller frees both arrays. */
uint32_t *savings_workloads(const kt_dataset *ds, uint32_t **first_pod, size_t *n);

/* --- every kind at once: `kubetally savings`, /savings, /metrics -------- */

enum kt_saving_kind {
    SK_REQUESTS,        /* container request right-sizing (above) */
    SK_UNCLAIMED_VOLUME, /* a volume no pod mounted over the window (or with no claim) */
    SK_ORPHANED_LB,     /* a load balancer with no running backend pod in its newest hour */
    SK_UNDERUSED_NODE,  /* a node whose pods fit on the cluster's other nodes */
    SK_ABANDONED,       /* a workload with traffic below the threshold and CPU near zero */
    SK_SPOT,            /* a replicated, stateless Deployment on on-demand nodes (needs pricing) */
    SK_PV_SIZING,       /* a volume larger than its claim's peak use with headroom (kubelet stats) */
    SK_COUNT
};
/* "requestSizing", "unclaimedVolumes", "orphanedLoadBalancers", "underusedNodes", "abandonedWorkloads",
 * "spotCandidates", "persistentVolumeSizing" */
const char *saving_kind_name(enum kt_saving_kind k);

typedef struct kt_saving {
    enum kt_saving_kind kind;
    const char *cluster, *team, *namespace_, *name; /* name: controller, volume, service or node */
    double monthly;   /* currency per month, ≥ 0 */
    double carbon_kg; /* kg CO2e per month */
    double detail;    /* kind-specific: risk (requests), bytes (volumes; the recommended capacity for
                       * PV sizing), bytes/s (abandoned) */
} kt_saving;

typedef struct kt_saving_total {
    enum kt_saving_kind kind; /* by_kind_cluster only */
    const char *key;  /* kind name, cluster or team ("" none) */
    double monthly, carbon_kg;
    size_t count;
} kt_saving_total;

typedef struct kt_savings_params {
    kt_rs_params requests;
    const char *team_label;          /* NULL ⇒ "team" */
    double abandoned_bytes_per_s;    /* Kubecost's `threshold`; default 500 */
    double abandoned_cpu_cores;      /* "near zero": average CPU below this; default 0.01 */
    double node_target;              /* fill at most this share of a node's capacity with moved pods; 0.8 */
    double spot_min_replicas;        /* spot candidates run at least this many replicas on average; 2 */
    const struct kt_pricing *pricing; /* spot prices; NULL ⇒ no spot candidates */
    double headroom_pct;             /* PV right-sizing (Kubecost's headroomPct); default 10 */
} kt_savings_params;

void savings_params_init(kt_savings_params *p);

typedef struct kt_savings_result {
    kt_saving *items;                /* positive savings only, by monthly descending */
    size_t n;
    kt_saving_total by_kind[SK_COUNT];
    kt_saving_total *by_cluster, *by_team, *by_kind_cluster; /* by_kind_cluster: key = cluster */
    size_t n_cluster, n_team, n_kind_cluster;
    double total, total_carbon_kg;
    char currency[8];
    kt_rs_result requests;           /* the full request-sizing answer */
    const kt_dataset *ds;
} kt_savings_result;

int savings_all(const kt_dataset *ds, kt_window w, const kt_savings_params *p, kt_savings_result *out,
                kt_err *err);
void savings_result_free(kt_savings_result *r);

/* "Now" for the savings kinds: the latest moment a node, volume or LB is
 * known present — a fact's start + its hours (a thing present since the
 * hour began: exact; one that appeared inside the hour looks older, so it
 * is judged from the next hour on). */
int64_t savings_data_end(const kt_dataset *ds);
/* Is a thing last present at `until` still there at `end`?  Within
 * KT_PRESENT_SLACK seconds (flushes of one collector are simultaneous;
 * 90 s covers a slow one), so a deleted volume drops out within minutes. */
#define KT_PRESENT_SLACK 90
static inline int savings_present(int64_t until, int64_t end) { return until >= end - KT_PRESENT_SLACK; }
static inline int64_t savings_until(int64_t t, double hours) { return t + (int64_t)(hours * 3600 + 0.5); }
/* The newest day as 24 hour buckets: the first bucket's start. */
static inline int64_t savings_recent_from(int64_t end) { return end - end % 3600 - 23 * 3600; }
/* Add a container fact's requests per hour to the buckets (cores; RAM in
 * bytes / ram_unit); a daily row spreads evenly over its hours. */
void savings_spread(const ds_container_fact *f, int64_t from, double *cpu, double *ram, double ram_unit);

/* The non-request kinds (savings_orphans.c), appended to out->items. */
void savings_orphans(const kt_dataset *ds, const kt_savings_params *p, kt_savings_result *out, size_t *cap);

#endif

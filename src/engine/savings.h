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
    enum kt_rs_sort sort_by;
    int ascending;
} kt_rs_params;

void rs_params_init(kt_rs_params *p);

typedef struct kt_rs_rec {
    const char *cluster, *namespace_, *controller_kind, *controller, *container; /* in the dataset's strings */
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
    double total;                    /* Σ save_cpu + save_ram */
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

#endif

/* savings_params.h — Kubecost's requestSizingV2 parameters from a getter
 * (CLI flags or the HTTP query): window (default 7d), algorithmCPU,
 * algorithmRAM (max | quantile; also quantileOfMaxes, quantileOfAverages),
 * qCPU, qRAM, targetCPUUtilization, targetRAMUtilization, minRecCPUMillicores,
 * minRecRAMBytes, filter, sortBy, sortByOrder.  Errors name the parameter.
 * *filter is owned by the caller (filter_free). */
#ifndef KT_SAVINGS_PARAMS_H
#define KT_SAVINGS_PARAMS_H

#include "engine/query.h"
#include "engine/savings.h"
#include "engine/savings_cluster.h"

int rs_params_parse(kt_param_get get, void *ctx, int64_t now, kt_window *w, kt_rs_params *p, kt_filter **filter,
                    kt_err *err);

/* The summary's parameters: the above plus teamLabel (default team),
 * threshold (abandoned workloads, bytes/s, default 500), cpuThreshold
 * (their near-zero CPU, cores, default 0.01) and headroomPct
 * (PV right-sizing, default 10).  p->team_label
 * points into the getter's storage. */
int savings_params_parse(kt_param_get get, void *ctx, int64_t now, kt_window *w, kt_savings_params *p,
                         kt_filter **filter, kt_err *err);

/* PV right-sizing: window (default 7d), headroomPct (Kubecost's name,
 * default 10, 0 to 1000), teamLabel. */
int pv_params_parse(kt_param_get get, void *ctx, int64_t now, kt_window *w, kt_pv_params *p, kt_err *err);

/* Abandoned workloads: Kubecost's days (the window: the last N days to
 * now, 1 to 3650) or our window (default 7d), threshold (bytes/s, default
 * 500), cpuThreshold (ours: "near-zero" CPU in cores, default 0.01),
 * teamLabel. */
int ab_params_parse(kt_param_get get, void *ctx, int64_t now, kt_window *w, kt_ab_params *p, kt_err *err);

/* Cluster right-sizing and compare: window (or Kubecost's range; default
 * 7d), profile (development | production | high-availability; default
 * production), targetUtilization, minNodeCount, allowSharedCore,
 * architecture (x86 only), filter, to (compare).  p->pricing is the
 * caller's to set; p->to points into the getter's storage. */
int cs_params_parse(kt_param_get get, void *ctx, int64_t now, kt_window *w, kt_cs_params *p, kt_filter **filter,
                    kt_err *err);

#endif

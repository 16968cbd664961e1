/* spend.h — what the fleet's critical workloads cost, from the cost store:
 * the spend half of the single-cloud-risk view (resilience.h).
 *
 * One engine question (engine_ask): allocations over the window, by
 * namespace, controller kind and controller, across every cluster, idle
 * not included (a workload's own spend).  A critical workload
 * namespace/Kind/name matches the rows of that namespace and controller
 * (kinds compared case-blind, as OpenCost writes them in lower case); its
 * spend is their sum over all clusters.  A workload the store has never
 * seen costs 0. */
#ifndef KT_POSTURE_SPEND_H
#define KT_POSTURE_SPEND_H

#include "engine/engine.h"
#include "posture/resilience.h"

/* window: "30d" style, as the API takes it (at most 31 characters);
 * now: the clock the window is relative to.  Fills each app's spend and
 * the summary's spend fields; -1 with err when the question fails (the
 * summary is then left without spend). */
int spend_attach(kt_resilience_summary *sum, kt_store *s, const char *window, int64_t now,
                 const kt_engine_limits *lim, kt_err *err);

#endif

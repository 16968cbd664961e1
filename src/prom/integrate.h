/* integrate.h — from evaluation steps to hourly facts: the exact sums.
 *
 * A range query evaluated every `step` seconds gives, per series, a value at
 * t = t0 + k·step.  kubetally reads the value at t as holding for the step
 * that ENDS at t, (t − step, t]: that is exactly what rate(x[step]) and
 * avg_over_time(x[step]) measure, so requests (instant values) and usage
 * (step averages) describe the same interval.  Hour H owns the steps with
 * t in (H, H + 3600]; step must divide 3600.
 *
 * For one container-hour with steps i (each step_s seconds):
 *   seconds   = Σ running_i · step_s
 *   cpu_req   = Σ running_i · req_i · step_s / 3600            (core-hours)
 *   cpu_use   = Σ running_i · use_i · step_s / 3600, use_i unknown ⇒ req_i
 *   cpu_alloc = Σ running_i · max(req_i, use_i) · step_s / 3600
 *   the same for RAM (byte-hours); gpu = Σ running_i · gpus_i · step_s / 3600
 *   cpu_peak, ram_peak = the largest use_i (req_i when unknown)
 *   usage_measured = 1 when any running step had a usage sample.
 * This is the integral of max(request, usage) at each sample, not
 * OpenCost's max(avg request, avg usage), so a burst above request is
 * charged only for the steps it lasts.  NaN marks "no sample"; a running
 * step with no request sample counts a zero request. */
#ifndef KT_PROM_INTEGRATE_H
#define KT_PROM_INTEGRATE_H

#include <stddef.h>

#include "store/store.h"

typedef struct kt_prom_steps {
    const double *cpu_req, *cpu_use, *ram_req, *ram_use, *gpu; /* n values each; NaN = no sample */
    const unsigned char *running;                              /* n flags */
    size_t n;
    double step_s;
} kt_prom_steps;

/* Fill f's quantities (not its ids or t); returns f->seconds > 0. */
int prom_integrate_hour(const kt_prom_steps *s, kt_container_hour *f);

#endif

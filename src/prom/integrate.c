/* integrate.c — exact step sums for container-hours; see integrate.h. */
#include "prom/integrate.h"

#include <math.h>
#include <string.h>

static double or_zero(double v) { return isnan(v) ? 0 : v; }

int prom_integrate_hour(const kt_prom_steps *s, kt_container_hour *f)
{
    double h = s->step_s / 3600.0;
    f->seconds = f->cpu_req = f->cpu_use = f->cpu_alloc = 0;
    f->ram_req = f->ram_use = f->ram_alloc = f->gpu = f->cpu_peak = f->ram_peak = 0;
    f->usage_measured = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (!s->running[i])
            continue;
        double cr = or_zero(s->cpu_req[i]), rr = or_zero(s->ram_req[i]);
        double cu = s->cpu_use[i], ru = s->ram_use[i];
        if (!isnan(cu) || !isnan(ru))
            f->usage_measured = 1;
        if (isnan(cu)) cu = cr;
        if (isnan(ru)) ru = rr;
        f->seconds += s->step_s;
        f->cpu_req += cr * h;
        f->cpu_use += cu * h;
        f->cpu_alloc += (cu > cr ? cu : cr) * h;
        f->ram_req += rr * h;
        f->ram_use += ru * h;
        f->ram_alloc += (ru > rr ? ru : rr) * h;
        f->gpu += or_zero(s->gpu[i]) * h;
        if (cu > f->cpu_peak) f->cpu_peak = cu;
        if (ru > f->ram_peak) f->ram_peak = ru;
    }
    return f->seconds > 0;
}

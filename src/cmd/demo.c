/* demo.c — `kubetally demo`: write the built-in multi-cloud demo fleet. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/flags.h"
#include "demo/fleet.h"
#include "pricing/pricing.h"

static const kt_flag flags[] = {
    {"--days", "days", 0, NULL},
    {"--pods", "pods", 0, NULL},
    {"--seed", "seed", 0, NULL},
    {"--db", "db", 0, NULL},
    {"--quiet", "quiet", 1, "-q"},
    {"--pricing", "pricing", 0, NULL},
    {NULL, NULL, 0, NULL},
};

static int int_param(kt_params *p, const char *name, long def, long lo, long hi, long *out, kt_err *err)
{
    const char *v = params_get(p, name);
    char *end;
    *out = def;
    if (!v)
        return 0;
    *out = strtol(v, &end, 10);
    if (*end || *out < lo || *out > hi)
        return kt_fail(err, KT_EINPUT, "--%s: expected a whole number from %ld to %ld, got '%s'", name, lo, hi, v);
    return 0;
}

int cmd_demo(int argc, char **argv)
{
    kt_params p;
    kt_err err = {0};
    long days, pods, seed;
    if (flags_parse(flags, argc, argv, &p, &err))
        return cmd_report("demo", &err);
    if (p.help) {
        flags_usage("demo", "Write a synthetic multi-cloud fleet (AWS, GCP, Azure, on-prem) into the store.", flags);
        return 0;
    }
    if (int_param(&p, "days", 30, 1, 400, &days, &err) || int_param(&p, "pods", 600, 10, 100000, &pods, &err) ||
        int_param(&p, "seed", 1, 0, 1L << 30, &seed, &err))
        return cmd_report("demo", &err);
    kt_pricing_opts po = {params_get(&p, "pricing"), NULL};
    kt_pricing *pricing;
    if (pricing_load(&po, &pricing, &err))
        return cmd_report("demo", &err);
    kt_store *s;
    if (store_open(params_get(&p, "db"), KT_STORE_CREATE, &s, &err)) {
        pricing_free(pricing);
        return cmd_report("demo", &err);
    }
    kt_demo_opts o = {(int)days, (int)pods, (uint64_t)seed, (int64_t)time(NULL),
                      params_get(&p, "quiet") != NULL || !isatty(2), pricing};
    kt_demo_stats st;
    int rc = demo_write(s, &o, &st, &err);
    if (!rc)
        printf("demo fleet written to %s: %ld clusters, %ld nodes, %ld pods, %ld container-hours over %ld days\n",
               store_describe(s), st.clusters, st.nodes, st.pods, st.container_hours, days);
    store_close(s);
    pricing_free(pricing);
    return rc ? cmd_report("demo", &err) : 0;
}

/* db_retention.c — `kubetally db retention [--hourly-days N] [--daily-days N]`:
 * show or set how long the store keeps hourly and daily rows.  Hourly rows
 * are what a cloud bill can reprice (docs/bills.md), so a bill that lags
 * the clusters by a month needs a month of hours. */
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"
#include "cmd/flags.h"
#include "store/store.h"

static const kt_flag flags[] = {
    {"--hourly-days", "hourly_days", 0, NULL},
    {"--daily-days", "daily_days", 0, NULL},
    {"--db", "db", 0, NULL},
    {NULL, NULL, 0, NULL},
};

static int days(const kt_params *p, const char *name, const char *flag, int *out, kt_err *err)
{
    const char *v = params_get((void *)p, name);
    if (!v)
        return 0;
    char *end;
    long d = strtol(v, &end, 10);
    if (!*v || *end || d < 1 || d > 36500)
        return kt_fail(err, KT_EINPUT, "%s: expected a whole number of days from 1 to 36500, got '%.40s'",
                       flag, v);
    *out = (int)d;
    return 0;
}

int cmd_db_retention(int argc, char **argv)
{
    kt_params p;
    kt_err err = {0};
    if (flags_parse(flags, argc, argv, &p, &err))
        return cmd_report("db retention", &err);
    if (p.help) {
        flags_usage("db retention", "Show or set how many days of hourly rows (default 3; what a cloud bill can "
                    "reprice) and daily rows (default 1095) the store keeps.", flags);
        return 0;
    }
    kt_store *s;
    kt_retention r;
    if (store_open(params_get(&p, "db"), 0, &s, &err))
        return cmd_report("db retention", &err);
    int set = params_get(&p, "hourly_days") || params_get(&p, "daily_days");
    int rc = store_get_retention(s, &r, &err) || days(&p, "hourly_days", "--hourly-days", &r.hourly_days, &err) ||
             days(&p, "daily_days", "--daily-days", &r.daily_days, &err) || (set && store_set_retention(s, &r, &err));
    store_close(s);
    if (rc)
        return cmd_report("db retention", &err);
    printf("hourly rows kept %d days, daily rows %d days\n", r.hourly_days, r.daily_days);
    return 0;
}

/* db.c — `kubetally db cache`: write every day file and block again (after
 * an upgrade, or when PATH.days was removed; they are a cache of the daily
 * rows, docs/metering.md).  `db retention` is db_retention.c. */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/flags.h"
#include "store/store.h"

static const kt_flag flags[] = {
    {"--db", "db", 0, NULL},
    {NULL, NULL, 0, NULL},
};

int cmd_db(int argc, char **argv)
{
    kt_params p;
    kt_err err = {0};
    if (argc >= 2 && !strcmp(argv[1], "retention"))
        return cmd_db_retention(argc - 1, argv + 1);
    if (argc < 2 || strcmp(argv[1], "cache")) {
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
            printf("usage: kubetally db cache [--db URL]   write every day file and block again\n"
                   "       kubetally db retention [--hourly-days N] [--daily-days N] [--db URL]\n");
            return 0;
        }
        fprintf(stderr, "kubetally db: expected a subcommand: cache or retention\n");
        return 2;
    }
    if (flags_parse(flags, argc - 1, argv + 1, &p, &err))
        return cmd_report("db cache", &err);
    if (p.help) {
        flags_usage("db cache", "Write every day file and block of the store again (a cache of the daily rows).",
                    flags);
        return 0;
    }
    kt_store *s;
    long files = 0;
    if (store_open(params_get(&p, "db"), 0, &s, &err))
        return cmd_report("db cache", &err);
    int rc = store_rebuild_cache(s, &files, &err);
    store_close(s);
    if (rc)
        return cmd_report("db cache", &err);
    printf("%ld day files written (and the blocks over them)\n", files);
    return 0;
}

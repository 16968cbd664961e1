/* db.c — store upkeep:
 *   `kubetally db cache`: write every day file and block again (after an
 *   upgrade, or when PATH.days was removed; a cache of the daily rows,
 *   docs/metering.md); `db retention` is db_retention.c;
 *   `kubetally db grant-agent --cluster NAME`: a PostgreSQL login role that
 *   row-level security confines to one cluster's rows (docs/deploy.md). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/flags.h"
#include "store/store.h"

static const kt_flag flags[] = {
    {"--db", "db", 0, NULL},
    {NULL, NULL, 0, NULL},
};

static const kt_flag grant_flags[] = {
    {"--db", "db", 0, NULL},
    {"--cluster", "cluster", 0, NULL},
    {"--role", "role", 0, NULL},
    {"--password-file", "passwordFile", 0, NULL},
    {NULL, NULL, 0, NULL},
};

/* The agent's password: the file's first line, or a new random one written
 * to the file (mode 0600) when it does not exist.  Never printed. */
static int agent_password(const char *path, char *pw, size_t n, kt_err *err)
{
    FILE *f = fopen(path, "r");
    if (f) {
        int ok = fgets(pw, (int)n, f) != NULL;
        fclose(f);
        pw[strcspn(pw, "\r\n")] = 0;
        return ok && strlen(pw) >= 12 ? 0 : kt_fail(err, KT_EINPUT, "--password-file %s: expected a password of "
                                                    "at least 12 characters on its first line", path);
    }
    if (errno != ENOENT)
        return kt_fail(err, KT_EINPUT, "--password-file %s: %s", path, strerror(errno));
    unsigned char raw[24];
    FILE *r = fopen("/dev/urandom", "rb");
    size_t got = r ? fread(raw, 1, sizeof raw, r) : 0;
    if (r)
        fclose(r);
    if (got != sizeof raw || n < 2 * sizeof raw + 1)
        return kt_fail(err, KT_ERUNTIME, "cannot read /dev/urandom for a password");
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(pw + 2 * i, 3, "%02x", raw[i]);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0 || write(fd, pw, strlen(pw)) != (ssize_t)strlen(pw) || write(fd, "\n", 1) != 1) {
        if (fd >= 0)
            close(fd);
        return kt_fail(err, KT_EINPUT, "--password-file %s: cannot write: %s", path, strerror(errno));
    }
    close(fd);
    return 0;
}

static int grant_agent(int argc, char **argv)
{
    kt_params p;
    kt_err err = {0};
    if (flags_parse(grant_flags, argc, argv, &p, &err))
        return cmd_report("db grant-agent", &err);
    if (p.help) {
        flags_usage("db grant-agent", "Create (or update) a PostgreSQL login role that may read and write one "
                    "cluster's rows and nothing else, for `collect --in-cluster` in that cluster.\n"
                    "  kubetally db grant-agent --cluster NAME --password-file F [--role ROLE] --db postgresql://…\n"
                    "  F holds the password; when F does not exist a random one is written to it (0600).",
                    grant_flags);
        return 0;
    }
    const char *cluster = params_get(&p, "cluster"), *file = params_get(&p, "passwordFile");
    if (!cluster || !*cluster || strlen(cluster) > 120)
        return cmd_report("db grant-agent", &(kt_err){KT_EINPUT, "--cluster NAME is required (1 to 120 characters)"});
    if (!file || !*file)
        return cmd_report("db grant-agent", &(kt_err){KT_EINPUT, "--password-file F is required (created when "
                                                                 "missing)"});
    char role[64];
    const char *given = params_get(&p, "role");
    if (given) {
        snprintf(role, sizeof role, "%s", given);
    } else { /* kt_agent_<cluster>, in the characters an unquoted role name may use */
        int n = snprintf(role, sizeof role, "kt_agent_");
        for (const char *c = cluster; *c && n < 63; c++)
            role[n++] = isalnum((unsigned char)*c) ? (char)tolower((unsigned char)*c) : '_';
        role[n] = 0;
    }
    char pw[128];
    kt_store *s = NULL;
    if (agent_password(file, pw, sizeof pw, &err) || store_open(params_get(&p, "db"), KT_STORE_CREATE, &s, &err) ||
        store_grant_agent(s, cluster, role, pw, &err)) {
        store_close(s);
        memset(pw, 0, sizeof pw);
        return cmd_report("db grant-agent", &err);
    }
    printf("role %s may read and write cluster %s only in %s; its password is in %s\n", role, cluster,
           store_describe(s), file);
    store_close(s);
    memset(pw, 0, sizeof pw);
    return 0;
}

int cmd_db(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "grant-agent"))
        return grant_agent(argc - 1, argv + 1);
    kt_params p;
    kt_err err = {0};
    if (argc >= 2 && !strcmp(argv[1], "retention"))
        return cmd_db_retention(argc - 1, argv + 1);
    if (argc < 2 || strcmp(argv[1], "cache")) {
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
            printf("usage: kubetally db cache [--db URL]   write every day file and block again\n"
                   "       kubetally db retention [--hourly-days N] [--daily-days N] [--db URL]\n"
                   "       kubetally db grant-agent --cluster NAME --password-file F --db postgresql://…\n"
                   "                                      a database role confined to one cluster's rows\n");
            return 0;
        }
        fprintf(stderr, "kubetally db: expected a subcommand: cache, retention or grant-agent\n");
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

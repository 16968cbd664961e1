/* common.c — flag helpers shared by the subcommands; see cmd.h. */
#include "cmd/cmd.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/log.h"

const kt_engine_limits cmd_limits = {3660 * 86400LL, 10000, 0, 0, 0, 0};

int cmd_parse_output(const char *v, enum kt_output *out)
{
    if (!strcmp(v, "table")) *out = KT_OUT_TABLE;
    else if (!strcmp(v, "json")) *out = KT_OUT_JSON;
    else if (!strcmp(v, "csv")) *out = KT_OUT_CSV;
    else return -1;
    return 0;
}

int cmd_report(const char *name, const kt_err *err)
{
    fprintf(stderr, "kubetally %s: %s\n", name, err->msg[0] ? err->msg : "failed");
    return err->code ? err->code : KT_EINPUT;
}

int cmd_parse_bool(const char *v)
{
    if (!v || !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes")) return 1;
    if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no")) return 0;
    return -1;
}

int cmd_prepare_store(const char *db, kt_err *err)
{
    kt_store *s;
    if (store_open(db, KT_STORE_CREATE, &s, err))
        return -1;
    log_info("store %s", store_describe(s));
    store_close(s);
    return 0;
}

int cmd_prepare_store_spooled(const char *db, const char *spool_dir, kt_err *err)
{
    assert(err);
    if (!cmd_prepare_store(db, err))
        return 0;
    if (!spool_dir)
        return -1;
    log_warn("%s; metering goes on into the spool %s until the store answers", err->msg, spool_dir);
    return 0;
}

void cmd_block_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

char **cmd_expand_multi(int argc, char **argv, const char *flag, const char *alias, int *out_argc)
{
    char **v = malloc((size_t)(2 * argc + 1) * sizeof *v);
    int n = 0, in_list = 0;
    for (int i = 0; i < argc; i++) {
        if (i > 0 && argv[i][0] != '-' && in_list) {
            v[n++] = (char *)flag;
            v[n++] = argv[i];
            continue;
        }
        in_list = !strcmp(argv[i], flag) || (alias && !strcmp(argv[i], alias));
        v[n++] = argv[i];
        if (in_list && i + 1 < argc)
            v[n++] = argv[++i];
    }
    v[n] = NULL;
    *out_argc = n;
    return v;
}

/* cmd.h — every subcommand's entry point, and the flag helpers they share.
 *
 * A subcommand is `int cmd_NAME(int argc, char **argv)` in src/cmd/NAME.c,
 * listed once in src/main.c's table.  argv[0] is the subcommand name.  It
 * returns the process exit status: 0 ok, 1 runtime failure, 2 bad input
 * (unknown flag, bad window, bad filter, unusable database).  Errors are one
 * line on stderr, "kubetally NAME: message". */
#ifndef KT_CMD_H
#define KT_CMD_H

#include <signal.h>
#include <stdio.h>

#include "engine/engine.h"
#include "util/err.h"

int cmd_allocation(int argc, char **argv);
int cmd_assets(int argc, char **argv);
int cmd_clusters(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_collect(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_prices(int argc, char **argv);
int cmd_reprice(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_import_focus(int argc, char **argv); /* `import focus`, from cmd_import */
int cmd_db(int argc, char **argv);
int cmd_db_retention(int argc, char **argv); /* `db retention`, from cmd_db */
int cmd_cloudcost(int argc, char **argv);
int cmd_posture(int argc, char **argv);
int cmd_health(int argc, char **argv);
int cmd_budgets(int argc, char **argv);
int cmd_alerts(int argc, char **argv);
int cmd_savings(int argc, char **argv);
int cmd_forecast(int argc, char **argv);
int cmd_report_send(int argc, char **argv); /* `kubetally report` (cmd_report prints errors) */

enum kt_output { KT_OUT_TABLE, KT_OUT_JSON, KT_OUT_CSV };

/* Parse -o/--output value; returns -1 on an unknown format. */
int cmd_parse_output(const char *v, enum kt_output *out);
/* What one CLI question may cost: windows up to ten years, 10,000 steps. */
extern const kt_engine_limits cmd_limits;
/* Print "kubetally NAME: msg" and return err->code (2 when unset). */
int cmd_report(const char *name, const kt_err *err);
/* `FLAG a b c` means `FLAG a FLAG b FLAG c` (values up to the next flag):
 * returns a new argv (free the array, not its strings) of *out_argc. */
char **cmd_expand_multi(int argc, char **argv, const char *flag, const char *alias, int *out_argc);
/* Parse "true"/"false"/"1"/"0"/"yes"/"no"; -1 when neither. */
int cmd_parse_bool(const char *v);

/* For long-running commands (serve, collect): create the store once, before
 * threads open it at the same moment and race to create its schema; logs
 * where it is. */
int cmd_prepare_store(const char *db, kt_err *err);
/* The same for a command that may spool (--spool-dir): an agent started
 * while its database is away must start all the same and spool, so there
 * a failure is one warning line and 0. */
int cmd_prepare_store_spooled(const char *db, const char *spool_dir, kt_err *err);

/* Block SIGINT and SIGTERM in this thread and every thread started after
 * (so the command takes them with sigwait, as ordinary code), ignore
 * SIGPIPE; *set receives the two signals. */
void cmd_block_signals(sigset_t *set);

#endif

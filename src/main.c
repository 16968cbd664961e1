/* main.c — kubetally's subcommand table, and nothing else.
 * Invoked as kubectl-tally (a kubectl plugin), `kubectl tally namespace`
 * means `kubetally allocation --aggregate namespace`. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "util/log.h"

static const struct {
    const char *name;
    int (*run)(int, char **);
    const char *help;
} commands[] = {
    {"allocation", cmd_allocation, "cost by cluster, namespace, workload, pod, label… over a window"},
    {"assets", cmd_assets, "cost of nodes, disks, load balancers and cluster fees"},
    {"clusters", cmd_clusters, "clusters known to the store, with health"},
    {"collect", cmd_collect, "watch Kubernetes clusters and meter their costs (foreground)"},
    {"demo", cmd_demo, "write a synthetic multi-cloud fleet into the store"},
    {"serve", cmd_serve, "HTTP API, /metrics and dashboard (and the collectors)"},
    {"import", cmd_import, "import cost history from Prometheus or Thanos, or FOCUS cloud bills"},
    {"cloudcost", cmd_cloudcost, "cloud bill costs (FOCUS): by service, account, provider, tag; reconciliation"},
    {"prices", cmd_prices, "node prices and their sources; import cloud price lists"},
    {"savings", cmd_savings, "what to change and what it saves: request right-sizing, with risk and CO2e"},
    {"budgets", cmd_budgets, "budgets with their period, current spend and limit"},
    {"alerts", cmd_alerts, "budget alerts and the delivery status of their notifications"},
    {"report", cmd_report_send, "build a saved report (CSV + HTML) now and send it, or --print it"},
    {"forecast", cmd_forecast, "daily spend per aggregate for the next days, with bounds; --backtest"},
    {"reprice", cmd_reprice, "recompute stored prices over a window after prices change"},
    {"db", cmd_db, "store upkeep: `db cache` writes the day files again"},
    {"health", cmd_health, "cluster health (dumps or live): nodes, pods, Jobs, versions; health score"},
    {"posture", cmd_posture, "Pod Security Standards, Polaris checks, residency, resilience (files or live)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: kubetally COMMAND [flags]   (kubetally COMMAND --help for flags)\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "\nstore: --db sqlite:PATH | postgresql://… (or KUBETALLY_DB)\n");
}

/* kubectl tally namespace … → allocation --aggregate namespace … */
static int kubectl_plugin(int argc, char **argv)
{
    static char agg[] = "--aggregate";
    char *args[256];
    int n = 0;
    args[n++] = "allocation";
    if (argc > 1 && argv[1][0] != '-') {
        args[n++] = agg;
        args[n++] = argv[1];
        argv++, argc--;
    }
    for (int i = 1; i < argc && n < 255; i++)
        args[n++] = argv[i];
    args[n] = NULL;
    return cmd_allocation(n, args);
}

/* A command's answer that did not reach stdout (a full disk, a closed
 * pipe, /dev/full) is a failure, not exit 0. */
static int output_checked(const char *cmd, int rc)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return rc;
    fprintf(stderr, "kubetally %s: cannot write the output: %s\n", cmd, errno ? strerror(errno) : "write error");
    return 2;
}

int main(int argc, char **argv)
{
    kt_log_init();
    if (!strcmp(basename(argv[0]), "kubectl-tally"))
        return kubectl_plugin(argc, argv);
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(argv[1], commands[i].name))
            return output_checked(argv[1], commands[i].run(argc - 1, argv + 1));
    fprintf(stderr, "kubetally: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}

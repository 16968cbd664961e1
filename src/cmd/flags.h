/* flags.h — a small table-driven flag parser for the subcommands.
 *
 * Accepts --name value, --name=value, and for boolean flags a bare --name
 * (meaning true) or --name=false.  Each flag maps to a parameter name (the
 * HTTP API's, for allocation flags) so the CLI can feed src/engine/query.h
 * the same parameters the API gets.  Unknown flags and missing values are
 * errors naming the flag. */
#ifndef KT_FLAGS_H
#define KT_FLAGS_H

#include "util/err.h"

typedef struct kt_flag {
    const char *flag;  /* "--window" */
    const char *param; /* "window" */
    int is_bool;
    const char *alias; /* short form such as "-o", or NULL */
} kt_flag;

#define KT_MAX_PARAMS 48

typedef struct kt_params {
    const char *name[KT_MAX_PARAMS];
    const char *value[KT_MAX_PARAMS];
    int n;
    int help;
} kt_params;

int flags_parse(const kt_flag *table, int argc, char **argv, kt_params *out, kt_err *err);
/* The last value given for a parameter, or NULL (signature fits kt_param_get). */
const char *params_get(void *params, const char *name);
void flags_usage(const char *cmd, const char *summary, const kt_flag *table);

#endif

/* collect_opts.h — flags shared by `collect` and `serve` for the live
 * Kubernetes collector (collector/collector.h). */
#ifndef KT_COLLECT_OPTS_H
#define KT_COLLECT_OPTS_H

#include "cmd/cmd.h"
#include "cmd/flags.h"
#include "collector/collector.h"

extern const kt_flag collect_flags[];     /* NULL-terminated */
extern const char collect_flags_help[];

/* Fill o from parsed flags; contexts is storage for up to max names. The
 * caller loads pricing and sets o->cluster.pricing. */
int collect_opts_parse(kt_params *p, kt_collector_opts *o, const char **contexts, size_t max, kt_err *err);
/* A command's own flags followed by collect_flags, NULL-terminated, in
 * out (room for max entries). */
void collect_flags_merge(const kt_flag *own, kt_flag *out, size_t max);
/* Did the user ask for Kubernetes collection (any cluster-selecting flag)? */
int collect_wants_kube(kt_params *p);

#endif

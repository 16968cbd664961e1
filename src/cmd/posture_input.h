/* posture_input.h — what `posture` and `health` judge: manifests and dumps
 * given with --file (each path one cluster), and live clusters given with
 * --context (repeatable) or --all-contexts (--kubeconfig to pick the
 * file), each read on demand (posture/live.h) under its context name. */
#ifndef KT_CMD_POSTURE_INPUT_H
#define KT_CMD_POSTURE_INPUT_H

#include "cmd/flags.h"
#include "posture/manifest.h"

/* Flag table rows for the inputs, to copy into a command's table. */
/* --cluster is --context: a cluster's name in kubetally is its context's. */
#define POSTURE_INPUT_FLAGS                                                                                        \
    {"--file", "file", 0, "-f"}, {"--context", "context", 0, NULL}, {"--cluster", "context", 0, NULL},            \
        {"--all-contexts", "all-contexts", 1, NULL}, {"--kubeconfig", "kubeconfig", 0, NULL}

/* Load every input into m; fails (bad input, exit 2; unreachable cluster,
 * exit 1) with one message naming the file or cluster. */
int posture_load_inputs(kt_params *p, kt_manifest *m, kt_err *err);

#endif

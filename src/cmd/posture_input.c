/* posture_input.c — files and live clusters for posture and health; see
 * posture_input.h. */
#include "cmd/posture_input.h"

#include <string.h>

#include "cmd/cmd.h"
#include "kube/kubeconfig.h"
#include "posture/live.h"

int posture_load_inputs(kt_params *p, kt_manifest *m, kt_err *err)
{
    const char *contexts[KT_MAX_PARAMS];
    size_t n_ctx = 0;
    int any_file = 0;
    for (int i = 0; i < p->n; i++) {
        if (!strcmp(p->name[i], "file")) {
            any_file = 1;
            if (manifest_load_path(m, p->value[i], err))
                return -1;
        } else if (!strcmp(p->name[i], "context")) {
            contexts[n_ctx++] = p->value[i];
        }
    }
    int all = cmd_parse_bool(params_get(p, "all-contexts")) == 1 && params_get(p, "all-contexts");
    if (!n_ctx && !all) {
        if (!any_file)
            return kt_fail(err, KT_EINPUT, "give manifests or dumps with --file PATH…, or clusters with --context NAME "
                                           "or --all-contexts");
        return 0;
    }
    kt_kube_targets ts = {0};
    if (kubeconfig_load(params_get(p, "kubeconfig"), contexts, n_ctx, all, &ts, err))
        return -1;
    int rc = 0;
    for (size_t i = 0; i < ts.n && !rc; i++)
        rc = live_fetch(&ts.t[i], 500, 60, m, err);
    kube_targets_free(&ts);
    return rc;
}

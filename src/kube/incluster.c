/* incluster.c — kube_incluster: the pod's own service account, as
 * client-go's InClusterConfig: https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT,
 * the token file (re-read by kube_auth_apply as the kubelet rotates it) and
 * ca.crt beside it.  KUBETALLY_SA_DIR replaces the folder (tests, or a
 * token mounted elsewhere). */
#include "kube/kubeconfig_int.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"

int kube_incluster(kt_kube_targets *out, kt_err *err)
{
    memset(out, 0, sizeof *out);
    const char *host = getenv("KUBERNETES_SERVICE_HOST"), *port = getenv("KUBERNETES_SERVICE_PORT");
    if (!host || !*host || !port || !*port)
        return kt_fail(err, KT_EINPUT, "not running in a Kubernetes pod: KUBERNETES_SERVICE_HOST and "
                                       "KUBERNETES_SERVICE_PORT must both be set");
    const char *dir = getenv("KUBETALLY_SA_DIR");
    if (!dir || !*dir)
        dir = "/var/run/secrets/kubernetes.io/serviceaccount";
    kt_kube_target t = {0};
    kt_buf b = {0};
    /* an IPv6 service address needs brackets in a URL */
    buf_printf(&b, strchr(host, ':') ? "https://[%s]:%s" : "https://%s:%s", host, port);
    t.server = buf_steal(&b);
    buf_printf(&b, "%s/token", dir);
    t.token_file = buf_steal(&b);
    buf_printf(&b, "%s/ca.crt", dir);
    t.ca_file = buf_steal(&b);
    t.name = xstrdup("in-cluster");
    t.in_cluster = 1;
    char *tok = NULL;
    if (kube_read_token_file(t.token_file, "service account token", &tok, err)) {
        kube_target_clear(&t);
        return kt_wrap(err, "in-cluster: ");
    }
    kube_free_secret(tok, strlen(tok));
    if (access(t.ca_file, R_OK)) { /* client-go goes on with the system CAs too */
        log_warn("in-cluster: cannot read %s; verifying the API server with the system CAs", t.ca_file);
        free(t.ca_file);
        t.ca_file = NULL;
    }
    out->t = xcalloc(1, sizeof *out->t);
    out->t[0] = t;
    out->n = 1;
    out->current_context = xstrdup("");
    return 0;
}

/* kubeconfig.h — which clusters to watch and how to sign in to each, read
 * exactly as kubectl reads it.
 *
 * Sources, in kubectl's order:
 *  - an explicit path (--kubeconfig), alone;
 *  - else $KUBECONFIG, a colon list: files are merged, and for every map
 *    entry (cluster, user, context by name; current-context) the FIRST file
 *    that sets it wins; missing files in the list are skipped;
 *  - else ~/.kube/config;
 *  - in-cluster (kube_incluster): KUBERNETES_SERVICE_HOST/PORT, the service
 *    account token /var/run/secrets/kubernetes.io/serviceaccount/token
 *    (re-read as it rotates) and ca.crt beside it.
 * Relative file paths in a kubeconfig are relative to that file's folder.
 *
 * One kt_kube_target per selected context: the cluster's name in kubetally
 * is the context name.  A target owns its strings and is used by one
 * thread at a time (its cluster's watcher).
 *
 * Secrets (token, password, key data, exec credentials) are held in memory
 * only, never logged, never put in an error message: errors name the
 * context, the file and the field. */
#ifndef KT_KUBECONFIG_H
#define KT_KUBECONFIG_H

#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "util/err.h"

typedef struct kt_exec_cfg {
    char *command;
    char **args; size_t n_args;
    char **env;  size_t n_env;   /* "NAME=value" */
    char *api_version;           /* client.authentication.k8s.io/v1 or v1beta1 */
    int provide_cluster_info;
    char *interactive_mode;      /* Never, IfAvailable, Always; kubetally never has a terminal */
    int timeout_ms;              /* how long the plugin may run before it is killed; 0 = 30 s */
} kt_exec_cfg;

typedef struct kt_kube_target {
    char *name;                  /* context name: the cluster's name in kubetally */
    char *server;                /* https://host:port[/prefix], no trailing slash */
    /* TLS */
    char *ca_file, *ca_data;     /* ca_data: PEM bytes (base64 already decoded) */
    size_t ca_data_len;
    int insecure;                /* insecure-skip-tls-verify */
    char *tls_server_name;
    char *proxy_url;
    int disable_compression;     /* disable-compression (kubectl 1.26+) */
    /* credentials (at most a few set) */
    char *token, *token_file;
    char *cert_file, *key_file, *cert_data, *key_data; /* data: PEM bytes */
    size_t cert_data_len, key_data_len;
    char *username, *password;
    kt_exec_cfg *exec;           /* NULL unless users[].user.exec */
    /* exec credential cache */
    char *exec_token, *exec_cert, *exec_key;
    int64_t exec_expiry;         /* unix seconds; 0 = no expiry given */
    int in_cluster;
    /* owned by the target, set on handles by kube_auth_apply (curl keeps the pointer) */
    struct curl_slist *connect_to;
} kt_kube_target;

typedef struct kt_kube_targets {
    kt_kube_target *t;
    size_t n;
    char *current_context;       /* "" when none */
} kt_kube_targets;

/* Read kubeconfig(s) and select contexts: the named ones (n_contexts > 0;
 * an unknown name is an error listing the known ones), every context
 * (all = 1), or the current-context.  path NULL ⇒ $KUBECONFIG or
 * ~/.kube/config.  A context naming a missing cluster or user, a file that
 * is not YAML, unreadable files, bad base64: errors naming file and field. */
int kubeconfig_load(const char *path, const char *const *contexts, size_t n_contexts, int all,
                    kt_kube_targets *out, kt_err *err);

/* The in-cluster target (service account); fails when not in a pod. */
int kube_incluster(kt_kube_targets *out, kt_err *err);

void kube_targets_free(kt_kube_targets *ts);

/* Set everything on `h` that connecting and signing in need: TLS
 * verification (CA file or blob, insecure, tls-server-name via
 * CURLOPT_CONNECT_TO with the URL built by kube_url), proxy, client
 * certificate (file or blob), basic auth, and the Authorization header
 * appended to *headers (token, token file re-read each call, or the exec
 * plugin's credential: run when none is cached or it expires within 10 s).
 * `now` is unix seconds.  Fails when the exec plugin fails (message names
 * the command and quotes its first stderr line with anything that looks
 * like a token removed) or a token file is unreadable. */
int kube_auth_apply(kt_kube_target *t, CURL *h, struct curl_slist **headers, int64_t now, kt_err *err);

/* After an HTTP 401: forget the cached exec credential so the next
 * kube_auth_apply runs the plugin again (token files are re-read anyway). */
void kube_auth_invalidate(kt_kube_target *t);

/* Full URL for an API path ("/api/v1/pods?limit=500"), honoring
 * tls-server-name (the host part becomes that name; kube_auth_apply maps
 * it back to the real address).  Returns a malloc'd string. */
char *kube_url(const kt_kube_target *t, const char *path);

#endif

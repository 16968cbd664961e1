/* kubeconfig_int.h — what kubeconfig.c, auth.c, exec_plugin.c and
 * incluster.c share, and the pure pieces the unit tests check directly.
 * Not for the watcher: it uses kubeconfig.h only. */
#ifndef KT_KUBECONFIG_INT_H
#define KT_KUBECONFIG_INT_H

#include "kube/kubeconfig.h"
#include "util/buf.h"

/* How a request is signed in: the Authorization header's source.  A client
 * certificate (static or from the plugin) is TLS, independent of this.
 * Precedence, as client-go: a token file (re-read each request; the static
 * token is the fallback when the file cannot be read), a static token,
 * basic auth, then the exec plugin. */
enum kube_cred { KUBE_CRED_NONE, KUBE_CRED_TOKEN_FILE, KUBE_CRED_TOKEN, KUBE_CRED_BASIC, KUBE_CRED_EXEC };

enum kube_cred kube_auth_kind(const kt_kube_target *t);

/* The "Authorization: …" header line for t, malloc'd, or NULL in *out when
 * the request carries none (client certificate or anonymous).  Runs the exec
 * plugin when its credential is missing or expires within 10 s of now. */
int kube_auth_header(kt_kube_target *t, int64_t now, char **out, kt_err *err);

/* Read a token file: whole file, surrounding whitespace trimmed; empty or
 * multi-line files and control characters are errors naming `what` (may
 * be "") and the path (never the content). */
int kube_read_token_file(const char *path, const char *what, char **out, kt_err *err);

/* Run t->exec and cache its credential in t->exec_token / exec_cert /
 * exec_key / exec_expiry.  Errors name the context and the command. */
int kube_exec_run(kt_kube_target *t, kt_err *err);

/* KUBERNETES_EXEC_INFO for t (malloc'd JSON). */
char *kube_exec_info(const kt_kube_target *t);

/* Append to out the first line of plugin stderr `in` (at most 200 bytes of
 * it), with anything that looks like a secret replaced by "[redacted]":
 * runs of 16+ token characters mixing letters and digits, and the word
 * after a token/password/secret/key/authorization marker ("token=…",
 * "password: …", "Bearer …"). */
void kube_redact(const char *in, kt_buf *out);

/* Free what a target owns (secrets wiped first) and zero it. */
void kube_target_clear(kt_kube_target *t);

/* Wipe and free a secret string (NULL is fine). */
void kube_free_secret(char *s, size_t len);
void kube_wipe_buf(kt_buf *b);

#endif

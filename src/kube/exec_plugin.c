/* exec_plugin.c — client-go credential plugins (users[].user.exec): how
 * EKS (aws eks get-token), GKE (gke-gcloud-auth-plugin) and AKS (kubelogin)
 * sign in.  See kubeconfig_int.h for kube_exec_run's contract.
 *
 * The plugin runs with the parent's environment plus exec.env and
 * KUBERNETES_EXEC_INFO, stdin from /dev/null (kubetally never has a
 * terminal: spec.interactive is false), in its own process group so a
 * timeout kills the helpers a wrapper script started too.  posix_spawnp
 * (rather than fork + execvp) because the watchers are threads: the child
 * shares no locks with them, and a command missing from PATH comes back as
 * ENOENT from the call itself. */
#include "kube/kubeconfig_int.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/time.h"
#include "util/base64.h"
#include "util/clock.h"

extern char **environ;

enum { OUT_MAX = 1 << 20, ERR_MAX = 1 << 16, DEFAULT_TIMEOUT_MS = 30000 };

typedef struct plugin_run {
    kt_buf out, err;   /* stdout (the ExecCredential), stderr */
    int status;        /* waitpid status */
    int timed_out;
} plugin_run;

char *kube_exec_info(const kt_kube_target *t)
{
    json_t *spec = json_pack("{s:b}", "interactive", 0);
    if (t->exec->provide_cluster_info) {
        json_t *c = json_pack("{s:s}", "server", t->server);
        char *ca = NULL;
        size_t ca_len = 0;
        if (t->ca_data) {
            ca = b64_encode((const unsigned char *)t->ca_data, t->ca_data_len);
        } else if (t->ca_file) { /* client-go sends the file's bytes too */
            FILE *f = fopen(t->ca_file, "rb");
            kt_buf b = {0};
            char chunk[4096];
            while (f && (ca_len = fread(chunk, 1, sizeof chunk, f)) > 0)
                buf_add(&b, chunk, ca_len);
            if (f)
                fclose(f);
            if (b.len)
                ca = b64_encode((const unsigned char *)b.data, b.len);
            buf_free(&b);
        }
        if (ca)
            json_object_set_new(c, "certificate-authority-data", json_string(ca));
        free(ca);
        if (t->insecure)
            json_object_set_new(c, "insecure-skip-tls-verify", json_true());
        if (t->tls_server_name)
            json_object_set_new(c, "tls-server-name", json_string(t->tls_server_name));
        if (t->proxy_url)
            json_object_set_new(c, "proxy-url", json_string(t->proxy_url));
        json_object_set_new(spec, "cluster", c);
    }
    json_t *info = json_pack("{s:s, s:s, s:o}", "apiVersion", t->exec->api_version, "kind", "ExecCredential",
                             "spec", spec);
    char *s = json_dumps(info, JSON_COMPACT);
    json_decref(info);
    return s;
}

/* environ, minus names exec.env overrides, plus exec.env and the info. */
static char **plugin_env(const kt_kube_target *t, char *info_kv)
{
    size_t n = 0;
    while (environ && environ[n])
        n++;
    char **env = xcalloc(n + t->exec->n_env + 2, sizeof *env);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = strcspn(environ[i], "=");
        int drop = len == 20 && !strncmp(environ[i], "KUBERNETES_EXEC_INFO", 20);
        for (size_t j = 0; j < t->exec->n_env && !drop; j++)
            drop = !strncmp(environ[i], t->exec->env[j], len) && t->exec->env[j][len] == '=';
        if (!drop)
            env[k++] = environ[i];
    }
    for (size_t j = 0; j < t->exec->n_env; j++)
        env[k++] = t->exec->env[j];
    env[k] = info_kv;
    return env;
}

/* Read both pipes until they close or the deadline passes. */
static void collect(int fo, int fe, plugin_run *r, int64_t deadline)
{
    struct pollfd p[2] = {{fo, POLLIN, 0}, {fe, POLLIN, 0}};
    char chunk[4096];
    while ((p[0].fd >= 0 || p[1].fd >= 0) && !r->timed_out) {
        int64_t left = deadline - kt_mono_ms();
        if (left <= 0 || poll(p, 2, (int)left) == 0) {
            r->timed_out = 1;
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (p[i].fd < 0 || !p[i].revents)
                continue;
            ssize_t got = read(p[i].fd, chunk, sizeof chunk);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                p[i].fd = -1;
                continue;
            }
            kt_buf *b = i ? &r->err : &r->out;
            if (b->len + (size_t)got <= (size_t)(i ? ERR_MAX : OUT_MAX))
                buf_add(b, chunk, (size_t)got);
        }
    }
}

/* Wait for the child until the deadline, then kill its process group. */
static void reap(pid_t pid, plugin_run *r, int64_t deadline)
{
    while (!r->timed_out) {
        pid_t w = waitpid(pid, &r->status, WNOHANG);
        if (w == pid)
            return;
        if (w < 0 && errno != EINTR)
            return;
        if (kt_mono_ms() >= deadline)
            r->timed_out = 1;
        else
            usleep(5000);
    }
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    while (waitpid(pid, &r->status, 0) < 0 && errno == EINTR) {}
}

static int spawn(const kt_kube_target *t, plugin_run *r, kt_err *err)
{
    const kt_exec_cfg *x = t->exec;
    int po[2], pe[2];
    if (pipe2(po, O_CLOEXEC))
        return kt_fail(err, KT_ERUNTIME, "exec plugin: pipe: %s", strerror(errno));
    if (pipe2(pe, O_CLOEXEC)) {
        close(po[0]);
        close(po[1]);
        return kt_fail(err, KT_ERUNTIME, "exec plugin: pipe: %s", strerror(errno));
    }
    char **argv = xcalloc(x->n_args + 2, sizeof *argv);
    argv[0] = x->command;
    for (size_t i = 0; i < x->n_args; i++)
        argv[i + 1] = x->args[i];
    char *info = kube_exec_info(t);
    kt_buf kv = {0};
    buf_printf(&kv, "KUBERNETES_EXEC_INFO=%s", info);
    free(info);
    char **envp = plugin_env(t, kv.data);

    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, po[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
    posix_spawnattr_init(&at);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &all);
    pid_t pid;
    int64_t deadline = kt_mono_ms() + (x->timeout_ms > 0 ? x->timeout_ms : DEFAULT_TIMEOUT_MS);
    int rc = posix_spawnp(&pid, x->command, &fa, &at, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(po[1]);
    close(pe[1]);
    if (!rc) {
        collect(po[0], pe[0], r, deadline);
        reap(pid, r, deadline);
    }
    close(po[0]);
    close(pe[0]);
    free(argv);
    free(envp);
    kube_wipe_buf(&kv);
    if (rc)
        return kt_fail(err, KT_EINPUT, "exec plugin \"%s\" cannot run: %s%s", x->command, strerror(rc),
                       rc == ENOENT && !strchr(x->command, '/') ? " (not found on PATH)" : "");
    return 0;
}

/* Take status.* from the plugin's ExecCredential into t's cache. */
static int parse_credential(kt_kube_target *t, const kt_buf *out, kt_err *err)
{
    json_error_t je;
    json_t *root = json_loadb(out->data ? out->data : "", out->len, 0, &je);
    /* je.text can quote the input, which may hold the token: lines only */
    if (!root || !json_is_object(root)) {
        json_decref(root);
        return kt_fail(err, KT_EINPUT, "printed no ExecCredential JSON (%s at line %d column %d of its output)",
                       out->len ? "not JSON" : "empty", root ? 1 : je.line, root ? 1 : je.column);
    }
    const char *kind = json_string_value(json_object_get(root, "kind"));
    const char *api = json_string_value(json_object_get(root, "apiVersion"));
    json_t *st = json_object_get(root, "status");
    const char *tok = json_string_value(json_object_get(st, "token"));
    const char *cert = json_string_value(json_object_get(st, "clientCertificateData"));
    const char *key = json_string_value(json_object_get(st, "clientKeyData"));
    const char *exp = json_string_value(json_object_get(st, "expirationTimestamp"));
    int64_t expiry = 0;
    int rc = 0;
    if (!kind || strcmp(kind, "ExecCredential"))
        rc = kt_fail(err, KT_EINPUT, "printed JSON whose kind is not ExecCredential");
    else if (!api || strcmp(api, t->exec->api_version))
        rc = kt_fail(err, KT_EINPUT, "answered with apiVersion %.80s, but the kubeconfig asks for %s",
                     api ? api : "(none)", t->exec->api_version);
    else if (tok && !*tok)
        tok = NULL;
    if (!rc && !tok && !(cert && key))
        rc = kt_fail(err, KT_EINPUT, "%s", (cert || key) ? "gave only one of status.clientCertificateData and clientKeyData"
                                                         : "gave neither status.token nor a client certificate and key");
    else if (!rc && tok && strpbrk(tok, "\r\n"))
        rc = kt_fail(err, KT_EINPUT, "gave a status.token with a line break");
    else if (!rc && exp && time_parse_rfc3339(exp, &expiry))
        rc = kt_fail(err, KT_EINPUT, "gave status.expirationTimestamp \"%.40s\", not RFC 3339", exp);
    if (!rc) {
        kube_auth_invalidate(t);
        t->exec_token = tok ? xstrdup(tok) : NULL;
        t->exec_cert = cert && key ? xstrdup(cert) : NULL;
        t->exec_key = cert && key ? xstrdup(key) : NULL;
        t->exec_expiry = expiry;
    }
    json_decref(root);
    return rc;
}

int kube_exec_run(kt_kube_target *t, kt_err *err)
{
    plugin_run r = {0};
    int rc = spawn(t, &r, err);
    int timeout = t->exec->timeout_ms > 0 ? t->exec->timeout_ms : DEFAULT_TIMEOUT_MS;
    if (!rc && (r.timed_out || !WIFEXITED(r.status) || WEXITSTATUS(r.status))) {
        kt_buf why = {0};
        if (r.timed_out)
            buf_printf(&why, "did not finish within %d ms and was killed", timeout);
        else if (WIFSIGNALED(r.status))
            buf_printf(&why, "was killed by signal %d", WTERMSIG(r.status));
        else
            buf_printf(&why, "failed (exit status %d)", WEXITSTATUS(r.status));
        const char *e = r.err.data ? r.err.data + strspn(r.err.data, " \t\r\n") : "";
        if (*e) {
            buf_puts(&why, ": ");
            kube_redact(e, &why);
        }
        rc = kt_fail(err, KT_ERUNTIME, "exec plugin \"%s\" %s", t->exec->command, why.data);
        buf_free(&why);
    } else if (!rc && parse_credential(t, &r.out, err)) {
        rc = kt_wrap(err, "exec plugin \"%s\" ", t->exec->command);
    }
    kube_wipe_buf(&r.out);
    kube_wipe_buf(&r.err);
    return rc ? kt_wrap(err, "context \"%s\": ", t->name) : 0;
}

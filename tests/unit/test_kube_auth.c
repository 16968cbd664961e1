/* Signing in: the Authorization header for each credential kind, token
 * files re-read, exec credential plugins (run, cached until expiry, re-run
 * after kube_auth_invalidate, failures that do not leak secrets, timeouts),
 * in-cluster service accounts, kube_url with tls-server-name.  The real
 * TLS round trip is test_kube_tls.c. */
#include <jansson.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "kube/kubeconfig_int.h"
#include "kube_fixture.h"
#include "util/base64.h"
#include "util/buf.h"

static kt_buf all_errors; /* every error seen: no secret may appear in it */

static const char *secrets[] = {"token-from-a-0001", "s3cret", "tok-one-1111", "tok-two-2222", "static-fallback-3333",
                                "exec-token-", "eyJhbGciOiJSUzI1NiJ9", "hunter2hunter2", "pa55word", "garbage-secret-777"};

static void note(const kt_err *e)
{
    buf_printf(&all_errors, "%s\n", e->msg);
}

/* Load one context; aborts the test binary's sanity if it fails. */
static int load1(const char *path, const char *ctx, kt_kube_targets *ts)
{
    kt_err e = {0};
    const char *names[1] = {ctx};
    int rc = kubeconfig_load(path, names, 1, 0, ts, &e);
    if (rc) {
        note(&e);
        fprintf(stderr, "load %s: %s\n", ctx, e.msg);
    }
    return rc;
}

/* kube_auth_apply on a fresh handle; *hdr gets the Authorization line
 * (or "" when none).  Returns apply's result. */
static int apply(kt_kube_target *t, int64_t now, char *hdr, size_t cap, kt_err *e)
{
    CURL *h = curl_easy_init();
    struct curl_slist *headers = NULL;
    memset(e, 0, sizeof *e);
    int rc = kube_auth_apply(t, h, &headers, now, e);
    if (rc)
        note(e);
    snprintf(hdr, cap, "%s", "");
    for (struct curl_slist *s = headers; s; s = s->next)
        if (!strncmp(s->data, "Authorization:", 14))
            snprintf(hdr, cap, "%s", s->data);
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
    return rc;
}

TEST(static_credentials)
{
    kt_kube_targets ts;
    kt_err e;
    char hdr[256];
    if (load1(FIX "/merge/a.yaml", "both", &ts))
        return;
    CHECK(kube_auth_kind(&ts.t[0]) == KUBE_CRED_TOKEN);
    CHECK(apply(&ts.t[0], 0, hdr, sizeof hdr, &e) == 0);
    CHECK_STR(hdr, "Authorization: Bearer token-from-a-0001");
    kube_targets_free(&ts);
    if (load1(FIX "/merge/b.yaml", "only-b", &ts))
        return;
    CHECK(kube_auth_kind(&ts.t[0]) == KUBE_CRED_BASIC);
    CHECK(apply(&ts.t[0], 0, hdr, sizeof hdr, &e) == 0);
    /* base64("alice:s3cret") = YWxpY2U6czNjcmV0 (12 bytes → 16 chars, no padding) */
    CHECK_STR(hdr, "Authorization: Basic YWxpY2U6czNjcmV0");
    kube_targets_free(&ts);
    /* a client certificate is TLS only: no Authorization header */
    if (load1(FIX "/relative/config", "rel", &ts))
        return;
    CHECK(kube_auth_kind(&ts.t[0]) == KUBE_CRED_NONE);
    CHECK(apply(&ts.t[0], 0, hdr, sizeof hdr, &e) == 0);
    CHECK_STR(hdr, "");
    kube_targets_free(&ts);
}

TEST(token_file_rotation)
{
    fx_tmpdir();
    char tok[512], cfg[512];
    snprintf(tok, sizeof tok, "%s", fx_write("token", "tok-one-1111\n", 0));
    snprintf(cfg, sizeof cfg, "%s",
             fx_write("config", "clusters: [{name: c, cluster: {server: 'https://h.example.test'}}]\n"
                                "users: [{name: f, user: {tokenFile: token}},\n"
                                "        {name: both, user: {tokenFile: token, token: static-fallback-3333}}]\n"
                                "contexts: [{name: f, context: {cluster: c, user: f}}, {name: both, context: {cluster: c, user: both}}]\n",
                      0));
    kt_kube_targets ts, both;
    kt_err e;
    char hdr[256];
    if (load1(cfg, "f", &ts) || load1(cfg, "both", &both))
        return;
    CHECK(kube_auth_kind(&ts.t[0]) == KUBE_CRED_TOKEN_FILE);
    CHECK(apply(&ts.t[0], 0, hdr, sizeof hdr, &e) == 0);
    CHECK_STR(hdr, "Authorization: Bearer tok-one-1111");
    /* the file wins over the static token while it can be read */
    CHECK(apply(&both.t[0], 0, hdr, sizeof hdr, &e) == 0);
    CHECK_STR(hdr, "Authorization: Bearer tok-one-1111");
    fx_write("token", "  tok-two-2222\n\n", 0); /* rotated, with stray whitespace */
    CHECK(apply(&ts.t[0], 0, hdr, sizeof hdr, &e) == 0);
    CHECK_STR(hdr, "Authorization: Bearer tok-two-2222");
    unlink(tok);
    CHECK(apply(&ts.t[0], 0, hdr, sizeof hdr, &e) == -1);
    CHECK(strstr(e.msg, "context \"f\": token file ") && strstr(e.msg, "/token: No such file"));
    CHECK(apply(&both.t[0], 0, hdr, sizeof hdr, &e) == 0); /* falls back, as client-go */
    CHECK_STR(hdr, "Authorization: Bearer static-fallback-3333");
    fx_write("token", "two\nlines\n", 0);
    CHECK(apply(&ts.t[0], 0, hdr, sizeof hdr, &e) == -1 && strstr(e.msg, "expected one token on one line"));
    fx_write("token", "\n", 0);
    CHECK(apply(&ts.t[0], 0, hdr, sizeof hdr, &e) == -1 && strstr(e.msg, "/token: empty"));
    kube_targets_free(&ts);
    kube_targets_free(&both);
    fx_cleanup();
}

/* A plugin that counts its runs, records args, env and
 * KUBERNETES_EXEC_INFO, and prints a token numbered by its run. */
static const char *plugin_sh =
    "#!/bin/sh\n"
    "d=$(dirname \"$0\")\n"
    "echo run >> \"$d/count\"\n"
    "n=$(wc -l < \"$d/count\" | tr -d ' ')\n"
    "printf '%s\\n' \"$@\" > \"$d/args\"\n"
    "printf '%s' \"$KUBERNETES_EXEC_INFO\" > \"$d/info\"\n"
    "printf '%s' \"$PLUGIN_ENV\" > \"$d/env\"\n"
    "printf '{\"apiVersion\":\"%s\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"exec-token-%s\"%s}}\\n' \\\n"
    "  \"$API\" \"$n\" \"$EXTRA\"\n";

/* kubeconfig with one exec user whose plugin is fx_dir/<script>. */
static const char *exec_config(const char *api, const char *extra, int provide)
{
    static char path[512];
    char text[2048];
    snprintf(text, sizeof text,
             "current-context: ctx\n"
             "clusters: [{name: c, cluster: {server: 'https://exec.example.test:6443',\n"
             "  certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCmZpeHR1cmUtY2EKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=,\n"
             "  tls-server-name: kubernetes.default, proxy-url: 'http://proxy.example.test:3128'}}]\n"
             "users:\n"
             "- name: u\n"
             "  user:\n"
             "    exec:\n"
             "      apiVersion: %s\n"
             "      command: ./plugin.sh\n"
             "      args: [get-token, 'b c']\n"
             "      env: [{name: PLUGIN_ENV, value: hello}, {name: API, value: %s}, {name: EXTRA, value: '%s'}]\n"
             "      provideClusterInfo: %s\n"
             "      interactiveMode: Never\n"
             "contexts: [{name: ctx, context: {cluster: c, user: u}}]\n",
             api, api, extra, provide ? "true" : "false");
    snprintf(path, sizeof path, "%s", fx_write("config", text, 0));
    return path;
}

static int runs(void)
{
    char p[300];
    snprintf(p, sizeof p, "%s/count", fx_dir);
    char *s = fx_read(p);
    int n = 0;
    for (char *c = s; c && *c; c++)
        n += *c == '\n';
    free(s);
    return n;
}

static char *fx_file(const char *name)
{
    char p[300];
    snprintf(p, sizeof p, "%s/%s", fx_dir, name);
    return fx_read(p);
}

TEST(exec_v1_cached_until_expiry)
{
    fx_tmpdir();
    fx_write("plugin.sh", plugin_sh, 1);
    /* expiry 2030-01-01T00:00:00Z = 1893456000 */
    const char *cfg = exec_config("client.authentication.k8s.io/v1", ",\"expirationTimestamp\":\"2030-01-01T00:00:00Z\"", 1);
    kt_kube_targets ts;
    kt_err e;
    char hdr[256];
    if (load1(cfg, "ctx", &ts))
        return;
    kt_kube_target *t = &ts.t[0];
    CHECK(kube_auth_kind(t) == KUBE_CRED_EXEC);
    CHECK(apply(t, 1893455000, hdr, sizeof hdr, &e) == 0);
    CHECK_STR(hdr, "Authorization: Bearer exec-token-1");
    CHECK(t->exec_expiry == 1893456000);
    /* 1893455990 is 10 s before expiry: still "more than 10 s" → cached */
    CHECK(apply(t, 1893455989, hdr, sizeof hdr, &e) == 0);
    CHECK_STR(hdr, "Authorization: Bearer exec-token-1");
    CHECK(runs() == 1);
    /* 9 s before expiry: run again */
    CHECK(apply(t, 1893455991, hdr, sizeof hdr, &e) == 0);
    CHECK_STR(hdr, "Authorization: Bearer exec-token-2");
    CHECK(runs() == 2);
    /* a 401: invalidate, and the next apply runs the plugin a third time */
    kube_auth_invalidate(t);
    CHECK(t->exec_token == NULL && t->exec_expiry == 0);
    CHECK(apply(t, 1893455000, hdr, sizeof hdr, &e) == 0);
    CHECK_STR(hdr, "Authorization: Bearer exec-token-3");
    CHECK(runs() == 3);

    char *args = fx_file("args"), *env = fx_file("env"), *info = fx_file("info");
    CHECK_STR(args, "get-token\nb c\n");
    CHECK_STR(env, "hello");
    json_t *j = info ? json_loads(info, 0, NULL) : NULL;
    json_t *cl = json_object_get(json_object_get(j, "spec"), "cluster");
    CHECK_STR(json_string_value(json_object_get(j, "apiVersion")), "client.authentication.k8s.io/v1");
    CHECK_STR(json_string_value(json_object_get(j, "kind")), "ExecCredential");
    CHECK(json_is_false(json_object_get(json_object_get(j, "spec"), "interactive")));
    CHECK_STR(json_string_value(json_object_get(cl, "server")), "https://exec.example.test:6443");
    CHECK_STR(json_string_value(json_object_get(cl, "certificate-authority-data")),
              "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCmZpeHR1cmUtY2EKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=");
    CHECK_STR(json_string_value(json_object_get(cl, "tls-server-name")), "kubernetes.default");
    CHECK_STR(json_string_value(json_object_get(cl, "proxy-url")), "http://proxy.example.test:3128");
    CHECK(json_object_get(cl, "insecure-skip-tls-verify") == NULL); /* false is left out, as omitempty */
    json_decref(j);
    free(args);
    free(env);
    free(info);
    kube_targets_free(&ts);
    fx_cleanup();
}

TEST(exec_v1beta1_no_expiry)
{
    fx_tmpdir();
    fx_write("plugin.sh", plugin_sh, 1);
    const char *cfg = exec_config("client.authentication.k8s.io/v1beta1", "", 0);
    kt_kube_targets ts;
    kt_err e;
    char hdr[256];
    if (load1(cfg, "ctx", &ts))
        return;
    /* no expirationTimestamp: cached until a 401 */
    CHECK(apply(&ts.t[0], 1000, hdr, sizeof hdr, &e) == 0);
    CHECK(apply(&ts.t[0], 1000 + 86400 * 365, hdr, sizeof hdr, &e) == 0);
    CHECK_STR(hdr, "Authorization: Bearer exec-token-1");
    CHECK(runs() == 1);
    char *info = fx_file("info");
    /* no provideClusterInfo: spec has only interactive */
    CHECK_STR(info, "{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\",\"spec\":{\"interactive\":false}}");
    free(info);
    kube_targets_free(&ts);
    fx_cleanup();
}

/* Load ctx of a config whose plugin is `script`; apply must fail; returns
 * the message (static). */
static const char *exec_fails(const char *script, int timeout_ms)
{
    static kt_err e;
    fx_tmpdir();
    fx_write("plugin.sh", script, 1);
    kt_kube_targets ts;
    char hdr[256];
    e.msg[0] = 0;
    if (load1(exec_config("client.authentication.k8s.io/v1", "", 0), "ctx", &ts))
        return "";
    ts.t[0].exec->timeout_ms = timeout_ms;
    CHECK(apply(&ts.t[0], 0, hdr, sizeof hdr, &e) == -1);
    CHECK_STR(hdr, "");
    CHECK(ts.t[0].exec_token == NULL);
    kube_targets_free(&ts);
    fx_cleanup();
    return e.msg;
}

TEST(exec_failures)
{
    const char *m = exec_fails("#!/bin/sh\n"
                               "echo 'error: token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ rejected, password=hunter2hunter2' >&2\n"
                               "echo 'second line pa55word' >&2\nexit 1\n", 0);
    CHECK(strstr(m, "context \"ctx\": exec plugin \"") && strstr(m, "/./plugin.sh\" failed (exit status 1): error: token "));
    CHECK(strstr(m, "token [redacted] rejected, [redacted]")); /* the whole "password=…" run: 23 chars, letters and digits */
    CHECK(!strstr(m, "eyJ") && !strstr(m, "hunter2") && !strstr(m, "second line"));

    m = exec_fails("#!/bin/sh\necho 'garbage-secret-777 {'\n", 0);
    CHECK(strstr(m, "context \"ctx\": exec plugin \"") && strstr(m, "printed no ExecCredential JSON (not JSON at line 1"));

    m = exec_fails("#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"exec-token-9\"}}'\n", 0);
    CHECK(strstr(m, "answered with apiVersion client.authentication.k8s.io/v1beta1, but the kubeconfig asks for client.authentication.k8s.io/v1"));

    m = exec_fails("#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"clientCertificateData\":\"x\"}}'\n", 0);
    CHECK(strstr(m, "gave only one of status.clientCertificateData and clientKeyData"));

    m = exec_fails("#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"exec-token-8\",\"expirationTimestamp\":\"soon\"}}'\n", 0);
    CHECK(strstr(m, "status.expirationTimestamp \"soon\", not RFC 3339"));

    /* a plugin that hangs (and a child of it) is killed at the timeout */
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    m = exec_fails("#!/bin/sh\nsleep 30\necho never\n", 1000);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double took = (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
    CHECK(strstr(m, "did not finish within 1000 ms and was killed"));
    CHECK(took >= 0.9 && took < 5);
}

TEST(exec_missing_command_and_cert)
{
    fx_tmpdir();
    kt_kube_targets ts;
    kt_err e;
    char hdr[256];
    const char *cfg = fx_write("config",
                               "clusters: [{name: c, cluster: {server: 'https://h.example.test'}}]\n"
                               "users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1,"
                               " command: kt-no-such-plugin-4242}}}]\n"
                               "contexts: [{name: eks-prod, context: {cluster: c, user: u}}]\n", 0);
    if (load1(cfg, "eks-prod", &ts))
        return;
    CHECK(apply(&ts.t[0], 0, hdr, sizeof hdr, &e) == -1);
    CHECK(strstr(e.msg, "context \"eks-prod\": exec plugin \"kt-no-such-plugin-4242\" cannot run: No such file or directory (not found on PATH)"));
    kube_targets_free(&ts);

    /* a bare command name is found on PATH, as kubectl finds it */
    fx_write("kt-path-plugin-4242", "#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\","
                                    "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"exec-token-path\"}}'\n", 1);
    cfg = fx_write("config", "clusters: [{name: c, cluster: {server: 'https://h.example.test'}}]\n"
                             "users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1,"
                             " command: kt-path-plugin-4242}}}]\n"
                             "contexts: [{name: eks-prod, context: {cluster: c, user: u}}]\n", 0);
    char *old_path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin"), path[2048];
    snprintf(path, sizeof path, "%s:%s", fx_dir, old_path);
    setenv("PATH", path, 1);
    if (!load1(cfg, "eks-prod", &ts)) {
        CHECK(apply(&ts.t[0], 0, hdr, sizeof hdr, &e) == 0);
        CHECK_STR(hdr, "Authorization: Bearer exec-token-path");
        kube_targets_free(&ts);
    }
    setenv("PATH", old_path, 1);
    free(old_path);

    /* a plugin giving a client certificate: kept for TLS, no header */
    fx_write("plugin.sh", "#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
                          "\"status\":{\"clientCertificateData\":\"CERT-PEM\",\"clientKeyData\":\"KEY-PEM\"}}'\n", 1);
    if (load1(exec_config("client.authentication.k8s.io/v1", "", 0), "ctx", &ts))
        return;
    CHECK(apply(&ts.t[0], 0, hdr, sizeof hdr, &e) == 0);
    CHECK_STR(hdr, "");
    CHECK_STR(ts.t[0].exec_cert, "CERT-PEM");
    CHECK_STR(ts.t[0].exec_key, "KEY-PEM");
    kube_targets_free(&ts);
    fx_cleanup();
}

TEST(redaction)
{
    static const char *cases[][2] = {
        {"token expired", "token expired"},
        {"error: token=abc rejected", "error: token=[redacted] rejected"},
        {"{\"password\": \"pw1\"}", "{\"password\": \"[redacted]\"}"},
        {"Authorization: Bearer xyz", "Authorization: [redacted] [redacted]"},
        {"got k8s-aws-v1.aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbS8_QWN0aW9u here", "got [redacted] here"},
        {"An error occurred (ExpiredToken) when calling GetCallerIdentity", "An error occurred (ExpiredToken) when calling GetCallerIdentity"},
        {"first line\nsecond secret=zzz", "first line"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        kt_buf b = {0};
        kube_redact(cases[i][0], &b);
        CHECK_STR(b.data, cases[i][1]);
        buf_free(&b);
    }
}

TEST(base64)
{
    unsigned char *out;
    size_t n;
    /* "any carnal pleas" (16 bytes) → 24 chars with two "=" of padding */
    CHECK(b64_decode("YW55IGNhcm5hbCBwbGVhcw==", 24, &out, &n) == 0 && n == 16 && !memcmp(out, "any carnal pleas", 16));
    free(out);
    CHECK(b64_decode("YW55IGNh\ncm5hbCBwbGVhc3U=\n", 26, &out, &n) == 0 && n == 17 && !memcmp(out, "any carnal pleasu", 17));
    free(out);
    CHECK(b64_decode("", 0, &out, &n) == 0 && n == 0);
    free(out);
    CHECK(b64_decode("YW55=", 5, &out, &n) == -1);  /* padding after a full quad */
    CHECK(b64_decode("YW5", 3, &out, &n) == -1);    /* unpadded tail */
    CHECK(b64_decode("YW*5", 4, &out, &n) == -1);   /* outside the alphabet */
    CHECK(b64_decode("YQ==YQ==", 8, &out, &n) == -1); /* data after padding */
    char *s = b64_encode((const unsigned char *)"ab", 2);
    CHECK_STR(s, "YWI=");
    free(s);
}

TEST(urls)
{
    kt_kube_target t = {0};
    t.name = "x";
    t.server = "https://10.0.0.5:6443/prefix";
    char *u = kube_url(&t, "/api/v1/pods?limit=500");
    CHECK_STR(u, "https://10.0.0.5:6443/prefix/api/v1/pods?limit=500");
    free(u);
    t.tls_server_name = "kubernetes.default";
    u = kube_url(&t, "/api/v1/nodes");
    CHECK_STR(u, "https://kubernetes.default:6443/prefix/api/v1/nodes");
    free(u);
    t.server = "https://[fd00::1]";
    u = kube_url(&t, "/version");
    CHECK_STR(u, "https://kubernetes.default/version");
    free(u);
    /* CONNECT_TO sends kubernetes.default:443 to the real address */
    CURL *h = curl_easy_init();
    struct curl_slist *hs = NULL;
    kt_err e;
    CHECK(kube_auth_apply(&t, h, &hs, 0, &e) == 0);
    CHECK(t.connect_to && !strcmp(t.connect_to->data, "kubernetes.default:443:[fd00::1]:443"));
    CHECK(hs == NULL);
    curl_easy_cleanup(h);
    curl_slist_free_all(t.connect_to);
}

TEST(in_cluster)
{
    const char *dir = fx_tmpdir();
    kt_kube_targets ts;
    kt_err e = {0};
    unsetenv("KUBERNETES_SERVICE_HOST");
    setenv("KUBERNETES_SERVICE_PORT", "443", 1);
    CHECK(kube_incluster(&ts, &e) == -1 && strstr(e.msg, "not running in a Kubernetes pod"));
    setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
    setenv("KUBETALLY_SA_DIR", dir, 1);
    CHECK(kube_incluster(&ts, &e) == -1 && strstr(e.msg, "in-cluster: service account token ") &&
          strstr(e.msg, "No such file"));
    note(&e);
    fx_write("token", "tok-one-1111", 0);
    fx_write("ca.crt", "-----BEGIN CERTIFICATE-----\n", 0);
    CHECK(kube_incluster(&ts, &e) == 0);
    char want[300], hdr[256];
    CHECK(ts.n == 1 && ts.t[0].in_cluster && !strcmp(ts.t[0].server, "https://10.96.0.1:443"));
    snprintf(want, sizeof want, "%s/ca.crt", dir);
    CHECK(ts.n == 1 && ts.t[0].ca_file && !strcmp(ts.t[0].ca_file, want));
    CHECK(apply(&ts.t[0], 0, hdr, sizeof hdr, &e) == 0);
    CHECK_STR(hdr, "Authorization: Bearer tok-one-1111");
    fx_write("token", "tok-two-2222", 0); /* the kubelet rotated it */
    CHECK(apply(&ts.t[0], 0, hdr, sizeof hdr, &e) == 0);
    CHECK_STR(hdr, "Authorization: Bearer tok-two-2222");
    kube_targets_free(&ts);
    setenv("KUBERNETES_SERVICE_HOST", "fd00:10:96::1", 1);
    CHECK(kube_incluster(&ts, &e) == 0);
    CHECK(ts.n == 1 && !strcmp(ts.t[0].server, "https://[fd00:10:96::1]:443"));
    kube_targets_free(&ts);
    unsetenv("KUBERNETES_SERVICE_HOST");
    unsetenv("KUBERNETES_SERVICE_PORT");
    unsetenv("KUBETALLY_SA_DIR");
    fx_cleanup();
}

TEST(no_secret_in_errors)
{
    FX_CHECK_NO_SECRETS(&all_errors, secrets, 400);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    RUN(static_credentials);
    RUN(token_file_rotation);
    RUN(exec_v1_cached_until_expiry);
    RUN(exec_v1beta1_no_expiry);
    RUN(exec_failures);
    RUN(exec_missing_command_and_cert);
    RUN(redaction);
    RUN(base64);
    RUN(urls);
    RUN(in_cluster);
    RUN(no_secret_in_errors);
    curl_global_cleanup();
    return check_done();
}

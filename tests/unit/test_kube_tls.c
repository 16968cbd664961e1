/* A real TLS round trip of kube_auth_apply's settings against
 * `openssl s_server -www` on loopback, with certificates made by
 * `openssl req` in the test: the cluster's CA as certificate-authority-data
 * (and as a file) verifies, a different CA fails with curl's verification
 * error, insecure-skip-tls-verify connects anyway, tls-server-name makes an
 * IP address verify against the certificate's DNS name, and a client
 * certificate from -data fields (or an exec plugin) satisfies a server that
 * requires one.  Skipped (with a message) when openssl cannot be run. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "kube/kubeconfig.h"
#include "kube_fixture.h"
#include "util/base64.h"
#include "util/buf.h"

static int free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (bind(s, (struct sockaddr *)&a, sizeof a) || getsockname(s, (struct sockaddr *)&a, &len))
        abort();
    close(s);
    return ntohs(a.sin_port);
}

static int can_connect(int port)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int ok = connect(s, (struct sockaddr *)&a, sizeof a) == 0;
    close(s);
    return ok;
}

/* Start s_server in the background; its pid, or 0. */
static pid_t start_server(int port, const char *extra)
{
    char cmd[1024], pidf[300];
    snprintf(pidf, sizeof pidf, "%s/s%d.pid", fx_dir, port);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && openssl s_server -accept 127.0.0.1:%d -cert cert.pem -key key.pem -www -quiet %s "
             "</dev/null >s%d.log 2>&1 & echo $! > '%s'",
             fx_dir, port, extra, port, pidf);
    if (system(cmd) != 0)
        return 0;
    char *p = fx_read(pidf);
    pid_t pid = p ? (pid_t)atoi(p) : 0;
    free(p);
    for (int i = 0; i < 100 && pid && !can_connect(port); i++)
        usleep(50000);
    return pid && can_connect(port) ? pid : 0;
}

static char *b64_of(const char *name)
{
    char p[300];
    snprintf(p, sizeof p, "%s/%s", fx_dir, name);
    char *s = fx_read(p);
    char *e = s ? b64_encode((const unsigned char *)s, strlen(s)) : NULL;
    free(s);
    return e;
}

static size_t sink(char *p, size_t s, size_t n, void *u)
{
    return s * n;
}

/* GET / on context ctx of config; returns curl's code, *status the HTTP status. */
static CURLcode get(const char *config, const char *ctx, long *status, char *errbuf)
{
    kt_kube_targets ts;
    kt_err e;
    const char *names[1] = {ctx};
    *status = 0;
    errbuf[0] = 0;
    if (kubeconfig_load(config, names, 1, 0, &ts, &e)) {
        fprintf(stderr, "load %s: %s\n", ctx, e.msg);
        return CURLE_FAILED_INIT;
    }
    if (!strcmp(ctx, "mtls-exec")) { /* as a plugin would have given it */
        char p[300];
        snprintf(p, sizeof p, "%s/cert.pem", fx_dir);
        ts.t[0].exec_cert = fx_read(p);
        snprintf(p, sizeof p, "%s/key.pem", fx_dir);
        ts.t[0].exec_key = fx_read(p);
    }
    CURL *h = curl_easy_init();
    struct curl_slist *hs = NULL;
    CURLcode rc = CURLE_FAILED_INIT;
    if (!kube_auth_apply(&ts.t[0], h, &hs, 0, &e)) {
        char *url = kube_url(&ts.t[0], "/");
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hs);
        curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
        rc = curl_easy_perform(h);
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
        free(url);
    }
    curl_slist_free_all(hs);
    curl_easy_cleanup(h);
    kube_targets_free(&ts);
    return rc;
}

TEST(tls_round_trip)
{
    const char *dir = fx_tmpdir();
    char cmd[1024];
    /* EC keys: instant to make on a busy machine */
    snprintf(cmd, sizeof cmd,
             "cd '%s' && for n in '' other-; do openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
             "-nodes -keyout ${n}key.pem -out ${n}cert.pem -days 2 -subj /CN=kt-test.example "
             "-addext subjectAltName=DNS:kt-test.example,DNS:localhost || exit 1; done >gen.log 2>&1",
             dir);
    if (system(cmd) != 0) {
        printf("skip tls_round_trip: openssl req failed (see %s/gen.log)\n", dir);
        return;
    }
    int port = free_port(), mport = free_port();
    pid_t srv = start_server(port, ""), msrv = start_server(mport, "-Verify 1 -CAfile cert.pem");
    CHECK(srv > 0 && msrv > 0);
    if (srv <= 0 || msrv <= 0) {
        if (srv > 0)
            kill(srv, SIGTERM);
        if (msrv > 0)
            kill(msrv, SIGTERM);
        fx_cleanup();
        return;
    }
    char *ca = b64_of("cert.pem"), *other = b64_of("other-cert.pem"), *key = b64_of("key.pem");
    kt_buf y = {0};
    buf_printf(&y,
               "clusters:\n"
               "- {name: good, cluster: {server: 'https://localhost:%d', certificate-authority-data: %s}}\n"
               "- {name: cafile, cluster: {server: 'https://localhost:%d', certificate-authority: cert.pem}}\n"
               "- {name: wrongca, cluster: {server: 'https://localhost:%d', certificate-authority-data: %s}}\n"
               "- {name: insecure, cluster: {server: 'https://127.0.0.1:%d', insecure-skip-tls-verify: true}}\n"
               "- {name: ip, cluster: {server: 'https://127.0.0.1:%d', certificate-authority-data: %s}}\n"
               "- {name: sni, cluster: {server: 'https://127.0.0.1:%d', certificate-authority-data: %s,"
               " tls-server-name: kt-test.example}}\n"
               "- {name: mtls, cluster: {server: 'https://localhost:%d', certificate-authority-data: %s}}\n"
               "users:\n"
               "- {name: cert, user: {client-certificate-data: %s, client-key-data: %s}}\n"
               "contexts:\n"
               "- {name: good, context: {cluster: good}}\n"
               "- {name: cafile, context: {cluster: cafile}}\n"
               "- {name: wrongca, context: {cluster: wrongca}}\n"
               "- {name: insecure, context: {cluster: insecure}}\n"
               "- {name: ip, context: {cluster: ip}}\n"
               "- {name: sni, context: {cluster: sni}}\n"
               "- {name: mtls, context: {cluster: mtls, user: cert}}\n"
               "- {name: mtls-none, context: {cluster: mtls}}\n"
               "- {name: mtls-exec, context: {cluster: mtls}}\n",
               port, ca, port, port, other, port, port, ca, port, ca, mport, ca, ca, key);
    char config[512];
    snprintf(config, sizeof config, "%s", fx_write("config", y.data, 0));
    buf_free(&y);
    long st;
    char eb[CURL_ERROR_SIZE];

    CHECK(get(config, "good", &st, eb) == CURLE_OK && st == 200);
    CHECK(get(config, "cafile", &st, eb) == CURLE_OK && st == 200);
    /* another CA: curl's verification error, said as such */
    CHECK(get(config, "wrongca", &st, eb) == CURLE_PEER_FAILED_VERIFICATION);
    CHECK(strstr(eb, "certificate") != NULL);
    CHECK(get(config, "insecure", &st, eb) == CURLE_OK && st == 200);
    /* the certificate names no IP address: 127.0.0.1 does not verify … */
    CHECK(get(config, "ip", &st, eb) == CURLE_PEER_FAILED_VERIFICATION);
    /* … unless tls-server-name says which name to verify */
    CHECK(get(config, "sni", &st, eb) == CURLE_OK && st == 200);
    /* a server that requires a client certificate */
    CHECK(get(config, "mtls", &st, eb) == CURLE_OK && st == 200);
    CHECK(get(config, "mtls-none", &st, eb) != CURLE_OK);
    CHECK(get(config, "mtls-exec", &st, eb) == CURLE_OK && st == 200);

    kill(srv, SIGTERM);
    kill(msrv, SIGTERM);
    free(ca);
    free(other);
    free(key);
    fx_cleanup();
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    RUN(tls_round_trip);
    curl_global_cleanup();
    return check_done();
}

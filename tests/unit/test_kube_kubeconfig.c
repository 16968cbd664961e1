/* kubeconfig reading: kubectl's merge order, file selection, relative
 * paths, context selection and the errors a user sees (file, line, field;
 * never a secret).  Fixtures: tests/fixtures/kube/config/. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "kube/kubeconfig.h"
#include "kube_fixture.h"
#include "util/buf.h"

/* every error message seen, checked for secrets at the end */
static kt_buf all_errors;

static const char *secrets[] = {"token-from-a-0001", "token-from-b-0002", "s3cret", "fixture-file-token-0003",
                                "token-two-methods-0004", "pw-two-methods-0005"};

static int load(const char *path, const char *ctx, int all, kt_kube_targets *ts, kt_err *e)
{
    const char *names[1] = {ctx};
    memset(e, 0, sizeof *e);
    int rc = kubeconfig_load(path, names, ctx ? 1 : 0, all, ts, e);
    if (rc)
        buf_printf(&all_errors, "%s\n", e->msg);
    return rc;
}

/* Load one context of path expecting failure; returns the message. */
static const char *fails(const char *path, const char *ctx)
{
    static kt_err e;
    kt_kube_targets ts;
    int rc = load(path, ctx, 0, &ts, &e);
    CHECK(rc == -1);
    CHECK(ts.n == 0 && ts.t == NULL);
    CHECK(e.code == KT_EINPUT);
    return e.msg;
}

static const kt_kube_target *find(const kt_kube_targets *ts, const char *name)
{
    for (size_t i = 0; i < ts->n; i++)
        if (!strcmp(ts->t[i].name, name))
            return &ts->t[i];
    return NULL;
}

TEST(merge_order)
{
    /* a.yaml, a missing file, b.yaml, c.yaml, and a.yaml again (read once) */
    setenv("KUBECONFIG", FIX "/merge/a.yaml:" FIX "/merge/nope.yaml::" FIX "/merge/b.yaml:" FIX "/merge/c.yaml:" FIX
                         "/merge/a.yaml", 1);
    kt_kube_targets ts;
    kt_err e;
    CHECK(load(NULL, NULL, 1, &ts, &e) == 0);
    /* contexts both (a), only-b (b), only-c (c), sorted by name */
    CHECK(ts.n == 3);
    if (ts.n == 3) {
        CHECK_STR(ts.t[0].name, "both");
        CHECK_STR(ts.t[1].name, "only-b");
        CHECK_STR(ts.t[2].name, "only-c");
    }
    /* current-context: a.yaml sets none, b.yaml's wins over c.yaml's */
    CHECK_STR(ts.current_context, "only-b");
    const kt_kube_target *both = find(&ts, "both");
    /* "both" is a.yaml's context → a.yaml's "shared" cluster and user,
     * server without the trailing slash, CA decoded from base64
     * (27 + 1 + 10 + 1 + 25 + 1 = 65 bytes of PEM) */
    CHECK(both && !strcmp(both->server, "https://a.example.test:6443"));
    CHECK(both && both->token && !strcmp(both->token, "token-from-a-0001"));
    CHECK(both && both->ca_data_len == 65 && !memcmp(both->ca_data, "-----BEGIN CERTIFICATE-----\nfixture-ca\n", 39));
    const kt_kube_target *b = find(&ts, "only-b");
    CHECK(b && b->insecure == 1 && !strcmp(b->tls_server_name, "kubernetes.default") &&
          !strcmp(b->proxy_url, "http://proxy.example.test:3128") && !strcmp(b->username, "alice") &&
          !strcmp(b->password, "s3cret") && !b->token);
    const kt_kube_target *c = find(&ts, "only-c");
    /* a bare host:port gets https://, as client-go does */
    CHECK(c && !strcmp(c->server, "https://c.example.test:8443") && !c->token && !c->username && !c->exec);
    kube_targets_free(&ts);
    CHECK(ts.n == 0 && ts.t == NULL);

    /* no context asked for: the current one only */
    CHECK(load(NULL, NULL, 0, &ts, &e) == 0);
    CHECK(ts.n == 1 && !strcmp(ts.t[0].name, "only-b"));
    kube_targets_free(&ts);

    /* every file of the list missing: an empty config, no current-context */
    setenv("KUBECONFIG", FIX "/merge/nope1.yaml:" FIX "/merge/nope2.yaml", 1);
    const char *m = fails(NULL, NULL);
    CHECK(strstr(m, "no current-context") && strstr(m, "nope1.yaml") && strstr(m, "--context"));
    unsetenv("KUBECONFIG");
}

TEST(explicit_path_alone)
{
    /* --kubeconfig ignores $KUBECONFIG entirely */
    setenv("KUBECONFIG", FIX "/merge/a.yaml", 1);
    kt_kube_targets ts;
    kt_err e;
    CHECK(load(FIX "/merge/b.yaml", NULL, 1, &ts, &e) == 0);
    CHECK(ts.n == 2);
    const kt_kube_target *both = find(&ts, "both");
    CHECK(both && !strcmp(both->server, "https://b-only.example.test:443")); /* b.yaml's own "both" */
    CHECK_STR(ts.current_context, "only-b");
    kube_targets_free(&ts);
    /* a missing --kubeconfig is an error, unlike a missing list item */
    const char *m = fails(FIX "/merge/nope.yaml", NULL);
    CHECK(strstr(m, "nope.yaml") && strstr(m, "No such file"));
    unsetenv("KUBECONFIG");
}

TEST(home_default)
{
    const char *dir = fx_tmpdir();
    char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    setenv("HOME", dir, 1);
    unsetenv("KUBECONFIG");
    /* no ~/.kube/config: an empty config, and the message says where it looked */
    const char *m = fails(NULL, NULL);
    CHECK(strstr(m, ".kube/config (does not exist)"));
    char kube[300];
    snprintf(kube, sizeof kube, "%s/.kube", dir);
    mkdir(kube, 0755);
    fx_write(".kube/config", "current-context: home\n"
                             "clusters: [{name: h, cluster: {server: 'https://home.example.test:6443'}}]\n"
                             "contexts: [{name: home, context: {cluster: h}}]\n",
             0);
    /* an empty KUBECONFIG counts as unset */
    setenv("KUBECONFIG", "", 1);
    kt_kube_targets ts;
    kt_err e;
    CHECK(load(NULL, NULL, 0, &ts, &e) == 0);
    CHECK(ts.n == 1 && !strcmp(ts.t[0].name, "home") && !strcmp(ts.t[0].server, "https://home.example.test:6443"));
    kube_targets_free(&ts);
    if (old_home)
        setenv("HOME", old_home, 1);
    free(old_home);
    unsetenv("KUBECONFIG");
    fx_cleanup();
}

TEST(relative_paths)
{
    kt_kube_targets ts;
    kt_err e;
    CHECK(load(FIX "/relative/config", NULL, 1, &ts, &e) == 0);
    CHECK(ts.n == 4);
    const kt_kube_target *r = find(&ts, "rel");
    CHECK(r && !strcmp(r->ca_file, FIX "/relative/certs/ca.crt") && !r->ca_data);
    CHECK(r && !strcmp(r->cert_file, FIX "/relative/certs/client.crt") &&
          !strcmp(r->key_file, FIX "/relative/certs/client.key"));
    const kt_kube_target *t = find(&ts, "rel-token");
    CHECK(t && !strcmp(t->token_file, FIX "/relative/certs/token"));
    const kt_kube_target *x = find(&ts, "rel-exec");
    /* a command with a slash starts at the file's folder */
    CHECK(x && x->exec && !strcmp(x->exec->command, FIX "/relative/./bin/plugin"));
    CHECK(x && x->exec && !strcmp(x->exec->interactive_mode, "Never") && x->exec->n_args == 0);
    const kt_kube_target *p = find(&ts, "path-exec");
    /* a bare name stays a PATH lookup; v1beta1 defaults to IfAvailable */
    CHECK(p && p->exec && !strcmp(p->exec->command, "aws") && p->exec->n_args == 4 &&
          !strcmp(p->exec->args[3], "prod") && p->exec->n_env == 1 && !strcmp(p->exec->env[0], "AWS_PROFILE=prod") &&
          !strcmp(p->exec->interactive_mode, "IfAvailable") && !p->exec->provide_cluster_info &&
          !strcmp(p->exec->api_version, "client.authentication.k8s.io/v1beta1"));
    kube_targets_free(&ts);
}

TEST(select_contexts)
{
    kt_kube_targets ts;
    kt_err e;
    /* by name, repeats once, in the order asked */
    const char *names[] = {"rel-token", "rel", "rel-token"};
    CHECK(kubeconfig_load(FIX "/relative/config", names, 3, 0, &ts, &e) == 0);
    CHECK(ts.n == 2 && !strcmp(ts.t[0].name, "rel-token") && !strcmp(ts.t[1].name, "rel"));
    kube_targets_free(&ts);
    /* the current context */
    CHECK(load(FIX "/relative/config", NULL, 0, &ts, &e) == 0);
    CHECK(ts.n == 1 && !strcmp(ts.t[0].name, "rel") && !strcmp(ts.current_context, "rel"));
    kube_targets_free(&ts);
    /* an unknown name lists the known ones */
    const char *m = fails(FIX "/relative/config", "prod");
    CHECK(strstr(m, "context \"prod\" not found") && strstr(m, "rel, rel-token, rel-exec, path-exec"));
}

TEST(yaml_errors)
{
    const char *m = fails(FIX "/errors/syntax.yaml", NULL);
    /* the bad line is 7 ("   bad-indent: [unclosed"); libyaml notices there */
    CHECK(strstr(m, FIX "/errors/syntax.yaml line 7: YAML error"));
    m = fails(FIX "/errors/dup.yaml", NULL);
    CHECK(strstr(m, "dup.yaml line 7: clusters \"twin\" is listed twice, differently (first at line 5)"));
    kt_kube_targets ts;
    kt_err e;
    CHECK(load(FIX "/errors/same-twice.yaml", NULL, 0, &ts, &e) == 0); /* identical twins are fine */
    CHECK(ts.n == 1 && !strcmp(ts.t[0].server, "https://one.example.test"));
    kube_targets_free(&ts);
    const char *dir = fx_tmpdir();
    (void)dir;
    char p1[512];
    snprintf(p1, sizeof p1, "%s", fx_write("list", "- just\n- a list\n", 0));
    m = fails(p1, NULL);
    CHECK(strstr(m, "line 1: not a kubeconfig"));
    snprintf(p1, sizeof p1, "%s", fx_write("empty", "", 0));
    m = fails(p1, NULL);
    CHECK(strstr(m, "no current-context in"));
    CHECK(load(p1, NULL, 1, &ts, &e) == -1 && strstr(e.msg, "no contexts in"));
    snprintf(p1, sizeof p1, "%s",
             fx_write("noserver", "current-context: x\nclusters: [{name: c, cluster: {insecure-skip-tls-verify: maybe}}]\n"
                                  "contexts: [{name: x, context: {cluster: c}}]\n", 0));
    m = fails(p1, NULL);
    CHECK(strstr(m, "context \"x\": kubeconfig ") && strstr(m, "line 2: cluster \"c\": server is missing"));
    snprintf(p1, sizeof p1, "%s",
             fx_write("badbool", "current-context: x\nclusters: [{name: c, cluster: {server: h, insecure-skip-tls-verify: maybe}}]\n"
                                 "contexts: [{name: x, context: {cluster: c}}]\n", 0));
    m = fails(p1, NULL);
    CHECK(strstr(m, "cluster \"c\": insecure-skip-tls-verify must be true or false"));
    snprintf(p1, sizeof p1, "%s",
             fx_write("badcur", "current-context: gone\ncontexts: [{name: x, context: {cluster: c}}]\n", 0));
    m = fails(p1, NULL);
    CHECK(strstr(m, "current-context \"gone\" is not a context; contexts: x"));
    fx_cleanup();
}

TEST(reference_errors)
{
    const char *f = FIX "/errors/refs.yaml";
    const char *m = fails(f, "no-cluster");
    CHECK(strstr(m, "context \"no-cluster\": kubeconfig " FIX "/errors/refs.yaml line ") &&
          strstr(m, "cluster \"ghost\" is not defined; clusters: ok, bad-ca, insecure-ca"));
    m = fails(f, "no-user");
    CHECK(strstr(m, "context \"no-user\"") && strstr(m, "user \"ghost-user\" is not defined; users: two-methods"));
    m = fails(f, "bad-ca");
    CHECK(strstr(m, "context \"bad-ca\"") && strstr(m, "line 11: cluster \"bad-ca\": certificate-authority-data is not valid base64"));
    m = fails(f, "bad-key-data");
    CHECK(strstr(m, "user \"bad-key-data\": client-key-data is not valid base64"));
    m = fails(f, "insecure-ca");
    CHECK(strstr(m, "insecure-skip-tls-verify is set together with a certificate-authority"));
    m = fails(f, "two-methods");
    CHECK(strstr(m, "user \"two-methods\": token and username/password are both set"));
    m = fails(f, "cert-no-key");
    CHECK(strstr(m, "user \"cert-no-key\": client-key (or its -data form) is missing"));
    m = fails(f, "always");
    CHECK(strstr(m, "context \"always\"") && strstr(m, "exec.interactiveMode is Always, but kubetally never has a terminal"));
    m = fails(f, "v1-no-mode");
    CHECK(strstr(m, "exec.interactiveMode must be set with client.authentication.k8s.io/v1"));
    m = fails(f, "alpha");
    CHECK(strstr(m, "exec.apiVersion must be client.authentication.k8s.io/v1 or"));
    /* a context without a user is anonymous, and legal */
    kt_kube_targets ts;
    kt_err e;
    CHECK(load(f, "anonymous", 0, &ts, &e) == 0);
    CHECK(ts.n == 1 && !ts.t[0].token && !ts.t[0].exec && !ts.t[0].username);
    kube_targets_free(&ts);
    /* --all-contexts fails on the first bad one, naming it (sorted: "alpha") */
    CHECK(load(f, NULL, 1, &ts, &e) == -1 && strstr(e.msg, "context \"alpha\""));
}

TEST(missing_files)
{
    const char *dir = fx_tmpdir();
    char p[512];
    snprintf(p, sizeof p, "%s",
             fx_write("config", "current-context: x\n"
                                "clusters:\n- {name: c, cluster: {server: 'https://h:1', certificate-authority: nope.crt}}\n"
                                "- {name: ok, cluster: {server: 'https://ok:1'}}\n"
                                "users: [{name: u, user: {tokenFile: /nonexistent/token}}]\n"
                                "contexts: [{name: x, context: {cluster: c}}, {name: y, context: {cluster: ok, user: u}}]\n"
                                "---\n", 0));
    const char *m = fails(p, NULL);
    char want[600];
    snprintf(want, sizeof want, "cluster \"c\": certificate-authority %s/nope.crt: cannot read it (No such file", dir);
    CHECK(strstr(m, want));
    /* client-go reads a tokenFile up front: so does kubeconfig_load */
    m = fails(p, "y");
    CHECK(strstr(m, "context \"y\": kubeconfig ") &&
          strstr(m, "line 5: user \"u\": tokenFile /nonexistent/token: No such file or directory"));
    fx_cleanup();
}

/* Hostile YAML (issue 17): an alias inside the node it names used to
 * overflow the stack comparing a twice-listed entry; a chain of anchors
 * each used twice ("billion laughs") took time doubling per level.  Both
 * are one error now, found by a check linear in the file. */
TEST(hostile_aliases)
{
    char p[512];
    fx_tmpdir();
    snprintf(p, sizeof p, "%s",
             fx_write("selfref", "current-context: x\n"
                                 "clusters: [{name: c, cluster: &a {server: h, extensions: [*a]}}, {name: c, cluster: *a}]\n"
                                 "contexts: [{name: x, context: {cluster: c}}]\n", 0));
    const char *m = fails(p, NULL);
    CHECK(strstr(m, "line 2: a YAML alias refers to a node that contains it"));

    /* 2^27 leaves once expanded, from a file of 27 short lines */
    kt_buf y = {0};
    buf_puts(&y, "current-context: x\nl0: &a0 [v, v]\n");
    for (int i = 1; i <= 26; i++)
        buf_printf(&y, "l%d: &a%d [*a%d, *a%d]\n", i, i, i - 1, i - 1);
    buf_puts(&y, "clusters: [{name: c, cluster: {server: h, extensions: *a26}}, "
                 "{name: c, cluster: {server: h, extensions: *a26}}]\n"
                 "contexts: [{name: x, context: {cluster: c}}]\n");
    snprintf(p, sizeof p, "%s", fx_write("laughs", y.data, 0));
    buf_free(&y);
    m = fails(p, NULL);
    CHECK(strstr(m, "laughs: YAML aliases expand to more than 200000 nodes"));

    /* nesting is bounded too: 65 levels of flow sequences */
    char deep[200] = "current-context: x\nl: ";
    size_t k = strlen(deep);
    for (int i = 0; i < 66; i++)
        deep[k++] = '[';
    for (int i = 0; i < 66; i++)
        deep[k++] = ']';
    deep[k++] = '\n';
    deep[k] = 0;
    snprintf(p, sizeof p, "%s", fx_write("deep", deep, 0));
    m = fails(p, NULL);
    CHECK(strstr(m, "YAML nested deeper than 64 levels"));
    fx_cleanup();
}

TEST(no_secret_in_errors)
{
    FX_CHECK_NO_SECRETS(&all_errors, secrets, 500);
}

int main(void)
{
    RUN(merge_order);
    RUN(explicit_path_alone);
    RUN(home_default);
    RUN(relative_paths);
    RUN(select_contexts);
    RUN(yaml_errors);
    RUN(reference_errors);
    RUN(missing_files);
    RUN(hostile_aliases);
    RUN(no_secret_in_errors);
    return check_done();
}

/* test_layering.c — DESIGN.md's one-way data flow holds in this tree
 * (tests/layering.sh), and the check itself catches an upward include. */
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "check.h"

/* Run the check on `root` ("" = this checkout); its output into out. */
static int run_check(const char *root, char *out, size_t n)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "tests/layering.sh %s 2>&1", root);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t len = fread(out, 1, n - 1, p);
    out[len] = 0;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

TEST(tree_is_layered)
{
    char out[8192];
    int rc = run_check("", out, sizeof out);
    if (rc)
        fputs(out, stderr);
    CHECK(rc == 0);
}

TEST(upward_includes_are_caught)
{
    char root[] = "/tmp/kt-layering.XXXXXX", path[256], out[8192];
    CHECK(mkdtemp(root) != NULL);
    const char *dirs[] = {"src", "src/kube", "src/meter", "src/http"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        snprintf(path, sizeof path, "%s/%s", root, dirs[i]);
        CHECK(mkdir(path, 0700) == 0);
    }
    snprintf(path, sizeof path, "%s/src/kube/ok.c", root);
    put(path, "#include <stdio.h>\n#include \"kube/decode.h\"\n#include \"util/log.h\"\n");
    snprintf(path, sizeof path, "%s/src/http/ok.c", root);
    put(path, "#include \"collector/collector.h\"\n");
    CHECK(run_check(root, out, sizeof out) == 0);

    snprintf(path, sizeof path, "%s/src/kube/bad.c", root);
    put(path, "#include \"kube/decode.h\"\n#  include \"meter/meter.h\"\n");
    snprintf(path, sizeof path, "%s/src/meter/bad.h", root);
    put(path, "#include \"collector/cluster.h\"\n");
    CHECK(run_check(root, out, sizeof out) == 1);
    CHECK(strstr(out, "src/kube/bad.c:2:") != NULL);
    CHECK(strstr(out, "src/meter/bad.h:1:") != NULL);
    CHECK(strstr(out, "ok.c") == NULL);

    char rm[300];
    snprintf(rm, sizeof rm, "rm -rf %s", root);
    CHECK(system(rm) == 0);
}

int main(void)
{
    RUN(tree_is_layered);
    RUN(upward_includes_are_caught);
    return check_done();
}

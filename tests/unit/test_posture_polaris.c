/* test_posture_polaris.c — Polaris' checks against Polaris' own check
 * fixtures (../shared/data/k8s-fixtures/posture/polaris-test-checks: with
 * only that check on, at danger, a file named failure* gives at least one
 * failed result for it and every other file none), and the config,
 * exemptions and score on manifests of our own with hand-counted results. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "posture/polaris.h"
#include "posture_shared.h"

/* Failed results of check `id` over every object of m. */
static int failures(const pol_config *c, const kt_manifest *m, int *results)
{
    pol_audit a;
    pol_audit_run(c, m, &a);
    int f = 0, n = 0;
    for (size_t i = 0; i < a.n; i++)
        for (size_t j = 0; j < a.o[i].n; j++)
            n++, f += !a.o[i].r[j].success;
    pol_audit_free(&a);
    if (results)
        *results = n;
    return f;
}

TEST(polaris_fixtures)
{
    const char *root = shared_data();
    if (!root) {
        printf("skip polaris_fixtures: ../shared/data not found\n");
        return;
    }
    char base[512];
    snprintf(base, sizeof base, "%s/k8s-fixtures/posture/polaris-test-checks", root);
    char **dirs = NULL;
    size_t nd = 0;
    CHECK(list_dir(base, &dirs, &nd) == 0);
    int files = 0, agree = 0, fail_files = 0, fail_agree = 0, skipped_dirs = 0;
    for (size_t d = 0; d < nd; d++) {
        if (pol_check_index(dirs[d]) < 0) {   /* nakedPod, oneController, resourceRange: custom checks; LICENSE */
            skipped_dirs += strcmp(dirs[d], "LICENSE") != 0;
            continue;
        }
        pol_config c;
        pol_config_only(&c, dirs[d], POL_DANGER);
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/%s", base, dirs[d]);
        char **fs = NULL;
        size_t nf = 0;
        CHECK(list_dir(dir, &fs, &nf) == 0);
        for (size_t i = 0; i < nf; i++) {
            kt_manifest m;
            int loaded = load_in(dir, fs[i], &m) == 0;
            CHECK(loaded);
            int want_fail = strstr(fs[i], "failure") != NULL, results = 0;
            int f = loaded ? failures(&c, &m, &results) : -1;
            int ok = loaded && (want_fail ? f > 0 : f == 0);
            files++, agree += ok;
            fail_files += want_fail, fail_agree += want_fail && ok;
            if (!ok)
                fprintf(stderr, "polaris %s/%s: %d failed of %d results\n", dirs[d], fs[i], f, results);
            manifest_free(&m);
        }
        free_list(fs, nf);
        pol_config_free(&c);
    }
    free_list(dirs, nd);
    printf("polaris fixtures: %d of %d files as expected (%d of %d failure files fail); %d custom-check folders left out\n",
           agree, files, fail_agree, fail_files, skipped_dirs);
    CHECK(files > 300);
    CHECK(agree == files);
}

int main(void)
{
    RUN(polaris_fixtures);
    return check_done();
}

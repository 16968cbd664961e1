/* posture.c — `kubetally posture --file PATH…`: audit manifests without a
 * cluster, as `polaris audit --audit-path` does (or live clusters with
 * --context/--all-contexts, read on demand): Polaris' checks and the Pod
 * Security Standards, as a table, JSON or SARIF 2.1.0.  See docs/posture.md.
 *
 * Exit status: 0 when the audit ran (findings or not); 2 for bad input (a
 * flag, an unreadable or unparsable file: one line naming it); with
 * --set-exit-code-on-danger 3 when any danger, PSS violation, residency or
 * resilience danger was found;
 * with --set-exit-code-below-score N 4 when the Polaris score is below N
 * (Polaris' own codes). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "cmd/flags.h"
#include "cmd/posture_input.h"
#include "format/posture_format.h"
#include "posture/posture.h"
#include "posture/spend.h"
#include "store/store.h"
#include "util/buf.h"

static const kt_flag flags[] = {
    POSTURE_INPUT_FLAGS,
    {"--level", "level", 0, NULL},
    {"--pss-version", "pss-version", 0, NULL},
    {"--config", "config", 0, NULL},
    {"--rules", "rules", 0, NULL},
    {"--output", "output", 0, "-o"},
    {"--set-exit-code-on-danger", "exit-on-danger", 1, NULL},
    {"--set-exit-code-below-score", "exit-below-score", 0, NULL},
    {"--db", "db", 0, NULL},
    {"--spend-window", "spend-window", 0, NULL},
    {NULL, NULL, 0, NULL},
};

enum { OUT_TABLE, OUT_JSON, OUT_SARIF };

/* The spend half of the single-cloud risk: asked of the store named by
 * --db, or of the default store in live mode when it exists (a manifest
 * folder has no reason to match whatever the default store holds). */
static int attach_spend(kt_params *p, kt_posture *r, kt_err *err)
{
    const char *db = params_get(p, "db"), *win = params_get(p, "spend-window");
    int live = params_get(p, "context") || params_get(p, "all-contexts");
    if (!r->resilience.critical || (!db && !live))
        return 0;
    kt_store *s;
    kt_err open_err = {0};
    if (store_open(db, KT_STORE_READONLY, &s, &open_err))
        return db ? kt_fail(err, open_err.code, "%s", open_err.msg) : 0; /* no default store: no spend */
    int rc = spend_attach(&r->resilience, s, win ? win : "30d", (int64_t)time(NULL), &cmd_limits, err);
    store_close(s);
    return rc ? kt_wrap(err, "spend of critical workloads: ") : 0;
}

static int run(kt_params *p)
{
    kt_err err = {0};
    const char *o = params_get(p, "output"), *lv = params_get(p, "level"), *ver = params_get(p, "pss-version");
    const char *cfg = params_get(p, "config"), *below = params_get(p, "exit-below-score");
    int out = OUT_TABLE, minor = PSS_LATEST_MINOR, min_score = -1;
    pss_level level = PSS_BASELINE;
    if (o && !strcmp(o, "json")) out = OUT_JSON;
    else if (o && !strcmp(o, "sarif")) out = OUT_SARIF;
    else if (o && strcmp(o, "table")) kt_fail(&err, KT_EINPUT, "-o: expected table, json or sarif, got '%s'", o);
    if (!err.msg[0] && lv && pss_parse_level(lv, &level))
        kt_fail(&err, KT_EINPUT, "--level: expected privileged, baseline or restricted, got '%s'", lv);
    if (!err.msg[0] && ver && pss_parse_version(ver, &minor))
        kt_fail(&err, KT_EINPUT, "--pss-version: expected latest or v1.N, got '%s'", ver);
    if (!err.msg[0] && below) {
        char *end;
        long s = strtol(below, &end, 10);
        if (*end || end == below || s < 0 || s > 100)
            kt_fail(&err, KT_EINPUT, "--set-exit-code-below-score: expected 0 to 100, got '%s'", below);
        min_score = (int)s;
    }
    int on_danger = params_get(p, "exit-on-danger") ? cmd_parse_bool(params_get(p, "exit-on-danger")) : 0;
    if (!err.msg[0] && params_get(p, "exit-on-danger") && on_danger < 0)
        kt_fail(&err, KT_EINPUT, "--set-exit-code-on-danger: expected true or false");
    if (err.msg[0])
        return cmd_report("posture", &err);

    pol_config pc;
    kt_posture_rules rules;
    const char *rules_path = params_get(p, "rules");
    if (cfg ? pol_config_load(&pc, cfg, &err) : (pol_config_default(&pc), 0))
        return cmd_report("posture", &err);
    if (rules_path ? rules_load(&rules, rules_path, &err) : (rules_default(&rules), 0)) {
        pol_config_free(&pc);
        return cmd_report("posture", &err);
    }
    kt_manifest m = {0};
    if (posture_load_inputs(p, &m, &err)) {
        manifest_free(&m);
        pol_config_free(&pc);
        rules_free(&rules);
        return cmd_report("posture", &err);
    }
    kt_posture r;
    posture_audit(&m, &pc, &rules, level, minor, &r);
    if (attach_spend(p, &r, &err)) {
        posture_free(&r);
        manifest_free(&m);
        pol_config_free(&pc);
        rules_free(&rules);
        return cmd_report("posture", &err);
    }
    kt_buf b = {0};
    if (out == OUT_JSON) format_posture_json(&r, &b);
    else if (out == OUT_SARIF) format_posture_sarif(&r, NULL, &b);
    else format_posture_table(&r, &b);
    fwrite(b.data, 1, b.len, stdout);
    buf_free(&b);

    pol_counts c = pol_count(&r.polaris, NULL);
    int pss_bad = 0;
    for (size_t i = 0; i < r.n_pods; i++)
        pss_bad += r.pods[i].n > 0;
    for (size_t i = 0; i < r.findings.n; i++)
        pss_bad += r.findings.f[i].danger;
    int rc = 0;
    if (on_danger > 0 && (c.danger || pss_bad))
        rc = 3;
    else if (min_score >= 0 && pol_score(c) < min_score)
        rc = 4;
    posture_free(&r);
    manifest_free(&m);
    pol_config_free(&pc);
    rules_free(&rules);
    return rc;
}

int cmd_posture(int argc, char **argv)
{
    kt_params p;
    kt_err err = {0};
    int n;
    char **v = cmd_expand_multi(argc, argv, "--file", "-f", &n);
    int rc;
    if (flags_parse(flags, n, v, &p, &err)) {
        rc = cmd_report("posture", &err);
    } else if (p.help) {
        flags_usage("posture",
                    "Audit Kubernetes manifests (YAML or JSON, multi-document, Lists, Pods and controllers) without a\n"
                    "cluster, or live clusters (--context, --all-contexts): Polaris' checks (--config: a Polaris\n"
                    "config file) and the Pod Security Standards at\n"
                    "--level baseline|restricted (default baseline) and --pss-version (default latest).\n"
                    "--rules: data residency rules and the critical-workload marker (docs/posture.md).\n"
                    "-o table|json|sarif.  --file takes several paths; a directory means its *.yaml, *.yml, *.json.\n"
                    "--db: a cost store, for the spend of critical workloads over --spend-window (default 30d; live\n"
                    "clusters use the default store when it exists).",
                    flags);
        rc = 0;
    } else {
        rc = run(&p);
    }
    free(v);
    return rc;
}

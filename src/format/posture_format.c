/* posture_format.c — table, JSON and SARIF for a posture audit; see
 * posture_format.h. */
#include "format/posture_format.h"

#include <assert.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *result_message(const pol_result *r)
{
    return r->success ? pol_checks[r->check].success : pol_checks[r->check].failure;
}

static pol_counts object_counts(const pol_object_result *o)
{
    pol_audit one = {(pol_object_result *)o, 1};
    return pol_count(&one, NULL);
}


static void pss_rule_id(const pss_violation *v, char *buf, size_t n)
{
    snprintf(buf, n, "pss-%s/%s", pss_level_name(v->level), v->check);
}


/* Polaris counts per namespace or per cluster (input file / context):
 * group[i] is the key of object result i; keys in first-seen order. */
typedef struct group_score {
    const char *key;
    pol_counts c;
} group_score;

static size_t group_scores(const kt_posture *p, int by_cluster, group_score *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < p->polaris.n; i++) {
        const pol_object_result *o = &p->polaris.o[i];
        const char *key = by_cluster ? p->m->o[o->obj].file : o->ns;
        size_t k = 0;
        while (k < n && strcmp(out[k].key, key))
            k++;
        if (k == n) {
            if (n == cap)
                continue;
            out[n++] = (group_score){key, {0, 0, 0}};
        }
        pol_counts c = object_counts(o);
        out[k].c.pass += c.pass, out[k].c.warning += c.warning, out[k].c.danger += c.danger;
    }
    return n;
}

static int by_score(const void *a, const void *b)
{
    int x = pol_score(((const group_score *)a)->c), y = pol_score(((const group_score *)b)->c);
    return x != y ? x - y : strcmp(((const group_score *)a)->key, ((const group_score *)b)->key);
}

static json_t *groups_json(const kt_posture *p, int by_cluster)
{
    group_score g[512];
    size_t n = group_scores(p, by_cluster, g, 512);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s,s:i,s:I,s:I,s:I}", by_cluster ? "cluster" : "namespace", g[i].key,
                                           "score", pol_score(g[i].c), "passed", (json_int_t)g[i].c.pass, "warnings",
                                           (json_int_t)g[i].c.warning, "dangers", (json_int_t)g[i].c.danger));
    return a;
}

void format_posture_table(const kt_posture *p, kt_buf *out)
{
    assert(p && out);
    size_t shown = 0, pss_ok = 0, met[3] = {0, 0, 0};
    for (size_t i = 0; i < p->m->n; i++) {
        const pol_object_result *o = posture_polaris_of(p, i);
        const kt_posture_pod *pod = posture_pod_of(p, i);
        pol_counts c = o ? object_counts(o) : (pol_counts){0, 0, 0};
        if (pod)
            met[pod->met]++, pss_ok += !pod->n;
        if (!c.warning && !c.danger && !(pod && pod->n))
            continue;
        const kt_manifest_obj *mo = &p->m->o[i];
        const char *kind = o ? o->kind : pod->kind, *ns = o ? o->ns : pod->ns, *name = o ? o->name : pod->name;
        buf_printf(out, "%s%s", shown++ ? "\n" : "", mo->file);
        if (mo->line > 0)
            buf_printf(out, ":%d", mo->line);
        buf_printf(out, "  %s %s%s%s", kind, ns, *ns ? "/" : "", name);
        if (pod)
            buf_printf(out, "  pss=%s", pss_level_name(pod->met));
        if (o)
            buf_printf(out, "  polaris=%d", pol_score(c));
        buf_putc(out, '\n');
        for (size_t j = 0; o && j < o->n; j++) {
            const pol_result *r = &o->r[j];
            if (r->success)
                continue;
            buf_printf(out, "  %-8s %-36s %s%s%s%s\n", pol_severity_name(r->severity), pol_checks[r->check].id,
                       r->container ? "container " : "", r->container ? r->container : "", r->container ? ": " : "",
                       result_message(r));
        }
        for (size_t j = 0; pod && j < pod->n; j++) {
            char id[96];
            pss_rule_id(&pod->v[j], id, sizeof id);
            buf_printf(out, "  %-8s %-36s %s\n", "error", id, pod->v[j].detail);
        }
    }
    if (p->findings.n && shown)
        buf_putc(out, '\n');
    for (size_t i = 0; i < p->findings.n; i++) {
        const kt_finding *f = &p->findings.f[i];
        buf_printf(out, "%-8s %-26s %s %s%s%s: %s\n", f->danger ? "danger" : "warning", f->check, f->kind, f->ns,
                   *f->ns ? "/" : "", f->name, f->detail);
        shown++;
    }
    group_score g[512];
    size_t ng = group_scores(p, 0, g, 512);
    qsort(g, ng, sizeof *g, by_score);
    if (ng > 1) {
        buf_printf(out, "%sWorst namespaces by Polaris score:", shown ? "\n" : "");
        for (size_t i = 0; i < ng && i < 5; i++)
            buf_printf(out, "%s %s %d", i ? "," : "", *g[i].key ? g[i].key : "(none)", pol_score(g[i].c));
        buf_putc(out, '\n');
        shown = 0;
    }
    size_t nc = group_scores(p, 1, g, 512);
    for (size_t i = 0; nc > 1 && i < nc; i++)
        buf_printf(out, "Cluster %s: Polaris score %d\n", g[i].key, pol_score(g[i].c));
    pol_counts all = pol_count(&p->polaris, NULL);
    buf_printf(out, "%sPolaris score %d: %ld passed, %ld warnings, %ld dangers over %zu objects\n", shown ? "\n" : "",
               pol_score(all), all.pass, all.warning, all.danger, p->polaris.n);
    buf_printf(out, "Pod Security Standards %s (v1.%d): %zu of %zu pods pass; levels met: %zu restricted, %zu baseline, "
                    "%zu privileged\n",
               pss_level_name(p->level), p->minor, pss_ok, p->n_pods, met[PSS_RESTRICTED], met[PSS_BASELINE],
               met[PSS_PRIVILEGED]);
    const char *cl[2];
    int several = manifest_clusters(p->m, cl, 2) > 1;
    for (size_t i = 0; i < p->n_ns; i++) {
        const kt_posture_ns *n = &p->ns[i];
        buf_printf(out, "Namespace %s%s%s%s:", n->name, several ? " (" : "", several ? n->cluster : "",
                   several ? ")" : "");
        int any = 0;
        for (int k = 0; k < 3; k++) {
            if (!n->mode[k].set)
                continue;
            buf_printf(out, "%s %s=%s%s (v1.%d) rejects %zu of %zu pods", any++ ? ";" : "", pss_mode_names[k],
                       pss_level_name(n->mode[k].level), n->mode[k].invalid ? " [invalid label]" : "",
                       n->mode[k].minor, n->mode[k].rejected, n->pods);
        }
        buf_puts(out, any ? "\n" : " no pod-security.kubernetes.io labels\n");
    }
    const kt_resilience_summary *rs = &p->resilience;
    if (rs->critical)
        buf_printf(out, "Critical workloads: %zu; of the %zu placed on known nodes, %zu depend on one cloud, %zu on one "
                        "region, %zu on one zone\n",
                   rs->critical, rs->placed, rs->one_provider, rs->one_region, rs->one_zone);
    if (rs->critical && rs->spend_window[0])
        buf_printf(out, "Their spend over %s: %.2f; on one cloud %.2f (%.1f %%), one region %.2f, one zone %.2f\n",
                   rs->spend_window, rs->spend_critical, rs->spend_one_provider,
                   rs->spend_critical > 0 ? 100 * rs->spend_one_provider / rs->spend_critical : 0,
                   rs->spend_one_region, rs->spend_one_zone);
}

/* The single-cloud risk's spend half, when a store was asked. */
static void resilience_spend_json(json_t *res, const kt_resilience_summary *rs)
{
    if (!rs->spend_window[0])
        return;
    double all = rs->spend_critical;
    json_object_set_new(res, "spend", json_pack("{s:s,s:f,s:f,s:f,s:f,s:f}", "window", rs->spend_window, "critical",
                                                all, "oneProvider", rs->spend_one_provider, "oneProviderShare",
                                                all > 0 ? rs->spend_one_provider / all : 0.0, "oneRegion",
                                                rs->spend_one_region, "oneZone", rs->spend_one_zone));
}

static json_t *findings_json(const kt_posture *p)
{
    json_t *a = json_array();
    for (size_t i = 0; i < p->findings.n; i++) {
        const kt_finding *f = &p->findings.f[i];
        json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "check", f->check, "severity",
                                           f->danger ? "danger" : "warning", "kind", f->kind, "namespace", f->ns,
                                           "name", f->name, "detail", f->detail));
    }
    return a;
}

static json_t *namespaces_json(const kt_posture *p)
{
    json_t *a = json_array();
    for (size_t i = 0; i < p->n_ns; i++) {
        const kt_posture_ns *n = &p->ns[i];
        json_t *o = json_pack("{s:s,s:s,s:I}", "name", n->name, "cluster", n->cluster, "pods", (json_int_t)n->pods);
        for (int k = 0; k < 3; k++) {
            char version[16];
            snprintf(version, sizeof version, "v1.%d", n->mode[k].minor);
            json_object_set_new(o, pss_mode_names[k],
                                n->mode[k].set
                                    ? json_pack("{s:s,s:s,s:b,s:I}", "level", pss_level_name(n->mode[k].level),
                                                "version", version, "invalid", n->mode[k].invalid, "rejected",
                                                (json_int_t)n->mode[k].rejected)
                                    : json_null());
        }
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *result_json(const pol_result *r)
{
    const pol_check_info *c = &pol_checks[r->check];
    return json_pack("{s:s,s:s,s:[],s:b,s:s,s:s}", "ID", c->id, "Message", result_message(r), "Details", "Success",
                     r->success, "Severity", pol_severity_name(r->severity), "Category", c->category);
}

static json_t *pss_json(const kt_posture *p, const kt_posture_pod *pod)
{
    json_t *v = json_array();
    for (size_t j = 0; j < pod->n; j++) {
        char id[96];
        pss_rule_id(&pod->v[j], id, sizeof id);
        json_array_append_new(v, json_pack("{s:s,s:s,s:s,s:s}", "ruleId", id, "check", pod->v[j].check, "level",
                                           pss_level_name(pod->v[j].level), "detail", pod->v[j].detail));
    }
    return json_pack("{s:s,s:b,s:o}", "levelMet", pss_level_name(pod->met), "allowed", pod->n == 0, "violations", v);
}

static json_t *object_json(const kt_posture *p, size_t i)
{
    const pol_object_result *o = posture_polaris_of(p, i);
    const kt_posture_pod *pod = posture_pod_of(p, i);
    const kt_manifest_obj *mo = &p->m->o[i];
    json_t *ctl = json_object(), *podr = json_object(), *ctrs = json_array();
    for (size_t j = 0; o && j < o->n; j++) {
        const pol_result *r = &o->r[j];
        const pol_check_info *c = &pol_checks[r->check];
        if (!r->container) {
            json_object_set_new(c->target == POL_T_POD ? podr : ctl, c->id, result_json(r));
            continue;
        }
        json_t *cr = NULL, *x;
        size_t k;
        json_array_foreach(ctrs, k, x)
            if (!strcmp(json_string_value(json_object_get(x, "Name")), r->container))
                cr = x;
        if (!cr) {
            cr = json_pack("{s:s,s:{}}", "Name", r->container, "Results");
            json_array_append_new(ctrs, cr);
        }
        json_object_set_new(json_object_get(cr, "Results"), c->id, result_json(r));
    }
    const char *kind = o ? o->kind : pod->kind, *ns = o ? o->ns : pod->ns, *name = o ? o->name : pod->name;
    json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:i,s:o}", "Name", name, "Namespace", ns, "Kind", kind, "File", mo->file,
                          "Line", mo->line, "Results", ctl);
    if (pod) {
        json_object_set_new(j, "PodResult", json_pack("{s:s,s:o,s:o}", "Name", "", "Results", podr,
                                                      "ContainerResults", ctrs));
        json_object_set_new(j, "PodSecurity", pss_json(p, pod));
    } else {
        json_decref(podr);
        json_decref(ctrs);
    }
    if (o)
        json_object_set_new(j, "Score", json_integer(pol_score(object_counts(o))));
    return j;
}

static void dump(json_t *j, kt_buf *out)
{
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    buf_puts(out, s);
    buf_putc(out, '\n');
    free(s);
    json_decref(j);
}

void format_posture_json(const kt_posture *p, kt_buf *out)
{
    assert(p && out);
    pol_counts c = pol_count(&p->polaris, NULL);
    size_t ok = 0;
    for (size_t i = 0; i < p->n_pods; i++)
        ok += !p->pods[i].n;
    char version[16];
    snprintf(version, sizeof version, "v1.%d", p->minor);
    json_t *cats = json_object();
    const char *names[] = {"Security", "Efficiency", "Reliability"};
    for (int k = 0; k < 3; k++) {
        pol_counts cc = pol_count(&p->polaris, names[k]);
        json_object_set_new(cats, names[k], json_pack("{s:I,s:I,s:I,s:i}", "Successes", (json_int_t)cc.pass,
                                                      "Warnings", (json_int_t)cc.warning, "Dangers",
                                                      (json_int_t)cc.danger, "Score", pol_score(cc)));
    }
    const kt_resilience_summary *rs = &p->resilience;
    json_t *head = json_pack(
        "{s:s,s:s,s:i,s:{s:I,s:I,s:I},s:o,s:o,s:o,s:{s:s,s:s,s:I,s:I,s:o},s:o,s:{s:I,s:I,s:I,s:I,s:I}}",
        "PolarisOutputVersion", "1.0", "SourceType", "Path", "Score", pol_score(c), "Summary", "Successes",
        (json_int_t)c.pass, "Warnings", (json_int_t)c.warning, "Dangers", (json_int_t)c.danger, "Categories", cats,
        "NamespaceScores", groups_json(p, 0), "ClusterScores", groups_json(p, 1), "PodSecurity", "level",
        pss_level_name(p->level), "version", version, "pods", (json_int_t)p->n_pods, "allowed", (json_int_t)ok,
        "namespaces", namespaces_json(p), "Findings", findings_json(p), "Resilience", "criticalWorkloads",
        (json_int_t)rs->critical, "placed", (json_int_t)rs->placed, "oneProvider", (json_int_t)rs->one_provider,
        "oneRegion", (json_int_t)rs->one_region, "oneZone", (json_int_t)rs->one_zone);
    resilience_spend_json(json_object_get(head, "Resilience"), rs);
    /* The head, then Results one object at a time: a 100,000-pod cluster's
     * answer is never a single JSON tree in memory. */
    char *h = json_dumps(head, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(head);
    buf_add(out, h, strlen(h) - 1);   /* without the closing brace */
    free(h);
    buf_puts(out, ",\"Results\":[");
    int first = 1;
    for (size_t i = 0; i < p->m->n; i++) {
        if (!posture_polaris_of(p, i) && !posture_pod_of(p, i))
            continue;
        json_t *o = object_json(p, i);
        char *t = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!first)
            buf_putc(out, ',');
        buf_puts(out, t);
        first = 0;
        free(t);
        json_decref(o);
    }
    buf_puts(out, "]}\n");
}

/* SARIF rules: every Polaris check, then every PSS check under the id
 * pss-<its level>/<id>; the index of each is its ruleIndex. */
static json_t *sarif_rules(const kt_posture *p)
{
    json_t *rules = json_array();
    for (int i = 0; i < POL_NCHECKS; i++)
        json_array_append_new(rules, json_pack("{s:s,s:{s:s},s:{s:s},s:{s:s},s:{s:s}}", "id", pol_checks[i].id,
                                               "shortDescription", "text", pol_checks[i].failure, "fullDescription",
                                               "text", pol_checks[i].success, "defaultConfiguration", "level",
                                               pol_checks[i].severity == POL_DANGER ? "error" : "warning",
                                               "properties", "category", pol_checks[i].category));
    for (int i = 0; i < PSS_NCHECKS; i++) {
        char id[96];
        snprintf(id, sizeof id, "pss-%s/%s", pss_level_name(pss_checks[i].level), pss_checks[i].id);
        json_array_append_new(rules, json_pack("{s:s,s:{s:s},s:{s:s},s:{s:s}}", "id", id, "shortDescription", "text",
                                               pss_checks[i].title, "defaultConfiguration", "level", "error",
                                               "properties", "category", "Pod Security Standards"));
    }
    for (size_t i = 0; i < p->findings.n; i++) {   /* residency and resilience: one rule per check seen */
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = !strcmp(p->findings.f[j].check, p->findings.f[i].check);
        if (!seen)
            json_array_append_new(rules, json_pack("{s:s,s:{s:s},s:{s:s}}", "id", p->findings.f[i].check,
                                                   "shortDescription", "text", p->findings.f[i].check, "properties",
                                                   "category",
                                                   strncmp(p->findings.f[i].check, "residency/", 10) ? "Resilience"
                                                                                                    : "Data residency"));
    }
    return rules;
}

static json_t *sarif_location(const kt_posture *p, size_t i, const char *kind, const char *ns, const char *name)
{
    const kt_manifest_obj *mo = &p->m->o[i];
    char fq[512];
    snprintf(fq, sizeof fq, "%s%s%s/%s", ns, *ns ? "/" : "", kind, name);
    char uri[1100];
    snprintf(uri, sizeof uri, "%s%s", mo->file[0] == '/' ? "file://" : "", mo->file);   /* absolute path: a file URI */
    json_t *phys = json_pack("{s:{s:s}}", "artifactLocation", "uri", uri);
    if (mo->line > 0)
        json_object_set_new(phys, "region", json_pack("{s:i}", "startLine", mo->line));
    return json_pack("[{s:o,s:[{s:s,s:s}]}]", "physicalLocation", phys, "logicalLocations", "fullyQualifiedName", fq,
                     "kind", "object");
}

void format_posture_sarif(const kt_posture *p, const char *tool_version, kt_buf *out)
{
    assert(p && out);
    json_t *results = json_array();
    for (size_t i = 0; i < p->m->n; i++) {
        const pol_object_result *o = posture_polaris_of(p, i);
        const kt_posture_pod *pod = posture_pod_of(p, i);
        for (size_t j = 0; o && j < o->n; j++) {
            const pol_result *r = &o->r[j];
            if (r->success)
                continue;
            char msg[512];
            snprintf(msg, sizeof msg, "%s%s%s%s (%s %s)", r->container ? "container " : "",
                     r->container ? r->container : "", r->container ? ": " : "", result_message(r), o->kind, o->name);
            json_array_append_new(results, json_pack("{s:s,s:i,s:s,s:{s:s},s:o}", "ruleId", pol_checks[r->check].id,
                                                     "ruleIndex", r->check, "level",
                                                     r->severity == POL_DANGER ? "error" : "warning", "message",
                                                     "text", msg, "locations",
                                                     sarif_location(p, i, o->kind, o->ns, o->name)));
        }
        for (size_t j = 0; pod && j < pod->n; j++) {
            char id[96], msg[512];
            int idx = POL_NCHECKS;
            pss_rule_id(&pod->v[j], id, sizeof id);
            for (int k = 0; k < PSS_NCHECKS; k++)
                if (!strcmp(pss_checks[k].id, pod->v[j].check))
                    idx = POL_NCHECKS + k;
            snprintf(msg, sizeof msg, "%s (%s %s, Pod Security Standards %s v1.%d)", pod->v[j].detail, pod->kind,
                     pod->name, pss_level_name(p->level), p->minor);
            json_array_append_new(results, json_pack("{s:s,s:i,s:s,s:{s:s},s:o}", "ruleId", id, "ruleIndex", idx,
                                                     "level", "error", "message", "text", msg, "locations",
                                                     sarif_location(p, i, pod->kind, pod->ns, pod->name)));
        }
    }
    for (size_t i = 0; i < p->findings.n; i++) {
        const kt_finding *f = &p->findings.f[i];
        size_t obj = 0;
        for (size_t k = 0; k < p->m->n; k++) {   /* the object's own document, for the location */
            json_t *meta = json_object_get(p->m->o[k].obj, "metadata");
            if (json_object_get(meta, "name") && !strcmp(json_string_value(json_object_get(meta, "name")), f->name)) {
                obj = k;
                break;
            }
        }
        char msg[512];
        snprintf(msg, sizeof msg, "%s (%s %s)", f->detail, f->kind, f->name);
        json_array_append_new(results, json_pack("{s:s,s:s,s:{s:s},s:o}", "ruleId", f->check, "level",
                                                 f->danger ? "error" : "warning", "message", "text", msg, "locations",
                                                 sarif_location(p, obj, f->kind, f->ns, f->name)));
    }
    json_t *driver = json_pack("{s:s,s:s,s:o}", "name", "kubetally", "version", tool_version ? tool_version : "0",
                               "rules", sarif_rules(p));
    dump(json_pack("{s:s,s:s,s:[{s:{s:o},s:o}]}", "$schema", "https://json.schemastore.org/sarif-2.1.0.json",
                   "version", "2.1.0", "runs", "tool", "driver", driver, "results", results),
         out);
}

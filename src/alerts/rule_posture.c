/* rule_posture.c — posture rules, and the health rules' findings beyond
 * silence, judged over a posture feed (posture_feed.h); see rule.h.
 *
 * A finding's alert is keyed by its identity, never by its detail or
 * count, so the same finding seen again next round is the same alert (told
 * once) and a finding that is gone from the next feed resolves it. */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "alerts/rule_eval.h"
#include "util/strtab.h"

#define VALUE_MAX 180 /* rule:ID/ + VALUE must fit a finding's key (256) */

/* The item's identity "CHECK/CLUSTER/NAMESPACE/KIND/NAME"; one too long is
 * cut and ends in a hash of the whole, so it stays distinct. */
static void identity(const kt_feed_item *it, char *out, size_t cap)
{
    char whole[1200];
    int n = snprintf(whole, sizeof whole, "%s/%s/%s/%s/%s", it->check, it->cluster, it->ns, it->kind, it->name);
    if (n >= 0 && n < VALUE_MAX && (size_t)n < cap) {
        memcpy(out, whole, (size_t)n + 1);
        return;
    }
    uint64_t h = kt_hash_bytes(whole, strlen(whole));
    snprintf(out, cap, "%.*s~%016" PRIx64, VALUE_MAX - 20, whole, h);
}

static void item_alert(kt_rule_run *run, const kt_feed_item *it)
{
    int posture = run->rule->type == KT_RULE_POSTURE;
    char value[VALUE_MAX + 8], summary[900], where[400], cl[300];
    identity(it, value, sizeof value);
    snprintf(cl, sizeof cl, "%s%s", it->cluster[0] ? "cluster " : "the fleet", it->cluster);
    if (it->name[0])
        snprintf(where, sizeof where, "%s %s%s%s", it->kind, it->ns, it->ns[0] ? "/" : "", it->name);
    else
        snprintf(where, sizeof where, "the cluster");
    snprintf(summary, sizeof summary, "%s %s: %s fails %s (%s): %s", posture ? "posture" : "health", cl, where,
             it->check,
             posture ? (it->severity == 2 ? "danger" : "warning") : (it->severity == 2 ? "critical" : "warning"),
             it->detail);
    json_t *st = rule_finding_add(run, value, posture ? "KubetallyPosture" : "KubetallyHealth",
                                  it->severity == 2 ? "critical" : "warning", summary);
    json_t *labels = json_object_get(st, "labels");
    const char *const names[5] = {"check", "cluster", "namespace", "kind", "name"};
    const char *const vals[5] = {it->check, it->cluster, it->ns, it->kind, it->name};
    for (int k = 0; k < 5; k++)
        if (vals[k][0]) {
            json_object_set_new(labels, names[k], json_string(vals[k]));
            json_object_set_new(st, names[k], json_string(vals[k]));
        }
    json_object_set_new(st, "findingSeverity", json_string(posture ? (it->severity == 2 ? "danger" : "warning")
                                                                    : (it->severity == 2 ? "critical" : "warning")));
    json_object_set_new(st, "detail", json_string(it->detail));
}

static void score_alert(kt_rule_run *run, const kt_feed_score *sc, int score)
{
    int posture = run->rule->type == KT_RULE_POSTURE;
    char value[VALUE_MAX + 8], summary[400];
    snprintf(value, sizeof value, sc->cluster[0] ? "score/%.170s" : "score", sc->cluster);
    snprintf(summary, sizeof summary, "%s%s: %s score %d is below %g", sc->cluster[0] ? "cluster " : "the fleet",
             sc->cluster, posture ? "Polaris" : "health", score, run->rule->threshold);
    json_t *st = rule_finding_add(run, value, posture ? "KubetallyPosture" : "KubetallyHealth", "warning", summary);
    if (sc->cluster[0])
        json_object_set_new(json_object_get(st, "labels"), "cluster", json_string(sc->cluster));
    json_object_set_new(st, "score", json_integer(score));
    json_object_set_new(st, "threshold", json_real(run->rule->threshold));
}

/* Does the rule watch the item's cluster?  A fleet-wide item ("") only
 * when the rule watches every cluster. */
static int watches(const kt_rule *r, const char *cluster)
{
    return cluster[0] ? rule_watches(r, cluster) : !r->values[0];
}

void rule_judge_feed(kt_rule_run *run, const kt_posture_feed *f)
{
    assert(run && run->rule && f && rule_every_round(run->rule));
    const kt_rule *r = run->rule;
    int posture = r->type == KT_RULE_POSTURE;
    kt_feed_source want = posture ? KT_FEED_POSTURE : KT_FEED_HEALTH;
    for (size_t i = 0; i < f->n; i++) {
        const kt_feed_item *it = &f->items[i];
        if (it->source != want || !watches(r, it->cluster))
            continue;
        if (posture && (it->severity < r->min_severity || !rule_keeps_check(r, it->check, !strchr(it->check, '/'))))
            continue;
        if (!posture && !rule_keeps_check(r, it->check, 0))
            continue;
        item_alert(run, it);
    }
    if (!(r->threshold > 0))
        return;
    int fleet = posture && !strcmp(r->aggregation, "fleet");
    for (size_t i = 0; i < f->n_scores; i++) {
        const kt_feed_score *sc = &f->scores[i];
        int score = posture ? sc->posture : sc->health;
        if (score < 0 || !(score < r->threshold) || fleet != !sc->cluster[0] || (!fleet && !watches(r, sc->cluster)))
            continue;
        score_alert(run, sc, score);
    }
}

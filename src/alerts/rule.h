/* rule.h — alert rules other than budgets (Kubecost's alert types), from
 * the `alerts:` list of the config file; their schedule (UTC, Kubecost's
 * rules).
 *
 *   type: efficiency     window, aggregation, filter, efficiencyThreshold
 *                        (0–1, default 0.5), spendThreshold (default 0):
 *                        a row fires while its total efficiency is below
 *                        the threshold AND its cost is above spendThreshold
 *   type: spendChange    window, aggregation, filter, baselineWindow (<N>d,
 *                        the days before the window), relativeThreshold
 *                        (> −1; 0.2 = +20 %, −0.2 = a 20 % drop): a row fires
 *                        while its daily average over the window differs
 *                        from its baseline's daily average by the threshold
 *   type: recurringUpdate window, aggregation, filter: a summary (the rows,
 *                        cost and efficiency) sent at every run, never fired
 *   type: anomaly        aggregation, filter: each day at 00:00, yesterday's
 *                        spend of each row against its forecast (forecast.h,
 *                        learnt from the 8 weeks before): outside the 95 %
 *                        interval fires, inside again resolves; window 1h:
 *                        each hour, the last hour against a forecast learnt
 *                        from the 48 hours before (hourly rows; a daily season)
 *   type: health         window (default 10m): a cluster silent (no contact)
 *                        for longer, a collector reporting an error, or a
 *                        node priced at nothing in the last hour fires; and,
 *                        when serve has a posture service (posture_feed.h),
 *                        every health finding (NodeNotReady, MemoryPressure,
 *                        DiskPressure, PIDPressure, CrashLoopBackOff,
 *                        OOMKilled, ImagePullBackOff, Pending, JobFailed,
 *                        VersionEndOfLife, VersionSkew) of a workload, node
 *                        or cluster, and a cluster whose health score is
 *                        below threshold (0–100; default 0: never); checks
 *                        (list) keeps only the named checks (silent, error,
 *                        prices name the first three); filter: clusters;
 *                        checked at every evaluation round
 *   type: posture        each finding of the posture audit at or above
 *                        severity (danger (default) or warning; none: no
 *                        findings) — Polaris checks, Pod Security Standards
 *                        violations, residency and resilience findings — one
 *                        alert per cluster/namespace/kind/name/check; checks
 *                        (list of check IDs or families polaris, pss,
 *                        pss-baseline, pss-restricted, residency,
 *                        resilience) keeps only those; and each cluster's
 *                        (aggregation: cluster, default) or the fleet's
 *                        (aggregation: fleet) Polaris score below threshold
 *                        (0–100; default 0: never); filter: clusters;
 *                        checked at every evaluation round
 *   type: budget         window, aggregation, filter, threshold: a row of
 *                        the allocation whose cost over the window is above
 *                        threshold fires (Kubecost's Allocation Budget)
 *   type: assetBudget    window, aggregation (type, cluster, provider,
 *                        region, node; default type), filter (the values to
 *                        watch, e.g. Node,LoadBalancer), threshold: an asset
 *                        group above threshold over the window fires
 *   type: cloudCostBudget window (<N>d: cloud costs are daily), aggregation
 *                        (service, account, provider, invoiceEntity, category,
 *                        region, label:KEY; default service), filter,
 *                        threshold, costMetric (ListCost, NetCost,
 *                        AmortizedNetCost (default), InvoicedCost,
 *                        AmortizedCost): a cloud-cost item above threshold
 *                        over the window fires
 *   type: cloudReport    window, aggregation (as assetBudget), filter: a
 *                        summary of the assets sent at every run (Kubecost's
 *                        Asset Recurring Update), never fired
 * Every rule may name ownerContact [emails], slackWebhookUrl,
 * msTeamsWebhookUrl (Kubecost's overrides), told beside the receivers.
 * aggregation: one of cluster, namespace, controller, controllerKind, node,
 * pod, provider, region, label:KEY (default namespace); filter: the
 * aggregation's values to watch, comma-separated ("*" or none = all).
 *
 * Schedule (Kubecost's): a <N>d window (1 ≤ N ≤ 7; "daily" = 1d) runs at
 * 00:00 UTC N days after the last run (after loading, N days from then,
 * rounded down to midnight); <M>h (1 ≤ M ≤ 24) at the next time of day that
 * is a multiple of M hours from 00:00, the count running on past midnight
 * when 24 is not a multiple of M (a 7h rule seen at 22:00 runs at 04:00).
 * recurringUpdate also takes weekly (7d: Mondays 00:00) and monthly (30d:
 * the 1st 00:00).  A run looks at the window ending at its scheduled time;
 * runs missed while kubetally was down are not made up, the next one is. */
#ifndef KT_ALERTS_RULE_H
#define KT_ALERTS_RULE_H

#include <stdint.h>

#include <jansson.h>

#include "util/err.h"

enum kt_rule_type { KT_RULE_EFFICIENCY, KT_RULE_SPEND_CHANGE, KT_RULE_RECURRING, KT_RULE_ANOMALY, KT_RULE_HEALTH,
                    KT_RULE_BUDGET, KT_RULE_ASSET_BUDGET, KT_RULE_CLOUD_BUDGET, KT_RULE_CLOUD_REPORT, KT_RULE_POSTURE,
                    KT_RULE_NTYPES };
/* Cloud-cost figures a cloudCostBudget may watch (Kubecost's costMetric). */
enum kt_rule_metric { KT_RM_AMORTIZED_NET, KT_RM_LIST, KT_RM_NET, KT_RM_INVOICED, KT_RM_AMORTIZED };
enum kt_rule_cal { KT_CAL_DAYS, KT_CAL_HOURS, KT_CAL_WEEKLY, KT_CAL_MONTHLY };

typedef struct kt_rule {
    char id[64];
    enum kt_rule_type type;
    enum kt_rule_cal cal;
    int64_t window_s;          /* days or hours as seconds; health: the silence allowed */
    char window[16];           /* as written */
    char aggregation[128];
    char filter[1024];         /* the v2 filter the values stand for ("" ⇒ all) */
    char values[1024];         /* assetBudget, cloudCostBudget, cloudReport: the values watched, comma list
                                * ("" ⇒ all) */
    double threshold;          /* budget, assetBudget, cloudCostBudget: the spend over the window that fires;
                                * posture, health: the score below which a cluster fires (0: off) */
    char checks[512];          /* posture, health: the checks kept, comma list ("" ⇒ all) */
    int min_severity;          /* posture: 2 danger, 1 warning, 3 none (findings off) */
    enum kt_rule_metric metric; /* cloudCostBudget */
    double efficiency_threshold, spend_threshold, relative_threshold;
    int64_t baseline_s;
    json_t *action;            /* owned: {emails, slackWebhooks, msTeamsWebhooks} */
} kt_rule;

/* Validate one rule (Kubecost's fields); *field names the key at fault.
 * `index` names a rule without id. */
int rule_from_json(const json_t *j, size_t index, kt_rule *r, const char **field, kt_err *err);
void rule_free(kt_rule *r);
const char *rule_type_name(enum kt_rule_type t);
const char *rule_metric_name(enum kt_rule_metric m);
/* Is v one of the rule's values (comma list; none ⇒ every value)? */
int rule_watches(const kt_rule *r, const char *v);

/* health and posture rules run at every round, the others on a schedule. */
int rule_every_round(const kt_rule *r);
/* Does the rule keep check `check` (its checks list; see above)? */
int rule_keeps_check(const kt_rule *r, const char *check, int polaris);

/* The first run after t (see above); health rules run every round (t). */
int64_t rule_next_run(const kt_rule *r, int64_t t);
/* The window a run at `run` looks at. */
void rule_window(const kt_rule *r, int64_t run, int64_t *start, int64_t *end);

#endif

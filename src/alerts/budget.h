/* budget.h — a budget: Kubecost's fields, validated; its period; its spend.
 *
 * A budget (Kubecost's POST /model/budget body) is
 *   name, type (allocations | asset | cloud), values {category: [names]}, interval
 *   (weekly | monthly), intervalDay (weekly: 0 = Sunday … 6; monthly: day
 *   of month 1–31, clamped to the month's last day), spendLimit, kind
 *   ("soft"), actions [{percentage, emails, slackWebhooks, msTeamsWebhooks}]
 * and an id (generated when a new budget is saved).
 *
 * values select allocations: categories are ANDed, names within one are
 * ORed.  Categories: namespace, cluster, provider, region, zone, node,
 * controller (controllerName), controllerKind, pod, container, and label /
 * annotation whose names are "key:value".  An empty map is the whole fleet.
 * Asset budgets select assets by cluster, provider, region, node and type
 * (Node, Disk, LoadBalancer, ClusterManagement, Network); cloud budgets
 * select the bill's items by provider, account, invoiceEntity, service,
 * category, region and label ("key:value", one key) and count their
 * amortizedNetCost (budget_other.c).
 *
 * Current spend is the engine's allocation total (idle left out, cluster
 * fees shared into the allocations as the API does by default) over the
 * budget's current period up to now, [start, min(now, end)), for its filter: asked through
 * engine_ask like every other output. */
#ifndef KT_ALERTS_BUDGET_H
#define KT_ALERTS_BUDGET_H

#include <stdint.h>

#include <jansson.h>

#include "engine/engine.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"

#define KT_BUDGET_KIND "budget" /* store record kind */

typedef struct kt_budget {
    char id[64], name[128], type[16], kind[16];
    int weekly;       /* 0 ⇒ monthly */
    int interval_day; /* weekly 0–6 (Sunday = 0); monthly 1–31 */
    double spend_limit;
    json_t *values;   /* owned: {category: [string, …]}, validated */
    json_t *actions;  /* owned: [{percentage, emails, slackWebhooks, msTeamsWebhooks}], validated */
} kt_budget;

/* Validate a budget's JSON into b.  On error *field (when field is not
 * NULL) names the top-level key at fault ("" for the object itself) so a
 * config loader can point at its line; the message names it too.  id may
 * be absent (a new budget).  b is freed with budget_free either way. */
int budget_from_json(const json_t *j, kt_budget *b, const char **field, kt_err *err);
/* The definition as Kubecost writes it (no window, no currentSpend). */
json_t *budget_to_json(const kt_budget *b);
void budget_free(kt_budget *b);

/* The period holding `now`: [start, end) in UTC. */
kt_window budget_period(const kt_budget *b, int64_t now);
/* The filter (filter.h language) that values stand for; "" ⇒ everything. */
void budget_filter_text(const kt_budget *b, kt_buf *out);
/* A budget's period, spend so far and projection at the period's end:
 * spend + the forecast (forecast.h) of the rest of today and of every
 * later day of the period, with its 95 % bounds. */
typedef struct kt_budget_status {
    kt_window period;
    double spend;
    double forecast, forecast_lower, forecast_upper;
    int has_forecast;
} kt_budget_status;

/* The status of n budgets at `now` in two engine questions whatever n
 * (KT_ASK_SPEND: eight weeks of days up to today with a forecast to the
 * last period's end, and today so far; every budget's filter in each). */
int budgets_status(kt_store *s, const kt_budget *b, size_t n, int64_t now, const kt_engine_limits *lim,
                   kt_budget_status *out, kt_err *err);
/* Asset and cloud budgets (budget_other.c): the budgets b[idx[0..n)] into
 * out[idx[k]]; their projection is the run rate, not the model. */
int budgets_other_status(kt_store *s, const kt_budget *b, const size_t *idx, size_t n, int64_t now,
                         const kt_engine_limits *lim, kt_engine_cache *cache, kt_budget_status *out, kt_err *err);
/* The same, sharing reads through cache (engine.h) with the round's other questions. */
int budgets_status_cached(kt_store *s, const kt_budget *b, size_t n, int64_t now, const kt_engine_limits *lim,
                          kt_engine_cache *cache, kt_budget_status *out, kt_err *err);

/* The first key of obj not in known (NULL-ended), or NULL. */
const char *json_unknown_key(const json_t *obj, const char *const *known);

/* The alert an action stands for: "ID/PERCENTAGE", "ID/PERCENTAGE/forecast"
 * for an action on the projection (forecast: true). */
void budget_alert_key(const char *id, const json_t *action, char *out, size_t n);

/* Current spend over the period holding `now` (budgets_status of one). */
int budget_spend(kt_store *s, const kt_budget *b, int64_t now, const kt_engine_limits *lim, double *spend,
                 kt_window *period, kt_err *err);

#endif

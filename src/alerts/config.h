/* config.h — the alerting configuration file (`serve --config
 * kubetally.yaml`; the commented example is deploy/kubetally.example.yaml).
 *
 *   evaluateEvery: 1m          how often serve evaluates budgets (30s–1d; default 1m)
 *   budgets:                   Kubecost's budget fields (budget.h); id optional
 *     - id: payments-monthly   (default: the name), so loading twice changes nothing
 *       name: payments
 *       values: {label: ["team:payments"]}
 *       interval: monthly
 *       spendLimit: 500
 *   alerts:                    Kubecost's alert types besides budgets (rule.h):
 *     - type: efficiency       efficiency, spendChange, recurringUpdate, anomaly, health
 *       window: 1d
 *       aggregation: namespace
 *       efficiencyThreshold: 0.4
 *       spendThreshold: 10
 *   receivers:                 every alert goes to every receiver but email
 *     - name: am               (names appear in `kubetally alerts`; URLs and secrets never do)
 *       type: alertmanager     alertmanager | webhook
 *       url: http://127.0.0.1:9093
 *     - name: finops
 *       type: webhook
 *       url: https://hooks.example/kubetally
 *       secretFile: /run/secrets/hook   HMAC-SHA256 key (optional)
 *     - name: mail             the actions' emails go through the first of these
 *       type: email
 *       url: smtp://smtp.example.com:587   (STARTTLS required; smtps:// too)
 *       from: kubetally@example.com
 *       username: kubetally    passwordFile: /run/secrets/smtp   (optional)
 *       tls: none              only for a local relay without TLS
 *   delivery:                  retries with doubling backoff
 *     maxAttempts: 8           then the notification is marked failed
 *     initialBackoff: 10s
 *     maxBackoff: 10m
 *
 * The file is validated whole before anything is used: an error names the
 * file and the 1-based line of the offending key ("kubetally.yaml:12:
 * budgets[0].spendLimit: required, a number above 0").  YAML plain scalars
 * that read as numbers or true/false are numbers and booleans; quoted ones
 * are strings. */
#ifndef KT_ALERTS_CONFIG_H
#define KT_ALERTS_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "alerts/budget.h"
#include "alerts/receiver.h"
#include "alerts/report_def.h"
#include "alerts/rule.h"

typedef struct kt_alerts_config {
    int64_t evaluate_every; /* seconds */
    kt_budget *budgets;
    size_t n_budgets;
    kt_rule *rules;                 /* alerts: (rule.h) */
    size_t n_rules;
    kt_report *reports;             /* reports: (report_def.h) */
    size_t n_reports;
    kt_receiver receivers[KT_MAX_RECEIVERS];
    size_t n_receivers;
    int max_attempts;               /* default 8 */
    int64_t backoff_initial, backoff_max; /* seconds; default 10 s, 600 s */
} kt_alerts_config;

int alerts_config_load(const char *path, kt_alerts_config *c, kt_err *err);
/* The same from text in memory; `name` stands for the file in messages. */
int alerts_config_parse(const char *text, size_t len, const char *name, kt_alerts_config *c, kt_err *err);
void alerts_config_free(kt_alerts_config *c);
/* Save the file's budgets into the store (by id: replacing what an earlier
 * load or the API saved under the same id; budgets not in the file stay),
 * in one transaction. */
int alerts_config_apply(const kt_alerts_config *c, kt_store *s, kt_err *err);

#endif

/* budget_store.h — budgets kept in the store (records of kind "budget")
 * and the answers the API and CLI give about them.
 *
 * Saving a budget without an id gives it a new random one (16 hex digits);
 * with an id it replaces that budget, or creates it under that id (the
 * config file names its budgets' ids so loading it twice changes nothing).
 * A record that no longer validates (written by a newer kubetally) is
 * skipped by budget_list with a warning, never half-read. */
#ifndef KT_ALERTS_BUDGET_STORE_H
#define KT_ALERTS_BUDGET_STORE_H

#include "alerts/budget.h"

/* Save b (filling b->id when empty). */
int budget_save(kt_store *s, kt_budget *b, kt_err *err);
/* 1 deleted, 0 no such budget, -1 error. */
int budget_delete(kt_store *s, const char *id, kt_err *err);
/* Every budget, in id order; free with budget_list_free. */
int budget_list(kt_store *s, kt_budget **out, size_t *n, kt_err *err);
void budget_list_free(kt_budget *b, size_t n);

/* One budget as Kubecost answers it: the definition plus window {start,
 * end} (RFC3339) and currentSpend; and kubetally's forecast
 * {predictedSpend, confidenceLevel, lowerConfidenceLimit,
 * upperConfidenceLimit}: the projected spend at the period's end. */
json_t *budget_answer_json(const kt_budget *b, const kt_budget_status *st);
/* Every budget with its current spend at `now`, as GET /budgets answers:
 * {"code": 200, "data": [budget, …]} in id order, each action with
 * lastFired (RFC3339) once its alert has fired.  Two engine questions
 * for all of them (budgets_status). */
int budget_answers(kt_store *s, int64_t now, const kt_engine_limits *lim, json_t **out, kt_err *err);

#endif

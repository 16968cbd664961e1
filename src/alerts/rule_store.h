/* rule_store.h — alert rules made over the API (POST /alert, DELETE
 * /alert?id=, GET /alerts/configs), kept in the store as records of kind
 * "alertrule" (the rule's JSON as given, with its id).  Each round runs
 * them beside the config file's `alerts:`; a stored rule whose id the file
 * also uses is left out (the file wins, as Kubecost's values.yaml wins over
 * alerts made in its UI). */
#ifndef KT_ALERTS_RULE_STORE_H
#define KT_ALERTS_RULE_STORE_H

#include "alerts/rule.h"
#include "store/store.h"

#define KT_RULE_KIND "alertrule"

/* Validate j (rule.h), give it a new id when it has none ("TYPE-HEX"), save
 * it; *id (64 bytes) gets the id.  Errors name the field. */
int rule_save_json(kt_store *s, const json_t *j, char *id, kt_err *err);
/* 1 deleted, 0 no such rule, -1 error. */
int rule_delete(kt_store *s, const char *id, kt_err *err);
/* Every stored rule, validated (a record that no longer validates is
 * skipped with a warning); free with rule_list_free. */
int rule_list(kt_store *s, kt_rule **out, size_t *n, kt_err *err);
void rule_list_free(kt_rule *r, size_t n);
/* GET /alerts/configs: {"code":200,"data":[rule JSON…]} in id order. */
int rule_configs(kt_store *s, json_t **out, kt_err *err);

#endif

/* rules.h — kubetally's own posture rules (`--rules FILE`, YAML or JSON):
 *
 *   residency:
 *     - name: eu
 *       label: data-residency=eu      # on the namespace, the workload or the pod
 *       regions: [eu-*, europe-*, westeurope, northeurope]
 *   critical: kubetally.io/critical=true   # the default marker
 *
 * Regions are each cloud's own codes (aws us-east-1, gcp europe-west1,
 * azure westeurope; on-prem: the node's region label) and match as shell
 * globs.  A label selector is KEY=VALUE, or KEY alone for any value.
 * rules_load fails on anything else with one message naming the file and
 * the field. */
#ifndef KT_POSTURE_RULES_H
#define KT_POSTURE_RULES_H

#include <jansson.h>
#include <stddef.h>

#include "util/err.h"

typedef struct kt_residency_rule {
    char *name, *key, *value;      /* value NULL: any value */
    char **regions;
    size_t n_regions;
} kt_residency_rule;

typedef struct kt_posture_rules {
    kt_residency_rule *residency;
    size_t n_residency;
    char *critical_key, *critical_value;   /* default kubetally.io/critical = true */
} kt_posture_rules;

void rules_default(kt_posture_rules *r);
int rules_load(kt_posture_rules *r, const char *path, kt_err *err);
int rules_parse(kt_posture_rules *r, const char *name, const char *text, size_t len, kt_err *err);
void rules_free(kt_posture_rules *r);

/* labels (an object) has key (with value, when value is not NULL). */
int rules_label_match(const json_t *labels, const char *key, const char *value);

#endif

/* pss_internal.h — the check table shared by pss.c (registry, evaluation)
 * and pss_checks.c (one function per check implementation).  Internal. */
#ifndef KT_POSTURE_PSS_INTERNAL_H
#define KT_POSTURE_PSS_INTERNAL_H

#include "posture/pss.h"

/* One implementation: returns 1 when the pod is allowed; otherwise 0 with
 * detail filled (NUL-terminated, truncated to n). */
typedef int (*pss_fn)(const json_t *meta, const json_t *spec, char *detail, size_t n);

typedef struct pss_impl {
    int min_minor;             /* applies from 1.min_minor on */
    pss_fn fn;
    const char *overrides;     /* baseline check this one replaces, or NULL */
} pss_impl;

typedef struct pss_def {
    const char *id;
    pss_level level;
    pss_impl v[5];             /* ascending min_minor; fn NULL ends the list */
} pss_def;

extern const pss_def pss_defs[PSS_NCHECKS];

#endif

/* finding.h — a posture finding that is neither a Polaris result nor a Pod
 * Security violation: data residency and resilience.  Check IDs read
 * "residency/<rule name>" and "resilience/<what>"; they are SARIF rule IDs
 * too.  A list owns its entries; strings in them borrow from the objects
 * (and the rules) they were found in. */
#ifndef KT_POSTURE_FINDING_H
#define KT_POSTURE_FINDING_H

#include <stddef.h>

typedef struct kt_finding {
    char check[96];
    int danger;                    /* 1: danger / SARIF error, 0: warning */
    const char *kind, *ns, *name;  /* the object: Pod, PersistentVolumeClaim, Deployment … */
    const char *cluster;           /* the input file or context it was found in; "" when fleet-wide
                                    * (resilience/single-cloud, single-region) */
    char detail[320];
} kt_finding;

typedef struct kt_findings {
    kt_finding *f;
    size_t n, cap;
} kt_findings;

/* Append a finding; fmt builds its detail. */
void findings_add(kt_findings *l, const char *check, int danger, const char *kind, const char *ns, const char *name,
                  const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* Set the cluster of the entries from index `from` on (those one object added). */
void findings_set_cluster(kt_findings *l, size_t from, const char *cluster);
void findings_free(kt_findings *l);

#endif

/* quantity.h — Kubernetes resource quantities ("250m", "1Gi", "1.5", "2e3",
 * "128974848", "129M") as doubles in base units (cores, bytes, GPUs).
 *
 * Suffixes: decimal SI n u m "" k M G T P E, binary Ki Mi Gi Ti Pi Ei, and
 * decimal exponents e/E.  Returns 0 and sets *out on success; -1 for
 * anything else (empty, garbage, trailing characters, NaN/Inf, negative).
 */
#ifndef KT_KUBE_QUANTITY_H
#define KT_KUBE_QUANTITY_H

int kube_parse_quantity(const char *s, double *out);

#endif

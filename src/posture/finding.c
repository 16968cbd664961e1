/* finding.c — the residency/resilience finding list; see finding.h. */
#include "posture/finding.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

void findings_add(kt_findings *l, const char *check, int danger, const char *kind, const char *ns, const char *name,
                  const char *fmt, ...)
{
    assert(l && check && fmt);
    grow_array((void **)&l->f, &l->cap, l->n, sizeof *l->f);
    kt_finding *f = &l->f[l->n++];
    snprintf(f->check, sizeof f->check, "%s", check);
    f->danger = danger;
    f->kind = kind ? kind : "";
    f->ns = ns ? ns : "";
    f->name = name ? name : "";
    f->cluster = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->detail, sizeof f->detail, fmt, ap);
    va_end(ap);
}

void findings_set_cluster(kt_findings *l, size_t from, const char *cluster)
{
    assert(l && from <= l->n);
    for (size_t i = from; i < l->n; i++)
        l->f[i].cluster = cluster ? cluster : "";
}

void findings_free(kt_findings *l)
{
    if (!l)
        return;
    free(l->f);
    memset(l, 0, sizeof *l);
}

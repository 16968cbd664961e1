/* test_format_names.c — allocation names as OpenCost keys them: the
 * controller segment carries its kind ("deployment:api"), found by position
 * in the grouping, and only where every member shares the kind. */
#include "check.h"
#include "format/format.h"

static kt_strtab s;

static const char *name_of(const char *agg_text, const char *name, const char *ctl, const char *kind,
                           enum kt_alloc_kind k, kt_buf *out)
{
    kt_aggregate agg;
    kt_err err = {0};
    CHECK(aggregate_parse(agg_text, &agg, &err) == 0);
    kt_alloc a = {.name = (char *)name, .kind = k};
    a.controller = ctl ? strtab_intern(&s, ctl) : 0;
    a.controller_kind = kind ? strtab_intern(&s, kind) : 0;
    format_alloc_name(&a, &agg, &s, out);
    return out->data;
}

TEST(controller_keys)
{
    kt_buf b = {0};
    strtab_init(&s);
    CHECK_STR(name_of("controller", "api", "api", "deployment", AK_NORMAL, &b), "deployment:api");
    CHECK_STR(name_of("cluster,namespace,controller", "eks-1/shop/api", "api", "deployment", AK_NORMAL, &b),
              "eks-1/shop/deployment:api");
    CHECK_STR(name_of("controller,pod", "api/api-7f9-x2", "api", "statefulset", AK_NORMAL, &b),
              "statefulset:api/api-7f9-x2");
    /* members of different kinds (no shared kind): the name stays */
    CHECK_STR(name_of("controller", "api", "api", NULL, AK_NORMAL, &b), "api");
    /* idle and the like are never rewritten */
    CHECK_STR(name_of("cluster,controller", "eks-1/__idle__", NULL, NULL, AK_IDLE, &b), "eks-1/__idle__");
    /* no controller in the grouping: a namespace named like its only controller stays */
    CHECK_STR(name_of("namespace", "monitoring", "monitoring", "deployment", AK_NORMAL, &b), "monitoring");
    /* the segment must be the controller's whole name */
    CHECK_STR(name_of("namespace,controller", "shop/api-v2", "api", "deployment", AK_NORMAL, &b), "shop/api-v2");
    /* annotation values may hold '/': positions are not trusted, the name stays */
    CHECK_STR(name_of("annotation:owner,controller", "a/b/api", "api", "deployment", AK_NORMAL, &b), "a/b/api");
    buf_free(&b);
    strtab_free(&s);
}

int main(void)
{
    RUN(controller_keys);
    return check_done();
}

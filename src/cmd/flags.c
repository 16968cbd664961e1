/* flags.c — see flags.h. */
#include "cmd/flags.h"

#include <stdio.h>
#include <string.h>

static const kt_flag *find(const kt_flag *t, const char *arg, size_t len)
{
    for (; t->flag; t++)
        if ((strlen(t->flag) == len && !strncmp(t->flag, arg, len)) ||
            (t->alias && strlen(t->alias) == len && !strncmp(t->alias, arg, len)))
            return t;
    return NULL;
}

int flags_parse(const kt_flag *table, int argc, char **argv, kt_params *out, kt_err *err)
{
    memset(out, 0, sizeof *out);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            out->help = 1;
            continue;
        }
        const char *eq = strchr(a, '=');
        size_t len = eq ? (size_t)(eq - a) : strlen(a);
        const kt_flag *f = a[0] == '-' ? find(table, a, len) : NULL;
        if (!f)
            return kt_fail(err, KT_EINPUT, "unknown %s '%s' (see --help)", a[0] == '-' ? "flag" : "argument", a);
        const char *v = eq ? eq + 1 : NULL;
        if (!v && f->is_bool)
            v = "true";
        if (!v) {
            if (i + 1 >= argc)
                return kt_fail(err, KT_EINPUT, "flag %s needs a value", f->flag);
            v = argv[++i];
        }
        if (out->n == KT_MAX_PARAMS)
            return kt_fail(err, KT_EINPUT, "too many flags");
        out->name[out->n] = f->param;
        out->value[out->n++] = v;
    }
    return 0;
}

const char *params_get(void *vp, const char *name)
{
    kt_params *p = vp;
    for (int i = p->n - 1; i >= 0; i--)
        if (!strcmp(p->name[i], name))
            return p->value[i];
    return NULL;
}

void flags_usage(const char *cmd, const char *summary, const kt_flag *t)
{
    printf("usage: kubetally %s [flags]\n%s\n\nflags:\n", cmd, summary);
    for (; t->flag; t++)
        printf("  %s%s%s%s\n", t->alias ? t->alias : "", t->alias ? ", " : "", t->flag, t->is_bool ? "[=true|false]" : " VALUE");
}

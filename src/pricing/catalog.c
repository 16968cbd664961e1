/* catalog.c — see catalog.h. */
#include "pricing/catalog.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pricing/jscan.h"
#include "util/buf.h"

static const char *const kind_name[] = {"node", "unit", "disk", "lb", "egress", "spot-discount"};

void catalog_init(kt_catalog *c)
{
    memset(c, 0, sizeof *c);
    strtab_init(&c->keys);
}

void catalog_free(kt_catalog *c)
{
    strtab_free(&c->keys);
    free(c->rec), free(c->fees), free(c->meta);
    memset(c, 0, sizeof *c);
}

static void make_key(char *key, size_t n, int kind, const char *provider, const char *region, const char *name)
{
    snprintf(key, n, "%d|%s|%s|%s", kind, provider ? provider : "", region ? region : "", name ? name : "");
    for (char *p = key; *p; p++)
        *p = (char)tolower((unsigned char)*p);
}

const cat_rec *catalog_get(const kt_catalog *c, int kind, const char *provider, const char *region,
                           const char *name)
{
    char key[512];
    for (int pass = 0; pass < 2; pass++) {
        make_key(key, sizeof key, kind, provider, pass ? "*" : region, name);
        uint32_t id = strtab_find(&c->keys, key);
        if (id != UINT32_MAX && id < c->cap)
            return &c->rec[id];
    }
    return NULL;
}

size_t catalog_each_node(const kt_catalog *c, const char *provider, const char *region,
                         void (*fn)(void *ctx, const char *name, const cat_rec *r), void *ctx)
{
    char prefix[256];
    make_key(prefix, sizeof prefix, CAT_NODE, provider, region, "");
    size_t plen = strlen(prefix), n = 0;
    for (uint32_t id = 1; id < c->keys.n && id < c->cap; id++) {
        const char *k = strtab_get(&c->keys, id);
        if (!strncmp(k, prefix, plen) && k[plen]) {
            fn(ctx, k + plen, &c->rec[id]);
            n++;
        }
    }
    return n;
}

double catalog_fee(const kt_catalog *c, const char *provider, const char *tier, const char **tier_out)
{
    for (size_t i = 0; i < c->n_fees; i++)
        if (!strcasecmp(c->fees[i].provider, provider ? provider : "") &&
            (!tier || !*tier || !strcasecmp(c->fees[i].tier, tier))) {
            if (tier_out)
                *tier_out = c->fees[i].tier;
            return c->fees[i].hourly;
        }
    return -1;
}

const cat_meta *catalog_meta(const kt_catalog *c, const char *provider)
{
    for (size_t i = c->n_meta; i-- > 0;)
        if (!strcasecmp(c->meta[i].provider, provider ? provider : ""))
            return &c->meta[i];
    return NULL;
}

const char *catalog_currency(const kt_catalog *c, const char *provider)
{
    const cat_meta *m = catalog_meta(c, provider);
    return m ? m->currency : "";
}

double catalog_price_cap(const char *currency)
{
    static const char *const hard[] = {"USD", "EUR", "GBP", "CHF", "CAD", "AUD", "SGD", NULL};
    for (int i = 0; hard[i]; i++)
        if (currency && !strcasecmp(currency, hard[i]))
            return 1e4;
    return 1e8;
}

typedef struct parse_ctx {
    kt_catalog *c;
    cat_meta *m;
    const char *name;
    long line;
    kt_err *err;
} parse_ctx;

static int bad(parse_ctx *p, const char *fmt, const char *what)
{
    char msg[300];
    snprintf(msg, sizeof msg, fmt, what);
    return kt_fail(p->err, KT_EINPUT, "%s:%ld: %s", p->name, p->line, msg);
}

/* A price or a size: '-' (unknown, when allowed) or a finite number in range. */
static int field(parse_ctx *p, const char *tok, int dash_ok, double cap, double *out)
{
    if (dash_ok && !strcmp(tok, "-")) {
        *out = NAN;
        return 0;
    }
    if (js_number(tok, out))
        return bad(p, "'%s' is not a number (NaN, Inf and hex are refused)", tok);
    if (*out < 0)
        return bad(p, "negative price or size '%s'", tok);
    if (*out > cap)
        return bad(p, "absurd price '%s' (over the limit for this currency); refusing the file", tok);
    return 0;
}

static int put_rec(parse_ctx *p, int kind, const char *region, const char *name, char **tok, int ntok,
                   const int *dash_ok)
{
    cat_rec r;
    double cap = catalog_price_cap(p->m->currency);
    for (int i = 0; i < 6; i++)
        r.v[i] = NAN;
    for (int i = 0; i < ntok; i++)
        if (field(p, tok[i], dash_ok[i], kind == CAT_SPOT ? 1.0 : kind == CAT_NODE && i < 3 ? 1e7 : cap, &r.v[i]))
            return -1;
    char key[512];
    make_key(key, sizeof key, kind, p->m->provider, region, name);
    uint32_t id = strtab_intern(&p->c->keys, key);
    if (id >= p->c->cap) {
        size_t old = p->c->cap;
        grow_array((void **)&p->c->rec, &p->c->cap, id, sizeof *p->c->rec);
        for (size_t i = old; i < p->c->cap; i++)
            p->c->rec[i] = (cat_rec){{NAN, NAN, NAN, NAN, NAN, NAN}};
    }
    p->c->rec[id] = r;
    if (kind == CAT_NODE)
        p->c->nodes++;
    return 0;
}

static int meta_line(parse_ctx *p, const char *kw, char *rest)
{
    while (*rest == ' ' || *rest == '\t')
        rest++;
    if (!*rest)
        return bad(p, "'%s' needs a value", kw);
    if (!strcmp(kw, "provider")) {
        p->c->meta = xrealloc(p->c->meta, (p->c->n_meta + 1) * sizeof *p->c->meta);
        p->m = &p->c->meta[p->c->n_meta++];
        memset(p->m, 0, sizeof *p->m);
        snprintf(p->m->provider, sizeof p->m->provider, "%s", rest);
        snprintf(p->m->currency, sizeof p->m->currency, "USD");
        return 0;
    }
    if (!p->m)
        return bad(p, "'%s' before the 'provider' line", kw);
    if (!strcmp(kw, "currency")) {
        size_t n = strlen(rest);
        if (n != 3 || !isalpha((unsigned char)rest[0]) || !isalpha((unsigned char)rest[1]) ||
            !isalpha((unsigned char)rest[2]))
            return bad(p, "currency '%s' is not a three-letter ISO 4217 code", rest);
        snprintf(p->m->currency, sizeof p->m->currency, "%s", rest);
    } else if (!strcmp(kw, "source"))
        snprintf(p->m->source, sizeof p->m->source, "%s", rest);
    else
        snprintf(p->m->date, sizeof p->m->date, "%s", rest);
    return 0;
}

static int record(parse_ctx *p, char *line)
{
    char *tok[10], *save = NULL, *copy = line;
    int n = 0;
    char *rest = line + strcspn(line, " \t");
    char kw[32];
    snprintf(kw, sizeof kw, "%.*s", (int)strcspn(line, " \t"), line);
    if (!strcmp(kw, "provider") || !strcmp(kw, "currency") || !strcmp(kw, "source") || !strcmp(kw, "date"))
        return meta_line(p, kw, rest);
    for (char *t = strtok_r(copy, " \t", &save); t && n < 10; t = strtok_r(NULL, " \t", &save))
        tok[n++] = t;
    if (!p->m)
        return bad(p, "'%s' before the 'provider' line", kw);
    static const int want[] = {8, 7, 4, 3, 4, 2}; /* tokens per kind, keyword included */
    static const int dash_node[] = {1, 1, 1, 0, 1, 0}, dash_unit[] = {0, 0, 1, 1, 0, 0}, no_dash[6] = {0};
    if (!strcmp(kw, "fee")) {
        double v;
        if (n != 3)
            return bad(p, "'fee' needs TIER PER_HOUR (%s)", "2 fields");
        if (field(p, tok[2], 0, catalog_price_cap(p->m->currency), &v))
            return -1;
        kt_catalog *c = p->c;
        grow_array((void **)&c->fees, &c->fees_cap, c->n_fees, sizeof *c->fees);
        cat_fee *f = &c->fees[c->n_fees++];
        snprintf(f->provider, sizeof f->provider, "%s", p->m->provider);
        snprintf(f->tier, sizeof f->tier, "%s", tok[1]);
        f->hourly = v;
        return 0;
    }
    for (int k = 0; k < 6; k++) {
        if (strcmp(kw, kind_name[k]))
            continue;
        if (n != want[k])
            return bad(p, "wrong number of fields for '%s' (see docs/pricing.md)", kw);
        switch (k) {
        case CAT_NODE: return put_rec(p, k, tok[1], tok[2], tok + 3, 5, dash_node);
        case CAT_UNIT: return put_rec(p, k, tok[1], tok[2], tok + 3, 4, dash_unit);
        case CAT_DISK: return put_rec(p, k, tok[1], tok[2], tok + 3, 1, no_dash);
        case CAT_LB: return put_rec(p, k, tok[1], "", tok + 2, 1, no_dash);
        case CAT_EGRESS:
            if (strcmp(tok[2], "internet") && strcmp(tok[2], "region") && strcmp(tok[2], "zone"))
                return bad(p, "egress kind '%s' is not internet, region or zone", tok[2]);
            return put_rec(p, k, tok[1], tok[2], tok + 3, 1, no_dash);
        default: return put_rec(p, k, "", "", tok + 1, 1, no_dash);
        }
    }
    return bad(p, "unknown record '%s'", kw);
}

int catalog_parse(kt_catalog *c, kt_reader r, kt_err *err)
{
    kt_lines l;
    lines_init(&l, r, 4096);
    parse_ctx p = {c, NULL, r.name, 0, err};
    char *line;
    int rc;
    while ((rc = lines_next(&l, &line, err)) > 0) {
        p.line = l.lineno;
        while (*line == ' ' || *line == '\t')
            line++;
        if (!*line || *line == '#')
            continue;
        if (record(&p, line)) {
            rc = -1;
            break;
        }
    }
    lines_free(&l);
    if (rc == 0 && !p.m)
        return kt_fail(err, KT_EINPUT, "%s: no 'provider' line; not a kubetally price file", r.name);
    return rc;
}

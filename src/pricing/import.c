/* import.c — the import driver: inputs → importer → validated, atomically
 * stored price list; see import.h. */
#include "pricing/import.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pricing/catalog.h"
#include "pricing/jscan.h"
#include "pricing/pricing.h"
#include "util/fs.h"

int imp_currency(imp_result *res, const char *name, const char *currency, kt_err *err)
{
    if (!currency || !*currency)
        return 0;
    if (!res->currency[0])
        snprintf(res->currency, sizeof res->currency, "%s", currency);
    else if (strcasecmp(res->currency, currency))
        return kt_fail(err, KT_EINPUT, "%s: prices in both %s and %s; import one currency at a time", name,
                       res->currency, currency);
    return 0;
}

int imp_price(const char *name, const char *what, const char *text, const char *currency, double *out, kt_err *err)
{
    if (js_number(text, out))
        return kt_fail(err, KT_EINPUT, "%s: %s '%s' is not a finite number", name, what, text);
    if (*out < 0)
        return kt_fail(err, KT_EINPUT, "%s: %s is negative (%s)", name, what, text);
    if (*out > catalog_price_cap(currency))
        return kt_fail(err, KT_EINPUT, "%s: %s %s is absurd (over %g %s)", name, what, text,
                       catalog_price_cap(currency), currency && *currency ? currency : "");
    return 0;
}

void imp_table_init(imp_table *t)
{
    memset(t, 0, sizeof *t);
    strtab_init(&t->keys);
}

void imp_table_free(imp_table *t)
{
    strtab_free(&t->keys);
    free(t->v);
    memset(t, 0, sizeof *t);
}

double *imp_table_slot(imp_table *t, const char *key)
{
    uint32_t id = strtab_intern(&t->keys, key);
    if (id >= t->cap) {
        size_t old = t->cap;
        grow_array((void **)&t->v, &t->cap, id, sizeof *t->v);
        for (size_t i = old; i < t->cap; i++)
            t->v[i][0] = t->v[i][1] = t->v[i][2] = t->v[i][3] = NAN;
    }
    return t->v[id];
}

static const imp_ops *ops_for(const char *provider)
{
    static const imp_ops *const all[] = {&imp_aws, &imp_gcp, &imp_azure};
    for (int i = 0; i < 3; i++)
        if (provider && !strcmp(provider, all[i]->provider))
            return all[i];
    return NULL;
}

/* One input: a path, "-", or a URL downloaded first. */
static int run_input(const imp_ops *ops, void *state, const char *in, imp_result *res, kt_err *err)
{
    FILE *f;
    int is_url = strstr(in, "://") != NULL;
    if (is_url) {
        if (pricing_fetch(in, &f, err))
            return -1;
    } else if (!strcmp(in, "-")) {
        f = stdin;
    } else if (!(f = fopen(in, "rb"))) {
        return kt_fail(err, KT_EINPUT, "cannot open %s: %s", in, strerror(errno));
    }
    char shown[300];
    snprintf(shown, sizeof shown, "%.*s", (int)strcspn(in, "?"), in);
    int rc = ops->page(state, reader_file(f, shown), res, err);
    res->st->pages++;
    if (f != stdin)
        fclose(f);
    return rc;
}

/* The public lists, for --refresh. */
static int refresh(const kt_import_opts *o, const imp_ops *ops, void *state, imp_result *res, kt_err *err)
{
    static const char *const aws_default[] = {"us-east-1"}, *const az_default[] = {"eastus"};
    const char *const *regions = o->n_regions ? o->regions : !strcmp(ops->provider, "aws") ? aws_default : az_default;
    size_t n = o->n_regions ? o->n_regions : 1;
    char url[4600];
    if (!strcmp(ops->provider, "aws")) {
        for (size_t i = 0; i < n; i++) {
            snprintf(url, sizeof url, "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/%s/index.json",
                     regions[i]);
            if (run_input(ops, state, url, res, err))
                return -1;
        }
        return 0;
    }
    const char *key = getenv("KUBETALLY_GCP_API_KEY");
    for (size_t i = 0; i < n || !strcmp(ops->provider, "gcp"); i++) {
        if (!strcmp(ops->provider, "gcp")) {
            if (!key || !*key)
                return kt_fail(err, KT_EINPUT, "--refresh gcp: the Cloud Billing Catalog API needs an API key "
                                               "(not cloud credentials) in KUBETALLY_GCP_API_KEY");
            snprintf(url, sizeof url, "https://cloudbilling.googleapis.com/v1/services/6F81-5844-456A/skus?key=%s", key);
        } else
            snprintf(url, sizeof url, "https://prices.azure.com/api/retail/prices?$filter=armRegionName%%20eq%%20'%s'"
                     "%%20and%%20priceType%%20eq%%20'Consumption'", regions[i]);
        for (int page = 0; page < 10000; page++) {
            if (run_input(ops, state, url, res, err))
                return -1;
            if (!res->next[0])
                break;
            if (!strcmp(ops->provider, "gcp"))
                snprintf(url, sizeof url, "https://cloudbilling.googleapis.com/v1/services/6F81-5844-456A/skus?key=%s"
                         "&pageToken=%s", key, res->next);
            else
                snprintf(url, sizeof url, "%s", res->next);
        }
        if (!strcmp(ops->provider, "gcp"))
            break;
    }
    return 0;
}

/* Write header + body to a temporary file beside the target, check that it
 * parses, then rename over the target. */
static int store(const kt_import_opts *o, imp_result *res, const char *sources, kt_err *err)
{
    char dir[1024], tmp[1300];
    kt_pricing_opts po = {NULL, o->data_dir};
    pricing_data_dir(&po, dir, sizeof dir);
    if (fs_mkdirs(dir, 0755, err))
        return -1;
    snprintf(res->st->path, sizeof res->st->path, "%s/%s.prices", dir, o->provider);
    snprintf(tmp, sizeof tmp, "%s/.%s.prices.%ld.tmp", dir, o->provider, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f)
        return kt_fail(err, KT_ERUNTIME, "cannot write %s: %s", tmp, strerror(errno));
    time_t now = time(NULL);
    char today[32];
    strftime(today, sizeof today, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    fprintf(f, "# imported by `kubetally prices import %s` on %s\nprovider %s\ncurrency %s\n"
               "source imported from %s (published %s)\ndate %s\n",
            o->provider, today, o->provider, res->currency[0] ? res->currency : "USD", sources,
            res->date[0] ? res->date : "unknown", res->date[0] ? res->date : today);
    fwrite(res->body.data ? res->body.data : "", 1, res->body.len, f);
    int bad = fflush(f) || fsync(fileno(f));
    bad |= fclose(f);
    if (bad) {
        unlink(tmp);
        return kt_fail(err, KT_ERUNTIME, "cannot write %s (disk full?)", tmp);
    }
    kt_catalog check;
    catalog_init(&check);
    FILE *r = fopen(tmp, "r");
    int rc = r ? catalog_parse(&check, reader_file(r, tmp), err) : -1;
    if (r)
        fclose(r);
    catalog_free(&check);
    if (rc || rename(tmp, res->st->path)) {
        unlink(tmp);
        return rc ? -1 : kt_fail(err, KT_ERUNTIME, "cannot replace %s: %s", res->st->path, strerror(errno));
    }
    return 0;
}

int pricing_import(const kt_import_opts *o, kt_import_stats *st, kt_err *err)
{
    const imp_ops *ops = ops_for(o->provider);
    memset(st, 0, sizeof *st);
    if (!ops)
        return kt_fail(err, KT_EINPUT, "unknown provider '%s'; use aws, gcp or azure", o->provider ? o->provider : "");
    if (!o->refresh && !o->n_inputs)
        return kt_fail(err, KT_EINPUT, "prices import %s: give a FILE or URL, or --refresh", o->provider);
    imp_result res = {.st = st};
    void *state = ops->create();
    int rc = 0;
    char sources[600] = "";
    if (o->refresh)
        rc = refresh(o, ops, state, &res, err), snprintf(sources, sizeof sources, "the public %s price list", o->provider);
    for (size_t i = 0; !rc && i < o->n_inputs; i++) {
        rc = run_input(ops, state, o->inputs[i], &res, err);
        size_t len = strlen(sources);
        snprintf(sources + len, sizeof sources - len, "%s%.*s", len ? ", " : "", (int)strcspn(o->inputs[i], "?"),
                 o->inputs[i]);
    }
    if (!rc)
        rc = ops->finish(state, &res, err);
    if (!rc && res.next[0])
        snprintf(st->pending_page, sizeof st->pending_page, "%.299s", res.next);
    if (!rc)
        rc = store(o, &res, sources, err);
    snprintf(st->currency, sizeof st->currency, "%s", res.currency[0] ? res.currency : "USD");
    snprintf(st->date, sizeof st->date, "%s", res.date);
    ops->destroy(state);
    buf_free(&res.body);
    return rc ? kt_wrap(err, "prices import %s: ", o->provider) : 0;
}

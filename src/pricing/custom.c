/* custom.c — see custom.h. */
#include "pricing/custom.h"

#include <csv.h>
#include <jansson.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pricing/catalog.h"
#include "pricing/jscan.h"
#include "pricing/reader.h"
#include "util/buf.h"

static const char *const columns[] = {"EndTimestamp", "InstanceID", "Region", "AssetClass",
                                      "InstanceIDField", "InstanceType", "MarketPriceHourly", "Version"};
enum { COL_END, COL_ID, COL_REGION, COL_ASSET, COL_FIELD, COL_TYPE, COL_PRICE, COL_VERSION, NCOL };

void custom_free(kt_custom *c)
{
    for (size_t i = 0; i < c->n_rows; i++)
        free(c->rows[i].id), free(c->rows[i].region), free(c->rows[i].instance_type), free(c->rows[i].field_name);
    for (size_t i = 0; i < c->n_clusters; i++)
        free(c->clusters[i].name), free(c->clusters[i].tier);
    free(c->rows), free(c->clusters), free(c->path);
    memset(c, 0, sizeof *c);
}

/* The sheet is parsed with libcsv (RFC 4180: quotes, doubled quotes,
 * newlines inside quotes, any number of columns).  Reads are bounded:
 * CUSTOM_MAX_FIELD bytes per field, CUSTOM_MAX_FIELDS per record,
 * CUSTOM_MAX_BYTES per sheet.  Errors name the line a record ends on. */
typedef struct sheet {
    kt_custom *c;
    kt_err *err;
    char **f;               /* the current record's fields */
    int n, cap;
    int map[NCOL], ncols;   /* ncols < 0 until the header is read */
    long line, records;
    int failed;             /* an error is in err: ignore the rest */
} sheet;

static int header(sheet *s)
{
    for (int k = 0; k < NCOL; k++) {
        s->map[k] = -1;
        for (int i = 0; i < s->n; i++)
            if (!strcasecmp(s->f[i], columns[k]))
                s->map[k] = i;
        if (s->map[k] < 0)
            return kt_fail(s->err, KT_EINPUT,
                           "%s:%ld: the header lacks column '%s' (OpenCost's sheet needs EndTimestamp,InstanceID,"
                           "Region,AssetClass,InstanceIDField,InstanceType,MarketPriceHourly,Version)",
                           s->c->path, s->line, columns[k]);
    }
    s->ncols = s->n;
    return 0;
}

static int row(sheet *s)
{
    kt_custom *c = s->c;
    char **f = s->f;
    const int *map = s->map;
    long lineno = s->line;
    kt_err *err = s->err;
    if (s->n != s->ncols)
        return kt_fail(err, KT_EINPUT, "%s:%ld: %d fields, the header has %d (a missing column?)", c->path, lineno,
                       s->n, s->ncols);
    custom_row r = {0};
    const char *asset = f[map[COL_ASSET]], *field = f[map[COL_FIELD]];
    if (!strcasecmp(asset, "node")) r.asset = CR_NODE;
    else if (!strcasecmp(asset, "pv")) r.asset = CR_PV;
    else if (!strcasecmp(asset, "gpu")) r.asset = CR_GPU;
    else
        return kt_fail(err, KT_EINPUT, "%s:%ld: AssetClass '%.100s' is not node, pv or gpu", c->path, lineno, asset);
    if (js_number(f[map[COL_PRICE]], &r.hourly) || r.hourly < 0 || r.hourly > catalog_price_cap(c->currency))
        return kt_fail(err, KT_EINPUT, "%s:%ld: MarketPriceHourly '%.100s' is not a price (finite, >= 0, believable)",
                       c->path, lineno, f[map[COL_PRICE]]);
    r.field = !strcmp(field, "metadata.name") ? CI_NAME : !strcmp(field, "spec.providerID") ? CI_PROVIDER_ID
            : !strcmp(field, "spec.storageClassName") ? CI_STORAGE_CLASS : CI_OTHER;
    if (!*f[map[COL_ID]] && *f[map[COL_TYPE]])
        r.field = CI_TYPE;
    if (!*f[map[COL_ID]] && !*f[map[COL_TYPE]])
        return kt_fail(err, KT_EINPUT, "%s:%ld: neither InstanceID nor InstanceType is set", c->path, lineno);
    r.id = xstrdup(f[map[COL_ID]]);
    r.region = xstrdup(f[map[COL_REGION]]);
    r.instance_type = xstrdup(f[map[COL_TYPE]]);
    r.field_name = xstrdup(field);
    c->rows = xrealloc(c->rows, (c->n_rows + 1) * sizeof *c->rows);
    c->rows[c->n_rows++] = r;
    return 0;
}

static void clear_fields(sheet *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->f[i]);
    s->n = 0;
}

static void on_field(void *data, size_t len, void *ctx)
{
    sheet *s = ctx;
    if (s->failed)
        return;
    if (len > CUSTOM_MAX_FIELD || s->n >= CUSTOM_MAX_FIELDS) {
        s->failed = kt_fail(s->err, KT_EINPUT, "%s:%ld: %s", s->c->path, s->line,
                            len > CUSTOM_MAX_FIELD ? "a field longer than 65536 bytes"
                                                   : "more than 4096 fields in a record");
        return;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->f = xrealloc(s->f, (size_t)s->cap * sizeof *s->f);
    }
    char *v = xmalloc(len + 1);
    if (len)
        memcpy(v, data, len);
    v[len] = 0;
    s->f[s->n++] = v;
}

static void on_record(int end, void *ctx)
{
    sheet *s = ctx;
    (void)end;
    if (!s->failed) {
        s->records++;
        s->failed = s->ncols < 0 ? header(s) : row(s);
    }
    clear_fields(s);
}

/* Feed one chunk, a line at a time, so errors can name a line. */
static int feed(struct csv_parser *p, sheet *s, const char *buf, size_t len)
{
    while (len && !s->failed) {
        const char *nl = memchr(buf, '\n', len);
        size_t k = nl ? (size_t)(nl - buf) + 1 : len;
        if (csv_parse(p, buf, k, on_field, on_record, s) != k)
            return kt_fail(s->err, KT_EINPUT, "%s:%ld: not CSV: %s", s->c->path, s->line,
                           csv_strerror(csv_error(p)));
        if (nl)
            s->line++;
        buf += k, len -= k;
    }
    return s->failed ? -1 : 0;
}

int custom_read_sheet(kt_custom *c, kt_reader r, kt_err *err)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI))
        return kt_fail(err, KT_ERUNTIME, "%s: cannot start the CSV parser", c->path);
    sheet s = {.c = c, .err = err, .ncols = -1, .line = 1};
    char *buf = xmalloc(65536);
    size_t total = 0;
    int rc = 0;
    long got;
    while (!rc && (got = r.read(r.ctx, buf, 65536)) > 0) {
        total += (size_t)got;
        if (total > CUSTOM_MAX_BYTES)
            rc = kt_fail(err, KT_EINPUT, "%s: larger than %d MiB", c->path, CUSTOM_MAX_BYTES >> 20);
        else
            rc = feed(&p, &s, buf, (size_t)got);
    }
    if (!rc && got < 0)
        rc = kt_fail(err, KT_EINPUT, "%s: read error", c->path);
    if (!rc && csv_fini(&p, on_field, on_record, &s))
        rc = kt_fail(err, KT_EINPUT, "%s:%ld: not CSV: %s", c->path, s.line, csv_strerror(csv_error(&p)));
    if (!rc && s.failed)
        rc = -1;
    if (!rc && s.ncols < 0)
        rc = kt_fail(err, KT_EINPUT, "%s: empty sheet (no header line)", c->path);
    clear_fields(&s);
    free(s.f);
    free(buf);
    csv_free(&p);
    return rc;
}

static int load_csv(kt_custom *c, const char *path, kt_err *err)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return kt_fail(err, KT_EINPUT, "--pricing %s: cannot open the sheet", path);
    int rc = custom_read_sheet(c, reader_file(fp, path), err);
    fclose(fp);
    return rc;
}

int custom_parse_fraction(const char *s, double *out)
{
    char tmp[64];
    size_t n = strlen(s);
    int pct = n && s[n - 1] == '%';
    if (n == 0 || n >= sizeof tmp)
        return -1;
    snprintf(tmp, sizeof tmp, "%.*s", (int)(n - (size_t)pct), s);
    if (js_number(tmp, out))
        return -1;
    if (pct)
        *out /= 100;
    return *out >= 0 && *out <= 1 ? 0 : -1;
}

/* A JSON value that must be a number or a numeric string. */
static int json_num(const kt_custom *c, json_t *v, const char *key, int fraction, double *out, kt_err *err)
{
    const char *why = fraction ? "a fraction such as \"30%\" or 0.3" : "a price (finite, >= 0)";
    if (json_is_number(v))
        *out = json_number_value(v);
    else if (json_is_string(v) && (fraction ? custom_parse_fraction(json_string_value(v), out)
                                            : js_number(json_string_value(v), out)) == 0)
        ;
    else
        return kt_fail(err, KT_EINPUT, "%s: key '%s' must be %s", c->path, key, why);
    if (!isfinite(*out) || *out < 0 || (fraction && *out > 1) || *out > catalog_price_cap(c->currency))
        return kt_fail(err, KT_EINPUT, "%s: key '%s' must be %s", c->path, key, why);
    return 0;
}

static int load_clusters(kt_custom *c, json_t *obj, kt_err *err)
{
    const char *name;
    json_t *v;
    if (!json_is_object(obj))
        return kt_fail(err, KT_EINPUT, "%s: 'clusters' must be an object of cluster names", c->path);
    json_object_foreach(obj, name, v) {
        if (!json_is_object(v))
            return kt_fail(err, KT_EINPUT, "%s: clusters.%s must be an object", c->path, name);
        custom_cluster cl = {xstrdup(name), NULL, NAN, NAN};
        c->clusters = xrealloc(c->clusters, (c->n_clusters + 1) * sizeof *c->clusters);
        c->clusters[c->n_clusters++] = cl;
        custom_cluster *p = &c->clusters[c->n_clusters - 1];
        json_t *d = json_object_get(v, "discount"), *nd = json_object_get(v, "negotiatedDiscount"),
               *t = json_object_get(v, "tier");
        char key[200];
        snprintf(key, sizeof key, "clusters.%s.discount", name);
        if (d && json_num(c, d, key, 1, &p->discount, err))
            return -1;
        snprintf(key, sizeof key, "clusters.%s.negotiatedDiscount", name);
        if (nd && json_num(c, nd, key, 1, &p->negotiated, err))
            return -1;
        if (t && !json_is_string(t))
            return kt_fail(err, KT_EINPUT, "%s: clusters.%s.tier must be a string", c->path, name);
        if (t)
            p->tier = xstrdup(json_string_value(t));
    }
    return 0;
}

static int load_json(kt_custom *c, const char *path, kt_err *err)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root)
        return kt_fail(err, KT_EINPUT, "%s:%d: %s", path, je.line, je.text);
    int rc = 0;
    if (!json_is_object(root))
        rc = kt_fail(err, KT_EINPUT, "%s: expected a JSON object of OpenCost pricing keys", path);
    json_t *cur = json_object_get(root, "currencyCode");
    if (!rc && cur) {
        const char *s = json_is_string(cur) ? json_string_value(cur) : "";
        if (strlen(s) != 3)
            rc = kt_fail(err, KT_EINPUT, "%s: currencyCode must be a three-letter code such as \"EUR\"", path);
        else
            snprintf(c->currency, sizeof c->currency, "%s", s);
    }
    static const char *const keys[] = {"CPU", "spotCPU", "RAM", "spotRAM", "GPU", "storage", "zoneNetworkEgress",
                                       "regionNetworkEgress", "internetNetworkEgress", "discount",
                                       "negotiatedDiscount"};
    double *dst[] = {&c->cpu, &c->spot_cpu, &c->ram, &c->spot_ram, &c->gpu, &c->storage, &c->egress_zone,
                     &c->egress_region, &c->egress_internet, &c->discount, &c->negotiated};
    for (size_t i = 0; !rc && i < sizeof keys / sizeof *keys; i++) {
        json_t *v = json_object_get(root, keys[i]);
        if (v && !(json_is_string(v) && !*json_string_value(v)))
            rc = json_num(c, v, keys[i], i >= 9, dst[i], err);
    }
    json_t *cl = json_object_get(root, "clusters"), *sheet = json_object_get(root, "sheet");
    if (!rc && cl)
        rc = load_clusters(c, cl, err);
    if (!rc && sheet) {
        if (!json_is_string(sheet)) {
            rc = kt_fail(err, KT_EINPUT, "%s: 'sheet' must be a path to a CSV", path);
        } else {
            char *dir = xstrdup(path), sp[4096];
            const char *s = json_string_value(sheet);
            snprintf(sp, sizeof sp, "%s%s%s", s[0] == '/' ? "" : dirname(dir), s[0] == '/' ? "" : "/", s);
            free(dir);
            rc = load_csv(c, sp, err);
        }
    }
    json_decref(root);
    return rc;
}

int custom_load(const char *path, kt_custom *out, kt_err *err)
{
    kt_custom c;
    memset(&c, 0, sizeof c);
    c.cpu = c.spot_cpu = c.ram = c.spot_ram = c.gpu = c.storage = NAN;
    c.egress_zone = c.egress_region = c.egress_internet = NAN;
    c.path = xstrdup(path);
    FILE *fp = fopen(path, "r");
    if (!fp) {
        custom_free(&c);
        return kt_fail(err, KT_EINPUT, "--pricing %s: no such file", path);
    }
    int ch;
    while ((ch = fgetc(fp)) == ' ' || ch == '\n' || ch == '\t' || ch == '\r')
        ;
    fclose(fp);
    int rc = ch == '{' ? load_json(&c, path, err) : load_csv(&c, path, err);
    if (rc) {
        custom_free(&c);
        return -1;
    }
    *out = c;
    return 0;
}

static int eq(const char *a, const char *b) { return a && b && *a && !strcasecmp(a, b); }

const custom_row *custom_find(const kt_custom *c, int asset, const char *region, const char *name,
                              const char *provider_id, const char *type_or_class)
{
    const custom_row *best = NULL;
    int best_score = 0;
    for (size_t i = 0; i < c->n_rows; i++) {
        const custom_row *r = &c->rows[i];
        if (r->asset != asset || (*r->region && !eq(r->region, region)))
            continue;
        int hit = r->field == CI_NAME ? eq(r->id, name)
                : r->field == CI_PROVIDER_ID ? eq(r->id, provider_id) || (provider_id && *r->id && strstr(provider_id, r->id))
                : r->field == CI_TYPE ? eq(r->instance_type, type_or_class)
                : r->field == CI_STORAGE_CLASS ? eq(r->id, type_or_class) : 0;
        /* An instance match beats a type match; a regional row beats a global one. */
        int score = hit ? (r->field == CI_TYPE ? 1 : 3) + (*r->region ? 1 : 0) : 0;
        if (score > best_score)
            best = r, best_score = score;
    }
    return best;
}

const custom_cluster *custom_cluster_find(const kt_custom *c, const char *name)
{
    for (size_t i = 0; name && i < c->n_clusters; i++)
        if (!strcmp(c->clusters[i].name, name))
            return &c->clusters[i];
    return NULL;
}

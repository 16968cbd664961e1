/* focus_reader.c — focus_read: a FOCUS CSV (plain or gzip) streamed
 * through libcsv in bounded memory, one row at a time; see focus.h.
 *
 * libcsv hands us fields and row ends from whatever chunk we feed it, so
 * the reader never holds more than one row.  Its field buffer grows through
 * our realloc function, which refuses past FOCUS_MAX_FIELD: that is what
 * turns a 2 GB line into an error instead of 2 GB of memory. */
#include <assert.h>
#include <csv.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <zlib.h>

#include "bills/focus.h"
#include "util/buf.h"

/* The FOCUS columns the importer uses. */
enum { C_BILLED, C_EFFECTIVE, C_LIST, C_CURRENCY, C_CP_START, C_CP_END, C_BP_START, C_ACCOUNT, C_SUB_ACCOUNT,
       C_SERVICE, C_CATEGORY, C_REGION, C_RESOURCE_ID, C_RESOURCE_TYPE, C_CHARGE_CATEGORY, C_CHARGE_CLASS,
       C_PROVIDER, C_TAGS, C_N, X_COL = 1000, IGNORED = -1 };

/* Spellings, normalised (lower case, no '_'), in order of preference:
 * 1.2 renamed ProviderName to ServiceProviderName; 1.0-preview exports
 * carried Region. */
static const struct { const char *name; int col, rank; } aliases[] = {
    {"billedcost", C_BILLED, 0}, {"effectivecost", C_EFFECTIVE, 0}, {"listcost", C_LIST, 0},
    {"billingcurrency", C_CURRENCY, 0}, {"chargeperiodstart", C_CP_START, 0}, {"chargeperiodend", C_CP_END, 0},
    {"billingperiodstart", C_BP_START, 0}, {"billingaccountid", C_ACCOUNT, 0}, {"subaccountid", C_SUB_ACCOUNT, 0},
    {"servicename", C_SERVICE, 0}, {"servicecategory", C_CATEGORY, 0}, {"regionid", C_REGION, 0},
    {"regionname", C_REGION, 1}, {"region", C_REGION, 2}, {"resourceid", C_RESOURCE_ID, 0},
    {"resourcetype", C_RESOURCE_TYPE, 0}, {"chargecategory", C_CHARGE_CATEGORY, 0},
    {"chargeclass", C_CHARGE_CLASS, 0}, {"serviceprovidername", C_PROVIDER, 0}, {"providername", C_PROVIDER, 1},
    {"provider", C_PROVIDER, 2}, {"tags", C_TAGS, 0},
};
static const char *const col_names[C_N] = {
    "BilledCost", "EffectiveCost", "ListCost", "BillingCurrency", "ChargePeriodStart", "ChargePeriodEnd",
    "BillingPeriodStart", "BillingAccountId", "SubAccountId", "ServiceName", "ServiceCategory", "RegionId",
    "ResourceId", "ResourceType", "ChargeCategory", "ChargeClass", "ProviderName", "Tags"};
/* Every FOCUS 1.0–1.2 column (focus_columns_by_version.csv), normalised:
 * known, so not reported as unknown even when the importer has no use for
 * it. */
static const char focus_columns[] =
    " availabilityzone billedcost billingaccountid billingaccountname billingaccounttype billingcurrency"
    " billingperiodend billingperiodstart capacityreservationid capacityreservationstatus chargecategory"
    " chargeclass chargedescription chargefrequency chargeperiodend chargeperiodstart commitmentdiscountcategory"
    " commitmentdiscountid commitmentdiscountname commitmentdiscountquantity commitmentdiscountstatus"
    " commitmentdiscounttype commitmentdiscountunit consumedquantity consumedunit contractedcost"
    " contractedunitprice effectivecost invoiceid invoiceissuername listcost listunitprice pricingcategory"
    " pricingcurrency pricingcurrencycontractedunitprice pricingcurrencyeffectivecost pricingcurrencylistunitprice"
    " pricingquantity pricingunit providername publishername regionid regionname resourceid resourcename"
    " resourcetype servicecategory servicename servicesubcategory skuid skumeter skupricedetails skupriceid"
    " subaccountid subaccountname subaccounttype tags serviceprovidername hostprovidername invoiceissuer ";

static int is_focus_column(const char *normalised)
{
    char k[72];
    snprintf(k, sizeof k, " %s ", normalised);
    return strlen(normalised) < 64 && strstr(focus_columns, k) != NULL;
}

static const int mandatory[] = {C_BILLED, C_EFFECTIVE, C_LIST, C_CURRENCY, C_CP_START, C_CP_END, C_BP_START,
                                C_ACCOUNT, C_SERVICE, C_CATEGORY, C_CHARGE_CATEGORY, C_PROVIDER};

typedef struct reader {
    const char *path;
    kt_focus_row_fn row_fn;
    void *ctx;
    kt_focus_stats *st;
    kt_err *err;
    int failed, header_done, ncols;
    int map[FOCUS_MAX_COLUMNS];      /* header index → C_… or X_COL or IGNORED */
    int rank[C_N], where[C_N];       /* alias rank and header index of each column found */
    char *names[FOCUS_MAX_COLUMNS];  /* header names (for x_ columns and messages) */
    kt_buf fields;                   /* this row's fields, NUL-separated */
    size_t off[FOCUS_MAX_COLUMNS];
    unsigned char null[FOCUS_MAX_COLUMNS];
    int nf;
    kt_buf tags, extras;
} reader;

static int fail(reader *r, const char *fmt, const char *a, const char *b)
{
    if (!r->failed) {
        char msg[400];
        snprintf(msg, sizeof msg, fmt, a ? a : "", b ? b : "");
        kt_fail(r->err, KT_EINPUT, "%s: row %ld: %s", r->path, r->st->rows + 1, msg);
    }
    r->failed = 1;
    return -1;
}

/* libcsv grows its field buffer through this: past the bound it gets NULL
 * and reports CSV_ENOMEM, which we report as an overlong field. */
static void *bounded_realloc(void *p, size_t n)
{
    return n > FOCUS_MAX_FIELD + 64 ? NULL : realloc(p, n);
}

static void on_field(void *s, size_t len, void *data)
{
    reader *r = data;
    if (r->failed)
        return;
    if (r->nf >= FOCUS_MAX_COLUMNS || (r->header_done && r->nf >= r->ncols)) {
        fail(r, "more fields than the header has columns (broken quoting or a runaway line?)", NULL, NULL);
        return;
    }
    const char *v = s ? s : "";
    int null = !s || !len || (len == 4 && !memcmp(v, "NULL", 4));
    r->off[r->nf] = r->fields.len;
    r->null[r->nf] = (unsigned char)null;
    buf_add(&r->fields, v, len);
    buf_putc(&r->fields, 0);
    r->nf++;
}

static const char *get(reader *r, int col)
{
    int i = r->where[col];
    return i < 0 || r->null[i] ? NULL : r->fields.data + r->off[i];
}

static void normalise(const char *s, char *out, size_t n)
{
    size_t k = 0;
    for (; *s && k + 1 < n; s++)
        if (*s != '_' && *s != ' ')
            out[k++] = (char)tolower((unsigned char)*s);
    out[k] = 0;
}

static void guess_version(reader *r)
{
    int v12 = 0, v11 = 0;
    for (int i = 0; i < r->ncols; i++) {
        char n[64];
        normalise(r->names[i], n, sizeof n);
        v12 |= !strcmp(n, "serviceprovidername") || !strcmp(n, "hostprovidername") || !strcmp(n, "invoiceid");
        v11 |= !strcmp(n, "capacityreservationid") || !strcmp(n, "commitmentdiscountquantity");
    }
    snprintf(r->st->version, sizeof r->st->version, "%s", v12 ? "1.2" : v11 ? "1.1" : "1.0");
}

static void ignore_column(reader *r, const char *name)
{
    char *list = r->st->ignored;
    size_t used = strlen(list);
    if (used + strlen(name) + 3 < sizeof r->st->ignored)
        snprintf(list + used, sizeof r->st->ignored - used, "%s%s", used ? "," : "", name);
}

static int header(reader *r)
{
    r->ncols = r->nf;
    for (int c = 0; c < C_N; c++)
        r->where[c] = -1, r->rank[c] = 99;
    for (int i = 0; i < r->nf; i++) {
        const char *name = r->fields.data + r->off[i];
        r->names[i] = xstrdup(name);
        char n[64];
        normalise(name, n, sizeof n);
        r->map[i] = IGNORED;
        if (!strncasecmp(name, "x_", 2)) {
            r->map[i] = X_COL;
            r->st->extra_columns++;
            continue;
        }
        for (size_t a = 0; a < sizeof aliases / sizeof *aliases; a++)
            if (!strcmp(n, aliases[a].name)) {
                r->map[i] = aliases[a].col;
                if (aliases[a].rank < r->rank[aliases[a].col])
                    r->rank[aliases[a].col] = aliases[a].rank, r->where[aliases[a].col] = i;
            }
        if (r->map[i] == IGNORED && !is_focus_column(n))
            ignore_column(r, name);
    }
    kt_buf missing = {0};
    for (size_t m = 0; m < sizeof mandatory / sizeof *mandatory; m++)
        if (r->where[mandatory[m]] < 0)
            buf_printf(&missing, "%s%s", missing.len ? ", " : "", col_names[mandatory[m]]);
    guess_version(r);
    if (missing.len) {
        kt_fail(r->err, KT_EINPUT, "%s: not a FOCUS export: mandatory column%s %s missing (header has %d columns)",
                r->path, strchr(missing.data, ',') ? "s" : "", missing.data, r->ncols);
        r->failed = 1;
    }
    buf_free(&missing);
    r->header_done = 1;
    return r->failed ? -1 : 0;
}

/* A cost column: mandatory, a finite decimal. */
static int cost(reader *r, int col, double *v)
{
    const char *s = get(r, col);
    if (!s)
        return fail(r, "%s is null; FOCUS requires a decimal there", col_names[col], NULL);
    if (focus_parse_decimal(s, v))
        return fail(r, "%s '%.40s' is not a finite decimal", col_names[col], s);
    return 0;
}

static int when(reader *r, int col, int64_t *t)
{
    const char *s = get(r, col);
    if (!s)
        return fail(r, "%s is null; FOCUS requires a date/time there", col_names[col], NULL);
    if (focus_parse_time(s, t))
        return fail(r, "%s '%.40s' is not a date/time (YYYY-MM-DDTHH:MM:SSZ)", col_names[col], s);
    return 0;
}

static void build_extras(reader *r)
{
    buf_reset(&r->extras);
    buf_putc(&r->extras, '{');
    int first = 1;
    for (int i = 0; i < r->ncols; i++) {
        if (r->map[i] != X_COL)
            continue;
        if (!first)
            buf_putc(&r->extras, ',');
        first = 0;
        buf_json_str(&r->extras, r->names[i]);
        buf_putc(&r->extras, ':');
        if (r->null[i])
            buf_puts(&r->extras, "null");
        else
            buf_json_str(&r->extras, r->fields.data + r->off[i]);
    }
    buf_putc(&r->extras, '}');
}

static int is_one_of(const char *s, const char *const *set)
{
    for (; *set; set++)
        if (s && !strcasecmp(s, *set))
            return 1;
    return 0;
}

/* Spec rules that leave the money readable: counted, the row kept. */
static unsigned problems(reader *r, kt_focus_row *row)
{
    static const char *const categories[] = {"Usage", "Purchase", "Tax", "Credit", "Adjustment", NULL};
    static const char *const usage[] = {"Usage", "Purchase", NULL};
    unsigned p = 0;
    if (!get(r, C_ACCOUNT) || !get(r, C_SERVICE) || !get(r, C_CATEGORY) || !get(r, C_CURRENCY) ||
        !get(r, C_CHARGE_CATEGORY) || !get(r, C_PROVIDER))
        p |= 1u << FOCUS_P_NULL_DIMENSION;
    if (get(r, C_CHARGE_CATEGORY) && !is_one_of(row->charge_category, categories))
        p |= 1u << FOCUS_P_CHARGE_CATEGORY;
    if ((row->billed < 0 || row->effective < 0 || row->list < 0) && is_one_of(row->charge_category, usage) &&
        strcasecmp(row->charge_class, "Correction"))
        p |= 1u << FOCUS_P_NEGATIVE_USAGE;
    buf_reset(&r->tags);
    const char *tags = get(r, C_TAGS);
    if (tags && focus_tags_canonical(tags, &r->tags))
        p |= 1u << FOCUS_P_TAGS;
    if (!tags)
        buf_puts(&r->tags, "{}");
    if (row->end < row->start) {
        p |= 1u << FOCUS_P_PERIOD;
        row->end = row->start;
    }
    return p;
}

static const char *or_empty(const char *s) { return s ? s : ""; }

static void data_row(reader *r)
{
    if (r->nf != r->ncols) {
        char a[24], b[24];
        snprintf(a, sizeof a, "%d", r->nf), snprintf(b, sizeof b, "%d", r->ncols);
        fail(r, "%s fields where the header has %s columns", a, b);
        return;
    }
    kt_focus_row row = {.number = r->st->rows + 1};
    if (cost(r, C_BILLED, &row.billed) || cost(r, C_EFFECTIVE, &row.effective) || cost(r, C_LIST, &row.list) ||
        when(r, C_CP_START, &row.start) || when(r, C_CP_END, &row.end) || when(r, C_BP_START, &row.period_start))
        return;
    double c[3] = {row.billed, row.effective, row.list};
    int pos = c[0] > 0 || c[1] > 0 || c[2] > 0, neg = c[0] < 0 || c[1] < 0 || c[2] < 0;
    if (pos && neg) {
        fail(r, "costs of opposite signs (BilledCost %s, EffectiveCost/ListCost %s); a row's costs share one sign",
             get(r, C_BILLED), c[1] * c[0] < 0 ? get(r, C_EFFECTIVE) : get(r, C_LIST));
        return;
    }
    char provider[64];
    focus_provider(or_empty(get(r, C_PROVIDER)), provider, sizeof provider);
    row.provider = provider;
    row.account = or_empty(get(r, C_ACCOUNT)), row.sub_account = or_empty(get(r, C_SUB_ACCOUNT));
    row.service = or_empty(get(r, C_SERVICE)), row.category = or_empty(get(r, C_CATEGORY));
    row.region = or_empty(get(r, C_REGION)), row.resource_id = or_empty(get(r, C_RESOURCE_ID));
    row.resource_type = or_empty(get(r, C_RESOURCE_TYPE)), row.charge_category = or_empty(get(r, C_CHARGE_CATEGORY));
    /* a null currency is ISO 4217's XXX ("no currency"): kept apart from every real one */
    row.charge_class = or_empty(get(r, C_CHARGE_CLASS));
    row.currency = get(r, C_CURRENCY) ? get(r, C_CURRENCY) : "XXX";
    row.problems = problems(r, &row);
    row.tags = r->tags.data;
    build_extras(r);
    row.extras = r->extras.data;
    r->st->rows++;
    if (row.problems) {
        r->st->broken++;
        for (int k = 0; k < FOCUS_P_COUNT; k++)
            if (row.problems & (1u << k))
                r->st->by_problem[k]++;
    }
    if (r->row_fn(r->ctx, &row, r->err))
        r->failed = 1;
}

static void on_row(int c, void *data)
{
    reader *r = data;
    (void)c;
    if (!r->failed && !(r->nf == 1 && r->null[0] && !r->header_done)) {
        if (!r->header_done)
            header(r);
        else if (!(r->nf == 1 && r->null[0] && r->ncols > 1)) /* a blank line */
            data_row(r);
    }
    r->nf = 0;
    buf_reset(&r->fields);
}

static void reader_free(reader *r)
{
    for (int i = 0; i < r->ncols; i++)
        free(r->names[i]);
    buf_free(&r->fields);
    buf_free(&r->tags);
    buf_free(&r->extras);
}

static int feed(reader *r, struct csv_parser *p, const char *buf, size_t n)
{
    size_t used = csv_parse(p, buf, n, on_field, on_row, r);
    if (r->failed)
        return -1;
    if (used != n) {
        if (csv_error(p) == CSV_ENOMEM || csv_error(p) == CSV_ETOOBIG)
            return fail(r, "a field longer than %s (a runaway line, or an unclosed quote); refused", "1 MiB",
                        NULL);
        return fail(r, "malformed CSV (%s)", csv_strerror(csv_error(p)), NULL);
    }
    return 0;
}

int focus_read(const char *path, kt_focus_row_fn row, kt_focus_progress_fn progress, void *ctx,
               kt_focus_stats *st, kt_err *err)
{
    assert(path && row && st);
    memset(st, 0, sizeof *st);
    struct stat sb;
    if (stat(path, &sb) || !S_ISREG(sb.st_mode))
        return kt_fail(err, KT_EINPUT, "%s: not a readable file", path);
    st->bytes_total = (int64_t)sb.st_size;
    gzFile g = gzopen(path, "rb"); /* reads plain files as they are */
    if (!g)
        return kt_fail(err, KT_EINPUT, "%s: cannot open", path);
    gzbuffer(g, 1 << 18);
    reader *r = xcalloc(1, sizeof *r);
    r->path = path, r->row_fn = row, r->ctx = ctx, r->st = st, r->err = err;
    struct csv_parser p;
    csv_init(&p, CSV_APPEND_NULL | CSV_EMPTY_IS_NULL);
    csv_set_realloc_func(&p, bounded_realloc);
    enum { CHUNK = 1 << 20 };
    char *buf = xmalloc(CHUNK);
    int rc = 0, first = 1;
    int64_t next_report = 8 << 20;
    for (;;) {
        int n = gzread(g, buf, CHUNK);
        if (n < 0) {
            int e;
            rc = kt_fail(err, KT_EINPUT, "%s: unreadable (%s)", path, gzerror(g, &e));
            break;
        }
        if (n == 0)
            break;
        size_t skip = first && n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0; /* UTF-8 BOM */
        first = 0;
        if ((rc = feed(r, &p, buf + skip, (size_t)n - skip)))
            break;
        st->bytes_done = (int64_t)gzoffset(g);
        if (progress && st->bytes_done >= next_report) {
            progress(ctx, st);
            next_report = st->bytes_done + (8 << 20);
        }
    }
    if (!rc) {
        csv_fini(&p, on_field, on_row, r);
        if (r->failed)
            rc = -1;
        else if (!r->header_done)
            rc = kt_fail(err, KT_EINPUT, "%s: empty (no header row)", path);
    }
    if (!rc && progress) {
        st->bytes_done = st->bytes_total;
        progress(ctx, st);
    }
    csv_free(&p);
    gzclose(g);
    free(buf);
    reader_free(r);
    free(r);
    return rc ? -1 : 0;
}

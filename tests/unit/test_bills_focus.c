/* test_bills_focus.c — the FOCUS reader: values, the providers' column
 * spellings, gzip, x_ columns, Tags forms, rows that break the spec
 * (kept and counted) and files that are refused (one clear error). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "bills/focus.h"
#include "check.h"
#include "util/buf.h"

typedef struct seen {
    long rows;
    double billed, effective, list;
    char last_tags[256], last_extras[256], last_provider[32], last_key[128];
    unsigned problems;
} seen;

static int on_row(void *ctx, const kt_focus_row *r, kt_err *err)
{
    seen *s = ctx;
    s->rows++;
    s->billed += r->billed, s->effective += r->effective, s->list += r->list;
    snprintf(s->last_tags, sizeof s->last_tags, "%s", r->tags);
    snprintf(s->last_extras, sizeof s->last_extras, "%s", r->extras);
    snprintf(s->last_provider, sizeof s->last_provider, "%s", r->provider);
    focus_resource_key(r->resource_id, s->last_key, sizeof s->last_key);
    s->problems |= r->problems;
    return 0;
}

static char *write_tmp(const char *text, int gz)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/kt-focus-XXXXXX");
    int fd = mkstemp(path);
    close(fd);
    if (gz) {
        gzFile g = gzopen(path, "wb");
        gzwrite(g, text, (unsigned)strlen(text));
        gzclose(g);
    } else {
        FILE *f = fopen(path, "w");
        fputs(text, f);
        fclose(f);
    }
    return path;
}

static int read_text(const char *text, int gz, seen *s, kt_focus_stats *st, kt_err *err)
{
    memset(s, 0, sizeof *s);
    char *path = write_tmp(text, gz);
    int rc = focus_read(path, on_row, NULL, s, st, err);
    unlink(path);
    return rc;
}

#define HDR "BilledCost,EffectiveCost,ListCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd," \
            "BillingPeriodStart,BillingAccountId,ServiceName,ServiceCategory,ChargeCategory,ProviderName,ResourceId,Tags"

TEST(values)
{
    double v;
    int64_t t;
    CHECK(focus_parse_decimal("0.00001605990", &v) == 0 && v == 0.0000160599);
    CHECK(focus_parse_decimal("-2.6137", &v) == 0 && v == -2.6137);
    CHECK(focus_parse_decimal("NaN", &v) == -1);
    CHECK(focus_parse_decimal("inf", &v) == -1);
    CHECK(focus_parse_decimal("1e999", &v) == -1);
    CHECK(focus_parse_decimal("12abc", &v) == -1);
    CHECK(focus_parse_decimal("0x10", &v) == -1);
    /* 2024-09-18T22:00:00Z = 1726696800 */
    CHECK(focus_parse_time("2024-09-18 22:00:00", &t) == 0 && t == 1726696800);
    CHECK(focus_parse_time("2024-09-18T22:00:00Z", &t) == 0 && t == 1726696800);
    CHECK(focus_parse_time("2024-09-18T22:00:00.000Z", &t) == 0 && t == 1726696800);
    CHECK(focus_parse_time("2024-09-19T00:00:00+02:00", &t) == 0 && t == 1726696800);
    CHECK(focus_parse_time("2024-09-18 22:00:00 UTC", &t) == 0 && t == 1726696800);
    CHECK(focus_parse_time("2024-09-18", &t) == 0 && t == 1726617600);
    CHECK(focus_parse_time("18/09/2024", &t) == -1);
    CHECK(focus_parse_time("2024-13-01T00:00:00Z", &t) == -1);
    kt_buf b = {0};
    CHECK(focus_tags_canonical("{\"team\": \"web\", \"env\": \"prod\"}", &b) == 0);
    CHECK_STR(b.data, "{\"env\":\"prod\",\"team\":\"web\"}");
    buf_reset(&b);
    CHECK(focus_tags_canonical("[{\"key\":\"team\",\"value\":\"web\"}]", &b) == 0); /* GCP */
    CHECK_STR(b.data, "{\"team\":\"web\"}");
    buf_reset(&b);
    CHECK(focus_tags_canonical("\"team\": \"web\",\"cost\": 3", &b) == 0); /* Azure, brace-less */
    CHECK_STR(b.data, "{\"cost\":\"3\",\"team\":\"web\"}");
    buf_reset(&b);
    CHECK(focus_tags_canonical("{\"a\": {\"nested\": 1}}", &b) == -1);
    CHECK_STR(b.data, "{}");
    buf_free(&b);
    char k[128];
    focus_resource_key("aws:///us-east-1a/i-0abc123", k, sizeof k);
    CHECK_STR(k, "i-0abc123");
    focus_resource_key("arn:aws:ec2:us-east-1:123456789012:instance/i-0ABC123", k, sizeof k);
    CHECK_STR(k, "i-0abc123");
    focus_resource_key("gce://proj-1/europe-west1-b/gke-pool-1-abcd", k, sizeof k);
    CHECK_STR(k, "gke-pool-1-abcd");
    focus_resource_key("//compute.googleapis.com/projects/proj-1/zones/europe-west1-b/instances/gke-pool-1-abcd", k,
                       sizeof k);
    CHECK_STR(k, "gke-pool-1-abcd");
    focus_resource_key("azure:///subscriptions/S1/resourceGroups/RG/providers/Microsoft.Compute/"
                       "virtualMachineScaleSets/aks-pool/virtualMachines/3", k, sizeof k);
    CHECK_STR(k, "subscriptions/s1/resourcegroups/rg/providers/microsoft.compute/virtualmachinescalesets/aks-pool/"
                 "virtualmachines/3");
    focus_resource_key("arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/net/a1b2c3/50dc6c495c0c9188", k,
                       sizeof k);
    CHECK_STR(k, "a1b2c3");
    char p[32];
    focus_provider("Amazon Web Services", p, sizeof p);
    CHECK_STR(p, "aws");
    focus_provider("Microsoft", p, sizeof p);
    CHECK_STR(p, "azure");
    focus_provider("Google Cloud", p, sizeof p);
    CHECK_STR(p, "gcp");
}

TEST(variants)
{
    seen s;
    kt_focus_stats st;
    kt_err err = {0};
    /* FOCUS spelling, an x_ column, NULL words, gzip. */
    const char *a = HDR ",x_UsageType,SkuId,Owner\n"
                    "1.5,1.2,2.0,USD,2024-09-01 00:00:00,2024-09-01 01:00:00,2024-09-01 00:00:00,111,Amazon EC2,"
                    "Compute,Usage,AWS,arn:aws:ec2:us-east-1:111:instance/i-0aa,"
                    "\"{\"\"team\"\": \"\"web\"\"}\",BoxUsage:m5.large,SKU1,ops\n"
                    "0.5,0.5,0.5,USD,2024-09-01 00:00:00,2024-09-01 01:00:00,2024-09-01 00:00:00,111,Amazon S3,"
                    "Storage,Usage,AWS,NULL,NULL,NULL,SKU2,ops\n";
    CHECK(read_text(a, 1, &s, &st, &err) == 0);
    CHECK(s.rows == 2 && st.rows == 2 && st.broken == 0);
    CHECK_NEAR(s.billed, 2.0, 1e-12);   /* 1.5 + 0.5 */
    CHECK_NEAR(s.effective, 1.7, 1e-12); /* 1.2 + 0.5 */
    CHECK_STR(s.last_extras, "{\"x_UsageType\":null}");
    CHECK_STR(s.last_tags, "{}");
    CHECK(st.extra_columns == 1);
    CHECK_STR(st.ignored, "Owner"); /* SkuId is FOCUS: known, not kept */
    CHECK_STR(st.version, "1.0");
    /* BigQuery snake case, 1.2 ServiceProviderName, GCP tag pairs, BOM. */
    const char *b = "\xEF\xBB\xBF" "billed_cost,effective_cost,list_cost,billing_currency,charge_period_start,"
                    "charge_period_end,billing_period_start,billing_account_id,service_name,service_category,"
                    "charge_category,service_provider_name,resource_id,tags\n"
                    "3,2,4,EUR,2024-09-01 00:00:00 UTC,2024-09-02 00:00:00 UTC,2024-09-01 00:00:00 UTC,acct,"
                    "Compute Engine,Compute,Usage,Google Cloud,"
                    "//compute.googleapis.com/projects/p/zones/z/instances/gke-n1,"
                    "\"[{\"\"key\"\":\"\"team\"\",\"\"value\"\":\"\"data\"\"}]\"\n";
    CHECK(read_text(b, 0, &s, &st, &err) == 0);
    CHECK(s.rows == 1);
    CHECK_STR(s.last_provider, "gcp");
    CHECK_STR(s.last_key, "gke-n1");
    CHECK_STR(s.last_tags, "{\"team\":\"data\"}");
    CHECK_STR(st.version, "1.2");
}

TEST(broken_rows_are_kept_and_counted)
{
    seen s;
    kt_focus_stats st;
    kt_err err = {0};
    const char *t = HDR "\n"
                    /* negative Usage, not a Correction (the Azure rows of the official sample) */
                    "-0.1,-0.1,-0.1,USD,2024-09-01T00:00:00Z,2024-09-02T00:00:00Z,2024-09-01T00:00:00Z,1,Storage,"
                    "Storage,Usage,Microsoft,,\n"
                    /* a credit: negative is right */
                    "-2,-3,-2,USD,2024-09-01T00:00:00Z,2024-09-02T00:00:00Z,2024-09-01T00:00:00Z,1,EC2,Compute,"
                    "Credit,AWS,,\n"
                    /* unknown category, null service, tags not an object, period backwards */
                    "1,1,1,USD,2024-09-02T00:00:00Z,2024-09-01T00:00:00Z,2024-09-01T00:00:00Z,1,NULL,Compute,"
                    "Refund,AWS,,[1]\n";
    CHECK(read_text(t, 0, &s, &st, &err) == 0);
    CHECK(st.rows == 3 && s.rows == 3);
    CHECK(st.broken == 2);
    CHECK(st.by_problem[FOCUS_P_NEGATIVE_USAGE] == 1);
    CHECK(st.by_problem[FOCUS_P_CHARGE_CATEGORY] == 1);
    CHECK(st.by_problem[FOCUS_P_NULL_DIMENSION] == 1);
    CHECK(st.by_problem[FOCUS_P_TAGS] == 1);
    CHECK(st.by_problem[FOCUS_P_PERIOD] == 1);
    CHECK_NEAR(s.billed, -1.1, 1e-12); /* -0.1 - 2 + 1: every row's money is kept */
}

static void refused(const char *text, const char *needle)
{
    seen s;
    kt_focus_stats st;
    kt_err err = {0};
    CHECK(read_text(text, 0, &s, &st, &err) == -1);
    CHECK(err.code == KT_EINPUT);
    CHECK(strstr(err.msg, needle) != NULL);
    if (!strstr(err.msg, needle))
        fprintf(stderr, "  message: %s\n", err.msg);
}

#define ROW_TAIL ",USD,2024-09-01T00:00:00Z,2024-09-02T00:00:00Z,2024-09-01T00:00:00Z,1,EC2,Compute,Usage,AWS,,\n"

TEST(hostile_files)
{
    refused("BilledCost,EffectiveCost\n1,1\n", "mandatory columns ListCost, BillingCurrency");
    refused(HDR "\nNaN,1,1" ROW_TAIL, "BilledCost 'NaN' is not a finite decimal");
    refused(HDR "\n1,abc,1" ROW_TAIL, "EffectiveCost 'abc' is not a finite decimal");
    refused(HDR "\n1,NULL,1" ROW_TAIL, "EffectiveCost is null");
    refused(HDR "\n-5,10,10" ROW_TAIL, "opposite signs");
    refused(HDR "\n1,1,1,USD,yesterday,2024-09-02T00:00:00Z,2024-09-01T00:00:00Z,1,EC2,Compute,Usage,AWS,,\n",
            "ChargePeriodStart 'yesterday' is not a date/time");
    refused(HDR "\n1,1,1" ROW_TAIL "1,1\n", "2 fields where the header has 14 columns");
    refused("", "empty");
    /* a field past the bound (the 2 GB line, scaled down: the bound is what is tested) */
    kt_buf big = {0};
    buf_puts(&big, HDR "\n1,1,1,USD,2024-09-01T00:00:00Z,2024-09-02T00:00:00Z,2024-09-01T00:00:00Z,1,EC2,Compute,"
                  "Usage,AWS,\"");
    for (int i = 0; i < (2 << 20) / 64; i++)
        buf_puts(&big, "0123456789012345678901234567890123456789012345678901234567890123");
    refused(big.data, "a field longer than 1 MiB");
    buf_free(&big);
    seen s;
    kt_focus_stats st;
    kt_err err = {0};
    CHECK(focus_read("/nonexistent/bill.csv", on_row, NULL, &s, &st, &err) == -1 && err.code == KT_EINPUT);
}

/* The official sample (PROVENANCE.md §11): every row read; 13 negative
 * rows, of which the 12 Azure Usage ones break the spec (the AWS one is a
 * Credit). */
TEST(official_sample)
{
    const char *path = "/work/shared/data/focus/official-sample-data/focus_1.0_sample_1000.csv";
    if (access(path, R_OK)) {
        printf("skip official_sample: %s absent\n", path);
        return;
    }
    seen s = {0};
    kt_focus_stats st;
    kt_err err = {0};
    CHECK(focus_read(path, on_row, NULL, &s, &st, &err) == 0);
    CHECK(st.rows == 1000 && s.rows == 1000);
    CHECK(st.by_problem[FOCUS_P_NEGATIVE_USAGE] == 12);
}

int main(void)
{
    RUN(values);
    RUN(variants);
    RUN(broken_rows_are_kept_and_counted);
    RUN(hostile_files);
    RUN(official_sample);
    return check_done();
}

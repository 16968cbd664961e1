/* test_pricing_resolve.c — the built-in catalog against published prices,
 * OpenCost's node split, the custom sheet and the precedence of sources. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "pricing/custom.h"
#include "pricing/catalog.h"
#include "pricing/pricing.h"
#include "pricing/reader.h"
#include "util/buf.h"

#define FIX "tests/fixtures/pricing/"

static kt_pricing *load(const char *custom, const char *dir)
{
    kt_pricing_opts o = {custom, dir ? dir : "/nonexistent/kubetally-prices"};
    kt_pricing *p = NULL;
    kt_err err = {0};
    if (pricing_load(&o, &p, &err))
        fprintf(stderr, "pricing_load: %s\n", err.msg);
    return p;
}

static double hourly(const kt_pricing *p, const char *prov, const char *region, const char *type, int spot,
                     const char **src)
{
    kt_instance_price ip = pricing_instance(p, prov, region, type, spot);
    if (src) *src = ip.price.source;
    return ip.price.hourly;
}

/* A dozen and more instance types, each checked by hand against the cloud's
 * published Linux on-demand price (USD per hour). */
TEST(published_prices)
{
    kt_pricing *p = load(NULL, NULL);
    const char *src;
    CHECK(p != NULL);
    /* AWS EC2 pricing page, us-east-1: m5.xlarge $0.192, c5.large $0.085, r5.large $0.126,
     * t3.medium $0.0416, g4dn.xlarge $0.526, p3.2xlarge $3.06, m6g.large $0.077,
     * c7g.large $0.0725; eu-west-1 (Ireland) m5.xlarge $0.214; eu-central-1 m6i.xlarge $0.23. */
    CHECK_NEAR(hourly(p, "aws", "us-east-1", "m5.xlarge", 0, &src), 0.192, 1e-12);
    CHECK_STR(src, "catalog");
    CHECK_NEAR(hourly(p, "aws", "us-east-1", "c5.large", 0, NULL), 0.085, 1e-12);
    CHECK_NEAR(hourly(p, "aws", "us-east-1", "r5.large", 0, NULL), 0.126, 1e-12);
    CHECK_NEAR(hourly(p, "aws", "us-east-1", "t3.medium", 0, NULL), 0.0416, 1e-12);
    CHECK_NEAR(hourly(p, "aws", "us-east-1", "g4dn.xlarge", 0, NULL), 0.526, 1e-12);
    CHECK_NEAR(hourly(p, "aws", "us-east-1", "p3.2xlarge", 0, NULL), 3.06, 1e-12);
    CHECK_NEAR(hourly(p, "aws", "us-east-1", "m6g.large", 0, NULL), 0.077, 1e-12);
    CHECK_NEAR(hourly(p, "aws", "us-east-1", "c7g.large", 0, NULL), 0.0725, 1e-12);
    CHECK_NEAR(hourly(p, "aws", "eu-west-1", "m5.xlarge", 0, NULL), 0.214, 1e-12);
    CHECK_NEAR(hourly(p, "aws", "eu-central-1", "m6i.xlarge", 0, NULL), 0.23, 1e-12);
    /* GCP bills N2 per vCPU and GiB: us-central1 0.031611 $/vCPU-h and 0.004237 $/GiB-h, so
     * n2-standard-4 = 4×0.031611 + 16×0.004237 = 0.126444 + 0.067792 = 0.194236 (published $0.194236);
     * europe-west1: 4×0.034773 + 16×0.004661 = 0.139092 + 0.074576 = 0.213668. */
    CHECK_NEAR(hourly(p, "gcp", "us-central1", "n2-standard-4", 0, NULL), 0.194236, 1e-12);
    CHECK_NEAR(hourly(p, "gcp", "europe-west1", "n2-standard-4", 0, NULL), 0.213668, 1e-12);
    /* e2-standard-2 us-central1 published $0.067011; a2-highgpu-1g (12 vCPU, 85 GB, 1 A100) $3.673385. */
    CHECK_NEAR(hourly(p, "gcp", "us-central1", "e2-standard-2", 0, NULL), 0.06701142, 1e-12);
    CHECK_NEAR(hourly(p, "gcp", "us-central1", "a2-highgpu-1g", 0, NULL), 3.673385, 1e-12);
    /* A custom shape has no list price: family rates × capacity, 4×0.031611 + 20×0.004237 = 0.211184. */
    kt_node_desc custom = {"c", "n", "gcp", "us-central1", "", "n2-custom-4-20480", "", 0, 4, 20 * KT_GIB, 0};
    kt_price cp = pricing_node(p, &custom);
    CHECK_NEAR(cp.hourly, 0.211184, 1e-12);
    CHECK_STR(cp.source, "catalog");
    /* Azure Retail Prices, Linux: Standard_D2s_v3 eastus $0.096 (the API capture in shared/data),
     * Standard_D4s_v5 eastus $0.192, westeurope $0.23; Standard_E4s_v5 eastus $0.252;
     * Standard_F4s_v2 eastus $0.169; Standard_NC6s_v3 eastus $3.06. */
    CHECK_NEAR(hourly(p, "azure", "eastus", "Standard_D2s_v3", 0, NULL), 0.096, 1e-12);
    CHECK_NEAR(hourly(p, "azure", "eastus", "Standard_D4s_v5", 0, NULL), 0.192, 1e-12);
    CHECK_NEAR(hourly(p, "azure", "westeurope", "Standard_D4s_v5", 0, NULL), 0.23, 1e-12);
    CHECK_NEAR(hourly(p, "azure", "eastus", "Standard_E4s_v5", 0, NULL), 0.252, 1e-12);
    CHECK_NEAR(hourly(p, "azure", "eastus", "Standard_F4s_v2", 0, NULL), 0.169, 1e-12);
    CHECK_NEAR(hourly(p, "azure", "eastus", "Standard_NC6s_v3", 0, NULL), 3.06, 1e-12);
    pricing_free(p);
}

TEST(spot_and_unknown)
{
    kt_pricing *p = load(NULL, NULL);
    const char *src;
    /* AWS spot average m5.xlarge us-east-1 (ec2instances.info, 2024-04-04): 0.07104. */
    CHECK_NEAR(hourly(p, "aws", "us-east-1", "m5.xlarge", 1, &src), 0.07104, 1e-12);
    CHECK_STR(src, "catalog");
    /* GCP spot n2-standard-4 us-central1: 0.09212. */
    CHECK_NEAR(hourly(p, "gcp", "us-central1", "n2-standard-4", 1, &src), 0.09212, 1e-12);
    /* Azure has no spot prices in the catalog: 0.096 × (1 − 0.80) = 0.0192, said so. */
    CHECK_NEAR(hourly(p, "azure", "eastus", "Standard_D2s_v3", 1, &src), 0.0192, 1e-12);
    CHECK_STR(src, "spot-estimate");
    /* Unknown type: OpenCost defaults, 2×0.031611 + 4×0.004237 = 0.080170. */
    kt_node_desc d = {"c", "n", "aws", "us-east-1", "", "zz9.mega", "", 0, 2, 4 * KT_GIB, 0};
    kt_price pp = pricing_node(p, &d);
    CHECK_NEAR(pp.hourly, 0.080170, 1e-12);
    CHECK_STR(pp.source, "default");
    /* Known type in a region the catalog lacks is unpriced too. */
    d.instance_type = "m5.xlarge", d.region = "mars-north-1";
    CHECK_STR(pricing_node(p, &d).source, "default");
    /* Disks: gp3 us-east-1 0.08/GB-month ÷ 730 h; pd-balanced 0.10; Premium_LRS P15 38.012142/256 GiB. */
    const char *vs;
    CHECK_NEAR(pricing_volume_gib_hour(p, "aws", "us-east-1", "ebs.csi.aws.com", "gp3", &vs), 0.08 / 730, 1e-12);
    CHECK_STR(vs, "catalog");
    CHECK_NEAR(pricing_volume_gib_hour(p, "", "us-central1", "pd.csi.storage.gke.io", "", &vs), 0.10 / 730, 1e-12);
    CHECK_NEAR(pricing_volume_gib_hour(p, "azure", "westeurope", "disk.csi.azure.com", "Premium_LRS", &vs),
               38.012142 / 256 / 730, 1e-9);
    CHECK_NEAR(pricing_volume_gib_hour(p, "aws", "us-east-1", "", "weird-type", &vs), 0.04 / 730, 1e-12);
    CHECK_STR(vs, "default");
    /* Load balancers and fees: NLB us-east-1 0.0225/h; EKS 0.10, AKS free tier 0, GKE 0.10. */
    CHECK_NEAR(pricing_lb_hourly(p, "aws", "us-east-1", &vs), 0.0225, 1e-12);
    const char *kind;
    CHECK_NEAR(pricing_cluster_fee(p, "aws", "us-east-1", &kind), 0.10, 1e-12);
    CHECK_STR(kind, "eks");
    CHECK_NEAR(pricing_cluster_fee(p, "azure", "eastus", &kind), 0.0, 1e-12);
    CHECK_NEAR(pricing_cluster_fee(p, "gcp", "us-central1", &kind), 0.10, 1e-12);
    CHECK_NEAR(pricing_cluster_fee(p, "onprem", "", &kind), 0.0, 1e-12);
    kt_egress e = pricing_egress(p, "c", "aws", "us-east-1");
    CHECK_NEAR(e.internet, 0.09, 1e-12);
    CHECK_NEAR(e.zone, 0.01, 1e-12);
    pricing_free(p);
}

/* OpenCost's rule (DESIGN.md) computed independently, to 1e-12. */
TEST(node_split_matches_opencost)
{
    kt_pricing *p = load(NULL, NULL);
    kt_node_desc d = {"c", "n", "aws", "us-east-1", "", "g4dn.xlarge", "", 0, 4, 16 * KT_GIB, 1};
    kt_price pp = pricing_node(p, &d);
    double rc = 0.031611 / 0.004237, rg = 0.95 / 0.004237;
    double ram = 0.526 / (1 * rg + 4 * rc + 16);
    CHECK(fabs(pp.ram - ram) <= 1e-12);
    CHECK(fabs(pp.cpu - ram * rc) <= 1e-12);
    CHECK(fabs(pp.gpu - ram * rg) <= 1e-12);
    CHECK(fabs(4 * pp.cpu + 16 * pp.ram + 1 * pp.gpu - 0.526) <= 1e-12);
    pricing_free(p);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

/* custom > price-list > catalog > spot-estimate > default, one step at a time. */
TEST(precedence)
{
    char dir[] = "/tmp/kt-prec-XXXXXX", path[256];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/aws.prices", dir);
    /* An imported list that knows m5.xlarge us-east-1 at 0.2 (no spot) and c5.large spot at 0.03. */
    write_file(path, "provider aws\ncurrency USD\nsource test\ndate 2026-01-01\n"
                     "node us-east-1 m5.xlarge 4 16 0 0.2 -\nnode us-east-1 c5.large 2 4 0 0.09 0.03\n");
    kt_pricing *cat = load(NULL, NULL), *list = load(NULL, dir), *all = load(FIX "sheet.csv", dir);
    kt_node_desc d = {"c", "other", "aws", "us-east-1", "", "m5.xlarge", "", 0, 4, 16 * KT_GIB, 0};
    CHECK_STR(pricing_node(cat, &d).source, "catalog");      /* 0.192 */
    CHECK_NEAR(pricing_node(list, &d).hourly, 0.2, 1e-12);   /* the list beats the catalog */
    CHECK_STR(pricing_node(list, &d).source, "price-list");
    CHECK_NEAR(pricing_node(all, &d).hourly, 0.15, 1e-12);   /* sheet row InstanceType m5.xlarge */
    CHECK_STR(pricing_node(all, &d).source, "custom");
    /* Spot: the list has no m5.xlarge spot price but the catalog has one (0.07104): catalog beats an estimate. */
    d.spot = 1;
    CHECK_NEAR(pricing_node(list, &d).hourly, 0.07104, 1e-12);
    CHECK_STR(pricing_node(list, &d).source, "catalog");
    /* c5.large spot from the list (0.03) beats the catalog's 0.0391. */
    d.instance_type = "c5.large", d.cores = 2, d.ram_bytes = 4 * KT_GIB;
    CHECK_NEAR(pricing_node(list, &d).hourly, 0.03, 1e-12);
    /* Azure spot: no spot anywhere → estimate; an unknown type → default. */
    kt_node_desc az = {"c", "a", "azure", "eastus", "", "Standard_D2s_v3", "", 1, 2, 8 * KT_GIB, 0};
    CHECK_STR(pricing_node(list, &az).source, "spot-estimate");
    az.instance_type = "Standard_Nope";
    CHECK_STR(pricing_node(list, &az).source, "default");
    /* Sheet rows by node name (regional beats global) and by provider ID. */
    kt_node_desc n = {"c", "node-special", "aws", "eu-west-1", "", "m5.xlarge", "", 0, 4, 16 * KT_GIB, 0};
    CHECK_NEAR(pricing_node(all, &n).hourly, 0.6, 1e-12);
    n.region = "us-east-1";
    CHECK_NEAR(pricing_node(all, &n).hourly, 0.5, 1e-12);
    n.name = "x", n.provider_id = "aws:///us-east-1a/i-0abc";
    CHECK_NEAR(pricing_node(all, &n).hourly, 0.25, 1e-12);
    const char *vs;
    kt_volume_desc v = {"c", "pvc-1", "fast-ssd", "aws", "us-east-1", "ebs.csi.aws.com", "gp3"};
    CHECK_NEAR(pricing_volume(all, &v, &vs), 0.0002, 1e-12);
    CHECK_STR(vs, "custom");
    pricing_free(cat), pricing_free(list), pricing_free(all);
    unlink(path);
    rmdir(dir);
}

TEST(rates_currency_discounts)
{
    kt_pricing *p = load(FIX "rates.json", NULL);
    CHECK(p != NULL);
    if (!p)
        return;
    CHECK_STR(pricing_currency(p), "EUR");
    /* On-prem: 8 cores × 0.02 + 32 GiB × 0.003 + 1 GPU × 0.5 = 0.16 + 0.096 + 0.5 = 0.756 EUR/h. */
    kt_node_desc d = {"dc", "r1", "onprem", "", "", "", "", 0, 8, 32 * KT_GIB, 1};
    kt_price pp = pricing_node(p, &d);
    CHECK_NEAR(pp.hourly, 0.756, 1e-12);
    CHECK_STR(pp.source, "custom");
    CHECK_STR(pp.currency, "EUR");
    /* Catalog node with discount 30% and negotiated 10%: 0.192 × 0.7 × 0.9 = 0.12096. */
    kt_node_desc a = {"prod", "n", "aws", "us-east-1", "", "m5.xlarge", "", 0, 4, 16 * KT_GIB, 0};
    CHECK_NEAR(pricing_node(p, &a).hourly, 0.12096, 1e-12);
    /* Spot nodes only get the negotiated discount: 0.07104 × 0.9 = 0.063936. */
    a.spot = 1;
    CHECK_NEAR(pricing_node(p, &a).hourly, 0.063936, 1e-12);
    /* Cluster big-deal: discount 50%, negotiated 0%: 0.192 × 0.5 = 0.096; fee tier extended 0.60. */
    a.spot = 0, a.cluster = "big-deal";
    CHECK_NEAR(pricing_node(p, &a).hourly, 0.096, 1e-12);
    const char *kind;
    CHECK_NEAR(pricing_cluster_fee_for(p, "big-deal", "aws", "us-east-1", &kind), 0.60, 1e-12);
    /* The split uses the sheet's ratios: r_cpu = 0.02/0.003, ram = 0.096/(4·r_cpu + 16). */
    kt_price bp = pricing_node(p, &a);
    double rc = 0.02 / 0.003, ram = 0.096 / (4 * rc + 16);
    CHECK(fabs(bp.ram - ram) <= 1e-12 && fabs(bp.cpu - ram * rc) <= 1e-12);
    CHECK_NEAR(pricing_egress(p, "prod", "aws", "us-east-1").internet, 0.05, 1e-12);
    pricing_free(p);
}

static int load_fails(const char *text, const char *want)
{
    char path[] = "/tmp/kt-sheet-XXXXXX";
    int fd = mkstemp(path);
    if (write(fd, text, strlen(text)) < 0) {}
    close(fd);
    kt_pricing_opts o = {path, "/nonexistent"};
    kt_pricing *p = NULL;
    kt_err err = {0};
    int rc = pricing_load(&o, &p, &err);
    unlink(path);
    if (rc == 0) {
        pricing_free(p);
        return 0;
    }
    if (!strstr(err.msg, want))
        fprintf(stderr, "error '%s' lacks '%s'\n", err.msg, want);
    return strstr(err.msg, want) != NULL;
}

/* Load sheet text with custom_load; rows in *c (custom_free it). */
static int sheet_text(const char *text, kt_custom *c, kt_err *err)
{
    char path[] = "/tmp/kt-sheet-XXXXXX";
    int fd = mkstemp(path);
    if (write(fd, text, strlen(text)) < 0) {}
    close(fd);
    int rc = custom_load(path, c, err);
    unlink(path);
    return rc;
}

/* Issue 17: a header of 32 or more fields segfaulted the old splitter.
 * With libcsv: 40 columns (8 known + 32 extra), a quoted field holding a
 * comma, a doubled quote and a newline, and CRLF line ends. */
TEST(wide_and_quoted_sheets)
{
    kt_buf t = {0};
    buf_puts(&t, "EndTimestamp,InstanceID,Region,AssetClass,InstanceIDField,InstanceType,MarketPriceHourly,Version");
    for (int i = 0; i < 32; i++)
        buf_printf(&t, ",extra%d", i);
    buf_puts(&t, "\r\n,\"node,\"\"a\"\"\nb\",,node,metadata.name,,0.25,");
    for (int i = 0; i < 32; i++)
        buf_puts(&t, ",x");
    buf_puts(&t, "\r\n");
    kt_custom c;
    kt_err err = {0};
    CHECK(sheet_text(t.data, &c, &err) == 0);
    CHECK(c.n_rows == 1);
    if (c.n_rows == 1) {
        CHECK_STR(c.rows[0].id, "node,\"a\"\nb");
        CHECK_NEAR(c.rows[0].hourly, 0.25, 1e-12);
        custom_free(&c);
    }
    buf_free(&t);
    /* the 33-field header of the report alone: a clear error, no crash */
    CHECK(load_fails("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z,aa,ab,ac,ad,ae,af,ag\n",
                     ":1: the header lacks column 'EndTimestamp'"));
    CHECK(load_fails("EndTimestamp,InstanceID,Region,AssetClass,InstanceIDField,InstanceType,MarketPriceHourly,Version\n"
                     "x,\"a,,node,metadata.name,,1,\n", "not CSV"));
    CHECK(load_fails("EndTimestamp,InstanceID,Region,AssetClass,InstanceIDField,InstanceType,MarketPriceHourly,Version\n"
                     "\n\nx,a,,node,metadata.name,,1\n", ":4: 7 fields, the header has 8"));
}

TEST(hostile_sheets)
{
    CHECK(load_fails("EndTimestamp,InstanceID,Region,AssetClass,InstanceIDField,InstanceType,Version\nx,a,,node,metadata.name,,\n",
                     "lacks column 'MarketPriceHourly'"));
    CHECK(load_fails("EndTimestamp,InstanceID,Region,AssetClass,InstanceIDField,InstanceType,MarketPriceHourly,Version\n"
                     "x,a,,node,metadata.name,,NaN,\n", "'NaN' is not a price"));
    CHECK(load_fails("EndTimestamp,InstanceID,Region,AssetClass,InstanceIDField,InstanceType,MarketPriceHourly,Version\n"
                     "x,a,,node,metadata.name,,-1,\n", "is not a price"));
    CHECK(load_fails("EndTimestamp,InstanceID,Region,AssetClass,InstanceIDField,InstanceType,MarketPriceHourly,Version\n"
                     "x,a,,node,metadata.name,,1e300,\n", "is not a price"));
    CHECK(load_fails("EndTimestamp,InstanceID,Region,AssetClass,InstanceIDField,InstanceType,MarketPriceHourly,Version\n"
                     "x,a,,node,metadata.name,0.1\n", ":2: 6 fields, the header has 8"));
    CHECK(load_fails("{\"CPU\": \"abc\"}", "key 'CPU' must be a price"));
    CHECK(load_fails("{\"CPU\": [1]}", "key 'CPU' must be a price"));
    CHECK(load_fails("{\"discount\": \"130%\"}", "key 'discount' must be a fraction"));
    CHECK(load_fails("{\"CPU\": 0.1", "expected near end of file")); /* truncated JSON, file:line named */
    /* pricing_reload keeps the previous pricing when the new sheet is broken. */
    kt_pricing *p = load(FIX "sheet.csv", NULL);
    kt_pricing_opts bad = {"/nonexistent/sheet.csv", NULL};
    kt_err err = {0};
    CHECK(pricing_reload(&p, &bad, &err) == -1);
    kt_node_desc d = {"c", "node-special", "aws", "us-east-1", "", "m5.xlarge", "", 0, 4, 16 * KT_GIB, 0};
    CHECK_NEAR(pricing_node(p, &d).hourly, 0.5, 1e-12);
    pricing_free(p);
}

/* OpenCost's own sample sheets parse (when ../shared is present). */
TEST(opencost_samples)
{
    const char *files[] = {"pricing_schema.csv", "pricing_schema_case.csv", "pricing_schema_pv.csv",
                           "pricing_schema_region.csv", "pricing_schema_mixed_gpu_ondemand.csv", "default.json",
                           "azure.json", "aws.json", "gcp.json"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[300];
        snprintf(path, sizeof path, "/work/shared/data/opencost/configs/%s", files[i]);
        if (access(path, R_OK))
            continue;
        kt_pricing *p = load(path, NULL);
        CHECK(p != NULL);
        if (i == 0 && p) {
            kt_node_desc d = {"c", "gke-standard-cluster-1-pool-1-91dc432d-cg69", "gcp", "us-central1", "",
                              "n1-standard-1", "", 0, 1, 3.75 * KT_GIB, 0};
            CHECK_NEAR(pricing_node(p, &d).hourly, 0.1337, 1e-12);
        }
        if (i == 5 && p) { /* default.json: on-prem 1 core + 1 GiB = 0.031611 + 0.004237 */
            kt_node_desc d = {"c", "n", "onprem", "", "", "", "", 0, 1, KT_GIB, 0};
            CHECK_NEAR(pricing_node(p, &d).hourly, 0.035848, 1e-12);
        }
        pricing_free(p);
    }
}

int main(void)
{
    RUN(published_prices);
    RUN(spot_and_unknown);
    RUN(node_split_matches_opencost);
    RUN(precedence);
    RUN(rates_currency_discounts);
    RUN(wide_and_quoted_sheets);
    RUN(hostile_sheets);
    RUN(opencost_samples);
    return check_done();
}

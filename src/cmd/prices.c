/* prices.c — `kubetally prices`: what every node costs per hour and where
 * the price comes from; one instance type without a cluster; importing the
 * clouds' price lists (docs/pricing.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "cmd/flags.h"
#include "engine/window.h"
#include "pricing/import.h"
#include "pricing/pricing.h"
#include "store/store.h"
#include "util/buf.h"

static const kt_flag flags[] = {
    {"--window", "window", 0, "-w"},
    {"--output", "output", 0, "-o"},
    {"--db", "db", 0, NULL},
    {"--pricing", "pricing", 0, NULL},
    {"--prices-dir", "prices_dir", 0, NULL},
    {"--unpriced", "unpriced", 1, NULL},
    {"--sources", "sources", 1, NULL},
    {"--provider", "provider", 0, NULL},
    {"--region", "region", 0, NULL},
    {"--instance-type", "instance_type", 0, NULL},
    {"--spot", "spot", 1, NULL},
    {NULL, NULL, 0, NULL},
};

static const kt_flag import_flags[] = {
    {"--refresh", "refresh", 1, NULL},
    {"--region", "region", 0, NULL},
    {"--prices-dir", "prices_dir", 0, NULL},
    {NULL, NULL, 0, NULL},
};

static void print_line(void *ctx, const char *text)
{
    (void)ctx;
    printf("%s\n", text);
}

static void json_price(kt_buf *b, const kt_price *p)
{
    buf_puts(b, "\"hourly\":");
    buf_printf(b, "%.10g", p->hourly);
    buf_printf(b, ",\"cpuHourly\":%.10g,\"ramGiBHourly\":%.10g,\"gpuHourly\":%.10g,\"source\":", p->cpu, p->ram,
               p->gpu);
    buf_json_str(b, p->source);
    buf_puts(b, ",\"currency\":");
    buf_json_str(b, p->currency);
}

static int one_type(kt_params *p, const kt_pricing *pr, int json, kt_err *err)
{
    const char *prov = params_get(p, "provider"), *region = params_get(p, "region"),
               *type = params_get(p, "instance_type");
    if (!prov || !region || !type)
        return kt_fail(err, KT_EINPUT, "pricing one instance type needs --provider, --region and --instance-type");
    int spot = cmd_parse_bool(params_get(p, "spot")) == 1 && params_get(p, "spot");
    kt_instance_price ip = pricing_instance(pr, prov, region, type, spot);
    kt_buf b = {0};
    if (json) {
        buf_puts(&b, "{\"provider\":");
        buf_json_str(&b, prov);
        buf_puts(&b, ",\"region\":");
        buf_json_str(&b, region);
        buf_puts(&b, ",\"instanceType\":");
        buf_json_str(&b, type);
        buf_puts(&b, ",");
        json_price(&b, &ip.price);
        buf_puts(&b, "}\n");
    } else {
        buf_printf(&b, "%s %s %s%s: %.6f %s/hour (source %s)\n", prov, region, type, spot ? " (spot)" : "",
                   ip.price.hourly, ip.price.currency, ip.price.source);
        if (ip.known)
            buf_printf(&b, "  %g vCPU, %g GiB, %g GPU: %.8f/core-h, %.8f/GiB-h, %.8f/GPU-h\n", ip.cores, ip.ram_gib,
                       ip.gpus, ip.price.cpu, ip.price.ram, ip.price.gpu);
        else
            buf_printf(&b, "  unknown instance type: no price in the catalog or an imported list; nodes of this "
                           "type get the default per-resource rates\n");
    }
    fwrite(b.data, 1, b.len, stdout);
    buf_free(&b);
    return 0;
}

/* Every node the store knows in the window, priced now. */
static int nodes(kt_params *p, const kt_pricing *pr, enum kt_output out, kt_err *err)
{
    kt_window w;
    const char *win = params_get(p, "window");
    if (window_parse(win ? win : "7d", (int64_t)time(NULL), &w, err))
        return -1;
    kt_store *s;
    if (store_open(params_get(p, "db"), KT_STORE_READONLY, &s, err))
        return -1;
    kt_ask ask = {.kind = KT_ASK_FACTS, .window = w};
    kt_answer a;
    int rc = engine_ask(s, &ask, 1, &cmd_limits, &a, err);
    store_close(s);
    if (rc)
        return -1;
    const kt_dataset *ds = a.replies[0].facts;
    int unpriced = cmd_parse_bool(params_get(p, "unpriced")) == 1 && params_get(p, "unpriced");
    kt_buf b = {0};
    if (out == KT_OUT_JSON)
        buf_puts(&b, "[");
    else if (out == KT_OUT_CSV)
        buf_puts(&b, "cluster,node,provider,region,instanceType,spot,hourly,cpuHourly,ramGiBHourly,gpuHourly,source,"
                     "currency\n");
    else
        buf_printf(&b, "%-16s %-28s %-6s %-16s %-18s %-4s %10s %10s %10s %8s  %s\n", "CLUSTER", "NODE", "CLOUD",
                   "REGION", "TYPE", "SPOT", "HOURLY", "CPU/CORE-H", "RAM/GIB-H", "GPU/H", "SOURCE");
    long shown = 0;
    for (size_t i = 0; i < ds->n_nodes; i++) {
        const ds_node *n = &ds->nodes[i];
#define STR(id) strtab_get(&ds->strs, (id))
        kt_node_desc d = {STR(ds->clusters[n->cluster].name), STR(n->name), STR(n->provider), STR(n->region),
                          STR(n->zone), STR(n->instance_type), STR(n->provider_id), n->spot, n->cpu_cores,
                          n->ram_bytes, n->gpus};
        kt_price pp = pricing_node(pr, &d);
        if (unpriced && strcmp(pp.source, "default"))
            continue;
        if (out == KT_OUT_JSON) {
            buf_puts(&b, shown ? ",\n{" : "\n{");
            const char *keys[] = {"cluster", "node", "provider", "region", "instanceType"};
            const char *vals[] = {d.cluster, d.name, d.provider, d.region, d.instance_type};
            for (int k = 0; k < 5; k++) {
                buf_json_str(&b, keys[k]);
                buf_putc(&b, ':');
                buf_json_str(&b, vals[k]);
                buf_putc(&b, ',');
            }
            buf_printf(&b, "\"spot\":%s,", d.spot ? "true" : "false");
            json_price(&b, &pp);
            buf_puts(&b, "}");
        } else if (out == KT_OUT_CSV) {
            buf_printf(&b, "%s,%s,%s,%s,%s,%d,%.10g,%.10g,%.10g,%.10g,%s,%s\n", d.cluster, d.name, d.provider,
                       d.region, d.instance_type, d.spot, pp.hourly, pp.cpu, pp.ram, pp.gpu, pp.source, pp.currency);
        } else {
            buf_printf(&b, "%-16s %-28s %-6s %-16s %-18s %-4s %10.5f %10.6f %10.6f %8.4f  %s\n", d.cluster, d.name,
                       d.provider, d.region, d.instance_type, d.spot ? "yes" : "", pp.hourly, pp.cpu, pp.ram, pp.gpu,
                       pp.source);
        }
#undef STR
        shown++;
    }
    if (out == KT_OUT_JSON)
        buf_puts(&b, shown ? "\n]\n" : "]\n");
    else if (out == KT_OUT_TABLE)
        buf_printf(&b, "%ld node%s%s; prices in %s\n", shown, shown == 1 ? "" : "s",
                   unpriced ? " priced only by default rates (unknown instance type or region)" : "",
                   pricing_currency(pr));
    fwrite(b.data, 1, b.len, stdout);
    buf_free(&b);
    engine_answer_free(&a);
    return 0;
}

static int import_cmd(int argc, char **argv)
{
    kt_params p;
    kt_err err = {0};
    const char *inputs[64], *regions[64];
    size_t n_in = 0, n_reg = 0;
    char *rest[64];
    int n_rest = 0;
    /* Positional PROVIDER and FILE|URL arguments, flags for the parser. */
    rest[n_rest++] = argv[0];
    const char *provider = NULL;
    for (int i = 1; i < argc && n_rest < 63; i++) {
        if (argv[i][0] == '-' && argv[i][1]) {
            rest[n_rest++] = argv[i];
            if (!strcmp(argv[i], "--region") || !strcmp(argv[i], "--prices-dir")) {
                if (i + 1 < argc && !strcmp(argv[i], "--region") && n_reg < 64)
                    regions[n_reg++] = argv[i + 1];
                if (i + 1 < argc)
                    rest[n_rest++] = argv[++i];
            }
        } else if (!provider)
            provider = argv[i];
        else if (n_in < 64)
            inputs[n_in++] = argv[i];
    }
    if (flags_parse(import_flags, n_rest, rest, &p, &err))
        return cmd_report("prices import", &err);
    if (p.help || !provider) {
        flags_usage("prices import aws|gcp|azure FILE|URL…",
                    "Import a cloud's public price list (AWS bulk offer JSON, GCP Cloud Billing Catalog skus JSON, "
                    "Azure Retail Prices JSON); --refresh downloads it.", import_flags);
        return p.help ? 0 : 2;
    }
    kt_import_opts o = {provider, inputs, n_in, params_get(&p, "prices_dir"),
                        params_get(&p, "refresh") && cmd_parse_bool(params_get(&p, "refresh")) == 1, regions, n_reg};
    kt_import_stats st;
    if (pricing_import(&o, &st, &err))
        return cmd_report("prices import", &err);
    printf("imported %s price list (%s, published %s): %ld instance types, %ld unit rates, %ld disk types, "
           "%ld load balancers, %ld fees from %ld page%s into %s\n",
           provider, st.currency, st.date[0] ? st.date : "unknown", st.nodes, st.units, st.disks, st.lbs, st.fees,
           st.pages, st.pages == 1 ? "" : "s", st.path);
    if (st.pending_page[0])
        printf("note: the last page names a next page; import every page together (or use --refresh)\n");
    return 0;
}

int cmd_prices(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "import"))
        return import_cmd(argc - 1, argv + 1);
    kt_params p;
    kt_err err = {0};
    enum kt_output out = KT_OUT_TABLE;
    if (flags_parse(flags, argc, argv, &p, &err))
        return cmd_report("prices", &err);
    if (p.help) {
        flags_usage("prices [import aws|gcp|azure FILE|URL…]",
                    "Every node's hourly price, its CPU/RAM/GPU split and its source (custom, price-list, catalog, "
                    "spot-estimate, default); --unpriced lists nodes on default rates; --provider/--region/"
                    "--instance-type [--spot] prices one type; --sources lists what is loaded.", flags);
        return 0;
    }
    const char *o = params_get(&p, "output");
    if (o && cmd_parse_output(o, &out)) {
        kt_fail(&err, KT_EINPUT, "-o: expected table, json or csv, got '%s'", o);
        return cmd_report("prices", &err);
    }
    kt_pricing_opts po = {params_get(&p, "pricing"), params_get(&p, "prices_dir")};
    kt_pricing *pr;
    if (pricing_load(&po, &pr, &err))
        return cmd_report("prices", &err);
    int rc;
    if (params_get(&p, "sources")) {
        pricing_describe(pr, print_line, NULL);
        rc = 0;
    } else if (params_get(&p, "instance_type") || params_get(&p, "provider"))
        rc = one_type(&p, pr, out == KT_OUT_JSON, &err);
    else
        rc = nodes(&p, pr, out, &err);
    pricing_free(pr);
    return rc ? cmd_report("prices", &err) : 0;
}

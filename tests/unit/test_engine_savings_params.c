/* test_engine_savings_params.c — the savings parameters (shared by the CLI
 * and the API): Kubecost's defaults, and hostile values refused with the
 * parameter's name, never a crash. */
#include "check.h"
#include "engine/savings_params.h"

#define NOW 1767225600

static int parse_rs(kv *q, kt_rs_params *p, kt_err *err)
{
    kt_window w;
    kt_filter *f;
    int rc = rs_params_parse(kv_get, q, NOW, &w, p, &f, err);
    filter_free(f);
    return rc;
}

TEST(defaults_are_kubecosts)
{
    kv q = {.n = 0};
    kt_rs_params p;
    kt_err err = {0};
    CHECK(parse_rs(&q, &p, &err) == 0);
    CHECK(p.algo_cpu == RS_MAX && p.algo_ram == RS_MAX);
    CHECK(p.target_cpu == 0.7 && p.target_ram == 0.7);
    CHECK(p.min_cpu_mcores == 10 && p.min_ram_bytes == 20971520);
    CHECK(p.sort_by == RS_SORT_SAVINGS && !p.ascending);
    kv q3 = {{"algorithmCPU", "algorithmRAM", "qCPU", "sortBy", "sortByOrder"},
             {"quantile", "quantileOfAverages", "0.9", "memoryLatest", "ascending"}, 5};
    CHECK(parse_rs(&q3, &p, &err) == 0);
    CHECK(p.algo_cpu == RS_QUANTILE && p.algo_ram == RS_QUANTILE_AVG && p.q_cpu == 0.9);
    CHECK(p.sort_by == RS_SORT_RAM_LATEST && p.ascending);
}

TEST(hostile_values_name_the_parameter)
{
    static const char *bad[][2] = {
        {"qCPU", "nan"}, {"qCPU", "inf"}, {"qCPU", "0"}, {"qCPU", "1.0000001"}, {"qRAM", "-0.5"},
        {"targetCPUUtilization", "1e400"}, {"targetRAMUtilization", ""}, {"targetRAMUtilization", "0.7x"},
        {"minRecCPUMillicores", "-1"}, {"minRecRAMBytes", "1e300"}, {"algorithmCPU", "MAX; DROP"},
        {"sortBy", "name"}, {"sortByOrder", "up"}, {"window", "999999d"}, {"filter", "namespace="},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        kv q = {{bad[i][0]}, {bad[i][1]}, 1};
        kt_rs_params p;
        kt_err err = {0};
        int rc = parse_rs(&q, &p, &err);
        if (!*bad[i][1]) { /* an empty value is "not given": the default */
            CHECK(rc == 0 && p.target_ram == 0.7);
            continue;
        }
        CHECK(rc == -1 && err.code == KT_EINPUT);
        if (rc == -1 && strncmp(err.msg, bad[i][0], strlen(bad[i][0]))) {
            fprintf(stderr, "%s=%s: %s\n", bad[i][0], bad[i][1], err.msg);
            CHECK(0);
        }
    }
}

TEST(cluster_params)
{
    kt_window w;
    kt_filter *f;
    kt_cs_params p;
    kt_err err = {0};
    kv q = {{"range", "profile"}, {"5d", "high availability"}, 2};
    CHECK(cs_params_parse(kv_get, &q, NOW, &w, &p, &f, &err) == 0);
    CHECK(p.target == 0.5 && p.min_nodes == 3 && w.end - w.start == 5 * 86400);
    filter_free(f);
    static const char *bad[][2] = {{"profile", "staging"}, {"minNodeCount", "0"}, {"minNodeCount", "2.5"},
                                   {"targetUtilization", "2"}, {"allowSharedCore", "yes"}, {"architecture", "riscv"}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        kv b = {{bad[i][0]}, {bad[i][1]}, 1};
        CHECK(cs_params_parse(kv_get, &b, NOW, &w, &p, &f, &err) == -1);
        CHECK(!strncmp(err.msg, bad[i][0], strlen(bad[i][0])));
    }
    kv d = {{"profile"}, {"development"}, 1};
    CHECK(cs_params_parse(kv_get, &d, NOW, &w, &p, &f, &err) == 0 && p.target == 0.8 && p.min_nodes == 1);
    filter_free(f);
}

int main(void)
{
    RUN(defaults_are_kubecosts);
    RUN(hostile_values_name_the_parameter);
    RUN(cluster_params);
    return check_done();
}

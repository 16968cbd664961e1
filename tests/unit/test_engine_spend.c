/* test_engine_spend.c — KT_ASK_SPEND: many filters in one pass give, for
 * each filter, the same total as an allocation question with that filter
 * (relative 1e-9), over a demo fleet; with days, the daily series sum to
 * the window's total and each filter gets a forecast. */
#include "check.h"
#include "demo_fixture.h"

#include <stdlib.h>
#include <unistd.h>

#include "demo/fleet.h"
#include "engine/engine.h"
#include "util/time.h"

static const int64_t NOW = 1767268800 + 13 * 3600 + 1200; /* 2026-01-01T13:20:00Z */
static char dir[] = "/tmp/kt-spend-XXXXXX", dbpath[300];
static const kt_engine_limits lim = {0};

static const char *const texts[] = {
    "",                                           /* everything */
    "namespace:\"payments-jobs\"",
    "cluster:\"aws-prod-us-east-1\"",
    "label[team]:\"payments\"",
    "namespace!:\"kube-system\"",
    "cluster:\"onprem-dc1\" + label[team]:\"ml\"",
    "(namespace:\"monitoring\" | namespace:\"kube-system\") + provider:\"gcp\"",
    "zone:\"us-east-1a\"",                        /* not on rows: one by one */
    "controllerKind:\"StatefulSet\"",
    "node<~:\"onprem\"",
};
#define NF (sizeof texts / sizeof *texts)

static double filtered_total(kt_store *s, kt_window w, const kt_filter *f)
{
    kt_ask a = {.kind = KT_ASK_ALLOCATION};
    alloc_query_init(&a.alloc);
    a.alloc.window = w, a.alloc.now = NOW, a.alloc.filter = f, a.alloc.include_idle = 0;
    kt_err err;
    CHECK(!aggregate_parse("cluster", &a.alloc.agg, &err));
    kt_answer ans;
    double t = 0;
    if (engine_ask(s, &a, 1, &lim, &ans, &err)) {
        fprintf(stderr, "ask: %s\n", err.msg);
        CHECK(0);
        return -1;
    }
    for (size_t i = 0; i < ans.replies[0].alloc.n; i++)
        for (size_t k = 0; k < ans.replies[0].alloc.sets[i].n; k++)
            t += alloc_total(&ans.replies[0].alloc.sets[i].items[k]);
    engine_answer_free(&ans);
    return t;
}

TEST(one_pass_equals_one_question_each)
{
    kt_store *s;
    kt_err err;
    CHECK(!store_open(dbpath, KT_STORE_READONLY, &s, &err));
    kt_filter *f[NF];
    for (size_t i = 0; i < NF; i++)
        CHECK(!filter_parse(texts[i], &f[i], &err));
    /* a budget's period so far (a window edge inside the hour), and whole days with a forecast */
    kt_window ws[2] = {{day_floor(NOW) - 3 * 86400, NOW}, {day_floor(NOW) - 3 * 86400, day_floor(NOW)}};
    for (int k = 0; k < 2; k++) {
        kt_ask a = {.kind = KT_ASK_SPEND, .filters = (const kt_filter *const *)f, .n_filters = NF, .days = k ? 5 : 0};
        alloc_query_init(&a.alloc);
        a.alloc.window = ws[k], a.alloc.now = NOW, a.alloc.include_idle = 0;
        kt_answer ans;
        CHECK(!engine_ask(s, &a, 1, &lim, &ans, &err));
        const kt_spend_result *r = &ans.replies[0].spend;
        CHECK(r->n == NF && !r->shared_pass); /* the zone filter is computed alone */
        for (size_t i = 0; i < NF; i++) {
            double want = filtered_total(s, ws[k], f[i]);
            CHECK_NEAR(r->total[i], want, 1e-9);
            if (i < 2)
                CHECK(r->total[i] > 1); /* not vacuous */
            if (k) {
                /* 3 whole days; the fleet began 4 days before NOW's hour, so the first is whole too */
                double sum = 0;
                for (size_t d = 0; d < r->forecast[i].n_actual; d++)
                    sum += r->forecast[i].actual[d];
                CHECK(r->forecast[i].n_actual <= 3 && r->forecast[i].n_points == 5);
                if (r->forecast[i].n_actual == 3)
                    CHECK_NEAR(sum, want, 1e-9);
            }
        }
        engine_answer_free(&ans);
    }
    for (size_t i = 0; i < NF; i++)
        filter_free(f[i]);
    store_close(s);
}

int main(void)
{
    kt_demo_opts o = {4, 150, 7, NOW, 1, NULL};
    if (demo_fixture(dir, dbpath, sizeof dbpath, &o))
        return 1;
    RUN(one_pass_equals_one_question_each);
    demo_fixture_remove(dir);
    return check_done();
}

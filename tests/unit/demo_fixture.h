/* demo_fixture.h — a demo fleet in a fresh temporary SQLite store, for
 * unit tests that check properties over it (test_store_demo,
 * test_engine_spend, test_store_cluster_day).
 *
 *   if (demo_fixture(dir, dbpath, sizeof dbpath, &opts)) return 1;
 *   ... RUN(...) ...
 *   demo_fixture_remove(dir);
 *
 * dir is a mkdtemp template ("/tmp/kt-…-XXXXXX"), filled in place; dbpath
 * receives "sqlite:DIR/demo.db". */
#ifndef KT_TEST_DEMO_FIXTURE_H
#define KT_TEST_DEMO_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "demo/fleet.h"
#include "store/store.h"

static int demo_fixture(char *dir, char *dbpath, size_t n, const kt_demo_opts *o)
{
    if (!mkdtemp(dir))
        return 1;
    snprintf(dbpath, n, "sqlite:%s/demo.db", dir);
    kt_store *s;
    kt_err err;
    kt_demo_stats st;
    if (store_open(dbpath, KT_STORE_CREATE, &s, &err) || demo_write(s, o, &st, &err)) {
        fprintf(stderr, "demo: %s\n", err.msg);
        return 1;
    }
    store_close(s);
    return 0;
}

static void demo_fixture_remove(const char *dir)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {
    }
}

#endif

/* engine.h — the one query entry point.  Every output (CLI, HTTP API,
 * dashboard, /metrics, reports) asks its questions here and only formats
 * the reply: the engine decides what to read from the store (daily
 * roll-ups, hourly rows, which window) and computes.
 *
 * A call takes several questions at once so a page that shows several
 * views of one window (the overview: assets by provider and by cluster,
 * allocations by cluster and namespace, the last 14 days) reads the store
 * once per distinct window.
 *
 * Limits bound what one question may cost (window length, steps,
 * containers × steps, rows); zero fields mean "no limit".  Breaking one is
 * an input error (KT_EINPUT) whose message names the parameter.
 *
 * Replies point into datasets the answer owns: free the answer, not the
 * replies. */
#ifndef KT_ENGINE_H
#define KT_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/allocation.h"
#include "engine/assets.h"
#include "engine/cloudcost.h"
#include "engine/savings.h"
#include "engine/forecast.h"
#include "engine/spend.h"
#include "engine/savings_cluster.h"
#include "store/store.h"

typedef struct kt_engine_limits {
    int64_t max_window_s; /* longest window */
    long max_steps;       /* window / step */
    double max_cells;     /* containers in the window × steps */
    size_t max_results;   /* rows per allocation set */
    size_t max_rows;      /* rows over all steps of one answer */
    size_t max_bytes;     /* estimated JSON of an allocation answer, refused before computing; 0 ⇒ none */
} kt_engine_limits;

/* Bytes of JSON one allocation row takes (measured: 21.9 MB for 13,652
 * rows of aggregate=pod,container on the demo fleet). */
#define KT_ALLOC_ROW_BYTES 1600

enum kt_ask_kind {
    KT_ASK_ALLOCATION, /* alloc → reply.alloc */
    KT_ASK_ASSETS,     /* window + aggregate → reply.assets */
    KT_ASK_FACTS,      /* the facts of window (hourly when asked) → reply.facts */
    KT_ASK_PROJECTION, /* spend of window (a month to date) projected to month_end → reply.projection */
    KT_ASK_CLOUDCOST,  /* the cloud bill over window + aggregate (cloudcost.h) → reply.cloud */
    KT_ASK_REQUEST_SIZING, /* window + requests → reply.requests (hourly rows where kept) */
    KT_ASK_SAVINGS,        /* window + savings → reply.savings: every kind, totals by kind, cluster, team */
    KT_ASK_FORECAST,   /* alloc (window = the history, whole UTC days; aggregate, filter, idle) + days
                        * → reply.forecast: daily spend per aggregate for the days after the window */
    KT_ASK_SPEND,      /* alloc (window, idle, sharing) + filters → reply.spend: each filter's total in one
                        * pass; with days > 0 also its daily series and forecast (spend.h) */
    KT_ASK_CLUSTER_SIZING, /* window + clusters → reply.clusters: right-sizing, or the comparison with `to` */
    KT_ASK_VOLUME_SIZING,  /* window + volumes → reply.volumes: PV right-sizing from the claims' used bytes */
    KT_ASK_ABANDONED       /* window + abandoned → reply.abandoned: abandoned workloads' pods */
};

typedef struct kt_ask {
    enum kt_ask_kind kind;
    kt_alloc_query alloc;  /* KT_ASK_ALLOCATION */
    kt_window window;      /* the other kinds */
    const char *aggregate; /* KT_ASK_ASSETS: NULL ⇒ one row per asset; KT_ASK_CLOUDCOST: cloudcost.h */
    const char *types;     /* KT_ASK_ASSETS: comma list of asset types to keep (Node, Disk, LoadBalancer,
                            * ClusterManagement, Network; any case); NULL or "" ⇒ all */
    int64_t month_end;     /* KT_ASK_PROJECTION */
    kt_rs_params requests; /* KT_ASK_REQUEST_SIZING */
    kt_savings_params savings; /* KT_ASK_SAVINGS */
    int days;              /* KT_ASK_FORECAST: days to predict (1–365); KT_ASK_SPEND: 0 or days to predict */
    const kt_filter *const *filters; /* KT_ASK_SPEND: n_filters filters (NULL entries match everything) */
    size_t n_filters;
    int backtest;          /* KT_ASK_FORECAST: also backtest every series (forecast_model.h) */
    int holdout;           /* KT_ASK_FORECAST: predict the window's last day instead of learning it (forecast.h) */
    kt_cs_params clusters;     /* KT_ASK_CLUSTER_SIZING */
    kt_pv_params volumes;      /* KT_ASK_VOLUME_SIZING */
    kt_ab_params abandoned;    /* KT_ASK_ABANDONED */
    int hourly;            /* read hourly rows even where daily roll-ups would do (FACTS; or to share
                            * one read with a stepped question of the same window) */
} kt_ask;

typedef struct kt_projection {
    double spent;              /* asset cost of the window */
    double projected;          /* spent + run rate × hours left after the newest data */
    int64_t data_start, data_end;
} kt_projection;

typedef struct kt_reply {
    enum kt_ask_kind kind;
    kt_alloc_result alloc;
    kt_asset_result assets;
    const kt_dataset *facts;
    kt_projection projection;
    kt_cloud_result cloud;
    kt_rs_result requests;
    kt_savings_result savings;
    kt_forecast_result forecast;
    kt_spend_result spend;
    kt_cs_result clusters;
    kt_pv_result volumes;
    kt_ab_result abandoned;
} kt_reply;

typedef struct kt_answer {
    kt_reply *replies;  /* one per question, in order */
    size_t n;
    kt_dataset **loads; /* owned */
    size_t n_loads;
} kt_answer;

int engine_ask(kt_store *s, const kt_ask *asks, size_t n, const kt_engine_limits *lim, kt_answer *out,
               kt_err *err);
void engine_answer_free(kt_answer *a);

/* Datasets kept across calls: a caller asking several times over the same
 * windows in one pass (serve's alert round: budgets, then rules) passes
 * one cache to each call, so each window is read once.  Answers then point
 * into the cache: free them before the cache. */
typedef struct kt_engine_cache kt_engine_cache;
kt_engine_cache *engine_cache_new(void);
void engine_cache_free(kt_engine_cache *c);
/* engine_ask with a cache (NULL ⇒ engine_ask). */
int engine_ask_cached(kt_store *s, const kt_ask *asks, size_t n, const kt_engine_limits *lim, kt_engine_cache *cache,
                      kt_answer *out, kt_err *err);

/* Check a window and step against the limits before anything is read
 * (containers = 0 skips the cells check). */
int engine_check_cost(const kt_engine_limits *lim, kt_window w, int64_t step, size_t containers, kt_err *err);

/* An upper bound of the rows an allocation answer of q over ds has, for
 * per-container and per-pod answers; 0 (unknown, not large) for coarser
 * aggregates.  Reads the facts once; computes nothing. */
size_t engine_estimate_rows(const kt_dataset *ds, const kt_alloc_query *q);

#endif

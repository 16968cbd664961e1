/* posture_feed.h — posture and health findings as plain data, for the alert
 * rules of type posture and health (rule.h).
 *
 * src/alerts may not include the posture checks (tests/layering.sh: alerts
 * read only the engine and the store), so whoever holds the posture
 * service — serve, through src/http/posture_feed.c — turns its latest audit
 * into a feed, and the alert runner asks for it once per round through a
 * kt_posture_feed_fn.  A feed is immutable once built and shared by
 * reference count: the service keeps its latest one, a round holds a
 * reference while it judges, and a refresh swaps a new one in.
 *
 * Items: one per finding identity (source, cluster, namespace, kind, name,
 * check) — a Polaris check failing in two containers of one workload is
 * one item.  severity 2 is danger (health: critical), 1 warning.  check is
 * the SARIF rule ID of `kubetally posture` (a Polaris check ID,
 * pss-baseline/<id>, pss-restricted/<id>, residency/<rule>,
 * resilience/<what>) or a health check name of `kubetally health`
 * (CrashLoopBackOff, NodeNotReady, …).  cluster is "" for a fleet-wide
 * finding.  Scores: one entry per cluster (posture: its Polaris score,
 * health: its health score; -1 when it has none) and one with cluster ""
 * for the fleet's Polaris score. */
#ifndef KT_ALERTS_POSTURE_FEED_H
#define KT_ALERTS_POSTURE_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/err.h"

typedef enum { KT_FEED_POSTURE, KT_FEED_HEALTH } kt_feed_source;

typedef struct kt_feed_item {
    kt_feed_source source;
    int severity;              /* 2 danger / critical, 1 warning */
    const char *cluster, *ns, *kind, *name, *check, *detail; /* one allocation, owned */
} kt_feed_item;

typedef struct kt_feed_score {
    char *cluster;             /* owned; "" = the fleet */
    int posture, health;       /* 0…100, -1 when none */
} kt_feed_score;

typedef struct kt_posture_feed {
    int refs;
    int64_t computed_at;       /* when the audit ran (unix seconds) */
    kt_feed_item *items;
    size_t n, cap;
    kt_feed_score *scores;
    size_t n_scores, cap_scores;
} kt_posture_feed;

/* A new feed holding one reference. */
kt_posture_feed *posture_feed_new(int64_t computed_at);
/* Append an item (every string copied; NULL reads as ""). */
void posture_feed_add(kt_posture_feed *f, kt_feed_source src, int severity, const char *cluster, const char *ns,
                      const char *kind, const char *name, const char *check, const char *detail);
void posture_feed_score(kt_posture_feed *f, const char *cluster, int posture, int health);
/* Take / drop a reference (thread-safe); the last drop frees it. */
kt_posture_feed *posture_feed_ref(kt_posture_feed *f);
void posture_feed_unref(kt_posture_feed *f);

/* Hand the latest feed to the alerts (a reference the caller drops): 0,
 * or -1 with err when there is none (not computed yet, or the first
 * refresh failed).  s is the round's store handle. */
typedef int (*kt_posture_feed_fn)(void *ud, kt_store *s, int64_t now, kt_posture_feed **out, kt_err *err);

#endif

/* client.h — the Prometheus (or Thanos, Mimir, VictoriaMetrics) HTTP API
 * client: many queries at once, bounded, retried, decoded.
 *
 * Contract:
 *  - opts.url is the API's base ("http://prometheus:9090", or a Thanos
 *    querier, or a prefix such as "https://mimir/prometheus"); requests go
 *    to URL/api/v1/query_range and URL/api/v1/query as form POSTs, so long
 *    PromQL never hits a URL-length limit.
 *  - opts.bearer_token_file, when set, is read once at prom_client_new and
 *    sent as "Authorization: Bearer …".  The token never appears in a
 *    message or a log line; errors name the file.
 *  - prom_run sends every request with at most opts.concurrency in flight.
 *    A transport failure (refused, reset, timed out) or an HTTP 429/5xx is
 *    retried opts.retries times with backoff (0.5 s, 1 s, 2 s, …); any other
 *    failure is final.  Each attempt is bounded by opts.timeout_s seconds and
 *    asks Prometheus for the same bound (its `timeout` parameter), and asks
 *    Thanos not to answer partially (partial_response=false).
 *  - An answer is read into memory up to opts.max_bytes; a larger one is
 *    a final failure ("answered … with more than N MiB") that is not retried.
 *  - On the first final failure prom_run stops, frees every result it
 *    decoded and returns one message naming the request ("container
 *    requests 2026-11-01T00:00:00Z…") and the cause.  On success every
 *    request's result is filled (see series.h) and the caller frees each.
 *  - Thread use: a client belongs to one thread at a time.  Inside prom_run
 *    two decoder threads parse answers while transfers continue (parsing
 *    is most of an import's CPU); they are joined before prom_run returns. */
#ifndef KT_PROM_CLIENT_H
#define KT_PROM_CLIENT_H

#include <stdint.h>

#include "prom/series.h"
#include "util/err.h"

typedef struct kt_prom_client_opts {
    const char *url;
    const char *bearer_token_file; /* NULL ⇒ no Authorization header */
    int timeout_s;                 /* per attempt; 0 ⇒ 120 */
    int retries;                   /* extra attempts after a retryable failure; <0 ⇒ 3 */
    int concurrency;               /* requests in flight; 0 ⇒ 4 */
    size_t max_series;             /* per answer; 0 ⇒ no limit */
    int allow_partial;             /* accept answers with warnings */
    size_t max_bytes;              /* per answer, decompressed; 0 ⇒ PROM_MAX_ANSWER */
} kt_prom_client_opts;

/* An answer larger than this (after gzip) is a final error naming the
 * request, never a reason to grow memory without bound. */
#define PROM_MAX_ANSWER ((size_t)256 << 20)

typedef struct kt_prom_client kt_prom_client;

/* An http(s) URL without user:password@ (refused: messages and logs name
 * the URL); the error never repeats the credentials. */
int prom_url_check(const char *url, kt_err *err);

int prom_client_new(const kt_prom_client_opts *o, kt_prom_client **out, kt_err *err);
void prom_client_free(kt_prom_client *c);
/* The base URL, for messages. */
const char *prom_client_url(const kt_prom_client *c);

typedef struct kt_prom_request {
    const char *what;         /* short name for messages: "container requests" */
    char *promql;             /* owned by the caller */
    int64_t start, end, step; /* range query; step 0 ⇒ instant query at `end` */
    kt_prom_result result;    /* filled by prom_run */
} kt_prom_request;

int prom_run(kt_prom_client *c, kt_prom_request *reqs, size_t n, kt_err *err);

#endif

/* test_posture_live.c — reading a cluster on demand (posture/live.h)
 * from a small API server run here on loopback (libmicrohttpd, plain HTTP):
 * paginated lists, resources the server does not serve, /version, and the
 * health of what was read.  Counts are those of the canned answers below. */
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "engine/window.h"
#include "kube/kubeconfig.h"
#include "posture/health.h"
#include "posture/jx.h"
#include "posture/live.h"

static int requests;

/* Nodes come in two pages (continue token "p2"); pods in one; /version
 * says v1.33.2; every other list is "not served" (404). */
static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **state)
{
    const char *cont = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "continue");
    const char *body = NULL;
    requests++;
    if (!strcmp(url, "/api/v1/nodes") && !cont)
        body = "{\"kind\":\"NodeList\",\"apiVersion\":\"v1\",\"metadata\":{\"continue\":\"p2\"},\"items\":["
               "{\"metadata\":{\"name\":\"a\"},\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}],"
               "\"nodeInfo\":{\"kubeletVersion\":\"v1.37.0\"}}}]}";
    else if (!strcmp(url, "/api/v1/nodes") && !strcmp(cont, "p2"))
        body = "{\"kind\":\"NodeList\",\"apiVersion\":\"v1\",\"metadata\":{},\"items\":["
               "{\"metadata\":{\"name\":\"b\"},\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\"}],"
               "\"nodeInfo\":{\"kubeletVersion\":\"v1.37.0\"}}}]}";
    else if (!strcmp(url, "/api/v1/pods"))
        body = "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{},\"items\":["
               "{\"metadata\":{\"name\":\"p\",\"namespace\":\"x\"},\"spec\":{\"containers\":[{\"name\":\"c\"}]},"
               "\"status\":{\"phase\":\"Running\"}}]}";
    else if (!strcmp(url, "/version"))
        body = "{\"major\":\"1\",\"minor\":\"33\",\"gitVersion\":\"v1.33.2\"}";
    struct MHD_Response *r = MHD_create_response_from_buffer(body ? strlen(body) : 0, (void *)(body ? body : ""),
                                                             MHD_RESPMEM_PERSISTENT);
    enum MHD_Result rc = MHD_queue_response(c, body ? MHD_HTTP_OK : MHD_HTTP_NOT_FOUND, r);
    MHD_destroy_response(r);
    return rc;
}

TEST(live_fetch_and_health)
{
    struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, answer, NULL,
                                            MHD_OPTION_END);
    CHECK(d != NULL);
    if (!d)
        return;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char server[64];
    snprintf(server, sizeof server, "http://127.0.0.1:%u", info ? info->port : 0);
    kt_kube_target t;
    memset(&t, 0, sizeof t);
    t.name = "fake";
    t.server = server;
    kt_manifest m = {0};
    kt_err err = {0};
    CHECK(live_fetch(&t, 1, 10, &m, &err) == 0);
    /* 2 nodes (two pages) + 1 pod + the ServerVersion = 4 objects, all under
     * one cluster name and one shared file pointer */
    CHECK(m.n == 4);
    for (size_t i = 0; i < m.n; i++)
        CHECK(!strcmp(m.o[i].file, "fake") && m.o[i].file == m.o[0].file);
    CHECK(m.n == 4 && !strcmp(jx_str(m.o[3].obj, "kind"), "ServerVersion"));
    const char *cl[4];
    CHECK(manifest_clusters(&m, cl, 4) == 1 && !strcmp(cl[0], "fake"));   /* three pages, one cluster */
    CHECK(m.n >= 2 && !strcmp(jx_str(m.o[1].obj, "kind"), "Node"));   /* kind filled in from NodeList */
    /* 21 lists (nodes twice) + /version = 23 requests */
    CHECK(requests == 23);
    /* Health at 2026-11-29: node b NotReady (1 of 2 → 15); the pod is fine;
     * the API server's 1.33 ended 2026-06-28 (−10): 100 − 15 − 10 = 75.
     * Skew 1.37 − 1.33 = 4 > 3 is reported, not scored. */
    kt_health_opts o = {0, 0, 0, 0, NULL};
    CHECK(time_parse_rfc3339("2026-11-29T12:00:00Z", &o.now) == 0);
    kt_health h;
    health_check(&m, &o, &h);
    CHECK(h.score == 75 && h.bad_nodes == 1 && h.eol == 1);
    health_free(&h);
    manifest_free(&m);
    MHD_stop_daemon(d);
}

int main(void)
{
    RUN(live_fetch_and_health);
    return check_done();
}

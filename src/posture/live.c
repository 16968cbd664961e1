/* live.c — list a cluster's objects for posture and health; see live.h. */
#include "posture/live.h"

#include <assert.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube/stream.h"
#include "posture/jx.h"
#include "util/buf.h"
#include "util/log.h"

static const char *const lists[] = {
    "/api/v1/nodes", "/api/v1/namespaces", "/api/v1/pods", "/api/v1/persistentvolumes",
    "/api/v1/persistentvolumeclaims", "/api/v1/serviceaccounts", "/api/v1/configmaps",
    "/apis/apps/v1/deployments", "/apis/apps/v1/statefulsets", "/apis/apps/v1/daemonsets",
    "/apis/apps/v1/replicasets", "/apis/batch/v1/jobs", "/apis/batch/v1/cronjobs",
    "/apis/policy/v1/poddisruptionbudgets", "/apis/autoscaling/v2/horizontalpodautoscalers",
    "/apis/networking.k8s.io/v1/networkpolicies", "/apis/networking.k8s.io/v1/ingresses",
    "/apis/rbac.authorization.k8s.io/v1/roles", "/apis/rbac.authorization.k8s.io/v1/clusterroles",
    "/apis/rbac.authorization.k8s.io/v1/rolebindings", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
};

/* GET path into body; returns the HTTP status, or -1 with err. */
static long get(kt_kube_target *t, const char *path, int timeout_s, kt_buf *body, kt_err *err)
{
    struct curl_slist *headers = NULL;
    buf_reset(body);
    CURL *h = kube_request(t, path, kube_write_buf, body, &headers, timeout_s, 10, err);
    if (!h)
        return -1;
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(h);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK)
        return kt_fail(err, KT_ERUNTIME, "cluster %s: GET %s: %s", t->name, path, curl_easy_strerror(rc));
    return status;
}

/* Objects from before on came from cluster t: give them one shared name
 * (*file), so every page and list of a cluster counts as one cluster. */
static void same_cluster(kt_manifest *m, size_t before, const char **file)
{
    for (size_t k = before; k < m->n; k++) {
        if (!*file)
            *file = m->o[k].file;
        m->o[k].file = *file;
    }
}

static int fetch_list(kt_kube_target *t, const char *path, int page_size, int timeout_s, kt_manifest *m, kt_buf *body,
                      const char **file, kt_err *err)
{
    char *cont = NULL;
    int rc = 0;
    do {
        kt_buf url = {0};
        buf_printf(&url, "%s?limit=%d", path, page_size);
        if (cont) {
            char *esc = curl_easy_escape(NULL, cont, 0);
            buf_printf(&url, "&continue=%s", esc);
            curl_free(esc);
        }
        long status = get(t, url.data, timeout_s, body, err);
        buf_free(&url);
        free(cont);
        cont = NULL;
        if (status < 0) {
            rc = -1;
            break;
        }
        if (status == 404 || status == 403) {
            log_warn("cluster %s: %s: HTTP %ld, skipped (%s)", t->name, path, status,
                     status == 403 ? "not allowed: see deploy/ RBAC" : "not served");
            break;
        }
        if (status != 200) {
            rc = kt_fail(err, KT_ERUNTIME, "cluster %s: GET %s: HTTP %ld", t->name, path, status);
            break;
        }
        size_t before = m->n;
        json_error_t je;
        json_t *page = json_loadb(body->data ? body->data : "", body->len, 0, &je);
        if (!page) {
            rc = kt_fail(err, KT_ERUNTIME, "cluster %s: GET %s: not JSON (%s)", t->name, path, je.text);
            break;
        }
        const char *c = jx_str(jx_get(page, "metadata"), "continue");
        if (c && *c)
            cont = strdup(c);
        rc = manifest_load_json(m, t->name, page, err);
        json_decref(page);
        if (rc) {
            rc = kt_wrap(err, "cluster %s: ", t->name);
            break;
        }
        same_cluster(m, before, file);
    } while (cont);
    free(cont);
    return rc;
}

/* Lists from index `first` on, then /version; *file as same_cluster. */
static int fetch_from(kt_kube_target *t, size_t first, int page_size, int timeout_s, kt_manifest *m, const char **file,
                      kt_err *err)
{
    if (page_size <= 0) page_size = 500;
    if (timeout_s <= 0) timeout_s = 60;
    kt_buf body = {0};
    int rc = 0;
    for (size_t i = first; i < sizeof lists / sizeof *lists && !rc; i++)
        rc = fetch_list(t, lists[i], page_size, timeout_s, m, &body, file, err);
    if (!rc) {
        long status = get(t, "/version", timeout_s, &body, err);
        json_t *v = status == 200 ? json_loadb(body.data, body.len, 0, NULL) : NULL;
        if (json_is_object(v)) {
            json_object_set_new(v, "kind", json_string("ServerVersion"));
            json_object_set_new(v, "metadata", json_pack("{s:s}", "name", t->name));
            char *text = json_dumps(v, JSON_COMPACT);
            size_t before = m->n;
            rc = manifest_load_text(m, t->name, text, strlen(text), err);
            if (!rc)
                same_cluster(m, before, file);
            free(text);
        } else if (status < 0) {
            rc = -1;
        }
        json_decref(v);
    }
    buf_free(&body);
    return rc;
}

int live_fetch(kt_kube_target *t, int page_size, int timeout_s, kt_manifest *m, kt_err *err)
{
    assert(t && m);
    const char *file = NULL;
    return fetch_from(t, 0, page_size, timeout_s, m, &file, err);
}

int live_fetch_kept(kt_kube_target *t, json_t *const kept[LIVE_KEPT], int page_size, int timeout_s, kt_manifest *m,
                    kt_err *err)
{
    assert(t && kept && m);
    const char *file = NULL;
    for (size_t i = 0; i < LIVE_KEPT; i++) {
        size_t before = m->n;
        if (manifest_load_json(m, t->name, kept[i], err))
            return kt_wrap(err, "cluster %s: ", t->name);
        same_cluster(m, before, &file);
    }
    return fetch_from(t, LIVE_KEPT, page_size, timeout_s, m, &file, err);
}

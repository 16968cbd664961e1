/* live.c — list a cluster's objects for posture and health; see live.h. */
#include "posture/live.h"

#include <assert.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube/decode.h"
#include "kube/stream.h"
#include "posture/jx.h"
#include "util/buf.h"
#include "util/log.h"

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

/* The /version object v (borrowed; NULL: none) as an object of kind
 * "ServerVersion" named for the cluster. */
static int load_version(kt_kube_target *t, json_t *v, kt_manifest *m, const char **file, kt_err *err)
{
    if (!json_is_object(v))
        return 0;
    json_t *o = json_deep_copy(v);
    json_object_set_new(o, "kind", json_string("ServerVersion"));
    json_object_set_new(o, "metadata", json_pack("{s:s}", "name", t->name));
    char *text = json_dumps(o, JSON_COMPACT);
    size_t before = m->n;
    int rc = manifest_load_text(m, t->name, text, strlen(text), err);
    if (!rc)
        same_cluster(m, before, file);
    free(text);
    json_decref(o);
    return rc;
}

int live_fetch(kt_kube_target *t, int page_size, int timeout_s, kt_manifest *m, kt_err *err)
{
    assert(t && m);
    const char *file = NULL;
    if (page_size <= 0) page_size = 500;
    if (timeout_s <= 0) timeout_s = 60;
    kt_buf body = {0};
    int rc = 0;
    for (size_t i = 0; i < KT_POSTURE_KINDS && !rc; i++)
        rc = fetch_list(t, kube_kind_path(kube_posture_kinds[i]), page_size, timeout_s, m, &body, &file, err);
    if (!rc) {
        long status = get(t, "/version", timeout_s, &body, err);
        json_t *v = status == 200 ? json_loadb(body.data, body.len, 0, NULL) : NULL;
        rc = status < 0 ? -1 : load_version(t, v, m, &file, err);
        json_decref(v);
    }
    buf_free(&body);
    return rc;
}

int live_fetch_kept(kt_kube_target *t, json_t *const kept[KT_POSTURE_PARTS], kt_manifest *m, kt_err *err)
{
    assert(t && kept && m);
    const char *file = NULL;
    for (size_t i = 0; i < KT_POSTURE_KINDS; i++) {
        size_t before = m->n;
        if (manifest_load_json(m, t->name, kept[i], err))
            return kt_wrap(err, "cluster %s: ", t->name);
        same_cluster(m, before, &file);
    }
    return load_version(t, kept[KT_POSTURE_KINDS], m, &file, err);
}

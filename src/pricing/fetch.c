/* fetch.c — download a price list; see import.h. */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "pricing/import.h"

/* The URL without the value of a key= parameter (a GCP API key). */
static void redact(const char *url, char *out, size_t n)
{
    snprintf(out, n, "%s", url);
    char *k = strstr(out, "key=");
    if (k && (k == out || k[-1] == '?' || k[-1] == '&')) {
        char *end = strchr(k, '&');
        char rest[2048];
        snprintf(rest, sizeof rest, "%s", end ? end : "");
        snprintf(k + 4, n - (size_t)(k + 4 - out), "REDACTED%s", rest);
    }
}

int pricing_fetch(const char *url, FILE **out, kt_err *err)
{
    char shown[2048];
    redact(url, shown, sizeof shown);
    FILE *f = tmpfile();
    CURL *c = curl_easy_init();
    if (!f || !c) {
        if (f) fclose(f);
        if (c) curl_easy_cleanup(c);
        return kt_fail(err, KT_ERUNTIME, "cannot download %s: out of resources", shown);
    }
    char msg[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, msg);
    curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,file");
#endif
    CURLcode rc = curl_easy_perform(c);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK) {
        fclose(f);
        return kt_fail(err, KT_ERUNTIME,
                       "cannot download %s: %s (no network? download the file elsewhere and run "
                       "`kubetally prices import PROVIDER FILE`)", shown, msg[0] ? msg : curl_easy_strerror(rc));
    }
    rewind(f);
    *out = f;
    return 0;
}

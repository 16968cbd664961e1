/* receiver.c — sending one notification body to one receiver; see receiver.h. */
#include "alerts/receiver.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

void receiver_sign(const unsigned char *key, size_t key_len, const char *body, size_t len, char out[65])
{
    assert(key && body && out);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)body, len, mac, &n);
    for (unsigned i = 0; i < n && i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", mac[i]);
    out[64] = 0;
}

/* Answers are read and dropped: only the status matters, and a receiver's
 * answer must not end up in our logs. */
static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p, (void)ud;
    return size * n;
}

int receiver_send(const kt_receiver *r, const char *body, const char *delivery_id, kt_err *err)
{
    assert(r && body);
    const char *what = r->kind == KT_RECV_ALERTMANAGER ? "alertmanager" : r->kind == KT_RECV_CHAT ? "chat webhook"
                                                                                                : "webhook";
    char url[1100], hdr[128], sig[65];
    snprintf(url, sizeof url, "%s%s", r->url, r->kind == KT_RECV_ALERTMANAGER ? "/api/v2/alerts" : "");
    CURL *c = curl_easy_init();
    if (!c)
        return kt_fail(err, KT_ERUNTIME, "%s %s: cannot start an HTTP client", what, r->name);
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    if (r->kind == KT_RECV_WEBHOOK) {
        if (r->secret_len) {
            receiver_sign(r->secret, r->secret_len, body, strlen(body), sig);
            snprintf(hdr, sizeof hdr, "X-Kubetally-Signature: sha256=%s", sig);
            h = curl_slist_append(h, hdr);
        }
        if (delivery_id) {
            snprintf(hdr, sizeof hdr, "X-Kubetally-Delivery: %s", delivery_id);
            h = curl_slist_append(h, hdr);
        }
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 15L); /* a slow receiver is a failed attempt, retried later */
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    OPENSSL_cleanse(hdr, sizeof hdr);
    if (rc != CURLE_OK) /* curl_easy_strerror names the failure, never the URL */
        return kt_fail(err, KT_ERUNTIME, "%s %s: %s", what, r->name, curl_easy_strerror(rc));
    if (status < 200 || status > 299)
        return kt_fail(err, KT_ERUNTIME, "%s %s: HTTP %ld", what, r->name, status);
    return 0;
}

typedef struct upload {
    const char *p;
    size_t left;
} upload;

static size_t feed(char *dst, size_t size, size_t n, void *ud)
{
    upload *u = ud;
    size_t k = size * n < u->left ? size * n : u->left;
    memcpy(dst, u->p, k);
    u->p += k, u->left -= k;
    return k;
}

int receiver_send_mail(const kt_receiver *r, const char *to, const char *message, kt_err *err)
{
    assert(r && r->kind == KT_RECV_EMAIL && to && message);
    CURL *c = curl_easy_init();
    if (!c)
        return kt_fail(err, KT_ERUNTIME, "email %s: cannot start an SMTP client", r->name);
    char addr[300], pass[257];
    snprintf(addr, sizeof addr, "<%s>", r->from);
    struct curl_slist *rcpt = curl_slist_append(NULL, to);
    upload u = {message, strlen(message)};
    curl_easy_setopt(c, CURLOPT_URL, r->url);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, addr);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, feed);
    curl_easy_setopt(c, CURLOPT_READDATA, &u);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    /* smtp:// must upgrade with STARTTLS unless told otherwise; smtps:// is TLS from the start */
    curl_easy_setopt(c, CURLOPT_USE_SSL, r->tls == KT_TLS_NONE ? (long)CURLUSESSL_NONE : (long)CURLUSESSL_ALL);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (r->username[0]) {
        curl_easy_setopt(c, CURLOPT_USERNAME, r->username);
        memcpy(pass, r->secret, r->secret_len);
        pass[r->secret_len] = 0;
        curl_easy_setopt(c, CURLOPT_PASSWORD, pass);
    }
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    OPENSSL_cleanse(pass, sizeof pass);
    if (rc != CURLE_OK)
        return kt_fail(err, KT_ERUNTIME, "email %s: %s", r->name, curl_easy_strerror(rc));
    return 0;
}

int receiver_read_secret(const char *path, kt_receiver *r, kt_err *err)
{
    assert(path && r);
    FILE *f = fopen(path, "rb");
    if (!f)
        return kt_fail(err, KT_EINPUT, "secretFile %s: %s", path, strerror(errno));
    size_t n = fread(r->secret, 1, sizeof r->secret, f);
    int more = fgetc(f) != EOF;
    fclose(f);
    while (n && (r->secret[n - 1] == '\n' || r->secret[n - 1] == '\r'))
        n--;
    if (!n || more) {
        OPENSSL_cleanse(r->secret, sizeof r->secret);
        return kt_fail(err, KT_EINPUT, "secretFile %s: expected 1 to 256 bytes", path);
    }
    r->secret_len = n;
    return 0;
}

int receiver_secret_env(const char *var, kt_receiver *r, kt_err *err)
{
    assert(var && r);
    const char *v = getenv(var);
    size_t n = v ? strlen(v) : 0;
    if (!n || n > sizeof r->secret)
        return kt_fail(err, KT_EINPUT, "secretEnv %.64s: expected a variable holding 1 to 256 bytes", var);
    memcpy(r->secret, v, n);
    r->secret_len = n;
    return 0;
}

int receiver_url_env(const char *var, kt_receiver *r, kt_err *err)
{
    assert(var && r);
    const char *v = getenv(var);
    if (!v || strlen(v) >= sizeof r->url)
        return kt_fail(err, KT_EINPUT, "urlEnv %.64s: expected a variable holding the URL", var);
    snprintf(r->url, sizeof r->url, "%s", v);
    return 0;
}

void receiver_wipe(kt_receiver *r)
{
    OPENSSL_cleanse(r->secret, sizeof r->secret);
    OPENSSL_cleanse(r->url, sizeof r->url);
    r->secret_len = 0;
}

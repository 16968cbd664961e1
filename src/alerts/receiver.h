/* receiver.h — where notifications go, and how one is sent.
 *
 * Four kinds so far:
 *  - alertmanager: Prometheus Alertmanager's v2 API.  The body is the
 *    notification's JSON array of alerts (notify.h), POSTed to
 *    URL/api/v2/alerts; Alertmanager deduplicates by labels, so sending the
 *    same alert twice shows it once.
 *  - webhook: the notification's JSON object POSTed to URL with
 *      X-Kubetally-Signature: sha256=HEX(HMAC-SHA256(secret, body))
 *      X-Kubetally-Delivery: the outbox id (a receiver deduplicates on it)
 *    when a secret file is given.
 *  - chat: Slack's and Teams' incoming webhooks, from a budget action's
 *    slackWebhooks and msTeamsWebhooks: {"text": "[FIRING] Budget …"}.
 *  - email: SMTP through libcurl (smtp:// with STARTTLS required unless
 *    tls: none; smtps://), optional username and passwordFile, to each
 *    address of a budget action's emails.
 *
 * Secrets (the HMAC key; URLs, which for chat webhooks hold tokens) are
 * never put in an error message, a log line or an answer: errors name the
 * receiver ("webhook finops: HTTP 500"). */
#ifndef KT_ALERTS_RECEIVER_H
#define KT_ALERTS_RECEIVER_H

#include <stddef.h>

#include "util/err.h"

/* KT_RECV_CHAT: a Slack- or Microsoft-Teams-compatible incoming webhook
 * (a budget action's slackWebhooks / msTeamsWebhooks): {"text": "…"}. */
enum kt_receiver_kind { KT_RECV_ALERTMANAGER, KT_RECV_WEBHOOK, KT_RECV_CHAT, KT_RECV_EMAIL };
enum kt_mail_tls { KT_TLS_REQUIRED, KT_TLS_NONE }; /* smtp:// with STARTTLS required, or plain (tests) */

#define KT_MAX_RECEIVERS 8

typedef struct kt_receiver {
    char name[64];
    enum kt_receiver_kind kind;
    char url[1024];
    unsigned char secret[256]; /* HMAC key (secretFile) or SMTP password (passwordFile); 0 ⇒ none */
    size_t secret_len;
    char from[256], username[128]; /* email */
    enum kt_mail_tls tls;
} kt_receiver;

/* HMAC-SHA256 of body under key, as 64 lower-case hex digits + NUL. */
void receiver_sign(const unsigned char *key, size_t key_len, const char *body, size_t len, char out[65]);
/* POST body (JSON) to the receiver; 0 on a 2xx answer.  delivery_id goes
 * in X-Kubetally-Delivery for webhooks. */
int receiver_send(const kt_receiver *r, const char *body, const char *delivery_id, kt_err *err);
/* Send one mail (a whole RFC 5322 message, CRLF lines) to `to` through
 * an email receiver; 0 when the server accepted it. */
int receiver_send_mail(const kt_receiver *r, const char *to, const char *message, kt_err *err);
/* Read a secret file (trailing newline dropped; 1–256 bytes).  The message
 * names the file, never what is in it. */
int receiver_read_secret(const char *path, kt_receiver *r, kt_err *err);
/* The same from an environment variable (secretEnv, passwordEnv); the
 * message names the variable, never its value. */
int receiver_secret_env(const char *var, kt_receiver *r, kt_err *err);
/* A receiver's URL from an environment variable (urlEnv: a URL holding a token). */
int receiver_url_env(const char *var, kt_receiver *r, kt_err *err);
/* Wipe secrets before the memory is given back. */
void receiver_wipe(kt_receiver *r);

#endif

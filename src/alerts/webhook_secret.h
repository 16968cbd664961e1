/* webhook_secret.h — chat webhook URLs are secrets: a Slack or Microsoft
 * Teams incoming-webhook URL carries its token in the path, so anyone who
 * reads it can post to the channel.  Budgets' actions (slackWebhooks,
 * msTeamsWebhooks) and alert rules (slackWebhookUrl, msTeamsWebhookUrl) keep
 * them in the store, but every answer shows them hidden, and a client that
 * sends a hidden form back (Kubecost's UI edits a budget by posting what GET
 * /budgets gave it) keeps the stored URL instead of overwriting it.
 *
 * The hidden form is scheme://host/hidden (any user:password@ dropped), so a
 * reader still sees which service a budget posts to. */
#ifndef KT_ALERTS_WEBHOOK_SECRET_H
#define KT_ALERTS_WEBHOOK_SECRET_H

#include <jansson.h>
#include <stddef.h>

/* The hidden form of url into out (always terminated). */
void webhook_hidden(const char *url, char *out, size_t n);

/* In place: every webhook URL in a budget or rule object (top-level
 * slackWebhookUrl / msTeamsWebhookUrl, and each actions[] element's
 * slackWebhooks / msTeamsWebhooks) replaced by its hidden form. */
void webhooks_hide(json_t *obj);

/* In place, for an update: each webhook URL in `incoming` that is the hidden
 * form of a URL `stored` has in the same field becomes that stored URL. */
void webhooks_keep(json_t *incoming, const json_t *stored);

#endif

/*
 * Mail: the one module that sends messages (A3 codes, decisions, N3).
 *
 * Every message is first queued as a file in the Maildir outbox/ beside
 * the store (tmp/ then renamed into new/).  Without IPP_SMTP_URL that is
 * where it stays: the demo and the tests read codes from there.  With
 * IPP_SMTP_URL (smtp:// or smtps://, user and password in the URL if
 * needed) each queued message is delivered through libcurl's SMTP and
 * moved to outbox/cur/; TLS is required except to a loopback address.
 * libcurl is loaded with dlopen only when a delivery happens, so commands
 * that send no mail never pay for its start-up.
 *
 * Header values come from users: any CR or LF in them is refused.
 */
#ifndef IPP_MAIL_H
#define IPP_MAIL_H

#include "store.h"

/*
 * Queues one plain-text message (UTF-8) from the mail_from setting to
 * `to`, and delivers the queue when IPP_SMTP_URL is set.  A failed
 * delivery leaves the message queued (a later send retries it) and
 * returns IPP_ENET.
 */
int ipp_mail_send(struct ipp_store *s, const char *to, const char *subject,
    const char *body, char **errp);

/* Delivers whatever is queued in outbox/new when IPP_SMTP_URL is set. */
int ipp_mail_flush(struct ipp_store *s, char **errp);

/* Unloads libcurl if it was loaded. */
void ipp_mail_cleanup(void);

#endif

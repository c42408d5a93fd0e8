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
 *
 * Queued files carry CRLF line ends; From: and To: are read back from them
 * at delivery.  Deliveries are serialised by a lock on outbox/, so
 * concurrent senders never deliver one message twice.  A message the
 * server refuses outright (5xx) stays in new/ and does not hold back the
 * ones after it; any other failure stops the run.
 */
#ifndef IPP_MAIL_H
#define IPP_MAIL_H

#include "store.h"

/*
 * Queues one plain-text message (UTF-8) from the mail_from setting to
 * `to`, and delivers the queue when IPP_SMTP_URL is set.  A CR or LF in
 * `to` or `subject`, or a `to` that is not one address, is IPP_EINPUT and
 * queues nothing.  A non-ASCII subject is sent as RFC 2047 encoded-words;
 * a body with a line over 998 octets goes as base64.  A failed delivery
 * of this message leaves it queued (a later send retries it) and returns
 * IPP_ENET; an older queued message that fails does not fail this call.
 */
int ipp_mail_send(struct ipp_store *s, const char *to, const char *subject,
    const char *body, char **errp);

/*
 * Delivers whatever is queued in outbox/new, oldest first, when
 * IPP_SMTP_URL is set (else does nothing); IPP_ENET when any message
 * could not be delivered.
 */
int ipp_mail_flush(struct ipp_store *s, char **errp);

/*
 * Whether delivery through url needs TLS: 1 for smtps://, and for smtp://
 * to any host but a loopback one (127.0.0.0/8, ::1, localhost); 0 for
 * smtp:// to loopback.  Any other scheme, or no URL, is IPP_EUSAGE.
 * Error text never repeats the URL, which may hold a password.  Loads
 * libcurl for its URL parser.  Exposed for the unit tests.
 */
int ipp_mail_tls_required(const char *url, char **errp);

/* Unloads libcurl if it was loaded. */
void ipp_mail_cleanup(void);

#endif

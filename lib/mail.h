/*
 * Mail: the one module that sends messages (A3 codes, decisions, N3).
 *
 * Sending is two steps (N3).  ipp_mail_send queues a message as a row of
 * the store's mail table, in the caller's write transaction: it commits
 * or rolls back with the change that causes it, so it is never lost and
 * never sent for a change that did not happen.  After commit,
 * ipp_mail_deliver (called by every command in cmd/common.c once the
 * command has run) delivers the queue; what a crash or a failed delivery
 * leaves queued goes out with the next command that sends mail, or with
 * ipp_mail_flush (`ipp-register mail --deliver`, for cron).
 *
 * Delivery writes each message into the Maildir outbox/ beside the store,
 * tmp/ID then renamed to new/ID, ID being the message's message_id; a run
 * that finds new/ID or cur/ID:2,S there already (an earlier run died
 * after writing it) does not write it again, so the outbox holds each
 * message exactly once.  Without IPP_SMTP_URL that is where it stays:
 * the demo and the tests read codes from there.  With IPP_SMTP_URL
 * (smtp:// or smtps://, user and password in the URL if needed) the
 * message then goes through libcurl's SMTP and moves to cur/ID:2,S; TLS
 * is required except to a loopback address.  A crash between the
 * server's acceptance and the store's mark sends it again at the next
 * run, with the same bytes and the same Message-ID (<ID@sender domain>):
 * over SMTP at least once.  A delivered message is marked in the store
 * and its text there is emptied (the outbox keeps it; a code must not
 * stay in the store, A3).  Deliveries hold an exclusive lock on outbox/,
 * so concurrent processes never file or send one message twice.  A
 * message the server refuses outright (5xx) stays queued and does not
 * hold back the ones after it; any other failure stops the run.
 * libcurl is loaded with dlopen only when a delivery needs it.
 *
 * Header values come from users: any CR or LF in them is refused.
 */
#ifndef IPP_MAIL_H
#define IPP_MAIL_H

#include "store.h"

struct ipp_tsv_writer;

/*
 * Queues one plain-text message (UTF-8) from the mail_from setting to
 * `to`: call it inside the write transaction of the change that causes
 * it.  A CR or LF in `to` or `subject`, or a `to` that is not one
 * address, is IPP_EINPUT and queues nothing.  A non-ASCII subject is sent
 * as RFC 2047 encoded-words; a body with a line over 998 octets goes as
 * base64.  Delivers nothing: see ipp_mail_deliver.
 */
int ipp_mail_send(struct ipp_store *s, const char *to, const char *subject,
    const char *body, char **errp);

/*
 * After commit, outside any transaction: when this process queued mail
 * since the last call, delivers the whole queue, oldest first.  IPP_ENET
 * (IPP_EUSAGE for a bad IPP_SMTP_URL) when a message this process queued
 * is still queued afterwards; an older message that fails again does not
 * fail this call.  Does nothing when this process queued nothing.
 */
int ipp_mail_deliver(struct ipp_store *s, char **errp);

/*
 * Delivers the whole queue, oldest first, outside any transaction: for
 * cron.  IPP_ENET when any message could not be delivered (it stays
 * queued), IPP_EUSAGE for a bad IPP_SMTP_URL.
 */
int ipp_mail_flush(struct ipp_store *s, char **errp);

/*
 * Writes the queued (not yet delivered) messages as TSV rows, by mail_id:
 * mail_id message_id recipient subject queued_at tries last_error.
 * *count gets the number of rows.
 */
int ipp_mail_queue(struct ipp_store *s, struct ipp_tsv_writer *w,
    long *count, char **errp);

/*
 * Whether delivery through url needs TLS: 1 for smtps://, and for smtp://
 * to any host but a loopback one (127.0.0.0/8, ::1, localhost); 0 for
 * smtp:// to loopback.  Any other scheme, or no URL, is IPP_EUSAGE.
 * Error text never repeats the URL, which may hold a password.  Loads
 * libcurl for its URL parser.  Exposed for the unit tests.
 */
int ipp_mail_tls_required(const char *url, char **errp);

/* Forgets what this process queued; unloads libcurl if it was loaded. */
void ipp_mail_cleanup(void);

#endif

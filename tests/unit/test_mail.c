/*
 * The mail module: the queue in the store and its transactions (N3), the
 * Maildir outbox written once per message, header injection (issue 2),
 * RFC 2047 subjects, delivery to tests/helpers/smtpsink on 127.0.0.1
 * (path from IPP_HELPERS), failures that keep the message queued, a
 * stable Message-ID across retries, and the TLS rule.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <dirent.h>
#include <ftw.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "curl_dl.h"
#include "err.h"
#include "mail.h"
#include "settings.h"
#include "store.h"
#include "tsv.h"
#include "fixtures.h"
#include "banned.h"

#define MAX_FILES 16

struct fixture {
	char		 dir[64];	/* mkdtemp'd, removed afterwards */
	struct ipp_store *s;
	char		*err;
	pid_t		 sink;		/* smtpsink while running, else 0 */
};

static int
remove_one(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	return remove(path);
}

static int
setup(void **state)
{
	struct fixture *f;
	char *db;

	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/ipp-test-mail-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	db = ipp_strdup_printf("%s/ipp.db", f->dir);
	assert_int_equal(ipp_store_open(&f->s, db, IPP_STORE_CREATE, &f->err),
	    IPP_OK);
	free(db);
	unsetenv("IPP_SMTP_URL");
	unsetenv("IPP_CA_BUNDLE");
	setenv("IPP_NOW", "2026-01-31T09:00:00Z", 1);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	/* A failed test may leave the sink waiting for mail. */
	if (f->sink > 0) {
		kill(f->sink, SIGTERM);
		waitpid(f->sink, NULL, 0);
	}
	ipp_store_close(f->s);
	nftw(f->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f->err);
	free(f);
	unsetenv("IPP_SMTP_URL");
	unsetenv("IPP_NOW");
	ipp_mail_cleanup();
	return 0;
}

static char *
path(const struct fixture *f, const char *sub)
{
	char *p = ipp_strdup_printf("%s/%s", f->dir, sub);

	assert_non_null(p);
	return p;
}

/* Sorted names in dir that do not start with '.'; a missing dir has none. */
static int
list(const char *dir, char *names[MAX_FILES])
{
	struct dirent **ents;
	int n, i, k = 0;

	if ((n = scandir(dir, &ents, NULL, alphasort)) < 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.' && k < MAX_FILES)
			names[k++] = strdup(ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	return k;
}

static void
free_names(char *names[], int n)
{
	while (n-- > 0)
		free(names[n]);
}

static int
count(const struct fixture *f, const char *sub)
{
	char *names[MAX_FILES], *dir = path(f, sub);
	int n = list(dir, names);

	free_names(names, n);
	free(dir);
	return n;
}

static char *
slurp(const char *file, size_t *lenp)
{
	FILE *fp;
	char *buf;
	long len;

	fp = fopen(file, "rb");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	len = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, fp), (size_t)len);
	buf[len] = '\0';
	fclose(fp);
	if (lenp != NULL)
		*lenp = (size_t)len;
	return buf;
}

/* The i-th (sorted) file of outbox/SUB. */
static char *
queued(const struct fixture *f, const char *sub, int i)
{
	char *names[MAX_FILES], *dir = path(f, sub), *file, *text;
	int n = list(dir, names);

	assert_true(i < n);
	file = ipp_strdup_printf("%s/%s", dir, names[i]);
	text = slurp(file, NULL);
	free(file);
	free(dir);
	free_names(names, n);
	return text;
}

/* Queues one message and delivers it (to the outbox without a URL). */
static int
send_now(struct fixture *f, const char *to, const char *subject,
    const char *body)
{
	int rc;

	if ((rc = ipp_mail_send(f->s, to, subject, body, &f->err)) != IPP_OK)
		return rc;
	return ipp_mail_deliver(f->s, &f->err);
}

static int64_t
queued_rows(const struct fixture *f)
{
	return fx_query_int(f->s,
	    "SELECT count(*) FROM mail WHERE delivered_at IS NULL");
}

/* Every line of the file ends in CRLF. */
static void
assert_crlf(const char *text)
{
	const char *p;

	for (p = text; *p != '\0'; p++)
		if (*p == '\n')
			assert_true(p > text && p[-1] == '\r');
	assert_true(*text != '\0' && p[-1] == '\n');
}

static void
assert_mode(const struct fixture *f, const char *sub, mode_t mode)
{
	struct stat sb;
	char *p = path(f, sub);

	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, mode);
	free(p);
}

static void
test_queue_headers_and_body(void **state)
{
	struct fixture *f = *state;
	char *m, *m2, *id, *names[MAX_FILES], *file, *dir;
	int n;

	assert_int_equal(ipp_mail_send(f->s, "alice@example.org", "Your code",
	    "Hello\nCode: 123456\n\nBye", &f->err), IPP_OK);
	/* Queued in the store; nothing in the outbox before delivery. */
	assert_int_equal(queued_rows(f), 1);
	assert_int_equal(count(f, "outbox/new"), 0);
	assert_int_equal(ipp_mail_deliver(f->s, &f->err), IPP_OK);
	assert_int_equal(queued_rows(f), 0);
	assert_int_equal(count(f, "outbox/new"), 1);
	assert_int_equal(count(f, "outbox/tmp"), 0);
	assert_int_equal(count(f, "outbox/cur"), 0);
	assert_mode(f, "outbox", 0700);
	assert_mode(f, "outbox/tmp", 0700);
	assert_mode(f, "outbox/new", 0700);
	assert_mode(f, "outbox/cur", 0700);

	m = queued(f, "outbox/new", 0);
	assert_crlf(m);
	assert_non_null(strstr(m, "From: ipp@localhost\r\n"
	    "To: alice@example.org\r\nSubject: Your code\r\n"
	    "Date: Sat, 31 Jan 2026 09:00:00 +0000\r\nMessage-ID: <"));
	assert_non_null(strstr(m, "\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n"
	    "Hello\r\nCode: 123456\r\n\r\nBye\r\n"));
	assert_int_equal(strlen(strstr(m, "\r\n\r\nHello")),
	    strlen("\r\n\r\nHello\r\nCode: 123456\r\n\r\nBye\r\n"));
	id = strstr(m, "Message-ID: <") + strlen("Message-ID: <");
	assert_int_equal(strspn(id, "0123456789abcdef"), 64);
	assert_memory_equal(id + 64, "@localhost>\r\n", 13);

	/* The file is the user's only (0600), named by the message's id. */
	dir = path(f, "outbox/new");
	n = list(dir, names);
	free(dir);
	assert_int_equal(n, 1);
	file = ipp_strdup_printf("outbox/new/%s", names[0]);
	assert_mode(f, file, 0600);
	assert_int_equal(strlen(names[0]), 64);
	assert_memory_equal(names[0], id, 64);
	free(file);
	free_names(names, n);

	/* Delivered: marked, its text gone from the store (A3). */
	assert_int_equal(fx_query_int(f->s, "SELECT count(*) FROM mail"
	    " WHERE delivered_at = '2026-01-31T09:00:00Z' AND message IS NULL"
	    " AND tries = 1 AND recipient = 'alice@example.org'"), 1);

	/* A second message: another file, another Message-ID. */
	assert_int_equal(send_now(f, "bob@example.org", "Other", ""), IPP_OK);
	assert_int_equal(count(f, "outbox/new"), 2);
	m2 = queued(f, "outbox/new", 0);
	if (strstr(m2, "To: bob@") == NULL) {
		free(m2);
		m2 = queued(f, "outbox/new", 1);
	}
	assert_non_null(strstr(m2, "To: bob@example.org\r\n"));
	assert_memory_not_equal(strstr(m2, "Message-ID: <"), id - 13, 77);
	free(m);
	free(m2);
}

static void
test_mail_from_setting(void **state)
{
	struct fixture *f = *state;
	char *m;

	assert_int_equal(ipp_settings_set(f->s, "mail_from",
	    "IPP Desk <desk@ipp.example>", &f->err), IPP_OK);
	assert_int_equal(send_now(f, "alice@example.org", "Hi", "x\n"),
	    IPP_OK);
	m = queued(f, "outbox/new", 0);
	assert_non_null(strstr(m, "From: IPP Desk <desk@ipp.example>\r\n"));
	assert_non_null(strstr(m, "@ipp.example>\r\nMIME-Version"));
	free(m);

	/* A sender that is no address queues nothing. */
	assert_int_equal(ipp_settings_set(f->s, "mail_from", "nobody",
	    &f->err), IPP_OK);
	assert_int_equal(ipp_mail_send(f->s, "alice@example.org", "Hi", "x\n",
	    &f->err), IPP_EINPUT);
	assert_non_null(strstr(f->err, "'mail_from'"));
	assert_int_equal(ipp_mail_flush(f->s, &f->err), IPP_OK);
	assert_int_equal(count(f, "outbox/new"), 1);
	assert_int_equal(fx_query_int(f->s, "SELECT count(*) FROM mail"), 1);
}

static void
test_header_injection_refused(void **state)
{
	static const char *const subjects[] = { "hi\r\nBcc: eve@example.org",
	    "hi\nBcc: eve@example.org", "hi\r", "\n" };
	static const char *const tos[] = {
	    "alice@example.org\r\nBcc: eve@x.org", "alice@example.org\n",
	    "\ralice@example.org" };
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++) {
		assert_int_equal(ipp_mail_send(f->s, "alice@example.org",
		    subjects[i], "body\n", &f->err), IPP_EINPUT);
		assert_non_null(strstr(f->err, "header 'Subject'"));
		assert_non_null(strstr(f->err, "CR or LF"));
	}
	for (i = 0; i < sizeof(tos) / sizeof(tos[0]); i++) {
		assert_int_equal(ipp_mail_send(f->s, tos[i], "Hi", "body\n",
		    &f->err), IPP_EINPUT);
		assert_non_null(strstr(f->err, "header 'To'"));
	}
	assert_int_equal(fx_query_int(f->s, "SELECT count(*) FROM mail"), 0);
	assert_int_equal(ipp_mail_flush(f->s, &f->err), IPP_OK);
	assert_int_equal(count(f, "outbox/new"), 0);
	assert_int_equal(count(f, "outbox/tmp"), 0);
}

static void
test_malformed_recipient_refused(void **state)
{
	static const char *const bad[] = { "", "alice", "a@b@c.org",
	    "al ice@example.org", "@example.org", "alice@", "alice@ex\tample",
	    "<alice@example.org>", "alice@example.org,eve@example.org" };
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ipp_mail_send(f->s, bad[i], "Hi", "body\n",
		    &f->err), IPP_EINPUT);
		assert_non_null(strstr(f->err, "'To'"));
	}
	assert_int_equal(fx_query_int(f->s, "SELECT count(*) FROM mail"), 0);
}

/* Decodes the Subject: header's encoded-words, checking their shape. */
static char *
decode_subject(const char *m)
{
	const char *p = strstr(m, "\r\nSubject:") + 2, *eol, *w, *end;
	unsigned char out[1024];
	size_t len = 0, n;
	char *text;

	for (;;) {
		eol = strstr(p, "\r\n");
		assert_true(eol - p <= 78);
		w = strstr(p, "=?UTF-8?B?");
		assert_true(w != NULL && w < eol);
		end = strstr(w, "?=");
		assert_true(end + 2 == eol);
		assert_true(end + 2 - w <= 75);
		assert_int_equal(sodium_base642bin(out + len, sizeof(out) - len,
		    w + 10, (size_t)(end - w - 10), NULL, &n, NULL,
		    sodium_base64_VARIANT_ORIGINAL), 0);
		/* Each word starts on a character, not inside one. */
		assert_true(n > 0 && (out[len] & 0xc0) != 0x80);
		len += n;
		if (eol[2] != ' ')
			break;
		p = eol + 2;
	}
	text = malloc(len + 1);
	assert_non_null(text);
	memcpy(text, out, len);
	text[len] = '\0';
	return text;
}

static void
test_non_ascii_subject_encoded(void **state)
{
	static const char short_subject[] = "Ihr Best\xc3\xa4tigungscode";
	struct fixture *f = *state;
	char long_subject[200], *m, *s;
	size_t i;

	assert_int_equal(send_now(f, "alice@example.org", short_subject,
	    "x\n"), IPP_OK);
	m = queued(f, "outbox/new", 0);
	assert_non_null(strstr(m, "\r\nSubject: =?UTF-8?B?"));
	assert_null(strstr(m, "Best\xc3\xa4tigung"));
	s = decode_subject(m);
	assert_string_equal(s, short_subject);
	free(s);
	free(m);

	/* 60 three-byte characters: several words, none splits one. */
	for (i = 0; i < 60; i++)
		memcpy(long_subject + 3 * i, "\xe7\xa2\xba", 3);
	long_subject[180] = '\0';
	assert_int_equal(send_now(f, "bob@example.org", long_subject, "x\n"),
	    IPP_OK);
	m = queued(f, "outbox/new", 0);
	if (strstr(m, "To: bob@") == NULL) {
		free(m);
		m = queued(f, "outbox/new", 1);
	}
	s = decode_subject(m);
	assert_string_equal(s, long_subject);
	free(s);
	free(m);
}

static void
test_long_line_goes_base64(void **state)
{
	struct fixture *f = *state;
	char body[2002], *m, *p, *b64, *q;
	unsigned char out[4096];
	size_t n;

	memset(body, 'a', 2000);
	body[2000] = '\n';
	body[2001] = '\0';
	assert_int_equal(send_now(f, "alice@example.org", "Long", body),
	    IPP_OK);
	m = queued(f, "outbox/new", 0);
	assert_crlf(m);
	assert_non_null(strstr(m, "Content-Transfer-Encoding: base64\r\n"));
	p = strstr(m, "\r\n\r\n") + 4;
	/* Strip the line breaks, decode, compare. */
	b64 = strdup(p);
	assert_non_null(b64);
	for (p = q = b64; *p != '\0'; p++) {
		if (*p != '\r' && *p != '\n')
			*q++ = *p;
		else if (*p == '\n')
			assert_true(p - b64 > 0);
	}
	*q = '\0';
	assert_int_equal(sodium_base642bin(out, sizeof(out), b64, strlen(b64),
	    NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(n, 2002);
	assert_memory_equal(out, body, 2000);
	assert_memory_equal(out + 2000, "\r\n", 2);
	free(b64);
	free(m);
}

static void
test_no_libcurl_without_url(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(send_now(f, "alice@example.org", "Hi", "x\n"),
	    IPP_OK);
	assert_int_equal(ipp_mail_flush(f->s, &f->err), IPP_OK);
	assert_false(ipp_curl_loaded());
	assert_int_equal(count(f, "outbox/new"), 1);
}

/* Starts smtpsink; returns its pid and port. */
static pid_t
start_sink(struct fixture *f, const char *helpers, int want,
    int *port)
{
	char *bin, *portfile, *sinkdir, nbuf[16];
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	FILE *fp;
	pid_t pid;
	int i;

	bin = ipp_strdup_printf("%s/smtpsink", helpers);
	portfile = path(f, "sink.port");
	sinkdir = path(f, "sink");
	assert_int_equal(mkdir(sinkdir, 0700), 0);
	snprintf(nbuf, sizeof(nbuf), "%d", want);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl(bin, "smtpsink", "-p", portfile, "-d", sinkdir,
		    "-n", nbuf, "-t", "20", (char *)NULL);
		_exit(127);
	}
	f->sink = pid;
	for (i = 0; i < 500 && (fp = fopen(portfile, "r")) == NULL; i++)
		nanosleep(&pause, NULL);
	assert_non_null(fp);
	assert_int_equal(fscanf(fp, "%d", port), 1);
	fclose(fp);
	free(bin);
	free(portfile);
	free(sinkdir);
	return pid;
}

static void
test_delivery_to_smtpsink(void **state)
{
	struct fixture *f = *state;
	const char *helpers = getenv("IPP_HELPERS");
	char *url, *names[MAX_FILES], *got, *sent, *cur;
	int port, status, n, i;
	pid_t pid;

	if (helpers == NULL || *helpers == '\0') {
		print_message("skipped: IPP_HELPERS is not set "
		    "(the directory holding smtpsink)\n");
		skip();
	}
	pid = start_sink(f, helpers, 2, &port);

	/* Two queued; both go with the delivery, oldest first. */
	assert_int_equal(ipp_mail_send(f->s, "first@example.org", "One",
	    "line\n.leading dot\n..two dots\n.\nend\n", &f->err), IPP_OK);
	url = ipp_strdup_printf("smtp://127.0.0.1:%d", port);
	setenv("IPP_SMTP_URL", url, 1);
	free(url);
	assert_int_equal(ipp_mail_send(f->s, "second@example.org", "Two",
	    "second\n", &f->err), IPP_OK);
	assert_int_equal(count(f, "outbox/cur"), 0);
	assert_int_equal(ipp_mail_deliver(f->s, &f->err), IPP_OK);
	assert_int_equal(queued_rows(f), 0);
	assert_int_equal(count(f, "outbox/new"), 0);
	assert_int_equal(count(f, "outbox/cur"), 2);
	assert_true(ipp_curl_loaded());

	assert_int_equal(waitpid(pid, &status, 0), pid);
	f->sink = 0;
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	/* Oldest first; envelope from the headers; bytes unchanged. */
	cur = path(f, "outbox/cur");
	n = list(cur, names);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++)
		assert_string_equal(names[i] + 64, ":2,S");
	free_names(names, n);
	free(cur);
	got = queued(f, "sink", 0);
	assert_non_null(strstr(got, "X-Envelope-From: ipp@localhost\r\n"
	    "X-Envelope-To: first@example.org\r\nFrom: ipp@localhost\r\n"));
	assert_non_null(strstr(got, "\r\n\r\nline\r\n.leading dot\r\n"
	    "..two dots\r\n.\r\nend\r\n"));
	sent = queued(f, "outbox/cur", 0);
	if (strstr(sent, "To: first@") == NULL) {
		free(sent);
		sent = queued(f, "outbox/cur", 1);
	}
	assert_string_equal(strstr(got, "\r\nFrom:") + 2, sent);
	free(sent);
	free(got);
	got = queued(f, "sink", 1);
	assert_non_null(strstr(got, "X-Envelope-To: second@example.org\r\n"));
	assert_non_null(strstr(got, "\r\n\r\nsecond\r\n"));
	free(got);

	/* Nothing left to deliver. */
	assert_int_equal(ipp_mail_flush(f->s, &f->err), IPP_OK);
}

/* A message the server refuses (5xx) does not hold back the next one. */
static void
test_refused_message_does_not_block(void **state)
{
	struct fixture *f = *state;
	const char *helpers = getenv("IPP_HELPERS");
	char *url, *got;
	int port, status;
	pid_t pid;

	if (helpers == NULL || *helpers == '\0') {
		print_message("skipped: IPP_HELPERS is not set "
		    "(the directory holding smtpsink)\n");
		skip();
	}
	pid = start_sink(f, helpers, 1, &port);
	assert_int_equal(ipp_mail_send(f->s, "refused@example.org", "One",
	    "x\n", &f->err), IPP_OK);
	url = ipp_strdup_printf("smtp://localhost:%d", port);
	setenv("IPP_SMTP_URL", url, 1);
	free(url);
	assert_int_equal(ipp_mail_flush(f->s, &f->err), IPP_ENET);
	assert_non_null(strstr(f->err, "to 'refused@example.org'"));
	assert_non_null(strstr(f->err, "550"));
	assert_int_equal(count(f, "outbox/new"), 1);
	assert_int_equal(queued_rows(f), 1);

	/* The next send succeeds; the refused one stays queued. */
	assert_int_equal(send_now(f, "bob@example.org", "Two", "y\n"),
	    IPP_OK);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	f->sink = 0;
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(count(f, "sink"), 1);
	got = queued(f, "sink", 0);
	assert_non_null(strstr(got, "X-Envelope-To: bob@example.org\r\n"));
	free(got);
	assert_int_equal(count(f, "outbox/cur"), 1);
	got = queued(f, "outbox/new", 0);
	assert_non_null(strstr(got, "To: refused@example.org\r\n"));
	free(got);
}

/* Senders in parallel: every message delivered once, none twice. */
static void
test_concurrent_senders(void **state)
{
	struct fixture *f = *state;
	const char *helpers = getenv("IPP_HELPERS");
	struct ipp_store *s;
	char *url, *db, *names[MAX_FILES], *sinkdir, *file, *m, *ids[8];
	pid_t pid, kids[4];
	int port, status, i, j, n, rc;

	if (helpers == NULL || *helpers == '\0') {
		print_message("skipped: IPP_HELPERS is not set "
		    "(the directory holding smtpsink)\n");
		skip();
	}
	pid = start_sink(f, helpers, 8, &port);
	url = ipp_strdup_printf("smtp://127.0.0.1:%d", port);
	setenv("IPP_SMTP_URL", url, 1);
	free(url);
	db = path(f, "ipp.db");
	for (i = 0; i < 4; i++) {
		kids[i] = fork();
		assert_true(kids[i] >= 0);
		if (kids[i] != 0)
			continue;
		rc = ipp_store_open(&s, db, 0, NULL);
		for (j = 0; rc == IPP_OK && j < 2; j++) {
			url = ipp_strdup_printf("k%dm%d@example.org", i, j);
			rc = ipp_mail_send(s, url, "Hi", "x\n", NULL);
			free(url);
			if (rc == IPP_OK)
				rc = ipp_mail_deliver(s, NULL);
		}
		_exit(rc == IPP_OK ? 0 : 1);
	}
	free(db);
	for (i = 0; i < 4; i++) {
		assert_int_equal(waitpid(kids[i], &status, 0), kids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	f->sink = 0;
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(count(f, "outbox/new"), 0);
	assert_int_equal(count(f, "outbox/cur"), 8);

	/* Eight distinct recipients reached the sink. */
	sinkdir = path(f, "sink");
	n = list(sinkdir, names);
	assert_int_equal(n, 8);
	for (i = 0; i < n; i++) {
		file = ipp_strdup_printf("%s/%s", sinkdir, names[i]);
		m = slurp(file, NULL);
		ids[i] = strndup(strstr(m, "X-Envelope-To: "), 30);
		for (j = 0; j < i; j++)
			assert_string_not_equal(ids[i], ids[j]);
		free(m);
		free(file);
	}
	for (i = 0; i < n; i++)
		free(ids[i]);
	free_names(names, n);
	free(sinkdir);
}

/* A port on 127.0.0.1 that nothing listens on. */
static int
closed_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd, port;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static void
test_failed_delivery_stays_queued(void **state)
{
	struct fixture *f = *state;
	char *url;

	url = ipp_strdup_printf("smtp://ipp:hunter2@127.0.0.1:%d",
	    closed_port());
	setenv("IPP_SMTP_URL", url, 1);
	free(url);
	assert_int_equal(send_now(f, "alice@example.org", "Hi", "x\n"),
	    IPP_ENET);
	assert_non_null(strstr(f->err, "through '127.0.0.1:"));
	assert_non_null(strstr(f->err, "connect"));
	assert_non_null(strstr(f->err, "stays queued"));
	assert_null(strstr(f->err, "hunter2"));
	assert_int_equal(count(f, "outbox/new"), 1);
	assert_int_equal(count(f, "outbox/cur"), 0);
	assert_int_equal(queued_rows(f), 1);

	/* Tried again: still one file in the outbox, two tries counted. */
	assert_int_equal(ipp_mail_flush(f->s, &f->err), IPP_ENET);
	assert_null(strstr(f->err, "hunter2"));
	assert_int_equal(count(f, "outbox/new"), 1);
	assert_int_equal(fx_query_int(f->s, "SELECT count(*) FROM mail"
	    " WHERE tries = 2 AND last_error LIKE '%connect%'"
	    " AND last_error NOT LIKE '%hunter2%'"), 1);
}

/* N3: a message rolled back with its change is never delivered. */
static void
test_rolled_back_with_change(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(ipp_store_begin(f->s, &f->err), IPP_OK);
	assert_int_equal(ipp_mail_send(f->s, "alice@example.org", "Gone",
	    "x\n", &f->err), IPP_OK);
	assert_int_equal(queued_rows(f), 1);
	ipp_store_rollback(f->s);
	assert_int_equal(fx_query_int(f->s, "SELECT count(*) FROM mail"), 0);
	/* Nothing of ours is queued any more: not a failure. */
	assert_int_equal(ipp_mail_deliver(f->s, &f->err), IPP_OK);
	assert_int_equal(ipp_mail_flush(f->s, &f->err), IPP_OK);
	assert_int_equal(count(f, "outbox/new"), 0);

	/* Committed with its change, it is delivered. */
	assert_int_equal(ipp_store_begin(f->s, &f->err), IPP_OK);
	assert_int_equal(ipp_mail_send(f->s, "alice@example.org", "Kept",
	    "x\n", &f->err), IPP_OK);
	assert_int_equal(ipp_store_commit(f->s, &f->err), IPP_OK);
	assert_int_equal(ipp_mail_deliver(f->s, &f->err), IPP_OK);
	assert_int_equal(count(f, "outbox/new"), 1);
}

/*
 * N3: a process that dies after commit, before delivery, loses nothing:
 * the next run (another connection) delivers the message, once.
 */
static void
test_crash_after_commit_delivers_once(void **state)
{
	struct fixture *f = *state;
	struct ipp_store *other;
	char *db = path(f, "ipp.db");
	char *id, *file, *m;

	assert_int_equal(ipp_store_begin(f->s, &f->err), IPP_OK);
	assert_int_equal(ipp_mail_send(f->s, "alice@example.org", "Code",
	    "Verification code: 123456\n", &f->err), IPP_OK);
	assert_int_equal(ipp_store_commit(f->s, &f->err), IPP_OK);
	ipp_mail_cleanup();	/* the process is gone: it forgets */
	assert_int_equal(ipp_mail_deliver(f->s, &f->err), IPP_OK);
	assert_int_equal(count(f, "outbox/new"), 0);

	assert_int_equal(ipp_store_open(&other, db, 0, &f->err), IPP_OK);
	assert_int_equal(ipp_mail_flush(other, &f->err), IPP_OK);
	assert_int_equal(ipp_mail_flush(other, &f->err), IPP_OK);
	assert_int_equal(ipp_mail_flush(f->s, &f->err), IPP_OK);
	ipp_store_close(other);
	assert_int_equal(count(f, "outbox/new"), 1);
	assert_int_equal(count(f, "outbox/tmp"), 0);
	id = fx_query_text(f->s, "SELECT message_id FROM mail");
	file = ipp_strdup_printf("outbox/new/%s", id);
	m = queued(f, "outbox/new", 0);
	assert_non_null(strstr(m, "Verification code: 123456\r\n"));
	assert_mode(f, file, 0600);
	free(m);
	free(file);
	free(id);
	free(db);
}

/*
 * A run that died after writing the outbox file but before marking the
 * message: the next run finds the file and does not write another.  A
 * file in cur/ says the server took it: the next run marks it unsent.
 */
static void
test_outbox_file_written_once(void **state)
{
	struct fixture *f = *state;
	char *id, *file, *m, *url;

	assert_int_equal(ipp_mail_send(f->s, "alice@example.org", "One",
	    "x\n", &f->err), IPP_OK);
	id = fx_query_text(f->s, "SELECT message_id FROM mail");
	assert_int_equal(ipp_mail_flush(f->s, &f->err), IPP_OK);
	/* Pretend the mark was lost. */
	assert_int_equal(ipp_store_exec(f->s, "UPDATE mail SET"
	    " delivered_at = NULL, message = 'x'", &f->err), IPP_OK);
	file = ipp_strdup_printf("%s/outbox/new/%s", f->dir, id);
	fx_write_file(file, "the first copy\r\n", 16);
	assert_int_equal(ipp_mail_flush(f->s, &f->err), IPP_OK);
	assert_int_equal(count(f, "outbox/new"), 1);
	m = slurp(file, NULL);
	assert_string_equal(m, "the first copy\r\n");
	free(m);
	assert_int_equal(queued_rows(f), 0);
	free(file);

	/* In cur/: sent already; no server is asked (none listens). */
	assert_int_equal(ipp_store_exec(f->s, "UPDATE mail SET"
	    " delivered_at = NULL, message = 'x'", &f->err), IPP_OK);
	file = ipp_strdup_printf("%s/outbox/cur/%s:2,S", f->dir, id);
	fx_write_file(file, "sent\r\n", 6);
	url = ipp_strdup_printf("smtp://127.0.0.1:%d", closed_port());
	setenv("IPP_SMTP_URL", url, 1);
	free(url);
	free(file);
	file = ipp_strdup_printf("%s/outbox/new/%s", f->dir, id);
	assert_int_equal(unlink(file), 0);
	assert_int_equal(ipp_mail_flush(f->s, &f->err), IPP_OK);
	assert_int_equal(queued_rows(f), 0);
	assert_int_equal(count(f, "outbox/new"), 0);
	assert_int_equal(count(f, "outbox/cur"), 1);
	free(file);
	free(id);
}

/* Over SMTP at least once: a retry sends the same Message-ID. */
static void
test_same_message_id_on_retry(void **state)
{
	struct fixture *f = *state;
	const char *helpers = getenv("IPP_HELPERS");
	char *url, *id, *got, *want;
	int port, status;
	pid_t pid;

	if (helpers == NULL || *helpers == '\0') {
		print_message("skipped: IPP_HELPERS is not set "
		    "(the directory holding smtpsink)\n");
		skip();
	}
	url = ipp_strdup_printf("smtp://127.0.0.1:%d", closed_port());
	setenv("IPP_SMTP_URL", url, 1);
	free(url);
	assert_int_equal(send_now(f, "alice@example.org", "Hi", "x\n"),
	    IPP_ENET);
	assert_int_equal(count(f, "outbox/new"), 1);

	pid = start_sink(f, helpers, 1, &port);
	url = ipp_strdup_printf("smtp://127.0.0.1:%d", port);
	setenv("IPP_SMTP_URL", url, 1);
	free(url);
	assert_int_equal(ipp_mail_flush(f->s, &f->err), IPP_OK);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	f->sink = 0;
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(count(f, "outbox/new"), 0);
	assert_int_equal(count(f, "outbox/cur"), 1);

	id = fx_query_text(f->s, "SELECT message_id FROM mail");
	want = ipp_strdup_printf("\r\nMessage-ID: <%s@localhost>\r\n", id);
	got = queued(f, "sink", 0);
	assert_non_null(strstr(got, want));
	free(got);
	got = queued(f, "outbox/cur", 0);
	assert_non_null(strstr(got, want));
	free(got);
	assert_int_equal(fx_query_int(f->s, "SELECT tries FROM mail"), 2);
	free(want);
	free(id);
}

/* More than one batch: every message once, oldest first in the store. */
static void
test_many_messages(void **state)
{
	struct fixture *f = *state;
	char to[64], *dir;
	int i;

	assert_int_equal(ipp_store_begin(f->s, &f->err), IPP_OK);
	for (i = 0; i < 250; i++) {
		snprintf(to, sizeof(to), "user%d@example.org", i);
		assert_int_equal(ipp_mail_send(f->s, to, "Hi", "x\n", &f->err),
		    IPP_OK);
	}
	assert_int_equal(ipp_store_commit(f->s, &f->err), IPP_OK);
	assert_int_equal(ipp_mail_deliver(f->s, &f->err), IPP_OK);
	dir = path(f, "outbox/new");
	assert_int_equal(fx_count_files(dir), 250);
	assert_int_equal(queued_rows(f), 0);
	assert_int_equal(fx_query_int(f->s, "SELECT count(DISTINCT message_id)"
	    " FROM mail WHERE tries = 1"), 250);
	assert_int_equal(ipp_mail_flush(f->s, &f->err), IPP_OK);
	assert_int_equal(fx_count_files(dir), 250);
	free(dir);
}

/* The queue as TSV: what is not delivered yet, by mail_id. */
static void
test_queue_listing(void **state)
{
	struct fixture *f = *state;
	struct ipp_tsv_writer *w;
	static const char *const columns[] = { "mail_id", "message_id",
	    "recipient", "subject", "queued_at", "tries", "last_error" };
	char *buf = NULL;
	size_t len = 0;
	long n = -1;
	FILE *fp;

	assert_int_equal(send_now(f, "alice@example.org", "Sent", "x\n"),
	    IPP_OK);
	assert_int_equal(ipp_mail_send(f->s, "bob@example.org", "Waiting",
	    "x\n", &f->err), IPP_OK);
	assert_non_null(fp = open_memstream(&buf, &len));
	assert_int_equal(ipp_tsv_writer_open(&w, fp, columns, 7, &f->err),
	    IPP_OK);
	assert_int_equal(ipp_mail_queue(f->s, w, &n, &f->err), IPP_OK);
	assert_int_equal(ipp_tsv_writer_close(w, &f->err), IPP_OK);
	fclose(fp);
	assert_int_equal(n, 1);
	assert_non_null(strstr(buf, "\n2\t"));
	assert_non_null(strstr(buf, "\tbob@example.org\tWaiting\t"
	    "2026-01-31T09:00:00Z\t0\t\\N\n"));
	assert_null(strstr(buf, "alice"));
	free(buf);
}

static void
test_tls_required(void **state)
{
	static const struct {
		const char	*url;
		int		 want;
	} cases[] = {
		{ "smtp://127.0.0.1", 0 },
		{ "smtp://127.0.0.1:2525", 0 },
		{ "smtp://127.45.6.7:25", 0 },
		{ "smtp://user:pw@127.0.0.1:25", 0 },
		{ "smtp://localhost:25", 0 },
		{ "smtp://LOCALHOST", 0 },
		{ "smtp://[::1]:25", 0 },
		{ "smtps://127.0.0.1:465", 1 },
		{ "smtps://localhost", 1 },
		{ "smtp://mail.example.org", 1 },
		{ "smtp://mail.example.org:587", 1 },
		{ "smtp://128.0.0.1", 1 },
		{ "smtp://10.0.0.1", 1 },
		{ "smtp://[::2]", 1 },
		{ "smtp://127.0.0.1.example.org", 1 },
		{ "smtp://localhost.example.org", 1 },
		{ "smtp://127.0.0.1@mail.example.org", 1 },
		{ "smtps://mail.example.org:465", 1 },
		{ "SMTP://mail.example.org", 1 },
	};
	struct fixture *f = *state;
	size_t i;

	int got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = ipp_mail_tls_required(cases[i].url, &f->err);
		if (got != cases[i].want)
			print_message("'%s': %d\n", cases[i].url, got);
		assert_int_equal(got, cases[i].want);
	}
}

static void
test_other_schemes_refused(void **state)
{
	static const char *const bad[] = { "http://127.0.0.1:25",
	    "https://u:secret@mail.example.org", "ftp://x", "mail.example.org",
	    "", "smtp://", "smtp://u:secret@" };
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ipp_mail_tls_required(bad[i], &f->err),
		    IPP_EUSAGE);
		assert_null(strstr(f->err, "secret"));
	}
	assert_int_equal(ipp_mail_tls_required(NULL, &f->err), IPP_EUSAGE);

	/* The message is kept for when the URL is fixed. */
	setenv("IPP_SMTP_URL", "http://127.0.0.1:25", 1);
	assert_int_equal(send_now(f, "alice@example.org", "Hi", "x\n"),
	    IPP_EUSAGE);
	assert_non_null(strstr(f->err, "smtp://"));
	assert_int_equal(queued_rows(f), 1);
	assert_int_equal(ipp_mail_flush(f->s, &f->err), IPP_EUSAGE);
	assert_int_equal(queued_rows(f), 1);
	unsetenv("IPP_SMTP_URL");
	assert_int_equal(ipp_mail_flush(f->s, &f->err), IPP_OK);
	assert_int_equal(queued_rows(f), 0);
	assert_int_equal(count(f, "outbox/new"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_queue_headers_and_body,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_mail_from_setting,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_injection_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_malformed_recipient_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_non_ascii_subject_encoded,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_line_goes_base64,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_libcurl_without_url,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_delivery_to_smtpsink,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_refused_message_does_not_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_senders,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_failed_delivery_stays_queued, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rolled_back_with_change,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_crash_after_commit_delivers_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_file_written_once,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_message_id_on_retry,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_listing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_messages,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_tls_required,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_schemes_refused,
		    setup, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

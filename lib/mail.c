#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "curl_dl.h"
#include "err.h"
#include "mail.h"
#include "secret.h"
#include "settings.h"
#include "tsv.h"
#include "banned.h"

#define LINE_LIMIT	998		/* octets a line, RFC 5322 2.1.1 */
#define CONNECT_TIMEOUT	10L		/* seconds */
#define TOTAL_TIMEOUT	60L		/* seconds, per message */
/*
 * Raw bytes per RFC 2047 encoded-word: 39 give 52 base64 characters, a
 * 64-character word, so "Subject: " and the first word fit in 78.
 */
#define WORD_RAW	39
#define WORD_B64	sodium_base64_ENCODED_LEN(WORD_RAW, \
			    sodium_base64_VARIANT_ORIGINAL)
#define BODY_RAW	57		/* base64 body: 76-character lines */
#define BODY_B64	sodium_base64_ENCODED_LEN(BODY_RAW, \
			    sodium_base64_VARIANT_ORIGINAL)

struct outbox {
	char		*dir;		/* <store dir>/outbox */
	char		*sub[3];	/* its tmp/, new/ and cur/ */
};
enum { TMP, NEW, CUR };

struct message {
	char		*data;		/* the whole message, CRLF line ends */
	size_t		 len;
	size_t		 off;		/* next byte for libcurl to read */
	char		*from;		/* envelope sender, from From: */
	char		*to;		/* envelope recipient, from To: */
};

struct smtp {
	const struct ipp_curl *c;
	CURL		*h;
	char		*where;		/* host[:port], for messages */
	char		 errbuf[CURL_ERROR_SIZE];
};

static const char *const subdirs[] = { "tmp", "new", "cur" };

/* Neither a header value nor a setting may carry a line break. */
static int
check_line(const char *value, const char *what, char **errp)
{
	if (strpbrk(value, "\r\n") != NULL)
		return ipp_error(errp, IPP_EINPUT,
		    "%s must not contain CR or LF", what);
	return IPP_OK;
}

/* One plain address: local@domain, no spaces, controls or specials. */
static int
check_address(const char *addr, const char *what, char **errp)
{
	const unsigned char *p;
	const char *at;
	int rc;

	if ((rc = check_line(addr, what, errp)) != IPP_OK)
		return rc;
	if (*addr == '\0')
		return ipp_error(errp, IPP_EINPUT, "%s is empty", what);
	for (p = (const unsigned char *)addr; *p != '\0'; p++)
		if (*p <= ' ' || *p == 0x7f)
			return ipp_error(errp, IPP_EINPUT, "%s must not "
			    "contain spaces or control characters", what);
	at = strchr(addr, '@');
	if (at == NULL || at == addr || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL || strpbrk(addr, "<>,;\"\\()") != NULL)
		return ipp_error(errp, IPP_EINPUT,
		    "%s is not an email address: '%s'", what, addr);
	return IPP_OK;
}

/*
 * The address inside <...> when there is one (a mail_from of
 * "IPP <ipp@example.org>"), else the whole value; malloc'd.
 */
static char *
envelope_of(const char *value)
{
	const char *lt, *gt;

	if ((lt = strchr(value, '<')) != NULL &&
	    (gt = strchr(lt, '>')) != NULL)
		return strndup(lt + 1, (size_t)(gt - lt - 1));
	return strdup(value);
}

static char *
join(const char *a, const char *b, const char *c)
{
	return ipp_strdup_printf("%s/%s%s", a, b, c != NULL ? c : "");
}

static void
outbox_free(struct outbox *o)
{
	int i;

	free(o->dir);
	for (i = 0; i < 3; i++)
		free(o->sub[i]);
}

static int
outbox_init(struct outbox *o, struct ipp_store *s, char **errp)
{
	int i;

	memset(o, 0, sizeof(*o));
	if ((o->dir = join(ipp_store_dir(s), "outbox", NULL)) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	for (i = 0; i < 3; i++)
		if ((o->sub[i] = join(o->dir, subdirs[i], NULL)) == NULL) {
			outbox_free(o);
			return ipp_error(errp, IPP_ESYS, "out of memory");
		}
	return IPP_OK;
}

/* The Maildir and its three directories, 0700, on first use. */
static int
outbox_create(const struct outbox *o, char **errp)
{
	int i;

	if (mkdir(o->dir, 0700) != 0 && errno != EEXIST)
		return ipp_error(errp, IPP_ESTORE, "cannot create '%s': %s",
		    o->dir, strerror(errno));
	for (i = 0; i < 3; i++)
		if (mkdir(o->sub[i], 0700) != 0 && errno != EEXIST)
			return ipp_error(errp, IPP_ESTORE,
			    "cannot create '%s': %s", o->sub[i],
			    strerror(errno));
	return IPP_OK;
}

/* RFC 5322 3.3 date in UTC; the names are fixed, not the locale's. */
static void
put_date(FILE *f, int64_t now)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed",
	    "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t = (time_t)now;
	struct tm tm;

	gmtime_r(&t, &tm);
	fprintf(f, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Plain text is fine when it is short printable ASCII with no "=?". */
static int
needs_encoding(const char *text)
{
	const unsigned char *p;

	if (strlen("Subject: ") + strlen(text) > 78 ||
	    strstr(text, "=?") != NULL)
		return 1;
	for (p = (const unsigned char *)text; *p != '\0'; p++)
		if (*p >= 0x7f || (*p < ' ' && *p != '\t'))
			return 1;
	return 0;
}

/* RFC 2047 B encoded-words, each holding whole UTF-8 characters. */
static void
put_subject(FILE *f, const char *subject)
{
	char b64[WORD_B64];
	size_t len = strlen(subject), off, n;

	if (!needs_encoding(subject)) {
		fprintf(f, "Subject: %s\r\n", subject);
		return;
	}
	fputs("Subject:", f);
	for (off = 0; off < len; off += n) {
		n = len - off < WORD_RAW ? len - off : WORD_RAW;
		while (off + n < len && n > 1 &&
		    ((unsigned char)subject[off + n] & 0xc0) == 0x80)
			n--;
		sodium_bin2base64(b64, sizeof(b64),
		    (const unsigned char *)subject + off, n,
		    sodium_base64_VARIANT_ORIGINAL);
		fprintf(f, "%s=?UTF-8?B?%s?=", off == 0 ? " " : "\r\n ", b64);
	}
	fputs("\r\n", f);
}

/* Closes an open_memstream stream; on any write error frees its buffer. */
static int
close_memstream(FILE *f, char **bufp)
{
	int failed = ferror(f);

	if (fclose(f) != 0 || failed) {
		free(*bufp);
		*bufp = NULL;
		return -1;
	}
	return 0;
}

/*
 * The body with every line ending in CRLF (LF, CR and CRLF all count as
 * one line end); *longest gets the longest line in octets.
 */
static int
canonical_body(const char *body, char **outp, size_t *lenp, size_t *longest)
{
	const char *p;
	size_t line = 0;
	FILE *f;

	*longest = 0;
	if ((f = open_memstream(outp, lenp)) == NULL)
		return -1;
	for (p = body; *p != '\0'; p++) {
		if (*p == '\r' || *p == '\n') {
			if (*p == '\r' && p[1] == '\n')
				p++;
			fputs("\r\n", f);
			line = 0;
			continue;
		}
		fputc(*p, f);
		if (++line > *longest)
			*longest = line;
	}
	if (line > 0)
		fputs("\r\n", f);
	return close_memstream(f, outp);
}

static void
put_base64(FILE *f, const char *data, size_t len)
{
	char b64[BODY_B64];
	size_t off, n;

	for (off = 0; off < len; off += n) {
		n = len - off < BODY_RAW ? len - off : BODY_RAW;
		sodium_bin2base64(b64, sizeof(b64),
		    (const unsigned char *)data + off, n,
		    sodium_base64_VARIANT_ORIGINAL);
		fprintf(f, "%s\r\n", b64);
	}
}

/* The sender from the mail_from setting: header value and envelope. */
static int
sender(struct ipp_store *s, char **fromp, char **envp, char **errp)
{
	int rc;

	*envp = NULL;
	if ((rc = ipp_settings_text(s, "mail_from", fromp, errp)) != IPP_OK)
		return rc;
	if ((rc = check_line(*fromp, "setting 'mail_from'", errp)) != IPP_OK)
		goto fail;
	if ((*envp = envelope_of(*fromp)) == NULL) {
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
		goto fail;
	}
	if ((rc = check_address(*envp, "setting 'mail_from'", errp)) ==
	    IPP_OK)
		return IPP_OK;
fail:
	free(*fromp);
	free(*envp);
	*fromp = *envp = NULL;
	return rc;
}

static void
put_headers(FILE *f, const char *from, const char *env, const char *to,
    const char *subject, int64_t now, const char *token)
{
	fprintf(f, "From: %s\r\nTo: %s\r\n", from, to);
	put_subject(f, subject);
	put_date(f, now);
	fprintf(f, "Message-ID: <%s@%s>\r\n", token, strchr(env, '@') + 1);
	fputs("MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n", f);
}

/* The whole RFC 5322 message, CRLF line ends, into *msgp. */
static int
compose(struct ipp_store *s, const char *to, const char *subject,
    const char *body, const char *id, char **msgp, size_t *lenp,
    char **errp)
{
	char *from, *env, *text = NULL;
	size_t textlen, longest;
	int64_t now;
	FILE *f;
	int rc;

	if ((rc = sender(s, &from, &env, errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_clock_now(&now, errp)) != IPP_OK)
		goto out;
	if (canonical_body(body, &text, &textlen, &longest) != 0 ||
	    (f = open_memstream(msgp, lenp)) == NULL) {
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
		goto out;
	}
	put_headers(f, from, env, to, subject, now, id);
	if (longest <= LINE_LIMIT) {
		fputs("Content-Transfer-Encoding: 8bit\r\n\r\n", f);
		fwrite(text, 1, textlen, f);
	} else {
		fputs("Content-Transfer-Encoding: base64\r\n\r\n", f);
		put_base64(f, text, textlen);
	}
	if (close_memstream(f, msgp) != 0)
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
out:
	free(text);
	free(from);
	free(env);
	return rc;
}

static int
write_all(int fd, const char *data, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, data, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
sync_dir(const char *dir)
{
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return;
	fsync(fd);
	close(fd);
}

/* A name no other process or call can pick: time, pid, counter, random. */

static int
is_loopback(const char *host)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (strcasecmp(host, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return 0;
}

/* The scheme is checked before libcurl is loaded for the rest. */
static int
check_scheme(const char *url, char **errp)
{
	if (url == NULL || *url == '\0')
		return ipp_error(errp, IPP_EUSAGE, "IPP_SMTP_URL is not set");
	if (strncasecmp(url, "smtp://", 7) != 0 &&
	    strncasecmp(url, "smtps://", 8) != 0)
		return ipp_error(errp, IPP_EUSAGE, "IPP_SMTP_URL must start "
		    "with smtp:// or smtps://");
	return IPP_OK;
}

/*
 * Parses url with libcurl's own parser, the one that will connect: *tls
 * tells whether TLS is required, *wherep names host[:port] for messages
 * (never the user or password).
 */
static int
parse_url(const struct ipp_curl *c, const char *url, int *tls,
    char **wherep, char **errp)
{
	char *scheme = NULL, *host = NULL, *port = NULL, *h;
	size_t n;
	CURLU *u;
	int rc = IPP_OK;

	if ((rc = check_scheme(url, errp)) != IPP_OK)
		return rc;
	if ((u = c->url()) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	if (c->url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    c->url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    c->url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		rc = ipp_error(errp, IPP_EUSAGE,
		    "IPP_SMTP_URL is not a valid smtp:// or smtps:// URL");
		goto out;
	}
	c->url_get(u, CURLUPART_PORT, &port, 0);
	if (wherep != NULL && (*wherep = ipp_strdup_printf("%s%s%s", host,
	    port != NULL ? ":" : "", port != NULL ? port : "")) == NULL) {
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
		goto out;
	}
	/* An IPv6 literal comes bracketed: [::1]. */
	h = host;
	n = strlen(h);
	if (n > 2 && h[0] == '[' && h[n - 1] == ']') {
		h[n - 1] = '\0';
		h++;
	}
	*tls = strcmp(scheme, "smtps") == 0 || !is_loopback(h);
out:
	c->free(scheme);
	c->free(host);
	c->free(port);
	c->url_cleanup(u);
	return rc;
}

int
ipp_mail_tls_required(const char *url, char **errp)
{
	const struct ipp_curl *c;
	int rc, tls;

	if ((rc = check_scheme(url, errp)) != IPP_OK ||
	    (rc = ipp_curl_load(&c, errp)) != IPP_OK ||
	    (rc = parse_url(c, url, &tls, NULL, errp)) != IPP_OK)
		return rc;
	return tls;
}

static size_t
read_message(char *buf, size_t size, size_t nitems, void *arg)
{
	struct message *m = arg;
	size_t n = size * nitems;

	if (n > m->len - m->off)
		n = m->len - m->off;
	memcpy(buf, m->data + m->off, n);
	m->off += n;
	return n;
}

/* Options shared by every message of one run. */
static int
smtp_open(struct smtp *t, const char *url, char **errp)
{
	const char *ca = getenv("IPP_CA_BUNDLE");
	const struct ipp_curl *c;
	CURLcode cc = CURLE_OK;
	int rc, tls;

	memset(t, 0, sizeof(*t));
	if ((rc = ipp_curl_load(&t->c, errp)) != IPP_OK ||
	    (rc = parse_url(t->c, url, &tls, &t->where, errp)) != IPP_OK)
		return rc;
	c = t->c;
	if ((t->h = c->easy_init()) == NULL)
		return ipp_error(errp, IPP_ESYS, "cannot start libcurl");
	/*
	 * CURLOPT_NOSIGNAL stays off: libcurl then ignores SIGPIPE while it
	 * runs, and its threaded resolver needs no alarm.  IPP_CA_BUNDLE
	 * replaces libcurl's CA file, but Debian's libcurl still trusts its
	 * CA path (/etc/ssl/certs), so the bundle adds an authority.
	 */
	if ((cc = c->easy_setopt(t->h, CURLOPT_URL, url)) ||
	    (cc = c->easy_setopt(t->h, CURLOPT_PROTOCOLS_STR, "smtp,smtps")) ||
	    (cc = c->easy_setopt(t->h, CURLOPT_ERRORBUFFER, t->errbuf)) ||
	    (cc = c->easy_setopt(t->h, CURLOPT_USE_SSL, tls ? (long)
	    CURLUSESSL_ALL : (long)CURLUSESSL_NONE)) ||
	    (cc = c->easy_setopt(t->h, CURLOPT_SSL_VERIFYPEER, 1L)) ||
	    (cc = c->easy_setopt(t->h, CURLOPT_SSL_VERIFYHOST, 2L)) ||
	    (ca != NULL && *ca != '\0' &&
	    (cc = c->easy_setopt(t->h, CURLOPT_CAINFO, ca))) ||
	    (cc = c->easy_setopt(t->h, CURLOPT_CONNECTTIMEOUT,
	    CONNECT_TIMEOUT)) ||
	    (cc = c->easy_setopt(t->h, CURLOPT_TIMEOUT, TOTAL_TIMEOUT)) ||
	    (cc = c->easy_setopt(t->h, CURLOPT_UPLOAD, 1L)) ||
	    (cc = c->easy_setopt(t->h, CURLOPT_READFUNCTION, read_message)))
		return ipp_error(errp, IPP_ENET, "cannot set up mail delivery "
		    "through '%s': %s", t->where, c->easy_strerror(cc));
	return IPP_OK;
}

static void
smtp_close(struct smtp *t)
{
	if (t->h != NULL)
		t->c->easy_cleanup(t->h);
	free(t->where);
}

static void
message_free(struct message *m)
{
	free(m->data);
	free(m->from);
	free(m->to);
}

/* The value of header name (with its colon) in the header section. */
static char *
header(const char *data, size_t len, const char *name)
{
	const char *p = data, *end = data + len, *eol;
	size_t n = strlen(name);

	while (p < end && (eol = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (eol == p || (eol == p + 1 && *p == '\r'))
			break;		/* the blank line ends the header */
		if ((size_t)(eol - p) > n && strncasecmp(p, name, n) == 0) {
			p += n;
			while (*p == ' ' || *p == '\t')
				p++;
			if (eol > p && eol[-1] == '\r')
				eol--;
			return strndup(p, (size_t)(eol - p));
		}
		p = eol + 1;
	}
	return NULL;
}

/* Reads a queued file and its envelope from its From: and To: lines. */

/* The envelope of a stored message: From: (its address) and To:. */
static int
message_parse(struct message *m, const char *id, char **errp)
{
	char *from;
	int rc;

	from = header(m->data, m->len, "From:");
	m->to = header(m->data, m->len, "To:");
	m->from = from != NULL ? envelope_of(from) : NULL;
	free(from);
	if (m->from == NULL || m->to == NULL)
		return ipp_error(errp, IPP_EINPUT, "queued message '%s' has "
		    "no From: or To: header", id);
	if ((rc = check_address(m->from, "header 'From'", errp)) != IPP_OK ||
	    (rc = check_address(m->to, "header 'To'", errp)) != IPP_OK)
		return ipp_error_prefix(errp, rc, "queued message '%s'", id);
	return IPP_OK;
}

/*
 * One SMTP transaction on the run's handle (libcurl keeps the connection
 * for the next).  *refused is set when the server answered 5xx: the
 * message, not the connection, is at fault.
 */
static int
smtp_send(struct smtp *t, struct message *m, int *refused, char **errp)
{
	const struct ipp_curl *c = t->c;
	struct curl_slist *rcpt;
	char *from, *to;
	long code = 0;
	CURLcode cc;
	int rc = IPP_OK;

	*refused = 0;
	from = ipp_strdup_printf("<%s>", m->from);
	to = ipp_strdup_printf("<%s>", m->to);
	rcpt = to != NULL ? c->slist_append(NULL, to) : NULL;
	if (from == NULL || rcpt == NULL) {
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
		goto out;
	}
	t->errbuf[0] = '\0';
	m->off = 0;
	if ((cc = c->easy_setopt(t->h, CURLOPT_MAIL_FROM, from)) == CURLE_OK &&
	    (cc = c->easy_setopt(t->h, CURLOPT_MAIL_RCPT, rcpt)) == CURLE_OK &&
	    (cc = c->easy_setopt(t->h, CURLOPT_READDATA, m)) == CURLE_OK &&
	    (cc = c->easy_setopt(t->h, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)m->len)) == CURLE_OK)
		cc = c->easy_perform(t->h);
	if (cc != CURLE_OK) {
		c->easy_getinfo(t->h, CURLINFO_RESPONSE_CODE, &code);
		*refused = code >= 500 && code < 600;
		rc = ipp_error(errp, IPP_ENET, "cannot deliver mail%s%s%s "
		    "through '%s': %s", *refused ? " to '" : "",
		    *refused ? m->to : "", *refused ? "'" : "", t->where,
		    t->errbuf[0] != '\0' ? t->errbuf : c->easy_strerror(cc));
	}
	/* Drop the pointers into this message before it is freed. */
	c->easy_setopt(t->h, CURLOPT_MAIL_RCPT, (struct curl_slist *)NULL);
	c->easy_setopt(t->h, CURLOPT_READDATA, (void *)NULL);
out:
	c->slist_free_all(rcpt);
	free(from);
	free(to);
	return rc;
}

/* Message ids this process queued, for ipp_mail_deliver's report. */
static struct {
	char		**ids;
	size_t		  n;
	size_t		  cap;
} own;

static int
own_add(const char *id)
{
	char **bigger;

	if (own.n == own.cap) {
		own.cap = own.cap != 0 ? own.cap * 2 : 8;
		if ((bigger = reallocarray(own.ids, own.cap,
		    sizeof(*own.ids))) == NULL)
			return -1;
		own.ids = bigger;
	}
	if ((own.ids[own.n] = strdup(id)) == NULL)
		return -1;
	own.n++;
	return 0;
}

static void
own_clear(void)
{
	while (own.n > 0)
		free(own.ids[--own.n]);
	free(own.ids);
	own.ids = NULL;
	own.cap = 0;
}

/* One queued message of a delivery run. */
struct pending {
	int64_t		 mail_id;
	char		*message_id;	/* names its file and Message-ID */
	char		*text;		/* the whole message, CRLF */
	char		*error;		/* why this run did not deliver it */
	int		 done;		/* delivered: mark it in the store */
};

struct run {
	struct outbox	 o;
	const char	*url;		/* IPP_SMTP_URL, NULL for none */
	struct smtp	 t;
	int		 smtp_open;	/* t is set up */
	int		 stopped;	/* a connection failure: stop sending */
	char		*first;		/* the first failure of the run */
	int		 first_rc;
	int		 failed;	/* messages left queued */
	char		*own_error;	/* the first failure of one of ours */
	int		 own_rc;
};

static void
pending_free(struct pending *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(p[i].message_id);
		free(p[i].text);
		free(p[i].error);
	}
}

#define BATCH 100	/* messages read, then marked, in one transaction */

/* Up to BATCH queued messages after mail_id after, oldest first. */
static int
batch_read(struct ipp_store *s, int64_t after, struct pending *p,
    size_t *np, char **errp)
{
	static const char sql[] = "SELECT mail_id, message_id, message"
	    " FROM mail WHERE delivered_at IS NULL AND mail_id > ?"
	    " ORDER BY mail_id LIMIT 100";
	struct ipp_stmt *st;
	size_t n = 0;
	int rc;

	*np = 0;
	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, after);
	while (n < BATCH && (rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		memset(&p[n], 0, sizeof(p[n]));
		p[n].mail_id = ipp_stmt_int(st, 0);
		p[n].message_id = ipp_store_column_dup(st, 1);
		p[n].text = ipp_store_column_dup(st, 2);
		n++;
		if (p[n - 1].message_id == NULL || p[n - 1].text == NULL) {
			ipp_stmt_reset(st);
			pending_free(p, n);
			return ipp_error(errp, IPP_ESYS, "out of memory");
		}
	}
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_ROW && rc != IPP_STMT_DONE) {
		pending_free(p, n);
		return ipp_store_fail(s, errp, "cannot read the mail queue");
	}
	*np = n;
	return IPP_OK;
}

static int
exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/*
 * Writes the message into the outbox as new/ID unless new/ID or
 * cur/ID:2,S is there already (a run that died after writing it):
 * the outbox gets each message once.  *sent is set for cur/ID:2,S, which
 * only a delivery the server accepted puts there.
 */
static int
file_message(const struct outbox *o, const struct pending *p, int *sent,
    char **errp)
{
	char *tmp, *dst, *cur;
	int fd, rc = IPP_OK, saved;

	*sent = 0;
	tmp = join(o->sub[TMP], p->message_id, NULL);
	dst = join(o->sub[NEW], p->message_id, NULL);
	cur = join(o->sub[CUR], p->message_id, ":2,S");
	if (tmp == NULL || dst == NULL || cur == NULL) {
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
		goto out;
	}
	if (exists(cur)) {
		*sent = 1;
		goto out;
	}
	if (exists(dst))
		goto out;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) < 0)
		goto fail;
	if (write_all(fd, p->text, strlen(p->text)) != 0 || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		goto fail;
	}
	if (close(fd) != 0 || rename(tmp, dst) != 0)
		goto fail;
	goto out;	/* new/ is synced once for the batch */
fail:
	rc = ipp_error(errp, IPP_ESTORE, "cannot write mail into '%s': %s",
	    o->dir, strerror(errno));
	unlink(tmp);
out:
	free(tmp);
	free(dst);
	free(cur);
	return rc;
}

/* Sends new/ID over SMTP and moves it to cur/ID:2,S (seen). */
static int
send_message(struct run *r, struct pending *p, int *refused, char **errp)
{
	struct message m;
	char *src, *dst;
	int rc;

	*refused = 0;
	memset(&m, 0, sizeof(m));
	if (!r->smtp_open) {
		r->smtp_open = 1;
		if ((rc = smtp_open(&r->t, r->url, errp)) != IPP_OK)
			return rc;
	}
	if (r->t.h == NULL)
		return ipp_error(errp, IPP_ENET, "mail delivery is not set up");
	m.data = p->text;
	m.len = strlen(p->text);
	if ((rc = message_parse(&m, p->message_id, errp)) == IPP_OK)
		rc = smtp_send(&r->t, &m, refused, errp);
	m.data = NULL;
	message_free(&m);
	if (rc == IPP_EINPUT)
		*refused = 1;	/* a damaged message: skip it, keep going */
	if (rc != IPP_OK)
		return rc;
	src = join(r->o.sub[NEW], p->message_id, NULL);
	dst = join(r->o.sub[CUR], p->message_id, ":2,S");
	if (src == NULL || dst == NULL)
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
	else if (rename(src, dst) != 0)
		rc = ipp_error(errp, IPP_ESTORE, "mail was sent but cannot "
		    "be moved to '%s': %s", r->o.sub[CUR], strerror(errno));
	free(src);
	free(dst);
	return rc;
}

static int
is_own(const char *id)
{
	size_t i;

	for (i = 0; i < own.n; i++)
		if (strcmp(own.ids[i], id) == 0)
			return 1;
	return 0;
}

/* Keeps the run's first failure, and the first of this process's own. */
static void
note_failure(struct run *r, struct pending *p, int rc, char *err)
{
	r->failed++;
	p->error = err;
	if (r->first == NULL) {
		r->first = err != NULL ? strdup(err) : NULL;
		r->first_rc = rc;
	}
	if (r->own_error == NULL && err != NULL && is_own(p->message_id)) {
		r->own_error = strdup(err);
		r->own_rc = rc;
	}
}

/* Files, then sends, one message; p->done when it needs no more. */
static void
deliver_one(struct run *r, struct pending *p)
{
	char *err = NULL;
	int rc, sent, refused = 0;

	if (r->stopped) {
		note_failure(r, p, IPP_ENET, NULL);
		return;
	}
	if ((rc = file_message(&r->o, p, &sent, &err)) != IPP_OK) {
		r->stopped = 1;
		note_failure(r, p, rc, err);
		return;
	}
	if (r->url == NULL || sent) {
		p->done = 1;
		return;
	}
	if ((rc = send_message(r, p, &refused, &err)) == IPP_OK) {
		p->done = 1;
		return;
	}
	if (!refused)
		r->stopped = 1;
	note_failure(r, p, rc, err);
}

/*
 * Marks the batch in one short transaction: a delivered message loses
 * its text (the outbox keeps it); one left queued counts a try.
 */
static int
batch_mark(struct ipp_store *s, struct pending *p, size_t n, char **errp)
{
	static const char done_sql[] = "UPDATE mail SET delivered_at = ?,"
	    " message = NULL, tries = tries + 1, last_error = NULL"
	    " WHERE mail_id = ? AND delivered_at IS NULL";
	static const char fail_sql[] = "UPDATE mail SET tries = tries + 1,"
	    " last_error = ? WHERE mail_id = ? AND delivered_at IS NULL";
	char now[IPP_TIME_LEN + 1];
	size_t i;
	int rc;

	if ((rc = ipp_clock_now_text(now, errp)) != IPP_OK ||
	    (rc = ipp_store_begin(s, errp)) != IPP_OK)
		return rc;
	for (i = 0; i < n && rc == IPP_OK; i++) {
		if (p[i].done)
			rc = ipp_store_run(s, done_sql, "cannot mark mail "
			    "delivered", errp, "ti", now, p[i].mail_id);
		else if (p[i].error != NULL)
			rc = ipp_store_run(s, fail_sql, "cannot note a failed "
			    "delivery", errp, "ti", p[i].error, p[i].mail_id);
	}
	if (rc != IPP_OK) {
		ipp_store_rollback(s);
		return rc;
	}
	return ipp_store_commit(s, errp);
}

/*
 * Whether one of this process's messages is still queued: the store
 * decides, so one rolled back with its change does not count.
 */
static int
own_queued(struct ipp_store *s, int *queued, char **errp)
{
	static const char sql[] = "SELECT count(*) FROM mail"
	    " WHERE message_id = ? AND delivered_at IS NULL";
	struct ipp_stmt *st;
	int64_t n;
	size_t i;
	int rc;

	*queued = 0;
	for (i = 0; i < own.n && !*queued; i++) {
		if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
			return rc;
		ipp_stmt_bind_text(st, 1, own.ids[i]);
		if ((rc = ipp_store_first_int(s, st, &n, "cannot read the "
		    "mail queue", errp)) != IPP_OK)
			return rc;
		*queued = n > 0;
	}
	return IPP_OK;
}

/*
 * Delivers the whole queue under an exclusive lock on outbox/ (and, on a
 * team store, the store's delivery lock), so that concurrent runs never
 * file or send one message twice.  all: report any
 * failure; else only those of messages this process queued.
 */
static int
deliver(struct ipp_store *s, int all, char **errp)
{
	const char *url = getenv("IPP_SMTP_URL");
	struct pending p[BATCH];
	struct run r;
	int64_t after = 0;
	size_t n, i;
	int fd = -1, rc, queued = 0, locked = 0;

	memset(&r, 0, sizeof(r));
	r.url = url != NULL && *url != '\0' ? url : NULL;
	if (r.url != NULL && (rc = check_scheme(r.url, errp)) != IPP_OK)
		return rc;
	if ((rc = outbox_init(&r.o, s, errp)) != IPP_OK)
		return rc;
	if ((rc = outbox_create(&r.o, errp)) != IPP_OK)
		goto out;
	if ((fd = open(r.o.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    flock(fd, LOCK_EX) != 0) {
		rc = ipp_error(errp, IPP_ESTORE, "cannot lock '%s': %s",
		    r.o.dir, strerror(errno));
		goto out;
	}
	/* A team store: one machine delivers at a time. */
	if ((rc = ipp_store_lock_delivery(s, errp)) != IPP_OK)
		goto out;
	locked = 1;
	for (;;) {
		if ((rc = batch_read(s, after, p, &n, errp)) != IPP_OK)
			goto out;
		if (n == 0)
			break;
		for (i = 0; i < n; i++)
			deliver_one(&r, &p[i]);
		/* The files are there before the store says so (best effort). */
		sync_dir(r.o.sub[NEW]);
		sync_dir(r.o.sub[CUR]);
		after = p[n - 1].mail_id;
		rc = batch_mark(s, p, n, errp);
		pending_free(p, n);
		if (rc != IPP_OK)
			goto out;
		if (r.stopped)
			break;	/* the rest waits for the next run */
	}
	if (all) {
		if (r.failed > 0)
			rc = ipp_error(errp, r.first_rc, "%s", r.first != NULL ?
			    r.first : "mail was not delivered");
	} else if ((rc = own_queued(s, &queued, errp)) == IPP_OK && queued) {
		/* Ours failed, or was not tried after an earlier failure. */
		if (r.own_error != NULL)
			rc = ipp_error(errp, r.own_rc, "%s", r.own_error);
		else
			rc = ipp_error(errp, r.first != NULL ? r.first_rc :
			    IPP_ENET, "%s", r.first != NULL ? r.first :
			    "mail was not delivered");
	}
out:
	if (locked)
		ipp_store_unlock_delivery(s);
	if (fd >= 0)
		close(fd);	/* releases the lock */
	if (r.smtp_open)
		smtp_close(&r.t);
	free(r.first);
	free(r.own_error);
	outbox_free(&r.o);
	return rc;
}

int
ipp_mail_send(struct ipp_store *s, const char *to, const char *subject,
    const char *body, char **errp)
{
	static const char sql[] = "INSERT INTO mail (message_id, recipient,"
	    " subject, message, queued_at) VALUES (?, ?, ?, ?, ?)";
	char id[IPP_SECRET_HEX], now[IPP_TIME_LEN + 1], *msg = NULL;
	size_t len;
	int rc;

	/* Header injection: no line break in anything put in a header. */
	if ((rc = check_address(to, "header 'To'", errp)) != IPP_OK ||
	    (rc = check_line(subject, "header 'Subject'", errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_secret_token(id, errp)) != IPP_OK ||
	    (rc = ipp_clock_now_text(now, errp)) != IPP_OK ||
	    (rc = compose(s, to, subject, body, id, &msg, &len, errp)))
		return rc;
	rc = ipp_store_run(s, sql, "cannot queue the mail", errp, "ttttt",
	    id, to, subject, msg, now);
	free(msg);
	if (rc == IPP_OK && own_add(id) != 0)
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
	return rc;
}

int
ipp_mail_deliver(struct ipp_store *s, char **errp)
{
	int rc;

	if (own.n == 0)
		return IPP_OK;
	rc = deliver(s, 0, errp);
	own_clear();
	if (rc != IPP_OK)
		return ipp_error_prefix(errp, rc, "mail was queued but not "
		    "delivered (it stays queued for 'ipp-register mail "
		    "--deliver')");
	return IPP_OK;
}

int
ipp_mail_flush(struct ipp_store *s, char **errp)
{
	own_clear();	/* this reports every failure, ours too */
	return deliver(s, 1, errp);
}

int
ipp_mail_queue(struct ipp_store *s, struct ipp_tsv_writer *w, long *count,
    char **errp)
{
	static const char sql[] = "SELECT mail_id, message_id, recipient,"
	    " subject, queued_at, tries, last_error FROM mail"
	    " WHERE delivered_at IS NULL ORDER BY mail_id";
	struct ipp_stmt *st;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	return ipp_store_write_rows(s, st, w, count, errp);
}

void
ipp_mail_cleanup(void)
{
	own_clear();
	ipp_curl_unload();
}

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <dirent.h>
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
#include "banned.h"

#define LINE_LIMIT	998		/* octets a line, RFC 5322 2.1.1 */
#define MESSAGE_LIMIT	(16L << 20)	/* a queued file bigger is not ours */
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

struct queued {
	char		*name;		/* file name in new/ */
	struct timespec	 mtime;		/* queued at; sorts the run */
};

struct message {
	char		*data;		/* the whole file, CRLF line ends */
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
    const char *body, char **msgp, size_t *lenp, char **errp)
{
	char token[IPP_SECRET_HEX], *from, *env, *text = NULL;
	size_t textlen, longest;
	int64_t now;
	FILE *f;
	int rc;

	if ((rc = sender(s, &from, &env, errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_clock_now(&now, errp)) != IPP_OK ||
	    (rc = ipp_secret_token(token, errp)) != IPP_OK)
		goto out;
	if (canonical_body(body, &text, &textlen, &longest) != 0 ||
	    (f = open_memstream(msgp, lenp)) == NULL) {
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
		goto out;
	}
	put_headers(f, from, env, to, subject, now, token);
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
unique_name(char **namep, char **errp)
{
	static unsigned long counter;
	char token[IPP_SECRET_HEX];
	int64_t now;
	int rc;

	if ((rc = ipp_clock_now(&now, errp)) != IPP_OK ||
	    (rc = ipp_secret_token(token, errp)) != IPP_OK)
		return rc;
	token[16] = '\0';
	*namep = ipp_strdup_printf("%lld.%ld_%lu_%s.ipp", (long long)now,
	    (long)getpid(), ++counter, token);
	if (*namep == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	return IPP_OK;
}

/* Maildir delivery: tmp/NAME written and fsynced, then renamed into new/. */
static int
enqueue(const struct outbox *o, const char *msg, size_t len, char **namep,
    char **errp)
{
	char *tmp = NULL, *dst = NULL;
	int fd, rc, saved;

	*namep = NULL;
	if ((rc = outbox_create(o, errp)) != IPP_OK ||
	    (rc = unique_name(namep, errp)) != IPP_OK)
		return rc;
	if ((tmp = join(o->sub[TMP], *namep, NULL)) == NULL ||
	    (dst = join(o->sub[NEW], *namep, NULL)) == NULL) {
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
		goto out;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		goto fail;
	if (write_all(fd, msg, len) != 0 || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		goto fail;
	}
	if (close(fd) != 0 || rename(tmp, dst) != 0)
		goto fail;
	/* Best effort: the message is in new/ whatever this says. */
	sync_dir(o->sub[NEW]);
	rc = IPP_OK;
	goto out;
fail:
	rc = ipp_error(errp, IPP_ESTORE, "cannot queue mail in '%s': %s",
	    o->dir, strerror(errno));
	unlink(tmp);
out:
	if (rc != IPP_OK) {
		free(*namep);
		*namep = NULL;
	}
	free(tmp);
	free(dst);
	return rc;
}

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
static int
message_load(struct message *m, const char *path, char **errp)
{
	struct stat sb;
	char *from;
	size_t got;
	ssize_t n;
	int fd, rc;

	memset(m, 0, sizeof(*m));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(fd, &sb) != 0) {
		rc = ipp_error(errp, IPP_ESTORE, "cannot read '%s': %s", path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	if (sb.st_size > MESSAGE_LIMIT) {
		close(fd);
		return ipp_error(errp, IPP_EINPUT, "'%s' is too big to be "
		    "a queued message", path);
	}
	m->len = (size_t)sb.st_size;
	if ((m->data = malloc(m->len + 1)) == NULL) {
		close(fd);
		return ipp_error(errp, IPP_ESYS, "out of memory");
	}
	for (got = 0; got < m->len; got += (size_t)n) {
		while ((n = read(fd, m->data + got, m->len - got)) < 0 &&
		    errno == EINTR)
			continue;
		if (n <= 0)
			break;
	}
	close(fd);
	if (got != m->len)
		return ipp_error(errp, IPP_ESTORE, "cannot read '%s'", path);
	m->data[m->len] = '\0';
	from = header(m->data, m->len, "From:");
	m->to = header(m->data, m->len, "To:");
	m->from = from != NULL ? envelope_of(from) : NULL;
	free(from);
	if (m->from == NULL || m->to == NULL)
		return ipp_error(errp, IPP_EINPUT, "'%s' has no From: or To: "
		    "header", path);
	if ((rc = check_address(m->from, "header 'From'", errp)) != IPP_OK ||
	    (rc = check_address(m->to, "header 'To'", errp)) != IPP_OK)
		return ipp_error_prefix(errp, rc, "'%s'", path);
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

static int
by_time(const void *a, const void *b)
{
	const struct queued *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void
queue_free(struct queued *q, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(q[i].name);
	free(q);
}

/* The files in new/, oldest first. */
static int
queue_list(const struct outbox *o, struct queued **qp, size_t *np,
    char **errp)
{
	struct queued *q = NULL, *bigger;
	struct dirent *e;
	struct stat sb;
	size_t n = 0, cap = 0;
	DIR *d;

	if ((d = opendir(o->sub[NEW])) == NULL)
		return ipp_error(errp, IPP_ESTORE, "cannot read '%s': %s",
		    o->sub[NEW], strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' ||
		    fstatat(dirfd(d), e->d_name, &sb, 0) != 0 ||
		    !S_ISREG(sb.st_mode))
			continue;
		if (n == cap) {
			cap = cap != 0 ? cap * 2 : 16;
			if ((bigger = reallocarray(q, cap, sizeof(*q))) == NULL)
				goto nomem;
			q = bigger;
		}
		q[n].mtime = sb.st_mtim;
		if ((q[n].name = strdup(e->d_name)) == NULL)
			goto nomem;
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(q, n, sizeof(*q), by_time);
	*qp = q;
	*np = n;
	return IPP_OK;
nomem:
	closedir(d);
	queue_free(q, n);
	return ipp_error(errp, IPP_ESYS, "out of memory");
}

/* Delivers new/NAME and moves it to cur/NAME:2,S (seen). */
static int
deliver_one(struct smtp *t, const struct outbox *o, const char *name,
    int *refused, char **errp)
{
	struct message m;
	char *src, *dst;
	int rc;

	*refused = 0;
	memset(&m, 0, sizeof(m));
	src = join(o->sub[NEW], name, NULL);
	dst = join(o->sub[CUR], name, ":2,S");
	if (src == NULL || dst == NULL)
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
	else if ((rc = message_load(&m, src, errp)) == IPP_OK &&
	    (rc = smtp_send(t, &m, refused, errp)) == IPP_OK &&
	    rename(src, dst) != 0)
		rc = ipp_error(errp, IPP_ESTORE, "mail was sent but cannot "
		    "be moved to '%s': %s", o->sub[CUR], strerror(errno));
	message_free(&m);
	if (rc == IPP_EINPUT)
		*refused = 1;	/* a damaged file: skip it, keep going */
	free(src);
	free(dst);
	return rc;
}

/*
 * Delivers new/ under an exclusive lock on outbox/, so that concurrent
 * senders never deliver one message twice.  With own set, the result is
 * that message's: IPP_OK once it has left new/, whoever delivered it.
 */
static int
deliver(const struct outbox *o, const char *url, const char *own,
    char **errp)
{
	struct queued *q = NULL;
	struct smtp t;
	struct stat sb;
	char *first = NULL, *err = NULL, *path;
	size_t n = 0, i;
	int fd, rc, frc = IPP_OK, refused;

	if ((fd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT && own == NULL)
			return IPP_OK;	/* nothing was ever queued */
		return ipp_error(errp, IPP_ESTORE, "cannot open '%s': %s",
		    o->dir, strerror(errno));
	}
	if (flock(fd, LOCK_EX) != 0) {
		close(fd);
		return ipp_error(errp, IPP_ESTORE, "cannot lock '%s': %s",
		    o->dir, strerror(errno));
	}
	if ((rc = outbox_create(o, errp)) != IPP_OK ||
	    (rc = queue_list(o, &q, &n, errp)) != IPP_OK) {
		close(fd);
		return rc;
	}
	if (n > 0 && (frc = smtp_open(&t, url, &first)) == IPP_OK)
		for (i = 0; i < n; i++) {
			if ((rc = deliver_one(&t, o, q[i].name, &refused,
			    &err)) == IPP_OK)
				continue;
			if (first == NULL) {
				first = err;
				frc = rc;
				err = NULL;
			}
			if (!refused)
				break;
		}
	if (n > 0)
		smtp_close(&t);
	free(err);
	queue_free(q, n);
	close(fd);
	if (own != NULL) {
		if ((path = join(o->sub[NEW], own, NULL)) == NULL)
			frc = IPP_ESYS;
		else if (stat(path, &sb) != 0 && errno == ENOENT)
			frc = IPP_OK;
		else if (frc == IPP_OK)
			frc = IPP_ENET;	/* not reached: a failure was kept */
		free(path);
	}
	if (frc == IPP_OK) {
		free(first);
		return IPP_OK;
	}
	if (first == NULL)
		return ipp_error(errp, frc, "mail was not delivered");
	if (errp != NULL) {
		free(*errp);
		*errp = first;
	} else
		free(first);
	return frc;
}

int
ipp_mail_send(struct ipp_store *s, const char *to, const char *subject,
    const char *body, char **errp)
{
	const char *url = getenv("IPP_SMTP_URL");
	struct outbox o;
	char *msg = NULL, *name = NULL;
	size_t len;
	int rc;

	/* Header injection: no line break in anything put in a header. */
	if ((rc = check_address(to, "header 'To'", errp)) != IPP_OK ||
	    (rc = check_line(subject, "header 'Subject'", errp)) != IPP_OK)
		return rc;
	if ((rc = outbox_init(&o, s, errp)) != IPP_OK)
		return rc;
	if ((rc = compose(s, to, subject, body, &msg, &len, errp)) == IPP_OK &&
	    (rc = enqueue(&o, msg, len, &name, errp)) == IPP_OK &&
	    url != NULL && *url != '\0')
		rc = deliver(&o, url, name, errp);
	free(msg);
	free(name);
	outbox_free(&o);
	return rc;
}

int
ipp_mail_flush(struct ipp_store *s, char **errp)
{
	const char *url = getenv("IPP_SMTP_URL");
	struct outbox o;
	int rc;

	if (url == NULL || *url == '\0')
		return IPP_OK;
	if ((rc = check_scheme(url, errp)) != IPP_OK ||
	    (rc = outbox_init(&o, s, errp)) != IPP_OK)
		return rc;
	rc = deliver(&o, url, NULL, errp);
	outbox_free(&o);
	return rc;
}

void
ipp_mail_cleanup(void)
{
	ipp_curl_unload();
}

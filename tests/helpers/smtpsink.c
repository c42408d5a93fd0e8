/*
 * smtpsink: a small SMTP server for the tests, in the spirit of nmh's
 * test/fakehttp.c.  It listens on 127.0.0.1 only, on a port the kernel
 * picks, and writes that port to PORTFILE (atomically) once it accepts
 * connections.  It speaks enough SMTP for libcurl (EHLO/HELO, MAIL, RCPT,
 * DATA with dot-unstuffing, RSET, NOOP, QUIT; no TLS, no AUTH) and saves
 * each message as DIR/NNN.eml, its envelope first:
 *
 *	X-Envelope-From: sender@example.org
 *	X-Envelope-To: rcpt@example.org		(one line per recipient)
 *	<the message as received, CRLF line ends>
 *
 * So that tests can see a server refuse a message, RCPT TO a local part
 * of "refused" (refused@example.org) gets 550 and nothing is saved.
 *
 * A file appears whole (written as DIR/.NNN.tmp, then renamed).  One
 * client is served at a time; others wait in the listen queue.
 *
 * With -s (stall) the sink saves each message but never answers the end
 * of its DATA: the client hangs as if the server had died after taking
 * it, so that tests can kill a sender between the server's acceptance
 * and the sender's own record of it.
 *
 * usage: smtpsink -p PORTFILE -d DIR [-n COUNT] [-t SECONDS] [-s]
 * Exits 0 after COUNT messages (when that client has quit), or after
 * SECONDS (default 30) without traffic; 1 when COUNT was given and the
 * timeout came first; 2 on usage errors; 3 when the system fails.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "listen.h"
#include "banned.h"

#define LINE_MAX_BYTES	65536	/* far above SMTP's 1000 */
#define MAX_RCPT	100

struct client {
	int		 fd;
	char		 buf[LINE_MAX_BYTES];	/* bytes read, not yet used */
	size_t		 len;
	int		 timeout_ms;		/* no traffic for this long */
};

struct envelope {
	char		*from;			/* NULL until MAIL FROM */
	char		*rcpt[MAX_RCPT];
	int		 nrcpt;
};

static const char *dir;		/* where messages go (-d) */
static int saved;		/* messages saved so far */
static int want;		/* -n, 0 for no limit */
static int stall;		/* -s: never answer the end of DATA */

static void __attribute__((noreturn, format(printf, 2, 3)))
die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("smtpsink: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static void __attribute__((noreturn))
usage(void)
{
	fputs("usage: smtpsink -p PORTFILE -d DIR [-n COUNT] [-t SECONDS] "
	    "[-s]\n", stderr);
	exit(2);
}

static int
number(const char *s, int min)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > INT_MAX /
	    1000)
		usage();
	return (int)v;
}

static void
reply(struct client *c, const char *text)
{
	size_t len = strlen(text), off = 0;
	ssize_t n;

	while (off < len) {
		if ((n = write(c->fd, text + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			return;	/* the client went away; the read sees it */
		}
		off += (size_t)n;
	}
}

/*
 * The next line without its CRLF (or LF), NUL-terminated in *linep,
 * which points into c->buf until the next call.  0 on a line, -1 on
 * end of file, timeout, error or an overlong line.
 */
static int
read_line(struct client *c, char **linep, size_t *consumed)
{
	struct pollfd pfd;
	char *nl;
	ssize_t n;

	if (*consumed > 0) {
		memmove(c->buf, c->buf + *consumed, c->len - *consumed);
		c->len -= *consumed;
		*consumed = 0;
	}
	while ((nl = memchr(c->buf, '\n', c->len)) == NULL) {
		if (c->len == sizeof(c->buf))
			return -1;
		pfd.fd = c->fd;
		pfd.events = POLLIN;
		if ((n = poll(&pfd, 1, c->timeout_ms)) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		if ((n = read(c->fd, c->buf + c->len,
		    sizeof(c->buf) - c->len)) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		c->len += (size_t)n;
	}
	*consumed = (size_t)(nl - c->buf) + 1;
	*nl = '\0';
	if (nl > c->buf && nl[-1] == '\r')
		nl[-1] = '\0';
	*linep = c->buf;
	return 0;
}

static void
envelope_reset(struct envelope *e)
{
	int i;

	free(e->from);
	for (i = 0; i < e->nrcpt; i++)
		free(e->rcpt[i]);
	memset(e, 0, sizeof(*e));
}

/* The address of "FROM:<a@b> SIZE=10" after the verb: a@b, malloc'd. */
static char *
path_of(const char *arg)
{
	const char *lt, *gt;

	if ((lt = strchr(arg, '<')) == NULL || (gt = strchr(lt, '>')) == NULL)
		return NULL;
	return strndup(lt + 1, (size_t)(gt - lt - 1));
}

static FILE *
open_message(char **tmpp, char **finalp)
{
	FILE *f;
	int fd;

	if (asprintf(tmpp, "%s/.%03d.tmp", dir, saved + 1) < 0 ||
	    asprintf(finalp, "%s/%03d.eml", dir, saved + 1) < 0)
		die(3, "out of memory");
	fd = open(*tmpp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL)
		die(3, "cannot create '%s': %s", *tmpp, strerror(errno));
	return f;
}

/* DATA: lines up to ".", unstuffed (RFC 5321 4.5.2), saved to a file. */
static int
receive(struct client *c, struct envelope *e, size_t *consumed)
{
	char *line, *tmp, *final;
	FILE *f;
	int i;

	f = open_message(&tmp, &final);
	fprintf(f, "X-Envelope-From: %s\r\n", e->from);
	for (i = 0; i < e->nrcpt; i++)
		fprintf(f, "X-Envelope-To: %s\r\n", e->rcpt[i]);
	for (;;) {
		if (read_line(c, &line, consumed) != 0) {
			fclose(f);
			unlink(tmp);
			free(tmp);
			free(final);
			return -1;
		}
		if (strcmp(line, ".") == 0)
			break;
		fprintf(f, "%s\r\n", line[0] == '.' ? line + 1 : line);
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0 ||
	    rename(tmp, final) != 0)
		die(3, "cannot save '%s': %s", final, strerror(errno));
	free(tmp);
	free(final);
	saved++;
	return 0;
}

/* One verb of the session; -1 ends it. */
static int
command(struct client *c, struct envelope *e, char *line, size_t *consumed)
{
	char *addr;

	if (strncasecmp(line, "EHLO", 4) == 0) {
		envelope_reset(e);
		reply(c, "250-smtpsink\r\n250-8BITMIME\r\n"
		    "250 SIZE 33554432\r\n");
	} else if (strncasecmp(line, "HELO", 4) == 0) {
		envelope_reset(e);
		reply(c, "250 smtpsink\r\n");
	} else if (strncasecmp(line, "MAIL FROM:", 10) == 0) {
		envelope_reset(e);
		if ((e->from = path_of(line + 10)) == NULL)
			reply(c, "501 syntax: MAIL FROM:<address>\r\n");
		else
			reply(c, "250 sender ok\r\n");
	} else if (strncasecmp(line, "RCPT TO:", 8) == 0) {
		if (e->from == NULL)
			reply(c, "503 MAIL first\r\n");
		else if (e->nrcpt == MAX_RCPT)
			reply(c, "452 too many recipients\r\n");
		else if ((addr = path_of(line + 8)) == NULL)
			reply(c, "501 syntax: RCPT TO:<address>\r\n");
		else if (strncasecmp(addr, "refused@", 8) == 0) {
			free(addr);
			reply(c, "550 mailbox unavailable\r\n");
		} else {
			e->rcpt[e->nrcpt++] = addr;
			reply(c, "250 recipient ok\r\n");
		}
	} else if (strcasecmp(line, "DATA") == 0) {
		if (e->nrcpt == 0) {
			reply(c, "503 RCPT first\r\n");
			return 0;
		}
		reply(c, "354 end with <CRLF>.<CRLF>\r\n");
		if (receive(c, e, consumed) != 0)
			return -1;
		if (stall) {
			/* Hold the client, silent, until it goes away. */
			while (read_line(c, &line, consumed) == 0)
				continue;
			return -1;
		}
		envelope_reset(e);
		reply(c, "250 saved\r\n");
	} else if (strcasecmp(line, "RSET") == 0) {
		envelope_reset(e);
		reply(c, "250 reset\r\n");
	} else if (strncasecmp(line, "NOOP", 4) == 0)
		reply(c, "250 ok\r\n");
	else if (strcasecmp(line, "QUIT") == 0) {
		reply(c, "221 bye\r\n");
		return -1;
	} else
		reply(c, "502 not implemented\r\n");
	return 0;
}

static void
serve(int fd, int timeout_ms)
{
	static struct client c;
	struct envelope e;
	size_t consumed = 0;
	char *line;

	memset(&e, 0, sizeof(e));
	c.fd = fd;
	c.len = 0;
	c.timeout_ms = timeout_ms;
	reply(&c, "220 smtpsink ready\r\n");
	while (read_line(&c, &line, &consumed) == 0)
		if (command(&c, &e, line, &consumed) != 0)
			break;
	envelope_reset(&e);
	close(fd);
}

int
main(int argc, char *argv[])
{
	const char *portfile = NULL;
	struct pollfd pfd;
	int ch, fd, lfd, port, seconds = 30, n;

	while ((ch = getopt(argc, argv, "d:n:p:st:")) != -1) {
		switch (ch) {
		case 'd':
			dir = optarg;
			break;
		case 'n':
			want = number(optarg, 1);
			break;
		case 'p':
			portfile = optarg;
			break;
		case 's':
			stall = 1;
			break;
		case 't':
			seconds = number(optarg, 1);
			break;
		default:
			usage();
		}
	}
	if (portfile == NULL || dir == NULL || optind != argc)
		usage();
	signal(SIGPIPE, SIG_IGN);
	if ((lfd = listen_loopback(64, &port)) < 0)
		die(3, "cannot listen on 127.0.0.1: %s", strerror(errno));
	if (listen_write_port(portfile, port) != 0)
		die(3, "cannot write '%s': %s", portfile, strerror(errno));
	pfd.fd = lfd;
	pfd.events = POLLIN;
	while (want == 0 || saved < want) {
		if ((n = poll(&pfd, 1, seconds * 1000)) < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die(3, "poll: %s", strerror(errno));
		if (n == 0) {
			if (want == 0)
				break;
			die(1, "no traffic for %d seconds: %d of %d messages",
			    seconds, saved, want);
		}
		if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
			continue;
		serve(fd, seconds * 1000);
	}
	close(lfd);
	return 0;
}

/*
 * testhttpd: an HTTP/1.1 server, plain or TLS, for the live-check tests
 * and the probe benchmark (C6).  It listens on 127.0.0.1 only, on a port
 * the kernel picks, written to PORTFILE (atomically) once it accepts.
 *
 * A thread per connection, keep-alive, so that many slow answers overlap
 * (--delay makes every answer but /stats wait MS milliseconds).  Routes:
 *
 *	/live/...  /item...  /offer/...  /products/...  /product-detail/...
 *	/i/...  /detail/...  /hk/item.htm  /view_shop.htm  /	200
 *	/status/NNN		that status (200..599)
 *	/gone			404
 *	/410			410
 *	/redirect?to=URL	302 to URL (percent-decoded)
 *	/loop			302 to itself
 *	/item-not-found, /auction/noitem.htm
 *				200: "not found" pages a redirect points to
 *	/slow			answers after 60 s, or never if the client goes
 *	/big[?size=N]		200 with an N-byte body (8 MiB), streamed
 *	/stats			counters as "name value" lines (below)
 *	/stats/reset		zeroes them
 *	anything else		404
 *
 * /stats: requests (received), conns_peak (connections at once),
 * inflight_peak (requests being answered at once), big_sent (bytes of
 * the last /big body written before it ended), big_done (/big answers
 * ended), and "host NAME PEAK" for the peak per Host header.
 *
 * usage: testhttpd -p PORTFILE [-t IDLE_SECONDS] [--tls CERT KEY]
 *     [--delay MS] [--threads N]
 * --threads caps the connection threads (default 512); more connections
 * wait in the listen queue.  Exits 0 after IDLE_SECONDS (default 30)
 * without a connection, or on SIGTERM; 2 on usage errors; 3 when the
 * system fails.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "listen.h"
#include "banned.h"

#define HEAD_MAX	16384		/* request line and headers */
#define MAX_HOSTS	64		/* Host headers tracked */
#define SLOW_MS		60000		/* /slow: longer than any timeout */
#define BIG_DEFAULT	(8L * 1024 * 1024)
#define CHUNK		65536

struct conn {
	int		 fd;
	SSL		*ssl;		/* NULL for plain HTTP */
	char		 buf[HEAD_MAX];	/* bytes read, not yet used */
	size_t		 len;
};

struct request {
	char		 method[16];
	char		 target[4096];
	char		 host[128];
	int		 close;		/* Connection: close, or HTTP/1.0 */
	long		 body;		/* Content-Length to discard */
};

struct host_stat {
	char		 name[128];
	int		 inflight;
	int		 peak;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct {			/* under mu */
	long		 requests;
	int		 conns, conns_peak;
	int		 inflight, inflight_peak;
	long		 big_sent, big_done;
	struct host_stat hosts[MAX_HOSTS];
	int		 nhosts;
	struct timespec	 last;		/* last connection ended or began */
} st;

static SSL_CTX *ctx;		/* --tls */
static long delay_ms;		/* --delay */
static int idle_s = 30;		/* -t; also a connection's read timeout */
static volatile sig_atomic_t stop;

static void __attribute__((noreturn, format(printf, 2, 3)))
die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("testhttpd: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static void __attribute__((noreturn))
usage(void)
{
	fputs("usage: testhttpd -p PORTFILE [-t IDLE_SECONDS] "
	    "[--tls CERT KEY] [--delay MS] [--threads N]\n", stderr);
	exit(2);
}

static long
number(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		usage();
	return v;
}

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void
sleep_ms(long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* ---- counters ---- */

static struct host_stat *
host_stat(const char *name)
{
	int i;

	for (i = 0; i < st.nhosts; i++)
		if (strcmp(st.hosts[i].name, name) == 0)
			return &st.hosts[i];
	if (st.nhosts == MAX_HOSTS)
		return NULL;
	snprintf(st.hosts[st.nhosts].name, sizeof(st.hosts[0].name), "%s",
	    name);
	return &st.hosts[st.nhosts++];
}

static void
request_begins(const char *host)
{
	struct host_stat *h;

	pthread_mutex_lock(&mu);
	/*
	 * Counted here, before the answer: counted after it, a client
	 * could read /stats before the server thread got to it.
	 */
	st.requests++;
	if (++st.inflight > st.inflight_peak)
		st.inflight_peak = st.inflight;
	if ((h = host_stat(host)) != NULL && ++h->inflight > h->peak)
		h->peak = h->inflight;
	pthread_mutex_unlock(&mu);
}

static void
request_ends(const char *host)
{
	struct host_stat *h;

	pthread_mutex_lock(&mu);
	st.inflight--;
	if ((h = host_stat(host)) != NULL)
		h->inflight--;
	pthread_mutex_unlock(&mu);
}

static void
conn_count(int delta)
{
	pthread_mutex_lock(&mu);
	st.conns += delta;
	if (st.conns > st.conns_peak)
		st.conns_peak = st.conns;
	clock_gettime(CLOCK_MONOTONIC, &st.last);
	pthread_mutex_unlock(&mu);
}

/* ---- I/O, plain or TLS ---- */

static ssize_t
conn_read(struct conn *c, void *buf, size_t len)
{
	ssize_t n;
	int r;

	if (c->ssl != NULL) {
		r = SSL_read(c->ssl, buf, (int)len);
		return r > 0 ? r : -1;
	}
	while ((n = read(c->fd, buf, len)) < 0 && errno == EINTR)
		;
	return n > 0 ? n : -1;
}

static int
conn_write(struct conn *c, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		if (c->ssl != NULL)
			n = SSL_write(c->ssl, p, (int)len);
		else
			n = write(c->fd, p, len);
		if (n < 0 && c->ssl == NULL && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int __attribute__((format(printf, 2, 3)))
conn_printf(struct conn *c, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -1;
	return conn_write(c, buf, (size_t)n);
}

/* ---- requests ---- */

static const char *
reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 204:
		return "No Content";
	case 301:
		return "Moved Permanently";
	case 302:
		return "Found";
	case 404:
		return "Not Found";
	case 410:
		return "Gone";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	default:
		return "Status";
	}
}

/* The header block, NUL-terminated in c->buf; its length in *headp. */
static int
read_head(struct conn *c, size_t *headp)
{
	char *end;
	ssize_t n;

	for (;;) {
		if (c->len > 0) {
			c->buf[c->len < sizeof(c->buf) ? c->len :
			    sizeof(c->buf) - 1] = '\0';
			if ((end = strstr(c->buf, "\r\n\r\n")) != NULL) {
				*end = '\0';
				*headp = (size_t)(end - c->buf) + 4;
				return 0;
			}
		}
		if (c->len >= sizeof(c->buf) - 1)
			return -1;
		if ((n = conn_read(c, c->buf + c->len,
		    sizeof(c->buf) - 1 - c->len)) < 0)
			return -1;
		c->len += (size_t)n;
	}
}

static void
consume(struct conn *c, size_t n)
{
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
}

static int
parse(char *head, struct request *rq)
{
	char *line, *next, *v, version[16];

	memset(rq, 0, sizeof(*rq));
	next = strstr(head, "\r\n");
	if (next != NULL) {
		*next = '\0';
		next += 2;
	}
	if (sscanf(head, "%15s %4095s %15s", rq->method, rq->target,
	    version) != 3)
		return -1;
	rq->close = strcmp(version, "HTTP/1.1") != 0;
	snprintf(rq->host, sizeof(rq->host), "-");
	while ((line = next) != NULL && *line != '\0') {
		if ((next = strstr(line, "\r\n")) != NULL) {
			*next = '\0';
			next += 2;
		}
		if ((v = strchr(line, ':')) == NULL)
			continue;
		*v++ = '\0';
		while (*v == ' ' || *v == '\t')
			v++;
		if (strcasecmp(line, "Host") == 0)
			snprintf(rq->host, sizeof(rq->host), "%s", v);
		else if (strcasecmp(line, "Connection") == 0)
			rq->close = strcasecmp(v, "close") == 0 ? 1 :
			    strcasecmp(v, "keep-alive") == 0 ? 0 : rq->close;
		else if (strcasecmp(line, "Content-Length") == 0)
			rq->body = strtol(v, NULL, 10);
	}
	return 0;
}

static int
hexval(int ch)
{
	if (isdigit(ch))
		return ch - '0';
	ch = tolower(ch);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* Query parameter name of target, percent-decoded into out; 0 if found. */
static int
param(const char *target, const char *name, char *out, size_t size)
{
	const char *p = strchr(target, '?');
	size_t nlen = strlen(name), k = 0;
	int hi, lo;

	while (p != NULL) {
		p++;
		if (strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			for (p += nlen + 1; *p != '\0' && *p != '&' &&
			    k + 1 < size; p++) {
				if (*p == '%' && (hi = hexval(p[1])) >= 0 &&
				    (lo = hexval(p[2])) >= 0) {
					out[k++] = (char)(hi * 16 + lo);
					p += 2;
				} else
					out[k++] = *p == '+' ? ' ' : *p;
			}
			out[k] = '\0';
			return 0;
		}
		p = strchr(p, '&');
	}
	return -1;
}

static int
respond(struct conn *c, const struct request *rq, int status,
    const char *location, const char *body)
{
	int head = strcmp(rq->method, "HEAD") == 0;
	size_t len = body != NULL ? strlen(body) : 0;

	if (conn_printf(c, "HTTP/1.1 %d %s\r\nServer: testhttpd\r\n"
	    "Content-Type: text/plain\r\nContent-Length: %zu\r\n%s%s%s%s\r\n",
	    status, reason(status), len,
	    location != NULL ? "Location: " : "",
	    location != NULL ? location : "", location != NULL ? "\r\n" : "",
	    rq->close ? "Connection: close\r\n" : "") != 0)
		return -1;
	return head || len == 0 ? 0 : conn_write(c, body, len);
}

/* /big: a long body in chunks; stops when the client goes away. */
static int
big(struct conn *c, const struct request *rq)
{
	static char chunk[CHUNK];
	char arg[32];
	long size = BIG_DEFAULT, sent = 0, n;
	int rc = 0;

	if (param(rq->target, "size", arg, sizeof(arg)) == 0)
		size = strtol(arg, NULL, 10);
	memset(chunk, 'x', sizeof(chunk));
	if (conn_printf(c, "HTTP/1.1 200 OK\r\nServer: testhttpd\r\n"
	    "Content-Type: text/plain\r\nContent-Length: %ld\r\n\r\n",
	    size) != 0)
		return -1;
	while (strcmp(rq->method, "HEAD") != 0 && sent < size) {
		n = size - sent < CHUNK ? size - sent : CHUNK;
		if ((rc = conn_write(c, chunk, (size_t)n)) != 0)
			break;
		sent += n;
	}
	pthread_mutex_lock(&mu);
	st.big_sent = sent;
	st.big_done++;
	pthread_mutex_unlock(&mu);
	return rc;
}

/* /slow: waits SLOW_MS, but gives up as soon as the client goes away. */
static int
slow(struct conn *c, const struct request *rq)
{
	struct pollfd pfd;
	long left = SLOW_MS;

	pfd.fd = c->fd;
	pfd.events = POLLIN | POLLRDHUP;
	while (left > 0 && !stop) {
		if (poll(&pfd, 1, 200) != 0)
			return -1;	/* the client left (or spoke) */
		left -= 200;
	}
	return respond(c, rq, 200, NULL, "slow\n");
}

static int
stats(struct conn *c, const struct request *rq)
{
	char body[8192];
	size_t off = 0;
	int i;

	pthread_mutex_lock(&mu);
	if (strcmp(rq->target, "/stats/reset") == 0) {
		st.requests = 0;
		st.conns_peak = st.conns;
		st.inflight_peak = st.inflight;
		st.big_sent = st.big_done = 0;
		st.nhosts = 0;
	}
	off += (size_t)snprintf(body, sizeof(body), "requests %ld\n"
	    "conns_peak %d\ninflight_peak %d\nbig_sent %ld\nbig_done %ld\n",
	    st.requests, st.conns_peak, st.inflight_peak, st.big_sent,
	    st.big_done);
	for (i = 0; i < st.nhosts && off < sizeof(body); i++)
		off += (size_t)snprintf(body + off, sizeof(body) - off,
		    "host %s %d\n", st.hosts[i].name, st.hosts[i].peak);
	pthread_mutex_unlock(&mu);
	return respond(c, rq, 200, NULL, body);
}

static int
is_page(const char *path)
{
	static const char *const pages[] = {
		"/live/", "/item", "/offer/", "/products/", "/product-detail/",
		"/i/", "/detail/", "/hk/item.htm", "/view_shop.htm",
	};
	size_t i;

	if (strcmp(path, "/") == 0)
		return 1;
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (strncmp(path, pages[i], strlen(pages[i])) == 0)
			return 1;
	return 0;
}

static int
route(struct conn *c, const struct request *rq)
{
	char path[4096], to[4096];
	long code;

	snprintf(path, sizeof(path), "%s", rq->target);
	path[strcspn(path, "?")] = '\0';
	if (strncmp(path, "/status/", 8) == 0) {
		code = strtol(path + 8, NULL, 10);
		if (code < 200 || code > 599)
			code = 500;
		snprintf(to, sizeof(to), "status %ld\n", code);
		return respond(c, rq, (int)code, NULL,
		    code == 204 || code == 304 ? NULL : to);
	}
	if (strcmp(path, "/gone") == 0)
		return respond(c, rq, 404, NULL, "gone\n");
	if (strcmp(path, "/410") == 0)
		return respond(c, rq, 410, NULL, "gone for good\n");
	if (strcmp(path, "/redirect") == 0) {
		if (param(rq->target, "to", to, sizeof(to)) != 0)
			return respond(c, rq, 400, NULL, "no to=\n");
		return respond(c, rq, 302, to, "moved\n");
	}
	if (strcmp(path, "/loop") == 0)
		return respond(c, rq, 302, "/loop", "again\n");
	if (strcmp(path, "/slow") == 0)
		return slow(c, rq);
	if (strcmp(path, "/big") == 0)
		return big(c, rq);
	if (strncmp(path, "/item-not-found", 15) == 0 ||
	    strcmp(path, "/auction/noitem.htm") == 0)
		return respond(c, rq, 200, NULL, "item not found\n");
	if (is_page(path))
		return respond(c, rq, 200, NULL, "live\n");
	return respond(c, rq, 404, NULL, "not found\n");
}

/* Drops a request body the client sent (tests send none). */
static int
skip_body(struct conn *c, long len)
{
	char tmp[4096];
	size_t take;
	ssize_t n;

	while (len > 0) {
		if (c->len > 0) {
			take = (size_t)len < c->len ? (size_t)len : c->len;
			consume(c, take);
			len -= (long)take;
			continue;
		}
		if ((n = conn_read(c, tmp, sizeof(tmp) < (size_t)len ?
		    sizeof(tmp) : (size_t)len)) < 0)
			return -1;
		len -= n;
	}
	return 0;
}

static void
serve(struct conn *c)
{
	struct request rq;
	size_t head;
	int rc, counted;

	if (c->ssl != NULL && SSL_accept(c->ssl) != 1)
		return;
	while (!stop && read_head(c, &head) == 0) {
		if (parse(c->buf, &rq) != 0)
			return;
		consume(c, head);
		if (rq.body > 0 && skip_body(c, rq.body) != 0)
			return;
		counted = strncmp(rq.target, "/stats", 6) != 0;
		if (counted) {
			request_begins(rq.host);
			if (delay_ms > 0)
				sleep_ms(delay_ms);
		}
		rc = counted ? route(c, &rq) : stats(c, &rq);
		if (counted)
			request_ends(rq.host);
		if (rc != 0 || rq.close)
			return;
	}
}

static void *
conn_main(void *arg)
{
	struct conn *c = arg;

	serve(c);
	if (c->ssl != NULL) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	close(c->fd);
	free(c);
	conn_count(-1);
	return NULL;
}

/* ---- set-up ---- */

static void
tls_setup(const char *cert, const char *key)
{
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL ||
	    SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1)
		die(3, "cannot use '%s' and '%s': %s", cert, key,
		    ERR_error_string(ERR_get_error(), NULL));
}

static void
start_conn(int fd, pthread_attr_t *attr)
{
	struct timeval tv;
	struct conn *c;
	pthread_t t;
	int on = 1;

	tv.tv_sec = idle_s;
	tv.tv_usec = 0;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	if ((c = calloc(1, sizeof(*c))) == NULL)
		die(3, "out of memory");
	c->fd = fd;
	if (ctx != NULL && ((c->ssl = SSL_new(ctx)) == NULL ||
	    SSL_set_fd(c->ssl, fd) != 1))
		die(3, "cannot start TLS");
	conn_count(1);
	if (pthread_create(&t, attr, conn_main, c) != 0)
		die(3, "cannot start a thread");
}

static int
idle_for(void)
{
	struct timespec now;
	int idle;

	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&mu);
	idle = st.conns == 0 && now.tv_sec - st.last.tv_sec >= idle_s;
	pthread_mutex_unlock(&mu);
	return idle;
}

static int
threads_busy(int max)
{
	int busy;

	pthread_mutex_lock(&mu);
	busy = st.conns >= max;
	pthread_mutex_unlock(&mu);
	return busy;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "tls", required_argument, NULL, 'T' },
		{ "delay", required_argument, NULL, 'D' },
		{ "threads", required_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 },
	};
	const char *portfile = NULL, *cert = NULL, *key = NULL;
	struct sigaction sa;
	pthread_attr_t attr;
	struct pollfd pfd;
	int ch, fd, lfd, port, max_threads = 512;

	while ((ch = getopt_long(argc, argv, "p:t:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			portfile = optarg;
			break;
		case 't':
			idle_s = (int)number(optarg, 1, 86400);
			break;
		case 'T':
			if (optind >= argc)
				usage();
			cert = optarg;
			key = argv[optind++];
			break;
		case 'D':
			delay_ms = number(optarg, 0, 600000);
			break;
		case 'N':
			max_threads = (int)number(optarg, 1, 4096);
			break;
		default:
			usage();
		}
	}
	if (portfile == NULL || optind != argc)
		usage();
	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (cert != NULL)
		tls_setup(cert, key);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	clock_gettime(CLOCK_MONOTONIC, &st.last);
	if ((lfd = listen_loopback(1024, &port)) < 0)
		die(3, "cannot listen on 127.0.0.1: %s", strerror(errno));
	if (listen_write_port(portfile, port) != 0)
		die(3, "cannot write '%s': %s", portfile, strerror(errno));
	pfd.fd = lfd;
	pfd.events = POLLIN;
	while (!stop && !idle_for()) {
		if (threads_busy(max_threads)) {
			sleep_ms(10);
			continue;
		}
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) >= 0)
			start_conn(fd, &attr);
	}
	close(lfd);
	pthread_attr_destroy(&attr);
	/* Connection threads may still run: they hold ctx, so keep it. */
	return 0;
}

/*
 * The live checker (C6) against tests/helpers/testhttpd on 127.0.0.1
 * (path from IPP_HELPERS): plain HTTP, HTTPS with a throw-away CA made
 * by tests/helpers/mkcerts.sh (IPP_MKCERTS overrides its path), and a
 * slow server for the concurrency limits.  The checks reach 127.0.0.1
 * with allow_private set to loopback only, so redirects to 10.0.0.1 and
 * other private addresses are still refused before a packet leaves.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "curl_dl.h"
#include "err.h"
#include "http.h"
#include "banned.h"

#define MiB (1024L * 1024L)

struct server {
	pid_t	 pid;
	int	 port;
};

static struct {
	char		 dir[64];	/* certificates and port files */
	struct server	 plain;		/* answers at once */
	struct server	 tls;		/* https with dir/server.pem */
	struct server	 slow;		/* plain, every answer after 20 ms */
	char		 base[64];	/* http://127.0.0.1:PORT */
	char		 ca[128];	/* dir/ca.pem */
} g;

static int
remove_one(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	return remove(path);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Starts testhttpd with extra arguments (NULL-terminated). */
static int
start_server(struct server *s, const char *name, ...)
{
	const char *helpers = getenv("IPP_HELPERS"), *argv[16];
	char prog[512], portfile[128];
	va_list ap;
	FILE *f;
	int argc = 0, i;

	if (helpers == NULL) {
		fprintf(stderr, "test_http: set IPP_HELPERS\n");
		return -1;
	}
	snprintf(prog, sizeof(prog), "%s/testhttpd", helpers);
	snprintf(portfile, sizeof(portfile), "%s/%s.port", g.dir, name);
	argv[argc++] = "testhttpd";
	argv[argc++] = "-p";
	argv[argc++] = portfile;
	argv[argc++] = "-t";
	argv[argc++] = "60";
	va_start(ap, name);
	while (argc < 15 && (argv[argc] = va_arg(ap, const char *)) != NULL)
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	if ((s->pid = fork()) < 0)
		return -1;
	if (s->pid == 0) {
		execv(prog, (char *const *)argv);
		fprintf(stderr, "test_http: cannot run '%s': %s\n", prog,
		    strerror(errno));
		_exit(127);
	}
	for (i = 0; i < 500; i++) {
		if ((f = fopen(portfile, "r")) != NULL) {
			if (fscanf(f, "%d", &s->port) != 1)
				s->port = 0;
			fclose(f);
			if (s->port > 0)
				return 0;
		}
		if (waitpid(s->pid, NULL, WNOHANG) == s->pid) {
			s->pid = 0;
			return -1;
		}
		sleep_ms(10);
	}
	return -1;
}

static void
stop_server(struct server *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
}

static int
group_setup(void **state)
{
	const char *mk = getenv("IPP_MKCERTS");
	char cmd[512], cert[128], key[128];

	unsetenv("IPP_ALLOW_PRIVATE");
	unsetenv("IPP_CA_BUNDLE");
	unsetenv("IPP_CONNECT_TO");
	unsetenv("IPP_HTTP_CONCURRENCY");
	unsetenv("IPP_HTTP_PER_HOST");
	snprintf(g.dir, sizeof(g.dir), "/tmp/ipp-test-http-XXXXXX");
	if (mkdtemp(g.dir) == NULL)
		return -1;
	snprintf(cmd, sizeof(cmd), "sh '%s' '%s'",
	    mk != NULL ? mk : "tests/helpers/mkcerts.sh", g.dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "test_http: '%s' failed\n", cmd);
		return -1;
	}
	snprintf(g.ca, sizeof(g.ca), "%s/ca.pem", g.dir);
	snprintf(cert, sizeof(cert), "%s/server.pem", g.dir);
	snprintf(key, sizeof(key), "%s/server.key", g.dir);
	if (start_server(&g.plain, "plain", NULL) != 0 ||
	    start_server(&g.tls, "tls", "--tls", cert, key, NULL) != 0 ||
	    start_server(&g.slow, "slow", "--delay", "20", NULL) != 0)
		return -1;
	snprintf(g.base, sizeof(g.base), "http://127.0.0.1:%d", g.plain.port);
	return 0;
}

static int
group_teardown(void **state)
{
	stop_server(&g.plain);
	stop_server(&g.tls);
	stop_server(&g.slow);
	nftw(g.dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	ipp_curl_unload();
	return 0;
}

/* The defaults, reaching 127.0.0.1 only (loopback), short timeouts. */
static void
local_options(struct ipp_http_options *o)
{
	ipp_http_defaults(o);
	o->allow_private = IPP_HTTP_PRIVATE_LOOPBACK;
	o->connect_timeout_ms = 2000;
	o->timeout_ms = 5000;
}

/* A raw GET of the plain server's path (its /stats); the body, malloc'd. */
static char *
raw_get(int port, const char *path)
{
	struct sockaddr_in sin;
	char buf[8192], *body;
	size_t len = 0;
	ssize_t n;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	n = snprintf(buf, sizeof(buf), "GET %s HTTP/1.1\r\nHost: stats\r\n"
	    "Connection: close\r\n\r\n", path);
	assert_int_equal(write(fd, buf, (size_t)n), n);
	while (len < sizeof(buf) - 1 &&
	    (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	assert_non_null(body = strstr(buf, "\r\n\r\n"));
	body = strdup(body + 4);
	assert_non_null(body);
	return body;
}

/* The value of "name N" in a /stats body. */
static long
stat_of(const char *stats, const char *name)
{
	char key[160];
	const char *p;

	snprintf(key, sizeof(key), "%s ", name);
	for (p = stats; (p = strstr(p, key)) != NULL; p++)
		if (p == stats || p[-1] == '\n')
			return strtol(p + strlen(key), NULL, 10);
	fail_msg("no '%s' in /stats:\n%s", name, stats);
	return -1;
}

static long
server_stat(int port, const char *name)
{
	char *s = raw_get(port, "/stats");
	long v = stat_of(s, name);

	free(s);
	return v;
}

static void
reset_stats(int port)
{
	free(raw_get(port, "/stats/reset"));
}

/* Checks one URL; the verdict in *ck. */
static void
check_one(struct ipp_http_check *ck, const char *url, const char *gone_page,
    const struct ipp_http_options *o)
{
	char *err = NULL;
	int rc;

	memset(ck, 0, sizeof(*ck));
	ck->url = url;
	ck->gone_page = gone_page;
	rc = ipp_http_check_all(ck, 1, o, NULL, NULL, &err);
	if (rc != IPP_OK)
		fail_msg("ipp_http_check_all: %s", err);
	free(err);
}

#define assert_note(ck, text) do {					\
	if (strstr((ck)->note, (text)) == NULL)				\
		fail_msg("%s: note '%s' lacks '%s'", (ck)->url,	\
		    (ck)->note, (text));				\
} while (0)

static void
test_defaults(void **state)
{
	struct ipp_http_options o;

	ipp_http_defaults(&o);
	assert_int_equal(o.concurrency, 32);
	assert_int_equal(o.per_host, 8);
	assert_int_equal(o.connect_timeout_ms, 5000);
	assert_int_equal(o.timeout_ms, 15000);
	assert_int_equal(o.max_body, MiB);
	assert_int_equal(o.max_redirects, 5);
	assert_int_equal(o.allow_private, IPP_HTTP_PRIVATE_REFUSE);
	assert_null(o.ca_bundle);
	assert_null(o.connect_to);

	setenv("IPP_ALLOW_PRIVATE", "1", 1);
	setenv("IPP_CA_BUNDLE", "/x/ca.pem", 1);
	setenv("IPP_CONNECT_TO", "a:443:127.0.0.1:1", 1);
	setenv("IPP_HTTP_CONCURRENCY", "7", 1);
	setenv("IPP_HTTP_PER_HOST", "3", 1);
	ipp_http_defaults(&o);
	assert_int_equal(o.allow_private, IPP_HTTP_PRIVATE_ALLOW);
	assert_string_equal(o.ca_bundle, "/x/ca.pem");
	assert_string_equal(o.connect_to, "a:443:127.0.0.1:1");
	assert_int_equal(o.concurrency, 7);
	assert_int_equal(o.per_host, 3);

	/* Anything but 1 or loopback refuses; bad numbers are ignored. */
	setenv("IPP_ALLOW_PRIVATE", "loopback", 1);
	setenv("IPP_HTTP_CONCURRENCY", "0", 1);
	setenv("IPP_HTTP_PER_HOST", "lots", 1);
	ipp_http_defaults(&o);
	assert_int_equal(o.allow_private, IPP_HTTP_PRIVATE_LOOPBACK);
	assert_int_equal(o.concurrency, 32);
	assert_int_equal(o.per_host, 8);
	setenv("IPP_ALLOW_PRIVATE", "yes", 1);
	ipp_http_defaults(&o);
	assert_int_equal(o.allow_private, IPP_HTTP_PRIVATE_REFUSE);

	unsetenv("IPP_ALLOW_PRIVATE");
	unsetenv("IPP_CA_BUNDLE");
	unsetenv("IPP_CONNECT_TO");
	unsetenv("IPP_HTTP_CONCURRENCY");
	unsetenv("IPP_HTTP_PER_HOST");
	assert_string_equal(ipp_http_verdict_name(IPP_HTTP_LIVE), "live");
	assert_string_equal(ipp_http_verdict_name(IPP_HTTP_GONE), "gone");
	assert_string_equal(ipp_http_verdict_name(IPP_HTTP_ERROR), "error");
}

static void
test_refused_ranges(void **state)
{
	static const struct {
		const char	*addr;
		const char	*why;	/* NULL: reachable */
	} t[] = {
		{ "8.8.8.8", NULL }, { "93.184.216.34", NULL },
		{ "0.0.0.0", "unspecified" }, { "0.1.2.3", "unspecified" },
		{ "127.0.0.1", "loopback" }, { "127.255.0.9", "loopback" },
		{ "10.0.0.1", "private" }, { "10.255.255.255", "private" },
		{ "172.16.0.1", "private" }, { "172.31.255.1", "private" },
		{ "172.15.0.1", NULL }, { "172.32.0.1", NULL },
		{ "192.168.1.1", "private" }, { "192.169.0.1", NULL },
		{ "169.254.169.254", "link-local" },
		{ "100.64.0.1", "shared" }, { "100.127.255.1", "shared" },
		{ "100.128.0.1", NULL }, { "100.63.0.1", NULL },
		{ "224.0.0.1", "multicast" }, { "255.255.255.255", "reserved" },
		{ "2001:4860:4860::8888", NULL },
		{ "::", "unspecified" }, { "::1", "loopback" },
		{ "fc00::1", "private" }, { "fd12:3456::1", "private" },
		{ "fe80::1", "link-local" }, { "febf::1", "link-local" },
		{ "ff02::1", "multicast" },
		{ "::ffff:10.0.0.1", "private" },
		{ "::ffff:127.0.0.1", "loopback" },
		{ "::ffff:169.254.1.1", "link-local" },
		{ "::ffff:8.8.8.8", NULL },
		{ "64:ff9b::c0a8:1", "private" },	/* 192.168.0.1 */
		{ "64:ff9b::8.8.8.8", NULL },
	};
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	char text[64];
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&sin, 0, sizeof(sin));
		memset(&sin6, 0, sizeof(sin6));
		if (inet_pton(AF_INET, t[i].addr, &sin.sin_addr) == 1) {
			sin.sin_family = AF_INET;
			why = ipp_http_refused_address(
			    (struct sockaddr *)&sin, text, sizeof(text));
		} else {
			assert_int_equal(inet_pton(AF_INET6, t[i].addr,
			    &sin6.sin6_addr), 1);
			sin6.sin6_family = AF_INET6;
			why = ipp_http_refused_address(
			    (struct sockaddr *)&sin6, text, sizeof(text));
		}
		if (t[i].why == NULL && why != NULL)
			fail_msg("%s refused (%s)", t[i].addr, why);
		if (t[i].why != NULL && (why == NULL ||
		    strcmp(why, t[i].why) != 0))
			fail_msg("%s: '%s', want '%s'", t[i].addr,
			    why != NULL ? why : "(reachable)", t[i].why);
		if (why != NULL)
			assert_string_equal(text, t[i].addr);
	}
}

static void
test_verdicts(void **state)
{
	static const struct {
		const char	*path;
		const char	*gone_page;
		enum ipp_http_verdict verdict;
		long		 status;
		const char	*note;
	} t[] = {
		{ "/live/1", NULL, IPP_HTTP_LIVE, 200, "" },
		{ "/item.htm?id=42", NULL, IPP_HTTP_LIVE, 200, "" },
		{ "/gone", NULL, IPP_HTTP_GONE, 404, "HTTP 404" },
		{ "/410", NULL, IPP_HTTP_GONE, 410, "HTTP 410" },
		{ "/redirect?to=/item-not-found%3Fid%3D1", "/item-not-found",
		    IPP_HTTP_GONE, 200, "redirected to " },
		/* Without the platform's page, a 200 there is live. */
		{ "/redirect?to=/item-not-found", NULL, IPP_HTTP_LIVE, 200,
		    "/item-not-found" },
		{ "/redirect?to=/gone", NULL, IPP_HTTP_GONE, 404,
		    "redirected to " },
		/* An error is never gone, even at the "not found" page. */
		{ "/redirect?to=/item-not-found/x/../../status/503",
		    "/status/", IPP_HTTP_ERROR, 503, "HTTP 503" },
		{ "/loop", NULL, IPP_HTTP_ERROR, 302, "too many redirects" },
		{ "/redirect?to=file:///etc/passwd", NULL, IPP_HTTP_ERROR,
		    302, "redirect to a non-http scheme: file:///etc/passwd" },
		{ "/redirect?to=gopher://127.0.0.1/", NULL, IPP_HTTP_ERROR,
		    302, "non-http scheme" },
		{ "/redirect?to=http://10.0.0.1/item.htm", NULL,
		    IPP_HTTP_ERROR, 302, "refused address 10.0.0.1 (private)" },
		{ "/redirect?to=http://192.168.77.1:8080/", NULL,
		    IPP_HTTP_ERROR, 302,
		    "refused address 192.168.77.1 (private)" },
		{ "/redirect?to=http://169.254.169.254/latest/", NULL,
		    IPP_HTTP_ERROR, 302, "(link-local)" },
		{ "/redirect?to=http://[::ffff:10.1.2.3]/", NULL,
		    IPP_HTTP_ERROR, 302,
		    "refused address ::ffff:10.1.2.3 (private)" },
		{ "/status/500", NULL, IPP_HTTP_ERROR, 500, "HTTP 500" },
		{ "/status/403", NULL, IPP_HTTP_ERROR, 403, "HTTP 403" },
		{ "/status/301", NULL, IPP_HTTP_ERROR, 301, "HTTP 301" },
		{ "/status/204", NULL, IPP_HTTP_LIVE, 204, "" },
		{ "/nothing-here", NULL, IPP_HTTP_GONE, 404, "HTTP 404" },
	};
	enum { N = sizeof(t) / sizeof(t[0]) };
	struct ipp_http_check ck[N + 3];
	struct ipp_http_options o;
	char urls[N][256], *err = NULL;
	size_t i;

	memset(ck, 0, sizeof(ck));
	for (i = 0; i < N; i++) {
		snprintf(urls[i], sizeof(urls[i]), "%s%s", g.base, t[i].path);
		ck[i].url = urls[i];
		ck[i].gone_page = t[i].gone_page;
	}
	ck[N].url = "ftp://127.0.0.1/x";
	ck[N + 1].url = "no scheme at all";
	ck[N + 2].url = "file:///etc/passwd";
	local_options(&o);
	assert_int_equal(ipp_http_check_all(ck, N + 3, &o, NULL, NULL, &err),
	    IPP_OK);
	for (i = 0; i < N; i++) {
		if (ck[i].verdict != t[i].verdict || ck[i].status !=
		    t[i].status)
			fail_msg("%s: %s %ld (%s), want %s %ld", t[i].path,
			    ipp_http_verdict_name(ck[i].verdict),
			    ck[i].status, ck[i].note,
			    ipp_http_verdict_name(t[i].verdict), t[i].status);
		if (t[i].note[0] == '\0')
			assert_string_equal(ck[i].note, "");
		else
			assert_note(&ck[i], t[i].note);
	}
	for (i = N; i < N + 3; i++) {
		assert_int_equal(ck[i].verdict, IPP_HTTP_ERROR);
		assert_int_equal(ck[i].status, 0);
	}
	assert_note(&ck[N], "not an http or https URL");
	assert_note(&ck[N + 1], "malformed URL");
	assert_note(&ck[N + 2], "not an http or https URL");
}

/* Off, 127.0.0.1 itself is refused, and nothing reaches the server. */
static void
test_private_refused(void **state)
{
	struct ipp_http_check ck;
	struct ipp_http_options o;
	char url[128];

	reset_stats(g.plain.port);
	snprintf(url, sizeof(url), "%s/live/1", g.base);
	local_options(&o);
	o.allow_private = IPP_HTTP_PRIVATE_REFUSE;
	check_one(&ck, url, NULL, &o);
	assert_int_equal(ck.verdict, IPP_HTTP_ERROR);
	assert_int_equal(ck.status, 0);
	assert_string_equal(ck.note, "refused address 127.0.0.1 (loopback)");
	snprintf(url, sizeof(url), "http://localhost:%d/live/2",
	    g.plain.port);
	check_one(&ck, url, NULL, &o);
	assert_int_equal(ck.verdict, IPP_HTTP_ERROR);
	assert_note(&ck, "(loopback)");
	assert_int_equal(server_stat(g.plain.port, "requests"), 0);

	/* Allowed all, the same URL is live. */
	o.allow_private = IPP_HTTP_PRIVATE_ALLOW;
	check_one(&ck, url, NULL, &o);
	assert_int_equal(ck.verdict, IPP_HTTP_LIVE);
	assert_int_equal(server_stat(g.plain.port, "requests"), 1);
}

static void
test_timeout(void **state)
{
	struct ipp_http_check ck;
	struct ipp_http_options o;
	char url[128];
	double t0, t;

	snprintf(url, sizeof(url), "%s/slow", g.base);
	local_options(&o);
	o.timeout_ms = 500;
	t0 = now_s();
	check_one(&ck, url, NULL, &o);
	t = now_s() - t0;
	assert_int_equal(ck.verdict, IPP_HTTP_ERROR);
	assert_string_equal(ck.note, "timeout after 500 ms");
	if (t < 0.45 || t > 3.0)
		fail_msg("timed out after %.2f s, want about 0.5", t);
}

/* A 256 MiB body: the status stands, and the transfer stops early. */
static void
test_body_cap(void **state)
{
	struct ipp_http_check ck;
	struct ipp_http_options o;
	char url[128];
	long sent = 0;
	double t0;
	int i;

	reset_stats(g.plain.port);
	snprintf(url, sizeof(url), "%s/big?size=%ld", g.base, 256 * MiB);
	local_options(&o);
	t0 = now_s();
	check_one(&ck, url, NULL, &o);
	assert_int_equal(ck.verdict, IPP_HTTP_LIVE);
	assert_int_equal(ck.status, 200);
	assert_true(now_s() - t0 < 3.0);
	/* The server notices the client has gone once its buffers fill. */
	for (i = 0; i < 300 && server_stat(g.plain.port, "big_done") == 0;
	    i++)
		sleep_ms(10);
	assert_int_equal(server_stat(g.plain.port, "big_done"), 1);
	sent = server_stat(g.plain.port, "big_sent");
	if (sent >= 64 * MiB)
		fail_msg("the server wrote %ld bytes of the body", sent);
	assert_true(sent >= MiB);

	/* A body under the cap is read to its end. */
	reset_stats(g.plain.port);
	snprintf(url, sizeof(url), "%s/big?size=%ld", g.base, MiB / 2);
	check_one(&ck, url, NULL, &o);
	assert_int_equal(ck.verdict, IPP_HTTP_LIVE);
	for (i = 0; i < 300 && server_stat(g.plain.port, "big_done") == 0;
	    i++)
		sleep_ms(10);
	assert_int_equal(server_stat(g.plain.port, "big_sent"), MiB / 2);

	/* A cap of 0 bytes still gives the verdict of the status line. */
	o.max_body = 0;
	snprintf(url, sizeof(url), "%s/big", g.base);
	check_one(&ck, url, NULL, &o);
	assert_int_equal(ck.verdict, IPP_HTTP_LIVE);
	snprintf(url, sizeof(url), "%s/gone", g.base);
	check_one(&ck, url, NULL, &o);
	assert_int_equal(ck.verdict, IPP_HTTP_GONE);
}

/* Real-shaped https URLs reach the local server through connect_to. */
static void
test_tls(void **state)
{
	struct ipp_http_check ck[6];
	struct ipp_http_options o;
	char connect_to[256], *err = NULL;
	size_t i;

	snprintf(connect_to, sizeof(connect_to),
	    "item.taobao.com:443:127.0.0.1:%d, detail.tmall.com:443:"
	    "127.0.0.1:%d,www.aliexpress.com:443:127.0.0.1:%d",
	    g.tls.port, g.tls.port, g.tls.port);
	local_options(&o);
	o.ca_bundle = g.ca;
	o.connect_to = connect_to;
	memset(ck, 0, sizeof(ck));
	ck[0].url = "https://item.taobao.com/item.htm?id=520813250866";
	ck[1].url = "https://detail.tmall.com/item.htm?id=1";
	ck[2].url = "https://www.aliexpress.com/item/1005001234567890.html";
	/* Taobao's "no item" page (lib/url.c), as a path and as a URL. */
	ck[3].url = "https://item.taobao.com/redirect?to="
	    "/auction/noitem.htm%3Fitemid%3D1";
	ck[3].gone_page = "/auction/noitem.htm";
	ck[4].url = "https://item.taobao.com/redirect?to="
	    "https://detail.tmall.com/auction/noitem.htm";
	ck[4].gone_page = "https://detail.tmall.com/auction/";
	ck[5].url = "https://item.taobao.com/gone";
	assert_int_equal(ipp_http_check_all(ck, 6, &o, NULL, NULL, &err),
	    IPP_OK);
	for (i = 0; i < 3; i++)
		if (ck[i].verdict != IPP_HTTP_LIVE)
			fail_msg("%s: %s", ck[i].url, ck[i].note);
	assert_int_equal(ck[3].verdict, IPP_HTTP_GONE);
	assert_note(&ck[3],
	    "https://item.taobao.com/auction/noitem.htm?itemid=1");
	assert_int_equal(ck[4].verdict, IPP_HTTP_GONE);
	assert_int_equal(ck[5].verdict, IPP_HTTP_GONE);
	assert_int_equal(ck[5].status, 404);

	/* Without the CA, the peer cannot be verified. */
	o.ca_bundle = NULL;
	check_one(&ck[0], "https://item.taobao.com/item.htm?id=1", NULL, &o);
	assert_int_equal(ck[0].verdict, IPP_HTTP_ERROR);
	assert_int_equal(ck[0].status, 0);
	if (strncmp(ck[0].note, "TLS: ", 5) != 0)
		fail_msg("note '%s'", ck[0].note);

	/* With it, a host the certificate does not name is refused. */
	o.ca_bundle = g.ca;
	snprintf(connect_to, sizeof(connect_to),
	    "www.example.com:443:127.0.0.1:%d", g.tls.port);
	check_one(&ck[0], "https://www.example.com/live/1", NULL, &o);
	assert_int_equal(ck[0].verdict, IPP_HTTP_ERROR);
	assert_note(&ck[0], "TLS: ");
}

struct tally {
	size_t	 calls, done, total, live, gone, error;
};

static void
progress(void *arg, size_t done, size_t total, size_t live, size_t gone,
    size_t error)
{
	struct tally *t = arg;

	assert_int_equal(done, t->done + 1);
	assert_int_equal(live + gone + error, done);
	t->calls++;
	t->done = done;
	t->total = total;
	t->live = live;
	t->gone = gone;
	t->error = error;
}

/*
 * Many URLs on the server that answers after 20 ms: all live, never more
 * than per_host (or concurrency, when smaller) answered at once.
 */
static void
concurrent(int n, int concurrency, int per_host, long want_peak)
{
	struct ipp_http_check *ck;
	struct ipp_http_options o;
	struct tally t;
	char (*urls)[64], *err = NULL, *stats;
	long peak;
	int i;

	assert_non_null(ck = calloc((size_t)n, sizeof(*ck)));
	assert_non_null(urls = calloc((size_t)n, sizeof(*urls)));
	for (i = 0; i < n; i++) {
		snprintf(urls[i], sizeof(urls[i]),
		    "http://127.0.0.1:%d/live/%d", g.slow.port, i);
		ck[i].url = urls[i];
	}
	/* One that fails before any transfer counts too. */
	ck[n - 1].url = "ftp://127.0.0.1/";
	reset_stats(g.slow.port);
	local_options(&o);
	o.concurrency = concurrency;
	o.per_host = per_host;
	memset(&t, 0, sizeof(t));
	assert_int_equal(ipp_http_check_all(ck, (size_t)n, &o, progress, &t,
	    &err), IPP_OK);
	for (i = 0; i < n - 1; i++)
		if (ck[i].verdict != IPP_HTTP_LIVE)
			fail_msg("%s: %s", ck[i].url, ck[i].note);
	assert_int_equal(t.calls, n);
	assert_int_equal(t.total, n);
	assert_int_equal(t.live, n - 1);
	assert_int_equal(t.error, 1);
	stats = raw_get(g.slow.port, "/stats");
	assert_int_equal(stat_of(stats, "requests"), n - 1);
	peak = stat_of(stats, "inflight_peak");
	if (peak > want_peak || peak < want_peak / 2)
		fail_msg("%ld requests at once, want up to %ld:\n%s", peak,
		    want_peak, stats);
	/*
	 * The server sees a connection until it reads its close, so a new
	 * one may overlap an old one briefly: requests at once (above) is
	 * the exact measure; connections only catch a runaway.
	 */
	if (stat_of(stats, "conns_peak") > 2 * want_peak)
		fail_msg("more than %ld connections:\n%s", 2 * want_peak, stats);
	free(stats);
	free(urls);
	free(ck);
}

static void
test_per_host(void **state)
{
	double t0 = now_s();

	concurrent(200, 32, 8, 8);
	/* 200 answers of 20 ms, 8 at a time: 0.5 s at best. */
	assert_true(now_s() - t0 < 5.0);
}

static void
test_concurrency(void **state)
{
	concurrent(60, 4, 8, 4);
}

static void
test_nothing(void **state)
{
	struct ipp_http_options o;
	char *err = NULL;

	ipp_http_defaults(&o);
	assert_int_equal(ipp_http_check_all(NULL, 0, &o, NULL, NULL, &err),
	    IPP_OK);
	assert_null(err);
}

static void
test_dns(void **state)
{
	struct ipp_http_check ck;
	struct ipp_http_options o;

	local_options(&o);
	/* RFC 6761: .invalid never resolves. */
	check_one(&ck, "http://no-such-host.invalid/item.htm?id=1", NULL, &o);
	assert_int_equal(ck.verdict, IPP_HTTP_ERROR);
	assert_int_equal(ck.status, 0);
	assert_note(&ck, "DNS: ");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_refused_ranges),
		cmocka_unit_test(test_nothing),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_private_refused),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_body_cap),
		cmocka_unit_test(test_tls),
		cmocka_unit_test(test_per_host),
		cmocka_unit_test(test_concurrency),
		cmocka_unit_test(test_dns),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

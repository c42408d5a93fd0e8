/*
 * Live checks (C6) through libcurl's multi interface.
 *
 * URLs are grouped by host and fed to the multi handle as slots free:
 * at most concurrency transfers at once, at most per_host of them to
 * one host.  libcurl's own limits (CURLMOPT_MAX_TOTAL_CONNECTIONS and
 * _MAX_HOST_CONNECTIONS) stay as a backstop; feeding ourselves matters
 * because a transfer libcurl parks waiting for a connection is already
 * running its CURLOPT_TIMEOUT clock, so thousands of handles added at
 * once would time out in the queue.
 *
 * Each transfer is a GET (HEAD is answered differently by many sites)
 * whose body is counted and discarded.  Reading a small body to its end
 * keeps the connection for the next URL; past max_body the transfer is
 * aborted, and since the status line has been seen by then, the verdict
 * is that status's (a 200 with a 50 MiB body is live).
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "curl_dl.h"
#include "err.h"
#include "http.h"
#include "banned.h"

/* The settings and their built-in values, in one place (http.h). */
#define OPT(field)	offsetof(struct ipp_http_options, field)
#define IS_LONG(field)	(sizeof(((struct ipp_http_options *)0)->field) == \
	sizeof(long))
const struct ipp_http_setting ipp_http_settings[] = {
	{ "http_concurrency", 32, 1, 1024, OPT(concurrency),
	    IS_LONG(concurrency) },
	{ "http_per_host", 8, 1, 1024, OPT(per_host), IS_LONG(per_host) },
	{ "http_connect_timeout_ms", 5000, 100, 600000,
	    OPT(connect_timeout_ms), IS_LONG(connect_timeout_ms) },
	{ "http_timeout_ms", 15000, 100, 3600000, OPT(timeout_ms),
	    IS_LONG(timeout_ms) },
	{ "http_max_body", 1024L * 1024L, 0, 1073741824, OPT(max_body),
	    IS_LONG(max_body) },
	{ "http_max_redirects", 5, 0, 50, OPT(max_redirects),
	    IS_LONG(max_redirects) },
};
const size_t ipp_http_nsettings =
    sizeof(ipp_http_settings) / sizeof(ipp_http_settings[0]);

#define PROTOCOLS	"http,https"	/* also on redirects (C6) */
#define USER_AGENT	"ipp-probe/1 (listing check)"

struct host {			/* the URLs of one host:port */
	size_t		 next;		/* next index into run.order to start */
	size_t		 end;		/* one past its last */
	int		 active;	/* transfers running */
};

struct slot {			/* one transfer at a time */
	CURL		*easy;
	struct ipp_http_check *check;	/* being checked, NULL when free */
	struct host	*host;
	long		 max_body;
	long		 body;		/* bytes of body seen */
	int		 capped;	/* aborted at max_body */
	int		 allow_private;
	char		 refused[128];	/* why a socket was refused, or "" */
	char		 errbuf[CURL_ERROR_SIZE];
};

struct keyed {			/* a URL's host key, for grouping */
	char		*key;
	size_t		 index;
};

struct run {
	const struct ipp_curl *c;
	const struct ipp_http_options *o;
	struct ipp_http_check *checks;
	size_t		 n;
	CURLM		*multi;
	CURLU		*u;		/* for splitting URLs */
	struct curl_slist *connect_to;
	size_t		*order;		/* check indices grouped by host */
	struct host	*hosts;
	size_t		 nhosts;
	size_t		*open;		/* hosts with URLs not yet started */
	size_t		 nopen;
	size_t		 cursor;	/* round robin over open */
	struct slot	*slots;
	size_t		 nslots;
	size_t		 done, live, gone, error;
	ipp_http_progress_fn *progress;
	void		*arg;
};

static const struct ipp_http_setting *
setting_at(size_t offset)
{
	size_t i;

	for (i = 0; i < ipp_http_nsettings; i++)
		if (ipp_http_settings[i].offset == offset)
			return &ipp_http_settings[i];
	return NULL;
}

static void
set_field(struct ipp_http_options *o, const struct ipp_http_setting *st,
    long v)
{
	if (st->is_long)
		*(long *)(void *)((char *)o + st->offset) = v;
	else
		*(int *)(void *)((char *)o + st->offset) = (int)v;
}

/* An integer of a setting's range from the environment, else nothing. */
static void
env_setting(struct ipp_http_options *o, const char *name, size_t offset)
{
	const struct ipp_http_setting *st = setting_at(offset);
	const char *s = getenv(name);
	char *end;
	long v;

	if (st == NULL || s == NULL || *s == '\0')
		return;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < st->minimum || v > st->maximum)
		return;
	set_field(o, st, v);
}

static const char *
env_string(const char *name)
{
	const char *s = getenv(name);

	return s != NULL && *s != '\0' ? s : NULL;
}

void
ipp_http_builtin(struct ipp_http_options *o)
{
	size_t i;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < ipp_http_nsettings; i++)
		set_field(o, &ipp_http_settings[i], ipp_http_settings[i].value);
	o->allow_private = IPP_HTTP_PRIVATE_REFUSE;
}

void
ipp_http_environment(struct ipp_http_options *o)
{
	const char *s;

	env_setting(o, "IPP_HTTP_CONCURRENCY", OPT(concurrency));
	env_setting(o, "IPP_HTTP_PER_HOST", OPT(per_host));
	if ((s = getenv("IPP_ALLOW_PRIVATE")) != NULL && strcmp(s, "1") == 0)
		o->allow_private = IPP_HTTP_PRIVATE_ALLOW;
	else if (s != NULL && strcmp(s, "loopback") == 0)
		o->allow_private = IPP_HTTP_PRIVATE_LOOPBACK;
	else
		o->allow_private = IPP_HTTP_PRIVATE_REFUSE;
	o->ca_bundle = env_string("IPP_CA_BUNDLE");
	o->connect_to = env_string("IPP_CONNECT_TO");
}

void
ipp_http_defaults(struct ipp_http_options *o)
{
	ipp_http_builtin(o);
	ipp_http_environment(o);
}

const char *
ipp_http_verdict_name(enum ipp_http_verdict v)
{
	switch (v) {
	case IPP_HTTP_LIVE:
		return "live";
	case IPP_HTTP_GONE:
		return "gone";
	case IPP_HTTP_ERROR:
		break;
	}
	return "error";
}

/* ---- which addresses are refused ---- */

static const char *
refused_v4(uint32_t a)
{
	if ((a >> 24) == 0)
		return "unspecified";
	if ((a >> 24) == 127)
		return "loopback";
	if ((a >> 24) == 10 || (a & 0xfff00000) == 0xac100000 ||
	    (a & 0xffff0000) == 0xc0a80000)
		return "private";
	if ((a & 0xffff0000) == 0xa9fe0000)
		return "link-local";
	if ((a & 0xffc00000) == 0x64400000)
		return "shared";
	if ((a >> 28) == 0xe)
		return "multicast";
	if ((a >> 28) == 0xf)
		return "reserved";
	return NULL;
}

static const char *
refused_v6(const struct in6_addr *a)
{
	static const unsigned char mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const unsigned char nat64[12] = {
		0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0 };
	const unsigned char *b = a->s6_addr;
	uint32_t v4;

	if (IN6_IS_ADDR_UNSPECIFIED(a))
		return "unspecified";
	if (IN6_IS_ADDR_LOOPBACK(a))
		return "loopback";
	/* An IPv4 address inside IPv6 is judged as IPv4. */
	if (memcmp(b, mapped, 12) == 0 || memcmp(b, nat64, 12) == 0 ||
	    memcmp(b, mapped, 10) == 0) {
		v4 = (uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 |
		    (uint32_t)b[14] << 8 | b[15];
		return refused_v4(v4);
	}
	if ((b[0] & 0xfe) == 0xfc)
		return "private";
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return "link-local";
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
		return "private";	/* site-local, deprecated */
	if (b[0] == 0xff)
		return "multicast";
	return NULL;
}

const char *
ipp_http_refused_address(const struct sockaddr *sa, char *text, size_t size)
{
	const struct sockaddr_in *sin;
	const struct sockaddr_in6 *sin6;
	const char *why;

	if (text != NULL && size > 0)
		text[0] = '\0';
	if (sa->sa_family == AF_INET) {
		sin = (const struct sockaddr_in *)sa;
		why = refused_v4(ntohl(sin->sin_addr.s_addr));
		if (why != NULL && text != NULL)
			inet_ntop(AF_INET, &sin->sin_addr, text, size);
		return why;
	}
	if (sa->sa_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)sa;
		why = refused_v6(&sin6->sin6_addr);
		if (why != NULL && text != NULL)
			inet_ntop(AF_INET6, &sin6->sin6_addr, text, size);
		return why;
	}
	if (text != NULL)
		snprintf(text, size, "of family %d", sa->sa_family);
	return "not internet";
}

/* 1 when the allow_private setting lets an address refused for why through. */
static int
allowed(int allow_private, const char *why)
{
	if (strcmp(why, "not internet") == 0)
		return 0;
	if (allow_private == IPP_HTTP_PRIVATE_ALLOW)
		return 1;
	return allow_private == IPP_HTTP_PRIVATE_LOOPBACK &&
	    strcmp(why, "loopback") == 0;
}

/* ---- libcurl callbacks ---- */

/*
 * Every connection, redirects and all, is opened here, after resolution:
 * the one place where the address is known for sure (no DNS rebinding).
 */
static curl_socket_t
open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct slot *s = arg;
	struct sockaddr_storage ss;
	char text[INET6_ADDRSTRLEN + 16];
	const char *why;
	size_t len;

	memset(&ss, 0, sizeof(ss));
	len = a->addrlen < sizeof(ss) ? a->addrlen : sizeof(ss);
	memcpy(&ss, &a->addr, len);
	why = ipp_http_refused_address((struct sockaddr *)&ss, text,
	    sizeof(text));
	if (why != NULL && !allowed(s->allow_private, why)) {
		if (s->refused[0] == '\0')
			snprintf(s->refused, sizeof(s->refused),
			    "refused address %s (%s)", text, why);
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

/* Counts the body and drops it; past max_body, aborts the transfer. */
static size_t
discard_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct slot *s = arg;
	size_t len = size * nmemb;

	if (len > (size_t)(s->max_body - s->body)) {
		s->capped = 1;
		return 0;	/* CURLE_WRITE_ERROR */
	}
	s->body += (long)len;
	return len;
}

/* ---- grouping by host ---- */

static int
keyed_cmp(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	int d = strcmp(a->key, b->key);

	if (d != 0)
		return d;
	return a->index < b->index ? -1 : a->index > b->index;
}

static void
set_error(struct ipp_http_check *ck, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
set_error(struct ipp_http_check *ck, const char *fmt, ...)
{
	va_list ap;

	ck->verdict = IPP_HTTP_ERROR;
	va_start(ap, fmt);
	vsnprintf(ck->note, sizeof(ck->note), fmt, ap);
	va_end(ap);
}

static void
count(struct run *r, const struct ipp_http_check *ck)
{
	r->done++;
	if (ck->verdict == IPP_HTTP_LIVE)
		r->live++;
	else if (ck->verdict == IPP_HTTP_GONE)
		r->gone++;
	else
		r->error++;
	if (r->progress != NULL)
		r->progress(r->arg, r->done, r->n, r->live, r->gone, r->error);
}

/* Parses url into r->u afresh (a set URL would make it relative). */
static CURLUcode
split(struct run *r, const char *url)
{
	r->c->url_set(r->u, CURLUPART_URL, NULL, 0);
	return r->c->url_set(r->u, CURLUPART_URL, url, 0);
}

/*
 * "host:port", lowercased, malloc'd; or NULL with an error verdict set
 * when the URL cannot be checked at all (malformed, not http(s)).
 * Returns -1 only when out of memory.
 */
static int
host_key(struct run *r, struct ipp_http_check *ck, char **keyp)
{
	const struct ipp_curl *c = r->c;
	char *scheme = NULL, *host = NULL, *port = NULL, *p;
	CURLUcode uc;
	int rc = 0;

	*keyp = NULL;
	if ((uc = split(r, ck->url)) != CURLUE_OK) {
		set_error(ck, "malformed URL: %s", c->url_strerror(uc));
		return 0;
	}
	if (c->url_get(r->u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0))
		set_error(ck, "not an http or https URL");
	else if (c->url_get(r->u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    c->url_get(r->u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
	    CURLUE_OK)
		set_error(ck, "malformed URL: no host");
	else if ((*keyp = ipp_strdup_printf("%s:%s", host, port)) == NULL)
		rc = -1;
	else
		for (p = *keyp; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
	c->free(scheme);
	c->free(host);
	c->free(port);
	return rc;
}

/* Fills r->order, r->hosts and r->open; checks that cannot run are done. */
static int
group(struct run *r, char **errp)
{
	struct keyed *k;
	size_t i, nk = 0;
	int rc = IPP_OK;

	if ((k = calloc(r->n, sizeof(*k))) == NULL ||
	    (r->order = calloc(r->n, sizeof(*r->order))) == NULL ||
	    (r->hosts = calloc(r->n, sizeof(*r->hosts))) == NULL ||
	    (r->open = calloc(r->n, sizeof(*r->open))) == NULL) {
		free(k);
		return ipp_error(errp, IPP_ESYS, "out of memory");
	}
	for (i = 0; i < r->n; i++) {
		if (host_key(r, &r->checks[i], &k[nk].key) != 0) {
			rc = ipp_error(errp, IPP_ESYS, "out of memory");
			break;
		}
		if (k[nk].key == NULL)
			count(r, &r->checks[i]);
		else
			k[nk++].index = i;
	}
	if (rc == IPP_OK) {
		qsort(k, nk, sizeof(*k), keyed_cmp);
		for (i = 0; i < nk; i++) {
			if (i == 0 || strcmp(k[i].key, k[i - 1].key) != 0) {
				r->hosts[r->nhosts].next = i;
				r->open[r->nopen++] = r->nhosts++;
			}
			r->hosts[r->nhosts - 1].end = i + 1;
			r->order[i] = k[i].index;
		}
	}
	for (i = 0; i < nk; i++)
		free(k[i].key);
	free(k);
	return rc;
}

/* The next host with room, round robin; NULL when none has. */
static struct host *
pick(struct run *r, size_t *posp)
{
	struct host *h;
	size_t tried;

	for (tried = 0; tried < r->nopen; tried++) {
		if (r->cursor >= r->nopen)
			r->cursor = 0;
		h = &r->hosts[r->open[r->cursor]];
		*posp = r->cursor++;
		if (h->active < r->o->per_host)
			return h;
	}
	return NULL;
}

/* ---- one transfer ---- */

static CURLcode
setup_easy(struct run *r, struct slot *s)
{
	const struct ipp_http_options *o = r->o;
	const struct ipp_curl *c = r->c;
	CURL *e = s->easy;
	CURLcode cc = CURLE_OK;

#define SET(opt, val) do {						\
	if (cc == CURLE_OK)						\
		cc = c->easy_setopt(e, (opt), (val));			\
} while (0)
	SET(CURLOPT_URL, s->check->url);
	SET(CURLOPT_PRIVATE, (void *)s);
	SET(CURLOPT_ERRORBUFFER, s->errbuf);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_HTTPGET, 1L);
	SET(CURLOPT_USERAGENT, USER_AGENT);
	SET(CURLOPT_PROTOCOLS_STR, PROTOCOLS);
	SET(CURLOPT_REDIR_PROTOCOLS_STR, PROTOCOLS);
	SET(CURLOPT_FOLLOWLOCATION, 1L);
	SET(CURLOPT_MAXREDIRS, (long)o->max_redirects);
	SET(CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	SET(CURLOPT_TIMEOUT_MS, o->timeout_ms);
	SET(CURLOPT_WRITEFUNCTION, discard_body);
	SET(CURLOPT_WRITEDATA, (void *)s);
	SET(CURLOPT_OPENSOCKETFUNCTION, open_socket);
	SET(CURLOPT_OPENSOCKETDATA, (void *)s);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	if (o->ca_bundle != NULL)
		SET(CURLOPT_CAINFO, o->ca_bundle);
	if (r->connect_to != NULL)
		SET(CURLOPT_CONNECT_TO, r->connect_to);
#undef SET
	return cc;
}

/* Starts check i in slot s; an error verdict when it cannot start. */
static int
start(struct run *r, struct slot *s, struct host *h, size_t i, char **errp)
{
	const struct ipp_curl *c = r->c;
	CURLMcode mc;
	CURLcode cc;

	s->check = &r->checks[i];
	s->host = h;
	s->body = 0;
	s->capped = 0;
	s->refused[0] = '\0';
	s->errbuf[0] = '\0';
	if (s->easy == NULL && (s->easy = c->easy_init()) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	if ((cc = setup_easy(r, s)) != CURLE_OK) {
		/* Never run a transfer without its safety options. */
		set_error(s->check, "cannot set up the transfer: %s",
		    c->easy_strerror(cc));
	} else if ((mc = c->multi_add_handle(r->multi, s->easy)) !=
	    CURLM_OK) {
		set_error(s->check, "cannot start the transfer: %s",
		    c->multi_strerror(mc));
	} else {
		h->active++;
		return IPP_OK;
	}
	c->easy_reset(s->easy);
	count(r, s->check);
	s->check = NULL;
	return IPP_OK;
}

/* Starts transfers while slots and hosts have room; how many started. */
static int
feed(struct run *r, size_t *started, char **errp)
{
	struct host *h;
	size_t k, pos;
	int rc;

	*started = 0;
	for (k = 0; k < r->nslots && r->nopen > 0; k++) {
		if (r->slots[k].check != NULL)
			continue;
		if ((h = pick(r, &pos)) == NULL)
			break;
		if ((rc = start(r, &r->slots[k], h, r->order[h->next++],
		    errp)) != IPP_OK)
			return rc;
		if (r->slots[k].check != NULL)
			(*started)++;
		if (h->next == h->end)
			r->open[pos] = r->open[--r->nopen];
	}
	return IPP_OK;
}

/* 1 when url's path starts with gone_page ("/path" or a full URL). */
static int
is_gone_page(struct run *r, const char *url, const char *gone_page)
{
	const struct ipp_curl *c = r->c;
	char *path = NULL;
	int gone;

	if (gone_page == NULL || *gone_page == '\0' || url == NULL)
		return 0;
	if (*gone_page != '/')
		return strncasecmp(url, gone_page, strlen(gone_page)) == 0;
	if (split(r, url) != CURLUE_OK ||
	    c->url_get(r->u, CURLUPART_PATH, &path, 0) != CURLUE_OK)
		return 0;
	gone = strncmp(path, gone_page, strlen(gone_page)) == 0;
	c->free(path);
	return gone;
}

static int
tls_error(CURLcode cc)
{
	switch (cc) {
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CLIENTCERT:
	case CURLE_USE_SSL_FAILED:
		return 1;
	default:
		return 0;
	}
}

/* The note of a failed transfer. */
static void
describe(struct run *r, struct slot *s, CURLcode cc)
{
	const struct ipp_curl *c = r->c;
	struct ipp_http_check *ck = s->check;
	const char *why = s->errbuf[0] != '\0' ? s->errbuf :
	    c->easy_strerror(cc);
	curl_off_t us = 0;
	char *where = NULL;

	switch (cc) {
	case CURLE_OPERATION_TIMEDOUT:
		c->easy_getinfo(s->easy, CURLINFO_TOTAL_TIME_T, &us);
		if (r->o->connect_timeout_ms < r->o->timeout_ms &&
		    us / 1000 < r->o->timeout_ms)
			set_error(ck, "connect timeout after %ld ms",
			    r->o->connect_timeout_ms);
		else
			set_error(ck, "timeout after %ld ms",
			    r->o->timeout_ms);
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
		set_error(ck, "DNS: %s", why);
		break;
	case CURLE_COULDNT_CONNECT:
		if (s->refused[0] != '\0')
			set_error(ck, "%s", s->refused);
		else
			set_error(ck, "connect: %s", why);
		break;
	case CURLE_OUT_OF_MEMORY:
		/* What libcurl 7.x says of a header line over its limit (a
		 * 200 KB Location): not our memory, the answer's size. */
		set_error(ck, "a response header longer than %d KiB, "
		    "libcurl's limit (or out of memory)",
		    CURL_MAX_HTTP_HEADER / 1024);
		break;
	case CURLE_TOO_MANY_REDIRECTS:
		set_error(ck, "too many redirects (more than %d)",
		    r->o->max_redirects);
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
		/* The URL itself was checked: this came from a Location,
		 * which libcurl has made the effective URL. */
		c->easy_getinfo(s->easy, CURLINFO_EFFECTIVE_URL, &where);
		if (where != NULL && strncasecmp(where, "http", 4) != 0)
			set_error(ck, "redirect to a non-http scheme: %s",
			    where);
		else
			set_error(ck, "redirect to a non-http scheme");
		break;
	default:
		if (tls_error(cc))
			set_error(ck, "TLS: %s", why);
		else
			set_error(ck, "%s", why);
	}
}

/* The verdict of a transfer that got a final response. */
static void
judge(struct run *r, struct slot *s)
{
	struct ipp_http_check *ck = s->check;
	char *eff = NULL;
	long st = ck->status, redirects = 0;
	int ok = (st >= 200 && st < 300) || st == 404 || st == 410;

	r->c->easy_getinfo(s->easy, CURLINFO_EFFECTIVE_URL, &eff);
	r->c->easy_getinfo(s->easy, CURLINFO_REDIRECT_COUNT, &redirects);
	ck->note[0] = '\0';
	if (redirects > 0 && eff != NULL)
		snprintf(ck->note, sizeof(ck->note), "redirected to %s", eff);
	if (ok && is_gone_page(r, eff, ck->gone_page))
		ck->verdict = IPP_HTTP_GONE;
	else if (st >= 200 && st < 300)
		ck->verdict = IPP_HTTP_LIVE;
	else if (st == 404 || st == 410) {
		ck->verdict = IPP_HTTP_GONE;
		if (redirects == 0)
			snprintf(ck->note, sizeof(ck->note), "HTTP %ld", st);
	} else if (st >= 300 && st < 400)
		set_error(ck, "HTTP %ld without a usable Location", st);
	else
		set_error(ck, "HTTP %ld", st);
}

static void
finish(struct run *r, CURL *e, CURLcode cc)
{
	const struct ipp_curl *c = r->c;
	struct slot *s = NULL;
	struct ipp_http_check *ck;

	c->easy_getinfo(e, CURLINFO_PRIVATE, (char **)&s);
	ck = s->check;
	c->easy_getinfo(e, CURLINFO_RESPONSE_CODE, &ck->status);
	/* The body cap: the status line was seen, so it stands. */
	if (cc == CURLE_WRITE_ERROR && s->capped && ck->status != 0)
		cc = CURLE_OK;
	if (cc == CURLE_OK)
		judge(r, s);
	else
		describe(r, s, cc);
	c->multi_remove_handle(r->multi, e);
	c->easy_reset(e);
	s->host->active--;
	s->check = NULL;
	count(r, ck);
}

static void
drain(struct run *r)
{
	CURLMsg *m;
	int left;

	while ((m = r->c->multi_info_read(r->multi, &left)) != NULL)
		if (m->msg == CURLMSG_DONE)
			finish(r, m->easy_handle, m->data.result);
}

/* The connect_to list: libcurl's syntax, entries separated by ','. */
static int
make_connect_to(struct run *r, char **errp)
{
	struct curl_slist *l;
	const char *p = r->o->connect_to, *end;
	char *one;

	while (p != NULL && *p != '\0') {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		for (end = p; *end != '\0' && *end != ','; end++)
			;
		while (end > p && isspace((unsigned char)end[-1]))
			end--;
		if (end > p) {
			if ((one = strndup(p, (size_t)(end - p))) == NULL)
				return ipp_error(errp, IPP_ESYS,
				    "out of memory");
			l = r->c->slist_append(r->connect_to, one);
			free(one);
			if (l == NULL)
				return ipp_error(errp, IPP_ESYS,
				    "out of memory");
			r->connect_to = l;
		}
		p = end;
		while (*p != '\0' && *p != ',')
			p++;
	}
	return IPP_OK;
}

static int
setup(struct run *r, char **errp)
{
	const struct ipp_curl *c = r->c;
	const struct ipp_http_options *o = r->o;
	CURLMcode mc = CURLM_OK;
	size_t i;
	int rc;

	if ((r->u = c->url()) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	if ((r->multi = c->multi_init()) == NULL)
		return ipp_error(errp, IPP_ENET, "cannot start libcurl's "
		    "multi interface");
	mc = c->multi_setopt(r->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
	    (long)o->concurrency);
	if (mc == CURLM_OK)
		mc = c->multi_setopt(r->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
		    (long)o->per_host);
	if (mc != CURLM_OK)
		return ipp_error(errp, IPP_ENET, "cannot set up libcurl: %s",
		    c->multi_strerror(mc));
	if ((rc = make_connect_to(r, errp)) != IPP_OK)
		return rc;
	for (i = 0; i < r->n; i++) {
		r->checks[i].verdict = IPP_HTTP_ERROR;
		r->checks[i].status = 0;
		r->checks[i].note[0] = '\0';
	}
	r->nslots = (size_t)o->concurrency < r->n ? (size_t)o->concurrency :
	    r->n;
	if ((r->slots = calloc(r->nslots, sizeof(*r->slots))) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	for (i = 0; i < r->nslots; i++) {
		r->slots[i].max_body = o->max_body;
		r->slots[i].allow_private = o->allow_private;
	}
	return group(r, errp);
}

static void
teardown(struct run *r)
{
	const struct ipp_curl *c = r->c;
	size_t i;

	for (i = 0; r->slots != NULL && i < r->nslots; i++) {
		if (r->slots[i].easy == NULL)
			continue;
		if (r->slots[i].check != NULL)
			c->multi_remove_handle(r->multi, r->slots[i].easy);
		c->easy_cleanup(r->slots[i].easy);
	}
	if (r->multi != NULL)
		c->multi_cleanup(r->multi);
	if (r->u != NULL)
		c->url_cleanup(r->u);
	c->slist_free_all(r->connect_to);
	free(r->slots);
	free(r->order);
	free(r->hosts);
	free(r->open);
}

/* The options made sane: no zero concurrency, no negative limits. */
static void
clamp(struct ipp_http_options *o)
{
	if (o->concurrency < 1)
		o->concurrency = 1;
	if (o->concurrency > setting_at(OPT(concurrency))->maximum)
		o->concurrency = (int)setting_at(OPT(concurrency))->maximum;
	if (o->per_host < 1)
		o->per_host = 1;
	if (o->connect_timeout_ms < 1)
		o->connect_timeout_ms =
		    setting_at(OPT(connect_timeout_ms))->value;
	if (o->timeout_ms < 1)
		o->timeout_ms = setting_at(OPT(timeout_ms))->value;
	if (o->max_body < 0)
		o->max_body = 0;
	if (o->max_redirects < 0)
		o->max_redirects = 0;
}

static int
loop(struct run *r, char **errp)
{
	const struct ipp_curl *c = r->c;
	CURLMcode mc;
	size_t started;
	int running, rc;

	if ((rc = feed(r, &started, errp)) != IPP_OK)
		return rc;
	while (r->done < r->n) {
		if ((mc = c->multi_perform(r->multi, &running)) != CURLM_OK)
			return ipp_error(errp, IPP_ENET, "libcurl: %s",
			    c->multi_strerror(mc));
		drain(r);
		if (r->done == r->n)
			break;
		if ((rc = feed(r, &started, errp)) != IPP_OK)
			return rc;
		if (started > 0)
			continue;	/* start them now, not after a poll */
		if (running == 0)
			return ipp_error(errp, IPP_ENET, "live checks stalled "
			    "with %zu of %zu done", r->done, r->n);
		if ((mc = c->multi_poll(r->multi, NULL, 0, 1000, NULL)) !=
		    CURLM_OK)
			return ipp_error(errp, IPP_ENET, "libcurl: %s",
			    c->multi_strerror(mc));
	}
	return IPP_OK;
}

int
ipp_http_check_all(struct ipp_http_check *checks, size_t n,
    const struct ipp_http_options *o, ipp_http_progress_fn *progress,
    void *arg, char **errp)
{
	struct ipp_http_options opt = *o;
	struct run r;
	int rc;

	if (n == 0)
		return IPP_OK;
	memset(&r, 0, sizeof(r));
	if ((rc = ipp_curl_load(&r.c, errp)) != IPP_OK)
		return rc;
	clamp(&opt);
	r.o = &opt;
	r.checks = checks;
	r.n = n;
	r.progress = progress;
	r.arg = arg;
	if ((rc = setup(&r, errp)) == IPP_OK)
		rc = loop(&r, errp);
	teardown(&r);
	return rc;
}

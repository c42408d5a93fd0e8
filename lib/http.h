/*
 * Live checks of URLs over HTTP (C6), many at once through libcurl's
 * multi interface (loaded on first use).
 *
 * Each URL gets a verdict: live (2xx, after redirects), gone (404 or
 * 410, or redirected to a page the caller marks as "not found"), or
 * error (timeout, DNS, TLS, a refused address or scheme: with the
 * reason).  An error is never reported as gone.
 *
 * Safety: only http and https, on redirects too; addresses in private,
 * loopback and link-local ranges are refused after resolution (checked
 * in libcurl's open-socket callback) unless allow_private; TLS peers are
 * always verified, ca_bundle adding a CA file; connect_to is libcurl's
 * CURLOPT_CONNECT_TO syntax ("HOST:PORT:ADDR:PORT"), so tests and
 * operators can send a marketplace host name to another address.
 *
 * Each check is a GET (sites answer HEAD differently) whose body is
 * counted and dropped.  Past max_body the transfer is aborted and the
 * status already received stands: a 200 with a huge body is live.  A
 * 3xx still there after max_redirects is an error.
 *
 * ca_bundle becomes CURLOPT_CAINFO, which replaces libcurl's built-in
 * bundle file; Debian's libcurl keeps its CA path (/etc/ssl/certs), so
 * the system's CAs stay trusted there.  An http_proxy in the environment
 * is used as libcurl does, and its address is subject to the same rule.
 */
#ifndef IPP_HTTP_H
#define IPP_HTTP_H

#include <stddef.h>

struct ipp_http_options {
	int		 concurrency;	/* transfers at once */
	int		 per_host;	/* transfers at once per host */
	long		 connect_timeout_ms;	/* per connection */
	long		 timeout_ms;	/* per transfer, all in */
	long		 max_body;	/* bytes read of a body */
	int		 max_redirects;	/* followed */
	int		 allow_private;	/* private addresses (0): below */
	const char	*ca_bundle;	/* extra CA file, or NULL */
	const char	*connect_to;	/* CURLOPT_CONNECT_TO list, ',' separated */
};

/*
 * allow_private: refuse every private, loopback, link-local, shared,
 * multicast and reserved address; allow them all; or allow loopback
 * (127.0.0.0/8, ::1) only, which lets tests reach a local server while
 * a redirect to 10.0.0.1 is still refused before any packet leaves.
 */
#define IPP_HTTP_PRIVATE_REFUSE		0
#define IPP_HTTP_PRIVATE_ALLOW		1	/* IPP_ALLOW_PRIVATE=1 */
#define IPP_HTTP_PRIVATE_LOOPBACK	2	/* IPP_ALLOW_PRIVATE=loopback */

enum ipp_http_verdict {
	IPP_HTTP_LIVE,
	IPP_HTTP_GONE,
	IPP_HTTP_ERROR,
};

struct ipp_http_check {
	const char		*url;		/* in: what to fetch */
	const char		*gone_page;	/* in: see below, or NULL */
	enum ipp_http_verdict	 verdict;	/* out */
	long			 status;	/* out: last HTTP status, 0 if none */
	char			 note[256];	/* out: why (error), or where it went */
};
/*
 * gone_page is the platform's "item not found" page (ipp_url_gone_page):
 * "/path", a prefix of the final URL's path, or "https://host/path", a
 * prefix of the final URL.  A final answer there (2xx, 404 or 410) is
 * gone; an error there (5xx, timeout) stays an error.
 */

/* Called as checks finish; only when the caller asks for progress. */
typedef void ipp_http_progress_fn(void *arg, size_t done, size_t total,
    size_t live, size_t gone, size_t error);

/*
 * The limits above that are settings of the store (C6), each with its
 * built-in value and range: the one list of them.  A new store is given
 * the same values and ranges (schema.c; tests/unit/test_settings.c
 * proves they agree), and the man pages' settings tables are checked
 * against a new store by tests/docs-test.sh.
 */
struct ipp_http_setting {
	const char	*name;		/* the setting: http_concurrency */
	long		 value;		/* built in, used without a store */
	long		 minimum;	/* its range */
	long		 maximum;
	size_t		 offset;	/* its field in ipp_http_options */
	int		 is_long;	/* the field is a long, else an int */
};
extern const struct ipp_http_setting ipp_http_settings[];
extern const size_t ipp_http_nsettings;

/* Fills options with the built-in values of ipp_http_settings only. */
void ipp_http_builtin(struct ipp_http_options *o);

/*
 * Applies the environment over o, the one place it is read:
 * IPP_ALLOW_PRIVATE (1 or loopback), IPP_CA_BUNDLE, IPP_CONNECT_TO,
 * IPP_HTTP_CONCURRENCY and IPP_HTTP_PER_HOST (empty, invalid or out of
 * the setting's range: ignored).  o->ca_bundle and o->connect_to then
 * point into the environment.
 */
void ipp_http_environment(struct ipp_http_options *o);

/* ipp_http_builtin, then ipp_http_environment. */
void ipp_http_defaults(struct ipp_http_options *o);

/* "live", "gone" or "error". */
const char *ipp_http_verdict_name(enum ipp_http_verdict v);

struct sockaddr;
/*
 * Why address sa is refused unless allow_private ("loopback", "private",
 * "link-local", "shared", "unspecified", "multicast", "reserved"; an
 * IPv4-mapped IPv6 address is judged as its IPv4), or NULL when it may be
 * reached.  text (may be NULL) receives the address as text when refused.
 */
const char *ipp_http_refused_address(const struct sockaddr *sa, char *text,
    size_t size);

/*
 * Checks n URLs, filling each entry's verdict, status and note; progress
 * (may be NULL) is called each time one finishes.  Returns IPP_OK when
 * all were checked (whatever their verdicts), IPP_ENET when libcurl could
 * not be loaded or set up, IPP_ESYS when out of memory.  Loads libcurl;
 * the program calls ipp_curl_unload (curl_dl.h) before it exits.
 */
int ipp_http_check_all(struct ipp_http_check *checks, size_t n,
    const struct ipp_http_options *o, ipp_http_progress_fn *progress,
    void *arg, char **errp);

#endif

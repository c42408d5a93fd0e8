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
 */
#ifndef IPP_HTTP_H
#define IPP_HTTP_H

#include <stddef.h>

struct ipp_http_options {
	int		 concurrency;	/* transfers at once (32) */
	int		 per_host;	/* transfers at once per host (8) */
	long		 connect_timeout_ms;	/* per connection (5000) */
	long		 timeout_ms;	/* per transfer, all in (15000) */
	long		 max_body;	/* bytes read of a body (1 MiB) */
	int		 max_redirects;	/* followed (5) */
	int		 allow_private;	/* permit private addresses (0) */
	const char	*ca_bundle;	/* extra CA file, or NULL */
	const char	*connect_to;	/* CURLOPT_CONNECT_TO list, ',' separated */
};

enum ipp_http_verdict {
	IPP_HTTP_LIVE,
	IPP_HTTP_GONE,
	IPP_HTTP_ERROR,
};

struct ipp_http_check {
	const char		*url;		/* in: what to fetch */
	const char		*gone_page;	/* in: a redirect whose path starts so is gone; NULL */
	enum ipp_http_verdict	 verdict;	/* out */
	long			 status;	/* out: last HTTP status, 0 if none */
	char			 note[256];	/* out: why (error), or where it went */
};

/* Called as checks finish; only when the caller asks for progress. */
typedef void ipp_http_progress_fn(void *arg, size_t done, size_t total,
    size_t live, size_t gone, size_t error);

/* Fills options with the defaults above, then IPP_ALLOW_PRIVATE,
 * IPP_CA_BUNDLE and IPP_CONNECT_TO from the environment. */
void ipp_http_defaults(struct ipp_http_options *o);

/*
 * Checks n URLs, filling each entry's verdict.  Returns IPP_OK when all
 * were checked (whatever their verdicts), or IPP_ENET when libcurl could
 * not be loaded or set up.
 */
int ipp_http_check_all(struct ipp_http_check *checks, size_t n,
    const struct ipp_http_options *o, ipp_http_progress_fn *progress,
    void *arg, char **errp);

#endif

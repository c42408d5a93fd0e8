/*
 * httpcheck: the live checker (lib/http.c) alone, for the benchmark and
 * for poking at it by hand.  Reads URLs on stdin, one a line, checks them
 * all with ipp_http_check_all and the options of ipp_http_defaults (so
 * the IPP_* environment), and writes TSV in input order:
 *
 *	url	live	http_status	note
 *
 * usage: httpcheck [-g GONE_PAGE] [-p]
 * -g marks a final URL whose path starts with GONE_PAGE as gone; -p shows
 * progress on stderr.  Exits 0 when every URL is live, 1 when one is not,
 * 2 on usage errors, 6 when libcurl fails, 7 when the system does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "curl_dl.h"
#include "err.h"
#include "http.h"
#include "banned.h"

static void
progress(void *arg, size_t done, size_t total, size_t live, size_t gone,
    size_t error)
{
	(void)arg;
	fprintf(stderr, "\rhttpcheck: %zu/%zu live %zu gone %zu error %zu",
	    done, total, live, gone, error);
	if (done == total)
		fputc('\n', stderr);
}

/* One field, TSV-escaped (ipp-tsv(5)). */
static void
field(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\t')
			fputs("\\t", stdout);
		else if (*s == '\n')
			fputs("\\n", stdout);
		else if (*s == '\r')
			fputs("\\r", stdout);
		else if (*s == '\\')
			fputs("\\\\", stdout);
		else
			putchar(*s);
	}
}

static int
read_urls(char ***urlsp, size_t *np)
{
	char *line = NULL, **urls = NULL, **grown;
	size_t cap = 0, n = 0, size = 0;
	ssize_t len;

	while ((len = getline(&line, &size, stdin)) >= 0) {
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		if (n == cap) {
			cap = cap != 0 ? cap * 2 : 64;
			if ((grown = reallocarray(urls, cap,
			    sizeof(*urls))) == NULL)
				goto oom;
			urls = grown;
		}
		if ((urls[n] = strdup(line)) == NULL)
			goto oom;
		n++;
	}
	free(line);
	*urlsp = urls;
	*np = n;
	return 0;
oom:
	while (n > 0)
		free(urls[--n]);
	free(urls);
	free(line);
	return -1;
}

int
main(int argc, char *argv[])
{
	struct ipp_http_options o;
	struct ipp_http_check *checks;
	const char *gone_page = NULL;
	char **urls, *err = NULL;
	size_t i, n;
	int ch, rc, show = 0, status = 0;

	while ((ch = getopt(argc, argv, "g:p")) != -1) {
		switch (ch) {
		case 'g':
			gone_page = optarg;
			break;
		case 'p':
			show = 1;
			break;
		default:
			fputs("usage: httpcheck [-g GONE_PAGE] [-p]\n", stderr);
			return 2;
		}
	}
	if (read_urls(&urls, &n) != 0 ||
	    (checks = calloc(n + 1, sizeof(*checks))) == NULL) {
		fputs("httpcheck: out of memory\n", stderr);
		return 7;
	}
	for (i = 0; i < n; i++) {
		checks[i].url = urls[i];
		checks[i].gone_page = gone_page;
	}
	ipp_http_defaults(&o);
	rc = ipp_http_check_all(checks, n, &o, show ? progress : NULL, NULL,
	    &err);
	if (rc != IPP_OK) {
		fprintf(stderr, "httpcheck: %s\n", err);
		status = ipp_exit_status(rc);
	} else {
		fputs("url\tlive\thttp_status\tnote\n", stdout);
		for (i = 0; i < n; i++) {
			field(checks[i].url);
			printf("\t%s\t%ld\t",
			    ipp_http_verdict_name(checks[i].verdict),
			    checks[i].status);
			field(checks[i].note);
			putchar('\n');
			if (checks[i].verdict != IPP_HTTP_LIVE)
				status = 1;
		}
	}
	for (i = 0; i < n; i++)
		free(urls[i]);
	free(urls);
	free(checks);
	free(err);
	ipp_curl_unload();
	return status;
}

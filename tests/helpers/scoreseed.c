/*
 * scoreseed: puts decided URLs into a store for the score's tests
 * (issue 11), without a case handler, a merchant or a tick: each
 * complaint is inserted as filing inserts one, and each URL then moves
 * through lib/move.c's ipp_move_apply, the one function that moves URLs,
 * so final_at and countered_at are stamped as in real use.
 *
 *	scoreseed DB < lines
 *
 * Each line (tab- or space-separated) is one complaint:
 *
 *	ACCOUNT IPR PLATFORM REASON PATH AT COUNT [COUNTERED_AT]
 *
 * PATH is what becomes of its COUNT URLs: rejected, removed, withdrawn,
 * pending (accepted, open), countered (open), restored (countered, not
 * answered), upheld (countered, rejected, the takedown upheld: removed)
 * or overturned (countered, rejected, the counter upheld: restored).
 * AT is the time of the last move; a counter is received at
 * COUNTERED_AT (default: AT); filing and acceptance come before both.
 * Prints the complaint ids, one a line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "move.h"
#include "store.h"
#include "banned.h"

static long serial;

static int
path_moves(const char *path, const char **to, int *n)
{
	static const struct {
		const char	*path;
		const char	*to[4];
	} paths[] = {
		{ "rejected", { "rejected" } },
		{ "withdrawn", { "withdrawn" } },
		{ "pending", { "pending-counter" } },
		{ "removed", { "pending-counter", "removed" } },
		{ "countered", { "pending-counter", "countered" } },
		{ "restored", { "pending-counter", "countered", "restored" } },
		{ "upheld", { "pending-counter", "countered",
		    "counter-rejected", "removed" } },
		{ "overturned", { "pending-counter", "countered",
		    "counter-rejected", "restored" } },
	};
	size_t i;
	int k;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (strcmp(paths[i].path, path) == 0) {
			for (k = 0; k < 4 && paths[i].to[k] != NULL; k++)
				to[k] = paths[i].to[k];
			*n = k;
			return 0;
		}
	return -1;
}

static int
seed(struct ipp_store *s, char **f, char **errp)
{
	static const char complaint_sql[] = "INSERT INTO complaints"
	    " (account_id, platform, ipr_id, target, reason, priority,"
	    " supplement, due_at, created_at) SELECT ?1, ?2, ?3, target,"
	    " code, priority, 'seeded by scoreseed for a test', ?4, ?4"
	    " FROM reasons WHERE code = ?5";
	static const char url_sql[] = "INSERT INTO complaint_urls"
	    " (complaint_id, account_id, url, canonical_url, listing_id,"
	    " state, updated_at) VALUES (?, ?, ?, ?, ?, 'submitted', ?)";
	const char *to[4], *from;
	char filed[IPP_TIME_LEN + 1], accepted[IPP_TIME_LEN + 1];
	char url[64], id[24];
	int64_t account, ipr, at, countered, complaint, url_id;
	long count, i;
	int n, k, rc;

	account = strtoll(f[0], NULL, 10);
	ipr = strtoll(f[1], NULL, 10);
	count = strtol(f[6], NULL, 10);
	if (path_moves(f[4], to, &n) != 0 || ipp_clock_parse(f[5], &at) != 0 ||
	    count < 1 || (f[7] != NULL && ipp_clock_parse(f[7], &countered)))
		return ipp_error(errp, IPP_EUSAGE, "bad line: path '%s', at "
		    "'%s', count '%s'", f[4], f[5], f[6]);
	if (f[7] == NULL)
		countered = at;
	ipp_clock_format((countered < at ? countered : at) - 2 * 86400, filed);
	ipp_clock_format((countered < at ? countered : at) - 86400, accepted);
	if ((rc = ipp_store_run(s, complaint_sql, "cannot file", errp, "itits",
	    account, f[2], ipr, filed, f[3])) != IPP_OK)
		return rc;
	if (ipp_store_changes(s) != 1)
		return ipp_error(errp, IPP_EUSAGE, "no reason '%s'", f[3]);
	complaint = ipp_store_last_id(s);
	for (i = 0; i < count; i++) {
		serial++;
		snprintf(url, sizeof(url), "https://seed.test/item/%lld-%ld",
		    (long long)complaint, i);
		snprintf(id, sizeof(id), "%ld", serial);
		if ((rc = ipp_store_run(s, url_sql, "cannot file a URL", errp,
		    "iitttt", complaint, account, url, url, id, filed)) !=
		    IPP_OK)
			return rc;
		url_id = ipp_store_last_id(s);
		if ((rc = ipp_move_filed(s, url_id, account, filed, errp)) !=
		    IPP_OK)
			return rc;
		from = "submitted";
		for (k = 0; k < n; k++) {
			char when[IPP_TIME_LEN + 1];
			struct ipp_move m;

			if (strcmp(to[k], "pending-counter") == 0)
				snprintf(when, sizeof(when), "%s", accepted);
			else if (strcmp(to[k], "countered") == 0)
				ipp_clock_format(countered, when);
			else if (strcmp(to[k], "counter-rejected") == 0)
				ipp_clock_format(countered + (at > countered ?
				    (at - countered) / 2 : 0), when);
			else
				snprintf(when, sizeof(when), "%s", f[5]);
			memset(&m, 0, sizeof(m));
			m.url_id = url_id;
			m.from = from;
			m.to = to[k];
			m.actor_id = 0;
			m.reason = "scoreseed";
			m.at = when;
			if ((rc = ipp_move_apply(s, &m, errp)) != IPP_OK)
				return rc;
			from = to[k];
		}
	}
	printf("%lld\n", (long long)complaint);
	return IPP_OK;
}

int
main(int argc, char **argv)
{
	struct ipp_store *s;
	char line[1024], *f[8], *p, *err = NULL;
	unsigned long lineno = 0;
	int n, rc;

	if (argc != 2) {
		fprintf(stderr, "usage: scoreseed DB < lines\n");
		return 2;
	}
	if ((rc = ipp_store_open(&s, argv[1], 0, &err)) != IPP_OK) {
		fprintf(stderr, "scoreseed: %s\n", err);
		return 3;
	}
	if ((rc = ipp_store_begin(s, &err)) != IPP_OK)
		goto fail;
	while (fgets(line, sizeof(line), stdin) != NULL) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		memset(f, 0, sizeof(f));
		n = 0;
		for (p = line; *p != '\0' && n < 8;) {
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p == '\0')
				break;
			f[n++] = p;
			while (*p != '\0' && *p != ' ' && *p != '\t')
				p++;
			if (*p != '\0')
				*p++ = '\0';
		}
		if (n == 0 || f[0][0] == '#')
			continue;
		if (n < 7) {
			rc = ipp_error(&err, IPP_EUSAGE, "line %lu: 7 or 8 "
			    "fields, not %d", lineno, n);
			break;
		}
		if ((rc = seed(s, f, &err)) != IPP_OK)
			break;
	}
	rc = ipp_store_end(s, rc, &err);
fail:
	if (rc != IPP_OK)
		fprintf(stderr, "scoreseed: %s\n", err ? err : "failed");
	free(err);
	ipp_store_close(s);
	return rc == IPP_OK ? 0 : 1;
}

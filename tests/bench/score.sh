#!/bin/sh
# The Good Faith dashboard (issue 11): `ipp-score show` over SCORE_URLS
# (default 10,000,000) decided URLs of SCORE_ACCOUNTS (default 10,000)
# accounts, one of them with a tenth of the URLs (1,000,000) and the rest
# about 900 each, against the sqlite3 CLI running the bare indexed GROUP
# BYs that yield the same counts (the two statements of lib/score.c,
# outcomes by final_at and counters by countered_at): for the big
# account, for an account of about 900 URLs, and for --all.  Goal: at
# most 1.2x the CLI each, and under 50 ms for the account of 900.  Times
# are the best of RUNS (default 3), the two run in turns, as wall time
# and as CPU time (user + system), which other work on a busy machine
# disturbs less.  The URLs are generated with SQL
# straight into the store (the score reads complaint_urls and
# complaints, not the moves); a complaint holds 300 of them.
set -eu
. "$(dirname "$0")/lib.sh"
bench_init score ipp-register ipp-score

urls=${SCORE_URLS:-10000000}
accounts=${SCORE_ACCOUNTS:-10000}
big=$((urls / 10))
at=2026-03-01T00:00:00Z

verified_owner
BIG=$OWNER_ID
FIRST=$((BIG + 1))
per=$(( (urls - big + accounts - 2) / (accounts - 1) ))
echo "score: generating $urls decided URLs over $accounts accounts" \
    "(account $BIG: $big, the others about $per each)"
t0=$(now)
sqlite3 "$IPP_DB" >/dev/null <<EOF
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -262144;
BEGIN;
INSERT INTO accounts (account_id, email, contact_email, role, state,
    password_hash, created_at, updated_at)
WITH RECURSIVE n(i) AS (SELECT $FIRST UNION ALL SELECT i + 1 FROM n
    WHERE i < $BIG + $accounts - 1)
SELECT i, 'a' || i || '@bench.example', 'a' || i || '@bench.example',
    'account', 'identity-verified', 'x', '$at', '$at' FROM n;
INSERT INTO iprs (ipr_id, account_id, label, type, state, created_at,
    updated_at) VALUES (1, $BIG, 'cn', 'trademark', 'verified', '$at',
    '$at');
DROP INDEX complaint_urls_complaint;
DROP INDEX complaint_urls_final;
DROP INDEX complaint_urls_countered;
-- A complaint of 300 URLs: its account is that of its first URL.
INSERT INTO complaints (complaint_id, account_id, platform, ipr_id,
    target, reason, priority, supplement, due_at, created_at)
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n
    WHERE i < ($urls - 1) / 300)
SELECT i + 1, CASE WHEN i * 300 < $big THEN $BIG
    ELSE $FIRST + (i * 300 - $big) / $per END,
    CASE i % 7 WHEN 0 THEN 'taobao' WHEN 1 THEN 'tmall'
    WHEN 2 THEN 'tmall-global' WHEN 3 THEN '1688' WHEN 4 THEN 'alibaba'
    WHEN 5 THEN 'aliexpress' ELSE 'lazada' END, 1, 'listing',
    CASE i % 4 WHEN 0 THEN 'tm-counterfeit-goods'
    WHEN 1 THEN 'tm-mark-in-text' WHEN 2 THEN 'tm-mark-in-images'
    ELSE 'tm-similar-mark' END, 'normal', 'bench', '$at', '$at' FROM n;
-- Final states: 90 % removed (some after a counter), 6 % rejected,
-- 2 % restored after a counter, 2 % withdrawn; decided over the year
-- before $at.
INSERT INTO complaint_urls (url_id, complaint_id, account_id, url,
    canonical_url, listing_id, state, updated_at, final_at, countered_at)
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n
    WHERE i < $urls - 1),
u(i, account, state, final) AS (SELECT i,
    CASE WHEN i < $big THEN $BIG ELSE $FIRST + (i - $big) / $per END,
    CASE WHEN i % 50 < 45 THEN 'removed' WHEN i % 50 < 48 THEN 'rejected'
    WHEN i % 50 = 48 THEN 'restored' ELSE 'withdrawn' END,
    strftime('%Y-%m-%dT%H:%M:%SZ', 1772323200 - (i * 7919) % 31536000,
    'unixepoch') FROM n)
SELECT i + 1, i / 300 + 1, account, 'https://item.taobao.com/item.htm?id=' || i,
    'https://item.taobao.com/item.htm?id=' || i, i, state, final, final,
    CASE WHEN state = 'restored' OR i % 50 = 44
    THEN strftime('%Y-%m-%dT%H:%M:%SZ', 1772323200 - (i * 7919) % 31536000
    - 86400, 'unixepoch') END FROM u;
CREATE INDEX complaint_urls_complaint ON complaint_urls (complaint_id);
CREATE INDEX complaint_urls_final ON complaint_urls
    (account_id, final_at) WHERE final_at IS NOT NULL;
CREATE INDEX complaint_urls_countered ON complaint_urls
    (account_id, countered_at) WHERE countered_at IS NOT NULL;
COMMIT;
ANALYZE;
EOF
t1=$(now)
echo "score: generated in $(awk -v a="$t0" -v z="$t1" 'BEGIN { printf "%.0f", z - a }') s;" \
    "$(du -h "$IPP_DB" | cut -f 1) on disk"

# The two statements of lib/score.c, as lib.sh's outcomes and counters
# print them: the window's start, the time, the account inlined.
since=$(date -u -d "$at - 90 days" +%Y-%m-%dT%H:%M:%SZ)
cli() {
	{ outcomes "$1"; counters "$1"; } | sqlite3 "$IPP_DB" >/dev/null
}
score() {
	as handler ipp-score show --at "$at" "$@" >"$tmp/show.tsv"
}

# The same counts, both ways: the big account's overall figures.
cli_removed=$({ outcomes "AND u.account_id = $BIG"; } | sqlite3 "$IPP_DB" |
    awk -F '|' '$4 == "removed" { n += $6 } END { print n }')
score --account "$BIG"
ipp_removed=$(awk -F '\t' '$2 == "all" && $3 == "all" { print $4 }' \
    "$tmp/show.tsv")
if [ "$cli_removed" != "$ipp_removed" ]; then
	echo "score: the counts differ: the CLI $cli_removed removed," \
	    "ipp-score $ipp_removed" >&2
	exit 1
fi
SMALL=$((FIRST + 1))
small_urls=$(sqlite3 "$IPP_DB" "SELECT count(*) FROM complaint_urls
    WHERE account_id = $SMALL")

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'
}
verdict() {
	awk -v r="$1" 'BEGIN { print (r <= 1.2 ? "met" : "MISSED") }'
}
report() {
	_rw=$(ratio "$t_ipp" "$t_cli")
	_rc=$(ratio "$c_ipp" "$c_cli")
	printf 'score: %s\n  wall: ipp-score %.3f s, sqlite3 %.3f s, ratio %sx (goal <= 1.2x: %s)\n  cpu:  ipp-score %.3f s, sqlite3 %.3f s, ratio %sx (goal <= 1.2x: %s)\n' \
	    "$1" "$t_ipp" "$t_cli" "$_rw" "$(verdict "$_rw")" \
	    "$c_ipp" "$c_cli" "$_rc" "$(verdict "$_rc")"
}

# measure N COMMAND...: "WALL CPU" of a run of COMMAND, the mean of N
# runs in a row, CPU being the user and system time of the command and
# its children (counted in clock ticks: N runs make short ones count).
measure() {
	perl -MTime::HiRes=time -e '
	    my $n = shift; my $t = time;
	    for (1 .. $n) { system(@ARGV) == 0 or exit 1 }
	    my @c = times;
	    printf "%.4f %.4f\n", (time - $t) / $n, ($c[2] + $c[3]) / $n' "$@"
}

# least A B: the smaller, B empty being none yet.
least() {
	awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b + 0) ? a : b }'
}

# pair N IPP-ARGS CLI-CONDITION: the best of $runs of each, run in turns
# so that whatever else the machine does weighs on both alike; sets
# t_ipp, t_cli (wall) and c_ipp, c_cli (CPU).
pair() {
	_p_n=$1
	shift
	{ outcomes "$2"; counters "$2"; } >"$tmp/cli.sql"
	t_ipp= t_cli= c_ipp= c_cli=
	for _p_i in $(seq "$runs"); do
		_p_i=$(XDG_STATE_HOME=$tmp/state-handler measure "$_p_n" sh -c \
		    "ipp-score show --at $at $1 >'$tmp/show.tsv'")
		_p_c=$(measure "$_p_n" sh -c "sqlite3 '$IPP_DB' <'$tmp/cli.sql' >/dev/null")
		t_ipp=$(least "${_p_i% *}" "$t_ipp")
		c_ipp=$(least "${_p_i#* }" "$c_ipp")
		t_cli=$(least "${_p_c% *}" "$t_cli")
		c_cli=$(least "${_p_c#* }" "$c_cli")
	done
}

pair 1 "--account $BIG" "AND u.account_id = $BIG"
report "show, account of $big URLs"
pair 20 "--account $SMALL" "AND u.account_id = $SMALL"
report "show, account of $small_urls URLs"
printf 'score: show of %s URLs in %.0f ms (goal < 50 ms: %s)\n' \
    "$small_urls" "$(awk -v t="$t_ipp" 'BEGIN { print t * 1000 }')" \
    "$(awk -v t="$t_ipp" 'BEGIN { print (t < 0.05 ? "met" : "MISSED") }')"
# What any command costs before its first query, for the small ratio.
whoami() {
	as handler ipp-register whoami >/dev/null
}
select1() {
	sqlite3 "$IPP_DB" 'SELECT 1' >/dev/null
}
t_start=$(best whoami)
t_one=$(best select1)
printf 'score: start-up alone: ipp-register whoami %.3f s, sqlite3 SELECT 1 %.3f s\n' \
    "$t_start" "$t_one"
pair 1 "--all" ""
report "show --all ($accounts accounts)"
echo "score: --all wrote $(($(wc -l <"$tmp/show.tsv") - 1)) rows"

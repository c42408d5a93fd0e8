#!/bin/sh
# The tick (N1): `ipp-counter tick` over ROWS (default 1,000,000) URLs
# pending a counter whose windows have closed, each moved to removed at
# its deadline with its move recorded, in one transaction, every row
# printed; against the sqlite3 CLI applying the same state changes and
# move records, one UPDATE and one INSERT per URL, in one transaction
# (goal: >= 0.5x its rows per second).  Then the tick with nothing due
# on the same ROWS URLs, their windows open, which every report pays
# before it shows states: against start-up, `sqlite3 DB 'select 1'` and
# `ipp-register whoami` (goal: within 1.5x), best of 5 rounds of N runs.
# The store is set up through the tools (an account, a verified
# trademark, one complaint) and then grown with SQL to ROWS URLs, since
# filing and accepting them is measured elsewhere (complain-import.sh,
# decide.sh).  Times are the best of RUNS (default 3) on a fresh copy of
# the store.  Needs IPP_BIN.
set -eu

rows=${ROWS:-1000000}
N=${N:-100}
. "$(dirname "$0")/lib.sh"
bench_init tick ipp-register ipp-ipr ipp-complain ipp-counter

verified_owner
paper "$tmp/cert.pdf" 'certificate'
ipr=$(as owner ipp-ipr add --type trademark --name BRAND --number TM-CN-1 \
    --registrant 'Bench Brand Ltd' --jurisdiction CN --expires 2034-12-31 \
    --class 25 --brand Brand --certificate "$tmp/cert.pdf" | column ipr_id)
as handler ipp-ipr verify "$ipr" >/dev/null
as owner ipp-complain new --platform taobao --ipr "$ipr" --target listing \
    --reason tm-mark-in-text --supplement 'Goods sold under our mark here.' \
    --no-check https://item.taobao.com/item.htm?id=1 >/dev/null 2>&1

# ROWS URLs in complaints of 300, filed and accepted on Friday
# 2026-01-02; their counter windows close 2026-01-07T16:00:00Z.
window=2026-01-07T16:00:00Z
sqlite3 "$IPP_DB" <<SQL
PRAGMA foreign_keys = ON;
BEGIN;
DELETE FROM url_moves;
DELETE FROM complaint_urls;
WITH RECURSIVE k(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM k
    WHERE i < ($rows + 299) / 300)
INSERT INTO complaints (complaint_id, account_id, platform, region, ipr_id,
    target, reason, priority, supplement, due_at, created_at)
    SELECT i, account_id, platform, region, ipr_id, target, reason,
    priority, supplement, due_at, created_at FROM complaints, k
    WHERE complaint_id = 1;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
    WHERE i < $rows)
INSERT INTO complaint_urls (url_id, complaint_id, account_id, url,
    canonical_url, listing_id, state, updated_at, window_ends_at)
    SELECT i, 1 + (i - 1) / 300, $OWNER_ID,
    'https://item.taobao.com/item.htm?id=' || (100000000 + i),
    'https://item.taobao.com/item.htm?id=' || (100000000 + i),
    100000000 + i, 'pending-counter', '2026-01-02T02:00:00Z', '$window'
    FROM n;
INSERT INTO url_moves (url_id, from_state, to_state, actor_id, at)
    SELECT url_id, NULL, 'submitted', account_id, '2026-01-02T01:00:00Z'
    FROM complaint_urls;
INSERT INTO url_moves (url_id, from_state, to_state, actor_id, at)
    SELECT url_id, 'submitted', 'pending-counter',
    (SELECT account_id FROM accounts WHERE role = 'handler'),
    '2026-01-02T02:00:00Z' FROM complaint_urls;
COMMIT;
ANALYZE;
SQL
save_store

# check_removed N: N URLs removed at the deadline, N moves recorded.
check_removed() {
	_n=$(sqlite3 "$IPP_DB" "SELECT count(*) FROM complaint_urls
	    WHERE state = 'removed' AND final_at = '$window'
	    AND window_ends_at IS NULL")
	_m=$(sqlite3 "$IPP_DB" "SELECT count(*) FROM url_moves
	    WHERE to_state = 'removed' AND at = '$window'")
	if [ "$_n" -ne "$1" ] || [ "$_m" -ne "$1" ]; then
		echo "tick.sh: $_n URLs and $_m moves removed, not $1" >&2
		exit 1
	fi
}

tick_all() {
	reset_store
	IPP_NOW=2026-02-01T00:00:00Z ipp-counter tick >"$tmp/tick.out"
	[ "$(($(wc -l <"$tmp/tick.out") - 1))" -eq "$rows" ] ||
	    { echo "tick.sh: the tick printed no $rows rows" >&2; exit 1; }
	check_removed "$rows"
}

# The same by the sqlite3 CLI.
awk -v n="$rows" -v w="$window" 'BEGIN {
	print "BEGIN IMMEDIATE;"
	for (i = 1; i <= n; i++)
		printf "UPDATE complaint_urls SET state = '\''removed'\''," \
		    " updated_at = '\''%s'\'', final_at = '\''%s'\''," \
		    " window_ends_at = NULL WHERE url_id = %d" \
		    " AND state = '\''pending-counter'\'';\n" \
		    "INSERT INTO url_moves (url_id, from_state, to_state," \
		    " actor_id, reason, at) VALUES (%d, '\''pending-counter'\''," \
		    " '\''removed'\'', NULL, '\''no counter-notice within the" \
		    " window (rule N1)'\'', '\''%s'\'');\n", w, w, i, i, w
	print "COMMIT;"
}' >"$tmp/apply.sql"
sqlite_apply() {
	reset_store
	sqlite3 "$IPP_DB" <"$tmp/apply.sql"
	check_removed "$rows"
}

t_tick=$(best tick_all)
t_sql=$(best sqlite_apply)
awk -v rows="$rows" -v tt="$t_tick" -v ts="$t_sql" -v runs="$runs" 'BEGIN {
	if (tt <= 0) tt = 0.001
	if (ts <= 0) ts = 0.001
	printf "tick: %d due URLs moved: ipp-counter tick %.2f s (%.0f rows/s), " \
	    "sqlite3 CLI %.2f s (%.0f rows/s), ratio %.2fx (goal >= 0.5x); " \
	    "best of %d\n", rows, tt, rows / tt, ts, rows / ts, ts / tt, runs
}'

# ---- Nothing due, on ROWS open windows ----
reset_store
IPP_NOW=2026-01-05T00:00:00Z
export IPP_NOW
ipp-counter tick >"$tmp/idle.out"
[ "$(wc -l <"$tmp/idle.out")" -eq 1 ] ||
    { echo "tick.sh: the idle tick moved something" >&2; exit 1; }

now_ns() { date +%s%N; }
run_loop() {
	_i=0
	_t0=$(now_ns)
	while [ "$_i" -lt "$N" ]; do
		"$@" >/dev/null || :
		_i=$((_i + 1))
	done
	_t1=$(now_ns)
	echo $(( (_t1 - _t0) / N ))
}
XDG_STATE_HOME=$tmp/state-owner
export XDG_STATE_HOME
b_tick=; b_sql=; b_who=; b_list=
for round in 1 2 3 4 5; do
	a=$(run_loop ipp-counter tick)
	b=$(run_loop sqlite3 "$IPP_DB" 'select 1')
	c=$(run_loop ipp-register whoami)
	d=$(run_loop ipp-complain list --since 2030-01-01)
	[ -n "$b_tick" ] && [ "$a" -ge "$b_tick" ] || b_tick=$a
	[ -n "$b_sql" ] && [ "$b" -ge "$b_sql" ] || b_sql=$b
	[ -n "$b_who" ] && [ "$c" -ge "$b_who" ] || b_who=$c
	[ -n "$b_list" ] && [ "$d" -ge "$b_list" ] || b_list=$d
done
awk -v a="$b_tick" -v b="$b_sql" -v c="$b_who" -v d="$b_list" -v n="$N" \
    -v rows="$rows" 'BEGIN {
	printf "tick: nothing due on %d open windows: ipp-counter tick %.2f ms, " \
	    "sqlite3 DB '\''select 1'\'' %.2f ms (ratio %.2fx), ipp-register " \
	    "whoami %.2f ms (ratio %.2fx; goal within 1.5x); a report that " \
	    "applies due moves first, ipp-complain list, %.2f ms (%.2fx whoami); " \
	    "best of 5 x %d\n", rows, a / 1e6, b / 1e6, a / b, c / 1e6, a / c,
	    d / 1e6, d / c, n }'

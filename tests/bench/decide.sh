#!/bin/sh
# Deciding in bulk (H1): `ipp-complain queue | ipp-complain accept` of
# ROWS (default 1,000,000) submitted URLs of one account, each URL
# checked, moved from submitted to pending-counter with its counter
# window's end (N1) and its move recorded, in one transaction with a
# savepoint per URL, and one digest mail; against the sqlite3 CLI
# applying the same state changes and move records, one UPDATE and one
# INSERT per URL, in one transaction (goal: >= 0.5x its rows per
# second).  Also accept alone, reading the queue from a file.  Peak
# memory (RSS) of accept at ROWS/10 and ROWS ids (goal: flat).  Times
# are the best of RUNS (default 3) on a fresh copy of the store.  Needs
# IPP_BIN.
set -eu

rows=${ROWS:-1000000}
small=$((rows / 10))
. "$(dirname "$0")/lib.sh"
bench_init decide ipp-register ipp-ipr ipp-complain

# ---- A verified account with a verified trademark, ROWS URLs filed ----
verified_owner
paper "$tmp/cert.pdf" 'certificate'
ipr=$(as owner ipp-ipr add --type trademark --name BRAND --number TM-CN-1 \
    --registrant 'Bench Brand Ltd' --jurisdiction CN --expires 2034-12-31 \
    --class 25 --brand Brand --certificate "$tmp/cert.pdf" | column ipr_id)
as handler ipp-ipr verify "$ipr" >/dev/null
awk -v n="$rows" -v ipr="$ipr" 'BEGIN {
	print "url,platform,region,ipr,target,reason,supplement"
	for (i = 1; i <= n; i++)
		printf "https://item.taobao.com/item.htm?id=%d,taobao,,%s," \
		    "listing,tm-mark-in-text,Goods sold under our registered " \
		    "mark\n", 100000000 + i, ipr
}' >"$tmp/urls.csv"
as owner ipp-complain import --no-check --force "$tmp/urls.csv" \
    >/dev/null 2>"$tmp/import.err" || {
	echo "decide.sh: the import failed:" >&2
	head -5 "$tmp/import.err" >&2
	exit 1
}
rm -f "$tmp/urls.csv"
handler_id=$(as handler ipp-register whoami | column account_id)
save_store
as handler ipp-complain queue >"$tmp/queue.tsv"
head -n $((small + 1)) "$tmp/queue.tsv" >"$tmp/queue-small.tsv"
[ "$(($(wc -l <"$tmp/queue.tsv") - 1))" -eq "$rows" ] || {
	echo "decide.sh: the queue does not hold $rows URLs" >&2
	exit 1
}

if [ -x /usr/bin/time ] && /usr/bin/time -o /dev/null -f %M true 2>/dev/null; then
	peak() {
		/usr/bin/time -o "$tmp/peak" -f %M "$@"
	}
else
	peak() {
		"$@" &
		_pid=$!
		_hwm=0
		while kill -0 "$_pid" 2>/dev/null; do
			_h=$(awk '/^VmHWM:/ { print $2 }' "/proc/$_pid/status" \
			    2>/dev/null || true)
			[ -n "$_h" ] && _hwm=$_h
			sleep 0.05
		done
		_st=0
		wait "$_pid" || _st=$?
		echo "$_hwm" >"$tmp/peak"
		return "$_st"
	}
fi

# check_applied N: N URLs pending a counter, N moves, on the store.
check_applied() {
	_n=$(sqlite3 "$IPP_DB" "SELECT count(*) FROM complaint_urls
	    WHERE state = 'pending-counter' AND window_ends_at IS NOT NULL")
	_m=$(sqlite3 "$IPP_DB" "SELECT count(*) FROM url_moves
	    WHERE to_state = 'pending-counter'")
	if [ "$_n" -ne "$1" ] || [ "$_m" -ne "$1" ]; then
		echo "decide.sh: $_n URLs and $_m moves applied, not $1" >&2
		exit 1
	fi
}

# The pipeline the issue names, on a fresh store.
pipeline() {
	reset_store
	XDG_STATE_HOME=$tmp/state-handler sh -c \
	    'ipp-complain queue | ipp-complain accept' >/dev/null \
	    2>"$tmp/accept.err"
	grep -q "accept: $rows accepted, 0 refused; 1 digest mail" \
	    "$tmp/accept.err" || { cat "$tmp/accept.err" >&2; exit 1; }
	check_applied "$rows"
}

# accept alone, its ids from FILE, its peak memory in $tmp/peak.
accept_file() {
	reset_store
	XDG_STATE_HOME=$tmp/state-handler peak ipp-complain accept \
	    <"$1" >/dev/null 2>"$tmp/accept.err" ||
	    { cat "$tmp/accept.err" >&2; exit 1; }
	check_applied "$(($(wc -l <"$1") - 1))"
}

# The same state changes and move records by the sqlite3 CLI (the
# window's end is given, not computed: it is the same for every URL).
tz=$(sqlite3 "$tmp/pristine/ipp.db" "SELECT value FROM settings
    WHERE name = 'business_tz'")
at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
awk -F '\t' -v at="$at" -v h="$handler_id" '
	NR == 1 { print "BEGIN IMMEDIATE;"; next }
	{ printf "UPDATE complaint_urls SET state = '\''pending-counter'\''," \
	    " updated_at = '\''%s'\'', window_ends_at = '\''%s'\''" \
	    " WHERE url_id = %s AND state = '\''submitted'\'';\n" \
	    "INSERT INTO url_moves (url_id, from_state, to_state, actor_id," \
	    " at) VALUES (%s, '\''submitted'\'', '\''pending-counter'\''," \
	    " %s, '\''%s'\'');\n", at, at, $1, $1, h, at }
	END { print "COMMIT;" }' "$tmp/queue.tsv" >"$tmp/apply.sql"
sqlite_apply() {
	reset_store
	sqlite3 "$IPP_DB" <"$tmp/apply.sql"
	check_applied "$rows"
}

accept_file "$tmp/queue-small.tsv"
rss_small=$(tail -1 "$tmp/peak")
t_accept=$(best accept_file "$tmp/queue.tsv")
rss_big=$(tail -1 "$tmp/peak")
t_pipe=$(best pipeline)
t_sql=$(best sqlite_apply)

awk -v rows="$rows" -v tp="$t_pipe" -v ta="$t_accept" -v ts="$t_sql" \
    -v runs="$runs" -v tz="$tz" 'BEGIN {
	if (tp <= 0) tp = 0.001
	if (ta <= 0) ta = 0.001
	if (ts <= 0) ts = 0.001
	printf "decide: queue | accept of %d URLs (%s business days): " \
	    "ipp %.2f s (%.0f rows/s), sqlite3 CLI %.2f s (%.0f rows/s), " \
	    "ratio %.2fx (goal >= 0.5x); accept alone %.2f s, ratio %.2fx; " \
	    "best of %d\n", rows, tz, tp, rows / tp, ts, rows / ts, ts / tp,
	    ta, ts / ta, runs
}'
awk -v s="$small" -v b="$rows" -v ms="$rss_small" -v mb="$rss_big" 'BEGIN {
	printf "decide: accept peak memory %.1f MiB at %d ids, %.1f MiB at " \
	    "%d ids, ratio %.2fx (goal: flat)\n", ms / 1024, s, mb / 1024, b,
	    (ms > 0 ? mb / ms : 0)
}'

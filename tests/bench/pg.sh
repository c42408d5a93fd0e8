#!/bin/sh
# The team store's benchmark (issue 14): the same work on PostgreSQL
# beside SQLite, each against the bare SQL of that work run by the
# database's own client, as ratios.
#
#  - import: `ipp-complain import --no-check --force` of ROWS (default
#    100,000) valid taobao listings, every row checked and filed with its
#    move, against loading the same CSV into a bare table: psql's \copy
#    (COPY) on PostgreSQL, sqlite3's .import on SQLite (goal >= 0.5x).
#    On PostgreSQL also against the same rows filed by psql alone: COPY
#    into a temporary table, then one INSERT ... SELECT each into the
#    store's complaints, complaint_urls and url_moves, whose constraints
#    (foreign keys, C5's unique index) check every row as the import's
#    do: what the database itself needs for the work;
#  - decide: `ipp-complain queue | ipp-complain accept` of those ROWS
#    URLs against one UPDATE and one INSERT a URL in one transaction by
#    psql or sqlite3 (goal >= 0.5x);
#  - tick (PostgreSQL; SQLite's is tick.sh): `ipp-counter tick` moving
#    ROWS URLs whose counter windows closed to removed, against psql
#    applying the same UPDATE and INSERT a URL in one transaction (goal
#    >= 0.5x); and the tick with nothing due on those ROWS open windows
#    against start-up (`ipp-register whoami`, goal within 1.5x) and psql
#    -c 'SELECT 1', the best of 5 rounds of N (default 20) runs;
#  - score (PostgreSQL; SQLite's is score.sh): `ipp-score show` over
#    PG_SCORE_URLS (default 1,000,000) decided URLs of PG_SCORE_ACCOUNTS
#    (default 1,000) accounts, one with a tenth of them, against psql
#    running lib/score.c's two GROUP BYs (lib.sh's outcomes and counters),
#    for the big account, a small one (the mean of N runs) and --all
#    (goal <= 1.2x).
#
# PG_BENCH (default "import decide tick score") picks the parts.  The
# cluster is a throw-away one from tests/pg.sh (started here when
# IPP_TEST_PG is not set).  Times are the best of RUNS (default 2), each
# on a fresh copy of the store (CREATE DATABASE ... TEMPLATE on
# PostgreSQL, a copy of the directory on SQLite).  Needs IPP_BIN.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${IPP_TEST_PG:-}" ]; then
	exec sh "$here/../pg.sh" sh "$here/pg.sh" "$@"
fi
rows=${ROWS:-100000}
RUNS=${RUNS:-2}
N=${N:-20}
parts=" ${PG_BENCH:-import decide tick score} "
. "$here/lib.sh"
bench_init pg ipp-register ipp-ipr ipp-complain ipp-counter ipp-score
: "${PG_BINDIR:=$(ls -d /usr/lib/postgresql/*/bin | tail -1)}"
psql="$PG_BINDIR/psql -qAtX"
XDG_DATA_HOME=$tmp/data
export XDG_DATA_HOME

# part NAME: true when PG_BENCH has NAME.
part() {
	case $parts in *" $1 "*) return 0 ;; esac
	return 1
}
# ratio NAME WHAT IPP BARE BARENAME GOAL: the bare SQL's time over ipp's.
ratio() {
	awk -v n="$1" -v w="$2" -v ti="$3" -v tb="$4" -v bn="$5" \
	    -v goal="$6" -v runs="$runs" 'BEGIN {
		if (ti <= 0) ti = 0.001
		if (tb <= 0) tb = 0.001
		printf "%s: %s: ipp %.2f s, %s %.2f s, ratio %.2fx (goal %s);" \
		    " best of %d\n", n, w, ti, bn, tb, tb / ti, goal, runs
	}'
}

# ---- the stores: one setup per database, kept pristine ----
# db NAME: the connection string of database NAME of the cluster.
db() {
	echo "$IPP_TEST_PG dbname=$1"
}
# create NAME [TEMPLATE]: database NAME, new or a copy of TEMPLATE.
create() {
	$psql "$IPP_TEST_PG" -c "SET client_min_messages = warning" \
	    -c "DROP DATABASE IF EXISTS $1" \
	    -c "CREATE DATABASE $1${2:+ TEMPLATE $2}"
}
# fresh KIND NAME: the store NAME on KIND (pg or sqlite), a copy of its
# pristine setup; IPP_DB names it.
fresh() {
	if [ "$1" = pg ]; then
		create "$2" "pristine_$2"
		IPP_DB=$(db "$2")
	else
		rm -rf "$tmp/$2"
		cp -R "$tmp/pristine-$2" "$tmp/$2"
		IPP_DB=$tmp/$2/ipp.db
	fi
	export IPP_DB
}
# at KIND NAME: IPP_DB names the store NAME as the last run left it
# (the runs are in subshells).
at() {
	if [ "$1" = pg ]; then
		IPP_DB=$(db "$2")
	else
		IPP_DB=$tmp/$2/ipp.db
	fi
	export IPP_DB
}
# keep KIND NAME: the store as it is becomes NAME's pristine setup.
keep() {
	if [ "$1" = pg ]; then
		create "pristine_$2" "$(echo "$IPP_DB" | sed 's/.*dbname=//')"
	else
		rm -rf "$tmp/pristine-$2"
		cp -R "$(dirname "$IPP_DB")" "$tmp/pristine-$2"
	fi
}
# q SQL: one query on the store as it is.
q() {
	case $IPP_DB in
	*dbname=*) $psql "$IPP_DB" -c "$1" ;;
	*) sqlite3 "$IPP_DB" "$1" ;;
	esac
}
# sql: the SQL on standard input run by psql on the store, stopping at
# the first error.
sql() {
	$psql -v ON_ERROR_STOP=1 "$IPP_DB" -f - >/dev/null
}

# empty KIND NAME: an empty store NAME on KIND, without an account yet;
# OUTBOX is where its mail goes.
empty() {
	rm -rf "$tmp/data" "$tmp"/state-*
	if [ "$1" = pg ]; then
		create "$2"
		IPP_DB=$(db "$2")
		OUTBOX=$tmp/data/ipp/outbox
	else
		rm -rf "$tmp/$2"
		IPP_DB=$tmp/$2/ipp.db
		OUTBOX=$tmp/$2/outbox
	fi
	export IPP_DB
}
# setup KIND: a handler and an owner with a verified CN trademark.
setup() {
	empty "$1" setup
	verified_owner
	paper "$tmp/cert.pdf" 'certificate'
	ipr=$(as owner ipp-ipr add --type trademark --name BRAND \
	    --number TM-CN-1 --registrant 'Bench Brand Ltd' \
	    --jurisdiction CN --expires 2034-12-31 --class 25 --brand Brand \
	    --certificate "$tmp/cert.pdf" | column ipr_id)
	as handler ipp-ipr verify "$ipr" >/dev/null
	handler_id=$(as handler ipp-register whoami | column account_id)
}

csv() {
	awk -v n="$rows" -v ipr="$ipr" 'BEGIN {
		print "url,platform,region,ipr,target,reason,supplement"
		for (i = 1; i <= n; i++)
			printf "https://item.taobao.com/item.htm?id=%d,taobao,," \
			    "%s,listing,tm-mark-in-text,Goods sold under our " \
			    "registered mark\n", 100000000 + i, ipr
	}' >"$tmp/urls.csv"
}

# ---- import and decide: the work, and its bare SQL ----
import() {
	fresh "$kind" imp
	as owner ipp-complain import --no-check --force "$tmp/urls.csv" \
	    >/dev/null 2>"$tmp/import.err" || {
		echo "pg.sh: the import failed:" >&2
		head -5 "$tmp/import.err" >&2
		exit 1
	}
}
bare_import() {
	if [ "$kind" = pg ]; then
		create bare
		$psql "$(db bare)" -c "CREATE TABLE rows (url TEXT,
		    platform TEXT, region TEXT, ipr TEXT, target TEXT,
		    reason TEXT, supplement TEXT)" \
		    -c "\\copy rows FROM '$tmp/urls.csv' WITH (FORMAT csv, HEADER)"
	else
		rm -f "$tmp/bare.db"
		sqlite3 "$tmp/bare.db" '.mode csv' ".import $tmp/urls.csv rows"
	fi
}
# The import's rows and moves by psql alone, complaints of 300 as the
# import makes them, in one transaction.
bare_filing() {
	fresh pg imp
	sql <<EOF
BEGIN;
CREATE TEMPORARY TABLE rows (url TEXT, platform TEXT, region TEXT,
    ipr TEXT, target TEXT, reason TEXT, supplement TEXT);
\\copy rows FROM '$tmp/urls.csv' WITH (FORMAT csv, HEADER)
CREATE TEMPORARY TABLE numbered AS SELECT row_number() OVER () - 1 AS i,
    url FROM rows;
INSERT INTO complaints (complaint_id, account_id, platform, ipr_id,
    target, reason, priority, supplement, due_at, created_at)
    SELECT 1000 + k, $OWNER_ID, 'taobao', $ipr, 'listing',
    'tm-mark-in-text', 'normal', 'Goods sold under our registered mark',
    '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
    FROM generate_series(0, ($rows - 1) / 300) AS g(k);
INSERT INTO complaint_urls (complaint_id, account_id, url, canonical_url,
    listing_id, state, updated_at)
    SELECT 1000 + i / 300, $OWNER_ID, url, url, substr(url, 37),
    'submitted', '2026-01-01T00:00:00Z' FROM numbered ORDER BY i;
INSERT INTO url_moves (url_id, from_state, to_state, actor_id, reason, at)
    SELECT url_id, NULL, 'submitted', $OWNER_ID, NULL,
    '2026-01-01T00:00:00Z' FROM complaint_urls ORDER BY url_id;
COMMIT;
EOF
}
decide() {
	fresh "$kind" dec
	as handler sh -c 'ipp-complain queue | ipp-complain accept' \
	    >/dev/null 2>"$tmp/accept.err"
	grep -q "accept: $rows accepted, 0 refused" "$tmp/accept.err" ||
	    { cat "$tmp/accept.err" >&2; exit 1; }
}
bare_decide() {
	fresh "$kind" dec
	if [ "$kind" = pg ]; then
		$psql "$IPP_DB" -f "$tmp/apply.sql"
	else
		sqlite3 "$IPP_DB" <"$tmp/apply.sql"
	fi
}
applied() {
	q "SELECT count(*) FROM url_moves WHERE to_state = 'pending-counter'"
}

for kind in sqlite pg; do
	part import || part decide || break
	setup "$kind"
	keep "$kind" imp
	csv
	t_imp=$(best import)
	at "$kind" imp
	[ "$(q 'SELECT count(*) FROM complaint_urls')" -eq "$rows" ] ||
	    { echo "pg.sh: the import did not file $rows URLs" >&2; exit 1; }
	keep "$kind" dec
	if part import; then
		t_bare=$(best bare_import)
		bare_name=".import"
		[ "$kind" = pg ] && bare_name="COPY"
		ratio "$kind" "import of $rows listings" "$t_imp" "$t_bare" \
		    "$bare_name" ">= 0.5x"
		if [ "$kind" = pg ]; then
			t_bare=$(best bare_filing)
			[ "$(q 'SELECT count(*) FROM url_moves')" -eq "$rows" ] ||
			    { echo "pg.sh: psql filed no $rows URLs" >&2; exit 1; }
			ratio "$kind" "import of $rows listings" "$t_imp" \
			    "$t_bare" "psql COPY + INSERT ... SELECT" \
			    "none: the same rows and checks by psql alone"
		fi
	fi
	part decide || continue

	fresh "$kind" dec
	as handler ipp-complain queue >"$tmp/queue.tsv"
	at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	begin="BEGIN IMMEDIATE;"
	[ "$kind" = pg ] && begin="BEGIN;"
	awk -F '\t' -v at="$at" -v h="$handler_id" -v b="$begin" '
	NR == 1 { print b; next }
	{ printf "UPDATE complaint_urls SET state = '\''pending-counter'\''," \
	    " updated_at = '\''%s'\'', window_ends_at = '\''%s'\''" \
	    " WHERE url_id = %s AND state = '\''submitted'\'';\n" \
	    "INSERT INTO url_moves (url_id, from_state, to_state, actor_id," \
	    " at) VALUES (%s, '\''submitted'\'', '\''pending-counter'\''," \
	    " %s, '\''%s'\'');\n", at, at, $1, $1, h, at }
	END { print "COMMIT;" }' "$tmp/queue.tsv" >"$tmp/apply.sql"
	t_dec=$(best decide)
	at "$kind" dec
	[ "$(applied)" -eq "$rows" ] ||
	    { echo "pg.sh: the decisions did not apply" >&2; exit 1; }
	t_bare=$(best bare_decide)
	at "$kind" dec
	[ "$(applied)" -eq "$rows" ] ||
	    { echo "pg.sh: the bare SQL did not apply" >&2; exit 1; }
	ratio "$kind" "queue | accept of $rows URLs" "$t_dec" "$t_bare" \
	    "$([ "$kind" = pg ] && echo psql || echo sqlite3)" ">= 0.5x"
done

# ---- tick (N1), on PostgreSQL: as tick.sh on SQLite ----
if part tick; then
	kind=pg
	setup pg
	as owner ipp-complain new --platform taobao --ipr "$ipr" \
	    --target listing --reason tm-mark-in-text \
	    --supplement 'Goods sold under our mark here.' \
	    --no-check https://item.taobao.com/item.htm?id=1 >/dev/null 2>&1
	# ROWS URLs in complaints of 300, accepted on Friday 2026-01-02;
	# their counter windows close 2026-01-07T16:00:00Z.
	window=2026-01-07T16:00:00Z
	sql <<EOF
BEGIN;
DELETE FROM url_moves;
DELETE FROM complaint_urls;
INSERT INTO complaints (complaint_id, account_id, platform, region, ipr_id,
    target, reason, priority, supplement, due_at, created_at)
    SELECT i, account_id, platform, region, ipr_id, target, reason,
    priority, supplement, due_at, created_at FROM complaints,
    generate_series(2, ($rows + 299) / 300) AS k(i)
    WHERE complaint_id = 1;
INSERT INTO complaint_urls (url_id, complaint_id, account_id, url,
    canonical_url, listing_id, state, updated_at, window_ends_at)
    SELECT i, 1 + (i - 1) / 300, $OWNER_ID,
    'https://item.taobao.com/item.htm?id=' || (100000000 + i),
    'https://item.taobao.com/item.htm?id=' || (100000000 + i),
    (100000000 + i)::text, 'pending-counter', '2026-01-02T02:00:00Z',
    '$window' FROM generate_series(1, $rows) AS n(i);
INSERT INTO url_moves (url_id, from_state, to_state, actor_id, at)
    SELECT url_id, NULL, 'submitted', account_id, '2026-01-01T01:00:00Z'
    FROM complaint_urls;
INSERT INTO url_moves (url_id, from_state, to_state, actor_id, at)
    SELECT url_id, 'submitted', 'pending-counter', $handler_id,
    '2026-01-02T02:00:00Z' FROM complaint_urls;
SELECT setval(pg_get_serial_sequence('complaints', 'complaint_id'),
    (SELECT max(complaint_id) FROM complaints));
SELECT setval(pg_get_serial_sequence('complaint_urls', 'url_id'), $rows);
COMMIT;
ANALYZE;
EOF
	keep pg tick
	# check_removed N: N URLs removed at the deadline, N moves recorded.
	check_removed() {
		_n=$(q "SELECT count(*) FROM complaint_urls
		    WHERE state = 'removed' AND final_at = '$window'
		    AND window_ends_at IS NULL")
		_m=$(q "SELECT count(*) FROM url_moves
		    WHERE to_state = 'removed' AND at = '$window'")
		if [ "$_n" -ne "$1" ] || [ "$_m" -ne "$1" ]; then
			echo "pg.sh: $_n URLs and $_m moves removed, not $1" >&2
			exit 1
		fi
	}
	tick_all() {
		fresh pg tick
		IPP_NOW=2026-02-01T00:00:00Z ipp-counter tick >"$tmp/tick.out"
		[ "$(($(wc -l <"$tmp/tick.out") - 1))" -eq "$rows" ] || {
			echo "pg.sh: the tick printed no $rows rows" >&2
			exit 1
		}
	}
	awk -v n="$rows" -v w="$window" 'BEGIN {
		print "BEGIN;"
		for (i = 1; i <= n; i++)
			printf "UPDATE complaint_urls SET state = '\''removed'\''," \
			    " updated_at = '\''%s'\'', final_at = '\''%s'\''," \
			    " window_ends_at = NULL WHERE url_id = %d" \
			    " AND state = '\''pending-counter'\'';\n" \
			    "INSERT INTO url_moves (url_id, from_state, to_state," \
			    " actor_id, reason, at) VALUES (%d," \
			    " '\''pending-counter'\'', '\''removed'\'', NULL," \
			    " '\''no counter-notice within the window (rule N1)'\''," \
			    " '\''%s'\'');\n", w, w, i, i, w
		print "COMMIT;"
	}' >"$tmp/tick.sql"
	bare_tick() {
		fresh pg tick
		$psql "$IPP_DB" -f "$tmp/tick.sql"
	}
	t_tick=$(best tick_all)
	at pg tick
	check_removed "$rows"
	t_bare=$(best bare_tick)
	at pg tick
	check_removed "$rows"
	ratio pg "tick of $rows due URLs" "$t_tick" "$t_bare" psql ">= 0.5x"

	# Nothing due on ROWS open windows: what every report pays first.
	fresh pg tick
	IPP_NOW=2026-01-05T00:00:00Z
	export IPP_NOW
	ipp-counter tick >"$tmp/idle.out"
	[ "$(wc -l <"$tmp/idle.out")" -eq 1 ] ||
	    { echo "pg.sh: the idle tick moved something" >&2; exit 1; }
	loop() {
		_i=0
		_t0=$(date +%s%N)
		while [ "$_i" -lt "$N" ]; do
			"$@" >/dev/null || :
			_i=$((_i + 1))
		done
		echo $(( ($(date +%s%N) - _t0) / N ))
	}
	XDG_STATE_HOME=$tmp/state-owner
	export XDG_STATE_HOME
	b_tick=; b_sql=; b_who=
	for round in 1 2 3 4 5; do
		a=$(loop ipp-counter tick)
		b=$(loop $psql "$IPP_DB" -c 'SELECT 1')
		c=$(loop ipp-register whoami)
		[ -n "$b_tick" ] && [ "$a" -ge "$b_tick" ] || b_tick=$a
		[ -n "$b_sql" ] && [ "$b" -ge "$b_sql" ] || b_sql=$b
		[ -n "$b_who" ] && [ "$c" -ge "$b_who" ] || b_who=$c
	done
	unset IPP_NOW
	awk -v a="$b_tick" -v b="$b_sql" -v c="$b_who" -v n="$N" \
	    -v rows="$rows" 'BEGIN {
		printf "pg: tick, nothing due on %d open windows: ipp-counter" \
		    " tick %.2f ms, psql -c '\''SELECT 1'\'' %.2f ms (ratio" \
		    " %.2fx), ipp-register whoami %.2f ms (ratio %.2fx; goal" \
		    " within 1.5x); best of 5 x %d\n", rows, a / 1e6, b / 1e6,
		    a / b, c / 1e6, a / c, n }'
fi

# ---- score (issue 11), on PostgreSQL: as score.sh on SQLite ----
if part score; then
	urls=${PG_SCORE_URLS:-1000000}
	accounts=${PG_SCORE_ACCOUNTS:-1000}
	big=$((urls / 10))
	at=2026-03-01T00:00:00Z
	since=$(date -u -d "$at - 90 days" +%Y-%m-%dT%H:%M:%SZ)
	empty pg score
	verified_owner
	BIG=$OWNER_ID
	FIRST=$((BIG + 1))
	per=$(( (urls - big + accounts - 2) / (accounts - 1) ))
	# The rows are consistent by construction: no foreign-key checks
	# while they are made (the sqlite3 shell of score.sh makes none).
	sql <<EOF
BEGIN;
SET LOCAL session_replication_role = replica;
INSERT INTO accounts (account_id, email, contact_email, role, state,
    password_hash, created_at, updated_at)
    SELECT i, 'a' || i || '@bench.example', 'a' || i || '@bench.example',
    'account', 'identity-verified', 'x', '$at', '$at'
    FROM generate_series($FIRST, $BIG + $accounts - 1) AS n(i);
INSERT INTO iprs (ipr_id, account_id, label, type, state, created_at,
    updated_at) VALUES (1, $BIG, 'cn', 'trademark', 'verified', '$at',
    '$at');
DROP INDEX complaint_urls_complaint;
DROP INDEX complaint_urls_final;
DROP INDEX complaint_urls_countered;
INSERT INTO complaints (complaint_id, account_id, platform, ipr_id,
    target, reason, priority, supplement, due_at, created_at)
    SELECT i + 1, CASE WHEN i * 300 < $big THEN $BIG
    ELSE $FIRST + (i * 300 - $big) / $per END,
    CASE i % 7 WHEN 0 THEN 'taobao' WHEN 1 THEN 'tmall'
    WHEN 2 THEN 'tmall-global' WHEN 3 THEN '1688' WHEN 4 THEN 'alibaba'
    WHEN 5 THEN 'aliexpress' ELSE 'lazada' END, 1, 'listing',
    CASE i % 4 WHEN 0 THEN 'tm-counterfeit-goods'
    WHEN 1 THEN 'tm-mark-in-text' WHEN 2 THEN 'tm-mark-in-images'
    ELSE 'tm-similar-mark' END, 'normal', 'bench', '$at', '$at'
    FROM generate_series(0::bigint, ($urls - 1) / 300) AS n(i);
INSERT INTO complaint_urls (url_id, complaint_id, account_id, url,
    canonical_url, listing_id, state, updated_at, final_at, countered_at)
    SELECT i + 1, i / 300 + 1, account,
    'https://item.taobao.com/item.htm?id=' || i,
    'https://item.taobao.com/item.htm?id=' || i, i::text, state, final,
    final, CASE WHEN state = 'restored' OR i % 50 = 44
    THEN to_char(to_timestamp(1772323200 - (i * 7919) % 31536000 - 86400)
    AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') END
    FROM (SELECT i,
    CASE WHEN i < $big THEN $BIG ELSE $FIRST + (i - $big) / $per END
    AS account,
    CASE WHEN i % 50 < 45 THEN 'removed' WHEN i % 50 < 48 THEN 'rejected'
    WHEN i % 50 = 48 THEN 'restored' ELSE 'withdrawn' END AS state,
    to_char(to_timestamp(1772323200 - (i * 7919) % 31536000)
    AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS final
    FROM generate_series(0::bigint, $urls - 1) AS n(i)) AS u;
CREATE INDEX complaint_urls_complaint ON complaint_urls (complaint_id);
CREATE INDEX complaint_urls_final ON complaint_urls
    (account_id, final_at) WHERE final_at IS NOT NULL;
CREATE INDEX complaint_urls_countered ON complaint_urls
    (account_id, countered_at) WHERE countered_at IS NOT NULL;
SELECT setval(pg_get_serial_sequence('accounts', 'account_id'),
    $BIG + $accounts);
SELECT setval(pg_get_serial_sequence('complaints', 'complaint_id'),
    ($urls - 1) / 300 + 1);
SELECT setval(pg_get_serial_sequence('complaint_urls', 'url_id'), $urls);
COMMIT;
ANALYZE;
EOF
	# The same counts, both ways: the big account's overall figures.
	score_removed=$(outcomes "AND u.account_id = $BIG" |
	    $psql -F '|' "$IPP_DB" -f - |
	    awk -F '|' '$4 == "removed" { n += $6 } END { print n }')
	as handler ipp-score show --at "$at" --account "$BIG" >"$tmp/show.tsv"
	ipp_removed=$(awk -F '\t' '$2 == "all" && $3 == "all" { print $4 }' \
	    "$tmp/show.tsv")
	if [ "$score_removed" != "$ipp_removed" ]; then
		echo "pg.sh: the counts differ: psql $score_removed removed," \
		    "ipp-score $ipp_removed" >&2
		exit 1
	fi
	SMALL=$((FIRST + 1))
	small_urls=$(q "SELECT count(*) FROM complaint_urls
	    WHERE account_id = $SMALL")
	# pair K WHAT IPP-ARGS CONDITION: the mean of K runs in a row of
	# each, the best of $runs such turns, the two in turns so that the
	# machine's other work weighs on both alike.
	pair() {
		{ outcomes "$4"; counters "$4"; } >"$tmp/score.sql"
		_t_ipp= _t_sql=
		XDG_STATE_HOME=$tmp/state-handler
		export XDG_STATE_HOME
		for _i in $(seq "$runs"); do
			_t0=$(now)
			for _k in $(seq "$1"); do
				ipp-score show --at "$at" $3 >"$tmp/show.tsv"
			done
			_t1=$(now)
			for _k in $(seq "$1"); do
				$psql "$IPP_DB" -f "$tmp/score.sql" >/dev/null
			done
			_t2=$(now)
			_t_ipp=$(awk -v a="$_t0" -v z="$_t1" -v b="$_t_ipp" \
			    -v k="$1" 'BEGIN { t = (z - a) / k
			    print (b == "" || t < b) ? t : b }')
			_t_sql=$(awk -v a="$_t1" -v z="$_t2" -v b="$_t_sql" \
			    -v k="$1" 'BEGIN { t = (z - a) / k
			    print (b == "" || t < b) ? t : b }')
		done
		awk -v w="$2" -v ti="$_t_ipp" -v ts="$_t_sql" -v runs="$runs" \
		    -v k="$1" 'BEGIN { if (ts <= 0) ts = 0.001
			printf "pg: score: %s: ipp-score %.3f s, psql %.3f s," \
			    " ratio %.2fx (goal <= 1.2x: %s); best of %d x %d\n",
			    w, ti, ts, ti / ts, ti / ts <= 1.2 ? "met" : "MISSED",
			    runs, k }'
	}
	pair 1 "show, account of $big URLs" "--account $BIG" \
	    "AND u.account_id = $BIG"
	pair "$N" "show, account of $small_urls URLs" "--account $SMALL" \
	    "AND u.account_id = $SMALL"
	pair 1 "show --all ($accounts accounts, $urls URLs)" "--all" ""
fi

#!/bin/sh
# The team store's benchmark (issue 14): the same work on PostgreSQL
# beside SQLite, each against the bare SQL of that work run by the
# database's own client, as ratios.
#
#  - import: `ipp-complain import --no-check --force` of ROWS (default
#    100,000) valid taobao listings, every row checked and filed with its
#    move, against loading the same CSV into a bare table: psql's \copy
#    (COPY) on PostgreSQL, sqlite3's .import on SQLite (goal >= 0.5x);
#  - decide: `ipp-complain queue | ipp-complain accept` of those ROWS
#    URLs against one UPDATE and one INSERT a URL in one transaction by
#    psql or sqlite3 (goal >= 0.5x).
#
# The cluster is a throw-away one from tests/pg.sh (started here when
# IPP_TEST_PG is not set).  Times are the best of RUNS (default 2), each
# on a fresh copy of the store (CREATE DATABASE ... TEMPLATE on
# PostgreSQL, a copy of the directory on SQLite).  Needs IPP_BIN.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${IPP_TEST_PG:-}" ]; then
	exec sh "$here/../pg.sh" sh "$here/pg.sh" "$@"
fi
rows=${ROWS:-100000}
runs=${RUNS:-2}
bin=${IPP_BIN:?IPP_BIN is not set}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
PATH=$bin:$PATH
: "${PG_BINDIR:=$(ls -d /usr/lib/postgresql/*/bin | tail -1)}"
psql="$PG_BINDIR/psql -qAtX"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipp-bench-pg.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' HUP INT TERM
unset IPP_TOKEN IPP_SMTP_URL IPP_NOW IPP_CONNECT_TO
HOME=$tmp/home
XDG_DATA_HOME=$tmp/data
LC_ALL=C
export PATH HOME XDG_DATA_HOME LC_ALL
mkdir -p "$HOME"

if [ "$(date +%N)" != N ] && [ -n "$(date +%N)" ]; then
	now() { date +%s.%N; }
else
	now() { perl -MTime::HiRes=time -e 'printf "%.6f\n", time'; }
fi
as() {
	XDG_STATE_HOME=$tmp/state-$1
	export XDG_STATE_HOME
	shift
	"$@"
}
paper() {
	printf '%s\n' '%PDF-1.4' "% $2" \
	    '1 0 obj << /Type /Catalog /Pages 2 0 R >>' 'endobj' \
	    '2 0 obj << /Type /Pages /Kids [] /Count 0 >>' 'endobj' \
	    'trailer << /Root 1 0 R >>' '%%EOF' >"$1"
}
column() {
	awk -F '\t' -v n="$1" 'NR == 1 { for (i = 1; i <= NF; i++)
	    if ($i == n) c = i } NR == 2 { print $c }'
}
best() {
	_b=
	for _i in $(seq "$runs"); do
		_t0=$(now)
		"$@"
		_t1=$(now)
		_b=$(awk -v a="$_t0" -v z="$_t1" -v b="$_b" 'BEGIN { t = z - a
		    if (b == "" || t < b + 0) b = t; printf "%.3f\n", b }')
	done
	echo "$_b"
}
# ratio NAME WHAT IPP BARE BARENAME GOAL
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
# fresh KIND NAME: the store NAME on KIND (pg or sqlite), a copy of its
# pristine setup; IPP_DB names it.
fresh() {
	if [ "$1" = pg ]; then
		$psql "$IPP_TEST_PG" -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $2" \
		    -c "CREATE DATABASE $2 TEMPLATE pristine_$2"
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
		$psql "$IPP_TEST_PG" -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS pristine_$2" \
		    -c "CREATE DATABASE pristine_$2 TEMPLATE $(
		    echo "$IPP_DB" | sed 's/.*dbname=//')"
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

# setup KIND: a handler and an owner with a verified CN trademark.
setup() {
	rm -rf "$tmp/data" "$tmp"/state-*
	if [ "$1" = pg ]; then
		$psql "$IPP_TEST_PG" -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS setup" \
		    -c "CREATE DATABASE setup"
		IPP_DB=$(db setup)
		outbox=$tmp/data/ipp/outbox
	else
		rm -rf "$tmp/setup"
		IPP_DB=$tmp/setup/ipp.db
		outbox=$tmp/setup/outbox
	fi
	export IPP_DB
	HANDLER=cases@bench.example
	OWNER=ip@brand.example
	PW='bench passphrase 1'
	printf '%s\n' "$PW" | as handler ipp-register init \
	    --handler "$HANDLER" --password-stdin 2>/dev/null
	printf '%s\n' "$PW" | ipp-register new --email "$OWNER" \
	    --base hong-kong --identity enterprise --category right-holder \
	    --agree --password-stdin >/dev/null
	code=$(tr -d '\r' <"$(ls -t "$outbox"/new/* | head -1)" |
	    sed -n 's/^Verification code: \([0-9]\{6\}\)$/\1/p')
	ipp-register verify --email "$OWNER" "$code"
	printf '%s\n' "$PW" | as owner ipp-register login --email "$OWNER" \
	    --password-stdin
	paper "$tmp/registration.pdf" 'company registration'
	as owner ipp-register identity --name 'Bench Brand Ltd' \
	    --doc "$tmp/registration.pdf"
	printf '%s\n' "$PW" | as handler ipp-register login \
	    --email "$HANDLER" --password-stdin
	as handler ipp-register approve "$(as owner ipp-register whoami |
	    column account_id)" >/dev/null
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

# ---- the work, and its bare SQL ----
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
		$psql "$IPP_TEST_PG" -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS bare" \
		    -c "CREATE DATABASE bare"
		$psql "$(db bare)" -c "CREATE TABLE rows (url TEXT,
		    platform TEXT, region TEXT, ipr TEXT, target TEXT,
		    reason TEXT, supplement TEXT)" \
		    -c "\\copy rows FROM '$tmp/urls.csv' WITH (FORMAT csv, HEADER)"
	else
		rm -f "$tmp/bare.db"
		sqlite3 "$tmp/bare.db" '.mode csv' ".import $tmp/urls.csv rows"
	fi
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
	setup "$kind"
	keep "$kind" imp
	csv
	t_imp=$(best import)
	at "$kind" imp
	[ "$(q 'SELECT count(*) FROM complaint_urls')" -eq "$rows" ] ||
	    { echo "pg.sh: the import did not file $rows URLs" >&2; exit 1; }
	keep "$kind" dec
	t_bare=$(best bare_import)
	bare_name=".import"
	[ "$kind" = pg ] && bare_name="COPY"
	ratio "$kind" "import of $rows listings" "$t_imp" "$t_bare" \
	    "$bare_name" ">= 0.5x"

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

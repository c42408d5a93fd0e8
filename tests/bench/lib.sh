# tests/bench/lib.sh: sourced by the benchmarks that need a store with an
# identity-verified account (ipr-import.sh, complain-import.sh):
#
#	. "$(dirname "$0")/lib.sh"
#	bench_init ipr-import ipp-register ipp-ipr
#	verified_owner
#
# bench_init checks that $IPP_BIN has the programs, puts it first in
# PATH, makes $tmp (removed on exit) and a clean environment whose store
# is $tmp/setup/ipp.db.  verified_owner makes the store's case handler
# and an owner account, identity approved, signed in as the users
# "handler" and "owner" (see `as`); it sets $HANDLER, $OWNER, $PW and
# $OWNER_ID, reading the verification code from $OUTBOX (default the
# SQLite store's, $tmp/setup/outbox).  save_store and reset_store let each timed run start from
# the store as it was set up.  $runs (RUNS, default 3) is for `best`.

runs=${RUNS:-3}

# bench_init NAME PROGRAM...
bench_init() {
	_bi_name=$1
	shift
	bin=${IPP_BIN:?IPP_BIN is not set}
	case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
	for _bi_p in "$@"; do
		[ -x "$bin/$_bi_p" ] ||
		    { echo "$_bi_name.sh: no $bin/$_bi_p" >&2; exit 1; }
	done
	PATH=$bin:$PATH
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipp-bench-$_bi_name.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	trap 'exit 130' HUP INT TERM
	unset IPP_TOKEN IPP_SMTP_URL IPP_NOW XDG_DATA_HOME IPP_CONNECT_TO
	HOME=$tmp/home
	IPP_DB=$tmp/setup/ipp.db
	LC_ALL=C
	export PATH HOME IPP_DB LC_ALL
	mkdir -p "$HOME"
}

# Seconds since the epoch with a fraction: GNU date, else perl.
if [ "$(date +%N)" != N ] && [ -n "$(date +%N)" ]; then
	now() { date +%s.%N; }
else
	now() { perl -MTime::HiRes=time -e 'printf "%.6f\n", time'; }
fi

# as USER COMMAND...: COMMAND in USER's session, as in tests/demo.sh.
as() {
	XDG_STATE_HOME=$tmp/state-$1
	export XDG_STATE_HOME
	shift
	"$@"
}

# paper FILE TITLE: a small PDF of its own content (D1, D2).
paper() {
	printf '%s\n' '%PDF-1.4' "% $2" \
	    '1 0 obj << /Type /Catalog /Pages 2 0 R >>' 'endobj' \
	    '2 0 obj << /Type /Pages /Kids [] /Count 0 >>' 'endobj' \
	    'trailer << /Root 1 0 R >>' '%%EOF' >"$1"
}

# column NAME: NAME's field of the first data row of the TSV on stdin.
column() {
	awk -F '\t' -v n="$1" 'NR == 1 { for (i = 1; i <= NF; i++)
	    if ($i == n) c = i } NR == 2 { print $c }'
}

# verified_owner: the handler, and the owner with its identity approved.
verified_owner() {
	HANDLER=cases@bench.example
	OWNER=ip@brand.example
	PW='bench passphrase 1'
	printf '%s\n' "$PW" | as handler ipp-register init \
	    --handler "$HANDLER" --password-stdin 2>/dev/null
	printf '%s\n' "$PW" | ipp-register new --email "$OWNER" \
	    --base hong-kong --identity enterprise --category right-holder \
	    --agree --password-stdin >/dev/null
	_vo_code=$(tr -d '\r' <"$(ls -t "${OUTBOX:-$tmp/setup/outbox}"/new/* |
	    head -1)" |
	    sed -n 's/^Verification code: \([0-9]\{6\}\)$/\1/p')
	ipp-register verify --email "$OWNER" "$_vo_code"
	printf '%s\n' "$PW" | as owner ipp-register login --email "$OWNER" \
	    --password-stdin
	paper "$tmp/registration.pdf" 'company registration'
	as owner ipp-register identity --name 'Bench Brand Ltd' \
	    --doc "$tmp/registration.pdf"
	printf '%s\n' "$PW" | as handler ipp-register login \
	    --email "$HANDLER" --password-stdin
	OWNER_ID=$(as owner ipp-register whoami | column account_id)
	as handler ipp-register approve "$OWNER_ID" >/dev/null
}

# save_store: the store as set up, for reset_store to copy back.
save_store() {
	cp -R "$tmp/setup" "$tmp/pristine"
}

reset_store() {
	rm -rf "$tmp/setup"
	cp -R "$tmp/pristine" "$tmp/setup"
}

# best CMD...: the least wall time of $runs runs of CMD, in seconds.
best() {
	_b_best=
	for _b_i in $(seq "$runs"); do
		_b_t0=$(now)
		"$@"
		_b_t1=$(now)
		_b_best=$(awk -v a="$_b_t0" -v z="$_b_t1" -v b="$_b_best" \
		    'BEGIN { t = z - a; if (b == "" || t < b + 0) b = t;
		    printf "%.3f\n", b }')
	done
	echo "$_b_best"
}

# outcomes CONDITION, counters CONDITION: the two statements of
# lib/score.c (OUTCOMES_*, COUNTERS_*) with their parameters inlined,
# $since (the window's start) and $at (the time), and CONDITION (such as
# "AND u.account_id = 7", or empty for every account) added to WHERE:
# the bare SQL of ipp-score show, for the sqlite3 shell or psql.
outcomes() {
	printf "SELECT u.account_id, c.platform, c.reason, u.state,
	    u.final_at >= '%s', count(*) FROM complaint_urls u
	    JOIN complaints c ON c.complaint_id = u.complaint_id
	    WHERE u.final_at IS NOT NULL AND u.final_at <= '%s' %s
	    GROUP BY u.account_id, c.platform, c.reason, u.state, 5
	    ORDER BY u.account_id;\n" "$since" "$at" "$1"
}
counters() {
	printf "SELECT u.account_id, c.platform, c.reason,
	    u.state = 'restored' AND u.final_at <= '%s',
	    u.countered_at >= '%s', count(*) FROM complaint_urls u
	    JOIN complaints c ON c.complaint_id = u.complaint_id
	    WHERE u.countered_at IS NOT NULL AND u.countered_at <= '%s' %s
	    GROUP BY u.account_id, c.platform, c.reason, 4, 5
	    ORDER BY u.account_id;\n" "$at" "$since" "$at" "$1"
}

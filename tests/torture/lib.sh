# tests/torture/lib.sh: sourced by every tests/torture/*.sh item of
# `make torture` (issue 12).  Built on tests/e2e/lib.sh (TAP, a private
# temporary directory, one store, users by HOME); adds the size knob, the
# figure each item reports, saved stores to restore before each trial,
# the checks every trial ends with, and the table of writing operations
# that the crash and I/O-fault items run.
#
#	TORTURE_SIZE=small|full	small: what make check runs; full: the figures
#	TORTURE_TABLE=FILE	where each item appends its figure rows
#	IPP_SHIMS=DIR		the LD_PRELOAD shims (shim_vfs.so, shim_oom.so)

. "$(dirname "$0")/../e2e/lib.sh"

: "${TORTURE_SIZE:=small}"
: "${IPP_SHIMS:=$IPP_HELPERS}"
IPP_SHIMS=$(abs_dir "$IPP_SHIMS")
case $TORTURE_SIZE in
small|full) ;;
*) echo "Bail out! TORTURE_SIZE is small or full, not '$TORTURE_SIZE'"
   exit 1 ;;
esac

# by_size SMALL FULL: the number for this run's size.
by_size() {
	if [ "$TORTURE_SIZE" = full ]; then echo "$2"; else echo "$1"; fi
}

# figure ITEM TRIALS FAILURES TEXT: one row of make torture's table.
figure() {
	printf '# figure: %s: %s trials, %s failures; %s\n' "$1" "$2" "$3" "$4"
	[ -z "${TORTURE_TABLE:-}" ] ||
	    printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$TORTURE_TABLE"
}

# rand N: a random number from 0 to N-1.
rand() {
	echo $(( $(od -An -N4 -tu4 /dev/urandom | tr -d ' ') % $1 ))
}

# quiet COMMAND...: runs it, its output dropped (for `ok`).
quiet() {
	"$@" >/dev/null 2>&1
}

# ---- saved stores ----

# The whole of a run's state: the store (database, docs/, outbox/) and
# every user's session; a checkpoint first, so the copy is the database.
save_state() {
	sqlite3 "$IPP_DB" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
	rm -rf "$tmp/saved-$1"
	mkdir -p "$tmp/saved-$1"
	for d in "$tmp"/store "$tmp"/state-* "$tmp"/home-*; do
		[ -e "$d" ] && cp -a "$d" "$tmp/saved-$1/"
	done
	true
}

restore_state() {
	rm -rf "$tmp"/store "$tmp"/state-* "$tmp"/home-*
	cp -a "$tmp/saved-$1"/. "$tmp"/
}

# ---- what every trial checks ----

SUP='The listing sells shoes under our registered ACME mark.'

# base_store: a store with a handler (user "handler"), alice verified
# with a verified CN trademark ($CN) and bob verified with his ($BCN).
base_store() {
	init_store cases@ipp.test &&
	A_ID=$(verified_account alice alice@example.com 'Alice Li') &&
	CN=$(trademark_ipr alice CN TM-CN-1) &&
	B_ID=$(verified_account bob bob@example.com 'Bob Wu') &&
	BCN=$(trademark_ipr bob CN TM-CN-BOB) &&
	[ -n "$CN" ] && [ -n "$BCN" ]
}

# integrity: "ok" when PRAGMA integrity_check and foreign_key_check pass.
integrity() {
	_ic=$(sqlite3 -cmd '.timeout 5000' "$IPP_DB" 'PRAGMA integrity_check' \
	    2>&1)
	_fk=$(sqlite3 -cmd '.timeout 5000' "$IPP_DB" \
	    'PRAGMA foreign_key_check' 2>&1)
	if [ "$_ic" = ok ] && [ -z "$_fk" ]; then
		echo ok
	else
		echo "integrity_check: $_ic; foreign_key_check: $_fk"
	fi
}

# bad_documents: the documents rows whose file is missing or does not
# hash to its name (D1), one a line.
bad_documents() {
	sqlite3 "$IPP_DB" 'SELECT sha256 FROM documents' |
	while IFS= read -r _bd; do
		_bd_f=$store/docs/$(printf '%s' "$_bd" | cut -c1-2)/$_bd
		if [ ! -f "$_bd_f" ] ||
		    [ "$(sha256sum <"$_bd_f" | cut -d ' ' -f 1)" != "$_bd" ]; then
			echo "$_bd"
		fi
	done
}

# mail_once: after a run that delivers, "ok" when every queued message
# is marked delivered and is in the outbox (new/ or cur/) exactly once,
# and the outbox holds nothing else; else what is wrong.
mail_once() {
	_mo_rows=$(sqlite3 "$IPP_DB" 'SELECT count(*) FROM mail')
	_mo_left=$(sqlite3 "$IPP_DB" \
	    'SELECT count(*) FROM mail WHERE delivered_at IS NULL')
	_mo_files=$( (ls "$outbox/new" "$outbox/cur" 2>/dev/null || true) |
	    grep -v -e '^$' -e ':$' | sed 's/:2,.*//' | sort)
	_mo_nfiles=$(printf '%s' "$_mo_files" | grep -c . || true)
	_mo_dups=$(printf '%s\n' "$_mo_files" | uniq -d | grep -c . || true)
	_mo_ids=$(sqlite3 "$IPP_DB" 'SELECT message_id FROM mail ORDER BY 1' |
	    sort)
	if [ "$_mo_left" -eq 0 ] && [ "$_mo_dups" -eq 0 ] &&
	    [ "$_mo_nfiles" -eq "$_mo_rows" ] &&
	    [ "$(printf '%s\n' "$_mo_files")" = "$(printf '%s\n' "$_mo_ids")" ]
	then
		echo ok
	else
		echo "mail: $_mo_rows rows, $_mo_left undelivered," \
		    "$_mo_nfiles files, $_mo_dups twice"
	fi
}

# deliver: the next run, which delivers what a dead one left queued.
deliver() {
	as handler ipp-register mail --deliver >/dev/null 2>"$tmp/deliver.err"
}

# ---- the writing operations (crash.sh, iofault.sh) ----
#
# An operation NAME is four functions:
#	op_NAME_prep	builds its store from the base store and its input
#	op_NAME_run	execs the operation (the last thing it does: exec,
#			so that $! of `op_NAME_run &` is the binary itself)
#	op_NAME_state	prints "whole", "absent" or what it found instead
# and its name in OPS.  ipp-counter's tick and import (issue 10) join when
# the binary is there.  TORTURE_OPS chooses others.
OPS="new import accept evidence"
[ -x "$IPP_BIN/ipp-counter" ] && OPS="$OPS tick counterimport"
OPS=${TORTURE_OPS:-$OPS}

# run_as USER COMMAND...: exec COMMAND with USER's session.
run_as() {
	_ra_user=$1
	shift
	HOME=$tmp/home-$_ra_user XDG_STATE_HOME=$tmp/state-$_ra_user \
	    exec "$@"
}

# A 300-URL `new`: one complaint of 300 URLs, or nothing.
op_new_prep() {
	listing_urls taobao 100000 300 >"$tmp/new.urls"
}
op_new_run() {
	# shellcheck disable=SC2046
	run_as alice ipp-complain new --platform taobao --ipr "$CN" \
	    --target listing --reason tm-mark-in-text --supplement "$SUP" \
	    --no-check --force $(cat "$tmp/new.urls")
}
op_new_state() {
	case $(sql "SELECT count(*) || ' ' || (SELECT count(*) FROM
	    complaint_urls) FROM complaints") in
	"1 300") echo whole ;;
	"0 0") echo absent ;;
	*) echo "complaints and URLs: $(sql "SELECT count(*) || ' ' ||
	    (SELECT count(*) FROM complaint_urls) FROM complaints")" ;;
	esac
}

# A multi-group `import`: three platforms, 300 rows each, in one
# transaction (three complaints of 300 URLs, or nothing).
op_import_prep() {
	{
		echo 'url,platform,region,ipr,target,reason,supplement'
		for p in taobao tmall 1688; do
			listing_urls "$p" 200000 300 | awk -v p="$p" \
			    -v ipr="$CN" -v sup="$SUP" '{ printf \
			    "%s,%s,,%s,listing,tm-mark-in-text,%s\n", $0, p,
			    ipr, sup }'
		done
	} >"$tmp/import.csv"
}
op_import_run() {
	run_as alice ipp-complain import --no-check --force "$tmp/import.csv"
}
op_import_state() {
	_st=$(sql "SELECT count(*) || ' ' || (SELECT count(*) FROM
	    complaint_urls) || ' ' || (SELECT count(DISTINCT platform) FROM
	    complaints) FROM complaints")
	case $_st in
	"3 900 3") echo whole ;;
	"0 0 0") echo absent ;;
	*) echo "complaints, URLs, platforms: $_st" ;;
	esac
}

# A batch of 1,000 decisions: alice's 1,000 URLs accepted in one batch
# (and a digest queued), or none.
op_accept_prep() {
	{
		echo 'url,platform,region,ipr,target,reason,supplement'
		listing_urls taobao 300000 1000 | awk -v ipr="$CN" \
		    -v sup="$SUP" '{ printf \
		    "%s,taobao,,%s,listing,tm-mark-in-text,%s\n", $0, ipr, sup }'
	} >"$tmp/accept.csv"
	as alice ipp-complain import --no-check --force "$tmp/accept.csv" \
	    >/dev/null 2>"$tmp/accept-prep.err" &&
	as handler ipp-complain queue >"$tmp/accept.tsv" &&
	[ "$(tsv_rows <"$tmp/accept.tsv")" -eq 1000 ]
}
op_accept_run() {
	run_as handler ipp-complain accept --reason 'Counterfeit.' \
	    <"$tmp/accept.tsv"
}
op_accept_state() {
	_st=$(sql "SELECT (SELECT count(*) FROM complaint_urls WHERE state =
	    'pending-counter') || ' ' || (SELECT count(*) FROM complaint_urls
	    WHERE state = 'submitted')")
	case $_st in
	"1000 0") echo whole ;;
	"0 1000") echo absent ;;
	*) echo "accepted, submitted: $_st" ;;
	esac
}

# Storing an evidence document: a `new` with a 4 MB PDF as evidence; the
# complaint with its document (its file hashing to its name), or nothing.
op_evidence_prep() {
	make_doc "$tmp/evidence.pdf" 'evidence of the counterfeit'
	head -c 4000000 /dev/urandom | od -An -tx1 | head -c 4000000 \
	    >>"$tmp/evidence.pdf"
}
op_evidence_run() {
	run_as alice ipp-complain new --platform taobao --ipr "$CN" \
	    --target listing --reason tm-mark-in-text --supplement "$SUP" \
	    --no-check --evidence "$tmp/evidence.pdf" \
	    "$(listing_url taobao 400000)"
}
op_evidence_state() {
	_st=$(sql "SELECT count(*) || ' ' || (SELECT count(*) FROM
	    complaint_evidence) FROM complaints")
	case $_st in
	"1 1") echo whole ;;
	"0 0") echo absent ;;
	*) echo "complaints, evidence rows: $_st" ;;
	esac
}

# accepted_urls N FIRST: alice's N taobao listings from FIRST filed and
# accepted by the handler at IPP_NOW.
accepted_urls() {
	{
		echo 'url,platform,region,ipr,target,reason,supplement'
		listing_urls taobao "$2" "$1" | awk -v ipr="$CN" \
		    -v sup="$SUP" '{ printf \
		    "%s,taobao,,%s,listing,tm-mark-in-text,%s\n", $0, ipr, sup }'
	} >"$tmp/accepted.csv"
	as alice ipp-complain import --no-check --force "$tmp/accepted.csv" \
	    >/dev/null 2>&1 &&
	as handler ipp-complain queue | as handler ipp-complain accept \
	    >/dev/null 2>&1 &&
	[ "$(sql "SELECT count(*) FROM complaint_urls WHERE state =
	    'pending-counter' AND CAST(listing_id AS INTEGER) BETWEEN $2 AND
	    $(($2 + $1 - 1))")" -eq "$1" ]
}

# A tick over 10,000 due moves: the counter windows of 10,000 accepted
# URLs closed, all removed in one transaction, or none (N1).
op_tick_prep() {
	accepted_urls 10000 500000
}
op_tick_run() {
	IPP_NOW=2026-02-20T00:00:00Z exec ipp-counter tick
}
op_tick_state() {
	tick_state 10000
}
# tick_state N: whole when the N pending-counter URLs are all removed,
# absent when none is.
tick_state() {
	_st=$(sql "SELECT (SELECT count(*) FROM complaint_urls WHERE state =
	    'removed') || ' ' || (SELECT count(*) FROM complaint_urls WHERE
	    state = 'pending-counter')")
	case $_st in
	"$1 0") echo whole ;;
	"0 $1") echo absent ;;
	*) echo "removed, pending-counter: $_st" ;;
	esac
}

# `ipp-counter import` of 1,000 counters (N0): all recorded, their URLs
# countered and one message queued for the account, or none.
op_counterimport_prep() {
	accepted_urls 1000 600000 &&
	sql "SELECT url_id FROM complaint_urls ORDER BY url_id" |
	    awk 'BEGIN { print "url_id\tseller\tname\tgrounds" }
		{ printf "%s\ts%d\tShop\tGenuine goods.\n", $1, NR % 13 }' \
	    >"$tmp/counters.tsv"
}
op_counterimport_run() {
	IPP_NOW=2026-01-31T10:00:00Z run_as handler ipp-counter import \
	    "$tmp/counters.tsv"
}
op_counterimport_state() {
	_st=$(sql "SELECT (SELECT count(*) FROM complaint_urls WHERE state =
	    'countered') || ' ' || (SELECT count(*) FROM complaint_urls WHERE
	    state = 'pending-counter')")
	case $_st in
	"1000 0") echo whole ;;
	"0 1000") echo absent ;;
	*) echo "countered, pending-counter: $_st" ;;
	esac
}

#!/bin/sh
# The loser of a filing race (issue 8, defect 8): four `ipp-complain new`
# at once over overlapping listings.  The store's unique index keeps each
# listing in one open complaint of the account (C5); a process that loses
# the race is refused as C5 says, exit 1 naming the complaint that has
# the listing, never a store error (exit 3, "UNIQUE constraint failed").
# With --drop-bad the loser files its other listings.
. "$(dirname "$0")/lib.sh"

ROUNDS=${RACE_ROUNDS:-15}

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
like "$A_ID" '^[0-9]+$' "alice is identity-verified"
CN=$(trademark_ipr alice CN TM-CN-1)
like "$CN" '^[0-9]+$' "a verified CN trademark"
SUP='The listing sells shoes under our registered ACME mark.'

# file K [OPTIONS] URL...: process K's `new` as alice, in the background;
# its exit status goes to $tmp/rK.rc, its output to $tmp/rK.out, .err.
file() {
	_f_k=$1
	shift
	(
		HOME=$tmp/home-alice XDG_STATE_HOME=$tmp/state-alice \
		    ipp-complain new --no-check --platform taobao --ipr "$CN" \
		    --target listing --reason tm-mark-in-text \
		    --supplement "$SUP" "$@" >"$tmp/r$_f_k.out" \
		    2>"$tmp/r$_f_k.err"
		echo $? >"$tmp/r$_f_k.rc"
	) &
}

# judge ROUND: every process of the round exited 0 or 1, and each 1 is
# a C5 refusal naming a complaint that holds the listing.
bad=0
judge() {
	for k in 1 2 3 4; do
		_j_rc=$(cat "$tmp/r$k.rc")
		case $_j_rc in
		0) ;;
		1)
			if ! grep -q 'already in open complaint [1-9][0-9]* (rule C5)' \
			    "$tmp/r$k.out" || grep -q 'UNIQUE\|constraint' \
			    "$tmp/r$k.err"; then
				bad=$((bad + 1))
				diag "round $1, process $k: $(cat "$tmp/r$k.err")"
			fi
			# The complaint it names holds the listing.
			awk -F '\t' 'NR > 1 && $8 ~ /already in open complaint/ {
			    split($8, w, " "); print $2 "\t" w[5] }' \
			    "$tmp/r$k.out" >>"$tmp/named"
			;;
		*)
			bad=$((bad + 1))
			diag "round $1, process $k exited $_j_rc: $(cat "$tmp/r$k.err")"
			;;
		esac
	done
}

# ---- without --drop-bad: listings k and k+1 for process k ----
: >"$tmp/named"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	base=$((r * 100))
	for k in 1 2 3 4; do
		file "$k" "$(listing_url taobao $((base + k)))" \
		    "$(listing_url taobao $((base + k + 1)))"
	done
	wait
	judge "$r"
	r=$((r + 1))
done
is "$bad" 0 "every loser exits 1 with a C5 refusal, no store error"
is "$(sql "SELECT count(*) FROM (SELECT canonical_url FROM complaint_urls
    GROUP BY canonical_url HAVING count(*) > 1) AS d")" 0 "no listing filed twice"
is "$(sql "SELECT count(*) FROM complaints c WHERE NOT EXISTS (SELECT 1
    FROM complaint_urls u WHERE u.complaint_id = c.complaint_id)")" 0 \
    "no complaint without URLs"
wrong=0
while IFS='	' read -r url id; do
	[ "$(sql "SELECT complaint_id FROM complaint_urls
	    WHERE canonical_url = '$url'")" = "$id" ] || wrong=$((wrong + 1))
done <"$tmp/named"
is "$wrong" 0 "each refusal names the complaint that has the listing"

# ---- --drop-bad: all four share one listing, each has one of its own ----
bad=0
: >"$tmp/named"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	base=$((100000 + r * 100))
	for k in 1 2 3 4; do
		file "$k" --drop-bad "$(listing_url taobao "$base")" \
		    "$(listing_url taobao $((base + k)))"
	done
	wait
	judge "$r"
	r=$((r + 1))
done
is "$bad" 0 "--drop-bad: every loser exits 1 with a C5 refusal"
is "$(sql "SELECT count(*) FROM complaint_urls WHERE $(int_of listing_id) > 100000
    AND $(int_of listing_id) % 100 = 0")" "$ROUNDS" \
    "each shared listing is filed once"
is "$(sql "SELECT count(*) FROM complaint_urls WHERE $(int_of listing_id) > 100000
    AND $(int_of listing_id) % 100 <> 0")" $((ROUNDS * 4)) \
    "and every process filed its own listing"

done_testing

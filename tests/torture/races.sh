#!/bin/sh
# Races (issue 12), the real binaries on one store at once:
#  - 8 processes of mixed writes (a complaint filed, an IPR submitted, a
#    complaint withdrawn), 1,000 each at full size: not one "database is
#    locked" (BEGIN IMMEDIATE and the busy timeout), every write done;
#  - 16 processes of one account filing overlapping URL sets at once,
#    round after round: no listing in two open complaints of the account
#    (rule C5), and each process either filed or was refused for C5;
#  - two handlers deciding the same URLs at once: every URL moved exactly
#    once (one move to pending-counter), the two batches adding up;
#  - 4 readers listing in a loop beside a writer: the WAL stays bounded
#    (SQLite's checkpoints keep up).
#  - with ipp-counter (issue 10): two ticks at once, and a tick beside a
#    counter import, every move exactly once.
. "$(dirname "$0")/lib.sh"

ok "the base store" base_store
tryin "$PW" as handler ipp-register handler add --password-stdin \
    second@ipp.test
succeeded "a second handler"
ok "the second handler signs in" login_as second second@ipp.test
save_state base

# locked FILE...: how many of the files say the store was locked or busy.
locked() {
	cat "$@" 2>/dev/null | grep -ci 'locked\|busy' || true
}

# ---- 8 processes x W mixed writes ----
W=$(by_size 12 1000)
make_doc "$tmp/cert.pdf" 'certificate'
# writer I USER: W writes of three kinds in turn.
writer() {
	_w=0
	while [ $_w -lt "$W" ]; do
		_id=$(( $1 * 1000000 + _w ))
		case $((_w % 3)) in
		0) as "$2" ipp-complain new --platform taobao --ipr "$3" \
		    --target listing --reason tm-mark-in-text --supplement "$SUP" \
		    --no-check "$(listing_url taobao "$_id")" \
		    >"$tmp/writer$1.filed" ;;
		1) as "$2" ipp-ipr add --type copyright --name "Work $_id" \
		    --number "W-$_id" --jurisdiction CN \
		    --certificate "$tmp/cert.pdf" >/dev/null ;;
		2) as "$2" ipp-complain withdraw \
		    "$(tsv_get complaint_id <"$tmp/writer$1.filed")" >/dev/null ;;
		esac 2>>"$tmp/writer$1.err" || echo "$_w" >>"$tmp/writer$1.failed"
		_w=$((_w + 1))
	done
}
restore_state base
t0=$(date +%s)
pids=
for i in 1 2 3 4 5 6 7 8; do
	if [ $((i % 2)) -eq 0 ]; then u=alice ipr=$CN; else u=bob ipr=$BCN; fi
	writer "$i" "$u" "$ipr" &
	pids="$pids $!"
done
for pid in $pids; do wait "$pid"; done
t1=$(date +%s)
nlocked=$(locked "$tmp"/writer*.err)
nfailed=$(cat "$tmp"/writer*.failed 2>/dev/null | wc -l)
is "$nlocked" 0 "8 x $W mixed writes: no process saw a locked store"
is "$nfailed" 0 "and every write succeeded"
[ "$nfailed" -eq 0 ] || diag "$(cat "$tmp"/writer*.err | sort | uniq -c | head)"
is "$(integrity)" ok "the store is intact"
figure "races: 8 writers" $((8 * W)) $((nlocked + nfailed)) \
    "mixed writes in $((t1 - t0)) s: $nlocked locked, $nfailed failed"

# ---- 16 processes filing overlapping URL sets (C5) ----
ROUNDS=$(by_size 2 20)
restore_state base
r=0 dup=0 odd=0 filed=0 refused=0
while [ $r -lt "$ROUNDS" ]; do
	r=$((r + 1))
	pids=
	for i in $(seq 1 16); do
		# Process i files 10 listings from i*5: each shares 5 with
		# the next and 5 with the one before.
		base=$(( r * 10000 + i * 5 ))
		as alice ipp-complain new --platform taobao --ipr "$CN" \
		    --target listing --reason tm-mark-in-text --supplement "$SUP" \
		    --no-check $(listing_urls taobao "$base" 10) \
		    >"$tmp/c5-$r-$i.out" 2>"$tmp/c5-$r-$i.err" &
		pids="$pids $!"
	done
	i=0
	for pid in $pids; do
		i=$((i + 1))
		wait "$pid"
		case $? in
		0) filed=$((filed + 1)) ;;
		1) if grep -q 'C5' "$tmp/c5-$r-$i.err" "$tmp/c5-$r-$i.out"; then
			refused=$((refused + 1))
		   else
			odd=$((odd + 1))
			diag "round $r process $i: $(cat "$tmp/c5-$r-$i.err")"
		   fi ;;
		*) odd=$((odd + 1))
		   diag "round $r process $i: $(cat "$tmp/c5-$r-$i.err")" ;;
		esac
	done
done
dup=$(sql "SELECT count(*) FROM (SELECT u.canonical_url FROM complaint_urls u
    JOIN complaints c USING (complaint_id) WHERE c.account_id = $A_ID
    AND u.state IN ('submitted', 'pending-counter', 'countered',
    'counter-rejected') GROUP BY u.canonical_url HAVING count(*) > 1)")
nlocked=$(locked "$tmp"/c5-*.err)
is "$dup" 0 "16 x $ROUNDS overlapping filings: no listing in two open complaints (C5)"
is "$odd" 0 "each process filed, or was refused naming C5"
is "$nlocked" 0 "none saw a locked store"
ok "some filed and some were refused" test "$filed" -gt 0 -a "$refused" -gt 0
figure "races: 16 filers (C5)" $((16 * ROUNDS)) $((dup + odd + nlocked)) \
    "$filed filed, $refused refused (C5), $dup listings twice"

# ---- two handlers deciding the same URLs ----
K=$(by_size 100 1000)
ROUNDS=$(by_size 1 5)
restore_state base
r=0 bad=0 sum_bad=0
while [ $r -lt "$ROUNDS" ]; do
	r=$((r + 1))
	{
		echo 'url,platform,region,ipr,target,reason,supplement'
		listing_urls taobao $((r * 100000)) "$K" | awk -v ipr="$CN" \
		    -v sup="$SUP" '{ printf \
		    "%s,taobao,,%s,listing,tm-mark-in-text,%s\n", $0, ipr, sup }'
	} >"$tmp/decide.csv"
	as alice ipp-complain import --no-check --force "$tmp/decide.csv" \
	    >/dev/null 2>&1
	as handler ipp-complain queue >"$tmp/decide.tsv"
	as handler ipp-complain accept <"$tmp/decide.tsv" >"$tmp/h1.out" \
	    2>"$tmp/h1.err" &
	p1=$!
	as second ipp-complain accept <"$tmp/decide.tsv" >"$tmp/h2.out" \
	    2>"$tmp/h2.err" &
	p2=$!
	wait $p1
	wait $p2
	a1=$(tsv_where result accepted <"$tmp/h1.out" | tsv_rows)
	a2=$(tsv_where result accepted <"$tmp/h2.out" | tsv_rows)
	[ $((a1 + a2)) -eq "$K" ] || { sum_bad=$((sum_bad + 1));
	    diag "round $r: $a1 + $a2 accepted, not $K"; }
done
bad=$(sql "SELECT count(*) FROM complaint_urls u WHERE (SELECT count(*)
    FROM url_moves m WHERE m.url_id = u.url_id AND
    m.to_state = 'pending-counter') <> 1")
nlocked=$(locked "$tmp"/h1.err "$tmp"/h2.err)
is "$bad" 0 "two handlers, $ROUNDS x $K URLs: every URL moved exactly once"
is "$sum_bad" 0 "the two batches add up to all of them"
is "$nlocked" 0 "neither saw a locked store"
figure "races: 2 handlers deciding" $((ROUNDS * K)) $((bad + sum_bad + nlocked)) \
    "$bad URLs moved other than once"

# ---- 4 readers beside a writer: the WAL stays bounded ----
WRITES=$(by_size 30 2000)
LIMIT=$((32 * 1024 * 1024))
restore_state base
reader() {
	while [ ! -f "$tmp/writer.done" ]; do
		# Exit 1 (nothing yet) is an answer too.
		as bob ipp-complain list >/dev/null 2>>"$tmp/reader$1.err"
		[ $? -le 1 ] || echo x >>"$tmp/reader$1.failed"
	done
}
rm -f "$tmp/writer.done"
for i in 1 2 3 4; do reader "$i" & done
(
	w=0
	while [ $w -lt "$WRITES" ]; do
		as bob ipp-complain new --platform taobao --ipr "$BCN" \
		    --target listing --reason tm-mark-in-text \
		    --supplement "$SUP" --no-check \
		    "$(listing_url taobao $((900000 + w)))" >/dev/null \
		    2>>"$tmp/wal-writer.err" || echo x >>"$tmp/wal-writer.failed"
		w=$((w + 1))
	done
	touch "$tmp/writer.done"
) &
wpid=$!
max=0
while [ ! -f "$tmp/writer.done" ]; do
	s=$(stat -c %s "$IPP_DB-wal" 2>/dev/null || echo 0)
	[ "$s" -gt "$max" ] && max=$s
	sleep 0.05
done
wait
nfailed=$(cat "$tmp"/reader*.failed "$tmp/wal-writer.failed" 2>/dev/null |
    wc -l)
ok "4 readers beside $WRITES writes: the WAL stayed under 32 MB ($max bytes)" \
    test "$max" -lt "$LIMIT"
is "$nfailed" 0 "every read and write succeeded"
is "$(sql "SELECT count(*) FROM complaints WHERE account_id = $B_ID")" \
    "$WRITES" "all $WRITES complaints filed"
figure "races: 4 readers, 1 writer" "$WRITES" \
    "$(( nfailed + (max >= LIMIT) ))" "WAL at most $((max / 1024)) KiB"
# ---- ipp-counter: two ticks, and a tick beside an import ----
if [ -x "$IPP_BIN/ipp-counter" ]; then
	K=$(by_size 500 10000)
	restore_state base
	ok "$K accepted URLs" accepted_urls "$K" 800000
	IPP_NOW=2026-02-20T00:00:00Z ipp-counter tick >"$tmp/t1" 2>"$tmp/t1.err" &
	p1=$!
	IPP_NOW=2026-02-20T00:00:00Z ipp-counter tick >"$tmp/t2" 2>"$tmp/t2.err" &
	p2=$!
	wait $p1; r1=$?
	wait $p2; r2=$?
	is "$r1 $r2" "0 0" "two ticks at once: both exit 0"
	bad=$(sql "SELECT count(*) FROM complaint_urls u WHERE (SELECT count(*)
	    FROM url_moves m WHERE m.url_id = u.url_id AND
	    m.to_state = 'removed') <> 1")
	rows=$(cat "$tmp/t1" "$tmp/t2" | grep -vc '^url_id' || true)
	is "$bad" 0 "every URL removed exactly once"
	is "$rows" "$K" "the two ticks' rows add up to $K"
	nlocked=$(locked "$tmp/t1.err" "$tmp/t2.err")
	is "$nlocked" 0 "neither saw a locked store"
	figure "races: 2 ticks" "$K" $((bad + nlocked + (rows != K))) \
	    "$bad URLs moved other than once"

	# Set A due at the tick; set B accepted a day later, its counters
	# imported while the tick runs.
	restore_state base
	ok "$K URLs due" accepted_urls "$K" 810000
	IPP_NOW=2026-02-16T09:00:00Z
	export IPP_NOW
	# Sessions last a day: sign in again two weeks later.
	quiet login_as alice alice@example.com
	quiet login_as handler cases@ipp.test
	ok "$K URLs accepted later" accepted_urls "$K" 820000
	sql "SELECT url_id FROM complaint_urls WHERE state = 'pending-counter'
	    AND updated_at = '2026-02-16T09:00:00Z' ORDER BY url_id" |
	    awk 'BEGIN { print "url_id\tseller\tname\tgrounds" }
		{ printf "%s\ts%d\tShop\tGenuine goods.\n", $1, NR % 13 }' \
	    >"$tmp/counters.tsv"
	IPP_NOW=2026-02-16T10:00:00Z
	ipp-counter tick >"$tmp/t1" 2>"$tmp/t1.err" &
	p1=$!
	as handler ipp-counter import "$tmp/counters.tsv" >"$tmp/i1" \
	    2>"$tmp/i1.err" &
	p2=$!
	wait $p1; r1=$?
	wait $p2; r2=$?
	is "$r1 $r2" "0 0" "a tick beside a counter import: both exit 0"
	bad=$(sql "SELECT count(*) FROM complaint_urls u WHERE (SELECT count(*)
	    FROM url_moves m WHERE m.url_id = u.url_id AND m.to_state IN
	    ('removed', 'countered')) <> 1")
	is "$bad" 0 "every URL moved once: the due ones removed, the others countered"
	states=$(sql "SELECT state, count(*) FROM complaint_urls GROUP BY state
	    ORDER BY state" | tr '\n' ' ')
	is "$states" "countered|$K removed|$K " "$K removed and $K countered"
	nlocked=$(locked "$tmp/t1.err" "$tmp/i1.err")
	is "$nlocked" 0 "neither saw a locked store"
	[ "$states" = "countered|$K removed|$K " ] || bad=$((bad + 1))
	figure "races: tick beside import" $((2 * K)) \
	    $((bad + nlocked + (r1 != 0) + (r2 != 0))) \
	    "$bad URLs moved other than once"
	IPP_NOW=2026-01-31T09:00:00Z
fi
done_testing

#!/bin/sh
# A team store (issue 14): two machines, each with its own data
# directory, share one PostgreSQL database.  Documents live in the
# database, so a document one machine stored is the other's too (D1);
# the mail queue too, so any one machine's run delivers it (N3), and no
# message twice when both run at once; gc removes contents no document
# names.  Then 16 processes on both machines file overlapping listings,
# and handlers decide, then ticks run, all at once: every rule holds
# (C5, H1, N1), nothing is lost, every move is made once.
. "$(dirname "$0")/lib.sh"

if ! on_pg; then
	echo "1..0 # SKIP a team store is PostgreSQL (make e2e-pg)"
	exit 0
fi

# on MACHINE COMMAND...: COMMAND as run on MACHINE (a or b): the same
# database, that machine's own data directory (its outbox).
on() {
	_on_m=$1
	shift
	(
		XDG_DATA_HOME=$tmp/machine-$_on_m
		export XDG_DATA_HOME
		"$@"
	)
}
count() {
	find "$1" -type f 2>/dev/null | wc -l | tr -d ' '
}

ok "init on machine a, with the handler's sign-in" on a init_store cases@ipp.test
ok "the database holds the schema" test "$(sql 'SELECT max(version) FROM ipp_schema')" -ge 9
try on b ipp-register whoami
is "$rc" 5 "machine b opens the same store (not signed in there: exit 5)"

# ---- the mail queue: any machine delivers it ----
# Machine a cannot write its outbox: the code stays queued in the store.
mkdir -p "$tmp/machine-a/ipp"
: >"$tmp/machine-a/ipp/outbox"
try on a register alice@example.com
like "$out" 'alice@example.com' "alice registers on machine a"
like "$err" 'queued but not delivered' "a says the mail stays queued"
is "$(sql "SELECT count(*) FROM mail WHERE delivered_at IS NULL")" 1 \
    "the code is queued in the database"
try on b ipp-register mail --deliver
succeeded "machine b's run delivers the queue"
is "$(count "$tmp/machine-b/ipp/outbox/new")" 1 "into b's outbox"
is "$(sql "SELECT count(*) FROM mail WHERE delivered_at IS NULL")" 0 \
    "nothing is left queued"
rm "$tmp/machine-a/ipp/outbox"
code=$(code_in "$(ls "$tmp"/machine-b/ipp/outbox/new/*)")
like "$code" '^[0-9]{6}$' "the code came through b"
try on a ipp-register verify --email alice@example.com "$code"
succeeded "alice verifies on machine a"

# Both machines deliver at once: each message reaches one outbox once.
i=1
while [ "$i" -le 12 ]; do
	on a register "user$i@example.com" >/dev/null 2>&1 &
	i=$((i + 1))
done
: >"$tmp/machine-a/ipp/outbox" 2>/dev/null
wait
rm -f "$tmp/machine-a/ipp/outbox"
on a ipp-register mail --deliver >/dev/null 2>&1 &
on b ipp-register mail --deliver >/dev/null 2>&1 &
wait
delivered=$(($(count "$tmp/machine-a/ipp/outbox/new") + \
    $(count "$tmp/machine-b/ipp/outbox/new")))
is "$delivered" 13 "13 codes in the two outboxes, none twice"
is "$(sql "SELECT count(*) FROM mail WHERE delivered_at IS NULL")" 0 \
    "and none is left queued"

# ---- documents: in the database, the same for every machine (D1) ----
printf '%s\n' "$PW" | on b as alice ipp-register login \
    --email alice@example.com --password-stdin
make_doc "$tmp/alice-id.pdf" "identity of Alice Li"
try on b as alice ipp-register identity --name 'Alice Li' \
    --doc "$tmp/alice-id.pdf"
succeeded "alice submits her identity on machine b"
sha=$(sha256sum "$tmp/alice-id.pdf" | cut -d ' ' -f 1)
ok "its content is in the database, by its SHA-256" \
    doc_stored "$tmp/alice-id.pdf" "$sha"
is "$(count "$tmp/machine-b/ipp/docs")" 0 "and on no machine's disk"
try on a as handler ipp-register list --state identity-pending
is "$(printf '%s\n' "$out" | tsv_get identity_doc)" "$sha" \
    "the handler on machine a sees the document"

# gc: a content no documents row names goes; alice's stays.
sql "INSERT INTO document_contents VALUES
    ('$(printf '%064d' 7)', decode('00ff', 'hex'))" >/dev/null
try on a as handler ipp-register gc --dry-run
is "$(printf '%s\n' "$out" | tsv_rows)" 1 "gc --dry-run finds the orphan"
is "$(doc_files | tr -d ' ')" 2 "and leaves it"
try on a as handler ipp-register gc
succeeded "gc"
is "$(printf '%s\n' "$out" | tsv_get sha256)" "$(printf '%064d' 7)" \
    "it names the orphan"
is "$(doc_files | tr -d ' ')" 1 "which is gone; alice's document stays"
try on a as handler ipp-register approve "$(sql "SELECT account_id FROM
    accounts WHERE email = 'alice@example.com'")"
succeeded "the handler approves alice"

# ---- 16 processes at once on both machines (C5, H1) ----
CN=$(on a trademark_ipr alice CN TM-CN-1)
like "$CN" '^[0-9]+$' "a verified CN trademark"
SUP='The listing sells shoes under our registered ACME mark.'
# Process k files listings k*10 .. k*10+19: each overlaps its neighbour's.
k=1
while [ "$k" -le 16 ]; do
	m=a
	[ $((k % 2)) -eq 0 ] && m=b
	(
		urls=
		j=0
		while [ "$j" -lt 20 ]; do
			urls="$urls $(listing_url taobao $((k * 10 + j + 1000)))"
			j=$((j + 1))
		done
		# shellcheck disable=SC2086
		on "$m" as alice ipp-complain new --no-check --drop-bad \
		    --platform taobao --ipr "$CN" --target listing \
		    --reason tm-mark-in-text --supplement "$SUP" $urls \
		    >"$tmp/f$k.out" 2>"$tmp/f$k.err"
		echo $? >"$tmp/f$k.rc"
	) &
	k=$((k + 1))
done
wait
bad=0
k=1
while [ "$k" -le 16 ]; do
	case $(cat "$tmp/f$k.rc") in
	0|1) grep -q 'UNIQUE\|constraint\|serializ\|deadlock' "$tmp/f$k.err" &&
		bad=$((bad + 1)) ;;
	*) bad=$((bad + 1)); diag "process $k: $(cat "$tmp/f$k.err")" ;;
	esac
	k=$((k + 1))
done
is "$bad" 0 "every process files or is refused by C5, never a store error"
is "$(sql "SELECT count(*) FROM complaint_urls")" 170 \
    "the 170 listings are all filed: nothing lost"
is "$(sql "SELECT count(*) FROM (SELECT canonical_url FROM complaint_urls
    GROUP BY canonical_url HAVING count(*) > 1) AS d")" 0 \
    "none twice (C5)"
is "$(sql "SELECT count(*) FROM url_moves WHERE from_state IS NULL")" 170 \
    "each URL's filing is its one first move"

# Handlers on both machines decide every URL at once, twice over: each
# URL is decided once (H1), the losers told so, never a store error.
printf '%s\n' "$PW" | on b as handler ipp-register login \
    --email cases@ipp.test --password-stdin >/dev/null
sql "SELECT url_id FROM complaint_urls ORDER BY url_id" >"$tmp/ids"
k=1
while [ "$k" -le 16 ]; do
	m=a
	[ $((k % 2)) -eq 0 ] && m=b
	verb=accept
	[ $((k % 3)) -eq 0 ] && verb=reject
	(
		# shellcheck disable=SC2046
		on "$m" as handler ipp-complain "$verb" --reason 'not ours' \
		    $(awk -v k="$k" 'NR % 8 == k % 8' "$tmp/ids") \
		    >"$tmp/d$k.out" 2>"$tmp/d$k.err"
		echo $? >"$tmp/d$k.rc"
	) &
	k=$((k + 1))
done
wait
bad=0
k=1
while [ "$k" -le 16 ]; do
	case $(cat "$tmp/d$k.rc") in
	0|1) grep -q 'UNIQUE\|constraint\|serializ\|deadlock' "$tmp/d$k.err" &&
		bad=$((bad + 1)) ;;
	*) bad=$((bad + 1)); diag "decider $k: $(cat "$tmp/d$k.err")" ;;
	esac
	k=$((k + 1))
done
is "$bad" 0 "every decider decides or is told the URL is decided (H1)"
is "$(sql "SELECT count(*) FROM complaint_urls WHERE state = 'submitted'")" 0 \
    "every URL is decided"
is "$(sql "SELECT count(*) FROM url_moves WHERE from_state = 'submitted'")" 170 \
    "each exactly once"
is "$(sql "SELECT count(*) FROM complaint_urls u WHERE state <> (SELECT
    m.to_state FROM url_moves m WHERE m.url_id = u.url_id
    ORDER BY m.move_id DESC LIMIT 1)")" 0 \
    "each URL's state is its last move's"

# Their counter windows end (N1): ticks on both machines at once, four
# of them, move every accepted URL to removed, each once.
accepted=$(sql "SELECT count(*) FROM complaint_urls
    WHERE state = 'pending-counter'")
like "$accepted" '^[1-9][0-9]*$' "some URLs wait for a counter-notice"
now_add $((30 * 86400))
k=1
while [ "$k" -le 4 ]; do
	m=a
	[ $((k % 2)) -eq 0 ] && m=b
	( on "$m" ipp-counter tick >"$tmp/t$k.out" 2>"$tmp/t$k.err"
	  echo $? >"$tmp/t$k.rc" ) &
	k=$((k + 1))
done
wait
is "$(cat "$tmp"/t[1-4].rc | tr '\n' ' ')" "0 0 0 0 " "the four ticks exit 0"
is "$(sql "SELECT count(*) FROM complaint_urls
    WHERE state = 'pending-counter'")" 0 "no window is left open"
is "$(sql "SELECT count(*) FROM url_moves
    WHERE from_state = 'pending-counter' AND to_state = 'removed'")" \
    "$accepted" "each accepted URL removed once, by one tick"

done_testing

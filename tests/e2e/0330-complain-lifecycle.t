#!/bin/sh
# Complaints after filing: list with its filters, urls and urls --complaint (one row
# per URL), each account seeing its own and a handler all; withdraw
# (C11) by id or through a pipeline from list, the URLs becoming
# withdrawn with the move recorded, a second withdraw refused, and the
# listing free to be reported again (C5 counts open complaints only).
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
like "$A_ID" '^[0-9]+$' "alice is identity-verified"
CN=$(trademark_ipr alice CN TM-CN-1)
like "$CN" '^[0-9]+$' "alice has a verified CN trademark"
B_ID=$(verified_account bob bob@example.com 'Bob Wu')
like "$B_ID" '^[0-9]+$' "bob is identity-verified"
BCN=$(trademark_ipr bob CN TM-CN-BOB)
like "$BCN" '^[0-9]+$' "bob has a verified CN trademark"

SUP='The listing sells shoes under our registered ACME mark.'
LIST_HEADER=$(printf '%s\t' complaint_id platform region ipr_id target \
    reason state urls created_at priority due_at | sed 's/\t$//')
URL_HEADER=$(printf '%s\t' url_id complaint_id url canonical_url state \
    updated_at | sed 's/\t$//')

# file USER IPR PLATFORM URL...: a listing complaint; prints its id.
file() {
	_fl_user=$1
	_fl_ipr=$2
	_fl_platform=$3
	shift 3
	as "$_fl_user" ipp-complain new --platform "$_fl_platform" \
	    --ipr "$_fl_ipr" --target listing --reason tm-mark-in-text \
	    --supplement "$SUP" --no-check "$@" 2>/dev/null | tsv_get complaint_id
}
ids() {
	tsv_column complaint_id | tr '\n' ' '
}

T1=$(listing_url taobao 501)
T2='https://item.taobao.com/item.htm?id=502&spm=a1z10.3'
TB=$(file alice "$CN" taobao "$T1" "$T2")
like "$TB" '^[0-9]+$' "alice files a taobao complaint of two URLs"
now_add 7200
TM=$(file alice "$CN" tmall "$(listing_url tmall 601)")
like "$TM" '^[0-9]+$' "two hours later, a tmall complaint"
now_add 7200
AL=$(file alice "$CN" 1688 "$(listing_url 1688 701)" "$(listing_url 1688 702)" \
    "$(listing_url 1688 703)")
like "$AL" '^[0-9]+$' "two hours later, a 1688 complaint of three URLs"
BB=$(file bob "$BCN" taobao "$T1")
like "$BB" '^[0-9]+$' "bob reports alice's first listing too: C5 is per account"

# ---- list ----
try as alice ipp-complain list
succeeded "list"
is "$(printf '%s\n' "$out" | head -1)" "$LIST_HEADER" "list's columns"
is "$(printf '%s\n' "$out" | ids)" "$TB $TM $AL " \
    "alice sees her three complaints, by id, not bob's"
is "$(printf '%s\n' "$out" | tsv_column urls | tr '\n' ' ')" "2 1 3 " \
    "with their URL counts"
is "$(printf '%s\n' "$out" | tsv_column created_at | tr '\n' ' ')" \
    "2026-01-31T09:00:00Z 2026-01-31T11:00:00Z 2026-01-31T13:00:00Z " \
    "and their filing times"
try as alice ipp-complain list --state open
is "$(printf '%s\n' "$out" | ids)" "$TB $TM $AL " "list --state open: all three"
try as alice ipp-complain list --platform tmall
is "$(printf '%s\n' "$out" | ids)" "$TM " "list --platform tmall"
try as alice ipp-complain list --since 2026-01-31T10:00:00Z
is "$(printf '%s\n' "$out" | ids)" "$TM $AL " "list --since a time"
try as alice ipp-complain list --since 2026-02-01
is "$rc" 1 "nothing since tomorrow: exit 1"
is "$(printf '%s\n' "$out" | tsv_rows)" 0 "and no rows"
try as alice ipp-complain list --state pending
is "$rc" 2 "a complaint state that does not exist is a usage error"
try as handler ipp-complain list
is "$(printf '%s\n' "$out" | ids)" "$TB $TM $AL $BB " "a handler sees every complaint"

# ---- urls of one complaint, and all ----
try as alice ipp-complain urls --complaint "$TB"
succeeded "urls --complaint"
is "$(printf '%s\n' "$out" | head -1)" "$URL_HEADER" "urls --complaint's columns"
is "$(printf '%s\n' "$out" | tsv_column url | tr '\n' ' ')" "$T1 $T2 " \
    "one row per URL, as given"
is "$(printf '%s\n' "$out" | tsv_column canonical_url | sed -n 2p)" \
    'https://item.taobao.com/item.htm?id=502' "and canonical (C5)"
is "$(printf '%s\n' "$out" | tsv_column state | sort -u)" submitted \
    "new URLs are submitted"
try as bob ipp-complain urls --complaint "$TB"
is "$rc" 1 "bob cannot see alice's complaint"
is "$(printf '%s\n' "$out" | tsv_rows)" 0 "not a row of it"
try as alice ipp-complain show first
is "$rc" 2 "show needs a complaint id"

try as alice ipp-complain urls
succeeded "urls"
is "$(printf '%s\n' "$out" | head -1)" "$URL_HEADER" "urls has the same columns"
is "$(printf '%s\n' "$out" | tsv_rows)" 6 "alice's six URLs"
is "$(printf '%s\n' "$out" | tsv_column complaint_id | uniq | tr '\n' ' ')" \
    "$TB $TM $AL " "by url_id, so by complaint"
try as alice ipp-complain urls --platform 1688
is "$(printf '%s\n' "$out" | tsv_column canonical_url | tr '\n' ' ')" \
    "$(listing_url 1688 701) $(listing_url 1688 702) $(listing_url 1688 703) " \
    "urls --platform 1688"
try as alice ipp-complain urls --state withdrawn
is "$rc" 1 "no URL withdrawn yet: exit 1"
try as alice ipp-complain urls --state gone
is "$rc" 2 "a URL state that does not exist is a usage error"
try as handler ipp-complain urls --platform taobao
is "$(printf '%s\n' "$out" | tsv_rows)" 3 "a handler's urls cover bob's too"

# ---- withdraw (C11) ----
try as bob ipp-complain withdraw "$TB"
refused 1 "no complaint $TB" "bob cannot withdraw alice's complaint"
is "$(sql "SELECT count(*) FROM complaint_urls WHERE complaint_id = $TB
    AND state = 'withdrawn'")" 0 "alice's URLs untouched"

now_add 3600
snapshot
try as alice sh -c 'ipp-complain list --state open --platform taobao |
    ipp-complain withdraw'
succeeded "list --state open --platform taobao | withdraw"
is "$out" "$(printf 'complaint_id\tstate\n%s\twithdrawn' "$TB")" \
    "withdraw reports the complaint withdrawn"
is "$(sql "SELECT group_concat(state || ' ' || updated_at, '|') FROM
    complaint_urls WHERE complaint_id = $TB")" \
    "withdrawn 2026-01-31T14:00:00Z|withdrawn 2026-01-31T14:00:00Z" \
    "both URLs are withdrawn, now"
is "$(sql "SELECT group_concat(m.from_state || '>' || m.to_state || ' by ' ||
    m.actor_id, '|') FROM url_moves m JOIN complaint_urls u USING (url_id)
    WHERE u.complaint_id = $TB")" \
    "submitted>withdrawn by $A_ID|submitted>withdrawn by $A_ID" \
    "each move is recorded with its actor"
try as alice ipp-complain list --state withdrawn
is "$(printf '%s\n' "$out" | ids)" "$TB " "list --state withdrawn"
try as alice ipp-complain list --state open
is "$(printf '%s\n' "$out" | ids)" "$TM $AL " "the others are still open"
try as bob ipp-complain list
is "$(printf '%s\n' "$out" | tsv_get state)" open \
    "bob's complaint of the same listing is untouched"

refuses 1 "every URL of complaint $TB is final already: nothing to withdraw \\(rule C11\\)" \
    "a second withdraw (C11)" as alice ipp-complain withdraw "$TB"
refuses 1 'no complaint 9999' "withdraw of a complaint that does not exist" \
    as alice ipp-complain withdraw 9999

# The whole open list, through the pipeline.
try as alice sh -c 'ipp-complain list --state open | ipp-complain withdraw'
succeeded "list --state open | withdraw"
is "$(printf '%s\n' "$out" | tsv_column state | tr '\n' ' ')" \
    "withdrawn withdrawn " "two complaints withdrawn"
is "$(printf '%s\n' "$out" | ids)" "$TM $AL " "the tmall and the 1688 ones"
try as alice ipp-complain list --state open
is "$rc" 1 "nothing of alice's is open any more"
try as alice ipp-complain urls --state withdrawn
is "$(printf '%s\n' "$out" | tsv_rows)" 6 "all six URLs are withdrawn"

# ---- a withdrawn listing can be reported again (C5: open complaints) ----
try as alice ipp-complain new --platform taobao --ipr "$CN" --target listing \
    --reason tm-mark-in-text --supplement "$SUP" --no-check \
    'https://item.taobao.com/item.htm?id=501&spm=again' "$T2"
succeeded "the withdrawn listings reported again"
AGAIN=$(printf '%s\n' "$out" | tsv_get complaint_id)
isnt "$AGAIN" "$TB" "in a new complaint"
try as alice ipp-complain list --state open
is "$(printf '%s\n' "$out" | ids)" "$AGAIN " "the new complaint is open"
is "$(sql "SELECT count(*) FROM complaint_urls WHERE complaint_id = $TB
    AND state = 'withdrawn'")" 2 "the old complaint keeps its outcome (C8)"


# ---- a store that cannot be read is a store failure, not "no complaint" ----
if on_pg; then
	skip "withdraw on a damaged store" "SQLite's file"
	skip "nothing said of a missing complaint" "SQLite's file"
else
	sql 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
	cp "$IPP_DB" "$tmp/damaged.db"
	page=$(sqlite3 "$tmp/damaged.db" "SELECT rootpage FROM sqlite_schema
	    WHERE name = 'complaints'")
	size=$(sqlite3 "$tmp/damaged.db" 'PRAGMA page_size')
	dd if=/dev/zero of="$tmp/damaged.db" bs="$size" seek=$((page - 1)) \
	    count=1 conv=notrunc 2>/dev/null
	try as alice env IPP_DB="$tmp/damaged.db" ipp-complain withdraw "$AGAIN"
	like "$rc:$err" "^3:ipp-complain: store '.*damaged.db': cannot read the complaint: " \
	    "withdraw on a damaged store: exit 3, naming the store"
	unlike "$err" 'no complaint' "nothing said of a missing complaint"
fi
done_testing

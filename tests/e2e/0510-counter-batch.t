#!/bin/sh
# Counters in bulk (N0, N2): an import of 1,000 counters (CSV through
# libcsv, or TSV), all or nothing unless --partial, each bad row named
# by file and line; then the account rejects the 1,000 in one batch from
# TSV on stdin, one reason a row, with a few bad rows among them: each
# row checked and reported on its own, the rest applied, exit 1.
. "$(dirname "$0")/lib.sh"

now_set 2026-03-06T02:00:00Z
ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
CN=$(trademark_ipr alice CN TM-CN-1)
B_ID=$(verified_account bob bob@example.com 'Bob Wu')
BCN=$(trademark_ipr bob CN TM-CN-BOB)
like "$BCN" '^[0-9]+$' "two verified accounts with a trademark each"

awk -v ipr="$CN" 'BEGIN {
	print "url,platform,region,ipr,target,reason,supplement"
	for (i = 1; i <= 1000; i++)
		printf "https://item.taobao.com/item.htm?id=%d,taobao,,%s," \
		    "listing,tm-mark-in-text,Goods sold under our registered " \
		    "mark\n", 5000 + i, ipr
}' >"$tmp/urls.csv"
try as alice ipp-complain import --no-check --force "$tmp/urls.csv"
succeeded "alice files 1,000 URLs"
try as bob ipp-complain new --platform taobao --ipr "$BCN" --target listing \
    --reason tm-mark-in-text --supplement 'Goods sold under our mark here.' \
    --no-check "$(listing_url taobao 9)"
succeeded "bob files one"
as handler ipp-complain queue | as handler ipp-complain accept >/dev/null \
    2>"$tmp/accept.err"
is "$(sql "SELECT count(*) FROM complaint_urls WHERE state = 'pending-counter'")" \
    1001 "all accepted"
B1=$(sql "SELECT url_id FROM complaint_urls WHERE account_id = $B_ID")

now_set 2026-03-06T04:00:00Z
# ---- import: bad rows refuse the whole file ----
sql "SELECT url_id FROM complaint_urls WHERE account_id = $A_ID
    ORDER BY url_id" >"$tmp/ids"
awk 'BEGIN { print "url_id,seller,name,email,grounds,filed_at" }
	{ printf "%s,seller-%d,\"Shop %d, Ltd\",,\"Genuine stock,\nbought " \
	    "from the brand.\",2026-03-06T03:00:00Z\n", $1, NR % 7, NR % 7 }
' "$tmp/ids" >"$tmp/counters.csv"
{ cat "$tmp/counters.csv"
  printf '%s\n' "99999,s,Shop,,Grounds,2026-03-06T03:00:00Z" \
      "$B1,s,Shop,,,2026-03-06T03:00:00Z" "abc,s,Shop,,Grounds," ; } \
    >"$tmp/bad.csv"
refuses 1 "nothing recorded" "an import with three bad rows" \
    as handler ipp-counter import "$tmp/bad.csv"
like "$err" "bad.csv:2002: no URL 99999" "the unknown URL, by line (a quoted newline counts)"
like "$err" "bad.csv:2003: a counter needs its grounds" "empty grounds, by line"
like "$err" "bad.csv:2004: url_id is not an id: 'abc'" "a bad id, by line"
printf 'url_id,seller,name\n1,s,Shop\n' >"$tmp/nogrounds.csv"
refuses 4 "missing column 'grounds'" "an import without a grounds column" \
    as handler ipp-counter import "$tmp/nogrounds.csv"
refuses 5 "only a case handler" "an account importing counters" \
    as alice ipp-counter import "$tmp/counters.csv"

try as handler ipp-counter import --partial "$tmp/bad.csv"
is "$rc" 1 "--partial with bad rows: exit 1"
is "$(printf '%s\n' "$out" | tsv_rows)" 1000 "the 1,000 good rows recorded"
is "$(sql "SELECT count(*) FROM complaint_urls WHERE state = 'countered'")" \
    1000 "1,000 URLs countered"
is "$(sql "SELECT count(DISTINCT at) || ' ' || min(at) FROM url_moves
    WHERE to_state = 'countered'")" "1 2026-03-06T03:00:00Z" \
    "each move at the counter's filed time"
is "$(sql "SELECT count(*) FROM merchants")" 7 "seven merchants, once each"
is "$(sql "SELECT grounds FROM counters LIMIT 1")" "$(printf 'Genuine stock,\nbought from the brand.')" \
    "grounds keep their comma and newline"
is "$(mails_to alice@example.com | while read -r f; do
    grep -l '^Subject: ipp: 1000 counter-notices received' "$f"; done | wc -l)" 1 \
    "alice is told once, of all 1,000 (N3)"

# A TSV import for bob's URL.
printf 'url_id\tseller\tname\tgrounds\n%s\ts9\tBag Shop\tOwn design.\n' "$B1" \
    >"$tmp/b.tsv"
try as handler ipp-counter import "$tmp/b.tsv"
succeeded "a TSV import"
is "$(sql "SELECT state FROM complaint_urls WHERE url_id = $B1")" \
    countered "bob's URL countered"

# ---- a batch rejection with one reason a row, and bad rows ----
awk 'BEGIN { print "url_id\treason" }
	{ printf "%s\tTest buy %d shows a fake.\n", $1, NR }' "$tmp/ids" \
    >"$tmp/reject.tsv"
{ cat "$tmp/reject.tsv"
  printf '%s\n' "$B1	Not mine." "$(head -1 "$tmp/ids")	Twice." \
      "x	Bad id." "$(sed -n 2p "$tmp/ids")	" ; } >"$tmp/reject-bad.tsv"
tryin "$(cat "$tmp/reject-bad.tsv")" as alice ipp-counter reject
is "$rc" 1 "the batch with four bad rows: exit 1"
is "$(printf '%s\n' "$out" | tsv_where result rejected | tsv_rows)" 1000 \
    "1,000 rejected"
like "$err" "<stdin>:1002: no URL $B1 among your complaints" "bob's URL refused, by line"
like "$err" "<stdin>:1003: URL [0-9]+ is counter-rejected since" "a second answer refused"
like "$err" "<stdin>:1004: url_id is not an id: 'x'" "a bad id refused"
like "$err" "<stdin>:1005: URL [0-9]+: rejecting a counter-notice needs a reason" \
    "a row without a reason refused"
is "$(printf '%s\n' "$out" | tsv_where result refused | tsv_rows)" 4 \
    "four rows refused, each reported"
is "$(sql "SELECT count(*) FROM complaint_urls WHERE state = 'counter-rejected'")" \
    1000 "1,000 counters rejected"
is "$(sql "SELECT count(*) FROM url_moves m JOIN complaint_urls u
    ON u.url_id = m.url_id WHERE m.to_state = 'counter-rejected'
    AND m.actor_id = $A_ID AND m.reason = 'Test buy ' ||
    (SELECT count(*) FROM complaint_urls v WHERE v.account_id = $A_ID
    AND v.url_id <= u.url_id) || ' shows a fake.'")" 1000 \
    "each with its own row's reason, by the account"
is "$(sql "SELECT state FROM complaint_urls WHERE url_id = $B1")" countered \
    "bob's counter untouched"

done_testing

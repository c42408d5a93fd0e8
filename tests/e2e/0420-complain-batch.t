#!/bin/sh
# Decisions in bulk (H1): 1,000 URLs from a pipeline with a few bad rows
# (a word, an unknown id, a NULL, a URL twice), each bad row refused with
# its line and the rest applied in one batch, one digest for the account
# (listing at most digest_max_urls URLs); two handlers deciding the same
# URLs at once, every URL decided exactly once and the loser told why.
. "$(dirname "$0")/lib.sh"

now_set 2026-03-06T02:00:00Z
ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
CN=$(trademark_ipr alice CN TM-CN-1)
B_ID=$(verified_account bob bob@example.com 'Bob Wu')
BCN=$(trademark_ipr bob CN TM-CN-BOB)
like "$CN $BCN" '^[0-9]+ [0-9]+$' "alice and bob have verified trademarks"
tryin "$PW" as handler ipp-register handler add --password-stdin second@ipp.test
succeeded "a second handler"
ok "the second handler signs in" login_as second second@ipp.test
SUP='The listing sells shoes under our registered ACME mark.'

# import_urls USER IPR FIRST COUNT: COUNT taobao listings filed by import.
import_urls() {
	{
		echo 'url,platform,region,ipr,target,reason,supplement'
		listing_urls taobao "$3" "$4" | awk -v ipr="$2" -v sup="$SUP" \
		    '{ printf "%s,taobao,,%s,listing,tm-mark-in-text,%s\n", $0, ipr, sup }'
	} >"$tmp/import-$1.csv"
	as "$1" ipp-complain import --no-check --force "$tmp/import-$1.csv" \
	    >/dev/null 2>"$tmp/import-$1.err"
}
ok "alice files 1,000 URLs" import_urls alice "$CN" 10000 1000
ok "bob files 200" import_urls bob "$BCN" 20000 200
is "$(sql "SELECT count(*) FROM complaint_urls WHERE state = 'submitted'")" \
    1200 "1,200 URLs submitted"

# ---- 1,000 decisions with four bad rows ----
ok "digests list 100 URLs at most" \
    as handler ipp-register set digest_max_urls 100
now_add 60
as handler ipp-complain queue | awk -F '\t' -v a="$A_ID" '
	NR == 1 { print "url_id\tnote"; next }
	$3 == a { print $1 "\tok"; n++ }
	n == 10 && !bad { print "12x\tbad"; print "999999\tbad";
	    print "\\N\tbad"; bad = 1 }
	END { print first "\tagain" }
	n == 1 && !first { first = $1 }' >"$tmp/batch.tsv"
is "$(tsv_rows <"$tmp/batch.tsv")" 1004 "a batch of 1,000 ids and 4 bad rows"
try as handler sh -c "ipp-complain accept <'$tmp/batch.tsv'"
is "$rc" 1 "exit 1: some rows refused"
is "$(printf '%s\n' "$out" | tsv_rows)" 1004 "one row a URL"
is "$(printf '%s\n' "$out" | tsv_column result | sort | uniq -c |
    awk '{ printf "%s %s ", $2, $1 }')" "accepted 1000 refused 4 " \
    "1,000 accepted, 4 refused"
like "$err" "<stdin>:12: url_id is not an id: '12x'" "a word, with its line"
like "$err" '<stdin>:13: no URL 999999' "an unknown id, with its line"
like "$err" "<stdin>:14: url_id is not an id: '\\\\N'" "a NULL, with its line"
like "$err" "<stdin>:1005: URL [0-9]+ is pending-counter, not submitted: decided by cases@ipp.test" \
    "a URL twice: decided once, the second refused"
like "$err" 'accept: 1000 accepted, 4 refused; 1 digest mail queued' \
    "a summary on stderr"
is "$(sql "SELECT count(*) FROM complaint_urls WHERE account_id = $A_ID
    AND state = 'pending-counter' AND window_ends_at = '2026-03-11T16:00:00Z'")" \
    1000 "all 1,000 pending a counter, with the window's end"
is "$(sql "SELECT count(*) FROM url_moves WHERE to_state = 'pending-counter'")" \
    1000 "1,000 moves recorded"
d=$(mails_to alice@example.com | head -1)
body=$(tr -d '\r' <"$d")
like "$body" 'Subject: ipp: 1000 URLs decided: 1000 accepted, 0 rejected' \
    "one digest for alice's 1,000"
is "$(printf '%s\n' "$body" | grep -c ': accepted$')" 100 \
    "listing 100 of them (digest_max_urls)"
like "$body" '\.\.\. and 900 more' "and counting the rest"
is "$(mails_to bob@example.com | xargs grep -l 'decided' | wc -l)" 0 \
    "bob, none of whose URLs was decided, got none"

# ---- two handlers at once ----
as handler ipp-complain queue >"$tmp/bob.tsv"
is "$(tsv_rows <"$tmp/bob.tsv")" 200 "bob's 200 URLs are in the queue"
now_add 60
( as handler ipp-complain accept <"$tmp/bob.tsv" >"$tmp/h1.out" \
    2>"$tmp/h1.err"; echo $? >"$tmp/h1.rc" ) &
p1=$!
( as second ipp-complain reject --reason 'Not a trademark use.' \
    <"$tmp/bob.tsv" >"$tmp/h2.out" 2>"$tmp/h2.err"; echo $? >"$tmp/h2.rc" ) &
p2=$!
wait "$p1" "$p2"
is "$(sort "$tmp/h1.rc" "$tmp/h2.rc" | tr '\n' ' ')" "0 1 " \
    "one handler's batch applies, the other's is refused"
is "$(sql "SELECT count(*) FROM url_moves m JOIN complaint_urls u
    USING (url_id) WHERE u.account_id = $B_ID AND m.from_state = 'submitted'")" \
    200 "every URL of bob's decided exactly once"
is "$(sql "SELECT count(DISTINCT state) FROM complaint_urls
    WHERE account_id = $B_ID")" 1 "all by the same handler's batch"
if [ "$(cat "$tmp/h1.rc")" = 1 ]; then loser=h1; else loser=h2; fi
is "$(tsv_column result <"$tmp/$loser.out" | sort -u)" refused \
    "the loser's rows are all refused"
like "$(cat "$tmp/$loser.err")" \
    'not submitted: decided by (cases|second)@ipp\.test at 2026-03-06T02:02:00Z already \(rule H1\)' \
    "and say who decided first, and when"
is "$(mails_to bob@example.com | xargs grep -l 'decided' | wc -l)" 1 \
    "bob got one digest, from the winning batch"

done_testing

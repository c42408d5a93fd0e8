#!/bin/sh
# An import's live checks (C6) run outside its write transaction (issue
# 8, defect 6): while a slow marketplace (testhttpd --delay) keeps the
# import checking, another process writes to the store and finishes at
# once, instead of waiting for the import and failing "database is
# locked".  The import then files its complaints as before.
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
like "$A_ID" '^[0-9]+$' "alice is identity-verified"
CN=$(trademark_ipr alice CN TM-CN-1)
like "$CN" '^[0-9]+$' "a verified CN trademark"
SUP='The listing sells shoes under our registered ACME mark.'

# Every answer takes 2 s; the import's two groups are checked one after
# the other: at least 4 s of live checks.
ok "a slow testhttpd" start_httpd slow --delay 2000
{
	echo 'url,platform,region,ipr,target,reason,supplement'
	for id in 1 2 3; do
		printf '%s,taobao,,%s,listing,tm-mark-in-text,"%s"\n' \
		    "$(listing_url taobao "$id")" "$CN" "$SUP"
		printf '%s,tmall,,%s,listing,tm-mark-in-text,"%s"\n' \
		    "$(listing_url tmall "$id")" "$CN" "$SUP"
	done
} >"$tmp/slow.csv"

HOME=$tmp/home-alice XDG_STATE_HOME=$tmp/state-alice \
    ipp-complain import "$tmp/slow.csv" >"$tmp/import.out" \
    2>"$tmp/import.err" &
pid=$!
at_exit "kill $pid 2>/dev/null"
# checking: testhttpd is answering a check of the import.
checking() {
	[ "$(httpd_stat inflight_peak)" -gt 0 ]
}
ok "the import is checking its listings" wait_for checking
t0=$(date +%s)
try register bob@example.com
t1=$(date +%s)
succeeded "another writer registers an account meanwhile"
unlike "$err" 'locked|busy' "without a locked database"
if kill -0 "$pid" 2>/dev/null; then
	pass "it finished while the import was still checking"
else
	fail "it finished while the import was still checking" \
	    "the import had ended: the writer waited $((t1 - t0)) s for it"
fi
wait "$pid"
is "$?" 0 "the import exits 0"
is "$(tsv_column urls <"$tmp/import.out" | tr '\n' ' ')" "3 3 " \
    "and files its two complaints of three live listings"
is "$(sql "SELECT count(*) FROM complaint_urls")" 6 "six URLs in the store"
is "$(sql "SELECT count(*) FROM accounts WHERE email = 'bob@example.com'")" 1 \
    "and bob's account"

done_testing

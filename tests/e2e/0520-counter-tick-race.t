#!/bin/sh
# Two ticks at once (N1, N3): over 10,000 countered URLs, first when
# their reminders are due, then when their answers are: every reminder
# is sent once and every URL moved once, whichever tick got there first.
. "$(dirname "$0")/lib.sh"

N=10000
now_set 2026-03-06T02:00:00Z
ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
CN=$(trademark_ipr alice CN TM-CN-1)
like "$CN" '^[0-9]+$' "a verified trademark"
awk -v ipr="$CN" -v n="$N" 'BEGIN {
	print "url,platform,region,ipr,target,reason,supplement"
	for (i = 1; i <= n; i++)
		printf "https://item.taobao.com/item.htm?id=%d,taobao,,%s," \
		    "listing,tm-mark-in-text,Goods sold under our registered " \
		    "mark\n", 70000 + i, ipr
}' >"$tmp/urls.csv"
try as alice ipp-complain import --no-check --force "$tmp/urls.csv"
succeeded "10,000 URLs filed"
as handler ipp-complain queue | as handler ipp-complain accept >/dev/null \
    2>"$tmp/accept.err"
now_set 2026-03-06T03:00:00Z
sql "SELECT url_id FROM complaint_urls ORDER BY url_id" |
    awk 'BEGIN { print "url_id\tseller\tname\tgrounds" }
	{ printf "%s\ts%d\tShop\tGenuine.\n", $1, NR % 13 }' >"$tmp/c.tsv"
try as handler ipp-counter import "$tmp/c.tsv"
succeeded "10,000 counters recorded"
due=$(sql "SELECT DISTINCT answer_due_at FROM counters")
is "$due" 2026-03-11T16:00:00Z "all answers due Wednesday 24:00"

# both: two ticks started together; their outputs in $tmp/t1 and $tmp/t2.
both() {
	ipp-counter tick >"$tmp/t1" 2>"$tmp/t1.err" &
	_p1=$!
	ipp-counter tick >"$tmp/t2" 2>"$tmp/t2.err" &
	_p2=$!
	wait "$_p1"; _r1=$?
	wait "$_p2"; _r2=$?
	is "$_r1 $_r2" "0 0" "$1: both ticks exit 0"
}
rows() {
	cat "$tmp/t1" "$tmp/t2" | grep -v '^url_id	'
}

now_set 2026-03-11T04:00:00Z	# twelve hours before
both "reminders"
is "$(rows | wc -l)" 0 "no move yet"
is "$(sql "SELECT count(*) FROM counter_reminders")" "$N" "a reminder row per URL"
listed=$(mails_to alice@example.com | while read -r f; do
	grep -q '^Subject: ipp: .*to answer soon' "$f" &&
	    tr -d '\r' <"$f" | sed -n 's/^URL \([0-9]*\) of complaint.*/\1/p'
done)
is "$(printf '%s\n' "$listed" | wc -l)" "$N" "10,000 URLs reminded in the mails"
is "$(printf '%s\n' "$listed" | sort -u | wc -l)" "$N" "each once"

now_set 2026-03-11T16:00:00Z
both "answers due"
is "$(rows | wc -l)" "$N" "10,000 rows between the two ticks"
is "$(rows | cut -f 1 | sort -u | wc -l)" "$N" "each URL once"
is "$(sql "SELECT count(*) FROM url_moves WHERE to_state = 'restored'
    AND at = '2026-03-11T16:00:00Z' AND actor_id IS NULL")" "$N" \
    "10,000 moves to restored, at the deadline, by the system"
is "$(sql "SELECT count(*) FROM complaint_urls WHERE state = 'restored'")" \
    "$N" "every URL restored"
is "$(sql "SELECT count(*) FROM counter_reminders")" "$N" "no reminder twice"

done_testing

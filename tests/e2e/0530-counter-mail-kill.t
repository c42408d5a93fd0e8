#!/bin/sh
# N3's messages survive a crash: the counter's notice and the reminder
# are queued in the transactions of their changes; both runs are killed
# (SIGKILL) after their commits, before delivery; the next run delivers
# each message once into the outbox and sends it.
. "$(dirname "$0")/lib.sh"

count() {
	find "$1" -maxdepth 1 -type f ! -name '.*' 2>/dev/null | wc -l
}
at_least() {
	[ "$(count "$2")" -ge "$1" ]
}
queued() {
	sql "SELECT count(*) FROM mail WHERE delivered_at IS NULL"
}

now_set 2026-03-06T02:00:00Z
ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
CN=$(trademark_ipr alice CN TM-CN-1)
try as alice ipp-complain new --platform taobao --ipr "$CN" --target listing \
    --reason tm-mark-in-text --supplement 'Goods sold under our mark here.' \
    --no-check "$(listing_url taobao 1)" "$(listing_url taobao 2)"
succeeded "a complaint of two URLs"
set -- $(sql "SELECT url_id FROM complaint_urls ORDER BY url_id")
U1=$1 U2=$2
try as handler ipp-complain accept "$U1" "$U2"
succeeded "both accepted"
try as handler ipp-counter file --url "$U2" --seller s2 --name 'Shop Two' \
    --grounds 'Genuine.'
succeeded "a counter on U2, answer due Wednesday 24:00"

# The stalling sink takes the first message and never answers: the run
# that sends it holds the outbox lock after its commit.
mkdir -p "$tmp/stall"
smtpsink -s -p "$tmp/stall.port" -d "$tmp/stall" -t 30 \
    >"$tmp/stall.out" 2>"$tmp/stall.err" &
stall_pid=$!
at_exit "kill $stall_pid 2>/dev/null; wait $stall_pid 2>/dev/null"
ok "a stalling sink starts" wait_for test -s "$tmp/stall.port"
IPP_SMTP_URL=smtp://127.0.0.1:$(cat "$tmp/stall.port")
export IPP_SMTP_URL
now_set 2026-03-06T04:00:00Z
# Not through `as`, whose subshell would be what is killed.
HOME=$tmp/home-handler XDG_STATE_HOME=$tmp/state-handler \
    ipp-counter file --url "$U1" --seller s1 --name 'Shop One' \
    --grounds 'Genuine stock.' >"$tmp/file.out" 2>"$tmp/file.err" &
filer=$!
at_exit "kill -9 $filer 2>/dev/null"
ok "the sink has the counter's notice, unanswered" wait_for at_least 1 "$tmp/stall"
# Twelve hours before both answers are due: one reminder of the two.
now_set 2026-03-11T04:00:00Z
ipp-counter tick >"$tmp/tick.out" 2>"$tmp/tick.err" &
ticker=$!
at_exit "kill -9 $ticker 2>/dev/null"
reminded() {
	[ "$(sql "SELECT count(*) FROM counter_reminders")" -eq 2 ]
}
ok "the tick commits its reminder" wait_for reminded
kill -0 "$filer" 2>/dev/null && kill -0 "$ticker" 2>/dev/null
is "$?" 0 "both runs are still delivering"
kill -9 "$filer" "$ticker"
wait "$filer" 2>/dev/null
is "$?" 137 "the filing run is killed (SIGKILL)"
wait "$ticker" 2>/dev/null
is "$?" 137 "the tick is killed (SIGKILL)"
kill "$stall_pid"
wait "$stall_pid" 2>/dev/null

is "$(sql "SELECT state FROM complaint_urls WHERE url_id = $U1")" countered \
    "the counter was committed"
is "$(queued)" 2 "both messages (the notice, the reminder) are still queued"

ok "a working sink starts" start_sink good
IPP_SMTP_URL=smtp://127.0.0.1:$sink_port
try ipp-register mail --deliver
succeeded "the next run delivers the queue"
is "$(queued)" 0 "nothing is left queued"
notices=$(mails_to alice@example.com | while read -r f; do
	grep -l '^Subject: ipp: 1 counter-notice received' "$f"; done | wc -l)
is "$notices" 2 "the two counters' notices in the outbox, once each"
is "$(mails_to alice@example.com | while read -r f; do
	grep -l '^Subject: ipp: 2 counter-notices to answer soon' "$f"; done |
	wc -l)" 1 "the reminder in the outbox once"
is "$(grep -l 'X-Envelope-To: alice@example.com' "$tmp"/good/*.eml | wc -l)" 2 \
    "both reached the working sink"
try ipp-register mail --deliver
is "$(count "$tmp/good")" 2 "a further run sends nothing twice"
try ipp-counter tick
is "$(sql "SELECT count(*) FROM counter_reminders")" 2 "and the tick reminds no more"
is "$(count "$tmp/good")" 2 "nor sends anything"

done_testing

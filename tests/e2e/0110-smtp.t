#!/bin/sh
# Mail through SMTP (A3): with IPP_SMTP_URL set the code goes to a local
# SMTP sink and the queued file moves from outbox/new to outbox/cur; a
# delivery that fails exits 6, keeps the account and leaves the message
# queued, and a later delivery sends the queue.
. "$(dirname "$0")/lib.sh"

A=alice@example.com
C=carol@example.com

ok "init and the handler's sign-in" init_store cases@ipp.test

# count DIR: the number of messages in DIR (the sink's NNN.eml files, or
# a Maildir directory's files; not the sink's hidden temporary files).
count() {
	find "$1" -maxdepth 1 -type f ! -name '.*' | wc -l
}

# at_least N DIR: DIR has N files or more.
at_least() {
	[ "$(count "$2")" -ge "$1" ]
}

# sink_code EMAIL: the code of the newest message to EMAIL in the sink.
sink_code() {
	_sc_file=$(outbox=$tmp/sink-q; mails_to "$1" | head -1)
	[ -n "$_sc_file" ] && code_in "$_sc_file"
}

ok "smtpsink starts on 127.0.0.1" start_sink sink
like "$sink_port" '^[0-9]+$' "the sink wrote its port"
good_pid=$sink_pid
# mails_to reads a Maildir; let it read the sink's directory as "new".
mkdir -p "$tmp/sink-q"
ln -s "$tmp/sink" "$tmp/sink-q/new"

# ---- A delivered code ----
IPP_SMTP_URL=smtp://127.0.0.1:$sink_port
export IPP_SMTP_URL
try register "$A"
succeeded "new with IPP_SMTP_URL delivers the code"
A_ID=$(printf '%s\n' "$out" | tsv_get account_id)
wait_for at_least 1 "$tmp/sink"
is "$(count "$tmp/sink")" 1 "one message arrived at the sink"
msg=$(cat "$tmp/sink"/*)
like "$msg" 'Verification code: [0-9]{6}' "the sink's message has the code"
is "$(printf '%s\n' "$msg" | tr -d '\r' | sed -n 's/^X-Envelope-To: //p')" "$A" \
    "the envelope recipient is $A"
like "$(printf '%s\n' "$msg" | tr -d '\r' | grep -i '^To:')" "$A" \
    "the To: header is $A"
like "$(printf '%s\n' "$msg" | tr -d '\r' | grep -i '^From:')" 'ipp@localhost' \
    "it comes from the mail_from setting"
code=$(sink_code "$A")
is "$(count "$outbox/new")" 0 "nothing is left in outbox/new"
is "$(count "$outbox/cur")" 1 "the delivered message moved to outbox/cur"
is "$(code_in "$outbox"/cur/*)" "$code" "outbox/cur keeps the same message"
try ipp-register verify --email "$A" "$code"
succeeded "verify with the code from the sink"
tryin "$PW" as alice ipp-register login --email "$A" --password-stdin
succeeded "and the account signs in"

# ---- A failed delivery: a closed port ----
ok "a second sink starts" start_sink closed
closed_port=$sink_port
kill "$sink_pid"
wait "$sink_pid" 2>/dev/null
IPP_SMTP_URL=smtp://127.0.0.1:$closed_port
try register "$C"
is "$rc" 6 "new exits 6 when the mail cannot be delivered"
like "$err" "$C|deliver|SMTP|smtp|connect" "the message says what failed"
C_ID=$(printf '%s\n' "$out" | tsv_get account_id)
like "$C_ID" '^[1-9][0-9]*$' "new still prints the account"
try as handler ipp-register list --state unverified
is "$(printf '%s\n' "$out" | tsv_column email)" "$C" \
    "the account exists"
is "$(count "$outbox/new")" 1 "the message stays queued in outbox/new"
is "$(mails_to "$C" | grep -c /new/)" 1 "the queued message is carol's"
is "$(count "$tmp/sink")" 1 "and nothing reached the first sink"

# ---- The queue goes out with the next delivery ----
IPP_SMTP_URL=smtp://127.0.0.1:$(cat "$tmp/sink.port")
now_add 61
try ipp-register resend --email "$C"
succeeded "resend through the working sink"
wait_for at_least 3 "$tmp/sink"
is "$(count "$tmp/sink")" 3 "the queued message and the new one arrived"
is "$(count "$outbox/new")" 0 "outbox/new is empty again"
is "$(count "$outbox/cur")" 3 "all three are in outbox/cur"
# The retried message kept its Message-ID: each outbox copy's is in the
# sink exactly once.
same=0
for m in "$outbox"/cur/*; do
	mid=$(tr -d '\r' <"$m" | sed -n 's/^Message-ID: //p')
	[ -n "$mid" ] && [ "$(cat "$tmp"/sink/*.eml | tr -d '\r' |
	    grep -cxF "Message-ID: $mid")" -eq 1 ] && same=$((same + 1))
done
is "$same" 3 "the sink has each message once, with its outbox Message-ID"
try ipp-register verify --email "$C" "$(sink_code "$C")"
succeeded "the newest code verifies carol"

# ---- A message the server refuses does not hold up the others ----
try register refused@example.org
is "$rc" 6 "a recipient the server refuses (550): exit 6"
like "$err" 'refused@example.org' "the message names the recipient"
is "$(count "$outbox/new")" 1 "that message stays queued"
try register dan@example.com
succeeded "the next account's mail is delivered"
wait_for at_least 4 "$tmp/sink"
is "$(count "$tmp/sink")" 4 "it arrived at the sink"
try ipp-register verify --email dan@example.com "$(sink_code dan@example.com)"
succeeded "and its code verifies"
is "$(mails_to refused@example.org | grep -c /new/)" 1 \
    "the refused message is still queued for a later try"

done_testing

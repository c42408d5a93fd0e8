#!/bin/sh
# The mail queue (N3): a message is queued in the store in the
# transaction of the change that causes it and delivered after commit.
# A change refused at commit takes its message with it; a process killed
# (SIGKILL) after commit loses nothing, and the next run puts the message
# into the outbox once and sends it again over SMTP with the same
# Message-ID; `ipp-register mail` lists the queue, `mail --deliver`
# delivers it.
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test

# count DIR: the messages in DIR (not the sink's hidden temporary files).
count() {
	find "$1" -maxdepth 1 -type f ! -name '.*' 2>/dev/null | wc -l
}

at_least() {
	[ "$(count "$2")" -ge "$1" ]
}

# queued: the messages not yet delivered, as the store says.
queued() {
	sql "SELECT count(*) FROM mail WHERE delivered_at IS NULL"
}

# message_id FILE: the Message-ID header of one message.
message_id() {
	tr -d '\r' <"$1" | sed -n 's/^Message-ID: //p'
}

# ---- A change refused at commit takes its queued message with it ----
# A deferred foreign key, broken by a trigger on the mail table only for
# eve, makes the COMMIT of her registration fail after her code was
# queued.  (Test-only schema, added to the test's own store.)
if on_pg; then
	sql "CREATE TABLE test_refusal (account_id BIGINT
	    REFERENCES accounts (account_id) DEFERRABLE INITIALLY DEFERRED);
	CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS
	    \$\$ BEGIN INSERT INTO test_refusal VALUES (-1); RETURN NEW; END \$\$;
	CREATE TRIGGER test_refuse_eve AFTER INSERT ON mail FOR EACH ROW
	    WHEN (NEW.recipient = 'eve@example.com')
	    EXECUTE FUNCTION test_refuse();"
else
	sql "CREATE TABLE test_refusal (account_id INTEGER
	    REFERENCES accounts (account_id) DEFERRABLE INITIALLY DEFERRED);
	CREATE TRIGGER test_refuse_eve AFTER INSERT ON mail
	    WHEN NEW.recipient = 'eve@example.com'
	    BEGIN INSERT INTO test_refusal VALUES (-1); END;"
fi
snapshot
try register eve@example.com
is "$rc" 3 "a registration refused at commit exits 3"
like "$err" 'commit' "the message says the commit failed"
is "$out" "" "no account is printed"
unchanged "the refused registration and its mail"
is "$(sql 'SELECT count(*) FROM mail')" 0 "no message is queued for eve"
is "$(count "$outbox/new")" 0 "and none reaches the outbox"
if on_pg; then
	sql "DROP TRIGGER test_refuse_eve ON mail; DROP FUNCTION test_refuse();
	    DROP TABLE test_refusal"
else
	sql "DROP TRIGGER test_refuse_eve; DROP TABLE test_refusal"
fi

# ---- Queued with its change, delivered after commit ----
try register alice@example.com
succeeded "a registration commits and queues its code"
is "$(queued)" 0 "after the command nothing is left queued"
is "$(count "$outbox/new")" 1 "the code is in the outbox"
f=$(ls "$outbox"/new/*)
id=$(sql "SELECT message_id FROM mail WHERE recipient = 'alice@example.com'")
is "$(basename "$f")" "$id" "the outbox file is named by the message's id"
like "$(message_id "$f")" "^<$id@localhost>\$" "and so is its Message-ID"
is "$(sql "SELECT message IS NULL AND delivered_at IS NOT NULL FROM mail
    WHERE message_id = '$id'")" 1 \
    "the store marks it delivered and keeps no copy of the code (A3)"

# ---- The queue, for a case handler ----
try ipp-register mail
is "$rc" 5 "listing the queue without a handler's sign-in: exit 5"
try as handler ipp-register mail
succeeded "a handler lists the queue"
is "$out" "$(printf 'mail_id\tmessage_id\trecipient\tsubject\tqueued_at\ttries\tlast_error')" \
    "an empty queue is the header alone"

# ---- A failed delivery stays queued; mail --deliver retries it ----
ok "a sink starts, to be closed" start_sink closed
kill "$sink_pid"
wait "$sink_pid" 2>/dev/null
IPP_SMTP_URL=smtp://127.0.0.1:$sink_port
export IPP_SMTP_URL
try register bob@example.com
is "$rc" 6 "new exits 6 when its code cannot be sent"
like "$err" 'stays queued' "the message says the mail stays queued"
is "$(queued)" 1 "bob's code stays queued"
is "$(count "$outbox/new")" 2 "and is in the outbox, once"
try as handler ipp-register mail
succeeded "the queue lists it"
is "$(printf '%s\n' "$out" | tsv_get recipient)" bob@example.com \
    "the queued message is bob's"
is "$(printf '%s\n' "$out" | tsv_get tries)" 1 "tried once"
like "$(printf '%s\n' "$out" | tsv_get last_error)" 'connect|Connect' \
    "with the reason it failed"
try ipp-register mail --deliver
is "$rc" 6 "mail --deliver with the server down: exit 6"
is "$(queued)" 1 "still queued"
is "$(count "$outbox/new")" 2 "still once in the outbox"
ok "a working sink starts" start_sink good
IPP_SMTP_URL=smtp://127.0.0.1:$sink_port
try ipp-register mail --deliver
succeeded "mail --deliver through the working sink"
is "$out" "" "and prints nothing, for cron"
is "$(queued)" 0 "the queue is empty"
is "$(count "$tmp/good")" 1 "bob's code arrived (alice's went before SMTP)"
is "$(count "$outbox/new")" 1 "alice's stays in new/"
is "$(count "$outbox/cur")" 1 "bob's moved to cur/"
try ipp-register mail --deliver
succeeded "mail --deliver with nothing queued"
is "$(count "$tmp/good")" 1 "sends nothing again"

# ---- SIGKILL between commit and delivery ----
# A sink that takes a message but never answers: carol's delivery hangs
# after the server has her message, before the store marks it.  Dan's
# run commits, then waits for the outbox lock that carol's run holds: he
# is killed after his commit, before his message reaches the outbox.
mkdir -p "$tmp/stall"
smtpsink -s -p "$tmp/stall.port" -d "$tmp/stall" -t 30 \
    >"$tmp/stall.out" 2>"$tmp/stall.err" &
stall_pid=$!
at_exit "kill $stall_pid 2>/dev/null; wait $stall_pid 2>/dev/null"
ok "a stalling sink starts" wait_for test -s "$tmp/stall.port"
IPP_SMTP_URL=smtp://127.0.0.1:$(cat "$tmp/stall.port")
printf '%s\n' "$PW" >"$tmp/pw"
ipp-register new --email carol@example.com --base mainland-china \
    --identity individual --category right-holder --agree --password-stdin \
    <"$tmp/pw" >"$tmp/carol.out" 2>"$tmp/carol.err" &
carol=$!
at_exit "kill -9 $carol 2>/dev/null"
ok "the sink has carol's message, unanswered" wait_for at_least 1 "$tmp/stall"
ipp-register new --email dan@example.com --base mainland-china \
    --identity individual --category right-holder --agree --password-stdin \
    <"$tmp/pw" >"$tmp/dan.out" 2>"$tmp/dan.err" &
dan=$!
at_exit "kill -9 $dan 2>/dev/null"
dan_committed() {
	[ "$(sql "SELECT count(*) FROM accounts
	    WHERE email = 'dan@example.com'")" -eq 1 ]
}
ok "dan's registration commits" wait_for dan_committed
kill -0 "$carol" 2>/dev/null && kill -0 "$dan" 2>/dev/null
is "$?" 0 "both runs are still delivering"
kill -9 "$carol" "$dan"
wait "$carol" 2>/dev/null
is "$?" 137 "carol's run is killed (SIGKILL)"
wait "$dan" 2>/dev/null
is "$?" 137 "dan's run is killed (SIGKILL)"
kill "$stall_pid"
wait "$stall_pid" 2>/dev/null

is "$(queued)" 2 "both messages are still queued in the store"
is "$(count "$outbox/new")" 2 "carol's is in the outbox (with alice's)"
is "$(mails_to dan@example.com)" "" "dan's is not"
try as handler ipp-register list --state unverified
like "$out" 'carol@example.com' "carol's account was committed"
like "$out" 'dan@example.com' "dan's account was committed"

# The next run delivers each message once into the outbox and sends
# both; carol's goes again, with the Message-ID the server already has.
IPP_SMTP_URL=smtp://127.0.0.1:$(cat "$tmp/good.port")
try ipp-register mail --deliver
succeeded "the next run delivers the queue"
is "$(queued)" 0 "nothing is left queued"
is "$(mails_to carol@example.com | wc -l)" 1 "carol's message is in the outbox once"
is "$(mails_to dan@example.com | wc -l)" 1 "dan's message is in the outbox once"
is "$(count "$outbox/tmp")" 0 "nothing is left half-written"
is "$(count "$tmp/good")" 3 "both reached the working sink"
stalled=$(ls "$tmp"/stall/*.eml)
resent=$(grep -l 'X-Envelope-To: carol@example.com' "$tmp"/good/*.eml)
like "$(message_id "$stalled")" '^<[0-9a-f]{64}@localhost>$' \
    "the stalled sink has carol's message and its Message-ID"
is "$(message_id "$resent")" "$(message_id "$stalled")" \
    "carol's message was sent again with the same Message-ID"
is "$(message_id "$(mails_to carol@example.com)")" "$(message_id "$stalled")" \
    "the outbox copy has that Message-ID too"
try ipp-register verify --email carol@example.com "$(code_for carol@example.com)"
succeeded "carol's code verifies"
try ipp-register verify --email dan@example.com "$(code_for dan@example.com)"
succeeded "dan's code verifies"
try ipp-register mail --deliver
succeeded "one more run"
is "$(count "$tmp/good")" 3 "sends nothing twice"

done_testing

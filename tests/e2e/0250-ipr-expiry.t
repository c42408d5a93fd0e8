#!/bin/sh
# The expiry watch (I7) under a fixed clock: `list --expiring DAYS` shows
# the verified rights that expire within DAYS, as cron runs it with an
# API token; once IPP_NOW passes the expiry date the right shows as
# `expired` in list, show and `list --state expired`.
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
like "$A_ID" '^[0-9]+$' "alice is identity-verified"
make_doc "$tmp/cert.pdf" 'certificate'
make_doc "$tmp/eval.pdf" 'evaluation report'

# API tokens: sessions last a day, the clock moves by weeks (A4).
A_TOKEN=$(as alice ipp-register token)
H_TOKEN=$(as handler ipp-register token)
like "$A_TOKEN" '^[0-9a-f]{64}$' "alice has an API token"

# cron_alice|cron_handler COMMAND...: COMMAND signed in by the token.
cron_alice() {
	IPP_TOKEN=$A_TOKEN "$@"
}
cron_handler() {
	IPP_TOKEN=$H_TOKEN "$@"
}

# trademark NUMBER EXPIRES: alice's CN trademark; prints its id.
trademark() {
	cron_alice ipp-ipr add --type trademark --name ACME --number "$1" \
	    --registrant 'Alice Li' --jurisdiction CN --expires "$2" --class 9 \
	    --brand Acme --certificate "$tmp/cert.pdf" | tsv_get ipr_id
}

# ids: the ipr_id column of the TSV on stdin, on one line.
ids() {
	tsv_column ipr_id | tr '\n' ' '
}

# Today is 2026-01-31.
is "$IPP_NOW" 2026-01-31T09:00:00Z "the clock starts on 2026-01-31"
T20=$(trademark TM-20 2026-02-20)
like "$T20" '^[0-9]+$' "a trademark expiring in 20 days"
T30=$(trademark TM-30 2026-03-02)
like "$T30" '^[0-9]+$' "one expiring in 30 days"
T31=$(trademark TM-31 2026-03-03)
like "$T31" '^[0-9]+$' "one expiring in 31 days"
T40=$(trademark TM-40 2026-03-12)
like "$T40" '^[0-9]+$' "one expiring in 40 days"
T0=$(trademark TM-0 2026-01-31)
like "$T0" '^[0-9]+$' "one expiring today is accepted: it has not expired yet"
try cron_handler ipp-ipr verify "$T20" "$T30" "$T31" "$T40" "$T0"
succeeded "the handler verifies the five"
PT=$(cron_alice ipp-ipr add --type patent --kind invention --number PT-10 \
    --jurisdiction CN --expires 2026-02-10 --certificate "$tmp/cert.pdf" \
    --evaluation-report "$tmp/eval.pdf" | tsv_get ipr_id)
like "$PT" '^[0-9]+$' "a patent expiring in 10 days, left pending"

# ---- --expiring DAYS ----
try cron_alice ipp-ipr list --expiring 30
succeeded "list --expiring 30"
is "$(printf '%s\n' "$out" | ids)" "$T20 $T30 $T0 " \
    "20 days and 30 days are listed, and today's; 31 and 40 days are not"
try cron_alice ipp-ipr list --expiring 45
is "$(printf '%s\n' "$out" | ids)" "$T20 $T30 $T31 $T40 $T0 " \
    "list --expiring 45 has all five verified trademarks"
unlike "$(printf '%s\n' "$out" | ids)" "(^| )$PT " \
    "a pending right is not in the expiry watch: it backs nothing yet (I7)"
try cron_alice ipp-ipr list --expiring 45 --type patent
is "$rc" 1 "no verified patent expires: exit 1"
try cron_handler ipp-ipr list --expiring 30
is "$(printf '%s\n' "$out" | ids)" "$T20 $T30 $T0 " \
    "the handler's watch covers every account"
try cron_alice ipp-ipr list --expiring 0
is "$rc" 2 "--expiring 0 is a usage error"
try cron_alice ipp-ipr list --expiring soon
is "$rc" 2 "--expiring soon is a usage error"
try cron_alice ipp-ipr list --state ended
refused 2 "no IPR state 'ended'" "--state ended is a usage error"

# ---- The last day, then the day after ----
now_set 2026-01-31T23:59:59Z
try cron_alice ipp-ipr list --state expired
is "$rc" 1 "until the day ends nothing has expired"
now_set 2026-02-01T00:00:00Z
try cron_alice ipp-ipr list --state expired
succeeded "the next day"
is "$(printf '%s\n' "$out" | ids)" "$T0 " "the right that expired yesterday is expired"

# ---- Past the expiry of the 20-day trademark ----
now_set 2026-02-20T12:00:00Z
try cron_alice ipp-ipr show "$T20"
is "$(printf '%s\n' "$out" | show_field state)" \
    verified "on its expiry date it is still verified"
now_set 2026-02-21T09:00:00Z
try cron_alice ipp-ipr list
succeeded "three weeks later"
is "$(printf '%s\n' "$out" | tsv_where ipr_id "$T20" | tsv_get state)" \
    expired "list shows the trademark as expired (I7)"
is "$(printf '%s\n' "$out" | tsv_where ipr_id "$T30" | tsv_get state)" \
    verified "the 30-day one is still verified"
is "$(printf '%s\n' "$out" | tsv_where ipr_id "$PT" | tsv_get state)" \
    expired "the pending patent shows as expired too"
try cron_alice ipp-ipr list --state expired
is "$(printf '%s\n' "$out" | ids)" "$T20 $T0 $PT " "list --state expired"
is "$(printf '%s\n' "$out" | tsv_column state | sort -u)" expired \
    "with state expired"
try cron_alice ipp-ipr list --state verified
is "$(printf '%s\n' "$out" | ids)" "$T30 $T31 $T40 " \
    "list --state verified leaves the expired out"
try cron_alice ipp-ipr show "$T20"
is "$(printf '%s\n' "$out" | show_field state)" \
    expired "show says expired"
try cron_alice ipp-ipr list --expiring 30
is "$(printf '%s\n' "$out" | ids)" "$T30 $T31 $T40 " \
    "the expired one leaves the watch; the others are now within 30 days"
is "$(sql "SELECT state FROM iprs WHERE ipr_id = $T20")" verified \
    "expiry is shown, not stored: the clock decides"

# ---- An expired right cannot be added (I7) ----
refuses 1 'expires: .*expired on 2026-02-20.*\(rule I7\)' \
    "adding a right that expired yesterday" \
    cron_alice ipp-ipr add --type trademark --name ACME --number TM-99 \
    --registrant 'Alice Li' --jurisdiction CN --expires 2026-02-20 --class 9 \
    --brand Acme --certificate "$tmp/cert.pdf"

done_testing

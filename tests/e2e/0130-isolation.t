#!/bin/sh
# One account cannot read or change another's records, and only a case
# handler can list, decide, change settings or add handlers; a batch
# approval decides each row on its own.
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(signup alice alice@example.com)
like "$A_ID" '^[0-9]+$' "alice signs up"
B_ID=$(signup bob bob@example.com)
like "$B_ID" '^[0-9]+$' "bob signs up"
C_ID=$(signup carol carol@example.com)
like "$C_ID" '^[0-9]+$' "carol signs up"
make_pdf "$tmp/id.pdf"
ok "alice submits her identity" \
    as alice ipp-register identity --name 'Alice Li' --doc "$tmp/id.pdf"
ok "carol submits hers" \
    as carol ipp-register identity --name 'Carol Wu' --doc "$tmp/id.pdf"

# ---- Accounts see their own records only ----
snapshot
try as bob ipp-register history "$A_ID"
refused 1 'no account' "bob reads alice's history"
is "$(printf '%s\n' "$out" | tsv_rows)" 0 "no row of alice's is printed"
try as bob ipp-register history
succeeded "bob reads his own history"
is "$(printf '%s\n' "$out" | tsv_column account_id | sort -u)" \
    "$B_ID" "bob's history has only bob's rows"
try as bob ipp-register history 999999
refused 1 'no account' "an account that does not exist looks the same"
try as bob ipp-register whoami
is "$(printf '%s\n' "$out" | tsv_rows)" 1 "whoami shows one row"
is "$(printf '%s\n' "$out" | tsv_get account_id)" "$B_ID" "and it is bob's"
unchanged "reading"

# ---- Handler commands refuse everyone else ----
try as bob ipp-register list
refused 5 'handler' "bob lists accounts"
is "$out" "" "list prints nothing"
try as bob ipp-register list --state identity-pending
refused 5 'handler' "bob lists pending accounts"
try as bob ipp-register approve "$A_ID"
refused 5 'handler' "bob approves alice"
try as bob ipp-register reject --reason 'no reason' "$A_ID"
refused 5 'handler' "bob rejects alice"
printf 'account_id\n%s\n' "$A_ID" >"$tmp/ids.tsv"
as bob ipp-register approve <"$tmp/ids.tsv" >"$tmp/out" 2>"$tmp/err"
is "$?" 5 "bob approves alice from TSV on stdin: exit 5"
try as bob ipp-register set code_ttl_minutes 60
refused 5 'handler' "bob changes a setting"
tryin "$PW" as bob ipp-register handler add --password-stdin mallory@example.com
refused 5 'handler' "bob adds a handler"
try as bob ipp-register approve "$B_ID"
refused 5 'handler' "bob approves himself"
try as nobody ipp-register list
refused 5 'sign' "list without a session"
try as nobody ipp-register history "$A_ID"
refused 5 'sign' "history without a session"
try env IPP_TOKEN=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef \
    HOME="$tmp/home-nobody" XDG_STATE_HOME="$tmp/state-nobody" \
    ipp-register whoami
refused 5 '' "a made-up IPP_TOKEN"
unchanged "non-handlers"
try as handler ipp-register list --state identity-pending
is "$(printf '%s\n' "$out" | tsv_rows)" 2 "alice and carol are still pending"

# ---- The handler's history view and settings ----
try as handler ipp-register history "$A_ID"
succeeded "the handler reads alice's history"
is "$(printf '%s\n' "$out" | tsv_column account_id | sort -u)" \
    "$A_ID" "only alice's rows"

# ---- A batch approval decides each row on its own ----
printf 'account_id\temail\n%s\talice@example.com\n%s\tbob@example.com\n%s\tcarol@example.com\n' \
    "$A_ID" "$B_ID" "$C_ID" >"$tmp/batch.tsv"
as handler ipp-register approve <"$tmp/batch.tsv" >"$tmp/out" 2>"$tmp/err"
is "$?" 1 "a batch with one account not pending exits 1"
out=$(cat "$tmp/out")
err=$(cat "$tmp/err")
like "$err" "account $B_ID is 'active', not identity-pending \\(rule A6\\)" \
    "the error names bob's row and the rule"
is "$(printf '%s\n' "$err" | grep -c .)" 1 "one error line"
is "$out" "$(printf 'account_id\tstate\n%s\tidentity-verified\n%s\tidentity-verified' \
    "$A_ID" "$C_ID")" "the other rows are approved and reported"
try as alice ipp-register whoami
is "$(printf '%s\n' "$out" | tsv_get state)" identity-verified "alice is verified"
try as carol ipp-register whoami
is "$(printf '%s\n' "$out" | tsv_get state)" identity-verified "carol is verified"
try as bob ipp-register whoami
is "$(printf '%s\n' "$out" | tsv_get state)" active "bob is unchanged"
try as handler ipp-register approve 999999
refused 1 'no account' "approving an account that does not exist"

# ---- A new handler can act; the accounts still cannot ----
tryin "$PW" as handler ipp-register handler add --password-stdin second@ipp.test
succeeded "the handler adds a handler"
ok "the second handler signs in" login_as second second@ipp.test
try as second ipp-register list
succeeded "the second handler lists accounts"
is "$(printf '%s\n' "$out" | tsv_where role account | tsv_rows)" 3 \
    "three accounts"

done_testing

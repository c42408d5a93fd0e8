#!/bin/sh
# The whole A1-A6 flow with codes read from the outbox: a handler opens the
# store, an account registers, verifies, signs in and submits its identity,
# the handler approves through a pipeline; a second account is rejected,
# resubmits and is approved; tokens, logout and passwd.
. "$(dirname "$0")/lib.sh"

H=cases@ipp.test
A=alice@example.com
B=Bob@Example.org
NEWPW='a much longer passphrase'

# approve_pending: the handler's pipeline, as a user would type it.
approve_pending() {
	ipp-register list --state identity-pending | ipp-register approve
}

# actions: the action column of `history` on stdin, one line.
actions() {
	tsv_column action | tr '\n' ' ' | sed 's/ $//'
}

# ---- A handler opens the store ----
tryin "$PW" ipp-register init --handler "$H" --password-stdin
succeeded "init creates the store with a case handler"
tryin "$PW" as handler ipp-register login --email "$H" --password-stdin
succeeded "the handler signs in"
try as handler ipp-register whoami
is "$(printf '%s\n' "$out" | tsv_get role)" handler "whoami shows the handler role"
H_ID=$(printf '%s\n' "$out" | tsv_get account_id)

# ---- A1: a new account, A3: its code from the outbox ----
tryin "$PW" ipp-register new --email "$A" --base mainland-china \
    --identity individual --category right-holder --agree --password-stdin
succeeded "new registers an account (A1)"
is "$(printf '%s\n' "$out" | head -1)" "$(printf 'account_id\temail\tstate')" \
    "new prints a TSV header"
is "$(printf '%s\n' "$out" | tsv_get state)" unverified "the new account is unverified"
A_ID=$(printf '%s\n' "$out" | tsv_get account_id)
like "$A_ID" '^[1-9][0-9]*$' "new prints the account id"
is "$(mails_to "$A" | wc -l)" 1 "one message to $A in the outbox"
code=$(code_for "$A")
like "$code" '^[0-9]{6}$' "the message carries a six-digit code (A3)"
unlike "$(dump)" "[',(]$code[',)]" \
    "the store does not hold the code in clear (A3)"

try ipp-register verify --email "$A" "$code"
succeeded "verify accepts the code from the outbox"
try ipp-register verify --email "$A" "$code"
is "$rc" 1 "the code is single use (A3)"

tryin "$PW" as alice ipp-register login --email "$A" --password-stdin
succeeded "the verified account signs in"
try as alice ipp-register whoami
succeeded "whoami works with the session"
is "$(printf '%s\n' "$out" | head -1)" "$(printf 'account_id\temail\tcontact_email\trole\tbase\tidentity\tcategory\trights_org\tstate\towner_name\tidentity_doc\tidentity_reason\tcreated_at\tupdated_at')" \
    "whoami prints the documented columns"
is "$(printf '%s\n' "$out" | tsv_get state)" active "whoami: state active (A6)"
is "$(printf '%s\n' "$out" | tsv_get account_id)" "$A_ID" "whoami: the same account id"
is "$(printf '%s\n' "$out" | tsv_get contact_email)" "$A" \
    "the contact email defaults to the login email (A1)"
is "$(printf '%s\n' "$out" | tsv_get owner_name)" '\N' "no owner name yet"

# ---- A5: identity with a PDF ----
make_pdf "$tmp/alice-id.pdf"
try as alice ipp-register identity --name 'Alice Li' --doc "$tmp/alice-id.pdf"
succeeded "identity accepts a PDF (A5, D2)"
try as alice ipp-register whoami
is "$(printf '%s\n' "$out" | tsv_get state)" identity-pending "state identity-pending (A6)"
is "$(printf '%s\n' "$out" | tsv_get owner_name)" 'Alice Li' "the owner's name is recorded"
sha=$(sha256sum "$tmp/alice-id.pdf" | cut -d ' ' -f 1)
is "$(printf '%s\n' "$out" | tsv_get identity_doc)" "$sha" \
    "the document is named by its SHA-256 (D1)"
ok "the document is stored by content under docs/ (D1)" \
    doc_stored "$tmp/alice-id.pdf" "$sha"

# ---- The handler approves through the pipeline ----
try as handler ipp-register list --state identity-pending
succeeded "the handler lists identity-pending accounts"
is "$(printf '%s\n' "$out" | tsv_rows)" 1 "one account is pending"
is "$(printf '%s\n' "$out" | tsv_get account_id)" "$A_ID" "it is alice's"
try as handler approve_pending
succeeded "list --state identity-pending | approve"
is "$out" "$(printf 'account_id\tstate\n%s\tidentity-verified' "$A_ID")" \
    "approve reports each row"
try as alice ipp-register whoami
is "$(printf '%s\n' "$out" | tsv_get state)" identity-verified \
    "whoami: identity-verified (A6)"
try as handler ipp-register list --state identity-pending
is "$rc" 1 "nothing pending any more: list exits 1"
like "$(cat "$(mails_to "$A" | head -1)")" 'verified' "alice is told by mail"

# ---- A second account: rejected with a reason, resubmits, approved ----
tryin "$PW" ipp-register new --email "$B" --base hong-kong \
    --identity enterprise --category agent --contact-email legal@example.org \
    --agree --password-stdin
succeeded "a second account registers (enterprise agent)"
B_ID=$(printf '%s\n' "$out" | tsv_get account_id)
try ipp-register verify --email bob@example.org "$(code_for "$B")"
succeeded "verify finds the login email in any case (A1)"
tryin "$PW" as bob ipp-register login --email "$B" --password-stdin
succeeded "bob signs in"
make_png "$tmp/bob-reg.png"
try as bob ipp-register identity --name 'Bob Trading Ltd' --doc "$tmp/bob-reg.png"
succeeded "identity accepts a PNG"
reason='the name does not match the registration document'
try as handler ipp-register reject --reason "$reason" "$B_ID"
succeeded "the handler rejects with a reason (A5)"
is "$out" "$(printf 'account_id\tstate\n%s\tidentity-rejected' "$B_ID")" \
    "reject reports the row"
try as bob ipp-register whoami
is "$(printf '%s\n' "$out" | tsv_get state)" identity-rejected "state identity-rejected"
is "$(printf '%s\n' "$out" | tsv_get identity_reason)" "$reason" "the reason is shown"
like "$(cat "$(mails_to legal@example.org | head -1)")" "Reason: $reason" \
    "the rejection and its reason go to the contact email"
make_pdf "$tmp/bob-reg.pdf"
try as bob ipp-register identity --name 'Bob Trading Limited' --doc "$tmp/bob-reg.pdf"
succeeded "a rejected identity can be resubmitted (A5)"
try as bob ipp-register whoami
is "$(printf '%s\n' "$out" | tsv_get state)" identity-pending "pending again"
is "$(printf '%s\n' "$out" | tsv_get identity_reason)" '\N' "the old reason is cleared"
try as handler ipp-register approve "$B_ID"
succeeded "the handler approves by id"
try as bob ipp-register whoami
is "$(printf '%s\n' "$out" | tsv_get state)" identity-verified "bob is identity-verified"

# ---- History ----
try as bob ipp-register history
succeeded "history of one's own account"
is "$(printf '%s\n' "$out" | actions)" \
    "registered email-confirmed identity-submitted identity-rejected identity-submitted identity-verified" \
    "every step of bob's account is in its history"
rejection=$(printf '%s\n' "$out" | tsv_where action identity-rejected)
is "$(printf '%s\n' "$rejection" | tsv_get actor_id)" "$H_ID" \
    "the rejection names the handler"
is "$(printf '%s\n' "$rejection" | tsv_get detail)" "$reason" \
    "and the reason"
is "$(printf '%s\n' "$out" | tsv_column account_id | sort -u)" "$B_ID" \
    "only bob's rows"
try as handler ipp-register history "$A_ID"
is "$(printf '%s\n' "$out" | actions)" \
    "registered email-confirmed identity-submitted identity-verified" \
    "the handler reads alice's history"

# ---- A4: a long-lived token for cron jobs ----
try as alice ipp-register token
succeeded "token prints a token"
token=$out
like "$token" '^[0-9a-f]{64}$' "the token is 32 bytes in hex"
try as nobody ipp-register whoami
is "$rc" 5 "without a session whoami exits 5"
try env IPP_TOKEN="$token" HOME="$tmp/home-nobody" \
    XDG_STATE_HOME="$tmp/state-nobody" ipp-register whoami
succeeded "IPP_TOKEN authenticates without the session file"
is "$(printf '%s\n' "$out" | tsv_get email)" "$A" "IPP_TOKEN is alice's"
unlike "$(dump)" "$token" "the store does not hold the token in clear (A4)"

# ---- logout ends the session ----
try as alice ipp-register logout
succeeded "logout"
try as alice ipp-register whoami
is "$rc" 5 "whoami after logout exits 5"
like "$err" 'sign|session' "whoami after logout says why"

# ---- passwd ----
tryin "$PW" as alice ipp-register login --email "$A" --password-stdin
succeeded "alice signs in again"
tryin "$(printf '%s\n%s' "$PW" "$NEWPW")" as alice ipp-register passwd \
    --password-stdin
succeeded "passwd changes the password"
tryin "$PW" as alice ipp-register login --email "$A" --password-stdin
is "$rc" 5 "the old password no longer signs in"
tryin "$NEWPW" as alice ipp-register login --email "$A" --password-stdin
succeeded "the new password signs in"

# ---- A4: a session lasts session_hours (24); an API token does not end ----
now_add 86399
try as alice ipp-register whoami
succeeded "the session still works after 23:59:59"
now_add 2
try as alice ipp-register whoami
refused 5 'expired' "a session 24 hours and a second old"
like "$err" 'login' "the message says to sign in again"
try env IPP_TOKEN="$token" HOME="$tmp/home-nobody" \
    XDG_STATE_HOME="$tmp/state-nobody" ipp-register whoami
succeeded "the API token still works a day later"

done_testing

#!/bin/sh
# The case handler's side of I7: the queue of pending IPRs of every
# account, oldest first; `ipp-ipr queue | ipp-ipr verify`; fail with a
# reason; each decision mailed to the account's contact email; the
# failures count and rows; a failed IPR edited and resubmitted, a
# verified one not editable; and none of it open to an account.
. "$(dirname "$0")/lib.sh"

A=alice@example.com
A_MAIL=legal@alice.example
B=bob@example.org

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice "$A" 'Alice Li' --base mainland-china \
    --identity individual --category right-holder --contact-email "$A_MAIL" \
    --agree)
like "$A_ID" '^[0-9]+$' "alice is identity-verified, her mail going to $A_MAIL"
B_ID=$(verified_account bob "$B" 'Bob Wu')
like "$B_ID" '^[0-9]+$' "bob is identity-verified"

d=$tmp/papers
mkdir -p "$d"
make_doc "$d/cert.pdf" 'certificate'
make_doc "$d/cert-clear.pdf" 'certificate, a legible scan'
make_jpeg "$d/statement.jpg"

# subjects EMAIL: the Subject: lines of the mail to EMAIL, sorted.
subjects() {
	mails_to "$1" | while IFS= read -r _sb_file; do
		tr -d '\r' <"$_sb_file" | sed -n 's/^Subject: //p' | head -1
	done | sort
}

# mail_about EMAIL ERE: the body of the one message to EMAIL whose
# subject matches ERE.
mail_about() {
	mails_to "$1" | while IFS= read -r _ma_file; do
		if tr -d '\r' <"$_ma_file" | grep -Eq "^Subject: $2"; then
			tr -d '\r' <"$_ma_file"
		fi
	done
}

# actions ID: the actions of an IPR's history, as `show` gives them.
actions() {
	as "$1" ipp-ipr show "$2" |
	    awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
		$c["field"] ~ /^event\./ { split($c["value"], w, " ")
		    printf "%s%s", s, w[2]; s = " " }'
}

# ---- Three IPRs of two accounts, a minute apart ----
try as alice ipp-ipr add --type trademark --name ACME --number TM-1 \
    --registrant 'Alice Li' --jurisdiction CN --expires 2030-06-30 --class 9 \
    --brand Acme --certificate "$d/cert.pdf"
succeeded "alice adds a trademark"
TM=$(printf '%s\n' "$out" | tsv_get ipr_id)
now_add 60
try as bob ipp-ipr add --type copyright --unregistered --name Photos \
    --statement "$d/statement.jpg"
succeeded "bob adds an unregistered copyright"
BC=$(printf '%s\n' "$out" | tsv_get ipr_id)
now_add 60
try as alice ipp-ipr add --type copyright --name Catalogue --number CR-1 \
    --jurisdiction HK --certificate "$d/cert.pdf"
succeeded "alice adds a registered copyright"
CR=$(printf '%s\n' "$out" | tsv_get ipr_id)

# ---- Only a case handler queues and decides ----
refuses 5 'handler' "an account cannot see the queue" as alice ipp-ipr queue
is "$out" '' "nothing of the queue is printed"
refuses 5 'handler' "an account cannot verify, not even its own IPR" \
    as alice ipp-ipr verify "$TM"
refuses 5 'handler' "an account cannot fail an IPR" \
    as bob ipp-ipr fail --reason 'spite' "$TM"
refuses 5 'handler' "nor verify from a pipeline" \
    as alice sh -c 'ipp-ipr list | ipp-ipr verify'

# ---- The queue ----
try as handler ipp-ipr queue
succeeded "the handler's queue"
is "$(printf '%s\n' "$out" | tsv_column ipr_id | tr '\n' ' ')" "$TM $BC $CR " \
    "every account's pending IPRs, oldest first"
is "$(printf '%s\n' "$out" | tsv_column account_id | sort -u | tr '\n' ' ')" \
    "$A_ID $B_ID " "of both accounts"
is "$(printf '%s\n' "$out" | tsv_column state | sort -u)" pending "all pending"

# ---- fail, with a reason ----
REASON='the certificate is illegible'
refuses 2 'reason.*\(rule I7\)' "fail without --reason" \
    as handler ipp-ipr fail "$TM"
try as handler ipp-ipr fail --reason "$REASON" "$TM"
succeeded "the handler fails alice's trademark with a reason (I7)"
is "$out" "$(printf 'ipr_id\tstate\n%s\tfailed' "$TM")" "fail reports the row"
try as alice ipp-ipr show "$TM"
is "$(printf '%s\n' "$out" | show_field state)" \
    failed "the trademark is failed"
is "$(printf '%s\n' "$out" | show_field fail_reason)" \
    "$REASON" "with the handler's reason"
body=$(mail_about "$A_MAIL" "IPR $TM failed verification")
like "$body" "^To: $A_MAIL" "the failure is mailed to alice's contact email"
like "$body" "Reason: $REASON" "the mail gives the reason"
like "$body" "ipp-ipr resubmit $TM" "and says how to resubmit"
is "$(subjects "$A" | grep -c '^IPR ')" 0 \
    "nothing about IPRs goes to the login email"

# ---- queue | verify ----
try as handler sh -c 'ipp-ipr queue | ipp-ipr verify'
succeeded "ipp-ipr queue | ipp-ipr verify"
is "$out" "$(printf 'ipr_id\tstate\n%s\tverified\n%s\tverified' "$BC" "$CR")" \
    "the two pending IPRs are verified, one row each"
like "$(mail_about "$B" "IPR $BC verified")" "was verified" \
    "bob is told by mail"
like "$(mail_about "$A_MAIL" "IPR $CR verified")" "was verified" \
    "alice is told at her contact email"
is "$(subjects "$A_MAIL" | grep -c '^IPR ')" 2 "alice has two decisions by mail"
try as handler ipp-ipr queue
is "$rc" 1 "the queue is empty: exit 1"
is "$(printf '%s\n' "$out" | tsv_rows)" 0 "only the header row"
refuses 1 "IPR $CR is verified, not pending \(rule I7\)" \
    "a verified IPR is not verified twice" as handler ipp-ipr verify "$CR"
refuses 1 "IPR $CR is verified, not pending \(rule I7\)" \
    "nor failed after the fact" as handler ipp-ipr fail --reason x "$CR"
refuses 1 'no IPR 999' "an IPR that does not exist" \
    as handler ipp-ipr verify 999

# ---- failures ----
try as alice ipp-ipr failures
succeeded "alice lists her failures"
is "$(printf '%s\n' "$out" | tsv_column ipr_id)" "$TM" "one row: the trademark"
is "$(printf '%s\n' "$out" | tsv_get failures)" 1 "failed once"
is "$err" 'ipp-ipr: 1 IPR verification failures; 1 IPRs failed now (rule I7)' \
    "the count on standard error (I7)"
try as bob ipp-ipr failures
is "$rc" 1 "bob has none: exit 1"
is "$err" 'ipp-ipr: 0 IPR verification failures; 0 IPRs failed now (rule I7)' \
    "bob's count is zero"
try as alice ipp-ipr list --state failed
is "$(printf '%s\n' "$out" | tsv_column ipr_id)" "$TM" "list --state failed"

# ---- edit: a verified IPR no, a failed one yes ----
refuses 1 "IPR $CR is verified: only a pending or failed IPR can be edited \(rule I7\)" \
    "a verified IPR cannot be edited" \
    as alice ipp-ipr edit --name 'Catalogue 2026' "$CR"
refuses 1 'classes: .*\(rule I2\)' "an edit is checked like an add" \
    as alice ipp-ipr edit --class 46 "$TM"
refuses 1 'number: required for a trademark \(rule I2\)' \
    "a required field cannot be blanked" \
    as alice ipp-ipr edit --number ' ' "$TM"
refuses 1 'kind: a trademark has no kind \(rule I2\)' \
    "the edited record is checked whole" \
    as alice ipp-ipr edit --kind design "$TM"
refuses 2 'type.*\(rule I1\)' "the type cannot change" \
    as alice ipp-ipr edit --type patent "$TM"
try as alice ipp-ipr edit --certificate "$d/cert-clear.pdf" \
    --expires 2031-06-30 "$TM"
succeeded "alice edits her failed trademark"
is "$(printf '%s\n' "$out" | tsv_get expires)" 2031-06-30 \
    "edit prints the record with the new expiry"
is "$(printf '%s\n' "$out" | tsv_get state)" failed \
    "it stays failed until resubmitted"
is "$(printf '%s\n' "$out" | tsv_get name)" ACME "the other fields stay"
try as alice ipp-ipr show "$TM"
is "$(printf '%s\n' "$out" | show_field document.certificate)" \
    "$(sha "$d/cert-clear.pdf") cert-clear.pdf" "the certificate is replaced"

# ---- resubmit ----
try as alice ipp-ipr resubmit "$TM"
succeeded "alice resubmits it"
is "$out" "$(printf 'ipr_id\tstate\n%s\tpending' "$TM")" "resubmit reports the row"
refuses 1 "IPR $TM is pending, not failed \(rule I7\)" \
    "a pending IPR is not resubmitted" as alice ipp-ipr resubmit "$TM"
try as handler ipp-ipr queue
is "$(printf '%s\n' "$out" | tsv_column ipr_id)" "$TM" "it is back in the queue"
try as handler ipp-ipr fail --reason 'still illegible' "$TM"
succeeded "the handler fails it again"
try as alice ipp-ipr failures
is "$err" 'ipp-ipr: 2 IPR verification failures; 1 IPRs failed now (rule I7)' \
    "two failures counted, one IPR failed now"
is "$(printf '%s\n' "$out" | tsv_get failures)" 2 "the row says twice"
try as alice sh -c 'ipp-ipr failures 2>/dev/null | ipp-ipr resubmit'
succeeded "ipp-ipr failures | ipp-ipr resubmit"
is "$out" "$(printf 'ipr_id\tstate\n%s\tpending' "$TM")" "the failed row is resubmitted"
try as handler sh -c 'ipp-ipr queue | ipp-ipr verify'
succeeded "the handler verifies it"
try as alice ipp-ipr failures
is "$rc" 1 "no IPR is failed now: exit 1"
is "$err" 'ipp-ipr: 2 IPR verification failures; 0 IPRs failed now (rule I7)' \
    "the failures stay counted (I7)"
try as handler ipp-ipr failures
is "$err" 'ipp-ipr: 2 IPR verification failures; 0 IPRs failed now (rule I7)' \
    "the handler's count covers every account"
is "$(actions alice "$TM")" \
    "submitted failed edited pending failed pending verified" \
    "the history has every step"
refuses 1 "IPR $TM is verified: only a pending or failed IPR can be edited \(rule I7\)" \
    "once verified it cannot be edited" \
    as alice ipp-ipr edit --brand Other "$TM"

# ---- A handler reads any IPR but files none ----
try as handler ipp-ipr show "$TM"
succeeded "the handler shows alice's IPR"
try as handler ipp-ipr list
is "$(printf '%s\n' "$out" | tsv_rows)" 3 "the handler lists every account's IPRs"
refuses 1 'case handler' "a case handler adds no IPR of its own" \
    as handler ipp-ipr add --type copyright --unregistered \
    --statement "$d/statement.jpg"

done_testing

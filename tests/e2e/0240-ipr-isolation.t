#!/bin/sh
# An account's IPRs are its own: another account cannot list, show,
# edit or resubmit them, by id or by label, and cannot tell them from
# IPRs that do not exist; labels and numbers are unique per account only
# (I8).  A case handler sees every account's.
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
like "$A_ID" '^[0-9]+$' "alice is identity-verified"
B_ID=$(verified_account bob bob@example.com 'Bob Wu')
like "$B_ID" '^[0-9]+$' "bob is identity-verified"

d=$tmp/papers
mkdir -p "$d"
make_doc "$d/cert.pdf" 'certificate'
make_doc "$d/other.pdf" 'another certificate'

# trademark USER OWNER LABEL: USER adds the same CN trademark labelled
# LABEL, registered to OWNER; prints its id.
trademark() {
	as "$1" ipp-ipr add --type trademark --name ACME --number TM-1 \
	    --registrant "$2" --jurisdiction CN --expires 2030-06-30 --class 9 \
	    --brand Acme --certificate "$d/cert.pdf" --label "$3" |
	    tsv_get ipr_id
}

A_TM=$(trademark alice 'Alice Li' acme)
like "$A_TM" '^[0-9]+$' "alice adds a trademark labelled acme"
A_CR=$(as alice ipp-ipr add --type copyright --number CR-1 --jurisdiction HK \
    --certificate "$d/cert.pdf" --label alice-only | tsv_get ipr_id)
like "$A_CR" '^[0-9]+$' "and a copyright labelled alice-only"
B_TM=$(trademark bob 'Bob Wu' acme)
like "$B_TM" '^[0-9]+$' \
    "bob adds the same number under the same label: both are per account (I8)"
try as handler ipp-ipr fail --reason 'illegible' "$A_CR"
succeeded "the handler fails alice's copyright"

# ---- list ----
try as bob ipp-ipr list
succeeded "bob lists his IPRs"
is "$(printf '%s\n' "$out" | tsv_column ipr_id)" "$B_TM" "only his own"
try as bob ipp-ipr list --state failed
is "$rc" 1 "bob has no failed IPR: exit 1"
is "$(printf '%s\n' "$out" | tsv_rows)" 0 "alice's failed copyright is not shown"
try as bob ipp-ipr failures
is "$(printf '%s\n' "$out" | tsv_rows)" 0 "bob's failures have no row of alice's"
is "$err" 'ipp-ipr: 0 IPR verification failures; 0 IPRs failed now (rule I7)' \
    "nor count her failure"
try as bob ipp-ipr list --type copyright
is "$rc" 1 "bob has no copyright"
try as alice ipp-ipr list
is "$(printf '%s\n' "$out" | tsv_column ipr_id | tr '\n' ' ')" "$A_TM $A_CR " \
    "alice lists only hers"

# ---- show, by id and by label ----
refuses 1 "^ipp-ipr: no IPR $A_TM\$" "bob shows alice's trademark by id" \
    as bob ipp-ipr show "$A_TM"
unlike "$out" 'Alice|acme|TM-1' "nothing of it is printed"
try as bob ipp-ipr show 999
refused 1 '^ipp-ipr: no IPR 999$' "an IPR that does not exist looks the same"
refuses 1 "^ipp-ipr: no IPR labelled 'alice-only' \(rule I8\)\$" \
    "bob shows alice's copyright by its label" \
    as bob ipp-ipr show alice-only
try as bob ipp-ipr show acme
succeeded "bob's label acme is his own trademark"
is "$(printf '%s\n' "$out" | show_field ipr_id)" \
    "$B_TM" "not alice's of the same label"
try as alice ipp-ipr show acme
is "$(printf '%s\n' "$out" | show_field ipr_id)" \
    "$A_TM" "and alice's acme is hers"

# ---- edit and resubmit ----
refuses 1 "^ipp-ipr: no IPR $A_TM\$" "bob edits alice's trademark" \
    as bob ipp-ipr edit --brand Stolen "$A_TM"
refuses 1 "^ipp-ipr: no IPR $A_CR\$" "bob edits alice's failed copyright" \
    as bob ipp-ipr edit --certificate "$d/other.pdf" "$A_CR"
refuses 1 "^ipp-ipr: no IPR labelled 'alice-only' \(rule I8\)\$" \
    "bob edits it by label" as bob ipp-ipr edit --number CR-2 alice-only
refuses 1 "^ipp-ipr: no IPR $A_CR\$" "bob resubmits alice's failed copyright" \
    as bob ipp-ipr resubmit "$A_CR"
snapshot
try as bob sh -c "printf 'ipr_id\n%s\n' $A_CR | ipp-ipr resubmit"
refused 1 "^ipp-ipr: no IPR $A_CR\$" "nor from standard input"
unchanged "bob resubmits from standard input"
try as alice ipp-ipr edit --certificate "$d/other.pdf" alice-only
succeeded "alice edits her own by label"
try as alice ipp-ipr resubmit "$A_CR"
succeeded "and resubmits it"

# ---- the handler sees every account ----
try as handler ipp-ipr list
is "$(printf '%s\n' "$out" | tsv_column account_id | tr '\n' ' ')" \
    "$A_ID $A_ID $B_ID " "the handler lists both accounts' IPRs"
try as handler ipp-ipr show "$A_TM"
succeeded "the handler shows alice's trademark by id"

done_testing

#!/bin/sh
# Two answers every tool gives the same way, decided once in lib/:
# a listing that matches nothing writes its header and exits 1 without a
# word (ipp_store_write_matches), and a rejection or a failed
# verification without a reason is a usage error naming its rule, before
# anything is read or written (ipp_account_check_decision, A5;
# ipp_ipr_check_decision, I7).
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(signup alice alice@example.com)
like "$A_ID" '^[0-9]+$' "alice has an account"

# nothing_matched DESC COMMAND...: exit 1, the header only, no message.
nothing_matched() {
	_nm_desc=$1
	shift
	try "$@"
	is "$rc" 1 "$_nm_desc: exit 1"
	is "$(printf '%s\n' "$out" | tsv_rows)" 0 "$_nm_desc: no rows"
	like "$(printf '%s\n' "$out" | head -1)" '^[a-z_]+	' \
	    "$_nm_desc: the header is written"
	is "$err" '' "$_nm_desc: nothing on stderr"
}

nothing_matched "ipp-register list, no rejected account" \
    as handler ipp-register list --state identity-rejected
nothing_matched "ipp-ipr list, no IPR" as alice ipp-ipr list
nothing_matched "ipp-ipr queue, empty" as handler ipp-ipr queue
nothing_matched "ipp-complain list, no complaint" as alice ipp-complain list
nothing_matched "ipp-complain urls, no URL" as alice ipp-complain urls
nothing_matched "ipp-complain urls of no complaint" \
    as alice ipp-complain urls --complaint 99

# show names one record: an unknown one is a refusal that names it (H4).
try as alice ipp-complain show 99
is "$rc" 1 "ipp-complain show of no complaint: exit 1"
like "$err" "99" "ipp-complain show of no complaint: the message names it"

# A listing that matched is exit 0.
try as handler ipp-register list
succeeded "ipp-register list with accounts: exit 0"

# ---- a rejection needs a reason ----
make_doc "$tmp/id.pdf" 'identity of Alice'
ok "alice gives her identity" as alice ipp-register identity \
    --name 'Alice Li' --doc "$tmp/id.pdf"
refuses 2 '^ipp-register: a rejection needs a reason \(rule A5\)$' \
    "reject without --reason" as handler ipp-register reject "$A_ID"
refuses 2 'a rejection needs a reason \(rule A5\)' \
    "reject with an empty reason" \
    as handler ipp-register reject --reason '' "$A_ID"
refuses 2 'a rejection needs a reason \(rule A5\)' \
    "reject without a reason, ids on stdin: refused before reading them" \
    as handler sh -c 'ipp-register list | ipp-register reject'
refuses 2 '^ipp-ipr: a failed verification needs a reason \(rule I7\)$' \
    "fail without --reason" as handler ipp-ipr fail 1
refuses 2 'needs a reason \(rule I7\)' "fail with an empty reason" \
    as handler ipp-ipr fail --reason '' 1

done_testing

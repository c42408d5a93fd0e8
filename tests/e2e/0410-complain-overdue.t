#!/bin/sh
# Overdue URLs (H2) around the exact target time (C10) under IPP_NOW:
# not overdue at the target second, overdue one second after, for the
# overdue command and queue --overdue alike; decided URLs leave the
# list.  Abusive marks (H3): kept as records beside the complaint, one
# mark at a time, a revoke only of a mark, both with a reason.
. "$(dirname "$0")/lib.sh"

now_set 2026-03-02T01:00:00Z
ok "init and the handler's sign-in" init_store cases@ipp.test
# The clock moves by days here: sessions that last a year (A4).
ok "session_hours 8760" as handler ipp-register set session_hours 8760
ok "the handler signs in again" login_as handler cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
CN=$(trademark_ipr alice CN TM-CN-1)
like "$CN" '^[0-9]+$' "alice has a verified CN trademark"
SUP='The listing sells shoes under our registered ACME mark.'
file() {
	_fl_reason=$1
	shift
	as alice ipp-complain new --platform taobao --ipr "$CN" \
	    --target listing --reason "$_fl_reason" --supplement "$SUP" \
	    --no-check "$@" 2>/dev/null | tsv_get complaint_id
}
HI=$(file tm-counterfeit-goods $(listing_urls taobao 10 2))
LO=$(file tm-mark-in-text $(listing_urls taobao 20 1))
like "$HI $LO" '^[0-9]+ [0-9]+$' "a counterfeit and a normal complaint"

# ---- around the target time ----
try as handler ipp-complain overdue
is "$rc" 1 "nothing is overdue at filing: exit 1"
is "$(printf '%s\n' "$out" | tsv_rows)" 0 "no rows"
now_set 2026-03-03T01:00:00Z
try as handler ipp-complain overdue
is "$rc" 1 "at the exact target time (24 h) nothing is overdue yet"
try as handler ipp-complain queue --overdue
is "$rc" 1 "queue --overdue agrees"
now_set 2026-03-03T01:00:01Z
try as handler ipp-complain overdue
succeeded "one second later the counterfeit URLs are overdue"
is "$(printf '%s\n' "$out" | tsv_column complaint_id | uniq)" "$HI" \
    "both of its URLs, not the normal complaint's"
is "$(printf '%s\n' "$out" | tsv_get due_at)" 2026-03-03T01:00:00Z \
    "the target time is shown"
try as handler ipp-complain queue --overdue
is "$(printf '%s\n' "$out" | tsv_rows)" 2 "queue --overdue lists the same two"
try as handler ipp-complain queue
is "$(printf '%s\n' "$out" | tsv_rows)" 3 "queue lists all three"
now_set 2026-03-05T01:00:01Z
try as handler ipp-complain overdue
is "$(printf '%s\n' "$out" | tsv_rows)" 3 "72 hours and a second: all three"
U=$(printf '%s\n' "$out" | tsv_get url_id)
try as handler ipp-complain accept "$U"
succeeded "an overdue URL accepted"
try as handler ipp-complain overdue
is "$(printf '%s\n' "$out" | tsv_rows)" 2 "leaves the overdue list"
try as handler ipp-complain overdue --platform tmall
is "$rc" 1 "overdue --platform tmall: none"
try as alice ipp-complain overdue
refused 5 'only a case handler' "overdue is for handlers"

# ---- abusive marks (H3) ----
try as handler ipp-complain abusive --reason 'Filed against our own store.' "$LO"
succeeded "a handler marks a complaint abusive"
is "$(printf '%s\n' "$out" | head -1)" \
    "$(printf 'complaint_id\tmark_id\taction\treason\tat')" "abusive's columns"
is "$(printf '%s\n' "$out" | tsv_get action)" mark "a mark"
refuses 1 "complaint $LO is marked abusive already \\(rule H3\\)" \
    "a second mark" as handler ipp-complain abusive --reason 'again' "$LO"
refuses 1 "complaint $HI has no abusive mark to revoke \\(rule H3\\)" \
    "a revoke of no mark" as handler ipp-complain abusive --revoke \
    --reason 'mistake' "$HI"
refuses 2 'abusive needs --reason' "a mark without a reason" \
    as handler ipp-complain abusive "$LO"
refuses 1 'no complaint 999' "an unknown complaint" \
    as handler ipp-complain abusive --reason 'x' 999
refuses 5 'only a case handler' "an account cannot mark" \
    as alice ipp-complain abusive --reason 'x' "$HI"
now_add 3600
try as handler ipp-complain abusive --revoke --reason 'The store was not ours after all.' "$LO"
succeeded "the mark is revoked with a reason"
is "$(printf '%s\n' "$out" | tsv_get action)" revoke "a revoke"
is "$(sql "SELECT group_concat(action || ' ' || at, '|') FROM
    (SELECT * FROM complaint_marks WHERE complaint_id = $LO ORDER BY mark_id)
    AS m")" \
    "mark 2026-03-05T01:00:01Z|revoke 2026-03-05T02:00:01Z" \
    "both are kept, beside the complaint"
is "$(sql "SELECT count(*) FROM complaints WHERE complaint_id = $LO")" 1 \
    "the complaint itself is unchanged (C8)"

done_testing

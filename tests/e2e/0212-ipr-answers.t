#!/bin/sh
# I3's three questions, answered and stored with the IPR: renewed?
# assigned? altered?  Each answer is yes or no, set by add, edit
# (--was-renewed yes|no ...) and import (was_renewed ... columns), shown
# by list and show; a yes needs its document, and giving the document
# says yes.  A recorded assignment to the owner stands for the
# authorisation a right holder needs when the registrant is someone
# else; an agent needs the authorisation all the same.
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
like "$A_ID" '^[0-9]+$' "alice is identity-verified"
d=$tmp/papers
mkdir -p "$d"
for p in cert renewal deed alteration authorisation; do
	make_doc "$d/$p.pdf" "$p"
done

# field NAME: the value of NAME in `show` output (on stdin).
field() {
	awk -F '\t' -v f="$1" 'NR > 1 && $1 == f { print $2; n++ }
	    END { exit !n }'
}
# tm_add USER NUMBER REGISTRANT [OPTIONS]: a CN trademark.
tm_add() {
	_ta_user=$1
	_ta_number=$2
	_ta_registrant=$3
	shift 3
	as "$_ta_user" ipp-ipr add --type trademark --name ACME \
	    --number "$_ta_number" --registrant "$_ta_registrant" \
	    --jurisdiction CN --expires 2030-06-30 --class 25 --brand Acme \
	    --certificate "$d/cert.pdf" "$@"
}
answers() {
	printf '%s\n' "$1" | awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++)
	    c[$i] = i } NR == 2 { print $c["was_renewed"] " " \
	    $c["was_assigned"] " " $c["was_altered"] }'
}

# ---- the answers default to no, a document says yes ----
try tm_add alice TM-1 'Alice Li'
succeeded "a trademark without any I3 document"
T1=$(printf '%s\n' "$out" | tsv_get ipr_id)
is "$(answers "$out")" "no no no" "add prints the three answers: no, no, no"
try tm_add alice TM-2 'Alice Li' --renewed "$d/renewal.pdf" \
    --was-altered no
succeeded "renewed, with its document; altered: no"
T2=$(printf '%s\n' "$out" | tsv_get ipr_id)
is "$(answers "$out")" "yes no no" "a document given says yes (I3)"
try as alice ipp-ipr show "$T2"
is "$(printf '%s\n' "$out" | field was_renewed)" yes "show: was_renewed yes"
is "$(printf '%s\n' "$out" | field was_altered)" no "show: was_altered no"
is "$(printf '%s\n' "$out" | field document.renewed)" \
    "$(sha "$d/renewal.pdf") renewal.pdf" "show: and the renewal document"
try as alice ipp-ipr list
is "$(printf '%s\n' "$out" | tsv_column was_renewed | tr '\n' ' ')" "no yes " \
    "list: the was_renewed column"
is "$(sql "SELECT was_renewed || was_assigned || was_altered FROM iprs
    WHERE ipr_id = $T2")" yesnono "stored with the IPR"

# ---- a yes needs its document; a no has none ----
refuses 1 '^ipp-ipr: was_renewed: yes needs the renewed document \(rule I3\)$' \
    "renewed: yes without the renewal" \
    tm_add alice TM-3 'Alice Li' --was-renewed yes
refuses 1 '^ipp-ipr: was_altered: no, yet the altered document is given: a document says yes \(rule I3\)$' \
    "altered: no with an alteration document" \
    tm_add alice TM-3 'Alice Li' --was-altered no --altered "$d/alteration.pdf"
refuses 1 "^ipp-ipr: was_assigned: 'maybe' is not yes or no \\(rule I3\\)$" \
    "an answer that is neither" \
    tm_add alice TM-3 'Alice Li' --was-assigned maybe
try tm_add alice TM-3 'Alice Li' --was-assigned yes --assigned "$d/deed.pdf" \
    --was-renewed NO
succeeded "yes with its document, and a no in capitals"
is "$(answers "$out")" "no yes no" "assigned yes"

# ---- a recorded assignment to the owner stands for an authorisation ----
refuses 1 "^ipp-ipr: authorization: the registrant 'Acme Holdings' is not the account's owner 'Alice Li': the authorisation to enforce the IPR is required, or the record of its assignment to the owner \\(was_assigned yes, with the assigned document\\) \\(rule I3\\)$" \
    "another registrant, neither authorisation nor assignment" \
    tm_add alice TM-4 'Acme Holdings'
try tm_add alice TM-4 'Acme Holdings' --assigned "$d/deed.pdf"
succeeded "another registrant, the right assigned to the owner (I3)"
T4=$(printf '%s\n' "$out" | tsv_get ipr_id)
is "$(answers "$out")" "no yes no" "was_assigned yes"
try as alice ipp-ipr show "$T4"
is "$(printf '%s\n' "$out" | grep -c '^document\.authorization')" 0 \
    "no authorisation on file, none needed"
refuses 1 "^ipp-ipr: authorization: the registrant 'Acme Holdings' .*\\(rule I3\\)$" \
    "edit: the assignment answered no, the authorisation is needed again" \
    as alice ipp-ipr edit --was-assigned no "$T4"
try as alice ipp-ipr edit --was-assigned no \
    --authorization "$d/authorisation.pdf" "$T4"
succeeded "edit: no assignment, an authorisation instead"
is "$(answers "$out")" "no no no" "was_assigned no"
try as alice ipp-ipr show "$T4"
is "$(printf '%s\n' "$out" | grep -c '^document\.assigned')" 0 \
    "the assignment document is no longer the IPR's"
is "$(printf '%s\n' "$out" | field document.authorization)" \
    "$(sha "$d/authorisation.pdf") authorisation.pdf" \
    "the authorisation is"

# An agent needs the authorisation, assignment or not.
G_ID=$(verified_account agent ip@lawfirm.example 'Lawfirm LLP' \
    --base hong-kong --identity enterprise --category agent --agree)
like "$G_ID" '^[0-9]+$' "an agent account is identity-verified"
refuses 1 '^ipp-ipr: authorization: an agent account needs the authorisation to enforce the IPR \(rule I3\)$' \
    "an agent with an assignment but no authorisation" \
    tm_add agent TM-5 'Acme Holdings' --assigned "$d/deed.pdf"

# ---- edit: answers stay unless changed ----
try as alice ipp-ipr edit --brand 'Acme Shoes' "$T2"
succeeded "edit another field"
is "$(answers "$out")" "yes no no" "the answers stay as they were"
refuses 1 '^ipp-ipr: was_altered: yes needs the altered document \(rule I3\)$' \
    "edit: altered yes without its document" \
    as alice ipp-ipr edit --was-altered yes "$T2"
try as alice ipp-ipr edit --altered "$d/alteration.pdf" "$T2"
succeeded "edit: an alteration document"
is "$(answers "$out")" "yes no yes" "says altered yes"
try as alice ipp-ipr edit --was-renewed no "$T2"
succeeded "edit: renewed no"
is "$(answers "$out")" "no no yes" "was_renewed no"
is "$(sql "SELECT group_concat(role, ' ') FROM (SELECT role FROM ipr_documents
    WHERE ipr_id = $T2 ORDER BY role) AS d")" "altered certificate" \
    "the renewal document is gone from the IPR, the others stay"

# ---- import: the was_ columns ----
{
	echo 'type,name,number,registrant,jurisdiction,expires,classes,brand,certificate,assigned,was_assigned,was_renewed,renewed'
	echo 'trademark,ACME,TM-10,Acme Holdings,CN,2030-06-30,25,Acme,cert.pdf,deed.pdf,,,'
	echo 'trademark,ACME,TM-11,Alice Li,CN,2030-06-30,25,Acme,cert.pdf,,yes,,'
	echo 'trademark,ACME,TM-12,Alice Li,CN,2030-06-30,25,Acme,cert.pdf,,,no,renewal.pdf'
	echo 'trademark,ACME,TM-13,Alice Li,CN,2030-06-30,25,Acme,cert.pdf,,no,yes,renewal.pdf'
} >"$d/rows.csv"
refuses 1 'rows.csv: 2 of 4 rows refused: nothing stored' \
    "import: two rows with answers their documents contradict" \
    as alice ipp-ipr import "$d/rows.csv"
like "$err" 'rows\.csv:3: was_assigned: yes needs the assigned document \(rule I3\)' \
    "line 3: assigned yes without the deed"
like "$err" 'rows\.csv:4: was_renewed: no, yet the renewed document is given' \
    "line 4: renewed no with a renewal"
try as alice ipp-ipr import --partial "$d/rows.csv"
is "$rc" 1 "import --partial stores the good rows"
try as alice ipp-ipr list
is "$(printf '%s\n' "$out" | awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++)
    c[$i] = i } $c["number"] ~ /^TM-1[0-9]$/ { print $c["number"] ":" \
    $c["was_renewed"] $c["was_assigned"] }' | tr '\n' ' ')" \
    "TM-10:noyes TM-13:yesno " \
    "another registrant with a deed is assigned (I3); renewed yes with its document"

done_testing

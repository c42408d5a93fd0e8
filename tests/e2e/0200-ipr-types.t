#!/bin/sh
# Every IPR type added with its full set of documents (I1-I6): a CN
# trademark with its Nice classes, a registered and an unregistered
# copyright, a patent with its evaluation report, another right with its
# basis; the optional documents of I3 on one of them; the authorisation
# an agent, or a registrant other than the owner, must give (I3).  Each
# document is kept once by content, its file name as metadata (D1).
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
like "$A_ID" '^[0-9]+$' "alice is identity-verified (A5)"

d=$tmp/papers
mkdir -p "$d"
make_doc "$d/tm-cert.pdf" 'trademark registration certificate'
make_png "$d/cr-cert.png"
make_jpeg "$d/statement.jpg"
make_doc "$d/pt-cert.pdf" 'patent certificate'
make_doc "$d/pt-eval.pdf" 'patent evaluation report'
make_doc "$d/judgement.pdf" 'judgement on unfair competition'
make_doc "$d/renewal.pdf" 'renewal'
make_doc "$d/assignment.pdf" 'assignment'
make_doc "$d/alteration.pdf" 'alteration'
make_doc "$d/authorization.pdf" 'authorisation to enforce'

# field NAME: the value of NAME in `show` output (on stdin).
field() {
	show_field "$1"
}

# stored FILE: the document is kept under docs/ by its SHA-256 (D1).
stored() {
	_st_sha=$(sha "$1")
	doc_stored "$1" "$_st_sha"
}

HEADER=$(printf '%s\t' ipr_id account_id label type state registered \
    name number registrant jurisdiction expires classes brand kind \
    description was_renewed was_assigned was_altered fail_reason failures \
    created_at updated_at | sed 's/\t$//')

# ---- I2: a registered trademark in mainland China ----
try as alice ipp-ipr add --type trademark --name ACME --number 12345678 \
    --registrant 'alice  LI' --jurisdiction cn --expires 2030-06-30 \
    --class 25 --class '9;25' --brand Acme --status registered \
    --certificate "$d/tm-cert.pdf"
succeeded "a CN trademark with its classes and certificate (I2)"
is "$(printf '%s\n' "$out" | head -1)" "$HEADER" "add prints the list columns"
is "$(printf '%s\n' "$out" | tsv_rows)" 1 "add prints one record"
TM=$(printf '%s\n' "$out" | tsv_get ipr_id)
like "$TM" '^[1-9][0-9]*$' "the trademark has an id"
is "$(printf '%s\n' "$out" | tsv_get account_id)" "$A_ID" "it is alice's"
is "$(printf '%s\n' "$out" | tsv_get state)" pending \
    "a new IPR is pending verification (I7)"
is "$(printf '%s\n' "$out" | tsv_get type)" trademark "type trademark (I1)"
is "$(printf '%s\n' "$out" | tsv_get jurisdiction)" CN \
    "the jurisdiction is stored in capitals"
is "$(printf '%s\n' "$out" | tsv_get classes)" 9,25 \
    "repeated and listed classes become one sorted list (I2)"
is "$(printf '%s\n' "$out" | tsv_get expires)" 2030-06-30 "the expiry date"
is "$(printf '%s\n' "$out" | tsv_get registered)" 1 "a registered right"
is "$(printf '%s\n' "$out" | tsv_get label)" trademark/CN/12345678/Acme \
    "the default label: type, jurisdiction, number, brand (I8)"
try as alice ipp-ipr show "$TM"
succeeded "show the trademark"
is "$(printf '%s\n' "$out" | field document.certificate)" \
    "$(sha "$d/tm-cert.pdf") tm-cert.pdf" \
    "the certificate: its SHA-256 and file name (D1)"
ok "the certificate is kept by content (D1)" stored "$d/tm-cert.pdf"
like "$(printf '%s\n' "$out" | field event.1)" \
    "^2026-01-31T09:00:00Z submitted by $A_ID\$" "the history has the submission"
try as alice ipp-ipr show trademark/CN/12345678/Acme
succeeded "show by label (I8)"
is "$(printf '%s\n' "$out" | field ipr_id)" "$TM" "the label names the trademark"

# ---- I4: a registered copyright ----
try as alice ipp-ipr add --type copyright --name 'Acme catalogue 2025' \
    --number 'GZ-2025-F-00012' --jurisdiction CN --certificate "$d/cr-cert.png"
succeeded "a registered copyright with its certificate, a PNG (I4)"
CR=$(printf '%s\n' "$out" | tsv_get ipr_id)
is "$(printf '%s\n' "$out" | tsv_get registered)" 1 "registered"
is "$(printf '%s\n' "$out" | tsv_get label)" \
    'copyright/CN/GZ-2025-F-00012/Acme catalogue 2025' \
    "without a brand the default label ends with the name (I8)"
try as alice ipp-ipr show "$CR"
is "$(printf '%s\n' "$out" | field document.certificate)" \
    "$(sha "$d/cr-cert.png") cr-cert.png" "the PNG certificate is on file"
ok "the PNG is kept by content (D1)" stored "$d/cr-cert.png"

# ---- I4: an unregistered copyright with its statement ----
try as alice ipp-ipr add --type copyright --unregistered \
    --name 'Product photographs 2025' --statement "$d/statement.jpg"
succeeded "an unregistered copyright with a statement of ownership (I4)"
CU=$(printf '%s\n' "$out" | tsv_get ipr_id)
is "$(printf '%s\n' "$out" | tsv_get registered)" 0 "not registered"
is "$(printf '%s\n' "$out" | tsv_get number)" '\N' "no registration number"
like "$(printf '%s\n' "$out" | tsv_get label)" '^copyright/unregistered' \
    "the default label says unregistered (I8)"
try as alice ipp-ipr show "$CU"
is "$(printf '%s\n' "$out" | field document.statement)" \
    "$(sha "$d/statement.jpg") statement.jpg" "the JPEG statement is on file"

# ---- I5: a patent with its certificate and evaluation report ----
try as alice ipp-ipr add --type patent --kind utility-model \
    --name 'Folding phone stand' --number ZL202020123456.7 --jurisdiction CN \
    --expires 2030-12-31 --certificate "$d/pt-cert.pdf" \
    --evaluation-report "$d/pt-eval.pdf" --label stand
succeeded "a utility-model patent with certificate and evaluation report (I5)"
PT=$(printf '%s\n' "$out" | tsv_get ipr_id)
is "$(printf '%s\n' "$out" | tsv_get kind)" utility-model "kind utility-model"
is "$(printf '%s\n' "$out" | tsv_get label)" stand "a label of the account's choosing (I8)"
try as alice ipp-ipr show stand
is "$(printf '%s\n' "$out" | field document.certificate)" \
    "$(sha "$d/pt-cert.pdf") pt-cert.pdf" "the patent certificate is on file"
is "$(printf '%s\n' "$out" | field document.evaluation_report)" \
    "$(sha "$d/pt-eval.pdf") pt-eval.pdf" "the evaluation report is on file"
ok "the evaluation report is kept by content (D1)" stored "$d/pt-eval.pdf"

# ---- I6: another right with its basis ----
try as alice ipp-ipr add --type other \
    --description 'Get-up of the Acme shop, protected by a judgement on unfair competition' \
    --basis "$d/judgement.pdf"
succeeded "another right with its basis and description (I6)"
OT=$(printf '%s\n' "$out" | tsv_get ipr_id)
like "$(printf '%s\n' "$out" | tsv_get description)" '^Get-up of the Acme shop' \
    "the description is kept"
try as alice ipp-ipr show "$OT"
is "$(printf '%s\n' "$out" | field document.basis)" \
    "$(sha "$d/judgement.pdf") judgement.pdf" "the basis is on file"

# ---- I3: renewed, assigned and altered, each with its document ----
try as alice ipp-ipr add --type trademark --name ACME --number 301234567 \
    --registrant 'Alice Li' --jurisdiction HK --expires 2031-03-01 --class 18 \
    --brand Acme --certificate "$d/tm-cert.pdf" --renewed "$d/renewal.pdf" \
    --assigned "$d/assignment.pdf" --altered "$d/alteration.pdf"
succeeded "an HK trademark renewed, assigned and altered (I3)"
TM2=$(printf '%s\n' "$out" | tsv_get ipr_id)
try as alice ipp-ipr show "$TM2"
for role in renewed:renewal assigned:assignment altered:alteration; do
	is "$(printf '%s\n' "$out" | field "document.${role%%:*}")" \
	    "$(sha "$d/${role#*:}.pdf") ${role#*:}.pdf" \
	    "the ${role%%:*} document is on file (I3)"
done
is "$(printf '%s\n' "$out" | grep -c '^document\.')" 4 \
    "four documents: the certificate and three of I3"

# ---- D1: the certificate shared by both trademarks is kept once ----
is "$(sql "SELECT count(*) FROM documents WHERE sha256 = '$(sha "$d/tm-cert.pdf")'")" 1 \
    "one documents row for the shared certificate (D1)"
is "$(sql "SELECT count(*) FROM ipr_documents WHERE sha256 = '$(sha "$d/tm-cert.pdf")'")" 2 \
    "both trademarks name it"
is "$(doc_files "$(sha "$d/tm-cert.pdf")" | tr -d ' ')" 1 \
    "one file under docs/ (D1)"
is "$(doc_files '*.pdf' | tr -d ' ')" 0 \
    "no file under docs/ has the user's name (D1)"

# ---- list ----
try as alice ipp-ipr list
succeeded "list alice's IPRs"
is "$(printf '%s\n' "$out" | tsv_column ipr_id | tr '\n' ' ')" \
    "$TM $CR $CU $PT $OT $TM2 " "six IPRs, by id"
is "$(printf '%s\n' "$out" | tsv_column state | sort -u)" pending \
    "all pending (I7)"
try as alice ipp-ipr list --type trademark
is "$(printf '%s\n' "$out" | tsv_column ipr_id | tr '\n' ' ')" "$TM $TM2 " \
    "list --type trademark"
try as alice ipp-ipr list --type copyright
is "$(printf '%s\n' "$out" | tsv_column registered | tr '\n' ' ')" "1 0 " \
    "list --type copyright: the registered one and the unregistered one"

# ---- I3: a registrant who is not the account's owner ----
refuses 1 '^ipp-ipr: authorization: .*Acme Holdings Ltd.*\(rule I3\)' \
    "a registrant other than the owner without --authorization" \
    as alice ipp-ipr add --type trademark --name ACME --number 55501 \
    --registrant 'Acme Holdings Ltd' --jurisdiction SG --expires 2029-01-01 \
    --class 9 --brand Acme --certificate "$d/tm-cert.pdf"
try as alice ipp-ipr add --type trademark --name ACME --number 55501 \
    --registrant 'Acme Holdings Ltd' --jurisdiction SG --expires 2029-01-01 \
    --class 9 --brand Acme --certificate "$d/tm-cert.pdf" \
    --authorization "$d/authorization.pdf"
succeeded "the same with --authorization (I3)"
try as alice ipp-ipr show "$(printf '%s\n' "$out" | tsv_get ipr_id)"
is "$(printf '%s\n' "$out" | field document.authorization)" \
    "$(sha "$d/authorization.pdf") authorization.pdf" \
    "the authorisation is on file (I3)"

# ---- I3: an agent needs the authorisation whoever the registrant ----
G_ID=$(verified_account agent ip@lawfirm.example 'Lawfirm LLP' \
    --base hong-kong --identity enterprise --category agent --agree)
like "$G_ID" '^[0-9]+$' "an agent account is identity-verified"
refuses 1 '^ipp-ipr: authorization: an agent account .*\(rule I3\)' \
    "an agent without --authorization" \
    as agent ipp-ipr add --type copyright --number 'GZ-2025-F-00012' \
    --jurisdiction CN --certificate "$d/cr-cert.png"
refuses 1 '^ipp-ipr: authorization: an agent account .*\(rule I3\)' \
    "an agent without --authorization, the registrant its own owner" \
    as agent ipp-ipr add --type trademark --name LAW --number 777 \
    --registrant 'Lawfirm LLP' --jurisdiction HK --expires 2029-01-01 \
    --class 45 --brand Law --certificate "$d/tm-cert.pdf"
try as agent ipp-ipr add --type copyright --number 'GZ-2025-F-00012' \
    --jurisdiction CN --certificate "$d/cr-cert.png" \
    --authorization "$d/authorization.pdf"
succeeded "an agent with --authorization (I3)"
is "$(printf '%s\n' "$out" | tsv_get account_id)" "$G_ID" \
    "the IPR is the agent's"
is "$(printf '%s\n' "$out" | tsv_get label)" copyright/CN/GZ-2025-F-00012 \
    "the same number as alice's: labels and numbers are per account (I8)"

done_testing

#!/bin/sh
# The reason catalog kept whole (C4, C8): `reasons --load` refuses a
# catalog that drops a code a standalone notice uses (it used to fail
# with the store's FOREIGN KEY error), a code given twice (naming both
# lines), and a code in use whose type, target, priority or kind would
# change; its label and description may change.  Patent codes carry a
# kind (I5), required for them and refused for the others, and C4
# holds a patent reason to the patent's kind in new, check and import.
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
like "$A_ID" '^[0-9]+$' "alice is identity-verified"
CN=$(trademark_ipr alice CN TM-CN-1)
like "$CN" '^[0-9]+$' "alice has a verified CN trademark"
make_doc "$tmp/pt-cert.pdf" 'patent certificate'
make_doc "$tmp/pt-eval.pdf" 'patent evaluation report'
PT=$(verified_ipr alice --type patent --kind invention --name 'Hinge' \
    --number ZL201910000001.1 --jurisdiction CN --expires 2030-12-31 \
    --certificate "$tmp/pt-cert.pdf" --evaluation-report "$tmp/pt-eval.pdf")
like "$PT" '^[0-9]+$' "alice has a verified invention patent"
SUP='The listing sells goods that practise the claims of our patent.'

# ---- the shipped catalog has the kinds ----
try as alice ipp-complain reasons --type patent
succeeded "reasons --type patent"
is "$(printf '%s\n' "$out" | head -1 | tr '\t' ' ')" \
    "code ipr_type target label description priority kind" \
    "the catalog has a kind column"
is "$(printf '%s\n' "$out" | awk -F '\t' 'NR > 1 { print $1 "=" $7 }' | tr '\n' ' ')" \
    "pt-design=design pt-invention=invention pt-utility-model=utility-model " \
    "each patent code names its kind (I5)"
try as alice ipp-complain reasons --type trademark
is "$(printf '%s\n' "$out" | tsv_column kind | sort -u)" '\N' \
    "the other codes have none"

# ---- C4 and the patent's kind: new, check, import ----
pnew() {
	as alice ipp-complain "$1" --platform taobao --ipr "$PT" \
	    --target listing --reason "$2" --supplement "$SUP" --no-check \
	    "$(listing_url taobao "$3")"
}
refuses 1 "reason 'pt-design' is for a design patent, and IPR $PT is an invention patent: see 'ipp-complain reasons --type patent' \\(rule C4\\)" \
    "new: a design reason against an invention patent (C4)" pnew new pt-design 1
refuses 1 "reason 'pt-utility-model' is for a utility-model patent, and IPR $PT is an invention patent.*\\(rule C4\\)" \
    "check: a utility-model reason against an invention patent (C4)" \
    pnew check pt-utility-model 1
{
	echo 'url,platform,ipr,target,reason,supplement'
	printf '%s,taobao,%s,listing,pt-design,%s\n' "$(listing_url taobao 2)" \
	    "$PT" "$SUP"
} >"$tmp/design.csv"
refuses 1 "design.csv:2: reason 'pt-design' is for a design patent, and IPR $PT is an invention patent.*\\(rule C4\\)" \
    "import: a design reason against an invention patent (C4)" \
    as alice ipp-complain import --no-check "$tmp/design.csv"
try pnew new pt-invention 3
succeeded "new: the invention reason against the invention patent"
is "$(sql "SELECT reason FROM complaints WHERE ipr_id = $PT")" pt-invention \
    "filed with pt-invention"

# ---- a notice and a complaint use codes ----
try as nobody ipp-complain form --email rita@example.org --name 'Rita Chan' \
    --platform taobao --reason ot-court-judgement \
    --right-description 'A right recognised by a court judgement, Rita Chan' \
    "$(listing_url taobao 900)"
succeeded "a standalone notice with ot-court-judgement"
NOTICE=$(printf '%s\n' "$out" | tsv_get notice_id)
try as alice ipp-complain new --platform taobao --ipr "$CN" --target listing \
    --reason tm-mark-in-text --supplement "$SUP" --no-check \
    "$(listing_url taobao 10)"
succeeded "a complaint with tm-mark-in-text"
TM_C=$(sql "SELECT complaint_id FROM complaints WHERE reason = 'tm-mark-in-text'")

try as handler ipp-complain reasons
printf '%s\n' "$out" >"$tmp/current.tsv"

# ---- defect 3: a code a standalone notice uses ----
grep -v '^ot-court-judgement	' "$tmp/current.tsv" >"$tmp/drops-notice.tsv"
refuses 1 "drops-notice.tsv: reason code 'ot-court-judgement' is used by standalone notice $NOTICE and must stay in the catalog \\(rules C4, C8\\)" \
    "a catalog dropping a code a notice uses" \
    as handler ipp-complain reasons --load "$tmp/drops-notice.tsv"
unlike "$err" "FOREIGN KEY" "no store error"

# ---- defect 4: a code twice ----
awk 'NR == 1 { print; next } { print } $1 == "tm-mark-in-text" { dup = $0 }
    END { print dup }' "$tmp/current.tsv" >"$tmp/twice.tsv"
first=$(awk -F '\t' '$1 == "tm-mark-in-text" { print NR; exit }' "$tmp/twice.tsv")
last=$(wc -l <"$tmp/twice.tsv" | tr -d ' ')
refuses 4 "twice.tsv:$last: code: 'tm-mark-in-text' is on line $first already: a code appears once \\(rule C4\\)" \
    "a code twice, both lines named" \
    as handler ipp-complain reasons --load "$tmp/twice.tsv"
{
	cat "$tmp/current.tsv"
	printf 'tm-new\ttrademark\tlisting\tNew\tNew.\tnormal\t\n'
	printf 'tm-new\ttrademark\tlisting\tNewer\tNewer.\tnormal\t\n'
} >"$tmp/new-twice.tsv"
refuses 4 "new-twice.tsv:$((last + 1)): code: 'tm-new' is on line $last already" \
    "a new code twice" as handler ipp-complain reasons --load "$tmp/new-twice.tsv"

# ---- defect 4: a code in use keeps its type, target, priority, kind ----
# change CODE COLUMN VALUE: the current catalog with one field changed.
change() {
	awk -F '\t' -v OFS='\t' -v code="$1" -v col="$2" -v v="$3" '
	    NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i }
	    NR > 1 && $1 == code { $c = v; line = NR } { print }' \
	    "$tmp/current.tsv" >"$tmp/changed.tsv"
	awk -F '\t' -v code="$1" '$1 == code { print NR }' "$tmp/changed.tsv"
}
L=$(change tm-mark-in-text ipr_type copyright)
refuses 1 "changed.tsv:$L: reason code 'tm-mark-in-text' is used by complaint $TM_C: its ipr_type stays 'trademark', not 'copyright'; only its label and description may change \\(rules C4, C8\\)" \
    "a used code turned into a copyright code" \
    as handler ipp-complain reasons --load "$tmp/changed.tsv"
L=$(change tm-mark-in-text target storefront)
refuses 1 "changed.tsv:$L: reason code 'tm-mark-in-text' is used by complaint $TM_C: its target stays 'listing', not 'storefront'" \
    "a used listing code turned into a storefront code" \
    as handler ipp-complain reasons --load "$tmp/changed.tsv"
L=$(change tm-mark-in-text priority high)
refuses 1 "changed.tsv:$L: reason code 'tm-mark-in-text' is used by complaint $TM_C: its priority stays 'normal', not 'high'" \
    "a used code made high priority" \
    as handler ipp-complain reasons --load "$tmp/changed.tsv"
L=$(change pt-invention kind design)
refuses 1 "changed.tsv:$L: reason code 'pt-invention' is used by complaint [0-9]+: its kind stays 'invention', not 'design'" \
    "a used patent code given another kind" \
    as handler ipp-complain reasons --load "$tmp/changed.tsv"
L=$(change ot-court-judgement target storefront)
refuses 1 "changed.tsv:$L: reason code 'ot-court-judgement' is used by standalone notice $NOTICE: its target stays 'listing'" \
    "a code a notice uses keeps its target too" \
    as handler ipp-complain reasons --load "$tmp/changed.tsv"

# An unused code may change all it likes; a used one its label and text.
change tm-similar-mark target storefront >/dev/null
awk -F '\t' -v OFS='\t' '$1 == "tm-mark-in-text" { $4 = "Mark in the text"
    $5 = "Reworded." } { print }' "$tmp/changed.tsv" >"$tmp/relabel.tsv"
try as handler ipp-complain reasons --load "$tmp/relabel.tsv"
succeeded "a used code relabelled and an unused one retargeted load"
try as alice ipp-complain reasons
is "$(printf '%s\n' "$out" | awk -F '\t' '$1 == "tm-mark-in-text" { print $4 "|" $5 }')" \
    "Mark in the text|Reworded." "the new label and description are in"
is "$(printf '%s\n' "$out" | awk -F '\t' '$1 == "tm-similar-mark" { print $3 }')" \
    storefront "the unused code changed its target"

# ---- defect 5: kinds in a loaded catalog ----
awk -F '\t' -v OFS='\t' '$1 == "pt-design" { $7 = "" } { print }' \
    "$tmp/current.tsv" >"$tmp/no-kind.tsv"
L=$(awk -F '\t' '$1 == "pt-design" { print NR }' "$tmp/no-kind.tsv")
refuses 4 "no-kind.tsv:$L: kind: a patent code is for an invention, utility-model or design patent, not '' \\(rules C4, I5\\)" \
    "a patent code without a kind" \
    as handler ipp-complain reasons --load "$tmp/no-kind.tsv"
awk -F '\t' -v OFS='\t' '$1 == "cr-copied-text" { $7 = "design" } { print }' \
    "$tmp/current.tsv" >"$tmp/cr-kind.tsv"
L=$(awk -F '\t' '$1 == "cr-copied-text" { print NR }' "$tmp/cr-kind.tsv")
refuses 4 "cr-kind.tsv:$L: kind: only a patent code has a kind, and this one is for copyright \\(rule C4\\)" \
    "a kind on a copyright code" \
    as handler ipp-complain reasons --load "$tmp/cr-kind.tsv"

# A catalog of the six columns before kinds: its patent codes lack one.
cut -f 1-6 "$tmp/current.tsv" >"$tmp/six.tsv"
refuses 4 "six.tsv:[0-9]+: kind: a patent code is for" \
    "a catalog of six columns: its patent codes lack a kind" \
    as handler ipp-complain reasons --load "$tmp/six.tsv"

done_testing

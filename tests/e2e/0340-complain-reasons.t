#!/bin/sh
# The reason catalog (C4): shipped as data and listed by
# `ipp-complain reasons`, filtered by --type and --target; a handler
# replaces it with --load, and the new codes are what filing accepts;
# a catalog that drops a code some complaint uses is refused, as is a
# malformed one, and an account that is not a handler cannot load one.
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
like "$A_ID" '^[0-9]+$' "alice is identity-verified"
CN=$(trademark_ipr alice CN TM-CN-1)
like "$CN" '^[0-9]+$' "alice has a verified CN trademark"
SUP='The listing sells shoes under our registered ACME mark.'

codes() {
	tsv_column code | tr '\n' ' '
}

# ---- the shipped catalog ----
try as alice ipp-complain reasons
succeeded "reasons"
is "$(printf '%s\n' "$out" | head -1)" \
    "$(printf 'code\tipr_type\ttarget\tlabel\tdescription\tpriority\tkind')" \
    "the catalog's columns"
is "$(printf '%s\n' "$out" | tsv_rows)" 16 "sixteen reasons"
for t in trademark copyright patent other; do
	like "$(printf '%s\n' "$out" | tsv_column ipr_type | sort -u | tr '\n' ' ')" \
	    "(^| )$t " "reasons for ${t}s (I1)"
done
is "$(printf '%s\n' "$out" | tsv_where priority high | tsv_column code |
    tr '\n' ' ')" \
    "tm-counterfeit-features tm-counterfeit-goods " \
    "the counterfeit codes, and only they, are high priority (C4)"
try as alice ipp-complain reasons --type copyright
is "$(printf '%s\n' "$out" | codes)" \
    "cr-artwork-on-goods cr-copied-text cr-image-misappropriation cr-pirated-copy cr-store-decoration " \
    "reasons --type copyright"
try as alice ipp-complain reasons --target storefront
is "$(printf '%s\n' "$out" | codes)" "cr-store-decoration tm-store-name-logo " \
    "reasons --target storefront: one for copyright, one for trademarks"
try as alice ipp-complain reasons --type patent --target listing
is "$(printf '%s\n' "$out" | codes)" "pt-design pt-invention pt-utility-model " \
    "reasons --type patent --target listing: invention, utility model, design"
try as alice ipp-complain reasons --type patent --target storefront
succeeded "a filter that matches nothing is not an error"
is "$(printf '%s\n' "$out" | tsv_rows)" 0 "no patent reason for storefronts"

# A complaint uses tm-mark-in-text from here on.
try as alice ipp-complain new --platform taobao --ipr "$CN" --target listing \
    --reason tm-mark-in-text --supplement "$SUP" --no-check \
    "$(listing_url taobao 1)"
succeeded "alice files a complaint with tm-mark-in-text"

# ---- --load ----
try as handler ipp-complain reasons
printf '%s\n' "$out" >"$tmp/shipped.tsv"
# The shipped catalog less tm-similar-mark (unused), plus a new code,
# with tm-mark-in-text relabelled.
{
	printf '%s\n' "$out" | grep -v '^tm-similar-mark	' |
	    sed 's/^\(tm-mark-in-text	trademark	listing	\)[^	]*/\1Mark in the title or text/'
	printf 'tm-mark-in-domain\ttrademark\tlisting\tMark in a shop domain\tThe mark is used in the listing'"'"'s own domain.\tnormal\t\n'
} >"$tmp/new.tsv"

refuses 5 'only a case handler may do this' "an account cannot load a catalog (exit 5)" \
    as alice ipp-complain reasons --load "$tmp/new.tsv"

try as handler ipp-complain reasons --load "$tmp/new.tsv"
succeeded "the handler loads a new catalog"
try as alice ipp-complain reasons --type trademark
is "$(printf '%s\n' "$out" | codes)" \
    "tm-counterfeit-features tm-counterfeit-goods tm-mark-in-domain tm-mark-in-images tm-mark-in-text tm-store-name-logo " \
    "the new code is in, the dropped one out"
is "$(printf '%s\n' "$out" | tsv_where code tm-mark-in-text | tsv_get label)" \
    "Mark in the title or text" "the changed label is loaded"
try as alice ipp-complain new --platform taobao --ipr "$CN" --target listing \
    --reason tm-mark-in-domain --supplement "$SUP" --no-check \
    "$(listing_url taobao 2)"
succeeded "the new code backs a complaint"
refuses 1 "no reason code 'tm-similar-mark' in the catalog.*\\(rule C4\\)" \
    "the dropped code is refused (C4)" \
    as alice ipp-complain new --platform taobao --ipr "$CN" --target listing \
    --reason tm-similar-mark --supplement "$SUP" --no-check \
    "$(listing_url taobao 3)"

# A catalog without a code that complaints use.
grep -v '^tm-mark-in-text	' "$tmp/new.tsv" >"$tmp/drops-used.tsv"
refuses 1 "reason code 'tm-mark-in-text' is used by complaint [0-9]+ and must stay in the catalog \\(rules C4, C8\\)" \
    "a catalog dropping a code in use" \
    as handler ipp-complain reasons --load "$tmp/drops-used.tsv"
grep -v '^tm-mark-in-domain	' "$tmp/new.tsv" >"$tmp/drops-new.tsv"
refuses 1 "reason code 'tm-mark-in-domain' is used by complaint [0-9]+ and must stay" \
    "the new code is in use too now" \
    as handler ipp-complain reasons --load "$tmp/drops-new.tsv"

# Malformed catalogs: nothing is loaded.
sed 's/	normal	/	urgent	/' "$tmp/new.tsv" >"$tmp/bad-priority.tsv"
refuses 4 "bad-priority.tsv:2: priority: not high or normal \\(rule C4\\)" \
    "a priority that is neither high nor normal" \
    as handler ipp-complain reasons --load "$tmp/bad-priority.tsv"
awk -F '\t' -v OFS='\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
    NR == 3 { $c["ipr_type"] = "design" } 1' "$tmp/new.tsv" \
    >"$tmp/bad-type.tsv"
refuses 4 "bad-type.tsv:3: ipr_type: .*\\(rule C4\\)" \
    "an IPR type that is not one of I1's" \
    as handler ipp-complain reasons --load "$tmp/bad-type.tsv"
cut -f 1-3 "$tmp/new.tsv" >"$tmp/short.tsv"
refuses 4 "label" "a catalog without its label column" \
    as handler ipp-complain reasons --load "$tmp/short.tsv"
refuses 4 "cannot open" "a file that is not there" \
    as handler ipp-complain reasons --load "$tmp/nothing.tsv"

# And back to the shipped one, which still has every code in use.
try as handler ipp-complain reasons --load "$tmp/shipped.tsv"
refused 1 "reason code 'tm-mark-in-domain' is used by complaint [0-9]+ and must stay" \
    "the shipped catalog lacks the new code, now in use"
printf 'tm-mark-in-domain\ttrademark\tlisting\tMark in a shop domain\tDomain.\tnormal\t\n' \
    >>"$tmp/shipped.tsv"
try as handler ipp-complain reasons --load "$tmp/shipped.tsv"
succeeded "the shipped catalog plus the code in use loads"
try as alice ipp-complain reasons
is "$(printf '%s\n' "$out" | tsv_rows)" 17 "seventeen reasons"

done_testing

#!/bin/sh
# Rights of type other often fail, and the platform would discuss them
# before enforcement: filing under one warns on standard error, once a
# complaint, in new, check and import, and files all the same (exit 0).
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
like "$A_ID" '^[0-9]+$' "alice is identity-verified"
CN=$(trademark_ipr alice CN TM-CN-1)
like "$CN" '^[0-9]+$' "alice has a verified CN trademark"
make_doc "$tmp/judgement.pdf" 'judgement on unfair competition'
OT=$(verified_ipr alice --type other --jurisdiction CN \
    --description 'Get-up of the Acme shop, protected by a judgement' \
    --basis "$tmp/judgement.pdf")
like "$OT" '^[0-9]+$' "alice has a verified right of type other"
SUP='The listing copies the get-up of the Acme shop, as the court found.'
WARN="warning: IPR $OT is a right of type other, and such rights often fail: discuss enforcing it with the platform before you rely on this complaint \\(rule I6\\)"

# warnings: the warning lines of the last run's stderr.
warnings() {
	printf '%s\n' "$err" | grep -c 'warning: IPR .* type other'
}

try as alice ipp-complain new --platform taobao --ipr "$OT" --target listing \
    --reason ot-unfair-competition --supplement "$SUP" --no-check \
    $(listing_urls taobao 10 3)
is "$rc" 0 "new under the other right files: exit 0"
like "$err" "^ipp-complain: $WARN\$" "new warns, naming the IPR and the rule"
is "$(warnings)" 1 "once for the complaint of three URLs"
like "$err" 'filed complaint [0-9]+' "and files"
is "$(sql "SELECT count(*) FROM complaints WHERE ipr_id = $OT")" 1 \
    "one complaint is stored"

snapshot
try as alice ipp-complain check --platform taobao --ipr "$OT" \
    --target listing --reason ot-court-judgement --supplement "$SUP" \
    --no-check $(listing_urls taobao 20 2)
is "$rc" 0 "check under the other right: exit 0"
like "$err" "^ipp-complain: $WARN\$" "check warns"
is "$(warnings)" 1 "once"
unchanged "check"

try as alice ipp-complain new --platform taobao --ipr "$CN" --target listing \
    --reason tm-mark-in-text --supplement "$SUP" --no-check \
    "$(listing_url taobao 30)"
is "$rc" 0 "new under the trademark"
is "$(warnings)" 0 "no warning for a trademark"

# ---- import: once a complaint, with the line of its first row ----
{
	echo 'url,platform,ipr,target,reason,supplement'
	for i in 40 41; do
		printf '%s,taobao,%s,listing,ot-unfair-competition,"%s"\n' \
		    "$(listing_url taobao $i)" "$OT" "$SUP"
	done
	printf '%s,taobao,%s,listing,tm-mark-in-text,"%s"\n' \
	    "$(listing_url taobao 42)" "$CN" "$SUP"
	for i in 43 44; do
		printf '%s,tmall,%s,listing,ot-court-judgement,"%s"\n' \
		    "$(listing_url tmall $i)" "$OT" "$SUP"
	done
} >"$tmp/rows.csv"
try as alice ipp-complain import --no-check "$tmp/rows.csv"
is "$rc" 0 "import with two complaints under the other right: exit 0"
is "$(warnings)" 2 "two warnings, one a complaint"
like "$err" "^ipp-complain: $tmp/rows.csv:2: $WARN\$" \
    "the first names the line of its complaint's first row"
like "$err" "^ipp-complain: $tmp/rows.csv:5: $WARN\$" "the second too"
is "$(printf '%s\n' "$out" | tsv_rows)" 3 "three complaints filed"
sed 's/id=4\([0-9]\)/id=5\1/; s/offer\/4/offer\/5/' "$tmp/rows.csv" >"$tmp/more.csv"
snapshot
try as alice ipp-complain import --dry-run --no-check "$tmp/more.csv"
is "$rc" 0 "import --dry-run of new listings: exit 0"
is "$(warnings)" 2 "warns as the import would"
unchanged "import --dry-run"

done_testing

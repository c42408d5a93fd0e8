#!/bin/sh
# Filing a complaint with ipp-complain new, and the preflight `check`:
# one TSV verdict row per URL, the new complaint_id on the rows and on
# stderr, URLs stored canonically (C5) in state submitted; URLs from the
# arguments, from stdin one a line, or from TSV with a url column; check
# runs the same checks and writes nothing (exit 1 when anything would be
# refused); --drop-bad files the passing URLs and lists the rest.
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
like "$A_ID" '^[0-9]+$' "alice is identity-verified (A5)"
CN=$(trademark_ipr alice CN TM-CN-1)
like "$CN" '^[0-9]+$' "alice has a verified CN trademark (I7)"

SUP='The listing sells shoes under our registered ACME mark.'
VERDICT_HEADER=$(printf '%s\t' url canonical_url platform target listing_id \
    structure live verdict complaint_id | sed 's/\t$//')

# tb COMMAND [OPTIONS] [URL...]: COMMAND (new or check) as alice, for a
# taobao listing backed by the CN trademark, without live checks.
tb() {
	_tb_cmd=$1
	shift
	as alice ipp-complain "$_tb_cmd" --platform taobao --ipr "$CN" \
	    --target listing --reason tm-mark-in-text --supplement "$SUP" \
	    --no-check "$@"
}

# ---- new: one verdict row per URL and the complaint id ----
snapshot
try tb new 'https://item.taobao.com/item.htm?id=1001&spm=a21wu.241046' \
    'https://h5.m.taobao.com/awp/core/detail.htm?id=1002' \
    'https://world.taobao.com/item/1003.htm'
succeeded "new files three taobao listings"
is "$(printf '%s\n' "$out" | head -1)" "$VERDICT_HEADER" \
    "new writes the verdict columns"
is "$(printf '%s\n' "$out" | tsv_rows)" 3 "one row per URL"
C1=$(printf '%s\n' "$out" | tsv_get complaint_id)
like "$C1" '^[1-9][0-9]*$' "the rows carry the new complaint_id"
is "$(printf '%s\n' "$out" | tsv_column complaint_id | sort -u)" "$C1" \
    "every row names the same complaint"
is "$(printf '%s\n' "$out" | tsv_column verdict | sort -u)" ok \
    "every verdict is ok"
is "$(printf '%s\n' "$out" | tsv_column live | sort -u)" unchecked \
    "--no-check: nothing was checked live (C6)"
is "$(printf '%s\n' "$out" | tsv_column canonical_url | tr '\n' ' ')" \
    "https://item.taobao.com/item.htm?id=1001 https://item.taobao.com/item.htm?id=1002 https://item.taobao.com/item.htm?id=1003 " \
    "tracking parameters and mobile or world hosts give the canonical URL (C5)"
is "$(printf '%s\n' "$out" | tsv_column listing_id | tr '\n' ' ')" \
    "1001 1002 1003 " "the listing ids, in input order"
like "$err" "^ipp-complain: filed complaint $C1\$" \
    "stderr names the complaint filed"
is "$(sql "SELECT count(*) FROM complaints")" 1 "one complaint in the store"
is "$(sql "SELECT account_id || ' ' || platform || ' ' || ipr_id || ' ' ||
    target || ' ' || reason || ' ' || supplement FROM complaints
    WHERE complaint_id = $C1")" \
    "$A_ID taobao $CN listing tm-mark-in-text $SUP" \
    "the complaint row has the account, platform, IPR, target, reason, supplement"
is "$(sql "SELECT group_concat(url || ' ' || canonical_url || ' ' || state,
    '|') FROM (SELECT * FROM complaint_urls WHERE complaint_id = $C1
    ORDER BY url_id) AS u")" \
    "https://item.taobao.com/item.htm?id=1001&spm=a21wu.241046 https://item.taobao.com/item.htm?id=1001 submitted|https://h5.m.taobao.com/awp/core/detail.htm?id=1002 https://item.taobao.com/item.htm?id=1002 submitted|https://world.taobao.com/item/1003.htm https://item.taobao.com/item.htm?id=1003 submitted" \
    "each URL kept as given and canonically, in state submitted"

try as alice ipp-complain list
succeeded "list"
is "$(printf '%s\n' "$out" | tsv_rows)" 1 "list shows the one complaint"
is "$(printf '%s\n' "$out" | tsv_get complaint_id)" "$C1" "by its id"
is "$(printf '%s\n' "$out" | tsv_get urls)" 3 "with its three URLs"
is "$(printf '%s\n' "$out" | tsv_get state)" open "open"
is "$(printf '%s\n' "$out" | tsv_get priority)" normal \
    "a non-counterfeit reason is normal priority (C4)"
is "$(printf '%s\n' "$out" | tsv_get due_at)" 2026-02-03T09:00:00Z \
    "due within 72 hours (C10)"

# ---- check: the same checks, nothing written ----
snapshot
try tb check 'https://item.taobao.com/item.htm?id=1101' \
    'https://item.taobao.com/item.htm?id=1102'
succeeded "check of two good URLs exits 0"
unchanged "check of two good URLs"
is "$(printf '%s\n' "$out" | head -1)" "$VERDICT_HEADER" \
    "check writes the same verdict columns"
is "$(printf '%s\n' "$out" | tsv_column verdict | tr '\n' ' ')" "ok ok " \
    "both would pass"
is "$(printf '%s\n' "$out" | tsv_column complaint_id | sort -u)" '\N' \
    "no complaint id: nothing was filed"
unlike "$err" 'filed complaint' "check does not claim to have filed"

refuses 1 '1 of 2 URLs would be refused' "check with one URL already in complaint $C1" \
    tb check 'https://item.taobao.com/item.htm?id=1201' \
    'https://item.taobao.com/item.htm?id=1001&spm=x'
is "$(printf '%s\n' "$out" | tsv_column verdict | tr '\n' '|')" \
    "ok|already in open complaint $C1 (rule C5)|" \
    "check shows which URL would be refused, and why"
refuses 1 'lazada-sg needs a right registered in SG.*\(rule C2\)' \
    "check of a request that breaks the jurisdiction rule (C2)" \
    as alice ipp-complain check --platform lazada --region sg --ipr "$CN" \
    --target listing --reason tm-mark-in-text --supplement "$SUP" --no-check \
    "$(listing_url lazada-sg 1301)"
try tb new 'https://item.taobao.com/item.htm?id=1101' \
    'https://item.taobao.com/item.htm?id=1102'
succeeded "what check passed, new files"
C2=$(printf '%s\n' "$out" | tsv_get complaint_id)
isnt "$C2" "$C1" "a second complaint"

# ---- URLs from stdin: one a line, or TSV with a url column ----
tryin "$(printf '%s\n' '# URLs to report' '' \
    'https://item.taobao.com/item.htm?id=1401' \
    '  https://item.taobao.com/item.htm?id=1402  ')" tb new
succeeded "URLs from stdin, one a line (blank and # lines skipped)"
is "$(printf '%s\n' "$out" | tsv_column listing_id | tr '\n' ' ')" \
    "1401 1402 " "two URLs read from stdin"
C3=$(printf '%s\n' "$out" | tsv_get complaint_id)
is "$(sql "SELECT count(*) FROM complaint_urls WHERE complaint_id = $C3")" 2 \
    "both filed"

tryin "$(printf 'note\turl\tprice\n' ; \
    printf 'first\thttps://item.taobao.com/item.htm?id=1501\t10\n' ; \
    printf 'second\thttps://item.taobao.com/item.htm?id=1502\t12\n')" tb new
succeeded "URLs from TSV on stdin, by the url column"
is "$(printf '%s\n' "$out" | tsv_column url | tr '\n' ' ')" \
    "https://item.taobao.com/item.htm?id=1501 https://item.taobao.com/item.htm?id=1502 " \
    "only the url column is read"

# A probe's output feeds new unedited (its url column).
try as alice ipp-complain probe --no-check \
    'https://item.taobao.com/item.htm?id=1601' \
    'https://item.taobao.com/item.htm?id=1602&scm=1007'
succeeded "probe vets two URLs"
tryin "$out" tb new
succeeded "probe | new: the probe's TSV is new's input"
is "$(printf '%s\n' "$out" | tsv_column canonical_url | tr '\n' ' ')" \
    "https://item.taobao.com/item.htm?id=1601 https://item.taobao.com/item.htm?id=1602 " \
    "both probed URLs filed"

# ---- --drop-bad: the passing URLs are filed, the rest listed ----
refuses 1 '3 of 5 URLs refused: nothing filed \(file the rest with --drop-bad\)' \
    "five URLs, three refused, without --drop-bad" \
    tb new 'https://item.taobao.com/item.htm?id=1701' 'not a url' \
    'https://item.taobao.com/item.htm?id=1702' \
    'https://detail.tmall.com/item.htm?id=1703' \
    'https://item.taobao.com/item.htm?id=1701&spm=again'
is "$(printf '%s\n' "$out" | tsv_rows)" 5 \
    "every URL has its verdict row, the refused ones too"
refuses 1 '3 of 5 URLs (would be )?refused' "check --drop-bad exits 1 when a URL would be refused" \
    tb check --drop-bad 'https://item.taobao.com/item.htm?id=1701' 'not a url' \
    'https://item.taobao.com/item.htm?id=1702' \
    'https://detail.tmall.com/item.htm?id=1703' \
    'https://item.taobao.com/item.htm?id=1701&spm=again'
snapshot
try tb new --drop-bad 'https://item.taobao.com/item.htm?id=1701' 'not a url' \
    'https://item.taobao.com/item.htm?id=1702' \
    'https://detail.tmall.com/item.htm?id=1703' \
    'https://item.taobao.com/item.htm?id=1701&spm=again'
is "$rc" 1 "--drop-bad with refused URLs still exits 1"
like "$err" 'complaint [0-9]+ filed with 2 URLs; 3 refused \(--drop-bad\)' \
    "stderr: filed with the two good URLs, three refused"
is "$(printf '%s\n' "$out" | tsv_rows)" 5 "all five listed"
C4=$(printf '%s\n' "$out" | tsv_get complaint_id)
like "$C4" '^[1-9][0-9]*$' "the first row, a good URL, names the complaint"
is "$(printf '%s\n' "$out" | tsv_column complaint_id | tr '\n' ' ')" \
    "$C4 \\N $C4 \\N \\N " "only the passing rows name the complaint"
v=$(printf '%s\n' "$out" | tsv_column verdict)
is "$(printf '%s\n' "$v" | sed -n 1p)" ok "URL 1 passes"
like "$(printf '%s\n' "$v" | sed -n 2p)" "'not a url'.*\(rule C5\)" \
    "URL 2: refused for its structure (C5)"
is "$(printf '%s\n' "$v" | sed -n 3p)" ok "URL 3 passes"
like "$(printf '%s\n' "$v" | sed -n 4p)" 'a tmall URL in a taobao complaint \(rule C1\)' \
    "URL 4: another platform's listing (C1)"
like "$(printf '%s\n' "$v" | sed -n 5p)" 'the same listing as URL 1 of this complaint \(rule C5\)' \
    "URL 5: the same listing as URL 1 (C5)"
is "$(sql "SELECT group_concat(listing_id, ' ') FROM (SELECT * FROM
    complaint_urls WHERE complaint_id = $C4 ORDER BY url_id) AS u")" \
    "1701 1702" \
    "the store has the two passing URLs only"

refuses 1 '1 of 1 URLs refused: nothing filed' \
    "--drop-bad with no passing URL files nothing" \
    tb new --drop-bad 'https://item.taobao.com/item.htm?id=1701'
like "$(printf '%s\n' "$out" | tsv_get verdict)" \
    "already in open complaint $C4 \\(rule C5\\)" \
    "the earlier complaint is named (C5)"

# ---- exit statuses of misuse ----
try as alice ipp-complain new --platform taobao --bogus
is "$rc" 2 "an unknown option is a usage error (exit 2)"
try as nobody ipp-complain new --platform taobao --ipr "$CN" --target listing \
    --reason tm-mark-in-text --supplement "$SUP" --no-check \
    'https://item.taobao.com/item.htm?id=1801'
is "$rc" 5 "not signed in: exit 5"

done_testing

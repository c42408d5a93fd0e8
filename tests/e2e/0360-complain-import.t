#!/bin/sh
# Bulk filing (C9): a CSV of 1,000 rows in 12 groups of (platform,
# region, IPR, target, reason), interleaved, with seven bad rows.
# Without --drop-bad nothing is filed and each bad row is reported as
# FILE:LINE with its rule; --dry-run shows the complaints and writes
# nothing; with --drop-bad the good rows become complaints of at most 300
# URLs, grouped correctly, evidence attached by content; the same file
# again is refused row by row (C5, open complaints); TSV works too, from
# a file or from stdin.
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
like "$A_ID" '^[0-9]+$' "alice is identity-verified"
CN=$(trademark_ipr alice CN TM-CN-1)
like "$CN" '^[0-9]+$' "a verified CN trademark"
HK=$(trademark_ipr alice HK TM-HK-1)
like "$HK" '^[0-9]+$' "a verified HK trademark"
SG=$(trademark_ipr alice SG TM-SG-1)
like "$SG" '^[0-9]+$' "a verified SG trademark"
make_jpeg "$tmp/statement.jpg"
CU=$(verified_ipr alice --type copyright --unregistered \
    --name 'Product photographs 2025' --statement "$tmp/statement.jpg")
like "$CU" '^[0-9]+$' "a verified unregistered copyright"
HK_LABEL=$(as alice ipp-ipr show "$HK" | show_field label)
is "$HK_LABEL" trademark/HK/TM-HK-1/Acme "the HK trademark's label (I8)"

d=$tmp/batch
mkdir -p "$d/evidence"
make_doc "$d/evidence/test-buy.pdf" 'test purchase of a fake ACME shoe'

# The groups: NUMBER PLATFORM REGION IPR TARGET REASON ROWS.  Group 1
# (350 rows) and group 2 (301) each make two complaints, the rest one:
# 14 complaints of 993 URLs.  Group 2 carries evidence.
cat >"$tmp/groups" <<EOF
1 taobao - $CN listing tm-mark-in-text 350
2 taobao - $CN listing tm-counterfeit-goods 301
3 tmall - $CN listing tm-mark-in-text 100
4 tmall-global - $HK_LABEL listing tm-mark-in-text 40
5 1688 - $CN listing tm-mark-in-images 30
6 alibaba - $CN listing tm-mark-in-text 30
7 aliexpress - $CN listing tm-mark-in-text 30
8 aliexpress - $CU listing cr-image-misappropriation 30
9 lazada sg $SG listing tm-mark-in-text 30
10 taobao - $CN storefront tm-store-name-logo 20
11 tmall-global - $CN listing tm-mark-in-text 19
12 alibaba - $CU listing cr-copied-text 13
EOF

SUP='Counterfeit or infringing goods sold under our rights.'

# make_csv FILE: the 1,000 rows, group by group in turn (row k of each
# group, then row k+1, ...), with the seven bad rows among them.
make_csv() {
	awk -v sup="$SUP" -v cn="$CN" '
	function url(p, region, target, id) {
		if (target == "storefront")
			return "https://shop" id ".taobao.com/"
		if (p == "taobao") return "https://item.taobao.com/item.htm?id=" id "&spm=a21wu." id
		if (p == "tmall") return "https://detail.tmall.com/item.htm?id=" id
		if (p == "tmall-global") return "https://detail.tmall.hk/hk/item.htm?id=" id
		if (p == "1688") return "https://detail.1688.com/offer/" id ".html"
		if (p == "alibaba") return "https://www.alibaba.com/product-detail/Acme-Shoes_" id ".html"
		if (p == "aliexpress") return "https://www.aliexpress.com/item/" id ".html"
		return "https://www.lazada." region "/products/acme-i" id "-s1.html"
	}
	function row(u, p, region, ipr, target, reason, ev) {
		printf "%s,%s,%s,\"%s\",%s,%s,\"%s\",%s\n", u, p, region, ipr,
		    target, reason, sup, ev
		data++
	}
	function bad() {
		# Seven bad rows, at fixed places among the data rows.
		if (data == 5)
			row("https://item.taobao.com/item.htm?spm=noid", "taobao", "", cn, "listing", "tm-mark-in-text", "")
		else if (data == 150)
			row("https://detail.tmall.com/item.htm?id=99999", "taobao", "", cn, "listing", "tm-mark-in-text", "")
		else if (data == 420)
			row("https://detail.tmall.com/item.htm?id=30001&spm=again", "tmall", "", cn, "listing", "tm-mark-in-text", "")
		else if (data == 600)
			row("https://item.taobao.com/item.htm?id=99998", "taobao", "", cn, "listing", "tm-made-up-reason", "")
		else if (data == 700)
			row("https://www.lazada.sg/products/acme-i99997-s1.html", "lazada", "sg", cn, "listing", "tm-mark-in-text", "")
		else if (data == 800)
			row("", "taobao", "", cn, "listing", "tm-mark-in-text", "")
		else if (data == 900)
			row("https://item.taobao.com/item.htm?id=99996", "taobao", "", "99999", "listing", "tm-mark-in-text", "")
		else
			return 0
		return 1
	}
	{ g = $1; p[g] = $2; r[g] = $3 == "-" ? "" : $3; ipr[g] = $4
	  t[g] = $5; why[g] = $6; n[g] = $7; if ($7 > max) max = $7; ng = g }
	END {
		print "url,platform,region,ipr,target,reason,supplement,evidence"
		for (k = 1; k <= max; k++)
			for (g = 1; g <= ng; g++) {
				if (k > n[g])
					continue
				while (bad())
					;
				row(url(p[g], r[g], t[g], g * 10000 + k), p[g], r[g],
				    ipr[g], t[g], why[g], g == 2 ? "evidence/test-buy.pdf" : "")
			}
	}' "$tmp/groups" >"$1"
}
make_csv "$d/batch.csv"
f=$d/batch.csv
is "$(($(wc -l <"$f") - 1))" 1000 "the file has 1,000 rows"

# line_of TEXT: the line of the first row containing TEXT.
line_of() {
	grep -n -F -- "$1" "$f" | head -1 | cut -d : -f 1
}
L_NOID=$(line_of 'item.htm?spm=noid')
L_OTHER=$(line_of 'id=99999,')
L_FIRST=$(line_of 'item.htm?id=30001,')
L_DUP=$(line_of 'id=30001&spm=again')
L_REASON=$(line_of 'tm-made-up-reason')
L_REGION=$(line_of 'acme-i99997')
L_NOURL=$(grep -n '^,taobao' "$f" | cut -d : -f 1)
L_NOIPR=$(line_of 'id=99996')

# refusals: the rows reported on stderr, as "LINE rule", in file order.
refusals() {
	printf '%s\n' "$err" | sed -n "s|^ipp-complain: $f:\\([0-9]*\\): .*(rules\\{0,1\\} \\([A-Z][0-9]*\\).*|\\1 \\2|p"
}
EXPECTED_REFUSALS="$L_NOID C5
$L_OTHER C1
$L_DUP C5
$L_REASON C4
$L_REGION C2
$L_NOURL C5
$L_NOIPR I7"

# ---- without --drop-bad: nothing filed, every bad row reported ----
docs_before=$(doc_files)
refuses 1 "$f: 7 of 1000 rows refused: nothing filed" \
    "the import with seven bad rows, without --drop-bad" \
    as alice ipp-complain import --no-check --force "$f"
is "$(refusals)" "$EXPECTED_REFUSALS" \
    "each bad row is reported as FILE:LINE with its rule, in file order"
like "$err" "$f:$L_NOID: .*no id.*\\(rule C5\\)" "line $L_NOID: a URL without an id (C5)"
like "$err" "$f:$L_OTHER: a tmall URL in a taobao complaint \\(rule C1\\)" \
    "line $L_OTHER: another platform's URL (C1)"
like "$err" "$f:$L_DUP: the same listing as line $L_FIRST \\(rule C5\\)" \
    "line $L_DUP: a listing twice in the file names the first line (C5)"
like "$err" "$f:$L_REASON: no reason code 'tm-made-up-reason'.*\\(rule C4\\)" \
    "line $L_REASON: an unknown reason code (C4)"
like "$err" "$f:$L_REGION: lazada-sg needs a right registered in SG.*\\(rule C2\\)" \
    "line $L_REGION: a CN right on lazada-sg (C2)"
like "$err" "$f:$L_NOURL: url: missing \\(rule C5\\)" "line $L_NOURL: no URL (C5)"
like "$err" "$f:$L_NOIPR: no IPR '99999' of the account \\(rule I7\\)" \
    "line $L_NOIPR: an IPR that is not the account's (I7)"
like "$err" "1000 rows, 7 refused; .* not filed" "the summary says nothing was filed"

# ---- --dry-run: the complaints it would file, nothing written ----
refuses 1 "would be filed" "--dry-run --drop-bad" \
    as alice ipp-complain import --dry-run --drop-bad --no-check --force "$f"
like "$(doc_files)" "^$docs_before\$" \
    "neither the refused import nor the dry run left the evidence under docs/ (D1)"
is "$(printf '%s\n' "$out" | head -1)" \
    "$(printf 'complaint_id\tplatform\tregion\tipr_id\ttarget\treason\turls')" \
    "import writes one row per complaint"
is "$(printf '%s\n' "$out" | tsv_rows)" 14 "14 complaints would be filed"
is "$(printf '%s\n' "$out" | tsv_column complaint_id | sort -u)" '\N' \
    "none has an id: nothing was filed"
is "$(printf '%s\n' "$out" | tsv_column urls | awk '{ s += $1 } END { print s }')" \
    993 "of the 993 good rows"
like "$err" "1000 rows, 7 refused; 14 complaints of 993 URLs would be filed" \
    "the dry run's summary"

# Without --force the ramp guard stops every complaint over 20 URLs (C9).
refuses 1 "rules C9, G4" "--dry-run without --force" \
    as alice ipp-complain import --dry-run --drop-bad --no-check "$f"
is "$(printf '%s\n' "$out" | tsv_column urls | tr '\n' ' ')" "1 20 19 13 " \
    "only complaints of at most 20 URLs would be filed: group 2's last URL, groups 10-12"

# ---- --drop-bad: the good rows filed, grouped ----
try as alice ipp-complain import --drop-bad --no-check --force "$f"
is "$rc" 1 "--drop-bad with refused rows exits 1"
is "$(refusals)" "$EXPECTED_REFUSALS" "the same seven rows are reported"
like "$err" "1000 rows, 7 refused; 14 complaints of 993 URLs filed" "the summary"
is "$(printf '%s\n' "$out" | tsv_rows)" 14 "14 complaints listed"
is "$(printf '%s\n' "$out" | tsv_column complaint_id | tr '\n' ' ')" \
    "$(sql "SELECT group_concat(complaint_id, ' ') || ' ' FROM complaints")" \
    "the ids listed are the complaints in the store"
is "$(sql "SELECT count(*) FROM complaint_urls")" 993 "993 URLs in the store"
is "$(sql "SELECT count(*) FROM complaints WHERE
    (SELECT count(*) FROM complaint_urls u WHERE u.complaint_id =
    complaints.complaint_id) NOT BETWEEN 1 AND 300")" 0 \
    "every complaint has 1 to 300 URLs (C5, C9)"

# Per group: its complaints' sizes, in filing order.
# (Joined here, in filing order: an aggregate's order is SQLite's own.)
sql "SELECT c.platform, coalesce(c.region, '-'), c.ipr_id, c.target,
    c.reason, (SELECT count(*) FROM complaint_urls u
    WHERE u.complaint_id = c.complaint_id) FROM complaints c
    ORDER BY c.complaint_id" | awk -F '|' '{ k = $1 " " $2 " " $3 " " $4 " " $5
	if (k in n) n[k] = n[k] "+" $6
	else { order[++m] = k; n[k] = $6 } }
    END { for (i = 1; i <= m; i++) print order[i], n[order[i]] }' |
    sort >"$tmp/got-groups"
awk -v hk="$HK" '{ ipr = $4 ~ /\// ? hk : $4
	sizes = $7 > 300 ? "300+" ($7 - 300) : $7
	print $2, $3, ipr, $5, $6, sizes }' "$tmp/groups" | sort >"$tmp/want-groups"
if cmp -s "$tmp/got-groups" "$tmp/want-groups"; then
	pass "12 groups, each in complaints of 300 and the rest (C9)"
else
	fail "12 groups, each in complaints of 300 and the rest (C9)" \
	    "$(diff "$tmp/want-groups" "$tmp/got-groups")"
fi
is "$(sql "SELECT count(*) FROM complaint_urls u JOIN complaints c USING
    (complaint_id) WHERE c.platform = 'tmall' AND u.listing_id BETWEEN '30001'
    AND '30100'")" 100 "the tmall group's rows are all in tmall complaints"
is "$(sql "SELECT count(*) FROM complaint_urls u JOIN complaints c USING
    (complaint_id) WHERE $(int_of u.listing_id) / 10000 = 1
    AND NOT (c.platform = 'taobao' AND c.reason = 'tm-mark-in-text'
    AND c.target = 'listing')")" 0 "no row of group 1 landed in another group"
is "$(sql "SELECT count(*) FROM complaint_urls WHERE listing_id IN
    ('99999', '99998', '99997', '99996')")" 0 "no bad row was filed"
is "$(sql "SELECT count(*) FROM complaint_urls WHERE canonical_url =
    'https://detail.tmall.com/item.htm?id=30001'")" 1 \
    "the listing twice in the file is filed once"
is "$(sql "SELECT group_concat(DISTINCT e.sha256) FROM complaint_evidence e
    JOIN complaints c USING (complaint_id)
    WHERE c.reason = 'tm-counterfeit-goods'")" "$(sha "$d/evidence/test-buy.pdf")" \
    "the counterfeit complaints have the evidence named relative to the file (D1)"
is "$(sql "SELECT count(*) FROM complaint_evidence")" 2 \
    "on both of them, and on no other complaint"
is "$(sql "SELECT count(DISTINCT supplement) || ' ' || min(supplement) FROM complaints")" \
    "1 $SUP" "the supplement is stored (C7)"

# ---- the supplement is the row's (C7) ----
# Rows of one group are one complaint with one supplement: a row whose
# own supplement is too short is refused, and a good row is not refused
# for another row's supplement.
{
	echo 'url,platform,ipr,target,reason,supplement'
	echo "$(listing_url tmall 95001),tmall,$CN,listing,tm-similar-mark,short"
	echo "$(listing_url tmall 95002),tmall,$CN,listing,tm-similar-mark,\"$SUP\""
} >"$d/supplements.csv"
try as alice ipp-complain import --drop-bad --no-check "$d/supplements.csv"
like "$err" "supplements.csv:2: .*5 given \(rule C7\)" \
    "a row with a supplement of 5 characters is refused (C7)"
like "$err" "supplements.csv: 2 rows, 1 refused" \
    "the next row of the group, with its own good supplement, is filed"
{
	echo 'url,platform,ipr,target,reason,supplement'
	echo "$(listing_url tmall 95003),tmall,$CN,listing,tm-mark-in-images,\"$SUP\""
	echo "$(listing_url tmall 95004),tmall,$CN,listing,tm-mark-in-images,short"
} >"$d/supplements2.csv"
try as alice ipp-complain import --drop-bad --no-check "$d/supplements2.csv"
like "$err" "supplements2.csv:3: .*\(rule C7\)" \
    "a short supplement after a good one in its group is refused too (C7)"

# ---- the same file again: every row is in an open complaint (C5) ----
snapshot
try as alice ipp-complain import --drop-bad --no-check --force "$f"
is "$rc" 1 "the same file again: exit 1"
unchanged "the same file again"
is "$(printf '%s\n' "$err" | grep -c 'already in open complaint [0-9]* (rule C5)')" \
    993 "each good row is already in an open complaint (C5)"
first_tmall=$(sql "SELECT complaint_id FROM complaint_urls WHERE canonical_url =
    'https://detail.tmall.com/item.htm?id=30001'")
like "$err" "$f:$L_FIRST: already in open complaint $first_tmall \\(rule C5\\)" \
    "the message names the complaint that has the listing"

# ---- C5 inside one import: twice in a group, and across two groups ----
# The second group's listing 96030 is filed by the first group's
# complaint, inserted earlier in the same import: the unique index
# finds it inside a statement of many URLs, and only that row is
# refused; the other 59 are filed, each with its filing move.
{
	echo 'url,platform,ipr,target,reason,supplement'
	echo "$(listing_url tmall 96030),tmall,$CN,listing,tm-similar-mark,\"$SUP\""
	listing_urls tmall 96001 60 | awk -v ipr="$CN" -v sup="$SUP" '
	    { print $0 ",tmall," ipr ",listing,tm-counterfeit-goods,\"" sup "\"" }
	    NR == 10 { print $0 ",tmall," ipr ",listing,tm-counterfeit-goods,\"" \
	    sup "\"" }'
} >"$d/twice.csv"
try as alice ipp-complain import --drop-bad --no-check --force "$d/twice.csv"
is "$rc" 1 "a listing twice in one import: exit 1 (--drop-bad)"
like "$err" "twice.csv:13: the same listing as line 12 \\(rule C5\\)" \
    "twice in a group: the later line names the earlier (C5)"
single=$(sql "SELECT complaint_id FROM complaint_urls WHERE canonical_url =
    'https://detail.tmall.com/item.htm?id=96030'")
like "$err" "twice.csv:33: already in open complaint $single \\(rule C5\\)" \
    "in two groups: the later one is refused at insert time (C5)"
like "$err" "twice.csv: 62 rows, 2 refused" "the other rows are filed"
is "$(sql "SELECT count(*) FROM complaint_urls u JOIN url_moves m
    ON m.url_id = u.url_id AND m.from_state IS NULL
    WHERE u.canonical_url LIKE '%id=960__'")" 60 \
    "60 listings filed, each with one filing move"

# ---- TSV, from a file and from stdin ----
{
	printf 'url\tplatform\tregion\tipr\ttarget\treason\tsupplement\n'
	listing_urls tmall 70001 15 | awk -v ipr="$CN" -v sup="$SUP" \
	    '{ print $0 "\ttmall\t\\N\t" ipr "\tlisting\ttm-mark-in-text\t" sup }'
	listing_urls lazada-sg 70001 5 | awk -v ipr="$SG" -v sup="$SUP" \
	    '{ print $0 "\tlazada\tsg\t" ipr "\tlisting\ttm-similar-mark\t" sup }'
} >"$d/more.tsv"
try as alice ipp-complain import --no-check "$d/more.tsv"
succeeded "a TSV of 20 rows in two groups, no --force needed"
is "$(printf '%s\n' "$out" | tsv_column urls | tr '\n' ' ')" "15 5 " \
    "two complaints: 15 tmall URLs, 5 lazada-sg URLs"
is "$(printf '%s\n' "$out" | tsv_column region | tr '\n' ' ')" '\N sg ' \
    "the region is kept for lazada only"

listing_urls 1688 80001 3 | awk -v ipr="$CN" -v sup="$SUP" 'BEGIN {
	print "platform\turl\treason\ttarget\tipr\tsupplement\textra" }
	{ print "1688\t" $0 "\ttm-mark-in-text\tlisting\t" ipr "\t" sup "\tx" }' \
    >"$tmp/stdin.tsv"
try as alice sh -c "ipp-complain import --no-check - <'$tmp/stdin.tsv'"
succeeded "TSV on stdin (-), columns in any order, extra ones ignored"
is "$(printf '%s\n' "$out" | tsv_get urls)" 3 "three 1688 URLs filed"

# ---- malformed files ----
printf 'url,platform,ipr,target\n%s,taobao,%s,listing\n' \
    "$(listing_url taobao 90001)" "$CN" >"$d/no-reason.csv"
refuses 4 "no-reason.csv:1: missing column 'reason'" "a file without a reason column" \
    as alice ipp-complain import --no-check "$d/no-reason.csv"
printf 'url,platform,region,ipr,target,reason,supplement\n"%s,taobao\n' \
    "$(listing_url taobao 90002)" >"$d/open-quote.csv"
refuses 4 "open-quote.csv:2: " "a quote left open (exit 4, FILE:LINE)" \
    as alice ipp-complain import --no-check "$d/open-quote.csv"
refuses 4 "cannot open" "a file that is not there" \
    as alice ipp-complain import --no-check "$d/nothing.csv"
try as alice ipp-complain import --no-check
is "$rc" 2 "import needs a file: usage error"

# ---- C5 before C9: the listings already open are refused as such ----
# The three 1688 listings above and 20 new ones, without --force: the
# three are refused as duplicates (C5), in file order, and the 20 left
# are within the ramp (C9).
listing_urls 1688 80001 23 | awk -v ipr="$CN" -v sup="$SUP" 'BEGIN {
	print "platform\turl\treason\ttarget\tipr\tsupplement" }
	{ print "1688\t" $0 "\ttm-mark-in-text\tlisting\t" ipr "\t" sup }' \
    >"$d/again.tsv"
try as alice ipp-complain import --no-check --drop-bad "$d/again.tsv"
is "$rc" 1 "23 rows, 3 of them open already: exit 1 with --drop-bad"
is "$(printf '%s\n' "$err" | sed -n 's/^ipp-complain: [^:]*:\([0-9]*\): already in open complaint [0-9]* (rule C5)$/\1/p' |
    tr '\n' ' ')" "2 3 4 " "lines 2-4 refused as open duplicates (C5), in order"
unlike "$err" "rule C9" "C9 does not count the duplicates"
is "$(printf '%s\n' "$out" | tsv_get urls)" 20 "the 20 new listings filed"

done_testing

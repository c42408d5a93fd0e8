#!/bin/sh
# A bulk import killed with SIGKILL mid-way leaves no half complaint
# (C9, C5): 200,000 rows in 5 groups, imported with --drop-bad (whole
# complaints committed in batches); once the store shows some, the
# import is killed.  Then: PRAGMA integrity_check is ok, every complaint
# has exactly the 300 URLs the import gave it (only a group's last one
# may be shorter, and the import never got there), the ids it printed are
# those committed, no URL row lacks its complaint, every URL is in its
# group's complaint; and importing the file again files exactly the rest.
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
like "$A_ID" '^[0-9]+$' "alice is identity-verified"
CN=$(trademark_ipr alice CN TM-CN-1)
like "$CN" '^[0-9]+$' "a verified CN trademark"

# 40,000 rows per group, interleaved: 133 complaints of 300 and one of
# 100 each, if it ran to the end.
ROWS_PER_GROUP=40000
f=$tmp/big.csv
awk -v cn="$CN" -v n="$ROWS_PER_GROUP" 'BEGIN {
	print "url,platform,region,ipr,target,reason,supplement"
	split("taobao tmall 1688 aliexpress alibaba", p, " ")
	for (k = 1; k <= n; k++)
		for (g = 1; g <= 5; g++) {
			id = g * 1000000 + k
			if (g == 1) u = "https://item.taobao.com/item.htm?id=" id
			if (g == 2) u = "https://detail.tmall.com/item.htm?id=" id
			if (g == 3) u = "https://detail.1688.com/offer/" id ".html"
			if (g == 4) u = "https://www.aliexpress.com/item/" id ".html"
			if (g == 5) u = "https://www.alibaba.com/product-detail/Acme_" id ".html"
			print u "," p[g] ",," cn ",listing,tm-mark-in-text," \
			    "Counterfeit goods sold under our registered mark"
		}
}' >"$f"
is "$(($(wc -l <"$f") - 1))" 200000 "200,000 rows"

# complaints_in_store: the number of complaints committed (WAL: a reader
# does not wait for the writer).
complaints_in_store() {
	if on_pg; then
		sql 'SELECT count(*) FROM complaints' 2>/dev/null || echo 0
		return
	fi
	sqlite3 -cmd '.timeout 2000' "$IPP_DB" \
	    'SELECT count(*) FROM complaints' 2>/dev/null || echo 0
}

# Not through `as` (a subshell): $! must be ipp-complain itself.
HOME=$tmp/home-alice XDG_STATE_HOME=$tmp/state-alice \
    ipp-complain import --no-check --drop-bad --force "$f" \
    >"$tmp/import.out" 2>"$tmp/import.err" &
pid=$!
at_exit "kill -9 $pid 2>/dev/null"
# Poll for the first committed batch, at most 15 s; then let the next
# transaction get going before the kill.
i=0
while [ "$(complaints_in_store)" -eq 0 ] && [ $i -lt 300 ] &&
    kill -0 "$pid" 2>/dev/null; do
	sleep 0.05
	i=$((i + 1))
done
sleep 0.2
kill -9 "$pid" 2>/dev/null
{ wait "$pid"; } 2>/dev/null
status=$?
is "$status" 137 "the import was killed by SIGKILL mid-way"
if [ "$status" -ne 137 ]; then
	diag "the import ended before the kill: $(cat "$tmp/import.err")"
fi

if on_pg; then
	skip "PRAGMA integrity_check: ok" "SQLite's file check"
	skip "no foreign key is broken" "PostgreSQL enforces every key"
else
	if on_pg; then
	skip "PRAGMA integrity_check: ok" "SQLite's file check"
else
	is "$(sql 'PRAGMA integrity_check')" ok "PRAGMA integrity_check: ok"
fi
	is "$(sql 'PRAGMA foreign_key_check')" '' "no foreign key is broken"
fi
N=$(sql 'SELECT count(*) FROM complaints')
# Each complaint is printed as its transaction commits (issue 8, defect
# 9): the killed import has printed the ones committed, every one but
# at most those of the batch it was printing when killed (167).
tsv_column complaint_id <"$tmp/import.out" | sort -n >"$tmp/printed"
sql 'SELECT complaint_id FROM complaints ORDER BY complaint_id' >"$tmp/stored"
P=$(wc -l <"$tmp/printed")
like "$P" '^[1-9][0-9]*$' "the killed import had printed complaints ($P)"
is "$(comm -23 "$tmp/printed" "$tmp/stored" | wc -l)" 0 \
    "every complaint it printed is in the store"
if [ $((N - P)) -lt 167 ]; then
	pass "it printed the committed ones ($P of $N)"
else
	fail "it printed the committed ones" "$P printed, $N committed"
fi
U=$(sql 'SELECT count(*) FROM complaint_urls')
echo "# killed with $N complaints of $U URLs in the store"
like "$N" '^[1-9][0-9]*$' "some complaints were committed before the kill"
if [ "$U" -lt 200000 ]; then
	pass "not all of them: the kill came mid-way ($U URLs)"
else
	fail "not all of them: the kill came mid-way" "$U URLs"
fi
is "$(sql "SELECT count(*) FROM complaints c WHERE (SELECT count(*)
    FROM complaint_urls u WHERE u.complaint_id = c.complaint_id) <> 300")" 0 \
    "every complaint has its 300 URLs: none is half there"
is "$((U % 300))" 0 "so the URLs are a multiple of 300"
is "$(sql "SELECT count(*) FROM complaint_urls WHERE complaint_id NOT IN
    (SELECT complaint_id FROM complaints)")" 0 "no URL row without its complaint"
is "$(sql "SELECT count(*) FROM complaint_urls u JOIN complaints c
    USING (complaint_id) WHERE $(int_of u.listing_id) / 1000000 <>
    CASE c.platform WHEN 'taobao' THEN 1 WHEN 'tmall' THEN 2
    WHEN '1688' THEN 3 WHEN 'aliexpress' THEN 4 ELSE 5 END")" 0 \
    "every URL is in a complaint of its own group"
is "$(sql "SELECT count(*) FROM (SELECT canonical_url FROM complaint_urls
    GROUP BY canonical_url HAVING count(*) > 1) AS d")" 0 "no URL twice"
# Within a group, the import fills complaints in file order: the n-th
# complaint of a group has rows (n-1)*300+1 .. n*300 of that group.
is "$(sql "SELECT count(*) FROM (SELECT c.complaint_id, c.platform,
    min($(int_of u.listing_id) % 1000000) AS lo,
    max($(int_of u.listing_id) % 1000000) AS hi,
    (SELECT count(*) FROM complaints e WHERE e.platform = c.platform
    AND e.complaint_id < c.complaint_id) AS before
    FROM complaints c JOIN complaint_urls u USING (complaint_id)
    GROUP BY c.complaint_id) AS g WHERE lo <> before * 300 + 1
    OR hi <> before * 300 + 300")" 0 \
    "each complaint holds the 300 consecutive rows of its group the import gave it"

# The store is usable: the same file again files exactly the rest.
try as alice ipp-complain import --no-check --drop-bad --force "$f"
is "$rc" 1 "the file again: the rows filed before the kill are refused (C5)"
like "$err" "200000 rows, $U refused; " "exactly the $U URLs in the store are refused"
is "$(sql 'SELECT count(*) FROM complaint_urls')" 200000 \
    "and now all 200,000 URLs are filed"
is "$(sql "SELECT count(*) FROM complaints c WHERE (SELECT count(*)
    FROM complaint_urls u WHERE u.complaint_id = c.complaint_id)
    NOT BETWEEN 1 AND 300")" 0 "in complaints of 1 to 300 URLs"
if on_pg; then
	skip "PRAGMA integrity_check: ok" "SQLite's file check"
else
	is "$(sql 'PRAGMA integrity_check')" ok "PRAGMA integrity_check: ok"
fi

done_testing

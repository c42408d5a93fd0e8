#!/bin/sh
# Bulk filing: `ipp-complain import --no-check --force --drop-bad` of a
# ROWS-row (default 1,000,000) CSV of valid listing URLs over every
# platform (Lazada in Singapore and Malaysia), backed by 5 IPRs whose
# jurisdictions fit (C2) and 3 reasons, every row checked (C1-C5, C7,
# C9, I7) and grouped into complaints of 300, against sqlite3's .import
# of the same file into a bare table, the floor of storing those rows
# (goal: >= 0.5x its rows per second).  Peak memory (RSS) of the import
# at ROWS/10 and ROWS rows (goal: flat).  Then `ipp-complain urls` over
# the ROWS URLs against the sqlite3 CLI printing the same columns as TSV
# (goal: <= 1.2x), their outputs compared byte for byte.  Times are the
# best of RUNS (default 3) on a fresh store.  Needs IPP_BIN.
set -eu

rows=${ROWS:-1000000}
small=$((rows / 10))
. "$(dirname "$0")/lib.sh"
bench_init complain-import ipp-register ipp-ipr ipp-complain

# ---- A verified account with five verified trademarks ----
verified_owner
# Two CN marks (taobao, tmall, 1688), HK (tmall-global), SG and MY
# (their Lazada sites); aliexpress and alibaba take any of them (C2).
iprs=
for j in CN-1 CN-2 HK-1 SG-1 MY-1; do
	paper "$tmp/cert-$j.pdf" "certificate $j"
	id=$(as owner ipp-ipr add --type trademark --name BRAND \
	    --number "TM-$j" --registrant 'Bench Brand Ltd' \
	    --jurisdiction "${j%-*}" --expires 2034-12-31 --class 25 \
	    --brand Brand --certificate "$tmp/cert-$j.pdf" | column ipr_id)
	iprs="$iprs $id"
done
# shellcheck disable=SC2086
as handler ipp-ipr verify $iprs >/dev/null
set -- $iprs
CN1=$1 CN2=$2 HK=$3 SG=$4 MY=$5
save_store

# ---- The data: one row a listing, round robin over platform, IPR, reason ----
# make_csv N FILE
make_csv() {
	awk -v n="$1" -v cn1="$CN1" -v cn2="$CN2" -v hk="$HK" -v sg="$SG" \
	    -v my="$MY" 'BEGIN {
		np = split("taobao tmall tmall-global 1688 alibaba aliexpress lazada-sg lazada-my", p, " ")
		split("tm-mark-in-text tm-mark-in-images tm-counterfeit-goods", why, " ")
		print "url,platform,region,ipr,target,reason,supplement"
		for (i = 1; i <= n; i++) {
			id = 100000000 + i
			pl = p[1 + i % np]
			k = int(i / np) % 2
			region = ""
			if (pl == "taobao") { u = "https://item.taobao.com/item.htm?id=" id; ipr = k ? cn1 : cn2 }
			else if (pl == "tmall") { u = "https://detail.tmall.com/item.htm?id=" id; ipr = k ? cn1 : cn2 }
			else if (pl == "tmall-global") { u = "https://detail.tmall.hk/hk/item.htm?id=" id; ipr = k ? cn1 : hk }
			else if (pl == "1688") { u = "https://detail.1688.com/offer/" id ".html"; ipr = k ? cn1 : cn2 }
			else if (pl == "alibaba") { u = "https://www.alibaba.com/product-detail/Brand-Shoes_" id ".html"; ipr = k ? hk : sg }
			else if (pl == "aliexpress") { u = "https://www.aliexpress.com/item/" id ".html"; ipr = k ? cn1 : my }
			else if (pl == "lazada-sg") { u = "https://www.lazada.sg/products/brand-shoes-i" id "-s1.html"; pl = "lazada"; region = "sg"; ipr = sg }
			else { u = "https://www.lazada.com.my/products/brand-shoes-i" id "-s1.html"; pl = "lazada"; region = "my"; ipr = my }
			printf "%s,%s,%s,%s,listing,%s,Goods sold under our registered mark\n",
			    u, pl, region, ipr, why[1 + int(i / 7) % 3]
		}
	}' >"$2"
}
make_csv "$rows" "$tmp/big.csv"
make_csv "$small" "$tmp/small.csv"

# peak CMD...: runs CMD; its peak RSS in KiB goes to $tmp/peak.  With
# /usr/bin/time when there is one, else VmHWM read from /proc while it
# runs (a sample every 50 ms).
if [ -x /usr/bin/time ] && /usr/bin/time -o /dev/null -f %M true 2>/dev/null; then
	peak() {
		/usr/bin/time -o "$tmp/peak" -f %M "$@"
	}
else
	peak() {
		"$@" &
		_pid=$!
		_hwm=0
		while kill -0 "$_pid" 2>/dev/null; do
			_h=$(awk '/^VmHWM:/ { print $2 }' "/proc/$_pid/status" \
			    2>/dev/null || true)
			[ -n "$_h" ] && _hwm=$_h
			sleep 0.05
		done
		_st=0
		wait "$_pid" || _st=$?
		echo "$_hwm" >"$tmp/peak"
		return "$_st"
	}
fi

# import FILE: the import on a fresh store.  Every row is valid, so it
# must exit 0 with none refused.
import() {
	reset_store
	st=0
	XDG_STATE_HOME=$tmp/state-owner peak ipp-complain import --no-check \
	    --force --drop-bad "$1" >"$tmp/import.out" 2>"$tmp/import.err" ||
	    st=$?
	if [ "$st" -ne 0 ] || ! grep -q ', 0 refused;' "$tmp/import.err"; then
		echo "complain-import.sh: the import failed (exit $st):" >&2
		head -5 "$tmp/import.err" >&2
		exit 1
	fi
}

sqlite_import() {
	rm -f "$tmp/bare.db"
	sqlite3 "$tmp/bare.db" '.mode csv' ".import $1 rows"
}

# ---- Import: ipp against sqlite3, and memory at ROWS/10 and ROWS ----
import "$tmp/small.csv"
rss_small=$(tail -1 "$tmp/peak")
t_ipp=$(best import "$tmp/big.csv")
rss_big=$(tail -1 "$tmp/peak")
t_sql=$(best sqlite_import "$tmp/big.csv")

stored=$(sqlite3 "$IPP_DB" 'SELECT count(*) FROM complaint_urls')
complaints=$(sqlite3 "$IPP_DB" 'SELECT count(*) FROM complaints')
largest=$(sqlite3 "$IPP_DB" 'SELECT max(n) FROM (SELECT count(*) AS n
    FROM complaint_urls GROUP BY complaint_id)')
groups=$(sqlite3 "$IPP_DB" 'SELECT count(*) FROM (SELECT DISTINCT platform,
    region, ipr_id, reason FROM complaints)')
bare=$(sqlite3 "$tmp/bare.db" 'SELECT count(*) FROM rows')
if [ "$stored" -ne "$rows" ] || [ "$bare" -ne "$rows" ] ||
    [ "$largest" -gt 300 ]; then
	echo "complain-import.sh: stored $stored URLs (largest complaint" \
	    "$largest) and $bare bare rows of $rows" >&2
	exit 1
fi

awk -v rows="$rows" -v ti="$t_ipp" -v ts="$t_sql" -v c="$complaints" \
    -v g="$groups" -v runs="$runs" 'BEGIN {
	if (ti <= 0) ti = 0.001
	if (ts <= 0) ts = 0.001
	printf "complain-import: %d rows in %d groups -> %d complaints: " \
	    "ipp %.2f s (%.0f rows/s), sqlite3 .import %.2f s " \
	    "(%.0f rows/s), ratio %.2fx (goal >= 0.5x); best of %d\n",
	    rows, g, c, ti, rows / ti, ts, rows / ts, ts / ti, runs
}'
awk -v s="$small" -v b="$rows" -v ms="$rss_small" -v mb="$rss_big" 'BEGIN {
	printf "complain-import: peak memory %.1f MiB at %d rows, " \
	    "%.1f MiB at %d rows, ratio %.2fx (goal: flat)\n",
	    ms / 1024, s, mb / 1024, b, (ms > 0 ? mb / ms : 0)
}'

# ---- urls: ipp against the sqlite3 CLI, the same TSV ----
run_urls() {
	as owner ipp-complain urls >"$tmp/urls.ipp"
}
run_sqlite_urls() {
	sqlite3 "$IPP_DB" '.headers on' '.mode tabs' \
	    "SELECT u.url_id, u.complaint_id, u.url, u.canonical_url, u.state,
	    u.updated_at FROM complaint_urls u JOIN complaints c
	    ON c.complaint_id = u.complaint_id
	    WHERE u.account_id = $OWNER_ID
	    ORDER BY u.url_id" >"$tmp/urls.sql"
}
t_urls=$(best run_urls)
t_sqlurls=$(best run_sqlite_urls)
if ! cmp -s "$tmp/urls.ipp" "$tmp/urls.sql"; then
	echo "complain-import.sh: ipp-complain urls and sqlite3 differ:" >&2
	diff "$tmp/urls.ipp" "$tmp/urls.sql" | head -5 >&2
	exit 1
fi
awk -v rows="$rows" -v ti="$t_urls" -v ts="$t_sqlurls" -v runs="$runs" 'BEGIN {
	if (ti <= 0) ti = 0.001
	if (ts <= 0) ts = 0.001
	printf "complain-urls: %d URL rows as TSV: ipp %.2f s, sqlite3 %.2f s, " \
	    "ratio %.2fx (goal <= 1.2x), the same bytes; best of %d\n",
	    rows, ti, ts, ti / ts, runs
}'

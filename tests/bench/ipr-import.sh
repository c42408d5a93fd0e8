#!/bin/sh
# IPR import: `ipp-ipr import` of a ROWS-row (default 100,000) TSV of
# trademarks, patents and copyrights whose documents are a few shared
# PDFs, every row checked (I1-I8, D2) and stored in one transaction,
# against sqlite3's `.import` of the same file into a bare table with no
# constraint, the floor of what storing those rows costs.  Each is timed
# on a fresh store, best of RUNS (default 3); the ratio is ipp's rows per
# second over sqlite3's.  Needs IPP_BIN.
set -eu

rows=${ROWS:-100000}
. "$(dirname "$0")/lib.sh"
bench_init ipr-import ipp-register ipp-ipr

# ---- A store with an identity-verified account, as `make demo` makes ----
verified_owner

# ---- The data: shared papers, one row an IPR ----
mkdir -p "$tmp/data/papers"
for p in tm-1 tm-2 tm-3 tm-4 pt-1 pt-2 eval-1 eval-2 statement; do
	paper "$tmp/data/papers/$p.pdf" "$p"
done
LC_ALL=C awk -v rows="$rows" 'BEGIN {
	n = split("CN HK TW SG US GB DE FR JP KR", cc, " ")
	split("invention utility-model design", kind, " ")
	OFS = "\t"
	print "type", "name", "number", "registrant", "jurisdiction",
	    "expires", "classes", "brand", "kind", "unregistered",
	    "certificate", "statement", "evaluation_report"
	for (i = 1; i <= rows; i++) {
		j = cc[1 + i % n]
		ex = sprintf("20%02d-%02d-%02d", 30 + i % 10, 1 + i % 12,
		    1 + i % 28)
		cls = (1 + i % 45) ";" (1 + (i * 7) % 45)
		r = i % 10
		if (r < 7)
			print "trademark", "BRAND " i % 997, "TM-" i,
			    "Bench Brand Ltd", j, ex, cls, "Brand " i % 31, "",
			    "no", "papers/tm-" 1 + i % 4 ".pdf", "", ""
		else if (r < 9)
			print "patent", "Device " i, "PT-" i, "", j, ex, "", "",
			    kind[1 + i % 3], "no", "papers/pt-" 1 + i % 2 ".pdf",
			    "", "papers/eval-" 1 + i % 2 ".pdf"
		else
			print "copyright", "Photographs " i, "", "", "", "",
			    "", "", "", "yes", "", "papers/statement.pdf", ""
	}
}' >"$tmp/data/iprs.tsv"

# Each run starts from the store as set up: no IPR, no paper.
save_store

run_ipp() {
	reset_store
	as owner ipp-ipr import "$tmp/data/iprs.tsv" 2>"$tmp/ipp.err" || {
		echo "ipr-import.sh: ipp-ipr import failed:" >&2
		head -5 "$tmp/ipp.err" >&2
		exit 1
	}
}

# .import creates the table from the header row: TEXT columns, no key.
run_sqlite() {
	rm -f "$tmp/bare.db"
	sqlite3 "$tmp/bare.db" '.mode tabs' ".import $tmp/data/iprs.tsv iprs"
}

t_ipp=$(best run_ipp)
t_sql=$(best run_sqlite)

# The last runs must have stored every row, and each paper once (D1).
stored=$(sqlite3 "$IPP_DB" 'SELECT count(*) FROM iprs')
papers=$(sqlite3 "$IPP_DB" "SELECT count(DISTINCT sha256) FROM ipr_documents")
bare=$(sqlite3 "$tmp/bare.db" 'SELECT count(*) FROM iprs')
if [ "$stored" -ne "$rows" ] || [ "$bare" -ne "$rows" ]; then
	echo "ipr-import.sh: stored $stored IPRs and $bare bare rows of $rows" >&2
	exit 1
fi
docs=$(find "$tmp/setup/docs" -type f | wc -l)

awk -v rows="$rows" -v ti="$t_ipp" -v ts="$t_sql" -v p="$papers" \
    -v d="$docs" 'BEGIN {
	if (ti <= 0) ti = 0.001
	if (ts <= 0) ts = 0.001
	printf "ipr-import: %d rows: ipp %.1f s (%.0f rows/s), " \
	    "sqlite3 .import %.1f s (%.0f rows/s), ratio %.2fx\n",
	    rows, ti, rows / ti, ts, rows / ts, ts / ti
	printf "ipr-import: %d shared papers cited, %d files under docs/ " \
	    "(the identity document included)\n", p, d
}'

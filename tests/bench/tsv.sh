#!/bin/sh
# The TSV layer against cut(1): a ROWS-row (default 5,000,000), 6-column
# file read and written back through the library by tsvcopy, against
# `cut -f2` on the same file, best of 3 each; then tsvcopy's peak RSS on
# a file a fifth that size and on the whole file, to show that memory
# stays flat.  Goal (issue 2): ipp's bytes per second >= cut's.
# Needs IPP_HELPERS, the directory holding tsvcopy.
set -eu

rows=${ROWS:-5000000}
tsvcopy=${IPP_HELPERS:?IPP_HELPERS is not set}/tsvcopy
[ -x "$tsvcopy" ] || { echo "tsv.sh: no $tsvcopy" >&2; exit 1; }
case $tsvcopy in /*) ;; *) tsvcopy=$(pwd)/$tsvcopy ;; esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipp-bench-tsv.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' HUP INT TERM

# Seconds since the epoch with a fraction: GNU date, else perl.
if [ "$(date +%N)" != N ] && [ -n "$(date +%N)" ]; then
	now() { date +%s.%N; }
else
	now() { perl -MTime::HiRes=time -e 'printf "%.6f\n", time'; }
fi

# best CMD...: the least wall time of three runs, in seconds.
best() {
	b=
	for i in 1 2 3; do
		t0=$(now)
		"$@"
		t1=$(now)
		b=$(awk -v a="$t0" -v z="$t1" -v b="$b" \
		    'BEGIN { t = z - a; if (b == "" || t < b + 0) b = t;
		    printf "%.3f\n", b }')
	done
	echo "$b"
}

run_ipp() { "$tsvcopy" < "$tmp/in.tsv" > /dev/null; }
run_cut() { cut -f2 "$tmp/in.tsv" > /dev/null; }

# Rows of what the tools pass around: ids, URLs, states, emails, times,
# free text; one row in 20 has an escape, one in 50 a NULL, one in 40
# non-ASCII text.  All in canonical form, so tsvcopy's output is the
# input byte for byte.
LC_ALL=C awk -v rows="$rows" 'BEGIN {
	split("unverified active identity-pending identity-verified " \
	    "identity-rejected", state, " ")
	split("Counterfeit goods sold under the registered mark|" \
	    "Unauthorised copy of product photos|Listing uses our logo|" \
	    "Design patent infringement, see attached certificate|" \
	    "Seller claims authorised distribution", note, "|")
	split("line one\\nline two|tab\\tinside|path C:\\\\tmp\\\\x|" \
	    "caf\303\251 \345\225\206\346\240\207|\\N", odd, "|")
	srand(1)
	print "complaint_id\turl\tstate\temail\tcreated_at\tnote"
	for (i = 1; i <= rows; i++) {
		r = int(rand() * 1000)
		n = note[1 + i % 5]
		if (r < 50)
			n = n " " odd[1 + r % 3]
		else if (r < 75)
			n = n " " odd[4]
		else if (r < 95)
			n = odd[5]
		printf "%d\thttps://shop%d.example.com/item/%d?sku=%x\t%s" \
		    "\tseller%d@example.net\t2024-%02d-%02dT%02d:%02d:%02dZ" \
		    "\t%s\n",
		    i, r % 97, 100000 + i * 7, (i * 40503 + 12345) % 16777216,
		    state[1 + r % 5], r * 31 + i % 1000, 1 + i % 12,
		    1 + i % 28, i % 24, i % 60, (i * 7) % 60, n
	}
}' > "$tmp/in.tsv"

# The library must give back what it was given.
"$tsvcopy" < "$tmp/in.tsv" | cmp -s - "$tmp/in.tsv" || {
	echo "tsv.sh: tsvcopy changed the file" >&2
	exit 1
}

bytes=$(wc -c < "$tmp/in.tsv")
t_ipp=$(best run_ipp)
t_cut=$(best run_cut)

# Peak RSS (KiB) of tsvcopy on a file of N data rows.
small=$((rows / 5))
head -n $((small + 1)) "$tmp/in.tsv" > "$tmp/small.tsv"
rss() {
	IPP_TSVCOPY_RSS=1 "$tsvcopy" < "$1" 2>&1 > /dev/null |
	    sed -n 's/^tsvcopy: peak rss \([0-9]*\) KiB$/\1/p'
}
rss_small=$(rss "$tmp/small.tsv")
rss_big=$(rss "$tmp/in.tsv")

awk -v rows="$rows" -v bytes="$bytes" -v ti="$t_ipp" -v tc="$t_cut" \
    -v small="$small" -v rs="$rss_small" -v rb="$rss_big" 'BEGIN {
	mb = bytes / 1e6
	if (ti <= 0) ti = 0.001
	if (tc <= 0) tc = 0.001
	size = sprintf(mb < 10 ? "%.1f" : "%.0f", mb)
	printf "tsv: %d rows, %s MB: ipp %.2f s (%.0f MB/s), " \
	    "cut -f2 %.2f s (%.0f MB/s), ratio %.2fx (goal >= 1.0)\n",
	    rows, size, ti, mb / ti, tc, mb / tc, tc / ti
	printf "tsv: tsvcopy peak RSS %.1f MB at %d rows, %.1f MB at %d rows" \
	    " (goal: flat)\n", rs / 1024, small, rb / 1024, rows
}'

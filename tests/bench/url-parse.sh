#!/bin/sh
# Parsing alone (issue 4): canonical forms of N URLs (default 1,000,000),
# every form of DOMAIN.md's appendix in turn, through ipp_url_parse; best
# of 3 runs, then where the time goes (libcurl's share, measured apart).
# Goal: 1,000,000 URLs per second.
# Needs IPP_HELPERS, the directory holding urlbench.
set -eu

n=${N:-1000000}
urlbench=${IPP_HELPERS:?IPP_HELPERS is not set}/urlbench
[ -x "$urlbench" ] || { echo "url-parse.sh: no $urlbench" >&2; exit 1; }

best=0
for i in 1 2 3; do
	rate=$("$urlbench" -n "$n" | awk '{ print $(NF - 1) }')
	best=$(awk -v a="$rate" -v b="$best" 'BEGIN { print (a > b) ? a : b }')
done
echo "url-parse: $n canonical forms: best of 3 $best URLs/s" \
    "(goal 1000000: $(awk -v r="$best" 'BEGIN { printf "%.2f", r / 1e6 }')x)"
"$urlbench" -v -n "$n" | sed -n 's/^urlbench: \([a-z_]\)/url-parse: \1/p' |
    grep -v ' URLs in '
awk -v r="$best" 'BEGIN { exit !(r >= 1000000) }' ||
    echo "url-parse: below the goal" >&2

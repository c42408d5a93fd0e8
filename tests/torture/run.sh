#!/bin/sh
# make torture's driver (issue 12): runs every item of tests/torture/ at
# TORTURE_SIZE (small for make check, full for make torture), each a TAP
# script, and prints one table: item, trials, failures, the figure.
# The out-of-memory item runs in the sanitize build when IPP_SAN_BIN has
# it (LeakSanitizer watching), else in IPP_BIN's.  At full size the fuzz
# targets run too (FUZZ_DIR, FUZZ_SECONDS).  Exits 1 when an item failed.
# Run from the repository root; ITEMS="crash races" runs only those.
set -u

: "${TORTURE_SIZE:=small}"
: "${ITEMS:=crash iofault oom races isolation files}"
export TORTURE_SIZE
dir=$(mktemp -d "${TMPDIR:-/tmp}/ipp-torture.XXXXXX") || exit 2
trap 'rm -rf "$dir"' EXIT
TORTURE_TABLE=$dir/table
export TORTURE_TABLE
: >"$TORTURE_TABLE"
status=0
for item in $ITEMS; do
	start=$(date +%s)
	if [ "$item" = oom ] && [ -x "${IPP_SAN_BIN:-}/ipp-complain" ]; then
		IPP_BIN=$IPP_SAN_BIN sh "tests/torture/$item.sh" >"$dir/$item.tap" 2>&1
	else
		sh "tests/torture/$item.sh" >"$dir/$item.tap" 2>&1
	fi
	rc=$?
	end=$(date +%s)
	if [ "$rc" -ne 0 ]; then
		status=1
		echo "torture: $item FAILED (exit $rc, $((end - start)) s):"
		grep -A 4 '^not ok' "$dir/$item.tap" | head -40
		tail -3 "$dir/$item.tap"
	else
		echo "torture: $item ok ($((end - start)) s)"
	fi
done
if [ "$TORTURE_SIZE" = full ] && [ -n "${FUZZ_DIR:-}" ]; then
	sh tests/torture/fuzz.sh "$FUZZ_DIR" "${FUZZ_SECONDS:-600}" \
	    url tsv csv calendar || status=1
fi
echo
awk -F '\t' 'BEGIN { printf "%-30s %8s %8s  %s\n", "item", "trials",
	    "failures", "figure" }
	{ printf "%-30s %8s %8s  %s\n", $1, $2, $3, $4 }' "$TORTURE_TABLE"
exit $status

#!/bin/sh
# fuzz.sh DIR SECONDS TARGET...: runs each libFuzzer target DIR/fuzz_TARGET
# for SECONDS on a copy of its seed corpus tests/fuzz/corpus/TARGET (with
# tests/fuzz/TARGET.dict when there is one), what it finds kept in
# DIR/corpus-TARGET and a crash as DIR/TARGET-crash-*.  Prints one line a
# target, and a figure row to $TORTURE_TABLE when set (make torture).
# Exits 1 when a target crashed.  `make fuzz` and tests/torture/run.sh
# use it; run it from the repository root.
set -u

if [ $# -lt 3 ]; then
	echo "usage: sh tests/torture/fuzz.sh DIR SECONDS TARGET..." >&2
	exit 2
fi
dir=$1 seconds=$2
shift 2
status=0
for t in "$@"; do
	case $t in
	url) len=4096 ;;
	calendar) len=64 ;;
	*) len=65536 ;;
	esac
	rm -rf "$dir/corpus-$t"
	mkdir -p "$dir/corpus-$t"
	cp tests/fuzz/corpus/"$t"/* "$dir/corpus-$t/"
	set -- -max_total_time="$seconds" -max_len="$len" -timeout=10 \
	    -artifact_prefix="$dir/$t-" -print_final_stats=1
	[ -f "tests/fuzz/$t.dict" ] && set -- "$@" -dict="tests/fuzz/$t.dict"
	"$dir/fuzz_$t" "$@" "$dir/corpus-$t" >"$dir/$t.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/$t.log" |
	    tail -1)
	[ -n "$runs" ] || runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' \
	    "$dir/$t.log" | tail -1)
	[ -n "$runs" ] || runs=0
	crashes=0
	if [ "$rc" -ne 0 ]; then
		crashes=1
		status=1
		echo "fuzz $t: crashed after $runs runs (exit $rc): see $dir/$t.log" \
		    "and $dir/$t-crash-*"
		grep -m 5 -e 'ERROR' -e 'failed:' "$dir/$t.log"
	else
		echo "fuzz $t: $runs runs in $seconds s, no crash"
	fi
	[ -z "${TORTURE_TABLE:-}" ] || printf 'fuzz %s\t%s\t%s\t%s\n' "$t" \
	    "$runs" "$crashes" "${seconds} s, corpus $(ls "$dir/corpus-$t" |
	    wc -l) inputs" >>"$TORTURE_TABLE"
done
exit $status

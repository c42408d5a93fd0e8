#!/bin/sh
# Runs each cmocka unit test binary; fails when any of them fails.
# Usage: run-units.sh DIR NAME...
dir=$1
shift
failed=0
for t in "$@"; do
	if ! "$dir/$t"; then
		echo "unit: $t FAILED" >&2
		failed=$((failed + 1))
	fi
done
if [ "$failed" -ne 0 ]; then
	echo "unit: $failed test program(s) failed" >&2
	exit 1
fi

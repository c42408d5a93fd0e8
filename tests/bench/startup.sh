#!/bin/sh
# Start-up: `ipp-register whoami` on an existing store against
# `sqlite3 DB 'select 1'` (goal: <= 1.5x).  Both run N times in a shell
# loop, alternating, best of five rounds; the loop's own cost is in both.
set -e
N=${N:-300}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipp-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
export IPP_DB="$tmp/ipp.db" XDG_STATE_HOME="$tmp/state" HOME="$tmp"
reg=$IPP_BIN/ipp-register
printf 'bench-password\n' | "$reg" init --handler bench@example.com \
    --password-stdin 2>/dev/null
printf 'bench-password\n' | "$reg" login --email bench@example.com \
    --password-stdin
"$reg" whoami >/dev/null

now_ns() { date +%s%N; }

run_loop() {
	i=0
	t0=$(now_ns)
	while [ $i -lt "$N" ]; do
		"$@" >/dev/null
		i=$((i + 1))
	done
	t1=$(now_ns)
	echo $(( (t1 - t0) / N ))
}

best_ipp=; best_sql=
for round in 1 2 3 4 5; do
	a=$(run_loop "$reg" whoami)
	b=$(run_loop sqlite3 "$IPP_DB" 'select 1')
	if [ -z "$best_ipp" ] || [ "$a" -lt "$best_ipp" ]; then best_ipp=$a; fi
	if [ -z "$best_sql" ] || [ "$b" -lt "$best_sql" ]; then best_sql=$b; fi
done
awk -v a="$best_ipp" -v b="$best_sql" -v n="$N" 'BEGIN {
	printf "startup: ipp-register whoami %.2f ms, sqlite3 DB '\''select 1'\'' %.2f ms (best of 5 x %d): ratio %.2fx (goal <= 1.5x)\n",
	    a / 1e6, b / 1e6, n, a / b }'
if ldd "$reg" | grep -q libcurl; then
	echo "startup: WARNING: ipp-register links libcurl at start-up"
fi

#!/bin/sh
# Probe (issue 4): live checks of 300 and of 3,000 real-shaped https URLs
# (https://item.taobao.com/item.htm?id=N, sent to tests/helpers/testhttpd
# on 127.0.0.1 by IPP_CONNECT_TO, verified against a throw-away CA) that
# answers each request after 50 ms.  Against `curl --parallel
# --parallel-max 32` over the same URLs with the same limits (32 at once,
# 32 per host: IPP_HTTP_CONCURRENCY and IPP_HTTP_PER_HOST) as a ratio
# (goal <= 1.1x), and against the floor, latency x ceil(N / 32).
#
# Runs `ipp-complain probe` when it exists, else tests/helpers/httpcheck
# (the same lib/http.c, minus the URL parsing).  Best of ROUNDS (3) runs
# of each, alternating.  Needs IPP_BIN and IPP_HELPERS (the Makefile sets
# them), openssl and curl.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ROUNDS=${ROUNDS:-3}
DELAY_MS=50
PAR=32
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipp-bench-probe.XXXXXX")
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

sh "$here/../helpers/mkcerts.sh" "$tmp/certs"
"$IPP_HELPERS/testhttpd" -p "$tmp/port" -t 120 --delay "$DELAY_MS" \
    --tls "$tmp/certs/server.pem" "$tmp/certs/server.key" &
pid=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 500 ]; do
	sleep 0.01
	i=$((i + 1))
done
port=$(cat "$tmp/port")
connect="item.taobao.com:443:127.0.0.1:$port"

IPP_ALLOW_PRIVATE=loopback
IPP_CA_BUNDLE=$tmp/certs/ca.pem
IPP_CONNECT_TO=$connect
IPP_HTTP_CONCURRENCY=$PAR
IPP_HTTP_PER_HOST=$PAR
export IPP_ALLOW_PRIVATE IPP_CA_BUNDLE IPP_CONNECT_TO IPP_HTTP_CONCURRENCY \
    IPP_HTTP_PER_HOST

if [ -x "${IPP_BIN:-}/ipp-complain" ]; then
	tool=ipp-complain
	export IPP_DB="$tmp/ipp.db" HOME="$tmp" XDG_STATE_HOME="$tmp/state"
	run_ipp() { "$IPP_BIN/ipp-complain" probe < "$1" > "$2" || true; }
else
	tool=httpcheck
	run_ipp() { "$IPP_HELPERS/httpcheck" < "$1" > "$2" || true; }
fi
run_curl() {
	curl --parallel --parallel-max "$PAR" -s --cacert "$IPP_CA_BUNDLE" \
	    --connect-to "$connect" -w '%{http_code}\n' -K "$1" > "$2" \
	    2> "$tmp/curl.err" || true
}

now_ns() { date +%s%N; }

# timed OUT CMD ARGS...: runs it, prints nanoseconds.
timed() {
	t0=$(now_ns)
	"$@"
	t1=$(now_ns)
	echo $((t1 - t0))
}

for n in 300 3000; do
	awk -v n="$n" 'BEGIN { for (i = 1; i <= n; i++) printf \
	    "https://item.taobao.com/item.htm?id=%d\n", 600000000 + i }' \
	    > "$tmp/urls"
	awk '{ printf "url = \"%s\"\noutput = \"/dev/null\"\n", $0 }' \
	    "$tmp/urls" > "$tmp/curl.cfg"
	best_ipp=; best_curl=
	r=0
	while [ $r -lt "$ROUNDS" ]; do
		a=$(timed run_ipp "$tmp/urls" "$tmp/ipp.out")
		live=$(grep -c "	live	[0-9]" "$tmp/ipp.out" || true)
		if [ "$live" -ne "$n" ]; then
			echo "probe: $tool found $live of $n URLs live" >&2
			grep -v "	live	[0-9]" "$tmp/ipp.out" | head -5 >&2
			exit 1
		fi
		b=$(timed run_curl "$tmp/curl.cfg" "$tmp/curl.out")
		ok=$(grep -c '^200$' "$tmp/curl.out" || true)
		if [ "$ok" -ne "$n" ]; then
			echo "probe: curl got $ok of $n answers 200" >&2
			head -5 "$tmp/curl.err" >&2
			exit 1
		fi
		if [ -z "$best_ipp" ] || [ "$a" -lt "$best_ipp" ]; then
			best_ipp=$a
		fi
		if [ -z "$best_curl" ] || [ "$b" -lt "$best_curl" ]; then
			best_curl=$b
		fi
		r=$((r + 1))
	done
	awk -v n="$n" -v a="$best_ipp" -v b="$best_curl" -v tool="$tool" \
	    -v d="$DELAY_MS" -v p="$PAR" -v rounds="$ROUNDS" 'BEGIN {
		floor = d / 1000 * int((n + p - 1) / p)
		printf "probe: %d URLs: %s %.2f s, curl --parallel %.2f s, " \
		    "ratio %.2fx (goal <= 1.1x), floor %.2f s " \
		    "(%d ms x ceil(%d / %d)); best of %d\n",
		    n, tool == "httpcheck" ? "ipp (httpcheck)" : "ipp", a / 1e9,
		    b / 1e9, a / b, floor, d, n, p, rounds }'
done

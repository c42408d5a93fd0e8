#!/bin/sh
# report-shot.sh FILE.html OUT.png [WIDTH,HEIGHT]: renders an ipp-score
# report in headless Chromium (Debian's chromium, which `make deps`
# installs) to a PNG, as a phone-sized window by default.  With
# OUT.png given as "-dom", prints the DOM after rendering instead.
# Exits 77 when no Chromium is installed, 1 when it fails to render.  Used by tests/e2e/0520-score-report.t, and to make
# tests/report-reference.png from the demo's report:
#	IPP_DB=/tmp/d/ipp.db make demo
#	sh tests/report-shot.sh /tmp/d/report.html tests/report-reference.png
set -u
html=$1
out=$2
size=${3:-412,2400}
chrome=
for c in chromium chromium-browser google-chrome; do
	if command -v "$c" >/dev/null 2>&1; then
		chrome=$c
		break
	fi
done
[ -n "$chrome" ] || exit 77
profile=$(mktemp -d "${TMPDIR:-/tmp}/ipp-chromium.XXXXXX") || exit 1
trap 'rm -rf "$profile"' EXIT
case $html in /*) ;; *) html=$(pwd)/$html ;; esac
set -- --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update \
    --disable-sync --hide-scrollbars --user-data-dir="$profile" \
    --window-size="$size"
if [ "$out" = -dom ]; then
	timeout 120 "$chrome" "$@" --dump-dom "file://$html" 2>"$profile/err"
	rc=$?
else
	case $out in /*) ;; *) out=$(pwd)/$out ;; esac
	rm -f "$out"
	timeout 120 "$chrome" "$@" --screenshot="$out" "file://$html" \
	    >"$profile/out" 2>"$profile/err"
	rc=$?
	[ $rc -eq 0 ] && [ ! -s "$out" ] && rc=1
fi
if [ $rc -ne 0 ]; then
	grep -v dbus "$profile/err" | tail -5 | sed 's/^/report-shot: /' >&2
	exit 1
fi

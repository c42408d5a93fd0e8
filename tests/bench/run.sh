#!/bin/sh
# make bench: every benchmark, each printing its figures and ratios.
# Needs IPP_BIN and IPP_HELPERS (the Makefile sets them).
set -e
here=$(cd "$(dirname "$0")" && pwd)
for b in "$here"/startup.sh "$here"/tsv.sh "$here"/ipr-import.sh \
    "$here"/probe.sh "$here"/url-parse.sh "$here"/complain-import.sh \
    "$here"/decide.sh "$here"/tick.sh "$here"/score.sh "$here"/pg.sh; do
	[ -f "$b" ] || continue
	sh "$b"
done

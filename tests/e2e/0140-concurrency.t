#!/bin/sh
# Eight processes registering at once on one store: eight accounts, eight
# codes, and no "database is locked" (busy timeout, BEGIN IMMEDIATE).
. "$(dirname "$0")/lib.sh"

N=8

ok "init and the handler's sign-in" init_store cases@ipp.test

pids=
i=1
while [ "$i" -le "$N" ]; do
	register "user$i@example.com" >"$tmp/new$i.out" 2>"$tmp/new$i.err" &
	pids="$pids $!"
	i=$((i + 1))
done
i=1
for pid in $pids; do
	wait "$pid"
	is "$?" 0 "process $i exits 0"
	i=$((i + 1))
done

i=1
locked=0
while [ "$i" -le "$N" ]; do
	if grep -qi 'locked\|busy' "$tmp/new$i.err"; then
		locked=$((locked + 1))
		diag "new$i: $(cat "$tmp/new$i.err")"
	fi
	i=$((i + 1))
done
is "$locked" 0 "no process saw a locked database"

try as handler ipp-register list
succeeded "the handler lists the accounts"
is "$(printf '%s\n' "$out" | tsv_where role account | tsv_rows)" "$N" \
    "$N accounts in the list"
is "$(printf '%s\n' "$out" | tsv_where role account | tsv_column email |
    sort | tr '\n' ' ')" \
    "$(i=1; while [ "$i" -le "$N" ]; do echo "user$i@example.com"; i=$((i + 1)); done |
    sort | tr '\n' ' ')" "each email once"
is "$(for f in "$tmp"/new*.out; do tsv_get account_id <"$f"; done |
    sort -u | wc -l)" "$N" "$N distinct account ids were printed"
is "$(ls "$outbox/new" | wc -l)" "$N" "$N codes in the outbox"

# Every code works: the eight rows did not overwrite each other.
good=0
i=1
while [ "$i" -le "$N" ]; do
	ipp-register verify --email "user$i@example.com" \
	    "$(code_for "user$i@example.com")" 2>>"$tmp/verify.err" &&
	    good=$((good + 1))
	i=$((i + 1))
done
is "$good" "$N" "each account verifies with its own code"

done_testing

#!/bin/sh
# Crash (issue 12): each writing operation of the table in lib.sh (OPS)
# killed with SIGKILL at a random point, over and over, the store
# restored before each run.  After every run: PRAGMA integrity_check and
# foreign_key_check pass, the operation is whole or absent, every
# document row has its file with the right hash (D1), and the next run
# (`ipp-register mail --deliver`) delivers every queued message into the
# outbox exactly once (N3).  The kill comes at a uniformly random time
# within 1.2 times the operation's own duration (measured uninterrupted
# first), so some runs finish and most die on the way.
. "$(dirname "$0")/lib.sh"

RUNS=$(by_size 8 200)

ok "the base store" base_store
save_state base

for op in $OPS; do
	restore_state base
	ok "$op: its store and input" "op_${op}_prep"
	save_state "$op"

	# Calibration: uninterrupted, whole; its duration in ms.
	t0=$(date +%s%N)
	( op_"${op}"_run ) >/dev/null 2>"$tmp/op.err"
	t1=$(date +%s%N)
	is "$(op_"${op}"_state)" whole "$op: uninterrupted, it is whole"
	ms=$(( (t1 - t0) / 1000000 ))
	[ "$ms" -gt 0 ] || ms=1
	window=$(( ms * 12 / 10 + 1 ))

	failures=0 whole=0 absent=0 killed=0
	i=0
	while [ $i -lt "$RUNS" ]; do
		i=$((i + 1))
		restore_state "$op"
		delay=$(rand "$window")
		op_"${op}"_run >/dev/null 2>"$tmp/op.err" &
		pid=$!
		sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		[ $? -eq 137 ] && killed=$((killed + 1))
		why=
		ic=$(integrity)
		[ "$ic" = ok ] || why="$why $ic;"
		state=$(op_"${op}"_state)
		case $state in
		whole) whole=$((whole + 1)) ;;
		absent) absent=$((absent + 1)) ;;
		*) why="$why half: $state;" ;;
		esac
		bad=$(bad_documents | wc -l)
		[ "$bad" -eq 0 ] || why="$why $bad documents without their file;"
		if ! deliver; then
			why="$why the next run failed: $(cat "$tmp/deliver.err");"
		fi
		mail=$(mail_once)
		[ "$mail" = ok ] || why="$why $mail;"
		if [ -n "$why" ]; then
			failures=$((failures + 1))
			fail "$op: run $i, killed after ${delay} ms" "$why"
			cp -a "$tmp/store" "$tmp/failed-$op-$i"
		fi
	done
	is "$failures" 0 "$op: $RUNS runs killed at random points: every one whole or absent, intact, mail once"
	figure "crash $op" "$RUNS" "$failures" \
	    "$killed killed mid-way (within ${window} ms): $whole whole, $absent absent"
done
done_testing

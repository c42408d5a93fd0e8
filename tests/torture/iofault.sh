#!/bin/sh
# I/O faults (issue 12): each writing operation of the table in lib.sh
# run by the real binary with tests/helpers/shim_vfs.c preloaded, an
# SQLite VFS over the default one that fails the N-th write, sync or
# truncate, for every N up to the operation's own count (full size; a
# spread of N at the small size), as an I/O error (that call only) and
# as a full disk (that call and every write after it).  After every
# run: the store is intact, the operation whole or absent (whole when the
# tool said it succeeded), the tool exited 0 or 3 (the store failed, as
# its man page says) with a message naming the store; then, without the
# fault, the next run delivers every queued message exactly once and
# every document has its file.
. "$(dirname "$0")/lib.sh"

SHIM=$IPP_SHIMS/shim_vfs.so
if [ ! -f "$SHIM" ]; then
	echo "Bail out! no $SHIM: make torture builds it"
	exit 1
fi
POINTS=$(by_size 3 0)	# 0: every N

ok "the base store" base_store
save_state base

for op in $OPS; do
	restore_state base
	ok "$op: its store and input" "op_${op}_prep"
	save_state "$op"
	( IPP_VFS_REPORT=$tmp/vfs.count LD_PRELOAD=$SHIM op_"${op}"_run ) \
	    >/dev/null 2>&1
	read -r total _ <"$tmp/vfs.count"
	is "$(op_"${op}"_state)" whole "$op: through the shim, no fault: whole"
	like "$total" '^[1-9][0-9]*$' "$op: $total writes, syncs and truncates"
	if [ "$POINTS" -eq 0 ] || [ "$POINTS" -ge "$total" ]; then
		ns=$(seq 1 "$total")
	else
		# N = 1, the last, and POINTS * 2 spread evenly between: the
		# same every run, so that make check does not flicker.
		ns=$( { echo 1; echo "$total"; j=1; while [ $j -le $((2 * POINTS)) ]; do
		    echo $(( j * total / (2 * POINTS + 1) + 1 ))
		    j=$((j + 1)); done; } | sort -n -u)
	fi
	for kind in ioerr full; do
		trials=0 failures=0 whole=0 absent=0 faulted=0
		for n in $ns; do
			trials=$((trials + 1))
			restore_state "$op"
			( IPP_VFS_FAIL=$n IPP_VFS_KIND=$kind \
			    IPP_VFS_REPORT=$tmp/vfs.count LD_PRELOAD=$SHIM \
			    op_"${op}"_run ) >/dev/null 2>"$tmp/op.err"
			rc=$?
			read -r _ hit <"$tmp/vfs.count"
			[ "$hit" -gt 0 ] && faulted=$((faulted + 1))
			why=
			ic=$(integrity)
			[ "$ic" = ok ] || why="$why $ic;"
			state=$(op_"${op}"_state)
			case $rc:$state in
			0:whole) whole=$((whole + 1)) ;;
			0:*) why="$why exit 0 but $state;" ;;
			3:whole) whole=$((whole + 1)) ;;
			3:absent) absent=$((absent + 1)) ;;
			*) why="$why exit $rc, $state;" ;;
			esac
			if [ "$rc" -ne 0 ] &&
			    ! grep -qF "store '$IPP_DB'" "$tmp/op.err"; then
				why="$why the message does not name the store: $(head -3 "$tmp/op.err");"
			fi
			bad=$(bad_documents | wc -l)
			[ "$bad" -eq 0 ] ||
			    why="$why $bad documents without their file;"
			deliver || why="$why the next run failed: $(cat "$tmp/deliver.err");"
			mail=$(mail_once)
			[ "$mail" = ok ] || why="$why $mail;"
			if [ -n "$why" ]; then
				failures=$((failures + 1))
				fail "$op: $kind at call $n of $total" "$why"
			fi
		done
		is "$failures" 0 "$op: $kind at $trials points of $total: intact, whole or absent, exit 0 or 3 naming the store"
		figure "I/O $kind $op" "$trials" "$failures" \
		    "N=1..$total; $faulted faulted: $whole whole, $absent absent"
	done
done
done_testing

#!/bin/sh
# Out of memory (issue 12): a `new`, a multi-group `import` and a `tick`
# run by the real binary with tests/helpers/shim_oom.c preloaded, which fails the
# N-th allocation (SQLite's through its default malloc, the library's and
# libc's on its behalf), for every N up to the operation's own count
# (full size; a spread of N at the small size).  After every run: no
# crash and, in the sanitize build (IPP_BIN=build-san/bin), no error of
# AddressSanitizer and no leak found by LeakSanitizer; an exit 0 with
# the operation whole, or a clear error (a message saying memory ran
# out, exit 3 or 7); the store intact, the operation whole or absent.
. "$(dirname "$0")/lib.sh"

SHIM=$IPP_SHIMS/shim_oom.so
if [ ! -f "$SHIM" ]; then
	echo "Bail out! no $SHIM: make torture builds it"
	exit 1
fi
POINTS=${OOM_POINTS:-$(by_size 12 0)}	# 0: every N; OOM_NS="N ...": those
# In the sanitize build the shim comes first and forwards to ASan's
# allocator; ASan would refuse a library loaded before its own.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0:detect_leaks=1
export ASAN_OPTIONS

ok "the base store" base_store
save_state base

# A `new` of three URLs, and an import of two groups of three rows: the
# operations' own allocations, without the thousands of rows that would
# only repeat them.
op_oomnew_prep() {
	true
}
op_oomnew_run() {
	run_as alice ipp-complain new --platform taobao --ipr "$CN" \
	    --target listing --reason tm-mark-in-text --supplement "$SUP" \
	    --no-check "$(listing_url taobao 1)" "$(listing_url taobao 2)" \
	    "$(listing_url taobao 3)"
}
op_oomnew_state() {
	case $(sql "SELECT count(*) || ' ' || (SELECT count(*) FROM
	    complaint_urls) FROM complaints") in
	"1 3") echo whole ;;
	"0 0") echo absent ;;
	*) echo "half: $(sql 'SELECT count(*) FROM complaint_urls') URLs" ;;
	esac
}
op_oomimport_prep() {
	{
		echo 'url,platform,region,ipr,target,reason,supplement'
		for p in taobao tmall; do
			for i in 1 2 3; do
				printf '%s,%s,,%s,listing,tm-mark-in-text,%s\n' \
				    "$(listing_url "$p" "$i")" "$p" "$CN" "$SUP"
			done
		done
	} >"$tmp/oom.csv"
}
op_oomimport_run() {
	run_as alice ipp-complain import --no-check "$tmp/oom.csv"
}
op_oomimport_state() {
	case $(sql "SELECT count(*) || ' ' || (SELECT count(*) FROM
	    complaint_urls) FROM complaints") in
	"2 6") echo whole ;;
	"0 0") echo absent ;;
	*) echo "half: $(sql 'SELECT count(*) FROM complaint_urls') URLs" ;;
	esac
}

# A tick that closes the counter windows of three accepted URLs (N1):
# all three removed, or none.
op_oomtick_prep() {
	accepted_urls 3 900000
}
op_oomtick_run() {
	op_tick_run
}
op_oomtick_state() {
	tick_state 3
}

for op in oomnew oomimport oomtick; do
	restore_state base
	ok "$op: its store and input" "op_${op}_prep"
	save_state "$op"
	( IPP_OOM_REPORT=$tmp/oom.count LD_PRELOAD=$SHIM op_"${op}"_run ) \
	    >/dev/null 2>"$tmp/op.err"
	read -r total _ <"$tmp/oom.count"
	is "$(op_"${op}"_state)" whole "$op: through the shim, no fault: whole"
	like "$total" '^[1-9][0-9]*$' "$op: $total allocations"
	if [ -n "${OOM_NS:-}" ]; then
		ns=$OOM_NS	# replaying given N, such as a run's failures
	elif [ "$POINTS" -eq 0 ] || [ "$POINTS" -ge "$total" ]; then
		ns=$(seq 1 "$total")
	else
		# N = 1, POINTS * 2 spread evenly, and the last 16, where
		# the commit and what follows it allocate: the same every
		# run, so that make check does not flicker.
		ns=$( { echo 1; j=1; while [ $j -le $((2 * POINTS)) ]; do
		    echo $(( j * total / (2 * POINTS + 1) + 1 ))
		    j=$((j + 1)); done
		    seq $((total > 16 ? total - 15 : 1)) "$total"; } | sort -n -u)
	fi
	trials=0 failures=0 whole=0 absent=0 faulted=0 glibc=0 foreign=0
	unchecked=0
	for n in $ns; do
		trials=$((trials + 1))
		restore_state "$op"
		( IPP_OOM_FAIL=$n IPP_OOM_REPORT=$tmp/oom.count \
		    LD_PRELOAD=$SHIM op_"${op}"_run ) >/dev/null 2>"$tmp/op.err"
		rc=$?
		hit=0
		[ -s "$tmp/oom.count" ] && read -r _ hit <"$tmp/oom.count"
		rm -f "$tmp/oom.count"
		[ "$hit" -gt 0 ] && faulted=$((faulted + 1))
		why= excused=0
		if grep -q 'cannot allocate memory for thread-local data' \
		    "$tmp/op.err"; then
			# glibc aborts when it cannot allocate a dlopen'd
			# library's thread-local storage on first use: nothing
			# a program can handle.  The store must still be right.
			glibc=$((glibc + 1))
			excused=1
			rc=3
		elif grep -q 'LeakSanitizer: detected memory leaks' \
		    "$tmp/op.err" && ! grep -Eq \
		    ' in (ipp_|cmd_|main)|/(lib|cmd)/[a-z_]+\.c' "$tmp/op.err"
		then
			# Leaked inside a library unloaded with dlclose (the
			# stack is "<unknown module>"), such as GnuTLS under
			# libcurl failing its own start-up: not ipp's.
			foreign=$((foreign + 1))
			excused=1
			[ "$rc" -ne 0 ] && ! grep -q '^ipp-[a-z]*: ' \
			    "$tmp/op.err" && why="$why no message;"
			case $(op_"${op}"_state) in
			whole) rc=0 ;;
			*) rc=3 ;;
			esac
			sed -i '/LeakSanitizer/,$d' "$tmp/op.err"
		elif grep -q 'LeakSanitizer has encountered a fatal error' \
		    "$tmp/op.err" && grep -q 'Tracer caught signal' \
		    "$tmp/op.err"; then
			# The tool ran to its end; then LeakSanitizer's own
			# tracer crashed walking the loaded libraries, after
			# the failed allocation was the dynamic loader's
			# (dlclose at exit): no leak check this time.
			unchecked=$((unchecked + 1))
			excused=1
			sed -i '/LeakSanitizer/,$d' "$tmp/op.err"
			# What the tool said of its end: a new or an import
			# reports what it filed; a tick's rows are on stdout,
			# so its store tells.
			if grep -q '^ipp-complain: .*\(filed\|rows\)' \
			    "$tmp/op.err"; then rc=0
			elif [ "$op" = oomtick ] &&
			    [ "$(op_"${op}"_state)" = whole ]; then rc=0
			else rc=3; fi
		elif [ "$rc" -ge 128 ] || grep -q 'Sanitizer' "$tmp/op.err"; then
			why="$why crashed or sanitizer: exit $rc, $(grep -m 3 -e Sanitizer -e SUMMARY -e ' in ipp_' "$tmp/op.err");"
		fi
		ic=$(integrity)
		[ "$ic" = ok ] || why="$why $ic;"
		state=$(op_"${op}"_state)
		case $rc:$state in
		0:whole) whole=$((whole + 1)) ;;
		0:*) why="$why exit 0 but $state;" ;;
		[367]:whole) whole=$((whole + 1)) ;;
		[367]:absent) absent=$((absent + 1)) ;;
		*) why="$why exit $rc, $state;" ;;
		esac
		if [ "$rc" -ne 0 ] && [ "$excused" -eq 0 ] && ! grep -Eq \
		    '^ipp-[a-z]*: .*(out of memory|Cannot allocate memory|cannot load)' \
		    "$tmp/op.err"; then
			why="$why unclear: $(head -2 "$tmp/op.err");"
		fi
		if [ -n "$why" ]; then
			failures=$((failures + 1))
			fail "$op: allocation $n of $total fails" "$why"
		fi
	done
	is "$failures" 0 "$op: allocation N fails at $trials points of $total: no crash, no leak, a clear error, intact, whole or absent"
	figure "OOM $op" "$trials" "$failures" \
	    "N=1..$total; $faulted faulted: $whole whole, $absent absent; not ipp's: $glibc glibc TLS aborts, $foreign leaks in dlclose'd libraries, $unchecked LSan tracer crashes"
done
done_testing

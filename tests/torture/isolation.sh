#!/bin/sh
# Isolation (issue 12): every command that takes an id, run by one
# account (alice) on each kind of record of another (bob's account, IPR
# by id and by label, complaint, URL), with the id as an operand and, for
# commands that read ids from standard input, as TSV there: refused
# (exit 1, or 5 for a handler's command) exactly as for a record that
# does not exist (same status, same message), nothing of bob's printed,
# the store and the outbox unchanged.  The table below must cover every
# usage line of every binary that names an *_id: a new command that
# takes an id fails this item until it has its line.
. "$(dirname "$0")/lib.sh"

ok "the base store" base_store
make_doc "$tmp/cert.pdf" 'certificate'
BOB_IPR=$(as bob ipp-ipr add --type copyright --name 'Bob work' \
    --number B-1 --jurisdiction CN --label bobs-secret-label \
    --certificate "$tmp/cert.pdf" | tsv_get ipr_id)
like "$BOB_IPR" '^[0-9]+$' "bob has a pending IPR"
BOB_URL=$(listing_url taobao 777001)
BOB_C=$(as bob ipp-complain new --platform taobao --ipr "$BCN" \
    --target listing --reason tm-mark-in-text --supplement "$SUP" \
    --no-check "$BOB_URL" 2>/dev/null | tsv_get complaint_id)
like "$BOB_C" '^[0-9]+$' "bob has a complaint"
BOB_U=$(sql "SELECT url_id FROM complaint_urls WHERE complaint_id = $BOB_C")
like "$BOB_U" '^[0-9]+$' "and its URL"

# Controls: the records are there, bob reads them, alice is signed in.
ok "bob shows his complaint" as bob ipp-complain show "$BOB_C"
ok "bob shows his IPR by label" as bob ipp-ipr show bobs-secret-label
ok "alice is signed in" as alice ipp-register whoami

# BINARY COMMAND ARGS... with {account} {ipr} {label} {complaint} {url};
# a trailing "<" also runs it with the id as TSV on stdin (column, id).
TABLE='ipp-register history {account}
ipp-register approve {account} <account_id
ipp-register reject --reason no {account} <account_id
ipp-ipr show {ipr}
ipp-ipr show {label}
ipp-ipr edit --name Stolen {ipr}
ipp-ipr edit --name Stolen {label}
ipp-ipr resubmit {ipr} <ipr_id
ipp-ipr verify {ipr} <ipr_id
ipp-ipr fail --reason no {ipr} <ipr_id
ipp-complain show {complaint}
ipp-complain urls --complaint {complaint}
ipp-complain withdraw {complaint} <complaint_id
ipp-complain accept {url} <url_id
ipp-complain reject {url} <url_id
ipp-complain abusive --reason no {complaint}
ipp-complain history {complaint}
ipp-complain history --url {url}
ipp-complain watch --no-check --complaint {complaint}'

# ---- the table covers every command that takes an id ----
missing=
for bin in "$IPP_BIN"/ipp-*; do
	b=$(basename "$bin")
	for c in $("$bin" --help | grep '_id' |
	    sed 's/.*\[--csv\] \([a-z-]*\).*/\1/'); do
		printf '%s\n' "$TABLE" | grep -q "^$b $c " ||
		    missing="$missing $b:$c"
	done
done
is "$missing" "" "every command that takes an id is in the table"

bob_said() {
	cat "$@" | grep -c -e "bob@example.com" -e 'Bob work' \
	    -e bobs-secret-label -e "id=777001" -e "$SUP" || true
}

trials=0 failures=0
snapshot
ls -R "$outbox" >"$tmp/outbox.before" 2>/dev/null
printf '%s\n' "$TABLE" | while IFS= read -r line; do
	stdin_col=
	case $line in
	*' <'*) stdin_col=${line##* <}; line=${line% <*} ;;
	esac
	cmdline=$(printf '%s' "$line" | sed -e "s/{account}/$B_ID/" \
	    -e "s/{ipr}/$BOB_IPR/" -e "s/{label}/bobs-secret-label/" \
	    -e "s/{complaint}/$BOB_C/" -e "s/{url}/$BOB_U/")
	for how in operand stdin; do
		if [ "$how" = stdin ]; then
			[ -n "$stdin_col" ] || continue
			id=${cmdline##* }
			# shellcheck disable=SC2086
			set -- ${cmdline% *}
			printf '%s\n%s\n' "$stdin_col" "$id" >"$tmp/ids.tsv"
		else
			# shellcheck disable=SC2086
			set -- $cmdline
			: >"$tmp/ids.tsv"
		fi
		as alice "$@" <"$tmp/ids.tsv" >"$tmp/iso.out" 2>"$tmp/iso.err"
		rc=$?
		why=
		case $rc in
		1|5) ;;
		*) why="$why exit $rc;" ;;
		esac
		n=$(bob_said "$tmp/iso.out")
		[ "$n" -eq 0 ] || why="$why printed bob's data;"
		# The same as for a record that does not exist: no oracle.
		ghost=$(printf '%s\n' "$*" | sed -e "s/bobs-secret-label/no-such-label/" \
		    -e "s/\( \)[0-9][0-9]*\$/\1999999/")
		sed "s/bobs-secret-label/no-such-label/" "$tmp/ids.tsv" |
		    sed '2s/^[0-9][0-9]*$/999999/' >"$tmp/ghost.tsv"
		# shellcheck disable=SC2086
		as alice $ghost <"$tmp/ghost.tsv" >/dev/null 2>"$tmp/ghost.err"
		grhost=$?
		sed -e "s/bobs-secret-label/no-such-label/g" \
		    -e "s/'[0-9][0-9]*'/'N'/g" -e 's/\b[0-9][0-9]*\b/N/g' \
		    "$tmp/iso.err" >"$tmp/iso.err.n"
		sed -e "s/'[0-9][0-9]*'/'N'/g" -e 's/\b[0-9][0-9]*\b/N/g' \
		    "$tmp/ghost.err" >"$tmp/ghost.err.n"
		[ "$grhost" -eq "$rc" ] && cmp -s "$tmp/iso.err.n" "$tmp/ghost.err.n" ||
		    why="$why told from a record that does not exist: $(head -1 "$tmp/iso.err") / $(head -1 "$tmp/ghost.err");"
		rows=$(tsv_rows <"$tmp/iso.out")
		[ "$rows" -eq 0 ] || why="$why printed $rows rows;"
		dump >"$tmp/dump.after"
		cmp -s "$tmp/dump.before" "$tmp/dump.after" ||
		    why="$why changed the store;"
		ls -R "$outbox" >"$tmp/outbox.after" 2>/dev/null
		cmp -s "$tmp/outbox.before" "$tmp/outbox.after" ||
		    why="$why sent mail;"
		echo "$how|$*|$why" >>"$tmp/iso.results"
	done
done
trials=$(wc -l <"$tmp/iso.results")
failures=$(grep -vc '|$' "$tmp/iso.results" || true)
grep -v '|$' "$tmp/iso.results" | while IFS='|' read -r how cmd why; do
	fail "alice: $cmd ($how)" "$why"
done
is "$failures" 0 "$trials runs by alice on bob's records: refused, nothing read, nothing changed"
figure "isolation" "$trials" "$failures" \
    "$(printf '%s\n' "$TABLE" | wc -l) commands x operand/stdin on another account's records"
done_testing

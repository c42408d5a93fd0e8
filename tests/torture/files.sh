#!/bin/sh
# Files (issue 12): under umask 022, the store, its WAL and SHM, the
# documents and the outbox messages are mode 0600 (their directories
# 0700), after each kind of write; and evidence with hostile names (a
# path climbing out, a newline, a leading dash, a name that looks like an
# option or a glob, a very long one) never makes a file outside the
# store: a listing of the whole test directory but the store before and
# after is the same, and every file in docs/ is named by its hash.
. "$(dirname "$0")/lib.sh"

umask 022
ok "the base store, under umask 022" base_store
# Writes of every kind that makes a file: a complaint with evidence, a
# decision that queues mail, an account's code.
make_doc "$tmp/ev.pdf" 'evidence'
C=$(as alice ipp-complain new --platform taobao --ipr "$CN" --target listing \
    --reason tm-mark-in-text --supplement "$SUP" --no-check \
    --evidence "$tmp/ev.pdf" "$(listing_url taobao 5)" 2>/dev/null |
    tsv_get complaint_id)
like "$C" '^[0-9]+$' "a complaint with evidence"
U=$(sql "SELECT url_id FROM complaint_urls WHERE complaint_id = $C")
ok "a decision (mail queued and delivered)" \
    quiet as handler ipp-complain accept "$U"
ok "a code sent" quiet register carol@example.com

# A connection held open, so that the WAL and SHM files are there.
{ echo 'SELECT count(*) FROM accounts;'; sleep 3; } | sqlite3 "$IPP_DB" \
    >/dev/null &
holder=$!
sleep 0.5
nfiles=0 bad=0
check_modes() {
	find "$store" "$IPP_DB-wal" "$IPP_DB-shm" -print 2>/dev/null |
	while IFS= read -r f; do
		m=$(stat -c %a "$f")
		if [ -d "$f" ]; then want=700; else want=600; fi
		echo "$m $want $f"
	done >"$tmp/modes"
	nfiles=$(wc -l <"$tmp/modes")
	bad=$(awk '$1 != $2' "$tmp/modes" | wc -l)
	[ "$bad" -eq 0 ] || diag "$(awk '$1 != $2' "$tmp/modes" | head)"
}
check_modes
ok "the store's files include the WAL, the SHM, a document and messages" \
    test "$(grep -c -e '-wal$' -e '-shm$' -e '/docs/' -e '/outbox/' \
    "$tmp/modes")" -ge 4
is "$bad" 0 "every file 0600, every directory 0700, of $nfiles under umask 022"
figure "files: modes" "$nfiles" "$bad" "0600 files, 0700 directories, umask 022"
wait "$holder"

# ---- hostile names ----
mkdir -p "$tmp/src/a/b"
make_doc "$tmp/src/a/b/base.pdf" 'hostile'
set -- '../../escape.pdf' '-rf.pdf' '--evidence=x.pdf' \
    "$(printf 'new\nline.pdf')" '*.pdf' '$(touch pwned).pdf' \
    "$(printf '%0250d' 0).pdf" ' .pdf' 'docs' '..pdf'
# hostile_path N NAME: where the N-th document lives; a name with a
# slash climbs from a directory two deep.
hostile_path() {
	case $2 in
	*/*) printf '%s' "$tmp/src/n$1/x/y/$2" ;;
	*) printf '%s' "$tmp/src/n$1/$2" ;;
	esac
}
n=0
for name in "$@"; do
	n=$((n + 1))
	f=$(hostile_path "$n" "$name")
	mkdir -p "$tmp/src/n$n/x/y"
	cp "$tmp/src/a/b/base.pdf" "$f"
	printf '%s\n' "hostile $n" >>"$f"
done
find "$tmp" -path "$store" -prune -o -print | sort >"$tmp/tree.before"
filed=0 tries=0
n=0
for name in "$@"; do
	n=$((n + 1))
	f=$(hostile_path "$n" "$name")
	# The same file again through a path that climbs and comes back.
	g=$tmp/src/n$n/x/../../n1/../n$n/${f#"$tmp/src/n$n/"}
	for p in "$f" "$g"; do
		tries=$((tries + 1))
		if as alice ipp-complain new --platform taobao --ipr "$CN" \
		    --target listing --reason tm-mark-in-text \
		    --supplement "$SUP" --no-check --evidence "$p" \
		    "$(listing_url taobao $((600 + tries)))" >/dev/null \
		    2>"$store/../h.err.$tries"; then
			filed=$((filed + 1))
		else
			diag "$p: $(cat "$store/../h.err.$tries")"
		fi
	done
done
find "$tmp" -path "$store" -prune -o -print | grep -v '/h\.err\.' |
    sort >"$tmp/tree.after"
grep -v -e '/tree\.' -e '/h\.err\.' "$tmp/tree.before" >"$tmp/t1"
grep -v -e '/tree\.' "$tmp/tree.after" >"$tmp/t2"
escaped=$(diff "$tmp/t1" "$tmp/t2" | grep -c '^>' || true)
[ "$escaped" -eq 0 ] || diag "$(diff "$tmp/t1" "$tmp/t2" | head)"
is "$escaped" 0 "hostile names: no file made outside the store"
is "$filed" "$tries" "every one was filed as evidence"
is "$(sql "SELECT count(*) FROM complaint_evidence")" $((1 + tries)) \
    "each with its evidence row"
misnamed=$(find "$store/docs" -type f | while IFS= read -r f; do
	[ "$(basename "$f")" = "$(sha256sum <"$f" | cut -d ' ' -f 1)" ] ||
	    echo "$f"; done | wc -l)
is "$misnamed" 0 "every file in docs/ is named by its hash"
is "$(bad_documents | wc -l)" 0 "every document row has its file"
check_modes
is "$bad" 0 "and still every file 0600"
figure "files: hostile names" "$tries" "$((escaped + misnamed + tries - filed))" \
    "$# names x direct/climbing paths, nothing outside the store"
done_testing

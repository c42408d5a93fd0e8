#!/bin/sh
# Document files are never removed in the request path (issue 8, defect
# 7): a refused import used to delete, after its rollback, the evidence
# it had written, although another account had meanwhile stored the same
# PDF and was committing its reference.  Here the race runs: a 30,000-row
# import refused at its last row, and bob filing with a copy of the same
# PDF while it runs; bob's document must survive.  Files that no row
# references are removed only by `ipp-register gc` (defect 10), under the
# documents' lock: --dry-run lists them as TSV, a run removes them, every
# referenced file stays, and it waits for a process that is storing
# documents.
. "$(dirname "$0")/lib.sh"
sqlite_only "the files under docs/ and their lock (a team store keeps documents in the database: 0600-team-store.t)"

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
like "$A_ID" '^[0-9]+$' "alice is identity-verified"
B_ID=$(verified_account bob bob@example.com 'Bob Wu')
like "$B_ID" '^[0-9]+$' "bob is identity-verified"
CN_A=$(trademark_ipr alice CN TM-CN-1)
like "$CN_A" '^[0-9]+$' "alice has a verified CN trademark"
CN_B=$(trademark_ipr bob CN TM-CN-2)
like "$CN_B" '^[0-9]+$' "bob has one too"
SUP='The listing sells shoes under our registered ACME mark.'

mkdir -p "$tmp/a" "$tmp/b"
make_doc "$tmp/a/test-buy.pdf" 'a test purchase, the same for both'
cp "$tmp/a/test-buy.pdf" "$tmp/b/receipt.pdf"
SHA=$(sha "$tmp/a/test-buy.pdf")
DOC=$store/docs/$(printf '%.2s' "$SHA")/$SHA

# ---- the race ----
awk -v ipr="$CN_A" -v sup="$SUP" 'BEGIN {
	print "url,platform,region,ipr,target,reason,supplement,evidence"
	for (i = 1; i <= 30000; i++)
		printf "https://item.taobao.com/item.htm?id=%d,taobao,,%s,listing," \
		    "tm-counterfeit-goods,\"%s\",test-buy.pdf\n", 1000000 + i, ipr, sup
	# The last row is refused (C5: no id): nothing is filed.
	printf "https://item.taobao.com/item.htm?spm=noid,taobao,,%s,listing," \
	    "tm-counterfeit-goods,\"%s\",test-buy.pdf\n", ipr, sup
}' >"$tmp/a/big.csv"
HOME=$tmp/home-alice XDG_STATE_HOME=$tmp/state-alice \
    ipp-complain import --no-check --force "$tmp/a/big.csv" \
    >"$tmp/import.out" 2>"$tmp/import.err" &
pid=$!
at_exit "kill $pid 2>/dev/null"
# stored_or_done: the import wrote the evidence, or ended without.
stored_or_done() {
	[ -f "$DOC" ] || ! kill -0 "$pid" 2>/dev/null
}
ok "the import is under way" wait_for stored_or_done
try as bob ipp-complain new --no-check --platform taobao --ipr "$CN_B" \
    --target listing --reason tm-counterfeit-goods --supplement "$SUP" \
    --evidence "$tmp/b/receipt.pdf" "$(listing_url taobao 2000001)"
succeeded "bob files with a copy of the same PDF meanwhile"
BOB=$(printf '%s\n' "$out" | tsv_get complaint_id)
wait "$pid"
is "$?" 1 "the import is refused at its last row"
like "$(cat "$tmp/import.err")" '30001 rows, 1 refused' "nothing of it filed"
is "$(sql "SELECT sha256 FROM complaint_evidence WHERE complaint_id = '$BOB'")" \
    "$SHA" "bob's complaint references the document"
if [ -f "$DOC" ] && cmp -s "$DOC" "$tmp/b/receipt.pdf"; then
	pass "and bob's document file is there, whole"
else
	fail "and bob's document file is there, whole" "no $DOC"
fi

# ---- gc ----
# What a SIGKILLed import leaves: a stored file no row names, and a
# temporary file of a write cut short.
make_doc "$tmp/orphan.pdf" 'evidence of an import that was killed'
OSHA=$(sha "$tmp/orphan.pdf")
ODIR=$store/docs/$(printf '%.2s' "$OSHA")
mkdir -p "$ODIR"
cp "$tmp/orphan.pdf" "$ODIR/$OSHA"
printf 'half a file' >"$ODIR/.tmp-AbC123"
printf 'an operator note\n' >"$ODIR/NOTES"

all_referenced_there() {
	sql 'SELECT sha256 FROM documents' | while read -r h; do
		[ -f "$store/docs/$(printf '%.2s' "$h")/$h" ] || echo "$h"
	done
}
refs=$(sql 'SELECT count(*) FROM documents')

try as alice ipp-register gc --dry-run
is "$rc" 5 "gc is for case handlers"
try as handler ipp-register gc --dry-run
succeeded "gc --dry-run"
is "$(printf '%s\n' "$out" | head -1)" "$(printf 'path\tkind\tsha256\tsize')" \
    "it writes TSV"
is "$(printf '%s\n' "$out" | tsv_column kind | tr '\n' ' ')" \
    "temporary unreferenced " "the temporary file and the unreferenced one"
is "$(printf '%s\n' "$out" | tsv_column path | tr '\n' ' ')" \
    "$ODIR/.tmp-AbC123 $ODIR/$OSHA " "named by path"
is "$(printf '%s\n' "$out" | tsv_get size 2)" "$(wc -c <"$tmp/orphan.pdf")" \
    "with their sizes"
ok "--dry-run removes nothing" test -f "$ODIR/$OSHA" -a -f "$ODIR/.tmp-AbC123"

try as handler ipp-register gc
succeeded "gc"
is "$(printf '%s\n' "$out" | tsv_rows)" 2 "it lists the two files it removed"
ok "the unreferenced file is gone" test ! -e "$ODIR/$OSHA"
ok "the temporary one too" test ! -e "$ODIR/.tmp-AbC123"
ok "a file that is not a document is left alone" test -f "$ODIR/NOTES"
is "$(all_referenced_there)" "" "every one of the $refs referenced documents is still there"
ok "bob's among them" test -f "$DOC"
try as handler ipp-register gc
is "$(printf '%s\n' "$out" | tsv_rows)" 0 "a second run finds nothing"

# A process storing documents holds docs/.lock shared until it ends: gc
# waits for it.
cp "$tmp/orphan.pdf" "$ODIR/$OSHA"
flock -s "$store/docs/.lock" sleep 2 &
holder=$!
sleep 0.3
t0=$(date +%s.%N)
try as handler ipp-register gc
t1=$(date +%s.%N)
succeeded "gc while another process holds the documents' lock"
if awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a >= 1.2) }'; then
	pass "it waited for that process to end"
else
	fail "it waited for that process to end" "took $t0 .. $t1"
fi
wait "$holder"
ok "then removed the unreferenced file" test ! -e "$ODIR/$OSHA"

done_testing

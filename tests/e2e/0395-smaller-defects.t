#!/bin/sh
# The smaller defects of issue 8 (item 9), each with its test: a
# symlinked store is refused, saying why; a 200 KB Location header is
# reported as what it is; every reader caps a line's length (a 100 MB
# line costs `new` little); probe streams (memory flat from 20,000 to
# 200,000 URLs); a control character in a document's file name is
# refused (D1); --supplement has an upper limit, a setting (C7).
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
like "$A_ID" '^[0-9]+$' "alice is identity-verified"
CN=$(trademark_ipr alice CN TM-CN-1)
like "$CN" '^[0-9]+$' "a verified CN trademark"
SUP='The listing sells shoes under our registered ACME mark.'

# new_as_alice [OPTIONS] URL...: `new` with alice's usual request.
new_as_alice() {
	as alice ipp-complain new --no-check --platform taobao --ipr "$CN" \
	    --target listing --reason tm-mark-in-text "$@"
}

# peak_kib COMMAND...: runs COMMAND (input from $tmp/peak.in); its peak
# RSS in KiB goes to $peak, its status to $rc.
peak_kib() {
	/usr/bin/time -o "$tmp/peak" -f %M "$@" <"$tmp/peak.in" \
	    >"$tmp/peak.out" 2>"$tmp/peak.err"
	rc=$?
	peak=$(tail -1 "$tmp/peak")
	err=$(cat "$tmp/peak.err")
}
# Peak memory is measured with /usr/bin/time, and not under the
# sanitizers (make sanitize sets IPP_SANITIZED): ASan keeps freed memory
# in quarantine, so there RSS says nothing of ours.
have_time=0
/usr/bin/time -o /dev/null -f %M true 2>/dev/null && have_time=1
[ "${IPP_SANITIZED:-0}" = 1 ] && have_time=0

# ---- a symlinked store ----
if on_pg; then
	for d in message 'exit' 'real path'; do
		skip "symlinked store: $d" "a SQLite store's file"
	done
else
	ln -s "$IPP_DB" "$tmp/link.db"
	try env IPP_DB="$tmp/link.db" ipp-register settings
	refused 3 "store '$tmp/link.db' is a symbolic link: name the database file itself" \
	    "a store named through a symbolic link is refused, saying so"
	try ipp-register -d "$(readlink -f "$tmp/link.db")" whoami
	is "$rc" 5 "its real path opens (not signed in there: exit 5, not 3)"
fi

# ---- a 200 KB Location header ----
ok "testhttpd" start_httpd httpd
ok "openssl s_server for the raw answer" start_raw_https raw
awk 'BEGIN {
	printf "HTTP/1.0 302 Found\r\nLocation: https://item.taobao.com/"
	for (i = 0; i < 200000; i++) printf "a"
	printf "\r\nContent-Type: text/plain\r\n\r\nmoved\r\n"
}' >"$tmp/raw/item.htm?id=7001"
IPP_CONNECT_TO="item.taobao.com:443:127.0.0.1:$raw_port,::127.0.0.1:$httpd_port"
export IPP_CONNECT_TO
try ipp-complain probe 'https://item.taobao.com/item.htm?id=7001'
is "$rc" 1 "probe of a listing whose answer has a 200 KB Location: exit 1"
is "$(printf '%s\n' "$out" | tsv_get live)" error "its check is an error"
like "$(printf '%s\n' "$out" | tsv_get note)" \
    '^a response header longer than 100 KiB' \
    "reported as the header it is"
unlike "$(printf '%s\n' "$out" | tsv_get note)" '^Out of memory' \
    "not as 'Out of memory'"
unset IPP_CONNECT_TO

# ---- every reader caps a line ----
head -c 100000000 /dev/zero | tr '\0' a >"$tmp/peak.in"
if [ "$have_time" = 1 ]; then
	snapshot
	peak_kib env HOME="$tmp/home-alice" XDG_STATE_HOME="$tmp/state-alice" \
	    ipp-complain new --no-check --platform taobao --ipr "$CN" \
	    --target listing --reason tm-mark-in-text --supplement "$SUP"
	refused 4 '<stdin>:1: line longer than 16 MiB' "new with a 100 MB line"
	unchanged "new with a 100 MB line"
	if [ "$peak" -lt 65536 ]; then
		pass "it cost $peak KiB, under 64 MiB"
	else
		fail "it cost under 64 MiB" "peak $peak KiB"
	fi
	{ echo url; cat "$tmp/peak.in"; } >"$tmp/long.tsv"
	mv "$tmp/long.tsv" "$tmp/peak.in"
	peak_kib ipp-complain probe --no-check
	refused 4 '<stdin>:2: line longer than 16 MiB' "probe of TSV with a 100 MB line"
	if [ "$peak" -lt 65536 ]; then
		pass "it cost $peak KiB, under 64 MiB"
	else
		fail "it cost under 64 MiB" "peak $peak KiB"
	fi
else
	pass "# SKIP no /usr/bin/time, or sanitized"
fi
rm -f "$tmp/peak.in"
head -c 5000 /dev/zero | tr '\0' a >"$tmp/pw"
try sh -c "ipp-register login --email alice@example.com --password-stdin <'$tmp/pw'"
refused 2 'a password: a line longer than 4096 bytes' "a 5,000-byte password line"

# ---- probe streams ----
if [ "$have_time" = 1 ]; then
	awk 'BEGIN { for (i = 1; i <= 20000; i++)
	    print "https://item.taobao.com/item.htm?id=" i }' >"$tmp/peak.in"
	peak_kib ipp-complain probe --no-check
	small=$peak
	is "$rc" 0 "probe of 20,000 URLs"
	awk 'BEGIN { for (i = 1; i <= 200000; i++)
	    print "https://item.taobao.com/item.htm?id=" i }' >"$tmp/peak.in"
	peak_kib ipp-complain probe --no-check
	is "$rc" 0 "probe of 200,000 URLs"
	is "$(tsv_rows <"$tmp/peak.out")" 200000 "writes 200,000 rows"
	is "$(tsv_get listing_id 200000 <"$tmp/peak.out")" 200000 "in input order"
	if [ "$peak" -lt $((small + small / 2)) ]; then
		pass "memory is flat: $small KiB, then $peak KiB"
	else
		fail "memory is flat" "$small KiB for 20,000, $peak KiB for 200,000"
	fi
	rm -f "$tmp/peak.in" "$tmp/peak.out"
else
	pass "# SKIP no /usr/bin/time, or sanitized"
fi

# ---- a control character in a document's file name (D1) ----
nl='
'
make_doc "$tmp/bad${nl}name.pdf" 'evidence with a bad name'
refuses 1 "document file name 'bad\\.\\.\\.': has a control character .*\\(rule D1\\)" \
    "new --evidence whose file name has a newline" \
    new_as_alice --supplement "$SUP" --evidence "$tmp/bad${nl}name.pdf" \
    "$(listing_url taobao 8001)"
make_doc "$tmp/tab	name.pdf" 'evidence with a tab in its name'
refuses 1 'has a control character' "a tab in the name too" \
    new_as_alice --supplement "$SUP" --evidence "$tmp/tab	name.pdf" \
    "$(listing_url taobao 8001)"
bob=$(signup bob bob@example.com)
refuses 1 'has a control character' "identity --doc with a newline in its name" \
    as bob ipp-register identity --name 'Bob Wu' --doc "$tmp/bad${nl}name.pdf"

# ---- --supplement has an upper limit (C7) ----
try as alice ipp-register settings
is "$(printf '%s\n' "$out" | awk -F '\t' '$1 == "supplement_max_chars" { print $2 }')" \
    2000 "the setting supplement_max_chars is 2000"
long=$(awk 'BEGIN { for (i = 0; i < 2001; i++) printf "x" }')
refuses 1 'have at most 2000 characters, 2001 given \(rule C7\)' \
    "a supplement of 2,001 characters" \
    new_as_alice --supplement "$long" "$(listing_url taobao 8002)"
try new_as_alice --supplement "${long%x}" "$(listing_url taobao 8002)"
succeeded "one of 2,000 is filed"
ok "a handler raises the limit" as handler ipp-register set supplement_max_chars 3000
try new_as_alice --supplement "$long" "$(listing_url taobao 8003)"
succeeded "then 2,001 are filed"

done_testing

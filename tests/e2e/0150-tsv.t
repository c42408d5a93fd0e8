#!/bin/sh
# TSV through the binaries (ipp-tsv(5)): every byte value 1..255 survives
# a round trip through tsvcopy; malformed input is refused with exit 4 and
# its line number; command output is canonical TSV; settings change
# through `set` within their range only.
. "$(dirname "$0")/lib.sh"

# all_bytes MODE: one field holding the bytes 1..255 in order, escaped the
# way the writer does (MODE canonical: \t \n \r \\, and \xHH in capitals
# for control characters and for bytes that are not valid UTF-8 -- which
# is every byte from 0x80 up in this order), or in an equivalent form the
# reader must accept (MODE raw: control characters as raw bytes and \xhh
# in small letters).
all_bytes() {
	awk -v mode="$1" 'BEGIN {
		for (i = 1; i <= 255; i++) {
			if (i == 9) printf "\\t"
			else if (i == 10) printf "\\n"
			else if (i == 13) printf "\\r"
			else if (i == 92) printf "\\\\"
			else if (i >= 128)
				printf(mode == "raw" ? "\\x%02x" : "\\x%02X", i)
			else if ((i < 32 || i == 127) && mode != "raw")
				printf "\\x%02X", i
			else
				printf "%c", i
		}
	}'
}

# rows MODE: a file with the all-bytes field, NULL, the empty string and
# valid UTF-8 (kept raw; U+0085 is a C1 control and is escaped).
rows() {
	printf 'name\tvalue\tnote\n'
	printf 'all\t%s\tbytes 1..255\n' "$(all_bytes "$1")"
	printf 'null\t\\N\t\n'
	printf 'empty\t\t\\N\n'
	printf 'utf8\t\303\251 \344\270\255 \360\237\230\200\t\\xC2\\x85\n'
}

rows canonical >"$tmp/canonical.tsv"
rows raw >"$tmp/raw.tsv"
# Check the generator, not only the program: 255 distinct byte values.
is "$(tsv_get value <"$tmp/canonical.tsv" |
    grep -o '\\x[0-9A-F][0-9A-F]' | wc -l)" 157 \
    "the canonical field has 157 \\xHH escapes (C0, DEL, 0x80-0xFF)"
ok "the raw form has the control bytes raw" \
    grep -q "$(printf '\001\002\003')" "$tmp/raw.tsv"

try sh -c 'tsvcopy <"$1"' - "$tmp/canonical.tsv"
succeeded "tsvcopy reads every byte value 1..255"
printf '%s\n' "$out" >"$tmp/copy.tsv"
ok "tsvcopy writes the canonical form back unchanged" \
    cmp "$tmp/canonical.tsv" "$tmp/copy.tsv"
try sh -c 'tsvcopy <"$1"' - "$tmp/raw.tsv"
succeeded "tsvcopy reads raw control bytes and \\xhh in small letters"
printf '%s\n' "$out" >"$tmp/copy2.tsv"
ok "both forms decode to the same bytes" \
    cmp "$tmp/canonical.tsv" "$tmp/copy2.tsv"
printf 'a\tb\n\\x41\\x62\t\\xC3\\xA9\\x5C\n' >"$tmp/decode.tsv"
try sh -c 'tsvcopy <"$1"' - "$tmp/decode.tsv"
is "$out" "$(printf 'a\tb\nAb\t\303\251\\\\')" \
    "\\xHH decodes to bytes: ASCII and valid UTF-8 come back plain"

# ---- Malformed input: exit 4 and the line ----
# bad LINE DESC PRINTF-FORMAT: tsvcopy refuses that input at LINE.
bad() {
	printf "$3" >"$tmp/bad.tsv"
	try sh -c 'tsvcopy <"$1"' - "$tmp/bad.tsv"
	refused 4 "<stdin>:$1: " "$2"
}
bad 3 "a wrong field count on line 3" 'a\tb\n1\t2\n3\n'
like "$err" 'field' "the message says what is wrong with the fields"
bad 4 "too many fields on line 4" 'a\tb\n1\t2\n3\t4\n5\t6\t7\n'
bad 2 "a bad escape" 'a\n\\q\n'
bad 3 "a \\x with one hex digit" 'a\nok\n\\x4\n'
bad 2 "\\x00" 'a\n\\x00\n'
bad 2 "a backslash at the end of a field" 'a\tb\nx\\\tc\n'
bad 2 "\\N inside a field" 'a\nx\\N\n'
bad 2 "a CRLF line end" 'a\nb\r\n'
like "$err" 'CRLF|carriage return' "the message names the CR"
bad 1 "a CRLF header" 'a\r\nb\n'
bad 3 "invalid UTF-8" 'a\nok\n\377\n'
like "$err" 'UTF-8' "the message names UTF-8"
bad 2 "an overlong UTF-8 encoding" 'a\n\300\257\n'
bad 2 "a NUL byte" 'a\nx\000y\n'
like "$err" 'NUL' "the message names the NUL"
bad 1 "a duplicate column name" 'a\ta\n1\t2\n'
bad 1 "a column name outside [a-z0-9_]" 'Name\n1\n'
printf 'a\tb\nx\ty' >"$tmp/nolf.tsv"
tsvcopy <"$tmp/nolf.tsv" >"$tmp/nolf.out"
is "$?" 0 "a last line without LF is accepted"
printf 'a\tb\nx\ty\n' >"$tmp/nolf.expected"
ok "and written back with its LF" cmp "$tmp/nolf.expected" "$tmp/nolf.out"
printf '' >"$tmp/empty.tsv"
try sh -c 'tsvcopy <"$1"' - "$tmp/empty.tsv"
refused 4 'no header' "empty input"

# ---- Command output is canonical TSV ----
ok "init and the handler's sign-in" init_store cases@ipp.test
try as handler ipp-register settings
succeeded "settings"
printf '%s\n' "$out" >"$tmp/settings.tsv"
is "$(head -1 "$tmp/settings.tsv")" \
    "$(printf 'name\tvalue\tkind\tminimum\tmaximum\tdescription')" \
    "settings prints the documented columns"
is "$(tsv_where name code_ttl_minutes <"$tmp/settings.tsv" | tsv_get value)" 15 \
    "code_ttl_minutes is 15"
try sh -c 'tsvcopy <"$1"' - "$tmp/settings.tsv"
is "$out" "$(cat "$tmp/settings.tsv")" "settings | tsvcopy is unchanged"
try as handler ipp-register whoami
printf '%s\n' "$out" >"$tmp/whoami.tsv"
try sh -c 'tsvcopy <"$1"' - "$tmp/whoami.tsv"
is "$out" "$(cat "$tmp/whoami.tsv")" "whoami (with \\N fields) | tsvcopy is unchanged"

# ---- TSV into the binaries ----
snapshot
printf 'email\nx@example.com\n' >"$tmp/noid.tsv"
as handler ipp-register approve <"$tmp/noid.tsv" >/dev/null 2>"$tmp/err"
is "$?" 4 "approve without an account_id column: exit 4"
like "$(cat "$tmp/err")" ":1: missing column 'account_id'" "the message names the column"
printf 'account_id\n1\r\n' >"$tmp/crlf.tsv"
as handler ipp-register approve <"$tmp/crlf.tsv" >/dev/null 2>"$tmp/err"
is "$?" 4 "approve with CRLF input: exit 4"
like "$(cat "$tmp/err")" ":2: " "the message gives the line"
printf 'account_id\n2\nabc\n' >"$tmp/badid.tsv"
as handler ipp-register approve <"$tmp/badid.tsv" >/dev/null 2>"$tmp/err"
is "$?" 4 "approve with a bad id on line 3: exit 4"
like "$(cat "$tmp/err")" ":3: .*abc" "the message gives the line and the id"
unchanged "malformed TSV into approve"

# ---- set: kind and range checked ----
snapshot
try as handler ipp-register set code_ttl_minutes 0
refused 1 '1 to 1440' "code_ttl_minutes 0"
try as handler ipp-register set code_ttl_minutes 1441
refused 1 '1 to 1440' "code_ttl_minutes 1441"
try as handler ipp-register set code_ttl_minutes ten
refused 1 'integer' "code_ttl_minutes ten"
try as handler ipp-register set no_such_setting 1
refused 1 'no_such_setting' "an unknown setting"
try as handler ipp-register set code_ttl_minutes
refused 2 'usage' "set without a value"
unchanged "refused settings"
try as handler ipp-register set code_ttl_minutes 30
succeeded "the handler sets code_ttl_minutes 30"
try as handler ipp-register settings
is "$(printf '%s\n' "$out" | tsv_where name code_ttl_minutes | tsv_get value)" 30 \
    "settings shows the new value"
printf '%s\n' "$out" >"$tmp/settings2.tsv"
is "$(diff "$tmp/settings.tsv" "$tmp/settings2.tsv" | grep -c '^[<>]')" 2 \
    "only that row changed"

# The new value is the one the rules use: a code 20 minutes old is valid.
try register zoe@example.com
succeeded "zoe registers"
now_add 1200
try ipp-register verify --email zoe@example.com "$(code_for zoe@example.com)"
succeeded "with code_ttl_minutes 30 a code is valid after 20 minutes (A3)"
try as zoe ipp-register settings
is "$rc" 5 "settings needs a signed-in user"
ok "zoe signs in" login_as zoe zoe@example.com
try as zoe ipp-register settings
succeeded "an account reads the settings"
is "$out" "$(cat "$tmp/settings2.tsv")" "the same settings"

done_testing

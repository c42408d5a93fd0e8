#!/bin/sh
# Options before or after the operands, as git and most Linux tools take
# them (`ipp-ipr fail 3 --reason 'illegible'`), for commands of every
# binary; `--` ends the options; --help anywhere in a command prints its
# usage and exits 0, also where the command has no options of its own;
# an unknown option or one missing its value is a usage error that names
# it.
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test

# ---- ipp-register ----
try register carol@example.com
succeeded "carol registers"
C_ID=$(printf '%s\n' "$out" | tsv_get account_id)
try ipp-register verify "$(code_for carol@example.com)" \
    --email carol@example.com
succeeded "verify CODE --email EMAIL: the option after the code"
is "$(sql "SELECT state FROM accounts WHERE account_id = $C_ID")" active \
    "carol's account is active"
tryin "$PW" as handler ipp-register handler add second@ipp.test \
    --password-stdin
succeeded "handler add EMAIL --password-stdin"
is "$(printf '%s\n' "$out" | tsv_get email)" second@ipp.test \
    "the new handler is written"
is "$(sql "SELECT role FROM accounts WHERE email = 'second@ipp.test'")" \
    handler "and stored as a handler"
login_as carol carol@example.com
make_doc "$tmp/id.pdf" 'identity of Carol'
ok "carol gives her identity" as carol ipp-register identity \
    --name 'Carol Xu' --doc "$tmp/id.pdf"
try as handler ipp-register reject "$C_ID" --reason 'the scan is illegible'
succeeded "reject ID --reason TEXT"
is "$(sql "SELECT state || ' ' || identity_reason FROM accounts
    WHERE account_id = $C_ID")" 'identity-rejected the scan is illegible' \
    "the rejection and its reason are stored (A5)"
try as handler ipp-register list identity-rejected --state
refused 2 "list: option needs a value: '--state'" \
    "an option without its value, after an operand"
try as handler ipp-register list --colour=red
refused 2 "list: no such option: '--colour=red'" "an unknown option is named"

# ---- ipp-ipr ----
A_ID=$(verified_account alice alice@example.com 'Alice Li')
like "$A_ID" '^[0-9]+$' "alice is identity-verified (A5)"
make_doc "$tmp/cert.pdf" 'certificate'
try as alice ipp-ipr add --type trademark --name ACME --number TM-1 \
    --registrant 'Alice Li' --jurisdiction CN --expires 2030-06-30 \
    --class 9 --brand Acme --certificate "$tmp/cert.pdf"
succeeded "alice adds a trademark"
TM=$(printf '%s\n' "$out" | tsv_get ipr_id)
try as handler ipp-ipr fail "$TM" --reason 'illegible'
succeeded "fail ID --reason TEXT"
is "$(printf '%s\n' "$out" | tsv_get state)" failed "the IPR is failed"
is "$(sql "SELECT fail_reason FROM iprs WHERE ipr_id = $TM")" illegible \
    "with its reason (I7)"
try as alice ipp-ipr edit "$TM" --brand 'Acme Shoes'
succeeded "edit ID --brand BRAND"
is "$(printf '%s\n' "$out" | tsv_get brand)" 'Acme Shoes' \
    "the brand is changed"
try as alice ipp-ipr list --state failed --type
refused 2 "list: option needs a value: '--type'" \
    "a trailing option without its value"
printf 'type\tname\tnumber\tregistrant\tjurisdiction\texpires\tclasses\tbrand\tcertificate\n' \
    >"$tmp/one.tsv"
printf 'trademark\tACME\tTM-2\tAlice Li\tHK\t2030-06-30\t9\tAcme\tcert.pdf\n' \
    >>"$tmp/one.tsv"
try as alice ipp-ipr import "$tmp/one.tsv" --partial
succeeded "import FILE --partial"
is "$(sql "SELECT count(*) FROM iprs WHERE number = 'TM-2'")" 1 \
    "the file's IPR is stored"

# ---- ipp-complain ----
CN=$(trademark_ipr alice CN TM-CN-1)
like "$CN" '^[0-9]+$' "alice has a verified CN trademark (I7)"
try as alice ipp-complain new 'https://item.taobao.com/item.htm?id=7001' \
    --platform taobao --ipr "$CN" --target listing \
    --reason tm-mark-in-text --supplement 'Shoes under our mark.' --no-check
succeeded "new URL --platform ... --no-check: options after the URL"
CP=$(printf '%s\n' "$out" | tsv_get complaint_id)
like "$CP" '^[1-9][0-9]*$' "a complaint is filed"
is "$(printf '%s\n' "$out" | tsv_get live)" unchecked \
    "--no-check after the URL was taken"
try ipp-complain probe 'https://item.taobao.com/item.htm?id=7002' --no-check
succeeded "probe URL --no-check"
is "$(printf '%s\n' "$out" | tsv_get live)" unchecked "nothing checked live"
try as alice ipp-complain list --state submitted --platform
refused 2 "list: option needs a value: '--platform'" \
    "a trailing option without its value"
try as alice ipp-complain show "$CP" --bogus
refused 2 "show: no such option: '--bogus'" "show names an unknown option"

# ---- -- ends the options ----
try as alice ipp-ipr show -- --brand
refused 1 "'--brand'" "after --, an option-like word is an operand"

# ---- --help anywhere ----
for cmdline in 'ipp-register logout --help' 'ipp-register whoami x --help' \
    'ipp-ipr fail 3 --help' 'ipp-ipr queue --help' \
    'ipp-complain show 1 --help' 'ipp-complain withdraw -h'; do
	# shellcheck disable=SC2086
	try $cmdline
	is "$rc" 0 "'$cmdline' exits 0"
	set -- $cmdline
	like "$out" "^usage: $1 \\[-d store\\] \\[--csv\\] $2( |\$)" \
	    "'$cmdline' prints the usage of $2"
done

done_testing

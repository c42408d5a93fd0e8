#!/bin/sh
# tests/demo.sh (`make demo`): a walk-through of ipp on a fresh store.
#
# Every command is printed before it runs ("+ ipp-register ..."), after a
# comment saying why.  The store is a temporary one, removed at the end,
# unless IPP_DB names a new one (then it is kept).  Later issues add
# steps: each step is a function step_NAME, and the list at the bottom
# runs them in order.
set -eu

: "${IPP_BIN:=$(pwd)/build/bin}"
PATH=$IPP_BIN:$PATH
export PATH

if [ -n "${IPP_DB:-}" ] && [ -e "$IPP_DB" ]; then
	echo "demo: '$IPP_DB' exists: set IPP_DB to a new path, or unset it" >&2
	exit 1
fi
# Scratch files and sessions; the store too unless IPP_DB names one.
demo=$(mktemp -d "${TMPDIR:-/tmp}/ipp-demo.XXXXXX")
trap 'rm -rf "$demo"' EXIT
kept=${IPP_DB:+yes}
IPP_DB=${IPP_DB:-$demo/store/ipp.db}
HOME=$demo/home
export IPP_DB HOME
unset IPP_TOKEN IPP_SMTP_URL XDG_STATE_HOME
mkdir -p "$HOME"

HANDLER=cases@ipp.example
HANDLER_PW='handler passphrase 1'
OWNER=owner@brand.example
OWNER_PW='owner passphrase 1'

# ---- printing ----

# say LINE...: a comment, one line per argument.
say() {
	echo
	for _line in "$@"; do
		printf '# %s\n' "$_line"
	done
}

# quote WORD...: the words as a shell would need them typed.
quote() {
	_sep=
	for _w in "$@"; do
		case $_w in
		*[!A-Za-z0-9@%+=:,./_-]* | '')
			_w="'$(printf '%s' "$_w" | sed "s/'/'\\\\''/g")'" ;;
		esac
		printf '%s%s' "$_sep" "$_w"
		_sep=' '
	done
}

# run COMMAND...: prints the command, then runs it.
run() {
	printf '+ %s\n' "$(quote "$@")"
	"$@"
}

# run_pw PASSWORD COMMAND...: the same with PASSWORD on standard input,
# given the way a script gives it.
run_pw() {
	_pw=$1
	shift
	printf "+ printf '%%s\\\\n' %s | %s\n" "$(quote "$_pw")" "$(quote "$@")"
	printf '%s\n' "$_pw" | "$@"
}

# session USER: the commands that follow run in USER's session (a state
# directory of its own, as if on USER's machine).
session() {
	XDG_STATE_HOME=$demo/state-$1
	export XDG_STATE_HOME
	printf '\n## %s\n' "$2"
}

# code_for EMAIL: the code in the newest message to EMAIL in the outbox.
code_for() {
	for _m in $(ls -t "$(dirname "$IPP_DB")"/outbox/new/*); do
		if tr -d '\r' <"$_m" | grep -qiF "To: $1"; then
			tr -d '\r' <"$_m" |
			    sed -n 's/^Verification code: \([0-9]\{6\}\)$/\1/p'
			return 0
		fi
	done
	return 1
}

# ---- the steps ----

step_init() {
	session handler "the case handler's terminal"
	say "A new store with its first case handler (the platform side)."
	run_pw "$HANDLER_PW" \
	    ipp-register init --handler "$HANDLER" --password-stdin
}

step_register() {
	session owner "the right holder's terminal"
	say "A right holder registers: where it is based, who owns the rights," \
	    "whether it is the holder or an agent, and its acceptance of the" \
	    "IPP User Agreement and Privacy Policy (rules A1, A2)."
	run_pw "$OWNER_PW" \
	    ipp-register new --email "$OWNER" --base hong-kong \
	    --identity enterprise --category right-holder --agree \
	    --password-stdin
}

step_verify() {
	say "A six-digit code is mailed to the login email (rule A3).  Without" \
	    "IPP_SMTP_URL the mail is queued in the outbox beside the store."
	run ls "$(dirname "$IPP_DB")/outbox/new"
	CODE=$(code_for "$OWNER")
	say "The message says: Verification code: $CODE"
	run ipp-register verify --email "$OWNER" "$CODE"
}

step_login() {
	say "Signing in saves a session in \$XDG_STATE_HOME/ipp (rule A4)."
	run_pw "$OWNER_PW" \
	    ipp-register login --email "$OWNER" --password-stdin
	run ipp-register whoami
}

step_identity() {
	say "Before any IPR or complaint: the owner's name and a document" \
	    "proving it, a PDF, JPEG or PNG of at most 10 MiB (rules A5, D2)."
	printf '%s\n' '%PDF-1.4' '1 0 obj << /Type /Catalog /Pages 2 0 R >>' \
	    'endobj' '2 0 obj << /Type /Pages /Kids [] /Count 0 >>' 'endobj' \
	    'trailer << /Root 1 0 R >>' '%%EOF' >"$demo/registration.pdf"
	run ipp-register identity --name 'Brand Owner Ltd' \
	    --doc "$demo/registration.pdf"
}

step_approve() {
	session handler "the case handler's terminal"
	say "The case handler signs in and approves every pending identity:" \
	    "list prints TSV, approve reads its account_id column (rule A6)."
	run_pw "$HANDLER_PW" \
	    ipp-register login --email "$HANDLER" --password-stdin
	run ipp-register list --state identity-pending
	echo '+ ipp-register list --state identity-pending | ipp-register approve'
	ipp-register list --state identity-pending | ipp-register approve
}

step_whoami() {
	session owner "the right holder's terminal"
	say "The account is identity-verified, and its history says how."
	run ipp-register whoami
	run ipp-register history
}

# ---- IPRs (issue 3) ----

# paper FILE TITLE: a small PDF standing in for a scanned document; the
# title makes each one's content, and so its SHA-256, its own (D1).
paper() {
	printf '%s\n' '%PDF-1.4' "% $2" \
	    '1 0 obj << /Type /Catalog /Pages 2 0 R >>' 'endobj' \
	    '2 0 obj << /Type /Pages /Kids [] /Count 0 >>' 'endobj' \
	    'trailer << /Root 1 0 R >>' '%%EOF' >"$1"
}

# days_ahead N: the date N days after today (IPP_NOW when set).
days_ahead() {
	_today=$(date -u -d "${IPP_NOW:-now}" +%s)
	date -u -d "@$((_today + $1 * 86400))" +%Y-%m-%d
}

step_ipr_add() {
	session owner "the right holder's terminal"
	say "With its identity verified, the account uploads its rights (rule" \
	    "A5).  A trademark must be registered, with its name, number," \
	    "registrant, jurisdiction, expiry date, Nice classes, brand and" \
	    "certificate (rule I2).  First the mark in mainland China:"
	paper "$demo/tm-cn.pdf" 'CN trademark registration certificate'
	run ipp-ipr add --type trademark --name 'BRAND OWNER' \
	    --number 12345678 --registrant 'Brand Owner Ltd' \
	    --jurisdiction CN --expires 2034-06-30 --class 9 --class 25 \
	    --brand 'Brand Owner' --certificate "$demo/tm-cn.pdf"
	say "The same mark in Hong Kong, due for renewal in 20 days, with a" \
	    "label of the account's choosing to pick it by (rule I8):"
	paper "$demo/tm-hk.pdf" 'HK trademark registration certificate'
	run ipp-ipr add --type trademark --label brand-hk \
	    --name 'BRAND OWNER' --number 301234567 \
	    --registrant 'Brand Owner Ltd' --jurisdiction hk \
	    --expires "$(days_ahead 20)" --class 18 --brand 'Brand Owner' \
	    --certificate "$demo/tm-hk.pdf"
	say "Product photographs that were never registered: a statement of" \
	    "ownership identifying the works stands in for a certificate (rule" \
	    "I4)."
	paper "$demo/statement.pdf" 'statement of ownership of the photographs'
	run ipp-ipr add --type copyright --unregistered \
	    --name 'Product photographs 2026' --statement "$demo/statement.pdf"
	say "All three wait for a case handler (rule I7)."
	run ipp-ipr list
}

step_ipr_verify() {
	session handler "the case handler's terminal"
	say "The queue holds the pending rights of every account, oldest first;" \
	    "verify reads its ipr_id column and mails each decision (rule I7)."
	run ipp-ipr queue
	echo '+ ipp-ipr queue | ipp-ipr verify'
	ipp-ipr queue | ipp-ipr verify
}

step_ipr_watch() {
	session owner "the right holder's terminal"
	say "The rights are verified and can back complaints until they expire." \
	    "show gives one with its documents, by SHA-256, and its history."
	run ipp-ipr show brand-hk
	say "A cron job lists the verified rights expiring within 30 days (I7):"
	run ipp-ipr list --expiring 30
}

for step in init register verify login identity approve whoami \
    ipr_add ipr_verify ipr_watch; do
	"step_$step"
done
echo
if [ -n "$kept" ]; then
	echo "# demo: done; the store is kept at $IPP_DB"
else
	echo "# demo: done; the temporary store is removed"
fi

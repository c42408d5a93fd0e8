# tests/e2e/lib.sh: sourced by every tests/e2e/NNNN-topic.t (POSIX sh).
#
# TAP output for prove(1), a private temporary directory per test file,
# one store at $tmp/store/ipp.db, a fixed clock (IPP_NOW) that tests move
# instead of sleeping, and one environment per "user" so that several
# accounts can be signed in at once:
#
#	as alice ipp-register whoami	# HOME and XDG_STATE_HOME of alice
#
# Commands run with $IPP_BIN first in PATH.  Set IPP_KEEP_TMP=1 to keep
# the temporary directory of a failing run for a look.
#
# With IPP_TEST_STORE=postgresql (and IPP_TEST_PG, a cluster from
# tests/pg.sh) the store is a PostgreSQL database of the test's own,
# created here and dropped at the end; `dump` and `sql` look at it with
# pg_dump and psql, and a test that must look at SQLite's files says so
# with sqlite_only REASON (a TAP skip).

set -u

# ---- where things are ----

: "${IPP_BIN:=$(pwd)/build/bin}"
: "${IPP_HELPERS:=$(pwd)/build/helpers}"
# abs_dir DIR: DIR made absolute (the tests change directory).
abs_dir() {
	case $1 in
	/*) echo "$1" ;;
	*) echo "$(pwd)/$1" ;;
	esac
}
IPP_BIN=$(abs_dir "$IPP_BIN")
IPP_HELPERS=$(abs_dir "$IPP_HELPERS")
PATH=$IPP_BIN:$IPP_HELPERS:$PATH
export IPP_BIN IPP_HELPERS PATH
if [ ! -x "$IPP_BIN/ipp-register" ]; then
	echo "Bail out! no ipp-register in '$IPP_BIN': set IPP_BIN"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipp-e2e.XXXXXX") || exit 1
_exit_hooks=
_tests=0
_failed=0
_planned=

# Runs `at_exit` hooks (newest first), then removes $tmp.
_cleanup() {
	_status=$?
	trap - EXIT HUP INT TERM
	eval "$_exit_hooks"
	if [ "${IPP_KEEP_TMP:-0}" = 1 ] && [ "$_failed" -ne 0 ]; then
		echo "# kept $tmp" >&2
	else
		rm -rf "$tmp"
	fi
	exit "$_status"
}
trap _cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# at_exit 'shell command': run when the test ends, however it ends.
at_exit() {
	_exit_hooks="$1
$_exit_hooks"
}

# A clean environment: nothing of the caller's accounts, mail or store.
unset IPP_TOKEN IPP_SMTP_URL XDG_DATA_HOME XDG_CONFIG_HOME
HOME=$tmp/home
XDG_STATE_HOME=$tmp/state
IPP_DB=$tmp/store/ipp.db
IPP_NOW=2026-01-31T09:00:00Z
LC_ALL=C
export HOME XDG_STATE_HOME IPP_DB IPP_NOW LC_ALL
mkdir -p "$HOME"
store=$tmp/store
outbox=$store/outbox

# ---- the database: SQLite (the default) or PostgreSQL ----

if [ "${IPP_TEST_STORE:-sqlite}" = postgresql ]; then
	if [ -z "${IPP_TEST_PG:-}" ]; then
		echo "Bail out! IPP_TEST_STORE=postgresql without IPP_TEST_PG:" \
		    "run under tests/pg.sh"
		exit 1
	fi
	: "${PG_BINDIR:=$(ls -d /usr/lib/postgresql/*/bin | tail -1)}"
	_pg_db=e2e_$$_$(basename "$0" .t | tr -c 'a-z0-9\n' _)
	"$PG_BINDIR/psql" -qAtX "$IPP_TEST_PG" -c "CREATE DATABASE $_pg_db" \
	    >/dev/null || { echo "Bail out! cannot create $_pg_db"; exit 1; }
	at_exit '"$PG_BINDIR/psql" -qAtX "$IPP_TEST_PG" -c \
	    "DROP DATABASE IF EXISTS $_pg_db WITH (FORCE)" >/dev/null 2>&1'
	# The last dbname in a connection string wins.
	IPP_DB="$IPP_TEST_PG dbname=$_pg_db"
	# The tests' own queries (sql) use SQLite's group_concat: the same
	# aggregate here, for them only (the tools never call it).
	"$PG_BINDIR/psql" -qAtX "$IPP_DB" >/dev/null <<-'EOF' ||
	CREATE FUNCTION group_concat_step(a text, v anyelement, sep text)
	RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN v IS NULL
	THEN a WHEN a IS NULL THEN v::text ELSE a || sep || v::text END $$;
	CREATE AGGREGATE group_concat(anyelement, text)
	(SFUNC = group_concat_step, STYPE = text);
	CREATE FUNCTION group_concat_step(a text, v anyelement)
	RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN v IS NULL
	THEN a WHEN a IS NULL THEN v::text ELSE a || ',' || v::text END $$;
	CREATE AGGREGATE group_concat(anyelement)
	(SFUNC = group_concat_step, STYPE = text);
	EOF
	    { echo "Bail out! cannot set up $_pg_db"; exit 1; }
	# This machine's files of a PostgreSQL store (the outbox) are in
	# its data directory, the same for every user of the test.
	XDG_DATA_HOME=$tmp/data
	store=$XDG_DATA_HOME/ipp
	outbox=$store/outbox
	export IPP_DB XDG_DATA_HOME
fi

# on_pg: true when the store is PostgreSQL.
on_pg() {
	[ "${IPP_TEST_STORE:-sqlite}" = postgresql ]
}

# skip DESC REASON: a test that does not apply to this store, as a TAP
# skip (it counts as run).
skip() {
	_tests=$((_tests + 1))
	echo "ok $_tests - $1 # skip $2"
}

# int_of EXPR: SQL for EXPR (text) as an integer, SQLite's CAST on both
# stores (text that is not a number is 0; PostgreSQL's CAST would fail).
int_of() {
	if on_pg; then
		echo "(CASE WHEN $1 ~ '^[0-9]+\$' THEN CAST($1 AS BIGINT) ELSE 0 END)"
	else
		echo "CAST($1 AS INTEGER)"
	fi
}

# sqlite_only REASON: the whole test is about SQLite's store (its file,
# its directory); on PostgreSQL it is skipped, giving REASON.
sqlite_only() {
	if on_pg; then
		echo "1..0 # SKIP SQLite only: $1"
		exit 0
	fi
}

# A password long enough for A4; tests feed it with printf.
PW='correct horse battery'

# ---- TAP ----

plan() {
	_planned=$1
	echo "1..$1"
}

diag() {
	printf '%s\n' "$@" | sed 's/^/# /' >&2
}

pass() {
	_tests=$((_tests + 1))
	echo "ok $_tests - $1"
}

# fail DESC [DIAGNOSTIC...]
fail() {
	_tests=$((_tests + 1))
	_failed=$((_failed + 1))
	echo "not ok $_tests - $1"
	shift
	[ $# -eq 0 ] || diag "$@"
}

# ok DESC COMMAND...: passes when COMMAND exits 0.
ok() {
	_ok_desc=$1
	shift
	if "$@"; then
		pass "$_ok_desc"
	else
		fail "$_ok_desc" "command failed ($?): $*"
	fi
}

# is GOT EXPECTED DESC
is() {
	if [ "$1" = "$2" ]; then
		pass "$3"
	else
		fail "$3" "     got: '$1'" "expected: '$2'"
	fi
}

# isnt GOT UNEXPECTED DESC
isnt() {
	if [ "$1" != "$2" ]; then
		pass "$3"
	else
		fail "$3" "     got: '$1'" "expected anything else"
	fi
}

# like GOT ERE DESC
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		pass "$3"
	else
		fail "$3" "     got: '$1'" "expected to match: /$2/"
	fi
}

# unlike GOT ERE DESC
unlike() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		fail "$3" "     got: '$1'" "expected not to match: /$2/"
	else
		pass "$3"
	fi
}

# Ends the test: prints the plan if none was given, fails on a mismatch.
done_testing() {
	if [ -z "$_planned" ]; then
		echo "1..$_tests"
	elif [ "$_planned" -ne "$_tests" ]; then
		diag "planned $_planned tests but ran $_tests"
		_failed=$((_failed + 1))
	fi
	[ "$_failed" -eq 0 ] || diag "failed $_failed of $_tests"
	[ "$_failed" -eq 0 ] && exit 0
	exit 1
}

# ---- running commands ----

# try COMMAND...: runs it with no input; stdout in $out, stderr in $err,
# the exit status in $rc.  (Not in a pipeline: those run in a subshell.)
try() {
	"$@" </dev/null >"$tmp/try.out" 2>"$tmp/try.err"
	rc=$?
	out=$(cat "$tmp/try.out")
	err=$(cat "$tmp/try.err")
}

# tryin TEXT COMMAND...: like try, with TEXT and a newline on stdin.
tryin() {
	printf '%s\n' "$1" >"$tmp/try.in"
	shift
	"$@" <"$tmp/try.in" >"$tmp/try.out" 2>"$tmp/try.err"
	rc=$?
	out=$(cat "$tmp/try.out")
	err=$(cat "$tmp/try.err")
}

# refused STATUS ERE DESC: the last `try` exited STATUS and said ERE.
refused() {
	is "$rc" "$1" "$3: exit $1"
	like "$err" "$2" "$3: message"
}

# succeeded DESC: the last `try` exited 0.  Its standard error is not
# checked (warnings and summaries go there on success); on a failure it
# is shown with the exit status.
succeeded() {
	if [ "$rc" -eq 0 ]; then
		pass "$1"
	else
		fail "$1" "exit $rc" "stderr: $err"
	fi
}

# as USER COMMAND...: runs COMMAND (a program or a shell function) with
# USER's own HOME and XDG_STATE_HOME, so USER has a session of its own.
as() {
	_as_user=$1
	shift
	(
		HOME=$tmp/home-$_as_user
		XDG_STATE_HOME=$tmp/state-$_as_user
		export HOME XDG_STATE_HOME
		mkdir -p "$HOME"
		"$@"
	)
}

# ---- the clock ----

now_set() {
	IPP_NOW=$1
	export IPP_NOW
}

# now_add SECONDS: moves IPP_NOW forward (or back, when negative).
now_add() {
	_now_s=$(date -u -d "$IPP_NOW" +%s) || return 1
	IPP_NOW=$(date -u -d "@$((_now_s + $1))" +%Y-%m-%dT%H:%M:%SZ)
	export IPP_NOW
}

# ---- the store ----

# The logical content of the store, for "nothing was written" checks.
dump() {
	if on_pg; then
		# Sequences move on a rolled-back insert: not content.
		"$PG_BINDIR/pg_dump" --data-only --no-owner \
		    --exclude-table-data=document_contents "$IPP_DB" |
		    grep -v -e '^SELECT pg_catalog.setval' -e '^--' -e '^.restrict' \
		    -e '^.unrestrict'
	else
		sqlite3 "$IPP_DB" .dump
	fi
}

# snapshot, then unchanged DESC: the dump is byte-for-byte the same.
snapshot() {
	dump >"$tmp/dump.before"
}

unchanged() {
	dump >"$tmp/dump.after"
	if cmp -s "$tmp/dump.before" "$tmp/dump.after"; then
		pass "$1: store unchanged"
	else
		fail "$1: store unchanged" \
		    "$(diff "$tmp/dump.before" "$tmp/dump.after" | head -20)"
	fi
}

# sql QUERY: one query's output, for checks the commands do not show.
sql() {
	if on_pg; then
		# Booleans as SQLite prints them: 1 and 0.
		"$PG_BINDIR/psql" -qAtX -F '|' "$IPP_DB" -c "$1" |
		    sed -e 's/^t$/1/' -e 's/^f$/0/'
	else
		sqlite3 "$IPP_DB" "$1"
	fi
}

# ---- TSV ----

# tsv_get COLUMN [ROW]: field COLUMN (by header name) of data row ROW
# (default 1) of the TSV on stdin; fails when there is no such column.
tsv_get() {
	awk -F '\t' -v col="$1" -v row="${2:-1}" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i
			if (!c) exit 2; next }
		NR == row + 1 { print $c; found = 1; exit }
		END { if (!c) exit 2; if (!found) exit 1 }'
}

# tsv_where COLUMN VALUE: the TSV on stdin, header row kept, with only
# the data rows whose COLUMN (by header name) is VALUE; fails when there
# is no such column.  With tsv_get, tsv_column and tsv_rows:
#	tsv_where role account | tsv_column email
tsv_where() {
	awk -F '\t' -v col="$1" -v val="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i
			if (!c) exit 2; print; next }
		$c == val
		END { if (!c) exit 2 }'
}

# show_field FIELD: the value of FIELD in the field/value TSV that `show`
# prints (on stdin); fails when there is no such field.
show_field() {
	tsv_where field "$1" | tsv_get value
}

# tsv_rows: the number of data rows of the TSV on stdin.
tsv_rows() {
	awk 'END { print (NR > 0 ? NR - 1 : 0) }'
}

# ---- mail ----

# mails_to EMAIL: files in the outbox (new/ and cur/) addressed to EMAIL,
# newest first.  The To: header decides, compared case-insensitively.
mails_to() {
	ls -t "$outbox"/new/* "$outbox"/cur/* 2>/dev/null |
	while IFS= read -r _m_file; do
		awk -v to="$1" '
			{ sub(/\r$/, "") }
			/^$/ { exit }
			tolower($0) ~ /^to:/ {
				v = tolower(substr($0, 4))
				t = tolower(to)
				gsub(/^[ \t]+|[ \t]+$/, "", v)
				if (v == t || index(v, "<" t ">"))
					found = 1
			}
			END { exit !found }' "$_m_file" && printf '%s\n' "$_m_file"
	done
}

# code_in FILE: the verification code in one message.
code_in() {
	tr -d '\r' <"$1" | sed -n 's/^Verification code: \([0-9]\{6\}\)$/\1/p' |
	    head -1
}

# code_for EMAIL: the code of the newest message to EMAIL.
code_for() {
	_cf_file=$(mails_to "$1" | head -1)
	if [ -z "$_cf_file" ]; then
		echo "code_for: no mail to $1" >&2
		return 1
	fi
	code_in "$_cf_file"
}

# ---- accounts ----

# init_store HANDLER_EMAIL: a new store with its first case handler,
# signed in as the user "handler".
init_store() {
	printf '%s\n' "$PW" | ipp-register init --handler "$1" \
	    --password-stdin 2>"$tmp/init.err" &&
	printf '%s\n' "$PW" | as handler ipp-register login --email "$1" \
	    --password-stdin
}

# register EMAIL [NEW-OPTIONS...]: `new` with the password $PW; the
# options default to an individual right holder in mainland China.
register() {
	_rg_email=$1
	shift
	[ $# -gt 0 ] || set -- --base mainland-china --identity individual \
	    --category right-holder --agree
	printf '%s\n' "$PW" | ipp-register new --email "$_rg_email" \
	    --password-stdin "$@"
}

# login_as USER EMAIL [PASSWORD]
login_as() {
	printf '%s\n' "${3:-$PW}" | as "$1" ipp-register login --email "$2" \
	    --password-stdin
}

# signup USER EMAIL [NEW-OPTIONS...]: register, verify with the code from
# the outbox and sign in as USER; prints the account id.
signup() {
	_su_user=$1
	_su_email=$2
	shift 2
	_su_id=$(register "$_su_email" "$@" | tsv_get account_id) &&
	ipp-register verify --email "$_su_email" "$(code_for "$_su_email")" &&
	login_as "$_su_user" "$_su_email" &&
	printf '%s\n' "$_su_id"
}

# ---- documents (libmagic decides their type by content) ----

# make_pdf FILE: a minimal PDF.
make_pdf() {
	printf '%s\n' '%PDF-1.4' '1 0 obj << /Type /Catalog /Pages 2 0 R >>' \
	    'endobj' '2 0 obj << /Type /Pages /Kids [] /Count 0 >>' 'endobj' \
	    'trailer << /Root 1 0 R >>' '%%EOF' >"$1"
}

# make_png FILE: the PNG signature and the IHDR chunk of a 1x1 RGB image.
make_png() {
	printf '\211PNG\r\n\032\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\10\2\0\0\0\220wS\336' \
	    >"$1"
}

# make_jpeg FILE: the start of a JFIF file.
make_jpeg() {
	printf '\377\330\377\340\0\020JFIF\0\1\1\0\0\1\0\1\0\0\377\331' >"$1"
}

# doc_stored FILE SHA256: the store keeps FILE's content at SHA256 (D1):
# docs/XX/SHA256 beside a SQLite store, document_contents in PostgreSQL.
doc_stored() {
	if on_pg; then
		[ "$(sql "SELECT encode(content, 'hex') FROM document_contents
		    WHERE sha256 = '$2'")" = "$(od -An -v -tx1 "$1" |
		    tr -d ' \n')" ]
	else
		cmp -s "$1" "$store/docs/$(echo "$2" | cut -c 1-2)/$2"
	fi
}

# doc_files [GLOB]: how many document contents the store keeps (named
# GLOB): files under docs/, or rows of document_contents.
doc_files() {
	if on_pg; then
		sql "SELECT count(*) FROM document_contents WHERE sha256 LIKE
		    '$(printf '%s' "${1:-*}" | tr '*' '%')'"
	else
		find "$store/docs" -type f ${1:+-name "$1"} 2>/dev/null | wc -l
	fi
}

# mime FILE: the type libmagic gives it.
mime() {
	file -b --mime-type "$1"
}

# ---- processes ----

# wait_for COMMAND...: polls COMMAND until it succeeds, for at most 10 s.
# Only for other processes (a server coming up); time in the store is
# IPP_NOW, moved with now_add, never waited for.
wait_for() {
	_wf_n=0
	until "$@"; do
		_wf_n=$((_wf_n + 1))
		[ "$_wf_n" -lt 200 ] || return 1
		sleep 0.05
	done
}

# start_sink NAME: starts smtpsink with its messages in $tmp/NAME/ and
# its port in $tmp/NAME.port; sets $sink_pid and $sink_port.  The sink is
# killed when the test ends.
start_sink() {
	mkdir -p "$tmp/$1"
	smtpsink -p "$tmp/$1.port" -d "$tmp/$1" -t 60 \
	    >"$tmp/$1.out" 2>"$tmp/$1.err" &
	sink_pid=$!
	at_exit "kill $sink_pid 2>/dev/null; wait $sink_pid 2>/dev/null"
	if ! wait_for test -s "$tmp/$1.port"; then
		echo "start_sink: no port from smtpsink" >&2
		return 1
	fi
	sink_port=$(cat "$tmp/$1.port")
}

# ---- IPRs (issue 3) ----

# refuses STATUS ERE DESC COMMAND...: COMMAND, run by `try`, exits
# STATUS, says ERE on stderr, and leaves the store's logical content as
# it was.
refuses() {
	_rf_status=$1
	_rf_ere=$2
	_rf_desc=$3
	shift 3
	snapshot
	try "$@"
	refused "$_rf_status" "$_rf_ere" "$_rf_desc"
	unchanged "$_rf_desc"
}

# tsv_column COLUMN: every value of COLUMN (by header name) of the TSV on
# stdin, one a line; fails when there is no such column.
tsv_column() {
	awk -F '\t' -v col="$1" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i
			if (!c) exit 2; next }
		{ print $c }
		END { if (!c) exit 2 }'
}

# make_doc FILE TEXT: a minimal PDF that carries TEXT in a comment, so
# that each document has a content (and a SHA-256) of its own.
make_doc() {
	printf '%s\n' '%PDF-1.4' "% $2" \
	    '1 0 obj << /Type /Catalog /Pages 2 0 R >>' 'endobj' \
	    '2 0 obj << /Type /Pages /Kids [] /Count 0 >>' 'endobj' \
	    'trailer << /Root 1 0 R >>' '%%EOF' >"$1"
}

# sha FILE: the SHA-256 of FILE's content, the name of a document (D1).
sha() {
	sha256sum "$1" | cut -d ' ' -f 1
}

# verified_account USER EMAIL OWNER [NEW-OPTIONS...]: `signup` as USER,
# then OWNER's identity with a PDF, approved by the user "handler" (who
# must be signed in): an account that may add IPRs (A5).  Prints the
# account id.
verified_account() {
	_va_user=$1
	_va_email=$2
	_va_owner=$3
	shift 3
	_va_id=$(signup "$_va_user" "$_va_email" "$@") &&
	make_doc "$tmp/identity-$_va_user.pdf" "identity of $_va_owner" &&
	as "$_va_user" ipp-register identity --name "$_va_owner" \
	    --doc "$tmp/identity-$_va_user.pdf" &&
	as handler ipp-register approve "$_va_id" >/dev/null &&
	printf '%s\n' "$_va_id"
}

# ---- complaints (issue 5) ----

# verified_ipr USER ADD-OPTIONS...: `ipp-ipr add` as USER, then verified
# by the user "handler" (I7).  Prints the IPR id.
verified_ipr() {
	_vi_user=$1
	shift
	_vi_id=$(as "$_vi_user" ipp-ipr add "$@" | tsv_get ipr_id) &&
	as handler ipp-ipr verify "$_vi_id" >/dev/null &&
	printf '%s\n' "$_vi_id"
}

# trademark_ipr USER JURISDICTION NUMBER [EXPIRES]: a verified trademark
# of USER, with its certificate and an authorisation (so the registrant
# need not be the owner, I3).  Prints the IPR id.
trademark_ipr() {
	[ -f "$tmp/tm-cert.pdf" ] ||
	    make_doc "$tmp/tm-cert.pdf" 'trademark registration certificate'
	[ -f "$tmp/tm-auth.pdf" ] ||
	    make_doc "$tmp/tm-auth.pdf" 'authorisation to enforce'
	verified_ipr "$1" --type trademark --name ACME --number "$3" \
	    --registrant 'Acme Holdings' --jurisdiction "$2" \
	    --expires "${4:-2030-12-31}" --class 25 --brand Acme \
	    --certificate "$tmp/tm-cert.pdf" --authorization "$tmp/tm-auth.pdf"
}

# listing_url PLATFORM ID: a well-formed listing URL (DOMAIN.md's
# appendix) with listing id ID; PLATFORM is lazada-XX for Lazada.
listing_url() {
	case $1 in
	taobao) echo "https://item.taobao.com/item.htm?id=$2" ;;
	tmall) echo "https://detail.tmall.com/item.htm?id=$2" ;;
	tmall-global) echo "https://detail.tmall.hk/hk/item.htm?id=$2" ;;
	1688) echo "https://detail.1688.com/offer/$2.html" ;;
	alibaba) echo "https://www.alibaba.com/product-detail/Acme-Shoes_$2.html" ;;
	aliexpress) echo "https://www.aliexpress.com/item/$2.html" ;;
	lazada-sg) echo "https://www.lazada.sg/products/acme-i$2-s1.html" ;;
	lazada-id) echo "https://www.lazada.co.id/products/acme-i$2-s1.html" ;;
	lazada-my) echo "https://www.lazada.com.my/products/acme-i$2-s1.html" ;;
	lazada-th) echo "https://www.lazada.co.th/products/acme-i$2-s1.html" ;;
	lazada-ph) echo "https://www.lazada.com.ph/products/acme-i$2-s1.html" ;;
	lazada-vn) echo "https://www.lazada.vn/products/acme-i$2-s1.html" ;;
	*) echo "listing_url: no platform '$1'" >&2; return 1 ;;
	esac
}

# listing_urls PLATFORM FIRST COUNT: COUNT listing URLs with ids FIRST,
# FIRST+1, ..., one a line.
listing_urls() {
	listing_url "$1" 0 >/dev/null || return 1
	awk -v first="$2" -v n="$3" -v p="$1" 'BEGIN {
		for (i = first; i < first + n; i++) print p "\t" i }' |
	while IFS='	' read -r _lu_p _lu_id; do
		listing_url "$_lu_p" "$_lu_id"
	done
}

# refusesin TEXT STATUS ERE DESC COMMAND...: `refuses` with TEXT and a
# newline on stdin.
refusesin() {
	_ri_text=$1
	_ri_status=$2
	_ri_ere=$3
	_ri_desc=$4
	shift 4
	snapshot
	tryin "$_ri_text" "$@"
	refused "$_ri_status" "$_ri_ere" "$_ri_desc"
	unchanged "$_ri_desc"
}

# tests/helpers/, where mkcerts.sh is (found from this test's path).
_e2e_helpers_src=$(abs_dir "$(dirname "$0")/../helpers")

# start_httpd NAME [TESTHTTPD-OPTIONS...]: a throw-away CA (mkcerts.sh)
# in $tmp/certs and testhttpd serving https on 127.0.0.1 with it; sets
# $httpd_pid and $httpd_port and points the live checks at it:
# IPP_CA_BUNDLE trusts the CA, IPP_CONNECT_TO sends every marketplace
# host to the server, IPP_ALLOW_PRIVATE=1 lets them reach 127.0.0.1.
# The server is stopped when the test ends.
start_httpd() {
	_sh_name=$1
	shift
	if [ ! -f "$tmp/certs/ca.pem" ]; then
		sh "$_e2e_helpers_src/mkcerts.sh" "$tmp/certs" ||
		    return 1
	fi
	testhttpd -p "$tmp/$_sh_name.port" -t 120 --tls "$tmp/certs/server.pem" \
	    "$tmp/certs/server.key" "$@" >"$tmp/$_sh_name.out" \
	    2>"$tmp/$_sh_name.err" &
	httpd_pid=$!
	at_exit "kill $httpd_pid 2>/dev/null; wait $httpd_pid 2>/dev/null"
	if ! wait_for test -s "$tmp/$_sh_name.port"; then
		echo "start_httpd: no port from testhttpd" >&2
		return 1
	fi
	httpd_port=$(cat "$tmp/$_sh_name.port")
	IPP_CA_BUNDLE=$tmp/certs/ca.pem
	IPP_CONNECT_TO=::127.0.0.1:$httpd_port
	IPP_ALLOW_PRIVATE=1
	export IPP_CA_BUNDLE IPP_CONNECT_TO IPP_ALLOW_PRIVATE
}

# start_raw_https NAME: `openssl s_server -HTTP` on 127.0.0.1 with the
# certificate start_httpd made (call it first), serving the files under
# $tmp/NAME/, each file a whole HTTP response (raw_page writes them):
# what a marketplace answers for a listing that testhttpd would call
# live (404, 410, a redirect).  Sets $raw_port; route a host to it with
# IPP_CONNECT_TO (the first match wins).  A path with no file gets 200.
# Stopped when the test ends.
start_raw_https() {
	mkdir -p "$tmp/$1"
	(cd "$tmp/$1" && exec openssl s_server -HTTP -accept 127.0.0.1:0 \
	    -cert "$tmp/certs/server.pem" -key "$tmp/certs/server.key") \
	    </dev/null >"$tmp/$1.out" 2>"$tmp/$1.err" &
	_rs_pid=$!
	at_exit "kill $_rs_pid 2>/dev/null; wait $_rs_pid 2>/dev/null"
	if ! wait_for grep -q '^ACCEPT 127\.0\.0\.1:' "$tmp/$1.out"; then
		echo "start_raw_https: openssl s_server did not start" >&2
		return 1
	fi
	raw_port=$(sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9]*\)$/\1/p' \
	    "$tmp/$1.out")
}

# raw_page NAME PATH STATUS [LOCATION]: the response start_raw_https NAME
# gives for PATH (with its query, as requested: "item.htm?id=1").
raw_page() {
	mkdir -p "$(dirname "$tmp/$1/$2")"
	{
		printf 'HTTP/1.0 %s\r\n' "$3"
		[ $# -lt 4 ] || printf 'Location: %s\r\n' "$4"
		printf 'Content-Type: text/plain\r\n\r\n%s\r\n' "$3"
	} >"$tmp/$1/$2"
}

# httpd_stat NAME: a counter of the testhttpd start_httpd started (its
# /stats page), e.g. requests.
httpd_stat() {
	curl -s --cacert "$tmp/certs/ca.pem" \
	    "https://127.0.0.1:$httpd_port/stats" |
	    awk -v n="$1" '$1 == n { print $2 }'
}

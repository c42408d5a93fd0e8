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
	    "IPP_SMTP_URL the mail, queued in the store with the account, is" \
	    "delivered into the outbox beside the store."
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

# ---- complaints (issue 5) ----

SUPPLEMENT='Counterfeit Brand Owner shoes: the mark, the box and the labels are copied.'

# run_refused COMMAND...: like run, for a command that is to be refused:
# shows its exit status; stops the demo if it was not refused.
run_refused() {
	printf '+ %s\n' "$(quote "$@")"
	_st=0
	"$@" || _st=$?
	if [ "$_st" -eq 0 ]; then
		echo "demo: that should have been refused" >&2
		exit 1
	fi
	printf '# (exit status %s)\n' "$_st"
}

# label_of TYPE JURISDICTION: the label of the owner's verified IPR of
# TYPE registered in JURISDICTION ("" for an unregistered one).
label_of() {
	ipp-ipr list --type "$1" --state verified | awk -F '\t' -v j="$2" '
	    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	    ($c["jurisdiction"] == "\\N" ? "" : $c["jurisdiction"]) == j {
		print $c["label"]; exit }'
}

step_complain_preflight() {
	session owner "the right holder's terminal"
	CN_MARK=$(label_of trademark CN)
	say "A complaint names a platform, a verified right that holds there," \
	    "a target (listing or storefront), a reason code from the catalog" \
	    "and 1 to 300 listing URLs.  Once filed it cannot be corrected" \
	    "(rule C8), so every rule is checked before anything is written." \
	    "The catalog's reasons for trademarks against listings (rule C4):"
	echo '+ ipp-complain reasons --type trademark --target listing | cut -f 1,4,6'
	ipp-complain reasons --type trademark --target listing | cut -f 1,4,6
	say "check is the preflight: the same checks, nothing written.  The" \
	    "Hong Kong mark on Taobao is a jurisdiction mistake: Taobao takes" \
	    "rights registered in mainland China (rule C2)."
	paper "$demo/test-buy.pdf" 'test purchase: photographs of a fake shoe'
	run_refused ipp-complain check --platform taobao --ipr brand-hk \
	    --target listing --reason tm-counterfeit-goods \
	    --supplement "$SUPPLEMENT" --evidence "$demo/test-buy.pdf" \
	    --no-check 'https://item.taobao.com/item.htm?id=680012345678&spm=a21wu'
	say "Tmall Global takes Hong Kong rights as well as Chinese ones; the" \
	    "preflight passes, and shows the canonical URL it would file (C5)."
	run ipp-complain check --platform tmall-global --ipr brand-hk \
	    --target listing --reason tm-counterfeit-goods \
	    --supplement "$SUPPLEMENT" --evidence "$demo/test-buy.pdf" \
	    --no-check 'https://detail.tmall.hk/item.htm?id=612345678901&spm=x'
}

step_complain_live() {
	say "Before filing, each listing is fetched to be sure it is still up" \
	    "(rule C6).  Here a local https server answers for the marketplaces" \
	    "with a throw-away CA: IPP_CONNECT_TO sends their host names to" \
	    "127.0.0.1, IPP_CA_BUNDLE trusts the CA, IPP_ALLOW_PRIVATE=loopback" \
	    "lets the checks reach it.  One of the three Tmall listings has been" \
	    "taken down already: its page answers 404."
	sh "$(dirname "$0")/helpers/mkcerts.sh" "$demo/certs"
	mkdir -p "$demo/site"
	for _id in 700000000001 700000000002; do
		printf 'HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\nshoes\r\n' \
		    >"$demo/site/item.htm?id=$_id"
	done
	printf 'HTTP/1.0 404 Not Found\r\nContent-Type: text/html\r\n\r\ngone\r\n' \
	    >"$demo/site/item.htm?id=700000000003"
	(cd "$demo/site" && exec openssl s_server -HTTP -accept 127.0.0.1:0 \
	    -cert "$demo/certs/server.pem" -key "$demo/certs/server.key") \
	    </dev/null >"$demo/site.out" 2>"$demo/site.err" &
	_server=$!
	trap 'kill $_server 2>/dev/null || true; rm -rf "$demo"' EXIT
	_i=0
	until grep -q '^ACCEPT 127' "$demo/site.out" 2>/dev/null; do
		_i=$((_i + 1))
		[ "$_i" -lt 200 ] || { echo "demo: no https server" >&2; exit 1; }
		sleep 0.05
	done
	_port=$(sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$demo/site.out")
	IPP_CONNECT_TO=::127.0.0.1:$_port
	IPP_CA_BUNDLE=$demo/certs/ca.pem
	IPP_ALLOW_PRIVATE=loopback
	export IPP_CONNECT_TO IPP_CA_BUNDLE IPP_ALLOW_PRIVATE
	say "new checks and files, all or nothing: the gone listing refuses" \
	    "the complaint, and each URL's verdict says why."
	run_refused ipp-complain new --platform tmall --ipr "$CN_MARK" \
	    --target listing --reason tm-counterfeit-goods \
	    --supplement "$SUPPLEMENT" --evidence "$demo/test-buy.pdf" \
	    'https://detail.tmall.com/item.htm?id=700000000001' \
	    'https://detail.m.tmall.com/item.htm?id=700000000002&spm=a1z10' \
	    'https://detail.tmall.com/item.htm?id=700000000003'
	say "--drop-bad files the live ones and lists the rest (exit 1 all the" \
	    "same: not everything was filed)."
	run_refused ipp-complain new --platform tmall --ipr "$CN_MARK" \
	    --target listing --reason tm-counterfeit-goods \
	    --supplement "$SUPPLEMENT" --evidence "$demo/test-buy.pdf" \
	    --drop-bad \
	    'https://detail.tmall.com/item.htm?id=700000000001' \
	    'https://detail.m.tmall.com/item.htm?id=700000000002&spm=a1z10' \
	    'https://detail.tmall.com/item.htm?id=700000000003'
	kill "$_server" 2>/dev/null || true
	unset IPP_CONNECT_TO IPP_CA_BUNDLE IPP_ALLOW_PRIVATE
}

step_complain_bulk() {
	say "In bulk: a spreadsheet of 700 listings, a row each with its" \
	    "platform, right, target and reason.  Rows are grouped by (platform," \
	    "region, IPR, target, reason) into complaints of at most 300 URLs," \
	    "and every row error is reported with its line (rule C9).  Here" \
	    "650 Taobao listings against the Chinese mark, 49 AliExpress" \
	    "listings copying the product photographs (an unregistered" \
	    "copyright: AliExpress and Alibaba.com only, rule C2), and one" \
	    "Lazada row that the Chinese mark cannot back."
	_photos=$(label_of copyright '')
	awk -v cn="$CN_MARK" -v cr="$_photos" -v sup="$SUPPLEMENT" 'BEGIN {
		print "url,platform,region,ipr,target,reason,supplement"
		for (i = 1; i <= 699; i++) {
			if (i % 14 == 0 && i <= 686)
				printf "https://www.aliexpress.com/item/10050%08d.html," \
				    "aliexpress,,\"%s\",listing,cr-image-misappropriation," \
				    "\"Our product photographs, copied.\"\n", i, cr
			else
				printf "https://item.taobao.com/item.htm?id=69%010d," \
				    "taobao,,\"%s\",listing,tm-mark-in-text,\"%s\"\n",
				    i, cn, sup
			if (i == 350)
				printf "https://www.lazada.sg/products/shoes-i9%d-s1.html," \
				    "lazada,sg,\"%s\",listing,tm-mark-in-text,\"%s\"\n",
				    i, cn, sup
		}
	}' >"$demo/listings.csv"
	run sed -n '1,3p' "$demo/listings.csv"
	say "--dry-run shows the complaints it would file.  --force confirms" \
	    "complaints of more than 20 URLs, which a new account must (rule" \
	    "C9); --no-check skips the live checks for the demo."
	run_refused ipp-complain import --dry-run --no-check --force \
	    "$demo/listings.csv"
	say "--drop-bad files the good rows, leaving out the refused one."
	run_refused ipp-complain import --no-check --force --drop-bad \
	    "$demo/listings.csv"
	say "The account's complaints: open, with their URL counts and the" \
	    "time each is due to be decided (rule C10: counterfeit within 24" \
	    "hours, the rest within 72)."
	run ipp-complain list
}

# ---- decisions (issue 9) ----

step_decide() {
	session handler "the case handler's terminal"
	say "The handler's queue: every submitted URL, the complaint due first" \
	    "on top (rules C10, H2).  Here the Tmall ones, counterfeit, due" \
	    "within 24 hours."
	run ipp-complain queue --platform tmall
	say "accept reads the url_id column: each URL is decided on its own," \
	    "and the seller's counter window ends after 3 business days in" \
	    "Shanghai, weekends and holidays left out (rules H1, N1)."
	echo '+ ipp-complain queue --platform tmall | ipp-complain accept'
	ipp-complain queue --platform tmall | ipp-complain accept
	say "reject needs a reason, which the account is sent.  An id that is" \
	    "not submitted any more is refused on its own, the others applied."
	_first=$(ipp-complain queue --platform taobao | awk -F '\t' 'NR == 2 { print $1 }')
	_decided=$(sqlite3 "$IPP_DB" "SELECT min(url_id) FROM complaint_urls
	    WHERE state = 'pending-counter'" 2>/dev/null || echo 1)
	run_refused ipp-complain reject \
	    --reason 'The listing shows the mark of a licensee, not a copy.' \
	    "$_first" "$_decided"
	say "Nothing is overdue yet; cron would run this every hour (exit 1)."
	run_refused ipp-complain overdue
}

step_account_view() {
	session owner "the right holder's terminal"
	say "One digest per batch, not one mail per URL (rule H1):"
	for _m in $(ls -t "$(dirname "$IPP_DB")"/outbox/new/*); do
		if tr -d '\r' <"$_m" | grep -qiF "To: $OWNER"; then
			tr -d '\r' <"$_m" | sed -n '/^Subject:/p; /^$/,$p'
			break
		fi
	done
	_tmall=$(ipp-complain list --platform tmall | awk -F '\t' 'NR == 2 { print $1 }')
	say "The complaint whole: its right, reason, evidence, target time," \
	    "and its URLs counted by state (rule H4)."
	run ipp-complain show "$_tmall"
	say "Every move of its URLs, oldest first, with time, actor and reason."
	run ipp-complain history "$_tmall"
	say "The URLs themselves, with their states:"
	run ipp-complain urls --complaint "$_tmall"
}

# ---- counter-notices and the tick (issue 10) ----

step_counter() {
	session handler "the case handler's terminal"
	_url=$(ipp-complain urls --state pending-counter |
	    awk -F '\t' 'NR == 2 { print $1 }')
	say "A merchant files a counter-notice against an accepted listing;" \
	    "merchants never sign in, so the handler records it, with the time" \
	    "the merchant filed it, while the counter window is open (N0, N1)."
	run ipp-counter file --url "$_url" --seller tb-shop-2231 \
	    --name 'Acme Outlet Store' --email outlet@shop.example \
	    --grounds 'We bought this stock from an authorised distributor.'
	say "What the merchant is shown of the complaint: of the account only" \
	    "the owner's name and contact email (A5)."
	run ipp-counter notice "$_url"

	session owner "the right holder's terminal"
	say "The account was mailed when the counter arrived (N3):"
	for _m in $(ls -t "$(dirname "$IPP_DB")"/outbox/new/*); do
		if tr -d '\r' <"$_m" | grep -q '^Subject: ipp: .*counter-notice'; then
			tr -d '\r' <"$_m" | sed -n '/^Subject:/p; /^$/,$p'
			break
		fi
	done
	say "It rejects the counter, with a reason (N2); a batch of them could" \
	    "come on standard input, one reason a row."
	run ipp-counter list
	run ipp-counter reject --reason 'A test buy shows a counterfeit.' "$_url"

	session handler "the case handler's terminal"
	say "The handler rules on every rejected counter: here it upholds the" \
	    "takedown (N2)."
	echo "+ ipp-counter list --state counter-rejected | ipp-counter rule --takedown --reason 'Test buy confirms the fake.'"
	ipp-counter list --state counter-rejected |
	    ipp-counter rule --takedown --reason 'Test buy confirms the fake.'

	say "The clock moves ten days on (IPP_NOW): every counter window has" \
	    "closed.  The tick, which cron runs every five minutes, removes the" \
	    "listings nobody countered, each recorded at its deadline (N1)."
	IPP_NOW=$(date -u -d '+10 days' +%Y-%m-%dT%H:%M:%SZ)
	export IPP_NOW
	echo "+ IPP_NOW=$IPP_NOW ipp-counter tick"
	ipp-counter tick
	say "A second tick finds nothing left to do (only the header)."
	run ipp-counter tick
	unset IPP_NOW
}

# ---- the Good Faith Program (issue 11) ----

step_score() {
	session owner "the right holder's terminal"
	say "The Good Faith figures: every decided URL by the time it became" \
	    "final, over 90 days and all time, overall, per platform and per" \
	    "reason code; open URLs count nowhere (rules G1, G2, G4, G6)."
	run ipp-score show
	say "The declaration ships with the toolkit, with a version (rule G3)."
	printf '+ ipp-score declare | head -3\n'
	ipp-score declare | head -3
	run ipp-score declare --accept
	say "Enrolment names each requirement that does not hold (rule G5)."
	run_refused ipp-score enrol
	run ipp-score status
	say "What a batch of 300 URLs would cost if all were rejected (G4)."
	run ipp-score what-if --rejected 300
	say "The report: one HTML page, charts as inline SVG, no script;" \
	    "open it in a browser, on a desk or a phone."
	if [ -n "$kept" ]; then
		report=$(dirname "$IPP_DB")/report.html
	else
		report=${TMPDIR:-/tmp}/ipp-demo-report.html
	fi
	run ipp-score report -o "$report"
	score=$(ipp-score show | awk -F '\t' '
	    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	    $c["window"] == "90d" && $c["scope"] == "all" {
		printf "account %s: takedown success %s %%, counter success " \
		    "%s %%, %s decided, %s accepted needed", $c["account_id"],
		    $c["success_rate"], $c["counter_success_rate"],
		    $c["decided"], $c["needed"] }')
	member=$(ipp-score status | awk -F '\t' 'NR == 2 {
	    print ($2 == 1 ? "a member" : "not a member (failing: " $4 ")") }')
}

report=
score=
member=
for step in init register verify login identity approve whoami \
    ipr_add ipr_verify ipr_watch complain_preflight complain_live \
    complain_bulk decide account_view counter score; do
	"step_$step"
done
echo
if [ -n "$kept" ]; then
	echo "# demo: done; the store is kept at $IPP_DB"
else
	echo "# demo: done; the temporary store is removed"
fi
echo "# score: $score; $member"
echo "# report: $report"

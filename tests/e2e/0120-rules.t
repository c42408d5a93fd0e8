#!/bin/sh
# Every rule of A1-A6 and D2 broken once: each refusal exits with its own
# status, names the rule, and (where the rule writes nothing) leaves the
# store's logical dump byte-for-byte unchanged.
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test

# new_as EMAIL IDENTITY CATEGORY [MORE...]: `new` with the password $PW.
new_as() {
	_na_email=$1 _na_identity=$2 _na_category=$3
	shift 3
	tryin "$PW" ipp-register new --email "$_na_email" --base other \
	    --identity "$_na_identity" --category "$_na_category" \
	    --password-stdin "$@"
}

# other_code CODE: a six-digit code that is not CODE.
other_code() {
	printf '%06d\n' $(((1$1 - 1000000 + 1) % 1000000))
}

# masked_dump: the dump with verification_codes.wrong_tries blotted out.
masked_dump() {
	if on_pg; then
		# pg_dump's COPY rows: wrong_tries is the 5th column.
		dump | awk -F '\t' -v OFS='\t' '
		    /^COPY public.verification_codes /	{ v = 1; print; next }
		    /^\\\.$/				{ v = 0 }
		    v					{ $5 = "W" }
							{ print }'
		return
	fi
	dump | sed -E "s/^(INSERT INTO verification_codes VALUES\([0-9]+,'[^']*','[^']*','[^']*',)[0-9]+,/\1W,/"
}

# tries EMAIL: verification_codes.wrong_tries of the account EMAIL.
tries() {
	sql "SELECT wrong_tries FROM verification_codes JOIN accounts
	    USING (account_id) WHERE email = '$1'"
}

# ---- A1: no acceptance, no account ----
snapshot
new_as nina@example.com individual right-holder
refused 1 'rule A1' "new without --agree"
like "$err" 'Agreement' "the message names the agreement"
unchanged "new without --agree"
is "$(mails_to nina@example.com | wc -l)" 0 "no code was sent"

# ---- A2: a rights-protection organisation is an individual agent ----
snapshot
new_as org1@example.com enterprise agent --agree --rights-org
refused 1 'rule A2' "--rights-org with enterprise"
like "$err" "identity 'individual' with category 'agent'" \
    "the message explains the allowed combination"
unchanged "--rights-org with enterprise"
new_as org2@example.com individual right-holder --agree --rights-org
refused 1 'rule A2' "--rights-org with right-holder"
like "$err" "individual.*agent" "the message explains again"
unchanged "--rights-org with right-holder"
new_as org3@example.com individual agent --agree --rights-org
succeeded "--rights-org as an individual agent is accepted (A2)"

# ---- A4: a short password ----
snapshot
tryin 1234567 ipp-register new --email short@example.com --base other \
    --identity individual --category right-holder --agree --password-stdin
refused 1 'rule A4' "a password of 7 characters"
like "$err" '8' "the message gives the minimum"
unchanged "a short password"

# ---- Usage errors ----
snapshot
try ipp-register new --email nopw@example.com --base other \
    --identity individual --category right-holder --agree
refused 2 'password-stdin' "new without --password-stdin"
try ipp-register login --email nopw@example.com
refused 2 'password-stdin' "login without --password-stdin"
try ipp-register init --handler other@ipp.test
refused 2 'password-stdin' "init without --password-stdin"
try ipp-register frobnicate
refused 2 "frobnicate" "an unknown command"
try ipp-register
is "$rc" 2 "no command: exit 2"
new_as bad@example.com individual sideways --agree
refused 2 'rule A1' "an unknown category"
unchanged "usage errors"
tryin "$PW" ipp-register init --handler other@ipp.test --password-stdin
refused 1 'already' "a second init"
unchanged "a second init"

for c in init new verify resend login logout whoami passwd token identity \
    list history approve reject settings set; do
	try ipp-register "$c" --help
	is "$rc" 0 "$c --help exits 0"
	like "$out" "^usage: ipp-register .*$c" "$c --help prints its usage"
done
try ipp-register handler add --help
is "$rc" 0 "handler add --help exits 0"
try ipp-register handler --help
is "$rc" 0 "handler --help exits 0"
like "$out" "handler add" "handler --help prints its usage"
try ipp-register --help
is "$rc" 0 "--help exits 0"
like "$out" "verify" "--help lists the commands"

# ---- A1: the login email is unique in any case ----
try register dup@example.com
succeeded "dup@example.com registers"
snapshot
try register DUP@Example.COM
refused 1 'rule A1' "the same email in another case"
like "$err" 'already registered' "the message says so"
unchanged "a duplicate email"

# ---- A3: five wrong codes invalidate the code ----
try register dave@example.com
succeeded "dave registers"
code=$(code_for dave@example.com)
wrong=$(other_code "$code")
i=1
while [ "$i" -le 5 ]; do
	masked_dump >"$tmp/masked.before"
	try ipp-register verify --email dave@example.com "$wrong"
	refused 1 'rule A3' "wrong code, try $i"
	masked_dump >"$tmp/masked.after"
	ok "wrong code, try $i: only wrong_tries changed" \
	    cmp -s "$tmp/masked.before" "$tmp/masked.after"
	is "$(tries dave@example.com)" "$i" "wrong code, try $i is counted"
	i=$((i + 1))
done
like "$err" 'now invalid' "the fifth wrong try says the code is now invalid"
snapshot
try ipp-register verify --email dave@example.com "$code"
refused 1 'rule A3' "the right code after five wrong ones"
like "$err" 'invalidated' "the message says the code was invalidated"
unchanged "the right code after five wrong ones"
try ipp-register verify --email dave@example.com 12345
refused 2 'six digits' "a five-digit code"
tryin "$PW" as dave ipp-register login --email dave@example.com --password-stdin
refused 5 'rule A3' "login before verification"
unchanged "login before verification"
try as dave ipp-register identity --name Dave --doc /dev/null
is "$rc" 5 "identity without a session (the email is unconfirmed): exit 5"
unchanged "identity before verification"

# ---- A3: resend at most once a minute; codes expire after 15 minutes ----
try register erin@example.com
succeeded "erin registers"
code1=$(code_for erin@example.com)
now_add 30
snapshot
try ipp-register resend --email erin@example.com
refused 1 'rule A3' "a resend after 30 seconds"
like "$err" '2026-01-31T09:01:00Z' "the message says when to ask again"
unchanged "an early resend"
is "$(mails_to erin@example.com | wc -l)" 1 "no second message"
now_add 31
try ipp-register resend --email erin@example.com
succeeded "a resend after 61 seconds"
is "$(mails_to erin@example.com | wc -l)" 2 "a second message"
code2=$(code_for erin@example.com)
like "$code2" '^[0-9]{6}$' "with a code"
now_add 960
snapshot
try ipp-register verify --email erin@example.com "$code2"
refused 1 'rule A3' "a code 16 minutes old"
like "$err" 'expired' "the message says it expired"
unchanged "an expired code"
try ipp-register resend --email erin@example.com
succeeded "a new code after expiry"
try ipp-register verify --email erin@example.com "$(code_for erin@example.com)"
succeeded "the newest code verifies"

# ---- D2: documents by content and size ----
F_ID=$(signup frank frank@example.com)
like "$F_ID" '^[0-9]+$' "frank signs up and in"
printf 'this is not a passport\n' >"$tmp/scan.pdf"
snapshot
try as frank ipp-register identity --name Frank --doc "$tmp/scan.pdf"
refused 1 'rule D2' "a text file named .pdf"
like "$err" "'?[^ ]*scan.pdf'? is text/plain" "the message gives the type found"
like "$err" "PDF, JPEG and PNG" "the message lists the accepted types"
unchanged "a bad document type"
make_png "$tmp/big.png"
truncate -s 10485761 "$tmp/big.png"
is "$(mime "$tmp/big.png")" image/png "libmagic sees the big file as a PNG"
try as frank ipp-register identity --name Frank --doc "$tmp/big.png"
refused 1 'rule D2' "a PNG of 10 MiB + 1 byte"
like "$err" '10 MiB|10485760' "the message gives the limit"
unchanged "an oversize document"
is "$(doc_files | tr -d ' ')" 0 "no document file was kept"
try as frank ipp-register identity --name Frank --doc "$tmp/nonexistent.pdf"
isnt "$rc" 0 "a missing file is refused"
unchanged "a missing file"
truncate -s 10485760 "$tmp/big.png"
try as frank ipp-register identity --name Frank --doc "$tmp/big.png"
succeeded "a PNG of exactly 10 MiB is accepted (D2)"

# ---- A6: one identity at a time ----
make_jpeg "$tmp/id.jpg"
snapshot
try as frank ipp-register identity --name Frank --doc "$tmp/id.jpg"
refused 1 'rule A6' "a second identity while one is pending"
unchanged "identity while pending"

done_testing

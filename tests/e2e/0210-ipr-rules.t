#!/bin/sh
# What ipp-ipr add refuses, each refusal with its exit status, the field
# and rule in its message, and the store left as it was: each required
# field and document of each type missing once (I2, I4, I5, I6), fields a
# type cannot have, a pending trademark (I2), jurisdictions that are not
# ISO 3166-1 alpha-2, dates that are not dates, a past expiry (I7), Nice
# classes outside 1-45, labels taken or all digits and numbers twice
# (I8), documents that are not PDF, JPEG or PNG (D2), and an account
# whose identity is not verified (A5).
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
like "$A_ID" '^[0-9]+$' "alice is identity-verified (A5)"

d=$tmp/papers
mkdir -p "$d"
make_doc "$d/cert.pdf" 'certificate'
make_doc "$d/eval.pdf" 'evaluation report'
make_jpeg "$d/statement.jpg"
make_doc "$d/basis.pdf" 'basis'

# The full set of each type, one --option=value a line (I2-I6).
cat >"$tmp/trademark.args" <<EOF
--type=trademark
--name=ACME
--number=TM-100
--registrant=Alice Li
--jurisdiction=CN
--expires=2030-06-30
--class=9
--brand=Acme
--certificate=$d/cert.pdf
EOF
cat >"$tmp/copyright.args" <<EOF
--type=copyright
--name=Catalogue
--number=CR-100
--jurisdiction=CN
--certificate=$d/cert.pdf
EOF
cat >"$tmp/unregistered.args" <<EOF
--type=copyright
--unregistered
--name=Photographs
--statement=$d/statement.jpg
EOF
cat >"$tmp/patent.args" <<EOF
--type=patent
--kind=invention
--number=PT-100
--jurisdiction=CN
--expires=2030-06-30
--certificate=$d/cert.pdf
--evaluation-report=$d/eval.pdf
EOF
cat >"$tmp/other.args" <<EOF
--type=other
--description=Judgement on unfair competition
--basis=$d/basis.pdf
EOF

# add_without SHAPE OPTION [MORE...]: alice adds the full SHAPE without
# --OPTION, with the MORE arguments after.
add_without() {
	_aw_file=$tmp/$1.args
	_aw_skip=--$2
	shift 2
	_aw_more=$#
	while IFS= read -r _aw_line; do
		case $_aw_line in
		"$_aw_skip" | "$_aw_skip"=*) ;;
		*) set -- "$@" "$_aw_line" ;;
		esac
	done <"$_aw_file"
	# The MORE arguments go last: rotate them behind the full set.
	while [ "$_aw_more" -gt 0 ]; do
		set -- "$@" "$1"
		shift
		_aw_more=$((_aw_more - 1))
	done
	as alice ipp-ipr add "$@"
}

# add_with SHAPE MORE...: the full SHAPE with MORE.
add_with() {
	_awi_shape=$1
	shift
	add_without "$_awi_shape" no-such-option "$@"
}

# column OPTION: the column an option fills.
column() {
	case $1 in
	class) echo classes ;;
	evaluation-report) echo evaluation_report ;;
	*) echo "$1" ;;
	esac
}

# ---- Each required field and document missing once ----
for opt in name number registrant jurisdiction expires class brand \
    certificate; do
	refuses 1 "^ipp-ipr: $(column "$opt"): .*required for a trademark \(rule I2\)" \
	    "a trademark without --$opt" add_without trademark "$opt"
done
for opt in number jurisdiction certificate; do
	refuses 1 "^ipp-ipr: $opt: .*required for a registered copyright \(rule I4\)" \
	    "a registered copyright without --$opt" add_without copyright "$opt"
done
refuses 1 '^ipp-ipr: statement: .*required for an unregistered copyright \(rule I4\)' \
    "an unregistered copyright without --statement" \
    add_without unregistered statement
for opt in kind number jurisdiction expires certificate evaluation-report; do
	refuses 1 "^ipp-ipr: $(column "$opt"): .*required for a patent \(rule I5\)" \
	    "a patent without --$opt" add_without patent "$opt"
done
for opt in description basis; do
	refuses 1 "^ipp-ipr: $opt: .*required for another right \(rule I6\)" \
	    "another right without --$opt" add_without other "$opt"
done
refuses 1 '^ipp-ipr: type: .*\(rule I1\)' "no --type" add_without trademark type
refuses 1 "^ipp-ipr: type: 'design' is not .*\(rule I1\)" "--type design" \
    add_with other --type=design
refuses 1 '^ipp-ipr: number: .*required for a trademark \(rule I2\)' \
    "a registration number of blanks is no number" \
    add_without trademark number --number='   '

# ---- Fields and documents a type cannot have ----
refuses 1 '^ipp-ipr: kind: a trademark has no kind \(rule I2\)' \
    "a trademark with --kind" add_with trademark --kind=design
refuses 1 '^ipp-ipr: unregistered: .*\(rules I2, I4\)' \
    "an unregistered trademark" add_with trademark --unregistered
refuses 1 '^ipp-ipr: number: an unregistered copyright has no number \(rule I4\)' \
    "an unregistered copyright with --number" add_with unregistered --number=X1
refuses 1 '^ipp-ipr: certificate: an unregistered copyright has no certificate.*\(rule I4\)' \
    "an unregistered copyright with --certificate" \
    add_with unregistered --certificate="$d/cert.pdf"
refuses 1 '^ipp-ipr: statement: a registered copyright has no statement.*\(rule I4\)' \
    "a registered copyright with --statement" \
    add_with copyright --statement="$d/statement.jpg"
refuses 1 '^ipp-ipr: classes: a patent has no classes \(rule I5\)' \
    "a patent with --class" add_with patent --class=9
refuses 1 '^ipp-ipr: status: a patent has no status \(rule I5\)' \
    "a patent with --status" add_with patent --status=registered
refuses 1 '^ipp-ipr: evaluation_report: another right has no evaluation_report.*\(rule I6\)' \
    "another right with --evaluation-report" \
    add_with other --evaluation-report="$d/eval.pdf"

# ---- I2: only a registered trademark ----
refuses 1 '^ipp-ipr: status: a pending trademark application is refused.*\(rule I2\)' \
    "a pending trademark (--status pending)" add_with trademark --status=pending
refuses 1 "^ipp-ipr: status: 'filed' is not registered or pending \(rule I2\)" \
    "--status filed" add_with trademark --status=filed

# ---- ISO 3166-1 alpha-2 jurisdictions ----
for cc in UK XX C CHN 12; do
	refuses 1 "^ipp-ipr: jurisdiction: '$cc' is not an ISO 3166-1 alpha-2 .*\(rule I2\)" \
	    "jurisdiction '$cc'" add_without trademark jurisdiction \
	    --jurisdiction="$cc"
done

# ---- Dates ----
# A date that is not a real day as YYYY-MM-DD is refused, naming the
# field and the rule of the trademark's fields (I2); a past one, I7.
for day in 2030-02-30 2030-6-30 30/06/2030 2030-06-30T00:00:00Z tomorrow; do
	snapshot
	try add_without trademark expires --expires="$day"
	refused 1 "^ipp-ipr: expires: '$day' is not a date YYYY-MM-DD" \
	    "expiry '$day'"
	like "$err" '\(rule I2\)$' "expiry '$day': the rule is named"
	unchanged "expiry '$day'"
done
refuses 1 '^ipp-ipr: expires: .*expired on 2026-01-30.*\(rule I7\)' \
    "an expiry date in the past (I7)" \
    add_without trademark expires --expires=2026-01-30
refuses 1 '^ipp-ipr: expires: .*\(rule I7\)' "a patent expired in 2020 (I7)" \
    add_without patent expires --expires=2020-12-31

# ---- Nice classes ----
for cls in 0 46 -1 nine '9,46'; do
	refuses 1 "^ipp-ipr: classes: .*Nice classes 1-45 \(rule I2\)" \
	    "Nice class '$cls'" add_without trademark class --class="$cls"
done

# ---- D2: documents by content ----
printf 'not a certificate\n' >"$d/cert.txt"
refuses 1 "^ipp-ipr: certificate: .*cert.txt' is text/plain: accepted types are PDF, JPEG and PNG \(rule D2\)" \
    "a text file as the certificate" \
    add_without trademark certificate --certificate="$d/cert.txt"
printf 'plain text under a PDF name\n' >"$d/fake.pdf"
refuses 1 "^ipp-ipr: certificate: .*fake.pdf' is text/plain.*\(rule D2\)" \
    "a text file named .pdf: the content decides (D2)" \
    add_without trademark certificate --certificate="$d/fake.pdf"
refuses 1 "^ipp-ipr: evaluation_report: .*\(rule D2\)" \
    "a text file as the evaluation report" \
    add_without patent evaluation-report --evaluation-report="$d/cert.txt"
cp "$d/cert.pdf" "$d/big.pdf"
head -c 10485760 /dev/zero >>"$d/big.pdf"
refuses 1 "^ipp-ipr: certificate: .*big.pdf' is $(wc -c <"$d/big.pdf") bytes: .*10 MiB \(rule D2\)" \
    "a certificate over 10 MiB" \
    add_without trademark certificate --certificate="$d/big.pdf"
refuses 4 "^ipp-ipr: certificate: cannot open '$d/none.pdf'" \
    "a certificate that does not exist" \
    add_without trademark certificate --certificate="$d/none.pdf"

# ---- Each full set is accepted: the refusals above were the field's ----
for shape in trademark copyright unregistered patent other; do
	try add_with "$shape"
	succeeded "the full $shape is accepted"
done
try add_with other --label='main basis'
succeeded "another right labelled 'main basis'"
try as alice ipp-ipr list
is "$(printf '%s\n' "$out" | tsv_rows)" 6 "six IPRs are stored"

# ---- I8: labels and numbers ----
refuses 1 "^ipp-ipr: label: 'main basis' is taken .*\(rule I8\)" \
    "a label taken by another IPR of the account" \
    add_with other --label='main basis'
refuses 1 "^ipp-ipr: label: '2024' is all digits.*\(rule I8\)" \
    "an all-digit label" add_with other --label=2024
refuses 1 '^ipp-ipr: number: CN TM-100 is already IPR [0-9]+ .*\(rule I8\)' \
    "the same registration number and jurisdiction twice" \
    add_with trademark --label=again
refuses 1 '^ipp-ipr: number: CN TM-100 is already IPR .*\(rule I8\)' \
    "the same number padded with blanks, jurisdiction in lower case" \
    add_without trademark number --label=again2 --number='  TM-100 ' \
    --jurisdiction=cn
try add_without trademark jurisdiction --jurisdiction=HK
succeeded "the same number in another jurisdiction is another right"
is "$(printf '%s\n' "$out" | tsv_get label)" trademark/HK/TM-100/Acme \
    "its default label names the jurisdiction (I8)"
try add_with other
succeeded "a second unlabelled right with the same default label"
is "$(printf '%s\n' "$out" | tsv_get label)" 'other#2' \
    "the default label gets #2 rather than clash (I8)"

# ---- A5: only an identity-verified account adds IPRs ----
B_ID=$(signup bob bob@example.com)
like "$B_ID" '^[0-9]+$' "bob signs up, his identity not yet given"
refuses 1 "^ipp-ipr: the account is 'active': .*\(rule A5\)" \
    "an active account without identity" \
    as bob ipp-ipr add --type other --description 'x' --basis "$d/basis.pdf"
ok "bob submits his identity" \
    as bob ipp-register identity --name 'Bob Wu' --doc "$d/cert.pdf"
refuses 1 "^ipp-ipr: the account is 'identity-pending': .*\(rule A5\)" \
    "an account whose identity is pending" \
    as bob ipp-ipr add --type other --description 'x' --basis "$d/basis.pdf"
try as handler ipp-register reject --reason 'unreadable' "$B_ID"
succeeded "the handler rejects it"
refuses 1 "^ipp-ipr: the account is 'identity-rejected': .*\(rule A5\)" \
    "an account whose identity was rejected" \
    as bob ipp-ipr add --type other --description 'x' --basis "$d/basis.pdf"
printf 'type,description,basis\nother,x,basis.pdf\n' >"$d/bob.csv"
refuses 1 "^ipp-ipr: the account is 'identity-rejected': .*\(rule A5\)" \
    "nor may it import" as bob ipp-ipr import "$d/bob.csv"
refuses 5 'sign|session|login' "without a session" \
    as nobody ipp-ipr add --type other --description 'x' --basis "$d/basis.pdf"

# ---- Usage ----
refuses 2 'add takes no operands' "an operand to add" \
    add_with other extra
refuses 2 "add: no such option: '--colour=red'" "an unknown option" \
    add_with other --colour=red

done_testing

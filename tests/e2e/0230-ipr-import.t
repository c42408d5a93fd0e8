#!/bin/sh
# ipp-ipr import: one IPR a row from TSV and from CSV, good rows and bad
# ones mixed.  Every row is checked first; without --partial one bad row
# stores nothing and each is reported as FILE:LINE: field: what (rule);
# with --partial the good rows are stored and the bad ones come out on
# standard output as TSV with an `error` column, to be fixed and imported
# again.  Document paths are relative to the file's directory, and a
# document cited by many rows is kept once (D1).
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
like "$A_ID" '^[0-9]+$' "alice is identity-verified (A5)"

# The files and their papers in in/; the commands run from work/, where
# a decoy papers/cert.pdf must not be taken.
mkdir -p "$tmp/in/papers" "$tmp/work/papers"
make_doc "$tmp/in/papers/cert.pdf" 'certificate shared by many rows'
make_doc "$tmp/in/papers/eval.pdf" 'evaluation report'
make_jpeg "$tmp/in/statement.jpg"
printf 'a note, not a certificate\n' >"$tmp/in/papers/note.txt"
make_doc "$tmp/work/papers/cert.pdf" 'a decoy in the working directory'
cd "$tmp/work" || exit 1

# tsv LINE...: each argument a row, fields separated by '|'.
tsv() {
	printf '%s\n' "$@" | tr '|' '\t'
}

# The TSV file: header (line 1), good rows on even lines, bad on odd.
tsv 'type|label|name|number|registrant|jurisdiction|expires|classes|brand|kind|description|unregistered|certificate|statement|evaluation_report|basis' \
    'trademark||ACME|TM-1|Alice Li|CN|2030-06-30|9;25|Acme|\N|\N|no|papers/cert.pdf|||' \
    'trademark||ACME|TM-2|Alice Li|UK|2030-06-30|9|Acme||||papers/cert.pdf|||' \
    'patent|stand|Folding stand|ZL-1||CN|2031-01-31|||invention|||papers/cert.pdf||papers/eval.pdf|' \
    'trademark||ACME|TM-3|Alice Li|HK|2030-06-30|46|Acme||||papers/cert.pdf|||' \
    'copyright|photos|Product photos|||||||||yes||statement.jpg||' \
    'trademark||ACME|TM-4|Alice Li|SG|2030-06-30|9|Acme|||||||' \
    'other|judgement|||||||||Unfair competition judgement|||||papers/cert.pdf' \
    'trademark|again|ACME|TM-1|Alice Li|CN|2030-06-30|35|Acme||||papers/cert.pdf|||' \
    >"$tmp/in/batch.tsv"

# The CSV file: headers as a spreadsheet writes them, a quoted comma.
cat >"$tmp/in/batch.csv" <<'EOF'
Type,Label,Name,Number,Registrant,Jurisdiction,Expires,Classes,Brand,Kind,Certificate,Evaluation Report,Notes
trademark,,"ACME, Inc.",TM-10,Alice Li,us,2030-12-31,"9,25",Acme,,papers/cert.pdf,,"a note
on two lines"
trademark,,ACME,TM-11,Alice Li,US,2020-12-31,9,Acme,,papers/cert.pdf,,
patent,,Hinge,US-12,,US,2031-12-31,,,design,papers/note.txt,papers/eval.pdf,
patent,,"Hinge, folding",US-13,Hinge Co,US,2031-12-31,,,design,papers/cert.pdf,papers/eval.pdf,
other,2024,,,,,,,,,papers/cert.pdf,,
EOF
# The first row spans lines 2 and 3, so the next starts on line 4.  The
# last, another right, lacks a description and a basis and has an
# all-digit label: the first of these is what is reported.

# ---- Without --partial: nothing stored, every bad row reported ----
refuses 1 'batch.tsv: 4 of 8 rows refused: nothing stored' \
    "a TSV file with four bad rows of eight" \
    as alice ipp-ipr import ../in/batch.tsv
is "$out" '' "nothing on standard output"
like "$err" "^ipp-ipr: \.\./in/batch\.tsv:3: jurisdiction: 'UK' is not an ISO 3166-1 alpha-2 country code \(rule I2\)\$" \
    "line 3: the jurisdiction, with file, line and rule"
like "$err" "^ipp-ipr: \.\./in/batch\.tsv:5: classes: .*\(rule I2\)\$" \
    "line 5: Nice class 46"
like "$err" "^ipp-ipr: \.\./in/batch\.tsv:7: certificate: .*required for a trademark \(rule I2\)\$" \
    "line 7: no certificate"
like "$err" "^ipp-ipr: \.\./in/batch\.tsv:9: number: CN TM-1 appears twice in this file \(rule I8\)\$" \
    "line 9: the number of line 2 again"
is "$(printf '%s\n' "$err" | grep -c '^ipp-ipr: \.\./in/batch\.tsv:[0-9]*:')" 4 \
    "no good row is reported"
try as alice ipp-ipr list
is "$rc" 1 "alice has no IPR"

refuses 1 'batch.csv: 4 of 5 rows refused: nothing stored' \
    "a CSV file with four bad rows of five" \
    as alice ipp-ipr import ../in/batch.csv
like "$err" "^ipp-ipr: \.\./in/batch\.csv:4: expires: .*expired on 2020-12-31.*\(rule I7\)\$" \
    "CSV line 4: a past expiry, the row after the two-line one"
like "$err" "^ipp-ipr: \.\./in/batch\.csv:5: certificate: .*note\.txt' is text/plain.*\(rule D2\)\$" \
    "CSV line 5: a text file as certificate"
like "$err" "^ipp-ipr: \.\./in/batch\.csv:6: authorization: the registrant 'Hinge Co' .*\(rule I3\)\$" \
    "CSV line 6: a registrant other than the owner, without authorisation"
like "$err" "^ipp-ipr: \.\./in/batch\.csv:7: description: required for another right \(rule I6\)\$" \
    "CSV line 7: another right without its description"
unlike "$err" 'batch\.csv:[23]:' "the good first row is not reported"

# ---- --partial: the good rows stored, the bad ones on stdout ----
snapshot
try as alice ipp-ipr import --partial ../in/batch.tsv
is "$rc" 1 "--partial with bad rows exits 1"
like "$err" 'batch.tsv: 4 of 8 rows refused; 4 stored' "the summary"
printf '%s\n' "$out" >"$tmp/in/rejects.tsv"
is "$(head -1 "$tmp/in/rejects.tsv")" \
    "$(head -1 "$tmp/in/batch.tsv")	error" \
    "the rejects have the input's columns and an error column"
is "$(tsv_rows <"$tmp/in/rejects.tsv")" 4 "four rows refused"
is "$(tsv_column number <"$tmp/in/rejects.tsv" | tr '\n' ' ')" \
    "TM-2 TM-3 TM-4 TM-1 " "the bad rows, in file order"
like "$(tsv_get error 1 <"$tmp/in/rejects.tsv")" \
    "^jurisdiction: 'UK' .*\(rule I2\)\$" "each with its error"
like "$(tsv_get error 4 <"$tmp/in/rejects.tsv")" '\(rule I8\)$' \
    "the duplicate's error names I8"
try as alice ipp-ipr list
is "$(printf '%s\n' "$out" | tsv_column label | tr '\n' ' ')" \
    "trademark/CN/TM-1/Acme stand photos judgement " "the four good rows are stored"
is "$(printf '%s\n' "$out" | tsv_get classes)" 9,25 "classes '9;25' read as 9,25"
is "$(printf '%s\n' "$out" | tsv_get registered 3)" 0 \
    "unregistered 'yes' makes an unregistered copyright"

# ---- Documents: relative to the file, each kept once (D1) ----
CERT=$(sha "$tmp/in/papers/cert.pdf")
is "$(sql "SELECT count(*) FROM ipr_documents WHERE sha256 = '$CERT'")" 3 \
    "three IPRs cite the file's papers/cert.pdf, not the one in the working directory"
is "$(sql "SELECT count(*) FROM ipr_documents WHERE sha256 = '$(sha "$tmp/work/papers/cert.pdf")'")" 0 \
    "the decoy is not taken"
is "$(sql "SELECT count(*) FROM documents WHERE sha256 = '$CERT'")" 1 \
    "the shared certificate has one documents row (D1)"
is "$(doc_files "$CERT" | tr -d ' ')" 1 \
    "and one file under docs/ (D1)"
try as alice ipp-ipr show photos
is "$(printf '%s\n' "$out" | show_field document.statement)" \
    "$(sha "$tmp/in/statement.jpg") statement.jpg" \
    "the statement of the unregistered copyright"

# ---- Fix the refused rows and import them again ----
awk -F '\t' -v OFS='\t' '
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next }
	$c["jurisdiction"] == "UK" { $c["jurisdiction"] = "GB" }
	$c["classes"] == "46" { $c["classes"] = "45" }
	$c["certificate"] == "" { $c["certificate"] = "papers/cert.pdf" }
	$c["label"] == "again" { $c["number"] = "TM-5" }
	{ $c["error"] = "" ; print }' "$tmp/in/rejects.tsv" >"$tmp/in/fixed.tsv"
try as alice ipp-ipr import ../in/fixed.tsv
succeeded "the fixed rows import (the error column is ignored)"
is "$err" 'ipp-ipr: ../in/fixed.tsv: 4 rows, 4 IPRs stored' "the summary"
try as alice ipp-ipr list --type trademark
is "$(printf '%s\n' "$out" | tsv_column jurisdiction | tr '\n' ' ')" \
    "CN GB HK SG CN " "all five trademarks are stored"
is "$(sql "SELECT count(*) FROM documents WHERE sha256 = '$CERT'")" 1 \
    "the certificate is still kept once (D1)"

# ---- The same file again: every row is now a duplicate (I8) ----
refuses 1 'fixed.tsv: 4 of 4 rows refused' "importing the same rows twice" \
    as alice ipp-ipr import ../in/fixed.tsv
like "$err" 'fixed\.tsv:2: number: GB TM-2 is already IPR [0-9]+ .*\(rule I8\)' \
    "a number already stored is reported"
like "$err" "fixed\.tsv:5: label: 'again' is taken .*\(rule I8\)" \
    "a label already stored is reported"

# ---- CSV with --partial, its rejects re-imported as TSV ----
try as alice ipp-ipr import --partial ../in/batch.csv
is "$rc" 1 "the CSV with --partial exits 1"
like "$err" 'batch.csv: 4 of 5 rows refused; 1 stored' "one row stored"
printf '%s\n' "$out" >"$tmp/in/csv-rejects.tsv"
is "$(head -1 "$tmp/in/csv-rejects.tsv")" \
    "$(printf 'type\tlabel\tname\tnumber\tregistrant\tjurisdiction\texpires\tclasses\tbrand\tkind\tcertificate\tevaluation_report\tnotes\terror')" \
    "the CSV's rejects are TSV with its columns, named as read, and error"
is "$(tsv_get name 3 <"$tmp/in/csv-rejects.tsv")" 'Hinge, folding' \
    "a quoted CSV field keeps its comma"
try as alice ipp-ipr list --type trademark
like "$out" "	US	2030-12-31	9,25	" "the good CSV row is stored"
is "$(printf '%s\n' "$out" | tsv_where jurisdiction US | tsv_get name)" 'ACME, Inc.' \
    "with its quoted name"
awk -F '\t' -v OFS='\t' '
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next }
	$c["type"] == "other" { next }
	$c["expires"] == "2020-12-31" { $c["expires"] = "2032-12-31" }
	$c["certificate"] == "papers/note.txt" { $c["certificate"] = "papers/cert.pdf" }
	$c["registrant"] == "Hinge Co" { $c["registrant"] = "Alice Li" }
	{ print }' "$tmp/in/csv-rejects.tsv" >"$tmp/in/csv-fixed.tsv"
try as alice ipp-ipr import ../in/csv-fixed.tsv
succeeded "the fixed CSV rows import as TSV"
is "$err" 'ipp-ipr: ../in/csv-fixed.tsv: 3 rows, 3 IPRs stored' "three stored"

# ---- Standard input: documents relative to the working directory ----
cd "$tmp/in" || exit 1
tsv 'type|description|basis' 'other|Design right judgement|papers/cert.pdf' |
    as alice ipp-ipr import - >"$tmp/stdin.out" 2>"$tmp/stdin.err"
is "$?" 0 "import - reads standard input"
is "$(cat "$tmp/stdin.err")" 'ipp-ipr: -: 1 rows, 1 IPRs stored' \
    "its summary"

# ---- Labels and numbers the store's indexes meet (I8) ----
# Two unregistered copyrights of one name: the second default label
# takes "#2", and a later import "#3".  Two other rights with the same
# number and no jurisdiction: the second appears twice in the file.
tsv 'type|name|unregistered|statement' \
    'copyright|Catalogue shots|yes|statement.jpg' \
    'copyright|Catalogue shots|yes|statement.jpg' >"$tmp/in/same.tsv"
try as alice ipp-ipr import same.tsv
succeeded "two rows with one default label import"
is "$(sql "SELECT label FROM iprs WHERE name = 'Catalogue shots'
    ORDER BY ipr_id" | tr '\n' '|')" \
    'copyright/unregistered/Catalogue shots|copyright/unregistered/Catalogue shots#2|' \
    "the second default label gets #2 (I8)"
try as alice ipp-ipr import same.tsv
succeeded "the same rows again import"
is "$(sql "SELECT label FROM iprs WHERE name = 'Catalogue shots'
    ORDER BY ipr_id DESC LIMIT 1")" 'copyright/unregistered/Catalogue shots#4' \
    "and take the next free numbers (I8)"
tsv 'type|number|description|basis' \
    'other|OR-7|Unfair competition ruling|papers/cert.pdf' \
    'other|OR-7|The same ruling again|papers/cert.pdf' >"$tmp/in/or.tsv"
refuses 1 'or\.tsv:3: number:  OR-7 appears twice in this file \(rule I8\)' \
    "a number without a jurisdiction twice in one file" \
    as alice ipp-ipr import or.tsv
is "$(sql "SELECT count(*) FROM iprs WHERE number = 'OR-7'")" 0 \
    "nothing of it is stored"

# ---- Files of more rows than one INSERT takes (50) ----
# bulk N DUP: N trademarks, numbers TM-B1..TM-BN, row DUP+1 with the
# number of row 2 (0: none); certificates alternate between two papers.
make_doc "$tmp/in/papers/cert2.pdf" 'a second certificate'
bulk() {
	awk -v n="$1" -v dup="$2" 'BEGIN {
		OFS = "\t"
		print "type", "name", "number", "registrant", "jurisdiction",
		    "expires", "classes", "brand", "certificate"
		for (i = 1; i <= n; i++)
			print "trademark", "ACME", "TM-B" (i == dup ? 1 : i),
			    "Alice Li", "CN", "2030-06-30", "9", "Acme",
			    "papers/cert" (i % 2 ? "" : "2") ".pdf"
	}'
}
before=$(sql 'SELECT count(*) FROM iprs')
bulk 120 75 >"$tmp/in/bulk-dup.tsv"
refuses 1 'bulk-dup.tsv: 1 of 120 rows refused: nothing stored' \
    "a number twice, 55 rows apart, in a file of 120" \
    as alice ipp-ipr import bulk-dup.tsv
is "$(printf '%s\n' "$err" | grep -c 'appears twice')" 1 "one row is refused"
like "$err" "bulk-dup\.tsv:76: number: CN TM-B1 appears twice in this file \(rule I8\)" \
    "the later one, by its line"
is "$(sql 'SELECT count(*) FROM iprs')" "$before" "nothing is stored"
bulk 120 0 >"$tmp/in/bulk.tsv"
try as alice ipp-ipr import bulk.tsv
succeeded "120 rows import"
is "$(sql "SELECT count(*) FROM iprs i JOIN ipr_documents d
    ON d.ipr_id = i.ipr_id AND d.role = 'certificate'
    JOIN ipr_events e ON e.ipr_id = i.ipr_id AND e.action = 'submitted'
    WHERE i.number LIKE 'TM-B%' AND i.label = 'trademark/CN/' || i.number
    || '/Acme' AND d.name = CASE WHEN CAST(substr(i.number, 5) AS INTEGER)
    % 2 = 1 THEN 'cert.pdf' ELSE 'cert2.pdf' END")" 120 \
    "each with its default label, its own certificate and its event"
refuses 1 'bulk.tsv: 120 of 120 rows refused' "the same 120 again" \
    as alice ipp-ipr import bulk.tsv
like "$err" "bulk\.tsv:2: number: CN TM-B1 is already IPR [0-9]+ 'trademark/CN/TM-B1/Acme' \(rule I8\)" \
    "the first row is reported"
like "$err" "bulk\.tsv:121: number: CN TM-B120 is already IPR" \
    "and the last"
awk 'BEGIN { OFS = "\t"; print "type", "name", "unregistered", "statement"
    for (i = 1; i <= 60; i++)
	print "copyright", "Shots " (i == 40 ? 10 : i), "yes", "statement.jpg"
}' >"$tmp/in/shots.tsv"
try as alice ipp-ipr import shots.tsv
succeeded "60 unregistered copyrights, two of one name"
is "$(sql "SELECT label FROM iprs WHERE name = 'Shots 10' ORDER BY ipr_id" |
    tr '\n' '|')" \
    'copyright/unregistered/Shots 10|copyright/unregistered/Shots 10#2|' \
    "the later default label gets #2 (I8)"

# ---- Malformed files ----
tsv 'name|number' 'ACME|1' >"$tmp/in/notype.tsv"
refuses 4 "notype.tsv:1: missing column 'type' \(rule I1\)" \
    "a file without a type column" as alice ipp-ipr import notype.tsv
refuses 4 "cannot open 'none.tsv'" "a file that does not exist" \
    as alice ipp-ipr import none.tsv
refuses 2 'import needs one file' "import without a file" \
    as alice ipp-ipr import
printf 'type,description,basis\nother,"an open quote,papers/cert.pdf\n' \
    >"$tmp/in/open.csv"
refuses 4 'open\.csv:2: quoted field not closed' "a CSV quote left open" as alice ipp-ipr import open.csv

# Filed with foreign keys checked once an import: every one holds, and
# each shared paper has one documents row (D1).
if on_pg; then
	skip "after the imports, no foreign key is broken" \
	    "PostgreSQL checks every foreign key at every statement"
else
	is "$(sql 'SELECT count(*) FROM pragma_foreign_key_check')" 0 \
	    "after the imports, no foreign key is broken"
fi
is "$(sql 'SELECT count(*) FROM ipr_documents d LEFT JOIN documents o
    ON o.sha256 = d.sha256 WHERE o.sha256 IS NULL')" 0 \
    "every IPR paper has its documents row"

done_testing

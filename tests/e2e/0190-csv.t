#!/bin/sh
# --csv: every command that prints records prints them as RFC 4180 CSV
# for a spreadsheet instead (ipp-tsv(5)), given before or after the
# command word; a cell that a spreadsheet would run as a formula gets a
# single quote in front (the unit test of the writer covers every case).
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com '=HYPERLINK("http://x","y")')
like "$A_ID" '^[0-9]+$' "an account whose owner name is a formula"
B_ID=$(verified_account bob bob@example.com 'Bob "the" Wu, Jr')
like "$B_ID" '^[0-9]+$' "an account whose owner name has quotes and a comma"
CR=$(printf '\r')

try as handler ipp-register list --csv
succeeded "list --csv"
is "$(printf '%s\n' "$out" | head -1)" \
    "\"account_id\",\"email\",\"contact_email\",\"role\",\"base\",\"identity\",\"category\",\"rights_org\",\"state\",\"owner_name\",\"identity_doc\",\"identity_reason\",\"created_at\",\"updated_at\"$CR" \
    "the header row, quoted, CRLF"
like "$out" "^\"$A_ID\",\"alice@example.com\",.*,\"'=HYPERLINK\(\"\"http://x\"\",\"\"y\"\"\)\"," \
    "the formula is neutralised with a quote, its quotes doubled"
like "$out" "^\"$B_ID\",.*,\"Bob \"\"the\"\" Wu, Jr\"," \
    "quotes doubled and the comma kept inside the cell"
is "$(printf '%s\n' "$out" | grep -c "$CR\$")" \
    "$(printf '%s\n' "$out" | wc -l)" "every line ends in CRLF"

try as handler ipp-register --csv list
is "$out" "$(as handler ipp-register list --csv)" "--csv before the command word"
try as handler ipp-register list
like "$(printf '%s\n' "$out" | tsv_where account_id "$A_ID" | tsv_get owner_name)" \
    '^=HYPERLINK' "TSV stays as it is without --csv"

# cmd_each_id's rows, and an add-like command's one record.
C_ID=$(signup carol carol@example.com)
make_doc "$tmp/carol.pdf" "identity of carol"
as carol ipp-register identity --name '@carol' --doc "$tmp/carol.pdf"
try as handler ipp-register reject --csv --reason '-no' "$C_ID"
is "$out" "$(printf '"account_id","state"\r\n"%s","identity-rejected"\r' "$C_ID")" \
    "reject --csv: the result rows in CSV"
try as handler ipp-register history --csv "$C_ID"
like "$out" "\"'-no\"" "a reason starting with - is neutralised"
try as alice ipp-register whoami --csv
like "$out" "^\"$A_ID\",\"alice@example.com\"" "whoami --csv"
done_testing

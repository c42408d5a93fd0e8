#!/bin/sh
# The Good Faith report (G6): one self-contained HTML page, rendered in
# headless Chromium; its DOM after rendering and the pixels it drew are
# checked, at a phone's width.  Skips only when Chromium cannot run here
# at all (`make deps` installs Debian's chromium).
. "$(dirname "$0")/lib.sh"

shot=$_e2e_helpers_src/../report-shot.sh
pngstat=$_e2e_helpers_src/pngstat.pl

now_set 2026-03-01T00:00:00Z
ok "init and the handler's sign-in" init_store cases@ipp.test
ok "sessions last a year here" as handler ipp-register set session_hours 8760
ok "the handler signs in again" login_as handler cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice <Li> & Co')
B_ID=$(verified_account bob bob@example.com 'Bob Wu')
CN=$(trademark_ipr alice CN TM-CN-1)
printf '%s\n' \
    "$A_ID $CN taobao tm-counterfeit-goods removed 2026-02-01T00:00:00Z 400" \
    "$A_ID $CN taobao tm-counterfeit-goods removed 2025-11-20T00:00:00Z 300" \
    "$A_ID $CN tmall tm-mark-in-text rejected 2026-02-10T00:00:00Z 60" \
    "$A_ID $CN tmall tm-mark-in-text restored 2026-02-12T00:00:00Z 4 2026-02-05T00:00:00Z" \
    "$A_ID $CN 1688 tm-counterfeit-goods pending 2026-02-20T00:00:00Z 30" \
    "$A_ID $CN 1688 tm-counterfeit-goods upheld 2026-02-20T00:00:00Z 25 2026-02-15T00:00:00Z" |
    scoreseed "$IPP_DB" >"$tmp/complaints"
as handler ipp-complain abusive --reason 'Filed <twice> against a reseller' \
    "$(head -1 "$tmp/complaints")" >/dev/null

try as alice ipp-score report -o "$tmp/report.html"
succeeded "report -o FILE"
is "$out" "$tmp/report.html" "prints the path it wrote"
html=$(cat "$tmp/report.html")
like "$html" '^<!DOCTYPE html>' "an HTML page"
unlike "$html" '<script' "no script"
unlike "$html" '(src|href)=|@import|url\(' "nothing loaded from elsewhere"
like "$html" 'name="viewport" content="width=device-width' "sized for phones"
like "$html" 'Alice &lt;Li&gt; &amp; Co' "text from the store is escaped"
like "$html" 'Filed &lt;twice&gt; against a reseller' "marks too"
try as alice ipp-score report
is "$out" "$html" "the same page on standard output"
refuses 5 "own figures only" "alice cannot report on bob" \
    as alice ipp-score report --account "$B_ID" -o "$tmp/bob.html"
[ ! -e "$tmp/bob.html" ] && [ ! -e "$tmp/bob.html.tmp" ]
ok "and no file is left" test $? -eq 0
try as handler ipp-score report --all -o "$tmp/all.html"
succeeded "a handler's report of every account"
like "$(cat "$tmp/all.html")" '0 of 2 accounts are Good Faith members' \
    "every account in it"

# ---- in a real browser ----
printf '<!DOCTYPE html><title>t</title><p id="x">probe</p>\n' >"$tmp/probe.html"
if ! sh "$shot" "$tmp/probe.html" -dom 2>"$tmp/probe.err" | grep -q 'id="x"'; then
	diag "$(cat "$tmp/probe.err")"
	echo "ok $((_tests + 1)) # skip Chromium cannot run here"
	_tests=$((_tests + 1))
	done_testing
fi
try sh "$shot" "$tmp/report.html" -dom
succeeded "Chromium renders the report"
dom=$out
# dom_text ID: the text of the element with that id, tags dropped.
dom_text() {
	printf '%s\n' "$dom" | tr '\n' ' ' |
	    sed -n "s/.*id=\"$1\"[^>]*>\([^<]*\).*/\1/p"
}
is "$(dom_text success-rate)" "86.9&nbsp;%" \
    "the success rate: 425 of 489 in the window, below the threshold"
is "$(dom_text counter-rate)" "13.7&nbsp;%" "the counter rate: 4 of 29 won"
is "$(dom_text needed)" 151 "the projection: 9 x 64 - 425"
like "$(dom_text member)" 'Not a member' "membership"
like "$dom" '<li>G3: 1 complaint is marked abusive' "what blocks it"
like "$dom" 'tm-mark-in-text <strong class="bad">weak</strong>' \
    "the weak reason code flagged"
is "$(printf '%s\n' "$dom" | grep -o '<svg' | wc -l | tr -d ' ')" 4 \
    "four charts drawn as SVG"
like "$dom" '<polyline class="success-line"' "the trend's line"
like "$dom" '<td>1688</td><td>2</td><td>55</td><td>25</td><td>0</td><td>0</td><td>0</td><td>0</td><td>30</td>' \
    "URLs and complaints by state per platform"
try sh "$shot" "$tmp/report.html" "$tmp/report.png" 412,2600
succeeded "a phone-sized screenshot"
try perl "$pngstat" "$tmp/report.png" c62828 2e7d32 1e3a5f ffffff
succeeded "the PNG decodes"
is "$(printf '%s\n' "$out" | sed -n 's/^size //p')" 412x2600 "at the size asked for"
colours=$(printf '%s\n' "$out" | sed -n 's/^colours //p')
[ "${colours:-0}" -gt 50 ]
ok "not blank: $colours distinct colours" test $? -eq 0
for c in c62828 2e7d32 1e3a5f; do
	n=$(printf '%s\n' "$out" | sed -n "s/^$c //p")
	[ "${n:-0}" -gt 100 ]
	ok "drawn in #$c: $n pixels" test $? -eq 0
done
done_testing

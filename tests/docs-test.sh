#!/bin/sh
# docs-test: the man pages are there, complete and clean.
#
# Fails when a binary in $IPP_BIN has no page man/NAME.1; when an option,
# command word or operand of its --help usage is missing from that page's
# mdoc source (--long as `Fl -long`, -x as `Fl x`, the command word of each
# usage line as `Cm word`, any other word as `Cm word` or `Ar word`); when
# ipp(7) does not list it with `Xr NAME 1`; when man/ipp.7 or man/ipp-tsv.5
# is missing; or when `mandoc -Tlint -Wwarning` has anything to say about
# a page; or when a settings table of a man page and the settings of a
# fresh store differ (tests/docs-settings.sh).  Prints TAP lines and a
# summary.
#
# Usage, from the repository root: IPP_BIN=build/bin sh tests/docs-test.sh

set -u

if [ -z "${IPP_BIN:-}" ] || [ ! -d man ]; then
	echo "usage: IPP_BIN=<dir of binaries> sh tests/docs-test.sh" \
	    "(from the repository root)" >&2
	exit 2
fi

pass=0
fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/docs-test.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

ok() {
	pass=$((pass + 1))
	echo "ok $((pass + fail)) - $*"
}

not_ok() {
	fail=$((fail + 1))
	echo "not ok $((pass + fail)) - $*"
}

# The arguments of Fl, Cm, Ar and Xr macros in an mdoc page, one
# "Macro arg" a line: `.Op Fl d Ar store` gives "Fl d" and "Ar store";
# `.Xr ipp-register 1` gives "Xr ipp-register 1".
macro_args() {
	awk '
	/^\.\\"/ { next }
	/^\./ {
		macro = ""
		for (i = 1; i <= NF; i++) {
			w = $i
			if (i == 1)
				sub(/^\./, "", w)
			if (w ~ /^[A-Z][a-z][a-z]?$/) {
				macro = w
				continue
			}
			if (macro == "Xr" && i < NF) {
				print "Xr " w " " $(i + 1)
				i++
				macro = ""
			} else if (macro == "Fl" || macro == "Cm" || macro == "Ar") {
				gsub(/\\-/, "-", w)
				print macro " " w
			}
		}
	}' "$1"
}

# What a usage text asks to be documented, one "kind word" a line: long,
# short, command and word.  When there are several usage lines, the first
# word of each after the first that is not an option's argument (it does
# not follow an option within the same brackets) is its command.
usage_items() {
	awk -v prog="$1" '
	{
		sub(/^[ \t]*usage:/, "")
		gsub(/[][|{}]/, " & ")
		if ($1 != prog)
			next
		line++
		first = 1
		after_option = 0
		for (i = 2; i <= NF; i++) {
			w = $i
			if (w ~ /^[][|{}]$/) {
				after_option = 0
				continue
			}
			if (w ~ /^\.+$/)
				continue
			if (w ~ /^--./) {
				sub(/=.*/, "", w)
				print "long " substr(w, 3)
				after_option = 1
			} else if (w ~ /^-./) {
				for (j = 2; j <= length(w); j++)
					print "short " substr(w, j, 1)
				after_option = 1
			} else if (after_option || !first || line == 1) {
				print "word " w
				after_option = 0
			} else {
				print "command " w
				first = 0
			}
		}
	}' | awk '!seen[$0]++'
}

has() {
	grep -qxF "$1" "$tmp/args"
}

check_item() {
	kind=$1 word=$2 page=$3
	case $kind in
	long)
		if has "Fl -$word"; then
			ok "$page documents --$word"
		else
			not_ok "$page lacks --$word (Fl -$word)"
		fi ;;
	short)
		# A letter may be one of a group: `Fl dh` documents -d.
		case $word in
		[[:alnum:]]) pattern="^Fl [[:alnum:]]*${word}[[:alnum:]]*\$" ;;
		*) pattern='^$' ;;
		esac
		if grep -qE "$pattern" "$tmp/args" || has "Fl $word"; then
			ok "$page documents -$word"
		else
			not_ok "$page lacks -$word (Fl $word)"
		fi ;;
	command)
		if has "Cm $word"; then
			ok "$page documents the command $word"
		else
			not_ok "$page lacks the command $word (Cm $word)"
		fi ;;
	word)
		if has "Cm $word" || has "Ar $word"; then
			ok "$page documents $word"
		else
			not_ok "$page lacks $word (Cm $word or Ar $word)"
		fi ;;
	esac
}

for page in man/ipp.7 man/ipp-tsv.5; do
	if [ -f "$page" ]; then
		ok "$page exists"
	else
		not_ok "$page is missing"
	fi
done

if [ ! -d "$IPP_BIN" ]; then
	not_ok "IPP_BIN '$IPP_BIN' is not a directory"
fi

nbins=0
for bin in "$IPP_BIN"/*; do
	if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
		continue
	fi
	nbins=$((nbins + 1))
	name=${bin##*/}
	page=man/$name.1
	if [ -f man/ipp.7 ] && macro_args man/ipp.7 | grep -qxF "Xr $name 1"; then
		ok "ipp.7 lists $name(1)"
	else
		not_ok "ipp.7 does not list $name (Xr $name 1)"
	fi
	if [ ! -f "$page" ]; then
		not_ok "$name has no man page $page"
		continue
	fi
	ok "$name has a man page $page"
	if ! "$bin" --help </dev/null >"$tmp/usage" 2>/dev/null; then
		not_ok "$name --help exits non-zero"
		continue
	fi
	usage_items "$name" <"$tmp/usage" >"$tmp/items"
	if [ ! -s "$tmp/items" ]; then
		not_ok "$name --help prints no usage line"
		continue
	fi
	macro_args "$page" >"$tmp/args"
	while read -r kind word; do
		check_item "$kind" "$word" "$page"
	done <"$tmp/items"
done
if [ "$nbins" -eq 0 ]; then
	not_ok "no binaries in '$IPP_BIN'"
fi

# ---- ipp-rules(7), ENVIRONMENT, install (issue 8) ----
# Fails when a rule number that the code (lib/, cmd/) or a man page names
# has no entry `.It Sy NUMBER` in man/ipp-rules.7; when a page that names
# a rule does not point to ipp-rules(7) (Xr ipp-rules 7); when a setting
# that serves a rule is not named in ipp-rules(7); when an IPP_* variable
# that the code reads is missing from ipp(7)'s ENVIRONMENT; or when
# `make install` does not install every page, ipp-rules.7 included.

# rule_numbers FILE...: the rule numbers (A1, C12, ...) named in FILEs,
# one a line, sorted; mdoc comments are skipped, and so are the "C0" and
# "C1" of a line about control characters, which are not rules.
rule_numbers() {
	grep -hv '^\.\\"' "$@" | sed '/[Cc]ontrol/s/\bC[01]\b//g' |
	    grep -oE '\b[ADICHNG][0-9]{1,2}\b' | sort -u
}

rules_page=man/ipp-rules.7
if [ -f "$rules_page" ]; then
	ok "$rules_page exists"
	sed -n 's/^\.It Sy \(\\&\)\{0,1\}\([ADICHNG][0-9]\{1,2\}\)$/\2/p' \
	    "$rules_page" | sort -u >"$tmp/rules"
	rule_numbers lib/*.[ch] cmd/*.[ch] >"$tmp/code-rules"
	missing=$(comm -23 "$tmp/code-rules" "$tmp/rules" | tr '\n' ' ')
	if [ -s "$tmp/code-rules" ] && [ -z "$missing" ]; then
		ok "ipp-rules.7 has every rule the code names" \
		    "($(wc -l <"$tmp/code-rules") rules)"
	else
		not_ok "ipp-rules.7 lacks rules the code names: ${missing:-none found}"
	fi
	for page in man/*.[1-9]; do
		[ "$page" != "$rules_page" ] || continue
		rule_numbers "$page" >"$tmp/page-rules"
		[ -s "$tmp/page-rules" ] || continue
		missing=$(comm -23 "$tmp/page-rules" "$tmp/rules" | tr '\n' ' ')
		if [ -z "$missing" ]; then
			ok "$page names only rules of ipp-rules.7"
		else
			not_ok "$page names rules ipp-rules.7 lacks: $missing"
		fi
		if macro_args "$page" | grep -qxF "Xr ipp-rules 7"; then
			ok "$page names rules and points to ipp-rules(7)"
		else
			not_ok "$page names rules but lacks Xr ipp-rules 7"
		fi
	done
else
	not_ok "$rules_page is missing"
fi

# The ENVIRONMENT section of ipp(7) lists every IPP_* the code reads.
sed -n '/^\.Sh ENVIRONMENT/,/^\.Sh /s/^\.It Ev \([A-Za-z_0-9]*\).*/\1/p' \
    man/ipp.7 >"$tmp/env"
for var in $(grep -ohE '"IPP_[A-Z0-9_]+"' lib/*.c cmd/*.c | tr -d '"' |
    sort -u); do
	if grep -qxF "$var" "$tmp/env"; then
		ok "ipp.7 ENVIRONMENT lists $var"
	else
		not_ok "ipp.7 ENVIRONMENT lacks $var (.It Ev $var)"
	fi
done

# Every setting that serves a rule (its description starts "C6: ...")
# is named in ipp-rules(7), gone_page_PLATFORM as gone_page_; read from
# the settings of a new store.
if printf 'docs-test password\n' | IPP_DB="$tmp/st/ipp.db" \
    "$IPP_BIN/ipp-register" init --handler docs@test.example \
    --password-stdin >/dev/null 2>&1 &&
    printf 'docs-test password\n' | IPP_DB="$tmp/st/ipp.db" \
    XDG_STATE_HOME="$tmp/st-state" "$IPP_BIN/ipp-register" login \
    --email docs@test.example --password-stdin >/dev/null 2>&1 &&
    IPP_DB="$tmp/st/ipp.db" XDG_STATE_HOME="$tmp/st-state" \
    "$IPP_BIN/ipp-register" settings >"$tmp/settings" 2>/dev/null; then
	awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	    $c["description"] ~ /^[ADICHNG][0-9]+[:,]/ {
		n = $c["name"]; sub(/^gone_page_.*/, "gone_page_", n); print n
	    }' "$tmp/settings" | sort -u >"$tmp/rule-settings"
	if [ ! -s "$tmp/rule-settings" ]; then
		not_ok "no setting names a rule in its description"
	fi
	while read -r name; do
		if grep -q "^\.Li $name\( \|\$\)" "$rules_page"; then
			ok "ipp-rules.7 names the setting $name"
		else
			not_ok "ipp-rules.7 lacks the setting $name (.Li $name)"
		fi
	done <"$tmp/rule-settings"
else
	not_ok "cannot read the settings of a new store"
fi

# `make install` puts every page in its section's directory.
if make -s install DESTDIR="$tmp/inst" PREFIX=/usr \
    BUILD="${IPP_BIN%/bin}" >"$tmp/install.out" 2>&1; then
	for page in man/*.[1-9]; do
		name=${page##*/}
		if [ -f "$tmp/inst/usr/share/man/man${name##*.}/$name" ]; then
			ok "make install installs $name"
		else
			not_ok "make install does not install $name"
		fi
	done
else
	not_ok "make install failed"
	sed 's/^/#   /' "$tmp/install.out"
fi

# Every man page's settings table against a fresh store's settings.
. "$(dirname "$0")/docs-settings.sh"

if command -v mandoc >/dev/null 2>&1; then
	for page in man/*.[1-9]; do
		[ -f "$page" ] || continue
		if out=$(mandoc -Tlint -Wwarning "$page" 2>&1) && [ -z "$out" ]
		then
			ok "mandoc -Tlint -Wwarning $page is clean"
		else
			not_ok "mandoc -Tlint -Wwarning $page warns:"
			printf '%s\n' "$out" | sed 's/^/#   /'
		fi
	done
else
	not_ok "mandoc is not installed"
fi

echo "1..$((pass + fail))"
echo "docs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

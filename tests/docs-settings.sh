# docs-settings.sh: sourced by tests/docs-test.sh (uses its ok, not_ok,
# $tmp and $IPP_BIN).
#
# The settings a fresh store reports (`ipp-register settings`) against
# every settings table of the man pages, so that a default, a range or a
# rule changed in one place and not the other fails.  A settings table is
# a `.Bl -column` whose first row is
#	.It Sy Name Ta Sy Default Ta Sy Range Ta Sy Rule
# and whose rows are `.It Li name Ta default Ta min..max|text Ta rule`:
# the default `empty` is the empty value, the rule `\(em` a setting that
# serves no rule (its description names none), and `Li prefix_ Ns Ar word`
# every setting whose name starts with prefix_.  Each row must match the
# store, and each setting of the store must be in some table.

# settings_rows PAGE: "name|default|range|rule" per row of the
# settings tables of PAGE; a name ending in * is a prefix.
settings_rows() {
	awk '
	/^\.Bl -column/ { intable = 1; settings = 0; next }
	/^\.El/ { intable = 0; settings = 0; next }
	!intable || !/^\.It / { next }
	/^\.It Sy Name Ta Sy Default Ta Sy Range Ta Sy Rule$/ {
		settings = 1
		next
	}
	!settings { next }
	{
		line = substr($0, 5)
		n = split(line, f, / Ta /)
		if (n != 4) {
			print "BAD|" $0
			next
		}
		name = f[1]
		sub(/^Li /, "", name)
		if (name ~ / Ns Ar /) {
			sub(/ Ns Ar .*/, "", name)
			name = name "*"
		}
		dflt = f[2] == "empty" ? "" : f[2]
		rule = f[4] == "\\(em" ? "" : f[4]
		printf "%s|%s|%s|%s\n", name, dflt, f[3], rule
	}' "$1"
}

# A fresh store, with its handler signed in, in a directory of its own.
settings_store() {
	_ss_pw='correct horse battery staple'
	mkdir -p "$tmp/store" "$tmp/home" "$tmp/state"
	printf '%s\n' "$_ss_pw" | env HOME="$tmp/home" \
	    XDG_STATE_HOME="$tmp/state" IPP_DB="$tmp/store/ipp.db" \
	    "$IPP_BIN/ipp-register" init --handler docs@ipp.test \
	    --password-stdin 2>/dev/null &&
	printf '%s\n' "$_ss_pw" | env HOME="$tmp/home" \
	    XDG_STATE_HOME="$tmp/state" IPP_DB="$tmp/store/ipp.db" \
	    "$IPP_BIN/ipp-register" login --email docs@ipp.test \
	    --password-stdin &&
	env HOME="$tmp/home" XDG_STATE_HOME="$tmp/state" \
	    IPP_DB="$tmp/store/ipp.db" "$IPP_BIN/ipp-register" settings
}

# The store's settings as "name|value|range|rule" (| not tab: read
# would merge the tabs around an empty value).
store_rows() {
	awk -F '\t' '
	NR == 1 { next }
	{
		range = $3 == "text" ? "text" : $4 ".." $5
		rule = ""
		if (match($6, /^[A-Z][0-9]+:/))
			rule = substr($6, 1, RLENGTH - 1)
		printf "%s|%s|%s|%s\n", $1, $2, range, rule
	}'
}

if [ ! -x "$IPP_BIN/ipp-register" ]; then
	not_ok "no ipp-register in '$IPP_BIN' to report the settings"
elif ! settings_store >"$tmp/settings.tsv" 2>"$tmp/settings.err"; then
	not_ok "a fresh store does not report its settings:" \
	    "$(head -3 "$tmp/settings.err")"
else
	store_rows <"$tmp/settings.tsv" >"$tmp/store-rows"
	: >"$tmp/man-rows"
	for page in man/*.[1-9]; do
		settings_rows "$page" | sed "s#^#$page|#" >>"$tmp/man-rows"
	done
	if [ ! -s "$tmp/man-rows" ]; then
		not_ok "no man page has a settings table"
	fi
	# Each row of each table against the store.
	while IFS='|' read -r page name dflt range rule; do
		if [ "$name" = BAD ]; then
			not_ok "$page: a settings row without 4 columns: $dflt"
			continue
		fi
		case $name in
		*'*') matches=$(awk -F '|' -v p="${name%\*}" \
		    'index($1, p) == 1' "$tmp/store-rows") ;;
		*) matches=$(awk -F '|' -v n="$name" '$1 == n' \
		    "$tmp/store-rows") ;;
		esac
		if [ -z "$matches" ]; then
			not_ok "$page documents '$name', a setting the store lacks"
			continue
		fi
		bad=$(printf '%s\n' "$matches" | awk -F '|' -v d="$dflt" \
		    -v r="$range" -v u="$rule" '
			$2 != d || $3 != r || $4 != u {
				printf "%s is %s, %s, %s; ", $1, \
				    ($2 == "" ? "empty" : $2), $3, \
				    ($4 == "" ? "no rule" : $4)
			}')
		if [ -z "$bad" ]; then
			ok "$page: setting $name is as the store has it"
		else
			not_ok "$page: setting $name: the page says" \
			    "${dflt:-empty}, $range, ${rule:-no rule}; the store: $bad"
		fi
	done <"$tmp/man-rows"
	# Each setting of the store in some table.
	while IFS='|' read -r name value range rule; do
		if awk -F '|' -v n="$name" '
		    $2 == n || (substr($2, length($2)) == "*" &&
		    index(n, substr($2, 1, length($2) - 1)) == 1) { found = 1 }
		    END { exit !found }' "$tmp/man-rows"; then
			ok "the setting $name is in a man page's settings table"
		else
			not_ok "the setting $name is in no man page's settings table"
		fi
	done <"$tmp/store-rows"
fi

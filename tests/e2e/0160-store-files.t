#!/bin/sh
# Where the store is and who may read it: -d, then IPP_DB, then
# $XDG_DATA_HOME/ipp/ipp.db, then ~/.local/share/ipp/ipp.db; created by
# init as a 0600 file in a 0700 directory whatever the umask; the session
# file is 0600 too.
. "$(dirname "$0")/lib.sh"
sqlite_only "the modes of the database file, its WAL and directory"

# modes PATH...: the octal modes, space-separated.
modes() {
	stat -c %a "$@" | tr '\n' ' ' | sed 's/ $//'
}

# init_at [ARGS...]: init with the password $PW and umask 000.
init_at() {
	(umask 000; printf '%s\n' "$PW" |
	    ipp-register "$@" init --handler cases@ipp.test --password-stdin)
}

# ---- IPP_DB ----
try init_at
succeeded "init creates the store at IPP_DB under umask 000"
ok "the store exists at IPP_DB" test -f "$IPP_DB"
is "$(modes "$IPP_DB")" 600 "the db file is mode 600"
is "$(modes "$store")" 700 "its directory is mode 700"
for f in "$IPP_DB-wal" "$IPP_DB-shm"; do
	[ -e "$f" ] && is "$(modes "$f")" 600 "$(basename "$f") is mode 600"
done
is "$(sql 'PRAGMA journal_mode')" wal "the store is in WAL mode"
ok "the schema is versioned" test "$(sql 'PRAGMA user_version')" -ge 1

(umask 000; printf '%s\n' "$PW" | ipp-register login --email cases@ipp.test \
    --password-stdin)
is "$?" 0 "the handler signs in under umask 000"
is "$(modes "$XDG_STATE_HOME/ipp/session")" 600 "the session file is mode 600"
is "$(modes "$XDG_STATE_HOME/ipp")" 700 "its directory is mode 700"

# ---- -d beats IPP_DB ----
try init_at -d "$tmp/other/d.db"
succeeded "init -d PATH"
ok "-d creates the store at PATH" test -f "$tmp/other/d.db"
is "$(modes "$tmp/other/d.db" "$tmp/other")" "600 700" "with modes 600 and 700"

# ---- the defaults, without IPP_DB ----
(
	unset IPP_DB
	XDG_DATA_HOME=$tmp/xdg
	export XDG_DATA_HOME
	try init_at
	succeeded "init without IPP_DB"
	ok "the store is at \$XDG_DATA_HOME/ipp/ipp.db" test -f "$tmp/xdg/ipp/ipp.db"
	unset XDG_DATA_HOME
	try init_at
	succeeded "init without IPP_DB and XDG_DATA_HOME"
	ok "the store is at ~/.local/share/ipp/ipp.db" \
	    test -f "$HOME/.local/share/ipp/ipp.db"
	is "$(modes "$HOME/.local/share/ipp/ipp.db" "$HOME/.local/share/ipp")" \
	    "600 700" "with modes 600 and 700"
	echo "$_tests $_failed" >"$tmp/counts"
)
read -r _tests _failed <"$tmp/counts"

# ---- no store, no silent creation ----
try ipp-register -d "$tmp/none/x.db" whoami
isnt "$rc" 0 "a command other than init does not create a store"
ok "nothing was created" test ! -e "$tmp/none/x.db"

done_testing

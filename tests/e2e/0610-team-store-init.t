#!/bin/sh
# A team store's first `ipp-register init` (issue 14): two machines run
# it at once on one empty PostgreSQL database.  Migrations take the
# store's write lock, so they run once, whole: one init migrates, the
# other waits, finds the schema up to date and migrates nothing; neither
# meets a store error (a table created twice, the seed twice).  Exactly
# one case handler is created; the other init is refused as any init of
# a store that has one.
#
# To make "at once" certain rather than likely, this test holds the
# write lock itself (a psql session, pg_advisory_lock on the key lib/db.c
# takes in each write transaction, PG_WRITE_LOCK) until both inits wait
# for it, then lets go.
. "$(dirname "$0")/lib.sh"

if ! on_pg; then
	echo "1..0 # SKIP the migration lock is PostgreSQL's (make e2e-pg)"
	exit 0
fi

psql() {
	"$PG_BINDIR/psql" -qAtX "$IPP_DB" "$@"
}
# lib/db.c's PG_WRITE_LOCK.
key=7000944640

is "$(sql "SELECT to_regclass('ipp_schema') IS NULL")" 1 \
    "the database is empty: no schema yet"

# The holder: takes the lock, waits (10 s at most) until two others wait
# for it, says how many did, and lets go.  Only this database's locks
# count: the suite runs other tests' stores on the same cluster at once.
psql >"$tmp/holder.out" 2>&1 <<EOF &
SELECT pg_advisory_lock($key);
DO \$\$ BEGIN
	FOR i IN 1..200 LOOP
		EXIT WHEN (SELECT count(*) FROM pg_locks WHERE locktype =
		    'advisory' AND NOT granted AND database = (SELECT oid
		    FROM pg_database WHERE datname = current_database())) >= 2;
		PERFORM pg_sleep(0.05);
	END LOOP;
END \$\$;
SELECT 'waiting: ' || count(*) FROM pg_locks
    WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid
    FROM pg_database WHERE datname = current_database());
SELECT pg_advisory_unlock($key);
EOF
holder=$!
held() {
	[ "$(sql "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
	    AND granted AND database = (SELECT oid FROM pg_database WHERE
	    datname = current_database())")" -ge 1 ]
}
ok "the test holds the write lock" wait_for held

for m in a b; do
	(
		XDG_DATA_HOME=$tmp/machine-$m
		export XDG_DATA_HOME
		printf '%s\n' "$PW" | ipp-register init \
		    --handler "cases-$m@ipp.test" --password-stdin \
		    >"$tmp/init-$m.out" 2>"$tmp/init-$m.err"
		echo $? >"$tmp/init-$m.rc"
	) &
done
wait
like "$(cat "$tmp/holder.out")" 'waiting: 2' \
    "both inits waited for the lock at once"

rcs=$(cat "$tmp/init-a.rc" "$tmp/init-b.rc" | sort | tr '\n' ' ')
is "$rcs" "0 1 " "one init exits 0, the other 1 (refused)"
for m in a b; do
	if [ "$(cat "$tmp/init-$m.rc")" -eq 0 ]; then
		winner=$m
		like "$(cat "$tmp/init-$m.err")" "ready; case handler 'cases-$m@ipp.test'" \
		    "machine $m's init made the store and its handler"
	else
		like "$(cat "$tmp/init-$m.err")" 'already has a case handler' \
		    "machine $m's init finds the store made: refused as such"
		unlike "$(cat "$tmp/init-$m.err")" \
		    'already exists|duplicate|UNIQUE|serializ|deadlock|migration' \
		    "and meets no store error"
	fi
done

# Migrated once: one version row, at the latest; the seeded rows once.
is "$(sql "SELECT count(*) || ' ' || max(version) FROM ipp_schema")" \
    "1 $(sql 'SELECT max(version) FROM ipp_schema')" \
    "ipp_schema has one row"
ok "at the latest version (the winner's store opens without migrating)" \
    test "$(sql 'SELECT max(version) FROM ipp_schema')" -ge 11
is "$(sql "SELECT count(*) FROM (SELECT code FROM reasons GROUP BY code
    HAVING count(*) > 1) AS d")" 0 "no reason code seeded twice"
is "$(sql "SELECT count(*) FROM reasons")" \
    "$(($(wc -l <"$(dirname "$0")/../../lib/reasons.tsv") - 1))" \
    "the catalog once, row for row"
is "$(sql "SELECT count(*) FROM settings WHERE name = 'complaint_max_urls'")" \
    1 "the settings once"
is "$(sql "SELECT email FROM accounts WHERE role = 'handler'")" \
    "cases-$winner@ipp.test" "one case handler, the winner's"

# Both machines use the store as made.
for m in a b; do
	try env XDG_DATA_HOME="$tmp/machine-$m" ipp-complain reasons --type trademark
	succeeded "machine $m reads the store"
done


done_testing
